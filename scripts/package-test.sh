#!/usr/bin/env bash
# The installer, tested rather than assumed: installs the .deb that `make bundle` built (with apt,
# so its dependencies come too), checks what it put where (binary, stripped; desktop entry that
# validates; icons), makes a profile with the installed binary's own command line, starts the
# installed app under Xvfb and checks its window shows the login screen from the embedded UI,
# then removes the package again — also when a check fails.
set -euo pipefail
cd "$(dirname "$0")/.."

log() { printf '\033[1;34m==>\033[0m %s\n' "$*"; }
fail() { echo "package test: $*" >&2; exit 1; }
sudo=""; [ "$(id -u)" -eq 0 ] || sudo="sudo"

deb=$(ls -t target/release/bundle/deb/*.deb 2>/dev/null | head -1)
[ -n "$deb" ] || fail "no .deb in target/release/bundle/deb: run make bundle first"
rpm=$(ls -t target/release/bundle/rpm/*.rpm 2>/dev/null | head -1)
[ -n "$rpm" ] || fail "no .rpm in target/release/bundle/rpm"
package=$(dpkg-deb --field "$deb" Package)
version=$(dpkg-deb --field "$deb" Version)
want_version=$(cargo metadata --no-deps --format-version 1 --locked |
  python3 -c 'import json,sys; print(next(p["version"] for p in json.load(sys.stdin)["packages"] if p["name"]=="kickstart"))')
log "testing $deb ($package $version, $(du -k "$deb" | cut -f1) KiB; rpm $(du -k "$rpm" | cut -f1) KiB)"
[ "$version" = "$want_version" ] || fail "the .deb says version $version, Cargo.toml $want_version"
for field in Maintainer Description Section Depends; do
  [ -n "$(dpkg-deb --field "$deb" "$field")" ] || fail "the .deb has no $field"
done
dpkg-deb --field "$deb" Depends | grep -q libayatana-appindicator3-1 || fail "the tray library is not a dependency"

scratch=$(mktemp -d)
cleanup() {
  if dpkg -s "$package" >/dev/null 2>&1; then
    log "removing $package"
    $sudo apt-get remove -y -qq "$package" >/dev/null
  fi
  rm -rf "$scratch"
}
trap cleanup EXIT

dpkg -s "$package" >/dev/null 2>&1 && fail "$package is already installed here; remove it first"
log "installing $package"
DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "$PWD/$deb" >/dev/null

# What a person's menu and shell find.
binary=/usr/bin/kickstart
[ -x "$binary" ] || fail "$binary was not installed"
readelf -S "$binary" | grep -q '\.symtab' && fail "$binary is not stripped"
# Packed relative relocations wherever the build's glibc loads them (src-tauri/build.rs).
if printf '%s\n' 2.36 "$(getconf GNU_LIBC_VERSION | cut -d' ' -f2)" | sort -V -C; then
  readelf -d "$binary" | grep -q '(RELR)' || fail "$binary has no packed relative relocations (DT_RELR)"
fi
entry=$(dpkg -L "$package" | grep '^/usr/share/applications/.*\.desktop$' | head -1)
[ -n "$entry" ] || fail "no desktop entry"
desktop-file-validate "$entry" || fail "the desktop entry $entry does not validate"
grep -q '^Name=KickStartMyAI$' "$entry" || fail "the menu entry is not called KickStartMyAI"
grep -q '^Categories=.*Office' "$entry" || fail "the menu entry has no Office category"
icon=$(sed -n 's/^Icon=//p' "$entry")
for size in 32x32 64x64 128x128 256x256@2 512x512; do
  [ -f "/usr/share/icons/hicolor/$size/apps/$icon.png" ] || fail "no $size icon named $icon"
done
log "installed: $binary, $entry (Icon=$icon), $(dpkg -L "$package" | grep -c '/icons/') icons"

# The installed binary's command line works without a window: make the profile to sign in to.
printf 'correct horse battery\n' | "$binary" profile create --data-dir "$scratch/data" --username ada > /dev/null

# The installed app shows its login screen in a real window, from the UI embedded in the binary.
mkdir -p "$scratch/xdg-data" "$scratch/xdg-config" "$scratch/xdg-cache"
export XDG_DATA_HOME="$scratch/xdg-data" XDG_CONFIG_HOME="$scratch/xdg-config" XDG_CACHE_HOME="$scratch/xdg-cache"
export KICKSTART_APP="$binary" KICKSTART_PACKAGE_DATA="$scratch/data"
export KICKSTART_SCREENSHOTS="$PWD/target/e2e-screenshots"
mkdir -p "$KICKSTART_SCREENSHOTS"
xvfb-run -a -s '-screen 0 1280x800x24' dbus-run-session -- bash -c '
  tauri-driver --port 4444 --native-port 4445 > target/tauri-driver-package.log 2>&1 & driver=$!
  for _ in $(seq 100); do (echo > /dev/tcp/127.0.0.1/4444) 2>/dev/null && break; sleep 0.1; done
  rc=0; .venv/bin/python tests/package/check_installed.py || rc=$?
  kill $driver 2>/dev/null; wait $driver 2>/dev/null; exit $rc'
log "the installed app started and showed its login screen; the package is removed next"
