#!/usr/bin/env bash
# Writes src-tauri/startup.order: the functions of the release binary that run from its launch to
# the sign-in screen and through its first minute (the first daily backup included), which
# src-tauri/build.rs asks the linker to place side by side. Why: docs/BENCHMARKS.md, "Start-up
# code together".
#
# The list names symbols, and their names carry hashes that change with the Rust version, with
# dependency updates, and (ThinLTO's suffixes) with our own code and page, so run this again
# before a release or a benchmark run (`make startup-order`); the release workflow runs it on the
# Linux build it ships. A stale list never breaks the build, it only lets the app map more of its
# code at start.
#
# Callgrind (valgrind) records every instruction the app's own process runs, in all its threads;
# the pages run in WebKit's processes, which are not traced. The app runs about 50 times slower
# under it, so it is given 90 s to do what takes 2 s.
set -euo pipefail
cd "$(dirname "$0")/.."
# The release workflow installs only what this needs (KICKSTART_SKIP_SETUP=1).
[ -n "${KICKSTART_SKIP_SETUP:-}" ] || scripts/setup.sh test
if ! command -v valgrind >/dev/null; then
  sudo=""; [ "$(id -u)" -eq 0 ] || sudo="sudo"
  $sudo apt-get install -y -qq --no-install-recommends valgrind >/dev/null
fi

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
npm --prefix ui run build >/dev/null
# The linker's map of this very build: it says which function each executed address belongs to.
# (A fixed path, so that running this again does not link again.)
map="$PWD/target/release/kickstart.map"
# With Tauri's custom-protocol feature, as the Tauri CLI builds the installers: features change the
# symbols' hashes, so the list must come from the build that ships.
KICKSTART_LINK_MAP="$map" cargo build --locked --release --bin kickstart --features tauri/custom-protocol

mkdir -p "$work/xdg-data" "$work/xdg-config"
export XDG_DATA_HOME="$work/xdg-data" XDG_CONFIG_HOME="$work/xdg-config" XDG_CACHE_HOME="$work/xdg-cache"
# Stopped by SIGTERM, which the app leaves to its default action: callgrind writes its file then.
xvfb-run -a -s '-screen 0 1280x800x24' dbus-run-session -- \
  timeout --signal=TERM "${KICKSTART_ORDER_SECONDS:-90}" \
  valgrind --tool=callgrind --dump-instr=yes --callgrind-out-file="$work/callgrind.out" \
  --log-file="$work/valgrind.log" target/release/kickstart --data-dir "$work/app" > "$work/app.log" 2>&1 || true
if ! grep -q "core ready" "$work/app.log"; then
  cat "$work/app.log" "$work/valgrind.log" >&2
  echo "the app did not start under valgrind" >&2
  exit 1
fi

python3 scripts/startup_order.py "$map" "$work"/callgrind.out* > "$work/startup.order"
mv "$work/startup.order" src-tauri/startup.order
echo "src-tauri/startup.order: $(wc -l < src-tauri/startup.order) functions; rebuild the release binary to use it"
