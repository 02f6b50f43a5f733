"""Measures the Tasks page's first page with a full database (run by scripts/bench-app.sh)."""

import os
import statistics

from selenium import webdriver
from selenium.webdriver.common.by import By
from selenium.webdriver.common.options import ArgOptions
from selenium.webdriver.support import expected_conditions as EC
from selenium.webdriver.support.ui import WebDriverWait

# Clicks "Tasks" and resolves with the milliseconds until the first task row is in the page.
MEASURE = """
const done = arguments[arguments.length - 1];
const started = performance.now();
const check = () => document.querySelector('[data-testid="task-row"]')
  ? done(performance.now() - started) : requestAnimationFrame(check);
document.querySelector('[data-testid="nav-tasks"]').click();
check();
"""


def launch_and_measure() -> float:
    options = ArgOptions()
    options.set_capability("browserName", "wry")
    options.set_capability(
        "tauri:options",
        {"application": os.environ["KICKSTART_APP"], "args": ["--data-dir", os.environ["KICKSTART_BENCH_DATA"]]},
    )
    driver = webdriver.Remote(command_executor="http://127.0.0.1:4444", options=options)
    try:
        wait = WebDriverWait(driver, 30)
        form = wait.until(EC.visibility_of_element_located((By.CSS_SELECTOR, '[data-testid="login"]')))
        form.find_element(By.NAME, "username").send_keys("bench")
        form.find_element(By.NAME, "password").send_keys("correct horse battery")
        driver.find_element(By.CSS_SELECTOR, '[data-testid="login-submit"]').click()
        wait.until(EC.visibility_of_element_located((By.CSS_SELECTOR, '[data-testid="app-frame"]')))
        driver.set_script_timeout(30)
        return driver.execute_async_script(MEASURE)
    finally:
        driver.quit()


def main() -> None:
    runs = [launch_and_measure() for _ in range(3)]
    print("tasks page, first rows after clicking Tasks (ms):", ", ".join(f"{r:.0f}" for r in runs))
    print(f"median: {statistics.median(runs):.0f} ms")


if __name__ == "__main__":
    main()
