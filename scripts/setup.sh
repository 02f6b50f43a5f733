#!/usr/bin/env bash
# Installs what building, running and testing KickStartMyAI needs on Debian/Ubuntu, and only what
# is missing: system packages, the UI's npm packages, and — for tests — tauri-driver, a Python
# virtualenv with the WebDriver and MCP clients, and the MCP Inspector (npm, in tests/mcp). Safe to
# run again; fast when everything is there.
#
#   scripts/setup.sh run     what `make run` needs
#   scripts/setup.sh test    what `make test` needs (a superset)
set -euo pipefail
cd "$(dirname "$0")/.."
purpose=${1:-run}

log() { printf '\033[1;34m==>\033[0m %s\n' "$*"; }

# --- system packages -------------------------------------------------------------------------
packages=(build-essential pkg-config libwebkit2gtk-4.1-dev libxdo-dev libssl-dev
  libayatana-appindicator3-dev librsvg2-dev)
if [ "$purpose" = test ]; then
  # Xvfb and a private D-Bus for the real window; WebKitWebDriver for WebDriver; ImageMagick
  # for screenshots; the keyring daemon for Secret Service tests. (Not dbus-x11: with it GLib
  # starts session daemons that outlive the app.) A tray host (trayer) and a notification server
  # (dunst) let the end-to-end tests see the tray menu and the due-task notifications;
  # desktop-file-validate checks the installed package's menu entry.
  packages+=(xvfb xauth webkit2gtk-driver dbus-daemon imagemagick x11-utils xdotool
    gnome-keyring keyutils python3-venv trayer dunst desktop-file-utils)
fi
missing=()
for p in "${packages[@]}"; do
  dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  log "installing system packages: ${missing[*]}"
  sudo=""; [ "$(id -u)" -eq 0 ] || sudo="sudo"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

# --- toolchains ------------------------------------------------------------------------------
if ! command -v cargo >/dev/null; then
  echo "Rust is missing: install it from https://rustup.rs (stable), then run this again." >&2
  exit 1
fi
if ! command -v npm >/dev/null; then
  echo "Node.js 20+ with npm is missing: install it (https://nodejs.org or your package manager)." >&2
  exit 1
fi

# --- UI dependencies -------------------------------------------------------------------------
# `npm ci` refuses lockfiles that lack other platforms' optional packages (as some registry
# mirrors produce); `npm install` with the committed lockfile installs the same versions.
if [ ! -d ui/node_modules ] || [ ui/package-lock.json -nt ui/node_modules/.package-lock.json ]; then
  log "installing the UI's npm packages"
  npm --prefix ui install --no-audit --no-fund --loglevel=error
fi

[ "$purpose" = test ] || exit 0

# --- test tools ------------------------------------------------------------------------------
if ! command -v tauri-driver >/dev/null; then
  log "installing tauri-driver"
  cargo install tauri-driver --locked --version '^2' --quiet
fi
requirements=(tests/e2e/requirements.txt tests/mcp/requirements.txt tests/workflows/requirements.txt)
stale=false
for file in "${requirements[@]}"; do [ "$file" -nt .venv/.installed ] && stale=true; done
if [ ! -x .venv/bin/pytest ] || $stale; then
  log "creating the Python virtualenv for the end-to-end, MCP and workflow checks"
  python3 -m venv .venv
  .venv/bin/pip install --quiet --disable-pip-version-check "${requirements[@]/#/-r}"
  touch .venv/.installed
fi
# The MCP Inspector (an MCP client we did not write), pinned in tests/mcp/package-lock.json.
if [ ! -d tests/mcp/node_modules ] || [ tests/mcp/package-lock.json -nt tests/mcp/node_modules/.package-lock.json ]; then
  log "installing the MCP Inspector for the MCP tests"
  npm --prefix tests/mcp install --no-audit --no-fund --loglevel=error
fi
