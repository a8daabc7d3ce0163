#!/usr/bin/env bash
# The kiosk demo: installs what is missing, builds, makes a demo device store for the fictional
# Hollybrook Primary School (200 pupils, half a term of history) and runs latedoor-kiosk in a
# window, with the simulated reader driven from the keyboard. With no display it says so and
# writes screenshots of a scripted morning instead.
#   kiosk/demo.sh [BUILD_DIR]      (default: build)
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD
build=${1:-build}
bash .ci/deps.sh
cmake -S . -B "$build" >/dev/null
cmake --build "$build" -j"$(nproc)" --target latedoor latedoor-kiosk latedoor-kiosk-demo \
  latedoor-office >/dev/null
bin=$build/bin

# The demo's "today": a Monday of the 2026-27 calendar, with the history from 3 September 2026.
# The kiosk's clock starts at 08:44 on that day and runs on in real time (a demo clock: the
# real date is not used). Taps are late from 08:50 and after the register closes at 09:20.
day=2026-10-12
case $build in /*) demo=$build/demo ;; *) demo=$root/$build/demo ;; esac
rm -rf "$demo"
mkdir -p "$demo"
chmod 0700 "$demo"

conf() { # conf MODE FILE: the demo school's config, with its store and reader in $demo
  sed -e "s|^name = .*|name = Hollybrook Primary School (demo)|" \
      -e "s|^mode = .*|mode = $1|" \
      -e "s|^id = .*|id = $3|" \
      -e "s|^calendar = .*|calendar = $root/assets/demo/calendar.ini|" \
      -e "s|^store = .*|store = $demo/device.db|" \
      -e "s|^path = .*|path = $demo/sim.sock|" assets/demo/school.ini > "$2"
  # The gate is set up for staff: the speak-to and not-arrived lists show on it.
  [ "$1" = gate ] && sed -i 's|^lists_on_kiosk = .*|lists_on_kiosk = on|' "$2"
  return 0
}
conf late_door "$demo/school.ini" door-1
conf gate "$demo/gate.ini" door-1 # the same device store: one store, two modes

echo "== Making the demo school in $demo (200 fictional pupils, history since September)"
"$bin/latedoor" init --config "$demo/school.ini" >/dev/null
"$bin/latedoor" roster import assets/demo/roster.csv --config "$demo/school.ini" >/dev/null
cards=$("$bin/latedoor-kiosk-demo" seed "$demo/school.ini" assets/demo/roster.csv $day)
n=$("$bin/latedoor" events --json --config "$demo/school.ini" | wc -l)
echo "   $n events recorded on the school days before Monday 12 October 2026"
uids=$(echo "$cards" | awk '{print $3}' | paste -sd, -)

echo
echo "== THIS IS A DEMO DAY: the kiosk's clock reads Monday 12 October 2026, from 08:44"
echo "   Staff PIN: 2468 (touch \"Staff\", bottom right of the idle screen), or F6 (staff card)"
echo "   Keys (each taps a card through the simulated reader at $demo/sim.sock):"
echo "$cards" | sed -e 's/^card /     /'

if [ -z "${DISPLAY:-}" ] && [ -z "${WAYLAND_DISPLAY:-}" ]; then
  shots=$demo/shots
  mkdir -p "$shots"
  echo
  echo "== No display (\$DISPLAY and \$WAYLAND_DISPLAY are unset): no window to open."
  echo "   Writing screenshots of a scripted morning (800x480) to $shots instead:"
  LATEDOOR_DEMO_CARDS=$uids "$bin/latedoor-kiosk-demo" shots "$demo/school.ini" \
    "$demo/gate.ini" assets/demo/roster.csv "$root/assets" "$shots" $day
  echo "   The store they came from: $demo/device.db ($bin/latedoor events --config $demo/school.ini)"
  exit 0
fi

echo
office/web/demo_office.sh "$bin" "$demo" $day # the office app beside the kiosk (docs/office.md)
trap 'kill $(cat "$demo/office.pids" 2>/dev/null) 2>/dev/null || true' EXIT
echo "   Close the window (or Ctrl-C here) to end the demo."
"$bin/latedoor-kiosk" --config "$demo/school.ini" --assets "$root/assets" \
  --clock-start ${day}T08:44 --demo-cards "$uids" --window 800x480
