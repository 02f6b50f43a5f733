#!/usr/bin/env bash
# MCP tests: `kickstart mcp` (stdio) driven by clients we did not write — the official Python SDK
# (tests/mcp/test_stdio.py) and the MCP Inspector's CLI with its --strict schema lint
# (tests/mcp/test_inspector.py). No window, no D-Bus: each test module gets its own data and log
# folders; dates in UTC. Extra arguments go to pytest (e.g. -k lifecycle).
set -euo pipefail
cd "$(dirname "$0")/.."

cargo build --locked --bin kickstart
export KICKSTART_APP="$PWD/target/debug/kickstart"

scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT
# Nothing the tests start may write into the real home folders.
export XDG_DATA_HOME="$scratch/data" XDG_CONFIG_HOME="$scratch/config" XDG_CACHE_HOME="$scratch/cache"
mkdir -p "$XDG_DATA_HOME" "$XDG_CONFIG_HOME" "$XDG_CACHE_HOME"

exec .venv/bin/pytest -p no:cacheprovider --basetemp="$scratch/pytest" tests/mcp "$@"
