#!/usr/bin/env bash
# First, start-up and memory of our release binary beside a bare Tauri app built in the same run
# (bench/floor; tests/e2e/bench_startup.py). Then the real app with a full database: the release
# binary opens a profile with 100 000 tasks (seeded through the core), and we measure, inside the web view, the time from clicking
# "Tasks" to the first task row on screen (three fresh launches); then the scripted LLM server
# streams 5 000-token answers into the chat (tests/e2e/bench_chat.py); then the quick chat is
# summoned from the tray (tests/e2e/bench_quick_chat.py). Figures in docs/BENCHMARKS.md.
# KICKSTART_BENCHES="quick_chat" (names of tests/e2e/bench_*.py) runs only some of them.
# KICKSTART_DRIVER_PORT (default 4444; tests/e2e/bench_common.py reads it too) moves this run's
# tauri-driver off the port the e2e tests use, so the two can run side by side.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh test
npm --prefix ui run build >/dev/null
# As the Tauri CLI builds the installers (`make bundle`): the binary measured is the one that ships.
cargo build --locked --release --bin kickstart --features tauri/custom-protocol
cargo build --locked --release -p kickstart-testkit --bin kickstart-seed --bin kickstart-llm-server

# The floor: the same Tauri versions (our lockfile), the same release profile and target folder,
# its page built with the UI's own Vite and React.
cp Cargo.lock bench/floor/Cargo.lock
ln -sfn ../../../ui/node_modules bench/floor/web/node_modules
(cd bench/floor/web && node_modules/.bin/vite build --logLevel warn)
# With the feature ours is built with above, as the Tauri CLI would build it.
CARGO_TARGET_DIR="$PWD/target" cargo build --release --manifest-path bench/floor/Cargo.toml --features tauri/custom-protocol

data=$(mktemp -d)
target/release/kickstart-llm-server --port 0 --tokens "${KICKSTART_BENCH_TOKENS:-5000}" --delay-ms "${KICKSTART_BENCH_DELAY_MS:-0}" \
  --paragraph "${KICKSTART_BENCH_PARAGRAPH:-60}" > "$data/llm.out" &
server=$!
trap 'kill $server 2>/dev/null; rm -rf "$data"' EXIT
for _ in $(seq 100); do grep -q listening "$data/llm.out" && break; sleep 0.1; done
llm_url="$(sed -n 's/^listening //p' "$data/llm.out")/v1"
target/release/kickstart-seed "$data" bench "correct horse battery" "${TASKS:-100000}" "$llm_url"
mkdir -p "$data/full"
KICKSTART_SEED_THREADS=500 target/release/kickstart-seed "$data/full" bench "correct horse battery" 10000

export KICKSTART_DRIVER_PORT="${KICKSTART_DRIVER_PORT:-4444}"
export KICKSTART_APP="$PWD/target/release/kickstart" KICKSTART_BENCH_DATA="$data"
export KICKSTART_FLOOR_APP="$PWD/target/release/kickstart-floor" KICKSTART_BENCH_FULL_DATA="$data/full"
export XDG_DATA_HOME="$data/xdg-data" XDG_CONFIG_HOME="$data/xdg-config" XDG_CACHE_HOME="$data/xdg-cache"
xvfb-run -a -s '-screen 0 1280x800x24' dbus-run-session -- bash -c '
  tauri-driver --port "$KICKSTART_DRIVER_PORT" --native-port "$((KICKSTART_DRIVER_PORT + 1))" \
    > target/tauri-driver-bench.log 2>&1 & driver=$!
  for _ in $(seq 100); do (echo > "/dev/tcp/127.0.0.1/$KICKSTART_DRIVER_PORT") 2>/dev/null && break; sleep 0.1; done
  rc=0
  for bench in ${KICKSTART_BENCHES:-startup tasks_page chat quick_chat}; do
    .venv/bin/python "tests/e2e/bench_$bench.py" || { rc=$?; break; }
  done
  kill $driver 2>/dev/null; wait $driver 2>/dev/null; exit $rc'
