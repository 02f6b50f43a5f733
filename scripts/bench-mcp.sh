#!/usr/bin/env bash
# `tools/call` round trips over stdio: the release `kickstart mcp` next to a reference Python MCP
# server (FastMCP/MCPServer on SQLite, tests/mcp/bench_reference_server.py), both driven by the
# official Python SDK's client (scripts/bench-mcp.py): p50/p99/mean of list_tasks and add_task.
# Figures in docs/BENCHMARKS.md ("MCP tools/call over stdio"). Extra arguments go to the Python
# script (e.g. --calls 200).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh test                       # the .venv with the Python SDK (tests/mcp/requirements.txt)
npm --prefix ui run build >/dev/null        # the Rust build embeds ui/dist
cargo build --locked --release --bin kickstart
exec .venv/bin/python scripts/bench-mcp.py --app target/release/kickstart --profile release "$@"
