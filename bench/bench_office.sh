#!/usr/bin/env bash
# bench_office.sh: latedoor-office under load. A 2,000-pupil school with a year of events in an
# SQLite central store; 50 signed-in users at once (wrk, 50 connections, each request with one of
# 50 session cookies) on Today, a pupil's page and Action, then the same pages of the static
# report served as files by the same server in the same run, as the baseline; p50, p95, p99,
# requests/s and errors of each, and the server's resident memory at rest.
# usage: bench_office.sh BUILD_DIR [SECONDS]   (bench/run.sh runs it on the release build)
set -euo pipefail
build=$(cd "$1" && pwd)
seconds=${2:-10}
latedoor=$build/bin/latedoor office=$build/bin/latedoor-office gen_store=$build/tests/gen_store
for t in "$latedoor" "$office" "$gen_store"; do
  [ -x "$t" ] || { echo "bench_office: $t missing (build with tests: gen_store)" >&2; exit 1; }
done
command -v wrk >/dev/null || { echo "bench_office: wrk is not installed (apt-get install wrk)" >&2; exit 1; }
work=$(mktemp -d /tmp/ld-bench-office-XXXXXX)
office_pid=
trap 'stop_office; rm -rf "$work"' EXIT
# shellcheck source=../tests/office_app/lib.sh
. "$(dirname "$0")/../tests/office_app/lib.sh"
latedoor_office=$office

"$gen_store" "$url" 2027-07-21 2000 >"$work/gen.txt"
echo "store: $(cat "$work/gen.txt") over the 2026-27 year"
"$latedoor" report setup --config "$src/assets/demo/school.ini" --central "$url" >/dev/null
add_user bench office hollybrook "$pw_office"
# The static baseline is the last day of the year, which `latedoor report` refuses as a day to
# come until it has begun: the report is made at a clock set to it (libfaketime).
command -v faketime >/dev/null || { echo "bench_office: faketime is not installed" >&2; exit 1; }
faketime '2027-07-21 12:00:00' "$latedoor" report --central "$url" --out "$work/site" \
  --date 2027-07-21 >/dev/null
set_clock "2027-07-21 10:00"
start_office --files "$work/site" --threads 4
sleep 1
rss() { awk '/^VmRSS/ {print $2 / 1024 " MB"}' "/proc/$office_pid/status"; }
echo "latedoor-office resident memory at rest, after start: $(rss)"

# 50 sessions, one sign-in each
: >"$work/cookies.txt"
for i in $(seq 50); do
  sign_in "$work/jar$i" bench "$pw_office" >/dev/null
  awk '$6 == "ld_session" {print $7}' "$work/jar$i" >>"$work/cookies.txt"
done
[ "$(sort -u "$work/cookies.txt" | wc -l)" = 50 ] || { echo "bench_office: 50 sessions not made" >&2; exit 1; }
upn=$(ls "$work/site/pupils" | sed -n 's/\.html$//p' | sed -n 100p)
cat >"$work/sessions.lua" <<LUA
local cookies = {}
for line in io.lines("$work/cookies.txt") do cookies[#cookies + 1] = line end
local n = 0
request = function()
  n = n + 1
  return wrk.format("GET", nil, {Cookie = "ld_session=" .. cookies[(n % #cookies) + 1]})
end
done = function(summary, latency, requests)
  local errors = summary.errors.connect + summary.errors.read + summary.errors.write +
                 summary.errors.status + summary.errors.timeout
  io.write(string.format("RESULT %.1f %.1f %.1f %.0f %d %d\n", latency:percentile(50) / 1000,
    latency:percentile(95) / 1000, latency:percentile(99) / 1000,
    summary.requests / (summary.duration / 1e6), errors, summary.requests))
end
LUA
# warm the cache of the school's report (its first load), as a school's first visitor does
load=$(curl -s -b "ld_session=$(head -1 "$work/cookies.txt")" -o /dev/null -w '%{time_total}' \
  "$base/s/hollybrook/today")
echo "the school's report loaded and Today made, first request: ${load} s (the pages wait meanwhile)"
echo "latedoor-office resident memory at rest, report loaded: $(rss)"

printf '%-30s %9s %9s %9s %9s %7s\n' page p50_ms p95_ms p99_ms req/s errors
run() { # NAME PATH
  local line
  line=$(wrk -t2 -c50 -d"${seconds}s" -s "$work/sessions.lua" "$base$2" | sed -n 's/^RESULT //p')
  printf '%-30s %9s %9s %9s %9s %7s\n' "$1" $(echo "$line" | cut -d' ' -f1-5)
  echo "$line" >"$work/r-$1"
}
run today /s/hollybrook/today
run pupil "/s/hollybrook/pupils/$upn.html"
run action /s/hollybrook/action.html
run static-daily /files/daily.html
run static-pupil "/files/pupils/$upn.html"
run static-action /files/action.html
for p in today pupil action; do
  awk -v p="$p" 'NR == FNR {a = $2; next} {printf "%s: p95 %.1fx the static file'"'"'s\n", p, (a / ($2 > 0 ? $2 : 0.001))}' \
    "$work/r-$p" "$work/r-static-$( [ "$p" = today ] && echo daily || echo "$p")"
done
sleep 2
echo "latedoor-office resident memory at rest, after the load: $(rss)"
