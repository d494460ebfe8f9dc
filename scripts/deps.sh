#!/usr/bin/env bash
# Installs what building, running and testing Hearth needs and is missing; prints what and why.
# Idempotent: on a machine that has everything it only checks. Usage: scripts/deps.sh [run|test]
set -euo pipefail
purpose=${1:-run}
cd "$(dirname "$0")/.."

# package -> why we need it
declare -A why=(
  [build-essential]="C compiler for crates that build C (SQLite is compiled in)"
  [pkg-config]="finds GTK and WebKit for the window"
  [libssl-dev]="TLS for the Tauri toolchain"
  [file]="used by the Tauri bundler"
  [libwebkit2gtk-4.1-dev]="the WebKitGTK web view the window is drawn in (pulls GTK 3, libsoup 3)"
  [cmake]="builds libjpeg-turbo 3, which decodes photos at reduced scale"
  [nasm]="libjpeg-turbo's SIMD code (several times faster photo decoding)"
  [ffmpeg]="video posters, durations and rotation (videos still import without it)"
  [gstreamer1.0-plugins-good]="plays MP4/WebM videos in the window"
  [gstreamer1.0-libav]="decodes H.264 video in the window"
  [tzdata]="time zones, so that 'today' is the laptop's own date"
)
if [ "$purpose" = test ]; then
  why[xvfb]="a virtual display for the end-to-end tests"
  why[xauth]="lets xvfb-run authorise the test window"
  why[webkit2gtk-driver]="WebKitWebDriver, which drives the real window in end-to-end tests"
  why[imagemagick]="makes CMYK and plasma JPEG fixtures for import tests"
  why[libvips-tools]="vipsthumbnail, the anchor of 'hearth bench import'"
  why[rclone]="serves WebDAV on loopback for sync tests, and the anchor of 'hearth bench upload'"
  why[python3-pip]="installs moto, the S3 server sync tests run against"
  why[faketime]="runs another laptop with a clock that is off, for the sync tests"
  why[xdotool]="types into the system's file dialog in the keyboard-only walkthrough"
  why[poppler-utils]="pdftotext and pdftoppm, which read and render the yearbook's PDF in tests"
fi

if command -v dpkg-query >/dev/null 2>&1 && command -v apt-get >/dev/null 2>&1; then
  missing=()
  for package in "${!why[@]}"; do
    if ! dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed"; then
      missing+=("$package")
    fi
  done
  if [ ${#missing[@]} -gt 0 ]; then
    echo "Installing system packages Hearth needs:"
    for package in "${missing[@]}"; do echo "  - $package: ${why[$package]}"; done
    sudo=""
    [ "$(id -u)" -eq 0 ] || sudo="sudo"
    $sudo apt-get update -q
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -q --no-install-recommends "${missing[@]}"
  fi
else
  echo "This is not a Debian or Ubuntu system; please install the equivalents of:"
  for package in "${!why[@]}"; do echo "  - $package: ${why[$package]}"; done
fi

for tool in cargo node npm; do
  command -v "$tool" >/dev/null 2>&1 || { echo "Hearth needs $tool on PATH (Rust toolchain, Node.js 20+)." >&2; exit 1; }
done

if [ "$purpose" = test ] && ! command -v tauri-driver >/dev/null 2>&1; then
  echo "Installing tauri-driver (drives the real window in end-to-end tests)"
  cargo install tauri-driver --locked
fi

# moto_server (PyPI): a real S3 server on loopback for sync tests and the upload benchmark.
if [ "$purpose" = test ] && ! command -v moto_server >/dev/null 2>&1 && [ ! -x "$HOME/.local/bin/moto_server" ]; then
  echo "Installing moto (an S3 server on loopback for the sync tests)"
  python3 -m pip install --user --quiet 'moto[server]' 2>/dev/null \
    || python3 -m pip install --user --quiet --break-system-packages 'moto[server]'
fi

# npm packages, only when the lockfile changed since the last install.
install_npm() {
  local dir=$1
  if [ ! -f "$dir/node_modules/.package-lock.json" ] || [ "$dir/package-lock.json" -nt "$dir/node_modules/.package-lock.json" ]; then
    echo "Installing npm packages in $dir"
    npm ci --prefix "$dir" --no-audit --no-fund
  fi
}
install_npm ui
[ "$purpose" = test ] && install_npm tests/e2e
exit 0
