#!/usr/bin/env bash
# first_card.sh BIN_DIR REPO: a card on the simulated reader (a FIFO) the moment the kiosk opens
# it is recorded: the reader starts only once SDL can take its cards (a card read before then
# was dropped). Headless: SDL's dummy driver. Waits are bounded polls, not timings.
set -u
bin=$1
repo=$2
dir=$(mktemp -d /tmp/ld-first-card-XXXXXX)
kiosk=
trap '[ -n "$kiosk" ] && kill $kiosk 2>/dev/null; rm -rf "$dir"' EXIT
fail() { echo "FAIL: $*" >&2; [ -f "$dir/kiosk.log" ] && sed 's/^/  kiosk: /' "$dir/kiosk.log" >&2; exit 1; }
sed -e "s|^driver = .*|driver = sim|" -e "s|^path = .*|path = $dir/sim.fifo|" \
    -e "s|^calendar = .*|calendar = $repo/assets/demo/calendar.ini|" \
    -e "s|^store = .*|store = $dir/device.db|" "$repo/assets/demo/school.ini" > "$dir/school.ini"
ld() { "$bin/latedoor" "$@" --config "$dir/school.ini"; }
ld init > /dev/null || fail init
ld roster import "$repo/assets/demo/roster.csv" > /dev/null || fail "roster import"
mkfifo -m 0600 "$dir/sim.fifo"
SDL_VIDEODRIVER=dummy SDL_RENDER_DRIVER=software SDL_AUDIODRIVER=dummy \
  "$bin/latedoor-kiosk" --config "$dir/school.ini" --assets "$repo/assets" > "$dir/kiosk.log" 2>&1 &
kiosk=$!
# The write blocks until the reader opens the FIFO: the card is there at its first read.
timeout 60 sh -c "echo 04CAFE00A1 > $dir/sim.fifo" || fail "the kiosk never opened the FIFO"
for _ in $(seq 300); do
  ld events --json | grep -q '"kind":"unknown_card".*"card":"04CAFE00A1"' && break
  sleep 0.1
done
ld events --json | grep -q '"kind":"unknown_card".*"card":"04CAFE00A1"' ||
  fail "the first card was not recorded"
kill $kiosk
wait $kiosk || fail "the kiosk did not stop cleanly"
kiosk=
! grep -q "ERROR: AddressSanitizer\|runtime error" "$dir/kiosk.log" || fail "a sanitizer spoke"
echo "first card: 1 passed, 0 failed"
