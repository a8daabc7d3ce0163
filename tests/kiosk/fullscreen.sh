#!/usr/bin/env bash
# fullscreen.sh BIN_DIR REPO: `latedoor-kiosk --fullscreen` on an X display with no window
# manager (a Pi booted straight into X, a kiosk session) covers the whole display, and a touch at
# a button's place on the screen reaches that button. Before, the window kept the design size
# (800x480, centred) while the kiosk drew for the display's: the frame was cropped and every
# touch landed off by the window's offset. On a display of 1024x600: the window must be
# 1024x600 at +0+0, and a click at the Staff button's root position must open the PIN pad.
# Without Xvfb, xdotool or xwininfo it skips (exit 77), but fails under CI=true.
set -u
bin=$1
repo=$2
fail() {
  echo "FAIL: $*" >&2
  [ -f "$dir/shot.txt" ] && sed 's/^/  shot: /' "$dir/shot.txt" >&2
  [ -f "$dir/kiosk.log" ] && tail -20 "$dir/kiosk.log" | sed 's/^/  kiosk: /' >&2
  exit 1
}
for tool in Xvfb xdotool xwininfo; do
  if ! command -v $tool > /dev/null; then
    [ "${CI:-}" = true ] && { echo "FAIL: $tool is missing (CI=true)" >&2; exit 1; }
    echo "SKIP: $tool is not installed (.ci/deps.sh installs it)"
    exit 77
  fi
done
dir=$(mktemp -d /tmp/ld-kiosk-fs-XXXXXX)
chmod 0700 "$dir"
xvfb=
kiosk=
cleanup() {
  for p in $kiosk $xvfb; do kill "$p" 2> /dev/null; done
  for p in $kiosk $xvfb; do wait "$p" 2> /dev/null; done
  rm -rf "$dir"
}
trap cleanup EXIT

# A display of our own, the first free number from 191, never on TCP, with no window manager.
. "$(dirname "$0")/xvfb.sh"
start_xvfb 191 290 1024x600x24 "$dir/xvfb.log"
[ -n "$xvfb" ] || fail "no free display for Xvfb"
export SDL_RENDER_DRIVER=software SDL_AUDIODRIVER=dummy
kiosk_asan=${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0 # X11's libraries: see e2e_kiosk.sh

cat > "$dir/school.ini" << INI
[school]
name = Hollybrook Primary School
[device]
id = door-1
[reader]
driver = none
[paths]
calendar = $repo/assets/demo/calendar.ini
store = $dir/device.db
INI
"$bin/latedoor" init --config "$dir/school.ini" > /dev/null || fail "latedoor init"
"$bin/latedoor" roster import "$repo/assets/demo/roster.csv" --config "$dir/school.ini" \
  > /dev/null || fail "roster import"

ASAN_OPTIONS=$kiosk_asan "$bin/latedoor-kiosk" --config "$dir/school.ini" --assets "$repo/assets" \
  --fullscreen --shot-file "$dir/shot" > "$dir/kiosk.log" 2>&1 &
kiosk=$!
wid=$(timeout 60 xdotool search --sync --onlyvisible --name '^latedoor$' | head -1)
[ -n "$wid" ] || fail "the kiosk's window did not show"

expect idle
geometry=$(xwininfo -id "$wid" | awk '/Absolute upper-left X/ {x = $4} /Absolute upper-left Y/ {y = $4}
  /Width:/ {w = $2} /Height:/ {h = $2} END {print w "x" h "+" x "+" y}')
[ "$geometry" = "1024x600+0+0" ] || fail "the window is $geometry, not the display's 1024x600+0+0"
# The kiosk drew its frame for the window it has: the screenshot is the display's size.
bmp=$(od -An -t d4 -j 18 -N 8 "$dir/shot.bmp" | awk '{print $1 "x" $2}')
[ "$bmp" = "1024x600" ] || fail "the kiosk drew a ${bmp} frame on a 1024x600 display"
# A finger on the screen where the kiosk put Staff (root coordinates: no window offset).
xy=$(awk '$1 == "button" && $4 == "Staff" { print $2, $3; exit }' "$dir/shot.txt")
[ -n "$xy" ] || fail "no Staff button"
xdotool mousemove $xy click 1 || fail "xdotool click"
expect pin
kill $kiosk 2> /dev/null
wait $kiosk 2> /dev/null
rc=$?
kiosk=
[ $rc = 0 ] || fail "the kiosk exited with $rc when asked to stop"
! grep -q "ERROR: AddressSanitizer\|runtime error" "$dir/kiosk.log" || fail "a sanitizer spoke"
echo "ok: fullscreen covers the 1024x600 display with no window manager; a touch reaches Staff"
