#!/usr/bin/env bash
# demo_shots.sh BIN_DIR REPO: kiosk/demo.sh's headless path, the scripted morning at the demo
# school (the real UI over the device backend and a seeded store), must write every screenshot
# and find every button it touches; each PNG must be a real 800x480 image.
set -u
bin=$1
repo=$2
dir=$(mktemp -d /tmp/ld-demo-shots-XXXXXX)
chmod 0700 "$dir"
trap 'rm -rf "$dir"' EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }
for mode in late_door gate; do
  sed -e "s|^mode = .*|mode = $mode|" \
      -e "s|^calendar = .*|calendar = $repo/assets/demo/calendar.ini|" \
      -e "s|^store = .*|store = $dir/device.db|" \
      -e "s|^path = .*|path = $dir/sim.sock|" "$repo/assets/demo/school.ini" > "$dir/$mode.ini"
done
# The gate is set up for staff, as kiosk/demo.sh sets it up: the lists show on it.
sed -i 's|^lists_on_kiosk = .*|lists_on_kiosk = on|' "$dir/gate.ini"
"$bin/latedoor" init --config "$dir/late_door.ini" > /dev/null || fail init
"$bin/latedoor" roster import "$repo/assets/demo/roster.csv" --config "$dir/late_door.ini" \
  > /dev/null || fail "roster import"
cards=$("$bin/latedoor-kiosk-demo" seed "$dir/late_door.ini" "$repo/assets/demo/roster.csv" \
  2026-10-12) || fail seed
[ "$(echo "$cards" | grep -c '^card F[1-6] [0-9A-F]* ')" = 6 ] || fail "seed cards: $cards"
mkdir "$dir/shots"
LATEDOOR_DEMO_CARDS=$(echo "$cards" | awk '{print $3}' | paste -sd, -) \
  "$bin/latedoor-kiosk-demo" shots "$dir/late_door.ini" "$dir/gate.ini" \
  "$repo/assets/demo/roster.csv" "$repo/assets" "$dir/shots" 2026-10-12 > "$dir/out" 2>&1 ||
  fail "the scripted morning: $(grep -v '^  /' "$dir/out" | tail -5)"
n=$(ls "$dir/shots" | grep -c '\.png$')
[ "$n" = 16 ] || fail "expected 16 screenshots, got $n"
for f in "$dir"/shots/*.png; do
  head -c 24 "$f" | od -An -tx1 | tr -d ' \n' | grep -q '^89504e470d0a1a0a0000000d49484452000003200000' ||
    fail "$f is not an 800-pixel-wide PNG"
done
# Nothing the morning recorded was recorded with a clock behind the log.
"$bin/latedoor" events --json --config "$dir/late_door.ini" | grep -v '"clock":"ok"' &&
  fail "events recorded with a doubtful clock"
echo "demo shots: 1 passed, 0 failed"
