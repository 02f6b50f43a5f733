#!/usr/bin/env bash
# Runs the keychain tests against a real Secret Service: gnome-keyring, unlocked, on a private
# D-Bus session with its own throw-away keyring folder (so no real keyring is touched).
set -euo pipefail
cd "$(dirname "$0")/.."
exec dbus-run-session -- bash -c '
  set -euo pipefail
  export XDG_DATA_HOME="$(mktemp -d)"
  trap "rm -rf \"$XDG_DATA_HOME\"" EXIT
  eval "$(printf pw | gnome-keyring-daemon --unlock --components=secrets)"
  cargo test --locked -p kickstart-core --test keychain -- --include-ignored keychain
'
