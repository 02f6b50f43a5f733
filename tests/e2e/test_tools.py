"""Agents manage tasks with visible, approvable tool calls, in the real app: first with no provider
(the offline Task assistant adds and lists a task through the same tools), then with the scripted
LLM server making the tool calls a model would — "add buy milk tomorrow 5pm and show me today's
tasks" becomes two calls whose task appears on the Tasks page, and a delete waits for approval.

The server's next answers are queued through its standard input (one JSON line each).
"""

import json
import sqlite3
from pathlib import Path

from conftest import add_scripted_provider, set_theme, text_of
from selenium.common.exceptions import StaleElementReferenceException
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.remote.file_detector import UselessFileDetector
from selenium.webdriver.support.ui import Select, WebDriverWait

PASSWORD = "correct horse battery"


def answers(app):
    return app.driver.find_elements(By.CSS_SELECTOR, '[data-testid="message-assistant"]')


def wait_answers(app, count: int, status: str = "complete", timeout: float = 20):
    """Waits until there are `count` answers and the last has `status`; returns the last."""

    def ready(_):
        found = answers(app)
        return len(found) >= count and found[-1].get_attribute("data-status") == status

    try:
        WebDriverWait(app.driver, timeout, ignored_exceptions=[StaleElementReferenceException]).until(ready)
    except Exception:
        app.shot(f"FAILED-answer-{count}-{status}")
        raise AssertionError(f"answer {count} never became {status}; page: {app.page_text()[-800:]!r}")
    return answers(app)[-1]


def cards(scope, tool: str | None = None):
    selector = '[data-testid="tool-call"]' + (f'[data-tool="{tool}"]' if tool else "")
    return scope.find_elements(By.CSS_SELECTOR, selector)


def send(app, text: str) -> None:
    composer = app.find("composer")
    composer.send_keys(text)
    composer.send_keys(Keys.ENTER)


def task_id(app, title: str) -> str:
    """The id of a task, read from the app's own database (read-only)."""
    db = sqlite3.connect(f"file:{app.data_dir / 'kickstart.db'}?mode=ro", uri=True)
    try:
        row = db.execute("SELECT id FROM tasks WHERE title = ? AND deleted_at IS NULL", (title,)).fetchone()
    finally:
        db.close()
    assert row, f"no task {title!r} in the database"
    return row[0]


def test_offline_assistant_then_tool_calls_and_an_approval(app, llm):
    app.register_first_profile("tia", "Tia Tools", PASSWORD)
    set_theme(app, "light")

    # No provider yet: the Task assistant works offline, through the same tools.
    app.click("nav-chat")
    app.click("new-chat")
    send(app, "add water the plants tomorrow 9am")
    added = wait_answers(app, 1)
    assert "water the plants" in text_of(added), text_of(added)
    app.find("offline-badge")
    [card] = cards(added, "add_task")
    assert card.get_attribute("data-status") == "ok"
    send(app, "show tomorrow")
    listed = wait_answers(app, 2)
    assert "water the plants" in text_of(listed), text_of(listed)
    app.shot("47-offline-assistant-light")

    # A provider: the scripted server, which answers with the tool calls a model would make.
    add_scripted_provider(app, llm.url)

    llm.queue(
        {
            "text": ["Adding it and checking today."],
            "toolCalls": [
                {
                    "id": "c1",
                    "name": "add_task",
                    "arguments": json.dumps({"tasks": [{"title": "Buy milk", "due": "tomorrow 5pm"}]}),
                },
                {"id": "c2", "name": "list_tasks", "arguments": json.dumps({"due_to": "today"})},
            ],
        },
        {"text": ["Added **Buy milk** for tomorrow at 17:00. ", "Nothing else is due today."]},
    )
    app.click("nav-chat")
    app.click("new-chat")
    send(app, "add buy milk tomorrow 5pm and show me today's tasks")
    answer = wait_answers(app, 1)
    assert "Added Buy milk" in text_of(answer).replace("**", ""), text_of(answer)
    statuses = [(c.get_attribute("data-tool"), c.get_attribute("data-status")) for c in cards(answer)]
    assert statuses == [("add_task", "ok"), ("list_tasks", "ok")], statuses
    assert app.absent("offline-badge"), "a real provider answered"
    app.shot("48-tool-calls-light")

    # The task is on the Tasks page.
    app.click("nav-tasks")
    app.row("Buy milk")

    # A delete waits for the person: the arguments are shown, nothing happens until they allow it.
    set_theme(app, "dark")
    milk = task_id(app, "Buy milk")
    llm.queue(
        {"toolCalls": [{"id": "d1", "name": "delete_task", "arguments": json.dumps({"ids": [milk]})}]},
        {"text": ["Deleted **Buy milk**."]},
    )
    app.click("nav-chat")
    send(app, "delete buy milk")
    waiting = WebDriverWait(app.driver, 15).until(
        lambda d: [c for c in cards(d, "delete_task") if c.get_attribute("data-status") == "awaitingApproval"]
    )[0]
    assert milk in text_of(waiting), "the arguments are shown"
    app.shot("49-approval-dark")
    assert task_id(app, "Buy milk") == milk, "nothing deleted while waiting"
    waiting.find_element(By.CSS_SELECTOR, '[data-testid="approve-once"]').click()
    done = wait_answers(app, 1)  # "delete buy milk" started a thread of its own
    [deleted] = cards(done, "delete_task")
    assert deleted.get_attribute("data-status") == "ok"
    app.click("nav-tasks")
    app.no_row("Buy milk")
    app.row("water the plants")
    app.shot("50-tasks-after-tools-dark")

    # Settings → MCP: a token for Claude Desktop, shown once inside a ready-to-paste configuration.
    app.click("nav-settings")
    app.click("settings-tab-mcp")
    app.find("settings-mcp")
    name = app.find("mcp-token-name")
    name.send_keys("Claude Desktop")
    app.click("mcp-token-create")
    secret = app.find("mcp-token-secret-value")
    token = text_of(secret).strip()
    assert token.startswith("ksm_"), token
    config = json.loads(text_of(app.find("mcp-config-json")))
    server = config["mcpServers"]["kickstart"]
    assert server["env"]["KICKSTART_MCP_TOKEN"] == token
    assert server["args"][0] == "mcp" and str(app.data_dir) in server["args"], server
    rows = app.driver.find_elements(By.CSS_SELECTOR, '[data-testid="mcp-token"]')
    assert len(rows) == 1 and "Claude Desktop" in text_of(rows[0]) and token[-4:] in text_of(rows[0])
    app.shot("51-mcp-settings-dark")


EVERYTHING = Path(__file__).resolve().parents[1] / "mcp" / "node_modules" / ".bin" / "mcp-server-everything"


def test_an_agent_uses_a_tool_of_an_external_mcp_server(app, llm):
    """Settings → Tool servers: the reference server-everything (npm) started over stdio, its tools
    listed; an agent given its echo tool calls it in a real answer, and the card shows the result."""
    assert EVERYTHING.exists(), f"{EVERYTHING} is missing: run scripts/setup.sh test"
    set_theme(app, "light")
    app.click("settings-tab-tool-servers")
    app.find("tool-server-empty")
    app.click("tool-server-add")
    app.find("tool-server-dialog")
    # Typed as text: Selenium would otherwise take an existing file's path for an upload.
    app.driver.file_detector = UselessFileDetector()
    app.fill("tool-server-dialog", name="everything", command=str(EVERYTHING))
    app.click("tool-server-variable-add")
    app.find("tool-server-variable-name").send_keys("EVERYTHING_NOTE")
    app.find("tool-server-variable-value").send_keys("kept in the keychain")
    app.shot("52-tool-server-dialog-light")
    app.click("tool-server-save")
    WebDriverWait(app.driver, 10).until(lambda _: app.absent("tool-server-dialog"))

    def running(driver):
        found = driver.find_elements(By.CSS_SELECTOR, '[data-testid="tool-server"][data-name="everything"]')
        return found and found[0].get_attribute("data-state") == "running" and found[0]

    try:
        server = WebDriverWait(app.driver, 60).until(running)
    except Exception:
        app.shot("FAILED-tool-server")
        raise AssertionError(f"the server never ran; page: {app.page_text()[-800:]!r}")
    tools = [t.get_attribute("data-tool") for t in server.find_elements(By.CSS_SELECTOR, '[data-testid="tool-server-tool"]')]
    assert "everything__echo" in tools and "everything__get-sum" in tools, tools
    app.shot("53-tool-servers-light")

    # An agent with the server's echo tool; the editor groups the server's tools under its name.
    app.click("nav-agents")
    app.click("agent-new")
    app.fill("agent-editor", name="Echoer", systemPrompt="Use the echo tool.")
    groups = [text_of(g) for g in app.driver.find_elements(By.CSS_SELECTOR, '[data-testid="agent-tool-server"]')]
    assert any("everything" in g for g in groups), groups
    echo = app.driver.find_element(By.CSS_SELECTOR, '[data-testid="agent-tool"][data-tool="everything__echo"]')
    app.driver.execute_script("arguments[0].scrollIntoView({block: 'center'})", echo)
    echo.click()
    app.click("agent-save")
    WebDriverWait(app.driver, 10).until(lambda _: app.absent("agent-editor"))

    llm.queue(
        {"toolCalls": [{"id": "e1", "name": "everything__echo", "arguments": json.dumps({"message": "hello from the app"})}]},
        {"text": ["The server echoed it."]},
    )
    app.click("nav-chat")
    app.click("new-chat")
    Select(app.find("agent-picker")).select_by_visible_text("Echoer")
    send(app, "echo something")
    answer = wait_answers(app, 1, timeout=30)
    [card] = cards(answer, "everything__echo")
    assert card.get_attribute("data-status") == "ok", text_of(card)
    card.find_element(By.CSS_SELECTOR, '[data-testid="tool-call-result-toggle"]').click()
    WebDriverWait(app.driver, 5).until(lambda _: "Echo: hello from the app" in text_of(card))
    app.shot("54-external-tool-call-light")

    set_theme(app, "dark")
    app.click("settings-tab-tool-servers")
    app.find("tool-server")
    app.shot("55-tool-servers-dark")
