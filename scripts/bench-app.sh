#!/usr/bin/env bash
# The real app with a full database: the release binary opens a profile with 100 000 tasks
# (seeded through the core), and we measure, inside the web view, the time from clicking
# "Tasks" to the first task row on screen (three fresh launches); then the scripted LLM server
# streams 5 000-token answers into the chat (tests/e2e/bench_chat.py). Figures in
# docs/BENCHMARKS.md.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh test
npm --prefix ui run build >/dev/null
cargo build --locked --release --bin kickstart
cargo build --locked --release -p kickstart-testkit --bin kickstart-seed --bin kickstart-llm-server

data=$(mktemp -d)
target/release/kickstart-llm-server --port 0 --tokens "${KICKSTART_BENCH_TOKENS:-5000}" --delay-ms "${KICKSTART_BENCH_DELAY_MS:-0}" \
  --paragraph "${KICKSTART_BENCH_PARAGRAPH:-60}" > "$data/llm.out" &
server=$!
trap 'kill $server 2>/dev/null; rm -rf "$data"' EXIT
for _ in $(seq 100); do grep -q listening "$data/llm.out" && break; sleep 0.1; done
llm_url="$(sed -n 's/^listening //p' "$data/llm.out")/v1"
target/release/kickstart-seed "$data" bench "correct horse battery" "${TASKS:-100000}" "$llm_url"

export KICKSTART_APP="$PWD/target/release/kickstart" KICKSTART_BENCH_DATA="$data"
export XDG_DATA_HOME="$data/xdg-data" XDG_CONFIG_HOME="$data/xdg-config" XDG_CACHE_HOME="$data/xdg-cache"
xvfb-run -a -s '-screen 0 1280x800x24' dbus-run-session -- bash -c '
  tauri-driver --port 4444 --native-port 4445 > target/tauri-driver-bench.log 2>&1 & driver=$!
  for _ in $(seq 100); do (echo > /dev/tcp/127.0.0.1/4444) 2>/dev/null && break; sleep 0.1; done
  rc=0; .venv/bin/python tests/e2e/bench_tasks_page.py && .venv/bin/python tests/e2e/bench_chat.py || rc=$?
  kill $driver 2>/dev/null; wait $driver 2>/dev/null; exit $rc'
