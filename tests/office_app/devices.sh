#!/usr/bin/env bash
# devices.sh: the Devices page end to end (issues 14 and 15). A kiosk's staff PIN pad gets two
# wrong PINs through the device backend (kiosk_pin), `latedoor sync` carries the events and the
# kiosk's status to the central store, and the office's Devices page shows them: the wrong PINs
# today and for whom, the reader, nothing waiting; then a kiosk gone quiet and a wrong clock,
# said plainly. The technician sees the page; the head does not.
# usage: devices.sh LATEDOOR LATEDOOR_OFFICE GEN_STORE KIOSK_PIN
set -euo pipefail
latedoor=$1 latedoor_office=$2 gen_store=$3 kiosk_pin=$4
work=$(mktemp -d /tmp/ld-office-devices-XXXXXX)
office_pid=
trap 'stop_office; [ -n "${KEEP:-}" ] || rm -rf "$work"' EXIT
# shellcheck source=lib.sh
. "$(dirname "$0")/lib.sh"

make_school
cp "$src/assets/demo/roster.csv" "$work/roster.csv"
make_kiosk
echo 97531 | "$latedoor" staff add t.hughes --name "Ms Hughes" --pin-stdin \
  --config "$work/door.ini" >/dev/null || fail "staff add"
"$latedoor" device add gate --school hollybrook --central "$url" >/dev/null || fail "gate"

echo "1. two wrong PINs at the door, each an event naming whom, never the PIN"
"$kiosk_pin" "$work/door.ini" t.hughes 1111 || fail "the first wrong PIN"
"$kiosk_pin" "$work/door.ini" t.hughes 2222 || fail "the second wrong PIN"
"$latedoor" events --json --config "$work/door.ini" >"$work/events"
[ "$(grep -c '"kind":"pin_wrong".*"staff":"t.hughes".*"reason":"Ms Hughes"' "$work/events")" = 2 ] ||
  fail "two pin_wrong events: $(grep pin_wrong "$work/events")"
! grep '"kind":"pin_wrong"' "$work/events" | grep -q -e '"reason":"[^"]*1111' -e '"staff":"[^"]*2222' ||
  fail "a PIN was recorded"
"$latedoor" events --config "$work/door.ini" | grep -q " pin_wrong " || fail "latedoor events"

echo "2. one sync carries the events and the status"
"$latedoor" sync --once --config "$work/door.ini" >"$work/sync.log" 2>&1 ||
  { cat "$work/sync.log" >&2; fail "sync"; }
# the office's clock is the real one here: the kiosk and its sync read the real clock too
echo "$(($(date +%s) * 1000))" >"$clock"
"$latedoor" sync status --config "$work/door.ini" >"$work/status.txt" || fail "sync status"
grep -q '^card reader    no reader: touch only' "$work/status.txt" ||
  fail "sync status: $(cat "$work/status.txt")"
start_office
a=$work/a.jar tech=$work/tech.jar head=$work/head.jar
[ "$(sign_in "$a" a.office "$pw_office")" = 303 ] || fail "a.office cannot sign in"
[ "$(sign_in "$tech" tech "$pw_office")" = 303 ] || fail "tech cannot sign in"
[ "$(sign_in "$head" a.head "$pw_office")" = 303 ] || fail "a.head cannot sign in"
curl -s -b "$a" "$base/s/hollybrook/devices" >"$work/devices.html"
door=$(grep '<tr><td>door</td>' "$work/devices.html") || fail "no row for the door"
echo "$door" | grep -q '<td class="pins">2, the last at [0-2][0-9]:[0-5][0-9] for Ms Hughes</td>' ||
  fail "the door's wrong PINs: $door"
echo "$door" | grep -q '<td>None</td><td class="clock">' || fail "events waiting: $door"
echo "$door" | grep -q -e '<td class="clock">Good</td>' -e 'Not trusted</strong> (unsynchronised)' ||
  fail "the clock (good, or unsynchronised where the test machine's kernel says so): $door"
echo "$door" | grep -q 'no reader: touch only' || fail "the reader: $door"
! echo "$door" | grep -q 'No word since' || fail "the door just reported: $door"
grep -q '<tr><td>gate</td><td class="heard"><strong>No report yet</strong>' "$work/devices.html" ||
  fail "the gate never reported: $(grep gate "$work/devices.html")"
! grep -q 'office\.hollybrook' "$work/devices.html" || fail "the office's own device is listed"
# Today's strip of kiosk states says the same in a few words, the worst first
curl -s -b "$a" "$base/s/hollybrook/today" >"$work/today.html"
strip=$(sed -n '/id="kiosks"/,/<\/p>/p' "$work/today.html")
echo "$strip" | grep -q '<span class="warn">door: card reader: no reader: touch only[^<]*</span>' ||
  fail "Today's strip, the door: $strip"
echo "$strip" | grep -q '<span class="warn">gate: no report yet</span>' ||
  fail "Today's strip, the gate: $strip"
v=$(sed -n 's/.*data-v="\([0-9.]*\)".*/\1/p' "$work/today.html")
frag="$base/s/hollybrook/today.frag?date=$(TZ=Europe/London date -d "@$(($(cat "$clock") / 1000))" +%F)"
[ "$(curl -s -o /dev/null -w '%{http_code}' -b "$a" "$frag&v=$v")" = 204 ] ||
  fail "the live Today changed with nothing new ($v)"

echo "3. a kiosk quiet for twenty minutes, and a wrong clock, are said plainly"
advance_clock 1200
heard=$(TZ=Europe/London date -d "@$(($(sqlite3 "$work/central.db" \
  "SELECT received_ms FROM device_status WHERE device_id = 'door'") / 1000))" +%H:%M)
curl -s -b "$tech" "$base/s/hollybrook/devices" >"$work/devices.html"
grep '<tr><td>door</td>' "$work/devices.html" | grep -q "No word since $heard" ||
  fail "quiet for 20 minutes: $(grep '<tr><td>door</td>' "$work/devices.html")"
# the live Today follows without a new event: a kiosk falls quiet without a word
[ "$(curl -s -o "$work/frag.html" -w '%{http_code}' -b "$a" "$frag&v=$v")" = 200 ] ||
  fail "the live Today did not move on as time passed"
grep -q "<span class=\"warn\">door: no word since $heard</span>" "$work/frag.html" ||
  fail "Today's strip, the quiet door: $(sed -n '/id="kiosks"/,/<\/p>/p' "$work/frag.html")"
sqlite3 "$work/central.db" "UPDATE device_status SET device_ms = received_ms - 3600000,
  clock_state = 0 WHERE device_id = 'door'"
curl -s -b "$tech" "$base/s/hollybrook/devices" >"$work/devices.html"
grep '<tr><td>door</td>' "$work/devices.html" |
  grep -q "<strong class=\"warn\">Wrong</strong>: it said [0-9:]* when it was $heard<" ||
  fail "a clock an hour out: $(grep '<tr><td>door</td>' "$work/devices.html")"

echo "4. the head gets no device details"
[ "$(curl -s -o /dev/null -w '%{http_code}' -b "$head" "$base/s/hollybrook/devices")" = 404 ] ||
  fail "the head saw the devices"
stop_office
echo "ok: the Devices page"
