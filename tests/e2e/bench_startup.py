"""Start-up and memory of the whole app beside a bare Tauri app (run by scripts/bench-app.sh).

The floor (bench/floor: one window, one React page) and our release binary are each launched
RUNS times, alternating, with fresh data folders (XDG_* and, for ours, --data-dir):
- launch to the first screen interactive: from the process's start (the kernel's start time of
  the process) to the page's "first-screen" performance mark, which both pages set after the
  frame that drew them (ours: the first-run screen; the floor: its page), on the same clock;
- settled memory SETTLE_S seconds later: PSS summed over the app and its WebKit processes, RSS
  beside it, and how much of the app's own binary is mapped (the part of it that start-up code
  ordering, src-tauri/startup.order, is about: it grows when that list goes stale);
On a machine without a GPU, where ours paints without WebKit's compositing, the floor is launched
a third time per run painting the same way ("floor B"): our ratio to it is the like-for-like one.
Then our app on a data folder with 10 000 tasks and 500 conversations (KICKSTART_BENCH_FULL_DATA):
signed in, on the Tasks page, settled memory.

Each launch gets its own tauri-driver with the fresh XDG folders in its environment (the app
inherits it).
"""

import os
import shutil
import signal
import socket
import statistics
import subprocess
import tempfile
import time
from pathlib import Path

from bench_common import USERNAME, PASSWORD, pss_kib
from painting import machine_has_gpu
from selenium import webdriver
from selenium.webdriver.common.by import By
from selenium.webdriver.common.options import ArgOptions
from selenium.webdriver.support import expected_conditions as EC
from selenium.webdriver.support.ui import WebDriverWait

RUNS = int(os.environ.get("KICKSTART_BENCH_RUNS", "5"))
SETTLE_S = 10
PORT, NATIVE_PORT = 4446, 4447
# Without a GPU ours turns WebKit's compositing off (src-tauri/src/rendering.rs, the same test);
# the floor is then measured a second time painting the same way, for a like-for-like figure.
NO_GPU = not machine_has_gpu()
NO_COMPOSITING = {"WEBKIT_DISABLE_COMPOSITING_MODE": "1"}
TICKS = os.sysconf("SC_CLK_TCK")

MARK = """
const entries = performance.getEntriesByName("first-screen");
return entries.length ? performance.timeOrigin + entries[0].startTime : null;
"""


def rss_kib(root_pid: int) -> int:
    total, frontier = 0, [root_pid]
    while frontier:
        pid = frontier.pop()
        try:
            for line in Path(f"/proc/{pid}/status").read_text().splitlines():
                if line.startswith("VmRSS:"):
                    total += int(line.split()[1])
            frontier.extend(int(c) for c in Path(f"/proc/{pid}/task/{pid}/children").read_text().split())
        except FileNotFoundError:
            pass
    return total


def binary_mapped_kib(pid: int) -> int:
    """Resident size of the process's mappings of its own executable (code, read-only data)."""
    exe, total, current = os.readlink(f"/proc/{pid}/exe"), 0, None
    for line in Path(f"/proc/{pid}/smaps").read_text().splitlines():
        fields = line.split()
        if "-" in fields[0] and not fields[0].endswith(":"):
            current = fields[5] if len(fields) > 5 else None
        elif fields[0] == "Rss:" and current == exe:
            total += int(fields[1])
    return total


def started_at_ms(pid: int) -> float:
    """The process's start as Unix milliseconds: its start in clock ticks after boot (field 22 of
    /proc/PID/stat) plus the boot's Unix time, taken from /proc/uptime to the same 10 ms."""
    boot = time.time() - float(Path("/proc/uptime").read_text().split()[0])
    stat = Path(f"/proc/{pid}/stat").read_text()
    start_ticks = int(stat[stat.rindex(")") + 2 :].split()[19])
    return (boot + start_ticks / TICKS) * 1000


def newest_pid(binary: str) -> int:
    out = subprocess.run(["pgrep", "-f", "-n", binary], capture_output=True, text=True)
    return int(out.stdout.split()[0])


def wait_for_port(port: int) -> None:
    deadline = time.monotonic() + 10
    while True:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
            return
        except OSError:
            if time.monotonic() > deadline:
                raise SystemExit(f"nothing listens on port {port}")
            time.sleep(0.05)


class Launch:
    """One launch of `binary` through its own tauri-driver, with fresh XDG folders."""

    def __init__(self, binary: str, args: list[str], extra_env: dict | None = None):
        self.scratch = Path(tempfile.mkdtemp(prefix="kickstart-startup-"))
        env = dict(os.environ, **(extra_env or {}))
        for name in ("XDG_DATA_HOME", "XDG_CONFIG_HOME", "XDG_CACHE_HOME"):
            folder = self.scratch / name.lower()
            folder.mkdir()
            env[name] = str(folder)
        self.driver_log = open("target/tauri-driver-startup.log", "ab")
        self.driver_process = subprocess.Popen(
            ["tauri-driver", "--port", str(PORT), "--native-port", str(NATIVE_PORT)],
            env=env, stdout=self.driver_log, stderr=self.driver_log, start_new_session=True,
        )
        try:
            # tauri-driver answers before WebKitWebDriver behind it listens: wait for both.
            for port in (PORT, NATIVE_PORT):
                wait_for_port(port)
            options = ArgOptions()
            options.set_capability("browserName", "wry")
            options.set_capability("tauri:options", {"application": binary, "args": args})
            self.driver = webdriver.Remote(command_executor=f"http://127.0.0.1:{PORT}", options=options)
        except BaseException:
            self.stop_driver()
            raise
        self.pid = newest_pid(binary)

    def first_screen_ms(self) -> float:
        """Milliseconds from the process's start to the first-screen mark."""
        deadline = time.monotonic() + 30
        while (marked := self.driver.execute_script(MARK)) is None:
            if time.monotonic() > deadline:
                raise SystemExit("the first screen never said it was painted")
            time.sleep(0.05)
        return marked - started_at_ms(self.pid)

    def settled_memory(self) -> tuple[int, int, int]:
        time.sleep(SETTLE_S)
        return pss_kib(self.pid), rss_kib(self.pid), binary_mapped_kib(self.pid)

    def stop_driver(self) -> None:
        # tauri-driver and the WebKitWebDriver it started (its own process group).
        os.killpg(self.driver_process.pid, signal.SIGTERM)
        self.driver_process.wait(10)
        self.driver_log.close()
        shutil.rmtree(self.scratch, ignore_errors=True)

    def close(self) -> None:
        try:
            self.driver.quit()
        finally:
            self.stop_driver()


def measure(name: str, binary: str, ours: bool, extra_env: dict | None = None) -> dict:
    data = Path(tempfile.mkdtemp(prefix="kickstart-startup-data-"))
    launch = Launch(binary, ["--data-dir", str(data)] if ours else [], extra_env)
    try:
        startup = launch.first_screen_ms()
        pss, rss, binary = launch.settled_memory()
    finally:
        launch.close()
        shutil.rmtree(data, ignore_errors=True)
    print(f"  {name}: first screen {startup:.0f} ms, settled PSS {pss / 1024:.1f} MiB, RSS {rss / 1024:.1f} MiB, "
          f"binary mapped {binary / 1024:.1f} MiB", flush=True)
    return {"startup": startup, "pss": pss, "rss": rss, "binary": binary}


def full_profile(binary: str, data: str) -> dict:
    """Our app signed in to the seeded profile with 10 000 tasks and 500 conversations."""
    launch = Launch(binary, ["--data-dir", data])
    try:
        driver = launch.driver
        wait = WebDriverWait(driver, 60)
        form = wait.until(EC.visibility_of_element_located((By.CSS_SELECTOR, '[data-testid="login"]')))
        form.find_element(By.NAME, "username").send_keys(USERNAME)
        form.find_element(By.NAME, "password").send_keys(PASSWORD)
        clicked = time.monotonic()
        driver.find_element(By.CSS_SELECTOR, '[data-testid="login-submit"]').click()
        wait.until(EC.visibility_of_element_located((By.CSS_SELECTOR, '[data-testid="nav-tasks"]'))).click()
        wait.until(EC.visibility_of_element_located((By.CSS_SELECTOR, '[data-testid="task-row"]')))
        to_tasks = (time.monotonic() - clicked) * 1000
        driver.find_element(By.CSS_SELECTOR, '[data-testid="nav-chat"]').click()
        wait.until(EC.visibility_of_element_located((By.CSS_SELECTOR, '[data-testid="thread-item"]')))
        driver.find_element(By.CSS_SELECTOR, '[data-testid="nav-tasks"]').click()
        pss, rss, _ = launch.settled_memory()
    finally:
        launch.close()
    print(f"  full profile: signed in to task rows {to_tasks:.0f} ms, settled PSS {pss / 1024:.1f} MiB, "
          f"RSS {rss / 1024:.1f} MiB", flush=True)
    return {"to_tasks": to_tasks, "pss": pss, "rss": rss}


def median(runs: list[dict], key: str) -> float:
    return statistics.median(run[key] for run in runs)


def main() -> None:
    ours_bin, floor_bin = os.environ["KICKSTART_APP"], os.environ["KICKSTART_FLOOR_APP"]
    floor, floor_painting, ours = [], [], []
    for run in range(RUNS):
        print(f"run {run + 1} of {RUNS}", flush=True)
        floor.append(measure("floor", floor_bin, ours=False))
        # Like for like on a machine without a GPU, where ours turns WebKit's compositing off
        # (src-tauri/src/rendering.rs): the floor painting the same way.
        if NO_GPU:
            floor_painting.append(measure("floor, compositing off", floor_bin, ours=False, extra_env=NO_COMPOSITING))
        ours.append(measure("ours", ours_bin, ours=True))
    full = [full_profile(ours_bin, os.environ["KICKSTART_BENCH_FULL_DATA"]) for _ in range(3)]

    print(f"\nmedians of {RUNS} launches each (floor B: the floor with compositing off)")
    print(f"{'':28}{'floor':>10}{'floor B':>10}{'ours':>10}{'÷ floor':>9}{'÷ B':>7}")
    for key, label, scale, unit in [("startup", "launch → first screen", 1, "ms"),
                                    ("pss", "settled PSS", 1024, "MiB"), ("rss", "settled RSS", 1024, "MiB"),
                                    ("binary", "binary mapped", 1024, "MiB")]:
        f, o = median(floor, key) / scale, median(ours, key) / scale
        b = median(floor_painting, key) / scale if floor_painting else float("nan")
        print(f"{label + ' (' + unit + ')':28}{f:>10.1f}{b:>10.1f}{o:>10.1f}{o / f:>9.2f}{o / b:>7.2f}")
    print(f"ours with 10 000 tasks and 500 conversations, signed in (median of {len(full)}): "
          f"PSS {median(full, 'pss') / 1024:.1f} MiB, RSS {median(full, 'rss') / 1024:.1f} MiB, "
          f"login to task rows {median(full, 'to_tasks'):.0f} ms")


if __name__ == "__main__":
    main()
