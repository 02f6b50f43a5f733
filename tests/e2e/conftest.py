"""WebDriver session against the real app binary, started by tauri-driver (see scripts/e2e.sh)."""

import contextlib
import json
import os
import re
import select
import subprocess
import time
from pathlib import Path

import pytest
from selenium import webdriver
from selenium.common.exceptions import StaleElementReferenceException, TimeoutException
from selenium.webdriver.common.by import By
from selenium.webdriver.common.options import ArgOptions
from selenium.webdriver.remote.webelement import WebElement
from selenium.webdriver.support import expected_conditions as EC
from selenium.webdriver.support.ui import WebDriverWait

from screenshots import save_screenshot

APP = os.environ["KICKSTART_APP"]
SHOTS = Path(os.environ.get("KICKSTART_SCREENSHOTS", "target/e2e-screenshots"))


# The element's nearest scrolling area (never the window, whose scrolling would shift the whole
# frame), then how far to scroll it: the element to the area's top, or to its middle when it is
# outside the area or near its edges (where a sticky header may cover it).
_SCROLL_BOX = (
    "const el = arguments[0]; let box = el.parentElement;"
    "while (box && !(box.scrollHeight > box.clientHeight && getComputedStyle(box).overflowY !== 'visible'))"
    "  box = box.parentElement;"
    "if (!box) return;"
    "const area = box.getBoundingClientRect(), at = el.getBoundingClientRect();"
)
SCROLL_TO_TOP = _SCROLL_BOX + "box.scrollTop += at.top - area.top;"
SCROLL_INTO_MIDDLE = _SCROLL_BOX + (
    "if (at.top < area.top + 120 || at.bottom > area.bottom - 40)"
    "  box.scrollTop += (at.top + at.height / 2) - (area.top + area.height / 2);"
)


class App:
    """The app's window, addressed by data-testid, with screenshots by name."""

    def __init__(self, driver: webdriver.Remote, data_dir: Path):
        self.driver = driver
        self.data_dir = data_dir  # the app's --data-dir: its database and files

    def find(self, testid: str, timeout: float = 10) -> WebElement:
        try:
            return WebDriverWait(self.driver, timeout).until(
                EC.visibility_of_element_located((By.CSS_SELECTOR, f'[data-testid="{testid}"]'))
            )
        except TimeoutException:
            self.shot(f"FAILED-waiting-for-{testid}")
            raise AssertionError(f'"{testid}" did not appear; page text: {self.page_text()[:500]!r}')

    def absent(self, testid: str) -> bool:
        try:
            return not self.driver.find_elements(By.CSS_SELECTOR, f'[data-testid="{testid}"]')
        except StaleElementReferenceException:
            # WebKitWebDriver found it and it went before its handle was made: it is being
            # removed right now. Not absent yet; a wait looks again.
            return False

    def fill(self, scope: str, **fields: str) -> None:
        """Types into the inputs named `fields` inside the element `scope`."""
        container = self.find(scope)
        for name, value in fields.items():
            element = container.find_element(By.CSS_SELECTOR, f'[name="{name}"]')
            element.clear()
            element.send_keys(value)

    def click(self, testid: str) -> None:
        element = self.find(testid)
        WebDriverWait(self.driver, 10).until(lambda _: element.is_enabled())
        # Into view within its scrolling area first: a page scrolled down (to a chart, say)
        # leaves controls under the page header, where a click would land on the header.
        self.driver.execute_script(SCROLL_INTO_MIDDLE, element)
        element.click()

    def choose(self, testid: str) -> None:
        """Clicks the label of a visually hidden radio or checkbox input, as a person would."""
        label = WebDriverWait(self.driver, 10).until(
            EC.element_to_be_clickable((By.XPATH, f"//label[.//*[@data-testid='{testid}']]"))
        )
        label.click()

    def register_first_profile(self, username: str, display_name: str, password: str) -> None:
        """Creates the administrator on the first-run screen and dismisses the recovery key."""
        self.fill("first-run", username=username, displayName=display_name, password=password, confirmPassword=password)
        self.click("register-submit")
        self.find("recovery-key")
        self.click("recovery-key-saved")
        self.click("recovery-key-continue")
        self.find("app-frame")

    def row(self, title: str, timeout: float = 10) -> WebElement:
        """The task row with this title."""
        selector = f'[data-testid="task-row"][data-task-title="{title}"]'
        try:
            return WebDriverWait(self.driver, timeout).until(
                EC.visibility_of_element_located((By.CSS_SELECTOR, selector))
            )
        except TimeoutException:
            self.shot(f"FAILED-waiting-for-row-{title}")
            raise AssertionError(f"no row {title!r}; page text: {self.page_text()[:500]!r}")

    def no_row(self, title: str, timeout: float = 10) -> None:
        selector = f'[data-testid="task-row"][data-task-title="{title}"]'
        WebDriverWait(self.driver, timeout).until(
            lambda d: not d.find_elements(By.CSS_SELECTOR, selector)
        )

    def wait_theme(self, theme: str) -> None:
        """Waits until the theme applies and its colour transitions have finished."""
        WebDriverWait(self.driver, 5).until(
            lambda d: d.execute_script("return document.documentElement.dataset.theme") == theme
        )
        time.sleep(0.5)

    def scroll_to(self, testid: str) -> None:
        """Scrolls the element's scrolling area (not the window) so the element is at its top."""
        self.driver.execute_script(SCROLL_TO_TOP, self.find(testid))

    def text(self, testid: str) -> str:
        # textContent, not .text: WebKitWebDriver's rendered-text algorithm drops text clipped
        # by `overflow: hidden` with ellipsis, which the sidebar uses.
        return self.find(testid).get_property("textContent") or ""

    def wait_text(self, testid: str, pattern: str, timeout: float = 10) -> str:
        """Waits until the element's text matches `pattern` (a regex) and returns the text."""
        WebDriverWait(self.driver, timeout).until(lambda _: re.search(pattern, self.text(testid)))
        return self.text(testid)

    def page_text(self) -> str:
        return self.driver.find_element(By.TAG_NAME, "body").get_property("textContent") or ""

    def shot(self, name: str) -> Path:
        # Typed text can be in the DOM before it is painted: let two frames render first.
        self.driver.execute_async_script(
            "const done = arguments[arguments.length - 1];"
            "requestAnimationFrame(() => requestAnimationFrame(() => done()));"
        )
        SHOTS.mkdir(parents=True, exist_ok=True)
        path = SHOTS / f"{name}.png"
        return save_screenshot(self.driver, path)


def screen(name: str) -> Path:
    """The whole X screen, for what is in no web view (the tray menu, notifications, the system's
    file dialogs)."""
    SHOTS.mkdir(parents=True, exist_ok=True)
    path = SHOTS / f"{name}.png"
    subprocess.run(["import", "-window", "root", str(path)], check=True, timeout=20)
    return path


def text_of(element: WebElement) -> str:
    """An element's text as the DOM has it (see App.text)."""
    return element.get_property("textContent") or ""


def invoke(app: App, command: str, args: dict):
    """Calls one of the app's commands from the current window, as its UI would; returns its
    result, or raises with the app's error (code and message)."""
    outcome = app.driver.execute_async_script(
        "const done = arguments[arguments.length - 1];"
        "window.__TAURI_INTERNALS__.invoke(arguments[0], arguments[1])"
        ".then((value) => done({ ok: value ?? null }), (error) => done({ error }));",
        command,
        args,
    )
    if "error" in outcome:
        raise AssertionError(f"{command} failed: {outcome['error']}")
    return outcome["ok"]


def set_theme(app: App, theme: str) -> None:
    """Chooses the theme in Settings → Appearance and waits until it applies."""
    app.click("nav-settings")
    app.click("settings-tab-appearance")
    app.choose(f"theme-{theme}")
    app.wait_theme(theme)


def add_scripted_provider(app: App, url: str) -> None:
    """Settings → Providers: the scripted LLM server at `url` as a custom connection, the default."""
    app.click("nav-settings")
    app.click("settings-tab-providers")
    app.click("providers-add")
    app.find("provider-dialog")
    app.choose("provider-preset-custom")
    app.fill("provider-dialog", name="Scripted server", baseUrl=url, defaultModel="scripted-small")
    app.click("provider-save")
    WebDriverWait(app.driver, 10).until(lambda _: app.absent("provider-dialog"))


def start_app(data_dir: Path) -> App:
    """Launches the app on `data_dir` in a new WebDriver session. Quit its driver when done."""
    options = ArgOptions()
    options.set_capability("browserName", "wry")
    options.set_capability("tauri:options", {"application": APP, "args": ["--data-dir", str(data_dir)]})
    driver = webdriver.Remote(command_executor="http://127.0.0.1:4444", options=options)
    driver.set_window_size(1200, 780)
    return App(driver, data_dir)


@pytest.fixture(scope="module")
def app(tmp_path_factory):
    """The app on a data folder of its own: every test module starts at the first-run screen."""
    started = start_app(tmp_path_factory.mktemp("app-data"))
    try:
        yield started
    finally:
        started.driver.quit()


@contextlib.contextmanager
def llm_server(*args: str):
    """The scripted LLM server (built by scripts/e2e.sh) with these arguments: yields the process
    (its stdin open, to change the answer) and its /v1 URL; stops it afterwards."""
    binary = os.environ.get("KICKSTART_LLM_SERVER")
    assert binary and os.access(binary, os.X_OK), "KICKSTART_LLM_SERVER must name the built binary (scripts/e2e.sh)"
    server = subprocess.Popen(
        [binary, "--port", "0", *args], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True
    )
    try:
        ready, _, _ = select.select([server.stdout], [], [], 10)
        line = server.stdout.readline() if ready else ""
        match = re.match(r"listening (http://127\.0\.0\.1:\d+)$", line.strip())
        assert match, f"the server did not say where it listens: {line!r} (exit code {server.poll()})"
        yield server, match.group(1) + "/v1"
    finally:
        server.terminate()
        try:
            server.wait(timeout=5)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()
        server.stdin.close()
        server.stdout.close()


class Llm:
    """The scripted LLM server of a test module; what it answers is changed through its stdin."""

    def __init__(self, process, url: str):
        self.process = process
        self.url = url

    def answer(self, pieces: list[str], delay_ms: int = 0) -> None:
        """The answer every following chat request gets."""
        self._send({"pieces": pieces, "delayMs": delay_ms})

    def queue(self, *answers: dict) -> None:
        """The answers the next chat requests get, in order: {"text": [...], "toolCalls": [...]}."""
        self._send({"queue": list(answers)})

    def _send(self, command: dict) -> None:
        self.process.stdin.write(json.dumps(command) + "\n")
        self.process.stdin.flush()
        time.sleep(0.2)  # the server reads its input on another thread


@pytest.fixture(scope="module")
def llm():
    with llm_server() as (process, url):
        yield Llm(process, url)
