"""Rolling back to a backup in the real app, restart included: a task made after the backup is
gone once the app has restarted, the one before it is still there, and the state before the
restore was itself backed up.

Restoring restarts the app (`request_restart`). The new process is not the one WebDriver started,
so the test finds it by its data folder, waits until it has swapped the backup in, stops it, and
opens a new session on the same folder to look at the result.
"""

import signal
import subprocess
import time

import pytest
from conftest import start_app
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.support.ui import WebDriverWait

PASSWORD = "correct horse battery"


def app_processes(data_dir) -> set[int]:
    """Our app's processes running on this data folder (not WebKit's helpers)."""
    found = subprocess.run(["pgrep", "-f", f"kickstart --data-dir {data_dir}$"], capture_output=True, text=True)
    return {int(pid) for pid in found.stdout.split()}


def wait_until(condition, timeout: float, what: str):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        time.sleep(0.2)
    raise AssertionError(f"timed out waiting for {what}")


def backup_rows(app):
    return app.driver.find_elements(By.CSS_SELECTOR, '[data-testid="backup-row"]')


@pytest.fixture
def data_dir(tmp_path):
    folder = tmp_path / "restore-data"
    folder.mkdir()
    yield folder
    for pid in app_processes(folder):  # a restarted app left behind by a failed test
        subprocess.run(["kill", "-TERM", str(pid)], check=False)


def test_restore_a_backup_restarts_into_yesterdays_data(data_dir):
    first = start_app(data_dir)
    try:
        first.register_first_profile("ada", "Ada Lovelace", PASSWORD)
        first.click("nav-tasks")
        first.find("quick-add").send_keys("kept from before the backup" + Keys.ENTER)
        first.row("kept from before the backup")

        first.click("nav-settings")
        first.click("settings-tab-data")
        first.click("backup-create")
        WebDriverWait(first.driver, 10).until(lambda _: len(backup_rows(first)) == 1)

        first.click("nav-tasks")
        first.find("quick-add").send_keys("made after the backup" + Keys.ENTER)
        first.row("made after the backup")

        first.click("nav-settings")
        first.click("settings-tab-data")
        [row] = backup_rows(first)
        assert "By hand" in row.text
        row.find_element(By.CSS_SELECTOR, '[data-testid="backup-restore"]').click()
        first.find("backup-restore-dialog")
        first.shot("75-restore-confirm")
        old_pids = wait_until(lambda: app_processes(data_dir), 5, "the first app's process")
        database = data_dir / "kickstart.db"
        old_database = database.stat().st_ino
        # The click makes the app exit at once, so WebDriver's own click may never get its
        # answer (it fails with an empty WebDriverException on a fast machine). The click is
        # scheduled in the page instead: the script returns first, then the button is pressed.
        confirm = first.find("backup-restore-confirm")
        first.driver.execute_script("const button = arguments[0]; setTimeout(() => button.click(), 50);", confirm)

        # The app restarts: the first process ends and a new one on the same folder takes over.
        restarted = wait_until(lambda: app_processes(data_dir) - old_pids, 30, "the restarted app")
    finally:
        try:
            first.driver.quit()  # the session's app is gone; closing it may fail
        except Exception:  # noqa: BLE001 - nothing to clean up beyond this point
            pass

    # The restarted app swaps the backup in before it opens the database, and keeps what was
    # there before in a "before restore" backup; the marker that asked for it is gone. The swap
    # (a rename over the database file) is the restore's last step: stopped before it, the app
    # leaves the database as it was, so the test waits for the file to be a new one.
    wait_until(lambda: not (data_dir / "backups" / "restore-pending").exists(), 30, "the restore to be applied")
    wait_until(
        lambda: any("before-restore" in path.name for path in (data_dir / "backups").iterdir()),
        30,
        "the backup of the state before the restore",
    )
    wait_until(lambda: database.stat().st_ino != old_database, 30, "the backup to replace the database file")
    for pid in restarted:
        subprocess.run(["kill", f"-{signal.SIGTERM.value}", str(pid)], check=False)
    wait_until(lambda: not app_processes(data_dir), 15, "the restarted app to stop")

    second = start_app(data_dir)
    try:
        second.fill("login", username="ada", password=PASSWORD)
        second.click("login-submit")
        second.find("app-frame")
        second.click("nav-tasks")
        second.row("kept from before the backup")
        second.no_row("made after the backup")
        second.click("nav-settings")
        second.click("settings-tab-data")
        WebDriverWait(second.driver, 10).until(lambda _: len(backup_rows(second)) == 2)
        assert "Before a restore" in second.text("settings-data")
        second.shot("76-restored-backups")
    finally:
        second.driver.quit()
