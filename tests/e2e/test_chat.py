"""Agents and chat in the real app, with the scripted LLM server as the provider: create an agent,
start a thread, watch the answer stream in, stop it (the partial text stays, marked), regenerate
it, find the thread by search — and a hostile Markdown/HTML answer that does nothing in the real
web view.

The server's answer is changed between steps through its standard input (one JSON line each).
"""

import re
import time

from conftest import add_scripted_provider, set_theme, text_of
from selenium.common.exceptions import StaleElementReferenceException
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.support.select import Select
from selenium.webdriver.support.ui import WebDriverWait

PASSWORD = "correct horse battery"
AGENT = "Story teller"
LONG = [f"word{i} " for i in range(120)]  # 120 pieces, 40 ms apart: about five seconds
HOSTILE = (
    'Careful: <img src=x onerror="window.__pwned=1"> <script>window.__pwned=2</script> '
    "[click me](javascript:window.__pwned=3) "
    '<a href="javascript:window.__pwned=4">raw link</a>\n\n'
    "```js\nwindow.__pwned = 5;\n```\n"
)


def answers(app):
    return app.driver.find_elements(By.CSS_SELECTOR, '[data-testid="message-assistant"]')


def last_answer(app):
    found = answers(app)
    assert found, f"no answer on the page: {app.page_text()[:400]!r}"
    return found[-1]


def wait_status(app, status: str, timeout: float = 20):
    try:
        WebDriverWait(app.driver, timeout, ignored_exceptions=[StaleElementReferenceException]).until(
            lambda _: answers(app) and answers(app)[-1].get_attribute("data-status") == status
        )
    except Exception:
        app.shot(f"FAILED-answer-{status}")
        raise AssertionError(f"the last answer never became {status}; page: {app.page_text()[-600:]!r}")
    return last_answer(app)


def send(app, text: str) -> None:
    composer = app.find("composer")
    composer.send_keys(text)
    composer.send_keys(Keys.ENTER)


def test_agent_chat_stop_regenerate_search_and_inert_markdown(app, llm):
    app.register_first_profile("cleo", "Cleo Chat", PASSWORD)
    set_theme(app, "light")

    # A provider: the scripted server, with a default model.
    add_scripted_provider(app, llm.url)

    # An agent with a system prompt and a starter.
    app.click("nav-agents")
    app.find("agents")
    assert "Task assistant" in app.page_text(), "every profile starts with the built-in assistant"
    app.click("agent-new")
    app.fill("agent-editor", name=AGENT, systemPrompt="Tell short stories.")
    app.shot("41-agent-editor-light")
    app.click("agent-save")
    WebDriverWait(app.driver, 10).until(lambda _: app.absent("agent-editor"))
    WebDriverWait(app.driver, 10).until(
        lambda d: [c for c in d.find_elements(By.CSS_SELECTOR, '[data-testid="agent-card"]') if AGENT in text_of(c)]
    )[0]

    # A new thread with that agent: the answer streams in.
    app.click("nav-chat")
    app.click("new-chat")
    Select(app.find("agent-picker")).select_by_visible_text(AGENT)
    llm.answer(LONG, delay_ms=40)
    send(app, "Tell me a long story")
    streaming = wait_status(app, "streaming")
    WebDriverWait(app.driver, 10).until(lambda _: "word3" in text_of(streaming))
    first = len(text_of(streaming))
    time.sleep(0.6)
    second = len(text_of(last_answer(app)))
    assert second > first, f"the answer grows while it streams ({first} → {second} characters)"
    app.shot("42-chat-streaming-light")

    # Stop mid-answer: the partial text stays, marked as stopped.
    app.click("stop-button")
    stopped = wait_status(app, "cancelled")
    partial = text_of(stopped)
    assert "word3" in partial and "word119" not in partial, partial[-200:]
    app.find("message-stopped")
    assert "Tell me a long story" in text_of(app.find("message-user")), "the question is kept"

    # Regenerate: a complete answer replaces it.
    llm.answer(LONG, delay_ms=2)
    app.click("regenerate-button")
    done = wait_status(app, "complete", timeout=30)
    assert "word119" in text_of(done)
    assert len(answers(app)) == 1, "the regenerated answer replaced the stopped one"
    meta = text_of(app.find("message-meta"))
    assert re.search(r"\d", meta), f"token counts under the answer: {meta!r}"

    # The activity panel lists both runs: the stopped one and the complete one.
    app.click("activity-toggle")
    runs = WebDriverWait(app.driver, 10).until(
        lambda d: (lambda r: r if len(r) >= 2 else False)(d.find_elements(By.CSS_SELECTOR, '[data-testid="run-item"]'))
    )
    assert len(runs) == 2, [text_of(r) for r in runs]
    app.shot("43-chat-activity-light")
    app.click("activity-close")
    WebDriverWait(app.driver, 10).until(lambda _: app.absent("activity-panel"))

    # A hostile answer renders as inert text in the real web view.
    llm.answer([HOSTILE])
    send(app, "Show me something dangerous")
    hostile = wait_status(app, "complete")
    assert app.driver.execute_script("return window.__pwned === undefined"), "script from the model ran"
    assert not hostile.find_elements(By.CSS_SELECTOR, "img, script, iframe"), hostile.get_property("innerHTML")[:500]
    hrefs = [a.get_attribute("href") or "" for a in hostile.find_elements(By.CSS_SELECTOR, "a")]
    assert not any(h.strip().lower().startswith("javascript:") for h in hrefs), hrefs
    assert "window.__pwned = 5;" in text_of(hostile), "the code block is shown as code"
    assert "<script>" in text_of(hostile) or "onerror" in text_of(hostile), "raw HTML is shown as text"
    time.sleep(0.5)
    assert app.driver.execute_script("return window.__pwned === undefined")
    app.shot("44-chat-hostile-light")

    # Search finds the thread by a word inside an answer.
    search = app.find("thread-search")
    search.send_keys("word77")
    item = WebDriverWait(app.driver, 10).until(
        lambda d: d.find_elements(By.CSS_SELECTOR, '[data-testid="thread-item"]')
    )[0]
    WebDriverWait(app.driver, 10).until(lambda _: "word77" in text_of(item))
    assert len(app.driver.find_elements(By.CSS_SELECTOR, '[data-testid="thread-item"]')) == 1
    search.send_keys(Keys.CONTROL, "a")
    search.send_keys(Keys.BACKSPACE)

    # Dark.
    set_theme(app, "dark")
    app.click("nav-chat")
    WebDriverWait(app.driver, 10).until(lambda d: d.find_elements(By.CSS_SELECTOR, '[data-testid="thread-item"]'))
    app.driver.find_elements(By.CSS_SELECTOR, '[data-testid="thread-item"]')[0].click()
    wait_status(app, "complete")
    app.shot("45-chat-dark")
    app.click("nav-agents")
    app.click("agent-new")
    app.find("agent-editor")
    app.shot("46-agent-editor-dark")
