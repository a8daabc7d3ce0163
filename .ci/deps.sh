#!/usr/bin/env bash
# Installs the Debian packages latedoor needs to build, test and run its demo, if any is missing.
# Used by kiosk/demo.sh, tests/run.sh and so by .ci/run. Works as root or through sudo.
set -euo pipefail

packages=(
  # build
  build-essential cmake pkg-config clang libclang-rt-14-dev clang-format
  # the appliance's package tests (systemd-analyze, dpkg-deb, file); the cross build installs
  # its own toolchain and sysroot (.ci/cross.sh)
  systemd file
  # libraries
  libcmocka-dev libcjson-dev libcsv-dev libinih-dev libnfc-dev libnfc-bin libsodium-dev libsystemd-dev
  uuid-dev libsqlite3-dev sqlite3 libsdl2-dev libsdl2-ttf-dev libsdl2-image-dev libpng-dev libpq-dev tzdata
  # test servers and displays
  postgresql xvfb xauth xdotool x11-utils
  # the office report's browser test (tests/report/browser.sh)
  chromium poppler-utils
  # the office web application (latedoor-office) and its tests: libmicrohttpd with GnuTLS,
  # curl for the security test, chromium-driver and selenium for the browser test
  libmicrohttpd-dev libgnutls28-dev curl chromium-driver python3-selenium
  # the benchmarks (bench/run.sh): wrk loads the office app, faketime dates its static baseline
  wrk faketime
)

missing=()
for p in "${packages[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$p")
  fi
done

if [ ${#missing[@]} -eq 0 ]; then
  exit 0
fi

sudo=()
if [ "$(id -u)" -ne 0 ]; then
  sudo=(sudo)
fi
echo "latedoor: installing ${missing[*]}" >&2
"${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get update -q
"${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends "${missing[@]}"
