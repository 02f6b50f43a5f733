"""A WebDriver screenshot that cannot hang on an idle page.

WebKitWebDriver takes a screenshot after the page's next paint. Painting without compositing
(what the app does on a machine without a GPU: src-tauri/src/rendering.rs), an idle page may not
paint again, and the screenshot then waits forever. So while it is taken, a one-pixel dot in a
corner changes its (nearly invisible) colour every 100 ms, and is removed afterwards.
"""

from pathlib import Path

from selenium.webdriver.remote.webdriver import WebDriver

_NUDGE = """
const dot = document.createElement("div");
dot.id = "e2e-repaint";
dot.style.cssText = "position:fixed;left:0;top:0;width:1px;height:1px;pointer-events:none;z-index:2147483647";
document.body.appendChild(dot);
window.__e2eRepaint = setInterval(() => {
  dot.style.background = dot.style.background ? "" : "rgba(0, 0, 0, 0.004)";
}, 100);
"""
_STOP = """
clearInterval(window.__e2eRepaint);
document.getElementById("e2e-repaint")?.remove();
"""


def save_screenshot(driver: WebDriver, path: Path) -> Path:
    driver.execute_script(_NUDGE)
    try:
        driver.save_screenshot(str(path))
    finally:
        driver.execute_script(_STOP)
    return path
