"""The installed app (scripts/package-test.sh): its window shows the login screen, served from
the UI embedded in the binary, and a wrong password is refused by the installed Rust side."""

import os
import sys
from pathlib import Path

from selenium import webdriver
from selenium.webdriver.common.by import By
from selenium.webdriver.common.options import ArgOptions
from selenium.webdriver.support import expected_conditions as EC
from selenium.webdriver.support.ui import WebDriverWait

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "e2e"))
from screenshots import save_screenshot  # noqa: E402 - the e2e helpers, found through the path above


def main() -> int:
    options = ArgOptions()
    options.set_capability("browserName", "wry")
    options.set_capability(
        "tauri:options",
        {"application": os.environ["KICKSTART_APP"], "args": ["--data-dir", os.environ["KICKSTART_PACKAGE_DATA"]]},
    )
    driver = webdriver.Remote(command_executor="http://127.0.0.1:4444", options=options)
    try:
        wait = WebDriverWait(driver, 30)
        login = wait.until(EC.visibility_of_element_located((By.CSS_SELECTOR, '[data-testid="login"]')))
        # Embedded assets are served from Tauri's own scheme, never a dev server or a file path.
        location = driver.execute_script("return window.location.href")
        assert location.startswith("tauri://localhost"), f"the page came from {location}, not the embedded UI"
        title = driver.execute_script("return document.title")
        assert "KickStartMyAI" in title, f"window title {title!r}"
        login.find_element(By.NAME, "username").send_keys("ada")
        login.find_element(By.NAME, "password").send_keys("not the password")
        driver.find_element(By.CSS_SELECTOR, '[data-testid="login-submit"]').click()
        error = wait.until(EC.visibility_of_element_located((By.CSS_SELECTOR, '[data-testid="form-error"]')))
        assert "don't match" in error.text, f"a wrong password should be refused in words: {error.text!r}"
        shots = Path(os.environ["KICKSTART_SCREENSHOTS"])
        save_screenshot(driver, shots / "90-installed-app-login.png")
        print(f"installed app: login screen at {location}, title {title!r}, a wrong password refused")
    finally:
        driver.quit()
    return 0


if __name__ == "__main__":
    sys.exit(main())
