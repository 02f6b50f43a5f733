"""An MCP server written with the official Python SDK (its high-level `MCPServer`), for the tests
of our MCP client (crates/kickstart-core/tests/mcp_client.rs): it shows what the client must
cope with that a well-behaved server never does.

    .venv/bin/python tests/mcp/servers/probe_server.py            # serves over stdio
    .venv/bin/python tests/mcp/servers/probe_server.py --fail     # says why on stderr, exits 3
    .venv/bin/python tests/mcp/servers/probe_server.py --hang     # never answers the handshake

Tools:
- `process_id`: the server's process id (a restarted server has another one);
- `crash`: the process dies mid-call, without answering;
- `remove_note`: no annotations at all, so MCP's defaults make it destructive (it must ask first);
- `slow`: answers after the given number of seconds;
- `probe_env`: the value of an environment variable the client was told to set.
"""

import os
import sys
import time


def build():
    # Imported here, so --fail and --hang say their line at once (the SDK takes a while to load).
    from mcp.server.mcpserver import MCPServer
    from mcp.types import ToolAnnotations

    READ_ONLY = ToolAnnotations(read_only_hint=True, destructive_hint=False, idempotent_hint=True, open_world_hint=False)
    server = MCPServer(name="probe", version="1.0.0", log_level="WARNING")

    @server.tool(annotations=READ_ONLY)
    def process_id() -> str:
        """The id of this server's process."""
        return str(os.getpid())

    @server.tool()
    def crash() -> str:
        """Ends the server's process without answering."""
        print("probe: crashing on purpose", file=sys.stderr, flush=True)
        os._exit(1)

    @server.tool()
    def remove_note(title: str) -> str:
        """Removes a note (it only says so)."""
        return f"Removed the note {title!r}."

    @server.tool(annotations=READ_ONLY)
    def slow(seconds: float) -> str:
        """Answers after `seconds` seconds."""
        time.sleep(seconds)
        return "done"

    @server.tool(annotations=READ_ONLY)
    def probe_env(name: str) -> str:
        """The value of the environment variable `name`, or "(unset)"."""
        return os.environ.get(name, "(unset)")

    return server


def main() -> None:
    if "--fail" in sys.argv:
        print("probe: PROBE_TOKEN is not set; cannot start", file=sys.stderr, flush=True)
        sys.exit(3)
    if "--hang" in sys.argv:
        print("probe: waiting forever", file=sys.stderr, flush=True)
        while True:
            time.sleep(60)
    build().run("stdio")


if __name__ == "__main__":
    main()
