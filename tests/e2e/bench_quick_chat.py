"""Living in the tray, measured in the real app (run by scripts/bench-app.sh).

1. Settled memory (PSS of the app and its WebKit processes) signed in with the main window shown
   and the quick chat hidden; then the same after the main window was closed to the tray (a real
   WM_DELETE_WINDOW, as a window manager's close button sends), both windows hidden.
2. Summon latency: from the global shortcut (a real key press through the X server, xdotool)
   and from the toggle command (`desktop_perform`), to the quick chat shown with its input
   focused. The quick chat's page records the moment its composer holds the focus of a focused
   document (Date.now(), the same clock as this script's); each summon is dismissed again with
   Escape's command before the next.
"""

import os
import statistics
import subprocess
import time
from pathlib import Path

from bench_common import app_pid, launch, pss_kib, sign_in
from screenshots import save_screenshot
from windows import switch_to
from Xlib import X, display
from Xlib.protocol import event

SUMMONS = int(os.environ.get("KICKSTART_BENCH_SUMMONS", "20"))
SETTLE_S = 10
QUICK_TITLE = "KickStartMyAI quick chat"

# Installed in the quick chat's page: records when the composer is focused in a focused, visible
# document, whichever event comes last (the window's focus, the composer's focusin, visibility).
WATCH = """
window.__summonedAt = null;
if (!window.__summonWatch) {
  window.__summonWatch = true;
  const check = () => {
    const composer = document.querySelector('[data-testid="composer"]');
    if (window.__summonedAt === null && composer && document.activeElement === composer
        && document.hasFocus() && document.visibilityState === "visible") {
      window.__summonedAt = Date.now();
    }
  };
  window.addEventListener("focus", check, true);
  document.addEventListener("focusin", check, true);
  document.addEventListener("visibilitychange", check);
}
"""

INVOKE = """
const done = arguments[arguments.length - 1];
window.__TAURI_INTERNALS__.invoke(arguments[0], arguments[1]).then(() => done(null), (e) => done(String(e)));
"""


def visible(title: str) -> bool:
    found = subprocess.run(["xdotool", "search", "--onlyvisible", "--name", f"^{title}$"], capture_output=True)
    return found.returncode == 0


def wait_visible(title: str, shown: bool, timeout: float = 10) -> None:
    deadline = time.monotonic() + timeout
    while visible(title) != shown:
        if time.monotonic() > deadline:
            raise SystemExit(f"{title!r} did not become {'visible' if shown else 'hidden'}")
        time.sleep(0.05)


def close_to_tray(title: str) -> None:
    """Sends the window a WM_DELETE_WINDOW client message, as a window manager's close button."""
    found = subprocess.run(["xdotool", "search", "--onlyvisible", "--name", f"^{title}$"], capture_output=True, text=True)
    screen = display.Display()
    delete = screen.intern_atom("WM_DELETE_WINDOW")
    protocols = screen.intern_atom("WM_PROTOCOLS")
    for window_id in found.stdout.split():
        window = screen.create_resource_object("window", int(window_id))
        message = event.ClientMessage(window=window, client_type=protocols, data=(32, [delete, X.CurrentTime, 0, 0, 0]))
        window.send_event(message, event_mask=X.NoEventMask)
    screen.flush()
    screen.close()


def settled_pss(pid: int, parts: dict) -> int:
    time.sleep(SETTLE_S)
    return pss_kib(pid, parts)


def summon(driver, how: str) -> float:
    """One summon, in milliseconds from the trigger to the composer focused; then hides it."""
    switch_to(driver, "quick")
    driver.execute_script(WATCH)
    if how == "shortcut":
        started = time.time() * 1000
        subprocess.run(["xdotool", "key", "ctrl+shift+space"], check=True)
    else:
        switch_to(driver, "main")
        started = time.time() * 1000
        error = driver.execute_async_script(INVOKE, "desktop_perform", {"action": "quickChat"})
        if error:
            raise SystemExit(f"desktop_perform failed: {error}")
        switch_to(driver, "quick")
    deadline = time.monotonic() + 10
    while (summoned := driver.execute_script("return window.__summonedAt")) is None:
        if time.monotonic() > deadline:
            save_screenshot(driver, Path("target/bench-quick-chat-failed.png"))
            raise SystemExit(f"the quick chat did not show with its input focused ({how})")
        time.sleep(0.02)
    error = driver.execute_async_script(INVOKE, "quick_chat_hide", {})
    if error:
        raise SystemExit(f"quick_chat_hide failed: {error}")
    wait_visible(QUICK_TITLE, False)
    time.sleep(0.3)
    return summoned - started


def describe(runs: list[float]) -> str:
    ordered = sorted(runs)
    p95 = ordered[max(0, int(len(ordered) * 0.95) - 1)]
    return f"median {statistics.median(runs):.0f} ms, p95 {p95:.0f} ms, max {max(runs):.0f} ms (n={len(runs)})"


def main() -> None:
    driver = launch()
    try:
        driver.set_script_timeout(30)
        sign_in(driver)
        pid = app_pid()
        shown_parts: dict = {}
        shown = settled_pss(pid, shown_parts)

        close_to_tray("KickStartMyAI")
        wait_visible("KickStartMyAI", False)
        hidden_parts: dict = {}
        hidden = settled_pss(pid, hidden_parts)

        # The first summon loads the conversation; it is reported, then the steady ones.
        first = summon(driver, "shortcut")
        by_shortcut = [summon(driver, "shortcut") for _ in range(SUMMONS)]
        by_command = [summon(driver, "command") for _ in range(SUMMONS)]
    finally:
        driver.quit()

    print(f"memory, signed in (PSS, app + WebKit): main window shown {shown / 1024:.1f} MiB; "
          f"closed to the tray {hidden / 1024:.1f} MiB ({100 * (hidden - shown) / shown:+.1f} %)")
    for name in sorted(set(shown_parts) | set(hidden_parts)):
        print(f"  {name}: {shown_parts.get(name, 0) / 1024:.1f} → {hidden_parts.get(name, 0) / 1024:.1f} MiB")
    print(f"summon, first after start-up: {first:.0f} ms")
    print(f"summon by the global shortcut (xdotool key → composer focused): {describe(by_shortcut)}")
    print(f"summon by the toggle command (desktop_perform → composer focused): {describe(by_command)}")


if __name__ == "__main__":
    main()
