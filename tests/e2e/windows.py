"""Finding a window of the app by its Tauri label (shared by the tests and the benchmarks)."""

import time


def switch_to(driver, label: str, timeout_s: float = 10) -> None:
    """Makes the window with this Tauri label the one WebDriver talks to. The quick chat is made
    a moment after sign-in (desktop::QUICK_CHAT_DELAY), so its window may take a few seconds."""
    deadline = time.monotonic() + timeout_s
    while True:
        for handle in driver.window_handles:
            driver.switch_to.window(handle)
            if driver.execute_script("return window.__TAURI_INTERNALS__?.metadata.currentWindow.label") == label:
                return
        if time.monotonic() > deadline:
            raise AssertionError(f"no window labelled {label!r} among {len(driver.window_handles)}")
        time.sleep(0.2)
