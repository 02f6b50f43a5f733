#!/usr/bin/env bash
# End-to-end tests: the real debug binary (with the embedded UI) in a real WebKit window under
# Xvfb, driven over WebDriver by tauri-driver, on a private D-Bus and fresh data folders.
# API keys go to a real Secret Service: an unlocked GNOME Keyring on that private bus.
# Provider tests talk to the scripted LLM server (crates/kickstart-testkit), started per module.
# Screenshots land in target/e2e-screenshots/.
set -euo pipefail
cd "$(dirname "$0")/.."

cargo build --locked --bin kickstart
cargo build --locked -p kickstart-testkit --bin kickstart-llm-server
export KICKSTART_APP="$PWD/target/debug/kickstart"
export KICKSTART_LLM_SERVER="$PWD/target/debug/kickstart-llm-server"
export KICKSTART_SCREENSHOTS="$PWD/target/e2e-screenshots"
rm -rf "$KICKSTART_SCREENSHOTS"; mkdir -p "$KICKSTART_SCREENSHOTS"

scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT
export XDG_DATA_HOME="$scratch/data" XDG_CONFIG_HOME="$scratch/config" XDG_CACHE_HOME="$scratch/cache"
# Each test module gives the app its own --data-dir (see tests/e2e/conftest.py).
mkdir -p "$XDG_DATA_HOME" "$XDG_CONFIG_HOME" "$XDG_CACHE_HOME"

xvfb-run -a -s '-screen 0 1280x800x24' dbus-run-session -- bash -c '
  # Unlocked (a locked collection refuses new items), its files in the scratch XDG_DATA_HOME; it
  # exits with the bus. Wait until it owns the Secret Service name on the bus.
  eval "$(printf e2e | gnome-keyring-daemon --unlock --components=secrets)"
  for _ in $(seq 100); do
    dbus-send --session --print-reply --dest=org.freedesktop.DBus / org.freedesktop.DBus.GetNameOwner \
      string:org.freedesktop.secrets > /dev/null 2>&1 && break
    sleep 0.1
  done
  # A tray host for the tray icon and a notification server for due-task notifications, as a
  # desktop has them (tests/e2e/test_desktop.py clicks both).
  trayer --edge top --align right --widthtype request --height 28 --transparent false --tint 0x333333 \
    > target/trayer.log 2>&1 &
  dunst > target/dunst.log 2>&1 &
  tauri-driver --port 4444 --native-port 4445 > target/tauri-driver.log 2>&1 & driver=$!
  for _ in $(seq 100); do (echo > /dev/tcp/127.0.0.1/4444) 2>/dev/null && break; sleep 0.1; done
  rc=0
  .venv/bin/pytest -p no:cacheprovider tests/e2e "$@" || rc=$?
  kill $driver 2>/dev/null; wait $driver 2>/dev/null
  exit $rc' e2e "$@"
