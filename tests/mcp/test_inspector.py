"""`kickstart mcp` driven by the MCP Inspector's command line (npm @modelcontextprotocol/inspector,
pinned in tests/mcp/package.json): tools/list with `--strict` (the Inspector's tool-schema
portability lint: exit 6 on an error-severity finding), and tools/call of list_tasks and add_task.
The Inspector's client (the TypeScript SDK) validates each result's structuredContent against the
tool's outputSchema with Ajv, and fails the call when it does not match.

Known, accepted findings are listed below; anything else the Inspector reports fails the test.
"""

import json
import os
import re
import subprocess
from pathlib import Path

import pytest

from conftest import ROOT
from test_stdio import TOOLS, tomorrow_at

INSPECTOR = Path(os.environ.get("KICKSTART_MCP_INSPECTOR", ROOT / "tests" / "mcp" / "node_modules" / ".bin" / "mcp-inspector"))

# Lint rules whose warnings we accept for now (never errors): "type-union" is `"type": ["string",
# "null"]`, which schemars writes for every Option<T>. Legal JSON Schema, less portable to
# single-type dialects (Gemini's OpenAPI subset).
ACCEPTED_LINT_WARNINGS = {"type-union"}


@pytest.fixture(scope="module")
def alice(kickstart):
    return kickstart.profile("alice")


def inspector(kickstart, token: str, *args: str, era: str = "legacy") -> subprocess.CompletedProcess:
    """Runs the Inspector CLI against `kickstart mcp`; its catalog, client config and secrets stay
    in the module's temp folder (never ~/.mcp-inspector)."""
    if not INSPECTOR.exists():
        pytest.fail(f"{INSPECTOR} is missing: run scripts/setup.sh test (npm --prefix tests/mcp install)")
    home = kickstart.log_dir / "inspector-home"
    home.mkdir(exist_ok=True)
    env = kickstart.process_env(
        HOME=str(home),
        MCP_CATALOG_PATH=str(home / "mcp.json"),
        MCP_CLIENT_CONFIG_PATH=str(home / "client.json"),
        MCP_INSPECTOR_SECRET_STORE="memory",
        NO_COLOR="1",
    )
    server_env = []
    for key, value in {**kickstart.env, "KICKSTART_MCP_TOKEN": token}.items():
        server_env += ["-e", f"{key}={value}"]
    command = [str(INSPECTOR), "--cli", *server_env, *kickstart.command("mcp"), "--protocol-era", era, "--format", "json", *args]
    return subprocess.run(command, capture_output=True, text=True, env=env, timeout=60, stdin=subprocess.DEVNULL)


def unexpected_stderr(done: subprocess.CompletedProcess) -> list[str]:
    """stderr lines that are neither the server's own log lines nor accepted findings."""
    lines = []
    for line in done.stderr.splitlines():
        if not line.strip():
            continue
        if re.match(r"^\d{4}-\d\d-\d\dT[\d:.]+Z\s+(INFO|DEBUG)\s", line):  # the server's log
            continue
        lines.append(line)
    return lines


def envelope(done: subprocess.CompletedProcess) -> dict:
    assert done.stdout.strip(), f"no output (exit {done.returncode}): {done.stderr[-3000:]}"
    return json.loads(done.stdout)


@pytest.mark.parametrize("era", ["legacy", "modern"])
def test_tools_list_passes_the_strict_schema_lint(kickstart, alice, era):
    done = inspector(kickstart, alice.token, "--method", "tools/list", "--strict", era=era)
    assert done.returncode == 0, f"exit {done.returncode} (6: a schema error): {done.stdout[-3000:]} {done.stderr[-3000:]}"
    output = envelope(done)
    tools = output["result"]["tools"]
    assert [tool["name"] for tool in tools] == TOOLS
    for tool in tools:
        assert tool["inputSchema"]["type"] == "object" and tool["outputSchema"]["type"] == "object", tool["name"]
        assert set(tool["annotations"]) >= {"readOnlyHint", "destructiveHint", "idempotentHint", "openWorldHint"}
    findings = [(entry["toolName"], f) for entry in output.get("schemaFindings", []) for f in entry["findings"]]
    errors = [f"{name}: {f['schema']}.{f['path']}: {f['issue']}" for name, f in findings if f["severity"] == "error"]
    assert errors == [], "\n".join(errors)
    new = [
        f"{name}: {f['severity']} {f['rule']} at {f['schema']}.{f['path']}: {f['issue']}"
        for name, f in findings
        if f["rule"] not in ACCEPTED_LINT_WARNINGS
    ]
    assert new == [], "the Inspector reports new schema findings:\n" + "\n".join(new)


def test_tools_call_add_task_then_list_tasks(kickstart, alice):
    arguments = {"tasks": [{"title": "inspector task", "due": "tomorrow 5pm", "tags": ["cli"], "priority": 3}]}
    done = inspector(kickstart, alice.token, "--method", "tools/call", "--tool-name", "add_task", "--tool-args-json", json.dumps(arguments))
    assert done.returncode == 0, done.stderr[-3000:]
    result = envelope(done)["result"]
    assert result.get("isError") is False
    [task] = result["structuredContent"]["created"]
    assert (task["title"], task["tags"], task["priority"], task["status"]) == ("inspector task", ["cli"], 3, "open")
    assert task["due"] in tomorrow_at("17:00")
    assert json.loads(result["content"][0]["text"]) == result["structuredContent"]
    assert unexpected_stderr(done) == [], done.stderr

    # key=value arguments, coerced by the Inspector from the input schema (limit is an integer).
    done = inspector(
        kickstart, alice.token, "--method", "tools/call", "--tool-name", "list_tasks",
        "--tool-arg", "tag=cli", "limit=5", "status=open",
    )  # fmt: skip
    assert done.returncode == 0, done.stderr[-3000:]
    listed = envelope(done)["result"]["structuredContent"]
    assert [t["id"] for t in listed["tasks"]] == [task["id"]]
    assert listed["next_cursor"] is None
    assert unexpected_stderr(done) == [], done.stderr


def test_tools_call_in_the_modern_era(kickstart, alice):
    done = inspector(kickstart, alice.token, "--method", "tools/call", "--tool-name", "list_tasks", era="modern")
    assert done.returncode == 0, done.stderr[-3000:]
    assert "tasks" in envelope(done)["result"]["structuredContent"]


def test_a_tool_error_is_reported_as_one(kickstart, alice):
    done = inspector(
        kickstart, alice.token, "--method", "tools/call", "--tool-name", "add_task",
        "--tool-args-json", json.dumps({"tasks": "buy milk"}),
    )  # fmt: skip
    assert done.returncode == 5, (done.returncode, done.stderr[-3000:])  # the Inspector's "tool returned isError"
    result = envelope(done)["result"]
    assert result["isError"] is True
    assert "add_task" in result["content"][0]["text"]


def test_a_wrong_token_fails_the_connection(kickstart, alice):
    done = inspector(kickstart, "ksm_" + "0" * 64, "--method", "tools/list")
    assert done.returncode != 0
    assert "not valid" in done.stderr, done.stderr[-3000:]
