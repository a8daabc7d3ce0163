#!/usr/bin/env bash
# Builds in release mode and runs every benchmark, printing their figures.
set -euo pipefail
cd "$(dirname "$0")/.."
bash .ci/deps.sh
cmake -S . -B build-bench -DCMAKE_BUILD_TYPE=Release -DBUILD_TESTING=OFF >/dev/null
cmake --build build-bench -j"$(nproc)"
for b in build-bench/bin/bench_*; do
  echo "=== $(basename "$b")"
  "$b"
done
echo "=== bench_office.sh (latedoor-office under wrk)"
bench/bench_office.sh build-bench
# The kiosk again in a real X window (Xvfb on a free display, no TCP): idle CPU that SDL's
# dummy driver cannot show.
for n in $(seq 90 190); do
  [ -e /tmp/.X$n-lock ] || [ -e /tmp/.X11-unix/X$n ] || break
done
Xvfb :$n -screen 0 1024x768x24 -nolisten tcp > /dev/null 2>&1 &
xvfb=$!
trap 'kill $xvfb 2>/dev/null' EXIT
for _ in $(seq 100); do [ -e /tmp/.X11-unix/X$n ] && break; sleep 0.1; done
echo "=== bench_kiosk under Xvfb (x11)"
DISPLAY=:$n SDL_VIDEODRIVER=x11 build-bench/bin/bench_kiosk
