#!/usr/bin/env bash
# End-to-end tests: the real debug binary (with the embedded UI) in a real WebKit window under
# Xvfb, driven over WebDriver by tauri-driver, on a private D-Bus and fresh data folders.
# Screenshots land in target/e2e-screenshots/.
set -euo pipefail
cd "$(dirname "$0")/.."

cargo build --locked --bin kickstart
export KICKSTART_APP="$PWD/target/debug/kickstart"
export KICKSTART_SCREENSHOTS="$PWD/target/e2e-screenshots"
rm -rf "$KICKSTART_SCREENSHOTS"; mkdir -p "$KICKSTART_SCREENSHOTS"

scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT
export XDG_DATA_HOME="$scratch/data" XDG_CONFIG_HOME="$scratch/config" XDG_CACHE_HOME="$scratch/cache"
# Each test module gives the app its own --data-dir (see tests/e2e/conftest.py).
mkdir -p "$XDG_DATA_HOME" "$XDG_CONFIG_HOME" "$XDG_CACHE_HOME"

xvfb-run -a -s '-screen 0 1280x800x24' dbus-run-session -- bash -c '
  tauri-driver --port 4444 --native-port 4445 > target/tauri-driver.log 2>&1 & driver=$!
  for _ in $(seq 100); do (echo > /dev/tcp/127.0.0.1/4444) 2>/dev/null && break; sleep 0.1; done
  rc=0
  .venv/bin/pytest -p no:cacheprovider tests/e2e "$@" || rc=$?
  kill $driver 2>/dev/null; wait $driver 2>/dev/null
  exit $rc' e2e "$@"
