#!/usr/bin/env bash
# cli_e2e.sh LATEDOOR ASSETS: the device commands end to end, as a technician would run them:
# init, roster check and import (good and bad files), tap, events, backup.
set -u
bin=$1
assets=$2
dir=$(mktemp -d /tmp/ld-cli-XXXXXX)
trap 'rm -rf "$dir"' EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }
run() { "$bin" "$@" --config "$dir/school.ini"; }

cat > "$dir/school.ini" <<INI
[school]
name = Hollybrook Primary School
[device]
id = door-1
[reader]
driver = none
[paths]
calendar = $assets/calendar.ini
store = $dir/device.db
INI

out=$(run tap --uid 0426C73B4940C6 2>&1) && fail "tap before init should fail: $out"
echo "$out" | grep -q "latedoor init" || fail "tap before init should say to run init: $out"

run init > /dev/null || fail "init"
[ "$(stat -c %a "$dir/device.db")" = 600 ] || fail "store mode is not 0600"
run init > /dev/null 2>&1 && fail "a second init must refuse to overwrite the store"

"$bin" roster check "$assets/roster.csv" | grep -q "200 pupils" || fail "roster check"
run roster import "$assets/roster.csv" | grep -q "200 added" || fail "roster import"

# A bad row in the middle: rejected with its line, the store unchanged.
sed '101s/^\([^,]*\),[^,]*,/\1,,/' "$assets/roster.csv" > "$dir/bad.csv"
out=$(run roster import "$dir/bad.csv" 2>&1) && fail "a bad roster was accepted"
echo "$out" | grep -q "bad.csv:101" || fail "the error does not name line 101: $out"
run roster import "$assets/roster.csv" | grep -q "200 unchanged" || fail "store changed by a bad import"

out=$(run tap --uid 0426C73B4940C6 --at 2026-11-23T09:07) || fail "tap: $out"
echo "$out" | grep -q "signed in Tomás.*L, late, register still open, 17 minutes late" ||
  fail "tap output: $out"
out=$(run tap --uid 0426C73B4940C6 --at 2026-11-23T09:40) || fail "second tap: $out"
echo "$out" | grep -q "^already .* 09:07" || fail "second tap should be 'already': $out"
out=$(run tap --uid 04DEADBEEF --at 2026-11-23T09:41) || fail "unknown card: $out"
echo "$out" | grep -q "unknown card 04DEADBEEF" || fail "unknown card output: $out"
out=$(run tap --upn C873214726123 --at 2026-03-29T01:30 2>&1) && fail "a time in the BST gap was accepted"
echo "$out" | grep -q "does not exist" || fail "the BST gap error: $out"
run tap --uid 0426C73B4940C6 --at 2026-11-24T10:01 --reason "Medical appointment" |
  grep -q "M, late, reason accepted" || fail "reason"
run tap --uid XYZ > /dev/null 2>&1; [ $? = 2 ] || fail "a bad UID must exit 2"

lines=$(run events --json | wc -l)
[ "$lines" = 4 ] || fail "expected 4 events (2 arrivals, 1 unknown card, 1 reason), got $lines"
run events --json | head -1 | grep -q '"kind":"arrival".*"local":"2026-11-23T09:07:00"' ||
  fail "events --json: $(run events --json | head -1)"
run events | grep -q "unknown_card" || fail "events text"

run clock status | grep -q "^clock .* Europe/London, boot " || fail "clock status"
run clock repair > /dev/null 2>&1; case $? in 0|1) ;; *) fail "clock repair: bad exit" ;; esac

run backup "$dir/copy.db" > /dev/null || fail "backup"
[ "$(stat -c %a "$dir/copy.db")" = 600 ] || fail "backup mode is not 0600"
n=$(sqlite3 "$dir/copy.db" "select count(*) from events" 2>/dev/null || echo "?")
[ "$n" = 4 ] || fail "the backup holds $n events, not 4"
# Issue 12. Everything given to tap is checked before anything is written.
count() { run events --json | wc -l; }
before=$(count)
long=$(printf 'x%.0s' $(seq 201))
for bad in "$long" $'\e[31mMedical appointment' "" $'Medical \xff' "Dentist"; do
  out=$(run tap --upn C873214726123 --at 2026-11-25T09:05 --reason "$bad" 2>&1)
  [ $? = 2 ] || fail "a bad reason must exit 2: $out"
  [ "$(count)" = "$before" ] || fail "a refused reason recorded something: $out"
done
out=$(run tap --upn C873214726123 --at 2026-11-25T09:05 --reason Dentist 2>&1)
echo "$out" | grep -q 'not one of the school.s: "Medical appointment"' ||
  fail "an unknown reason should name the allowed ones: $out"
# Any case; stored in the school's spelling; a lower-case UPN is the same pupil.
out=$(run tap --upn c873214726123 --at 2026-11-25T09:51 --reason "medical APPOINTMENT") ||
  fail "lower-case UPN or reason refused: $out"
echo "$out" | grep -q "M, late, reason accepted" || fail "case-insensitive reason: $out"
run events --json | tail -1 | grep -q '"reason":"Medical appointment"' ||
  fail "the reason is not stored in the school's spelling: $(run events --json | tail -1)"
# A reason with "already" goes to the first arrival, and says so.
n=$(count)
out=$(run tap --upn C873214726123 --at 2026-11-25T10:30 --reason Overslept) || fail "already+reason: $out"
echo "$out" | grep -q "^already signed in .*09:51" || fail "already+reason first line: $out"
echo "$out" | grep -q 'reason "Overslept" recorded for that earlier arrival' || fail "already+reason: $out"
[ "$(count)" = $((n + 1)) ] || fail "already+reason should add one reason event"
out=$(run tap --uid 04DEADBEEF --at 2026-11-25T10:31 --reason Overslept) || fail "unknown+reason: $out"
echo "$out" | grep -q 'reason "Overslept" not recorded: there is no arrival' || fail "unknown+reason: $out"
out=$(run tap --upn "C87321 4726123" 2>&1); [ $? = 2 ] || fail "a malformed UPN must exit 2: $out"
echo "$out" | grep -q "^--upn: not a UPN" || fail "malformed UPN message: $out"
# 1 minute, not 1 minutes.
out=$(run tap --upn C873214726123 --at 2026-11-26T08:51) || fail "08:51: $out"
echo "$out" | grep -q ", 1 minute late" || fail "1 minute: $out"
# A mistyped year, or the end of time, is refused and recorded nowhere.
n=$(count)
for at in 2062-11-23T09:07 9999-12-31T09:00 2026-08-31T09:00; do
  out=$(run tap --upn C873214726123 --at $at 2>&1); [ $? = 2 ] || fail "--at $at accepted: $out"
  echo "$out" | grep -q "outside the school year" || fail "--at $at message: $out"
done
[ "$(count)" = "$n" ] || fail "a refused --at recorded something"
# Closed days: recorded, no mark, said so.
for case in "2026-11-02T09:30 INSET day" "2026-11-21T09:30 weekend" "2026-10-28T09:30 holiday"; do
  set -- $case
  out=$(run tap --uid 0426C73B4940C6 --at "$1") || fail "closed day $1: $out"
  echo "$out" | grep -q "the school is closed today (${*:2}): arrival recorded, no mark" ||
    fail "closed day $1: $out"
done
[ "$(count)" = $((n + 3)) ] || fail "closed-day arrivals should be recorded"
# A time ahead of the clock, inside a calendar's year far in the future.
printf '[terms]\nAutumn = 2039-09-01 .. 2039-12-16\n' > "$dir/future.ini"
sed "s|^calendar = .*|calendar = $dir/future.ini|" "$dir/school.ini" > "$dir/future-school.ini"
out=$("$bin" tap --upn C873214726123 --at 2039-12-01T09:00 --config "$dir/future-school.ini" 2>&1)
[ $? = 2 ] || fail "a time ahead of the clock was accepted: $out"
echo "$out" | grep -q "minutes ahead of this device's clock" || fail "ahead message: $out"
# A one-class export imported by mistake is refused, naming how many and which classes.
head -1 "$assets/roster.csv" > "$dir/one.csv"
grep -m 20 ",R," "$assets/roster.csv" >> "$dir/one.csv" || true
[ "$(wc -l < "$dir/one.csv")" -gt 5 ] || fail "could not make a one-class roster"
out=$(run roster import "$dir/one.csv" 2>&1); [ $? = 2 ] || fail "a one-class roster was imported: $out"
echo "$out" | grep -q "pupils on the roll off it, more than a fifth: .*(.*).*--leavers" ||
  fail "the refusal should say how many and which classes: $out"
run roster import "$assets/roster.csv" | grep -q "200 unchanged" || fail "a refused roster changed the store"
out=$(run roster import "$dir/one.csv" --leavers) || fail "--leavers: $out"
out=$(run tap --uid 6A56381D --at 2026-11-25T09:00 2>&1)
echo "$out" | grep -q "unknown card" || fail "a leaver's card: $out"
run roster import "$assets/roster.csv" --leavers > /dev/null || fail "roster back"
# Every event carries a checksum; a flipped byte in the file is found and the record not used.
out=$(run store check) || fail "store check: $out"
echo "$out" | grep -q "integrity check: ok; [0-9]* events, every checksum matches" || fail "store check: $out"
perl -0777 -pi -e 's/Medical appointment/Xedical appointment/' "$dir/device.db"
out=$(run store check); [ $? = 1 ] || fail "a flipped byte passed the store check: $out"
echo "$out" | grep -q "door-1 #[0-9]* (reason) fails its checksum" || fail "store check: $out"
out=$(run events 2>&1) && fail "events used a damaged record: $out"
echo "$out" | grep -q "fails its checksum" || fail "events should name the damaged record: $out"
echo "cli end to end: 1 passed, 0 failed"
