"""Your data in and out of the real app: a profile's tasks and conversations exported to a JSON
file, imported into a second profile, and found there; a backup made by hand; Settings → Data in
light and dark.

The save and open dialogs are the system's own (GTK) windows, which WebDriver cannot see: the
test types into them with xdotool, as a keyboard would. Files a person could not pick there (the
wrong extension, a damaged file) are handed to the commands directly.
"""

import json
import subprocess
import time

import pytest
from conftest import add_scripted_provider, invoke, screen, set_theme, text_of
from selenium.common.exceptions import StaleElementReferenceException
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.support.ui import WebDriverWait

PASSWORD = "correct horse battery"


def wait_answer_complete(app, timeout: float = 20) -> str:
    def done(_):
        answers = app.driver.find_elements(By.CSS_SELECTOR, '[data-testid="message-assistant"]')
        return answers and answers[-1].get_attribute("data-status") == "complete" and text_of(answers[-1])

    return WebDriverWait(app.driver, timeout, ignored_exceptions=[StaleElementReferenceException]).until(done)


def type_into_dialog(title: str, path, *, location_key: str, shot: str) -> None:
    """Types a full path into the system's (GTK) file dialog whose title starts with `title` and
    presses Enter: `location_key` first selects the field to type in (the name field of a save
    dialog, the location field of an open dialog)."""
    found = None
    for _ in range(50):
        found = subprocess.run(["xdotool", "search", "--onlyvisible", "--name", f"^{title}"], capture_output=True, text=True)
        if found.returncode == 0:
            break
        time.sleep(0.2)
    assert found and found.returncode == 0, f"the {title!r} dialog did not open"
    window = found.stdout.split()[-1]
    subprocess.run(["xdotool", "windowactivate", "--sync", window], check=False)
    subprocess.run(["xdotool", "windowfocus", "--sync", window], check=True)
    subprocess.run(["xdotool", "key", location_key], check=True)
    subprocess.run(["xdotool", "type", "--delay", "20", str(path)], check=True)
    time.sleep(0.5)  # the dialog completes what was typed as it goes
    screen(shot)
    subprocess.run(["xdotool", "key", "Return"], check=True)


def save_in_dialog(path) -> None:
    type_into_dialog("Save", path, location_key="ctrl+a", shot="77-save-dialog")


def open_in_dialog(path) -> None:
    type_into_dialog("Open", path, location_key="ctrl+l", shot="78-open-dialog")


def test_export_import_into_another_profile_and_back_up(app, tmp_path):
    app.register_first_profile("ada", "Ada Lovelace", PASSWORD)
    set_theme(app, "light")

    # Some data: a task by quick add, a conversation with the offline Task assistant that adds
    # another task through its tool.
    app.click("nav-tasks")
    app.find("quick-add").send_keys("pay rent every month on the 1st p1 #home" + Keys.ENTER)
    app.row("pay rent")
    app.click("nav-chat")
    app.find("composer").send_keys("add call the bank tomorrow 9am" + Keys.ENTER)
    wait_answer_complete(app)

    # Settings → Data: "Back up now" adds a backup to the list (the daily one comes a minute
    # after start, so the list may or may not have it yet).
    app.click("nav-settings")
    app.click("settings-tab-data")
    WebDriverWait(app.driver, 10).until(
        lambda d: d.find_elements(By.CSS_SELECTOR, '[data-testid="backup-row"]') or "No backups yet" in app.page_text()
    )
    before = len(app.driver.find_elements(By.CSS_SELECTOR, '[data-testid="backup-row"]'))
    app.click("backup-create")
    WebDriverWait(app.driver, 10).until(
        lambda d: len(d.find_elements(By.CSS_SELECTOR, '[data-testid="backup-row"]')) == before + 1
    )
    assert "By hand" in app.text("settings-data")
    app.shot("70-settings-data-light")

    # Export everything through the system's save dialog, typed into as a person would.
    target = tmp_path / "ada-export.json"
    app.click("export-profile")
    save_in_dialog(target)
    assert str(target) in app.text("export-result")
    assert target.exists()
    export = json.loads(target.read_text())
    titles = sorted(row["title"] for row in export["tables"]["tasks"])
    assert titles == ["call the bank", "pay rent"], titles
    assert "password" not in target.read_text(), "no secrets in an export"
    # A wrong kind of file is refused, in words.
    with pytest.raises(AssertionError, match="Choose a .json file"):
        invoke(app, "exports_profile", {"path": str(tmp_path / "ada-export.exe"), "onProgress": "__CHANNEL__:0"})

    # A second profile imports it and finds the same tasks and conversation.
    app.click("logout-button")
    app.click("go-register")
    app.fill("register", username="bob", displayName="Bob", password=PASSWORD, confirmPassword=PASSWORD)
    app.click("register-submit")
    app.find("recovery-key")
    app.click("recovery-key-saved")
    app.click("recovery-key-continue")
    app.find("app-frame")
    app.click("nav-settings")
    app.click("settings-tab-data")
    app.click("import-profile")
    open_in_dialog(target)
    imported = app.text("import-result")
    assert "2 tasks" in imported and "1 conversation" in imported, imported

    app.click("nav-tasks")
    app.row("pay rent")
    app.row("call the bank")
    app.click("nav-chat")
    app.find("thread-item").click()
    assert "add call the bank tomorrow 9am" in app.text("message-user")

    # Importing the same file again adds nothing.
    again = invoke(app, "exports_import", {"path": str(target)})
    assert again["added"] == [] and again["alreadyThere"] > 0, again

    # A damaged file is refused and changes nothing.
    damaged = tmp_path / "damaged.json"
    damaged.write_text(target.read_text()[: len(target.read_text()) // 2])
    with pytest.raises(AssertionError, match="ImportRefused"):
        invoke(app, "exports_import", {"path": str(damaged)})

    # Members see their own export and import, not the computer's backups.
    app.click("nav-settings")
    app.click("settings-tab-data")
    app.find("export-profile")
    assert app.absent("backup-create"), "backups are for administrators"
    set_theme(app, "dark")
    app.click("settings-tab-data")
    app.find("export-profile")
    app.shot("71-settings-data-member-dark")
    set_theme(app, "light")


def test_diagnostics_with_usage_charts_light_and_dark(app, llm):
    # Still Bob, from the test above: a provider and a few answers give the charts something.
    add_scripted_provider(app, llm.url)
    app.click("nav-chat")
    for question in ("What is on today?", "And tomorrow?"):
        app.click("new-chat")
        app.find("composer").send_keys(question + Keys.ENTER)
        WebDriverWait(app.driver, 20).until(
            lambda d: any(
                a.get_attribute("data-status") == "complete" and question
                for a in d.find_elements(By.CSS_SELECTOR, '[data-testid="message-assistant"]')
            )
        )
    app.click("nav-settings")
    app.click("settings-tab-diagnostics")
    facts = app.find("diag-facts")
    assert "linux" in text_of(facts)
    app.find("chart-agents").find_element(By.CSS_SELECTOR, "svg.recharts-surface")
    app.find("chart-tasks").find_element(By.CSS_SELECTOR, "svg.recharts-surface")
    counts = app.text("diag-counts")
    assert "threads" in counts and "messages" in counts
    app.shot("72-diagnostics-light")
    app.scroll_to("chart-agents")
    app.shot("73-diagnostics-charts-light")
    set_theme(app, "dark")
    app.click("settings-tab-diagnostics")
    app.find("chart-agents").find_element(By.CSS_SELECTOR, "svg.recharts-surface")
    app.scroll_to("chart-agents")
    app.shot("74-diagnostics-charts-dark")
    set_theme(app, "light")
