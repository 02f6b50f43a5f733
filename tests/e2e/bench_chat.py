"""Streams long answers into the real app (run by scripts/bench-app.sh).

The scripted LLM server answers every chat with 5 000 pieces "tok " at full speed. Inside the web
view we measure, for one answer:
- tokens per second reaching the transcript: tokens on screen / time from pressing Enter until the
  last one is on screen (the whole path: command, provider request, stream, channel, rendering);
- the longest main-thread stall: the largest gap between animation frames from the click on
  "New chat" until the answer is complete on screen.
KICKSTART_BENCH_DELAY_MS (scripts/bench-app.sh) paces the server instead, to watch the frames of
a long answer arriving over seconds.
Then the app's memory (PSS of the app and its WebKit processes) before and after 200 such
answers, each in a new thread.
"""

import os
import statistics
import time
from pathlib import Path

from bench_common import app_pid, launch, pss_kib, sign_in
from screenshots import save_screenshot
from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions as EC
from selenium.webdriver.support.ui import WebDriverWait

TOKENS = int(os.environ.get("KICKSTART_BENCH_TOKENS", "5000"))
ANSWERS = int(os.environ.get("KICKSTART_BENCH_ANSWERS", "200"))
SETTLED_S = 30  # seconds after a stretch of answers for the settled memory figure

# Starts a new chat, sends, and resolves with the measurements of that one answer once it is
# complete. Tokens on screen are counted in the last assistant message every frame.
STREAM = """
const [tokens, done] = [arguments[0], arguments[arguments.length - 1]];
const q = (id) => document.querySelector(`[data-testid="${id}"]`);
const before = document.querySelectorAll('[data-testid="message-assistant"]').length;
q("new-chat").click();
const started = performance.now();
let firstAt = null, lastFrame = null, longest = 0, sent = false, frames = 0, countSeen = 0, sentAt = 0;
const stalls = [];
const frame = (now) => {
  if (lastFrame !== null && now - lastFrame > 50) stalls.push([Math.round(now - lastFrame), Math.round(now - started), countSeen]);
  if (lastFrame !== null) longest = Math.max(longest, now - lastFrame);
  lastFrame = now;
  const composer = q("composer");
  if (!sent && composer && !composer.disabled) {
    const setter = Object.getOwnPropertyDescriptor(HTMLTextAreaElement.prototype, "value").set;
    setter.call(composer, "Stream, please.");
    composer.dispatchEvent(new Event("input", { bubbles: true }));
    composer.dispatchEvent(new KeyboardEvent("keydown", { key: "Enter", bubbles: true }));
    sent = true;
    sentAt = now;
  }
  // A keypress that landed while the new chat was still settling is lost: type it again.
  if (sent && firstAt === null && now - sentAt > 3000 && !document.querySelector('[data-testid="message-user"]')) {
    sent = false;
  }
  const answers = document.querySelectorAll('[data-testid="message-assistant"]');
  const answer = answers[answers.length - 1];
  const text = answer ? answer.textContent || "" : "";
  const count = (text.match(/tok/g) || []).length;
  if (count > 0 && firstAt === null) firstAt = now;
  if (count > 0) frames += 1;
  countSeen = count;
  if (answer && answer.dataset.status === "complete" && count >= tokens) {
    done({ tokensPerSecond: count / ((now - sentAt) / 1000), firstTokenMs: firstAt - sentAt,
           streamingMs: now - firstAt, framesWithText: frames, longestStallMs: longest,
           totalMs: now - started, count, stalls });
    return;
  }
  if (now - started > 60000) { done({ error: `timed out at ${count} tokens` }); return; }
  requestAnimationFrame(frame);
};
requestAnimationFrame(frame);
"""


def main() -> None:
    driver = launch()
    try:
        driver.set_window_size(1200, 780)
        wait = WebDriverWait(driver, 30)
        sign_in(driver)
        driver.find_element(By.CSS_SELECTOR, '[data-testid="nav-chat"]').click()
        wait.until(EC.visibility_of_element_located((By.CSS_SELECTOR, '[data-testid="new-chat"]')))
        driver.set_script_timeout(150)
        pid = app_pid()

        def answer() -> dict:
            result = driver.execute_async_script(STREAM, TOKENS)
            if "error" in result:
                save_screenshot(driver, Path("target/bench-chat-failed.png"))
                raise SystemExit(f"streaming failed: {result['error']} (screenshot: target/bench-chat-failed.png)")
            return result

        warm = [answer() for _ in range(5)]
        if os.environ.get("KICKSTART_BENCH_VERBOSE"):
            print(warm)
        # Memory twice after each stretch: 5 s after it (garbage the collector has not taken
        # yet included) and 30 s after it (what the app keeps).
        parts_before: dict = {}
        time.sleep(5)
        before = pss_kib(pid, parts_before)
        time.sleep(SETTLED_S - 5)
        before_settled = pss_kib(pid, {})
        runs = warm + [answer() for _ in range(ANSWERS)]
        parts_after: dict = {}
        time.sleep(5)
        after = pss_kib(pid, parts_after)
        time.sleep(SETTLED_S - 5)
        after_settled = pss_kib(pid, {})
    finally:
        driver.quit()

    rates = [r["tokensPerSecond"] for r in runs]
    stalls = [r["longestStallMs"] for r in runs]
    print(f"{len(runs)} answers of {TOKENS} tokens")
    print(f"tokens/s reaching the transcript: median {statistics.median(rates):.0f}, min {min(rates):.0f}")
    print(f"longest main-thread stall per answer (ms): median {statistics.median(stalls):.0f}, "
          f"max {max(stalls):.0f}, p95 {sorted(stalls)[int(len(stalls) * 0.95) - 1]:.0f}")
    later = sorted(stalls[1:])
    print(f"  the first answer (cold: the first run of its code, and the Markdown code loading): {stalls[0]:.0f} ms; "
          f"the other {len(later)}: median {statistics.median(later):.0f}, p95 {later[int(len(later) * 0.95) - 1]:.0f}, "
          f"max {later[-1]:.0f}, over 50 ms: {sum(s > 50 for s in later)}")
    print(f"first answer: {runs[0]['totalMs']:.0f} ms from click to complete; time to first token on "
          f"screen: median {statistics.median(r['firstTokenMs'] for r in runs):.0f} ms")
    print(f"memory (PSS, app + WebKit): {before / 1024:.1f} MiB after 5 answers, "
          f"{after / 1024:.1f} MiB after {ANSWERS} more: {100 * (after - before) / before:+.1f} %")
    print(f"memory {SETTLED_S} s after each stretch: {before_settled / 1024:.1f} MiB after 5 answers, "
          f"{after_settled / 1024:.1f} MiB after {ANSWERS} more: "
          f"{100 * (after_settled - before_settled) / before_settled:+.1f} %")
    for name in sorted(parts_after):
        print(f"  {name}: {parts_before.get(name, 0) / 1024:.1f} → {parts_after[name] / 1024:.1f} MiB")


if __name__ == "__main__":
    main()
