"""What the app benchmarks share (scripts/bench-app.sh runs them): a WebDriver session on the
release binary, signing in to the seeded profile, and the app's memory as the kernel counts it."""

import os
import subprocess
from pathlib import Path

from selenium import webdriver
from selenium.webdriver.common.by import By
from selenium.webdriver.common.options import ArgOptions
from selenium.webdriver.support import expected_conditions as EC
from selenium.webdriver.support.ui import WebDriverWait

USERNAME, PASSWORD = "bench", "correct horse battery"


def launch(*extra_args: str) -> webdriver.Remote:
    """Starts the app (KICKSTART_APP) on the seeded data folder through tauri-driver."""
    options = ArgOptions()
    options.set_capability("browserName", "wry")
    options.set_capability(
        "tauri:options",
        {
            "application": os.environ["KICKSTART_APP"],
            "args": ["--data-dir", os.environ["KICKSTART_BENCH_DATA"], *extra_args],
        },
    )
    # scripts/bench-app.sh starts tauri-driver on KICKSTART_DRIVER_PORT (default 4444, as the e2e
    # tests do; another port lets both run at once).
    port = os.environ.get("KICKSTART_DRIVER_PORT", "4444")
    return webdriver.Remote(command_executor=f"http://127.0.0.1:{port}", options=options)


def sign_in(driver: webdriver.Remote) -> None:
    """Signs in to the seeded profile on the login screen and waits for the app's frame."""
    wait = WebDriverWait(driver, 30)
    form = wait.until(EC.visibility_of_element_located((By.CSS_SELECTOR, '[data-testid="login"]')))
    form.find_element(By.NAME, "username").send_keys(USERNAME)
    form.find_element(By.NAME, "password").send_keys(PASSWORD)
    driver.find_element(By.CSS_SELECTOR, '[data-testid="login-submit"]').click()
    wait.until(EC.visibility_of_element_located((By.CSS_SELECTOR, '[data-testid="app-frame"]')))


def pss_kib(root_pid: int, by_process: dict | None = None) -> int:
    """Proportional set size of a process and all its descendants (the WebKit processes); with
    `by_process`, also each process's share by name. PSS is the fair sum: RSS would count the
    shared libraries once per process."""
    pids, frontier = [], [root_pid]
    while frontier:
        pid = frontier.pop()
        pids.append(pid)
        children = Path(f"/proc/{pid}/task/{pid}/children")
        if children.exists():
            frontier.extend(int(c) for c in children.read_text().split())
    total = 0
    for pid in pids:
        try:
            for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines():
                if line.startswith("Pss:"):
                    total += int(line.split()[1])
                    if by_process is not None:
                        name = Path(f"/proc/{pid}/comm").read_text().strip()
                        by_process[name] = by_process.get(name, 0) + int(line.split()[1])
        except FileNotFoundError:
            pass
    return total


def app_pid() -> int:
    """The newest process running the app binary."""
    out = subprocess.run(["pgrep", "-f", "-n", os.environ["KICKSTART_APP"]], capture_output=True, text=True)
    return int(out.stdout.split()[0])
