"""Our MCP server over streamable HTTP (`kickstart mcp-http`, what Settings → MCP switches on in
the app), driven by the official Python SDK: a valid bearer token reaches the tools; no token, a
wrong one, a browser page's Origin and a foreign Host are refused before any tool runs.
"""

import re
import select
import subprocess

import anyio
import httpx2
import pytest
from mcp import Client
from mcp.client.streamable_http import streamable_http_client

pytestmark = pytest.mark.anyio

TIMEOUT = 20


@pytest.fixture(scope="module")
def alice(kickstart):
    return kickstart.profile("alice")


@pytest.fixture(scope="module")
def server_url(kickstart, alice):
    """`kickstart mcp-http` on a free port; its URL. (The profile exists before it starts.)"""
    server = subprocess.Popen(
        kickstart.command("mcp-http", "--port", "0"),
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
        env=kickstart.process_env(),
    )
    try:
        ready, _, _ = select.select([server.stdout], [], [], TIMEOUT)
        line = server.stdout.readline().strip() if ready else ""
        match = re.fullmatch(r"listening (http://127\.0\.0\.1:\d+/mcp)", line)
        assert match, f"the server did not say where it listens: {line!r} (exit code {server.poll()})"
        yield match.group(1)
    finally:
        server.terminate()
        server.wait(timeout=10)
        server.stdout.close()


async def test_a_valid_token_reaches_the_tools(server_url, alice):
    headers = {"Authorization": f"Bearer {alice.token}"}
    with anyio.fail_after(TIMEOUT):
        async with httpx2.AsyncClient(headers=headers, timeout=TIMEOUT) as http:
            async with Client(streamable_http_client(server_url, http_client=http), mode="legacy") as client:
                tools = [tool.name for tool in (await client.list_tools()).tools]
                assert tools == ["add_task", "list_tasks", "complete_task", "update_task", "delete_task"]
                added = await client.call_tool("add_task", {"tasks": [{"title": "Over HTTP", "due": "2030-01-02"}]})
                assert not added.is_error, added.content
                assert added.structured_content["created"][0]["due"] == "2030-01-02"
                listed = await client.call_tool("list_tasks", {"text": "HTTP"})
                assert [t["title"] for t in listed.structured_content["tasks"]] == ["Over HTTP"]


@pytest.mark.parametrize("authorization", [None, "Bearer ksm_" + "0" * 64, "Basic YWxpY2U6cGFzcw=="])
async def test_without_a_valid_token_the_sdk_cannot_connect(server_url, authorization):
    headers = {} if authorization is None else {"Authorization": authorization}
    with anyio.fail_after(TIMEOUT):
        async with httpx2.AsyncClient(headers=headers, timeout=TIMEOUT) as http:
            # The handshake fails (the raw test below shows it is a 401 with WWW-Authenticate).
            with pytest.raises(Exception):
                async with Client(streamable_http_client(server_url, http_client=http), mode="legacy"):
                    pass


INITIALIZE = {
    "jsonrpc": "2.0",
    "id": 1,
    "method": "initialize",
    "params": {"protocolVersion": "2025-11-25", "capabilities": {}, "clientInfo": {"name": "raw", "version": "1"}},
}


@pytest.mark.parametrize(
    "extra, status",
    [
        ({}, 401),
        ({"Authorization": "Bearer not-a-token"}, 401),
        ({"Origin": "https://evil.example", "Authorization": "TOKEN"}, 403),
        ({"Host": "evil.example", "Authorization": "TOKEN"}, 403),
        ({"Authorization": "TOKEN"}, 200),
    ],
    ids=["no-token", "wrong-token", "browser-origin", "foreign-host", "valid"],
)
async def test_the_door_answers_with_plain_http_statuses(server_url, alice, extra, status):
    headers = {"Accept": "application/json, text/event-stream", "Content-Type": "application/json"}
    headers.update({k: (f"Bearer {alice.token}" if v == "TOKEN" else v) for k, v in extra.items()})
    async with httpx2.AsyncClient(timeout=TIMEOUT) as http:
        response = await http.post(server_url, json=INITIALIZE, headers=headers)
    assert response.status_code == status, (response.status_code, response.text[:300])
    if status == 401:
        assert response.headers.get("www-authenticate") == "Bearer"
        assert "not valid" in response.text
