"""Measures the Tasks page's first page with a full database (run by scripts/bench-app.sh)."""

import statistics

from bench_common import launch, sign_in

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
    driver = launch()
    try:
        sign_in(driver)
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
