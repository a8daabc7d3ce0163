#!/usr/bin/env bash
# demo_office.sh: the office side of the demo (kiosk/demo.sh): an SQLite central store for the
# demo school filled from the demo kiosk's store, `latedoor sync --watch` so that new taps reach
# it, and latedoor-office on http://127.0.0.1:PORT/ (loopback, no TLS) with a demo office
# account, its day the kiosk's demo day. Prints the address and the account; writes the two
# background processes' ids to DEMO_DIR/office.pids for demo.sh to stop.
# usage: demo_office.sh BIN_DIR DEMO_DIR DAY(YYYY-MM-DD) [PORT]
set -euo pipefail
bin=$1 demo=$2 day=$3 port=${4:-8080}
root=$(cd "$(dirname "$0")/../.." && pwd)
url="sqlite:$demo/central.db"
log=$demo/office.log
{
  "$bin/latedoor" central init "$url"
  "$bin/latedoor" central school add hollybrook "Hollybrook Primary School (demo)" --central "$url"
  "$bin/latedoor" device add door-1 --school hollybrook --central "$url"
  "$bin/latedoor" roster import "$root/assets/demo/roster.csv" --central "$url" --school hollybrook
  "$bin/latedoor" report setup --config "$demo/school.ini" --central "$url" --school hollybrook
  # sync writes the calendar it pulls to the kiosk's calendar file: a copy in the demo folder,
  # never the repository's assets/demo/calendar.ini
  cp "$root/assets/demo/calendar.ini" "$demo/calendar.ini"
  sed -i "s|^calendar = .*|calendar = $demo/calendar.ini|" "$demo/school.ini"
  printf '\n[central]\nurl = %s\ninterval_s = 2\n' "$url" >>"$demo/school.ini"
  "$bin/latedoor" sync --once --config "$demo/school.ini"
  echo "demo-office-2468" | "$bin/latedoor" office user add office --role office \
    --school hollybrook --central "$url"
} >"$log" 2>&1 || { echo "demo_office.sh: the office's store could not be made: see $log" >&2; exit 1; }
# the office app's clock: the demo day at 09:30, so that Today is the kiosk's day
echo "$(($(TZ=Europe/London date -d "$day 09:30" +%s) * 1000))" >"$demo/office.clock"
"$bin/latedoor" sync --watch --config "$demo/school.ini" >>"$log" 2>&1 &
sync_pid=$!
"$bin/latedoor-office" --central "$url" --listen "127.0.0.1:$port" --no-tls \
  --clock-file "$demo/office.clock" >>"$log" 2>&1 &
office_pid=$!
echo "$sync_pid $office_pid" >"$demo/office.pids"
for _ in $(seq 50); do
  grep -qs "listening on" "$log" && break
  kill -0 "$office_pid" 2>/dev/null || break
  sleep 0.1
done
if ! grep -qs "listening on" "$log"; then
  echo "   (the office app did not start: see $log)"
  exit 0
fi
echo "== The office app: http://127.0.0.1:$port/  (sign in as \"office\", password demo-office-2468)"
echo "   Its day is the kiosk's; taps reach it through latedoor sync within a few seconds."
