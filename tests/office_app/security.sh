#!/usr/bin/env bash
# security.sh: latedoor-office driven on loopback with curl, one check each for what the office
# application must refuse. Each check fails the script (exit 1) with what it saw.
# usage: security.sh LATEDOOR LATEDOOR_OFFICE GEN_STORE
set -euo pipefail
latedoor=$1 latedoor_office=$2 gen_store=$3
work=$(mktemp -d /tmp/ld-office-security-XXXXXX)
office_pid=
trap 'stop_office; [ -n "${KEEP:-}" ] || rm -rf "$work"' EXIT
# shellcheck source=lib.sh
. "$(dirname "$0")/lib.sh"

make_school
set_clock "2026-11-20 09:30"
# a pupil whose name is a script, with a card, and a kiosk that records her and syncs
cp "$src/assets/demo/roster.csv" "$work/roster.csv"
echo 'A123456789012,<script>alert(1)</script>,Evil,<script>alert(1)</script>,Evil,6,6,F9999,,0A0B0C0D' \
  >>"$work/roster.csv"
"$latedoor" roster import "$work/roster.csv" --central "$url" --school hollybrook >/dev/null ||
  fail "central roster import"
make_kiosk
"$latedoor" tap --upn A123456789012 --at 2026-11-20T09:05 --config "$work/door.ini" >/dev/null ||
  fail "tap"
"$latedoor" sync --once --config "$work/door.ini" >/dev/null 2>&1 || fail "sync"
start_office --client-timeout 2

a=$work/a.jar head=$work/head.jar b=$work/b.jar
[ "$(sign_in "$a" a.office "$pw_office")" = 303 ] || fail "a.office cannot sign in"
[ "$(sign_in "$head" a.head "$pw_office")" = 303 ] || fail "a.head cannot sign in"
[ "$(sign_in "$b" b.office "$pw_office")" = 303 ] || fail "b.office cannot sign in"
upn=$(curl -s -b "$a" "$base/s/hollybrook/index.html" | grep -o 'pupils/[A-Z0-9]*\.html' | sed -n 1p |
  sed 's|pupils/||; s|\.html||')
[ -n "$upn" ] || fail "the office's pupil index lists nobody"
# The app's day and minute are its clock's (--clock-file here), never the machine's: a clock
# ahead of the machine's is not "a day in the future" to it.
set_clock "2027-07-21 10:00"
[ "$(sign_in "$work/later.jar" a.office "$pw_office")" = 303 ] || fail "a sign-in by the app's clock"
# (the server looks at the store and its clock at most once a second: asked until it has)
for _ in $(seq 300); do
  got=$(curl -s -b "$work/later.jar" -o "$work/body" -w '%{http_code}' "$base/s/hollybrook/today")
  [ "$got" = 200 ] && grep -q "as of 2027-07-21" "$work/body" && break
  sleep 0.1
done
[ "$got" = 200 ] && grep -q "as of 2027-07-21 10:00" "$work/body" ||
  fail "Today by the app's clock: $got $(grep -o "as of [^<]*" "$work/body")"
set_clock "2026-11-20 09:30"
# Without evidence (no MIS marks, the late door only) nobody is on the calling list, and why
for _ in $(seq 300); do
  curl -s -b "$work/later.jar" "$base/s/hollybrook/calls" >"$work/body"
  grep -q "First-day calling, 2026-11-20" "$work/body" && break
  sleep 0.1
done
grep -q 'id="call-basis">Nobody is listed: today' "$work/body" && ! grep -q 'data-upn=' "$work/body" ||
  fail "a calling list without evidence: $(grep -o 'id="call-basis">[^<]*' "$work/body")"

echo "1. every route without a session goes to sign-in"
for route in / /s/hollybrook/today "/s/hollybrook/today.frag?date=2026-11-20" \
  /s/hollybrook/action.html /s/hollybrook/weekly.html /s/hollybrook/index.html \
  "/s/hollybrook/pupils/$upn.html" "/s/hollybrook/search?q=a" "/s/hollybrook/correct?ev=door:1" \
  /s/hollybrook/calls /s/hollybrook/summary /s/hollybrook/devices /s/hollybrook/audit \
  /s/hollybrook/letters "/s/hollybrook/letters/$upn.html" /s/hollybrook/late-log.csv \
  /s/hollybrook/settings \
  /files/index.html /s/otherschool/today /nothing; do
  got=$(curl -s -o "$work/body" -w '%{http_code} %{redirect_url}' "$base$route")
  [ "$got" = "303 $base/login" ] || fail "GET $route without a session: $got"
  ! grep -q "$upn" "$work/body" || fail "GET $route without a session shows a UPN"
done
for route in /logout /s/hollybrook/correct /s/hollybrook/calls; do
  got=$(curl -s -o /dev/null -w '%{http_code} %{redirect_url}' -d "x=1" "$base$route")
  [ "$got" = "303 $base/login" ] || fail "POST $route without a session: $got"
done

echo "2. a head's session sees no names"
curl -s -b "$a" "$base/s/hollybrook/index.html" |
  sed -n 's|.*<a href="pupils/[A-Z0-9]*\.html">\([^<]*\)</a>.*|\1|p' >/dev/null
curl -s -b "$a" "$base/s/hollybrook/index.html" | grep -o 'pupils/[A-Z0-9]*\.html">[^<]*<' |
  sed 's/.*">//; s/<$//' | sort -u >"$work/names"
[ "$(wc -l <"$work/names")" -gt 100 ] || fail "too few names to check against"
got=$(curl -s -b "$head" -o "$work/summary.html" -w '%{http_code}' "$base/s/hollybrook/summary")
[ "$got" = 200 ] || fail "the head's summary: $got"
for id in years groups weeks; do
  grep -q "id=\"$id\"" "$work/summary.html" || fail "the head's summary has no $id"
done
grep -q '<rect ' "$work/summary.html" || fail "the head's weekly chart has no bars"
while read -r name; do
  ! grep -qF "$name" "$work/summary.html" || fail "the head's summary names $name"
done <"$work/names"
! grep -q "$upn" "$work/summary.html" || fail "the head's summary shows a UPN"
for route in /s/hollybrook/today "/s/hollybrook/pupils/$upn.html" /s/hollybrook/action.html \
  /s/hollybrook/index.html /s/hollybrook/calls "/s/hollybrook/search?q=a" /files/x \
  /s/hollybrook/letters /s/hollybrook/late-log.csv /s/hollybrook/action.csv; do
  got=$(curl -s -b "$head" -o "$work/body" -w '%{http_code}' "$base$route")
  [ "$got" = 404 ] || fail "the head opens $route: $got"
  ! grep -q "$upn" "$work/body" || fail "the head's $route shows a UPN"
done

echo "3. school A's account gets nothing of school B, nor B of A, by changing the URL"
for route in /s/otherschool/today /s/otherschool/summary /s/otherschool/calls; do
  got=$(curl -s -b "$a" -o /dev/null -w '%{http_code}' "$base$route")
  [ "$got" = 404 ] || fail "a.office opens $route: $got"
done
for route in /s/hollybrook/today "/s/hollybrook/pupils/$upn.html" /s/hollybrook/summary \
  "/s/hollybrook/search?q=a" /s/hollybrook/index.html; do
  got=$(curl -s -b "$b" -o "$work/body" -w '%{http_code}' "$base$route")
  [ "$got" = 404 ] || fail "b.office opens $route: $got"
  ! grep -q "$upn" "$work/body" || fail "b.office's $route shows a UPN of school A"
done

echo "4. a form posted without its CSRF token is refused"
token=$(csrf_of "$a" /s/hollybrook/calls)
[ ${#token} = 64 ] || fail "no CSRF token on the calling list"
call=(--data-urlencode "upn=$upn" --data-urlencode "outcome=reached")
got=$(curl -s -b "$a" -o /dev/null -w '%{http_code}' "${call[@]}" "$base/s/hollybrook/calls")
[ "$got" = 403 ] || fail "a call without a token: $got"
got=$(curl -s -b "$a" -o /dev/null -w '%{http_code}' "${call[@]}" \
  --data-urlencode "csrf=$(printf '%064d' 0)" "$base/s/hollybrook/calls")
[ "$got" = 403 ] || fail "a call with a wrong token: $got"
b_token=$(csrf_of "$b" /s/otherschool/summary)
got=$(curl -s -b "$a" -o /dev/null -w '%{http_code}' "${call[@]}" --data-urlencode "csrf=$b_token" \
  "$base/s/hollybrook/calls")
[ "$got" = 403 ] || fail "a call with another session's token: $got"
got=$(curl -s -b "$a" -o /dev/null -w '%{http_code}' -d "csrf=" "$base/logout")
[ "$got" = 403 ] || fail "sign-out without a token: $got"
got=$(curl -s -b "$a" -o /dev/null -w '%{http_code}' "${call[@]}" --data-urlencode "csrf=$token" \
  -H "Origin: http://evil.example" "$base/s/hollybrook/calls")
[ "$got" = 403 ] || fail "a call with the token from another site's page: $got"
got=$(curl -s -b "$a" -o /dev/null -w '%{http_code}' "${call[@]}" --data-urlencode "csrf=$token" \
  "$base/s/hollybrook/calls")
[ "$got" = 303 ] || fail "a call with the token: $got (the check must let a good form through)"

echo "5. a pupil named <script> and a reason with HTML are shown as text"
ev=$(curl -s -b "$a" "$base/s/hollybrook/today?date=2026-11-20" |
  grep -o 'correct?ev=door:[0-9]*' | sed -n 1p | sed 's/correct?ev=//')
[ -n "$ev" ] || fail "the kiosk's arrival is not on Today"
"$latedoor" report amend --event "$ev" --reason '<img src=x onerror=alert(2)>' --staff j.fenwick --school hollybrook \
  --central "$url" >/dev/null || fail "amend with HTML"
sleep 1.2 # the cache asks the store at most once a second
curl -s -b "$a" "$base/s/hollybrook/today?date=2026-11-20" >"$work/today.html"
grep -q '&lt;script&gt;alert(1)&lt;/script&gt;' "$work/today.html" || fail "the pupil's name is not escaped text"
grep -q '&lt;img src=x onerror=alert(2)&gt;' "$work/today.html" || fail "the reason is not escaped text"
! grep -q '<script>alert' "$work/today.html" || fail "a pupil's name is HTML on Today"
! grep -q '<img src=x' "$work/today.html" || fail "a reason is HTML on Today"
curl -s -b "$a" "$base/s/hollybrook/pupils/A123456789012.html" >"$work/evil.html"
! grep -q '<script>alert' "$work/evil.html" || fail "a pupil's name is HTML on its page"
curl -s -b "$a" "$base/s/hollybrook/search?q=%3Cscript%3E" >"$work/search.html"
grep -q 'pupils/A123456789012.html' "$work/search.html" || fail "search does not find <script>"
! grep -q '<script>alert' "$work/search.html" || fail "a pupil's name is HTML in search"

echo "5b. conflicts: a kiosk's arrival against another MIS mark, with what to change where"
printf 'UPN,Date,Session,Code\nA123456789012,2026-11-20,AM,N\n%s,2026-11-19,AM,/\n' "$upn" \
  >"$work/marks.csv"
"$latedoor" report import-marks "$work/marks.csv" --central "$url" --school hollybrook >/dev/null ||
  fail "import-marks"
# MIS marks carry no version (the app reads them again within a minute): a new server reads them
# now, and the sessions, kept in the central store, outlive the old one
stop_office
start_office --client-timeout 2
curl -s -b "$a" "$base/s/hollybrook/conflicts" >"$work/conflicts.html"
grep -q 'id="conflicts"' "$work/conflicts.html" || fail "a session did not outlive its server"
grep -q 'pupils/A123456789012.html' "$work/conflicts.html" || fail "the conflict is not listed"
grep -q "correct?ev=$ev" "$work/conflicts.html" || fail "the conflict does not link its arrival"
[ "$(grep -c '<tr><td>20' "$work/conflicts.html")" = 1 ] || fail "conflicts: not exactly one row"
! grep -q '<script>alert' "$work/conflicts.html" || fail "a pupil's name is HTML in conflicts"

echo "5c. corrections: un-void and a new time, confirmed; refused with why when they cannot be"
token=$(csrf_of "$a" "/s/hollybrook/correct?ev=$ev")
correct() { # FIELDS... (after csrf and ev): the status; the page in $work/correct.html
  curl -s -b "$a" -o "$work/correct.html" -w '%{http_code}' --data-urlencode "csrf=$token" \
    --data-urlencode "ev=$ev" "$@" "$base/s/hollybrook/correct"
}
got=$(correct -d action=unvoid -d step=save)
[ "$got" = 409 ] && grep -q "is not voided: nothing to un-void" "$work/correct.html" ||
  fail "an un-void of an arrival not voided: $got"
[ "$(correct -d action=void -d step=save)" = 303 ] || fail "a void"
got=$(correct -d action=retime -d time=09:00 -d step=save)
[ "$got" = 409 ] && grep -q "un-void it first" "$work/correct.html" ||
  fail "a new time for a voided arrival: $got"
curl -s -b "$a" "$base/s/hollybrook/correct?ev=$ev" >"$work/form.html"
grep -q 'id="unvoid"' "$work/form.html" || fail "a voided arrival's page offers no un-void"
got=$(correct -d action=unvoid --data-urlencode "note=<b>sorry</b>")
[ "$got" = 200 ] && grep -q "Un-void this arrival" "$work/correct.html" &&
  grep -q "It was voided by a.office." "$work/correct.html" &&
  grep -q 'id="who"' "$work/correct.html" && grep -q 'id="when"' "$work/correct.html" &&
  grep -q '&lt;b&gt;sorry&lt;/b&gt;' "$work/correct.html" || fail "the un-void's confirmation: $got"
[ "$(correct -d action=unvoid -d note=sorry -d step=save)" = 303 ] || fail "the un-void"
sleep 1.2 # the cache asks the store at most once a second
curl -s -b "$a" "$base/s/hollybrook/today?date=2026-11-20" >"$work/today.html"
grep -q "void undone by a.office: sorry" "$work/today.html" || fail "the un-void is not on Today"
curl -s -b "$a" "$base/s/hollybrook/correct?ev=$ev" >"$work/form.html"
grep -q 'id="retime"' "$work/form.html" || fail "an un-voided arrival takes no new time"
for bad in "23:59:is in the future" "2026-11-19 09:00:is not the day of arrival" \
  "9 o'clock:is not a time of day"; do
  at=${bad%:*} says=${bad##*:}
  got=$(correct -d action=retime --data-urlencode "time=$at" -d step=save)
  [ "$got" = 409 ] && grep -q "$says" "$work/correct.html" || fail "a new time of $at: $got"
  # ... and said before the confirmation, not only after it
  got=$(correct -d action=retime --data-urlencode "time=$at")
  [ "$got" = 409 ] && grep -q "$says" "$work/correct.html" ||
    fail "a new time of $at was offered for confirmation: $got"
done
[ "$(correct -d action=retime -d time= -d step=save)" = 400 ] || fail "an empty new time"
got=$(correct -d action=retime -d time=08:59)
[ "$got" = 200 ] && grep -q '<strong id="new-time">08:59</strong>' "$work/correct.html" ||
  fail "the new time's confirmation: $got"
[ "$(correct -d action=retime -d time=08:59 -d step=save)" = 303 ] || fail "the new time"
sleep 1.2
curl -s -b "$a" "$base/s/hollybrook/today?date=2026-11-20" >"$work/today.html"
grep -q "time changed by a.office" "$work/today.html" || fail "the new time is not on Today"
sqlite3 "$work/central.db" "SELECT what FROM office_audit WHERE who = 'a.office'" >"$work/audit.txt"
for line in "un-voided arrival $ev" "retimed arrival $ev"; do
  grep -qF "$line" "$work/audit.txt" || fail "the audit lacks \"$line\""
done

echo "5d. the MIS export of what changed: posted with its token; the next has only what is new"
token=$(csrf_of "$a" "/s/hollybrook/conflicts")
grep -q 'id="mis-changes"' <(curl -s -b "$a" "$base/s/hollybrook/conflicts") ||
  fail "the conflicts page offers no export of changes"
got=$(curl -s -b "$a" -o /dev/null -w "%{http_code}" -d "x=1" "$base/s/hollybrook/mis-changes.csv")
[ "$got" = 403 ] || fail "the export of changes without its token: $got"
changes() {
  curl -s -b "$a" -D "$work/changes.head" -o "$work/changes.csv" -w '%{http_code}' \
    --data-urlencode "csrf=$token" "$base/s/hollybrook/mis-changes.csv"
}
[ "$(changes)" = 200 ] || fail "the first export of changes"
grep -qi 'content-disposition: attachment; filename="2026-11-20-0930-mis-changes.csv"' \
  "$work/changes.head" || fail "the export is not a dated file: $(cat "$work/changes.head")"
head -1 "$work/changes.csv" | grep -q '^UPN,Date,Session,Code,Minutes Late,Reason,Change' ||
  fail "the export's header"
[ "$(wc -l <"$work/changes.csv")" -gt 10 ] || fail "the first export is not everything"
[ "$(changes)" = 200 ] || fail "the second export of changes"
[ "$(wc -l <"$work/changes.csv")" = 1 ] || fail "the second export holds more than the header"
sqlite3 "$work/central.db" "SELECT what FROM office_audit WHERE who = 'a.office'" |
  grep -q "exported 2026-11-20-0930-mis-changes.csv: 0 sessions changed" ||
  fail "the export of changes is not in the audit"

echo "6. SQL in the search box is just text"
for q in "' OR '1'='1" "'; DROP TABLE office_records; --" '%" OR 1=1 --'; do
  got=$(curl -s -b "$a" -o "$work/search.html" -w '%{http_code}' --get --data-urlencode "q=$q" \
    "$base/s/hollybrook/search")
  [ "$got" = 200 ] || fail "search for $q: $got"
  grep -q 'No pupil matches' "$work/search.html" || fail "search for $q found pupils"
done
got=$(curl -s -b "$a" -o "$work/search.html" -w '%{http_code}' --get \
  --data-urlencode "q=$(grep -v "&" "$work/names" | sed -n 1p)" "$base/s/hollybrook/search")
grep -q 'pupils/' "$work/search.html" || fail "search no longer finds a pupil after the SQL"
sqlite3 "$work/central.db" "SELECT count(*) FROM office_records" >/dev/null ||
  fail "the store's tables are gone"

echo "7. a session id from before sign-in is not kept after it"
planted=$(printf 'ab%.0s' $(seq 32))
printf '127.0.0.1\tFALSE\t/\tFALSE\t0\tld_session\t%s\n' "$planted" >"$work/fix.jar"
[ "$(sign_in "$work/fix.jar" a.office "$pw_office")" = 303 ] || fail "sign-in with a planted id"
now=$(awk '$6 == "ld_session" {print $7}' "$work/fix.jar" | tail -1)
[ -n "$now" ] && [ "$now" != "$planted" ] || fail "the planted session id was kept: $now"
got=$(curl -s -o /dev/null -w '%{http_code}' -b "ld_session=$planted" "$base/s/hollybrook/today")
[ "$got" = 303 ] || fail "the planted id opens a page: $got"
got=$(curl -s -o /dev/null -w '%{http_code}' -b "ld_session=$now" "$base/s/hollybrook/today")
[ "$got" = 200 ] || fail "the new id does not open a page: $got"
grep -qi 'set-cookie: ld_session=[0-9a-f]*; Path=/; HttpOnly; SameSite=Strict' \
  <(curl -s -D - -o /dev/null -c /dev/null -b "$work/fix.jar" "$base/login" \
    --data-urlencode "pre=x") ||
  true # (a refused sign-in sets no session; the cookie's flags are checked at sign-in below)
pre=$(curl -s -c "$work/flags.jar" "$base/login" | sed -n 's/.*name="pre" value="\([0-9a-f]*\)".*/\1/p')
curl -s -D "$work/headers" -o /dev/null -b "$work/flags.jar" --data-urlencode "pre=$pre" \
  --data-urlencode "user=a.office" --data-urlencode "password=$pw_office" "$base/login"
grep -qi '^set-cookie: ld_session=[0-9a-f]\{64\}; Path=/; HttpOnly; SameSite=Strict' "$work/headers" ||
  fail "the session cookie lacks HttpOnly or SameSite=Strict: $(grep -i set-cookie "$work/headers")"

echo "8. ten wrong passwords slow and then lock the account"
add_user victim office hollybrook "$pw_office"
jar=$work/v.jar
for i in 1 2 3; do
  [ "$(sign_in "$jar" victim wrong-password-$i)" = 401 ] || fail "wrong password $i not refused"
done
got=$(sign_in "$jar" victim "$pw_office")
[ "$got" = 429 ] ||
  fail "right after three wrong passwords, a try was not slowed: $got $(cat "$work/office.log")"
grep -q 'wait' "$work/signin.html" || fail "the slowed sign-in does not say to wait"
for i in 4 5 6 7 8 9; do
  advance_clock 61
  [ "$(sign_in "$jar" victim wrong-password-$i)" = 401 ] || fail "wrong password $i not refused"
done
advance_clock 61
[ "$(sign_in "$jar" victim wrong-password-10)" = 423 ] || fail "the tenth wrong password did not lock"
advance_clock 3600
[ "$(sign_in "$jar" victim "$pw_office")" = 423 ] || fail "a locked account signed in"
echo "new-password-5678" | "$latedoor" office user reset victim --central "$url" >/dev/null
[ "$(sign_in "$jar" victim new-password-5678)" = 303 ] || fail "a reset account cannot sign in"
sqlite3 "$work/central.db" "SELECT what FROM office_audit WHERE who = 'victim'" |
  grep -q 'account locked' || fail "the lock is not in the audit"

echo "8b. an idle session ends; a disabled account's session ends; every change is audited"
[ "$(sign_in "$work/idle.jar" a.office "$pw_office")" = 303 ] || fail "sign-in for the idle check"
got=$(curl -s -o /dev/null -w '%{http_code}' -b "$work/idle.jar" "$base/s/hollybrook/today")
[ "$got" = 200 ] || fail "a fresh session: $got"
advance_clock $((29 * 60))
got=$(curl -s -o /dev/null -w '%{http_code}' -b "$work/idle.jar" "$base/s/hollybrook/today")
[ "$got" = 200 ] || fail "a session used 29 minutes ago: $got"
advance_clock $((31 * 60))
got=$(curl -s -o /dev/null -w '%{http_code} %{redirect_url}' -b "$work/idle.jar" "$base/s/hollybrook/today")
[ "$got" = "303 $base/login" ] || fail "a session idle for 31 minutes still opens a page: $got"
[ "$(sign_in "$work/dis.jar" victim new-password-5678)" = 303 ] || fail "victim signs in"
"$latedoor" office user disable victim --central "$url" >/dev/null
got=$(curl -s -o /dev/null -w '%{http_code}' -b "$work/dis.jar" "$base/s/hollybrook/today")
[ "$got" = 303 ] || fail "a disabled account's session still opens a page: $got"
sqlite3 "$work/central.db" "SELECT who || ': ' || what FROM office_audit" >"$work/audit.txt"
for line in "a.office: signed in" "a.office: call to the family of $upn: reached" \
  "latedoor office: user victim disabled" "victim: wrong password (10 in a row): account locked"; do
  grep -qF "$line" "$work/audit.txt" || fail "the audit lacks \"$line\""
done

echo "8a. failed sign-ins from one address across accounts slow, then refuse, that address only"
# (each failure from here is another account's first: no account is slowed or locked by them)
for i in $(seq 10); do add_user "spray$i" office hollybrook "$pw_office"; done
jar=$work/spray.jar
for i in $(seq 10); do
  [ "$(sign_in "$jar" "spray$i" wrong-password-x)" = 401 ] || fail "spray$i: a wrong password not refused"
done
got=$(sign_in "$jar" spray1 "$pw_office")
[ "$got" = 429 ] && grep -q "from this computer&#39;s network address: wait 1 seconds" "$work/signin.html" ||
  fail "after 10 failures from one address a right password was not slowed: $got"
from2=(--interface 127.0.0.2)
[ "$(sign_in "$work/other.jar" spray1 "$pw_office" "${from2[@]}")" = 303 ] ||
  fail "spray1 cannot sign in from another address while the first is slowed"
advance_clock 2
[ "$(sign_in "$jar" nobody11 wrong-password-x)" = 401 ] || fail "a try after the wait was not let through"
[ "$(sign_in "$jar" nobody12 wrong-password-x)" = 429 ] || fail "the 12th try, too soon, was not slowed"
for i in $(seq 12 30); do
  advance_clock 61
  [ "$(sign_in "$jar" "nobody$i" wrong-password-x)" = 401 ] || fail "failure $i was not let through"
done
advance_clock 1
got=$(sign_in "$jar" spray2 "$pw_office")
[ "$got" = 429 ] && grep -q "signing in from it is refused for 15 minutes" "$work/signin.html" ||
  fail "after 30 failures the address is not refused: $got"
advance_clock 600
[ "$(sign_in "$jar" spray2 "$pw_office")" = 429 ] || fail "the refused address got in 10 minutes later"
# X-Forwarded-For is anyone's to write: without --trusted-proxy it changes nothing
[ "$(sign_in "$jar" spray2 "$pw_office" -H "X-Forwarded-For: 192.0.2.9")" = 429 ] ||
  fail "a refused address got in by writing X-Forwarded-For"
for i in 2 3 10; do
  [ "$(sign_in "$work/other$i.jar" "spray$i" "$pw_office" "${from2[@]}")" = 303 ] ||
    fail "spray$i, tried from the refused address, cannot sign in from another: $(grep -o "login-error\">[^<]*" "$work/signin.html")"
done
sqlite3 "$work/central.db" "SELECT count(*) FROM office_records WHERE key LIKE 'spray%' AND
  value LIKE '%\"locked\":true%'" | grep -qx 0 || fail "an account was locked by another's tries"
advance_clock 300
[ "$(sign_in "$jar" spray2 "$pw_office")" = 303 ] || fail "the address is still refused after 15 minutes"
# behind a reverse proxy named by --trusted-proxy, X-Forwarded-For's last address is the client's
stop_office
start_office --client-timeout 2 --trusted-proxy 127.0.0.1
jar=$work/proxy.jar
for i in $(seq 10); do
  [ "$(sign_in "$jar" "nobody$i" wrong-password-x -H "X-Forwarded-For: 203.0.113.7")" = 401 ] ||
    fail "behind the proxy: failure $i"
done
[ "$(sign_in "$jar" spray4 "$pw_office" -H "X-Forwarded-For: 203.0.113.7")" = 429 ] ||
  fail "behind the proxy, the client with 10 failures is not slowed"
[ "$(sign_in "$work/p4.jar" spray4 "$pw_office" -H "X-Forwarded-For: 198.51.100.4")" = 303 ] ||
  fail "behind the proxy, another client is slowed too"
[ "$(sign_in "$work/p5.jar" spray5 "$pw_office" -H "X-Forwarded-For: 203.0.113.7, 198.51.100.5")" = 303 ] ||
  fail "behind the proxy, the address the proxy added (the last) is not the one counted"
stop_office
start_office --client-timeout 2

echo "8c. uploads: checked whole, a preview, stored only when confirmed, CSRF, the size cap"
marks() { sqlite3 "$work/central.db" "SELECT count(*) FROM mis_marks"; }
before=$(marks)
# (the clock moved on in 8 and 8b: every session has ended; sign in again)
for who in "$a a.office" "$head a.head" "$b b.office"; do
  set -- $who
  [ "$(sign_in "$1" "$2" "$pw_office")" = 303 ] || fail "$2 cannot sign in again"
done
b_token=$(csrf_of "$b" /s/otherschool/summary)
got=$(curl -s -b "$head" -o /dev/null -w '%{http_code}' "$base/s/hollybrook/upload")
[ "$got" = 404 ] || fail "the head opens uploads: $got"
token=$(csrf_of "$a" /s/hollybrook/upload)
printf 'UPN,Date,Session,Code\n%s,2026-11-18,AM,/\n%s,2026-11-18,PM,Q9\n' "$upn" "$upn" >"$work/bad.csv"
printf 'UPN,Date,Session,Code\n%s,2026-11-17,AM,/\n%s,2026-11-17,PM,L\n' "$upn" "$upn" >"$work/good.csv"
up() { # FILE [CSRF]: posts FILE as MIS marks; prints the status
  curl -s -b "$a" -o "$work/up.html" -w '%{http_code}' -F "csrf=${2-$token}" -F kind=marks \
    -F "file=@$1;type=text/csv" "$base/s/hollybrook/upload"
}
[ "$(up "$work/good.csv" "")" = 403 ] || fail "an upload without its CSRF token was not refused"
[ "$(up "$work/bad.csv")" = 400 ] || fail "a bad marks file was not refused"
grep -q 'bad.csv:3:4' "$work/up.html" || fail "the refusal does not name line and column: $(grep err "$work/up.html")"
[ "$(marks)" = "$before" ] || fail "a refused file stored marks"
[ "$(up "$work/good.csv")" = 200 ] || fail "a good marks file was not previewed"
grep -q '<strong>2</strong> marks' "$work/up.html" || fail "the preview does not count 2 marks"
[ "$(marks)" = "$before" ] || fail "a preview stored marks before it was confirmed"
held=$(sed -n 's/.*name="token" value="\([0-9a-f]*\)".*/\1/p' "$work/up.html")
# another session, even of the same person, cannot store it
[ "$(sign_in "$work/a2.jar" a.office "$pw_office")" = 303 ] || fail "a second session"
a2_token=$(csrf_of "$work/a2.jar" /s/hollybrook/upload)
got=$(curl -s -b "$work/a2.jar" -o /dev/null -w '%{http_code}' -F "csrf=$a2_token" \
  -F "token=$held" "$base/s/hollybrook/upload")
[ "$got" = 410 ] || fail "another session stored the upload: $got"
[ "$(marks)" = "$before" ] || fail "another session stored marks"
confirm() { curl -s -b "$a" -o "$work/up.html" -w '%{http_code}' -F "csrf=$token" -F "token=$held" \
  "$base/s/hollybrook/upload"; }
[ "$(confirm)" = 200 ] || fail "the confirmation was refused: $(grep err "$work/up.html")"
[ "$(marks)" = "$((before + 2))" ] || fail "the confirmed marks are not stored"
[ "$(confirm)" = 410 ] || fail "an upload was stored twice"
head -c $((9 << 20)) /dev/zero | tr '\0' a >"$work/huge.csv"
got=$(up "$work/huge.csv" || true)
[ "$got" = 413 ] || [ "$got" = 000 ] || fail "a 9 MB upload: $got"
printf 'UPN,Legal Forename,Legal Surname,Year,Reg Group\nA123456789012,Ann,Smith,6,6\nnot-a-upn,Bo,Lee,6,6\n' \
  >"$work/roster-bad.csv"
got=$(curl -s -b "$a" -o "$work/up.html" -w '%{http_code}' -F "csrf=$token" -F kind=roster \
  -F "file=@$work/roster-bad.csv;type=text/csv" "$base/s/hollybrook/upload")
[ "$got" = 400 ] && grep -q 'roster-bad.csv:3' "$work/up.html" ||
  fail "a roster with a bad line: $got $(grep err "$work/up.html")"

echo "9. .. in a static path is refused"
stop_office
mkdir -p "$work/files"
echo "static page" >"$work/files/page.html"
echo "secret" >"$work/secret.txt"
start_office --files "$work/files" --client-timeout 2
got=$(curl -s -b "$a" -o /dev/null -w '%{http_code}' "$base/s/hollybrook/today")
[ "$got" = 200 ] || fail "a session did not outlive the restart: $got"
got=$(curl -s -b "$a" "$base/files/page.html")
[ "$got" = "static page" ] || fail "a file below --files is not served: $got"
for path in /files/../secret.txt /files/%2e%2e/secret.txt /files/./../secret.txt \
  /files/..%2fsecret.txt /files/.hidden /files//etc/passwd; do
  got=$(curl -s --path-as-is -b "$a" -o "$work/body" -w '%{http_code}' "$base$path")
  [ "$got" = 400 ] || [ "$got" = 404 ] || fail "GET $path: $got"
  ! grep -q secret "$work/body" || fail "GET $path served the file above"
done
[ "$(curl -s --path-as-is -b "$a" -o /dev/null -w '%{http_code}' "$base/files/../secret.txt")" = 400 ] ||
  fail "a .. is not refused as a bad request"

echo "10. oversized headers and bodies and a slow client are cut off"
big=$(head -c 70000 /dev/zero | tr '\0' a)
got=$(curl -s -o /dev/null -w '%{http_code}' -H "X-Big: $big" "$base/login" || true)
[ "$got" != 200 ] || fail "a 70 kB header was answered 200"
head -c 200000 /dev/zero | tr '\0' a >"$work/big.txt"
got=$(curl -s -o /dev/null -w '%{http_code}' -b "$a" --data-binary "@$work/big.txt" \
  -H 'Content-Type: application/x-www-form-urlencoded' "$base/s/hollybrook/calls" || true)
[ "$got" = 413 ] || fail "a 200 kB body: $got"
got=$(curl -s -o /dev/null -w '%{http_code}' -b "$a" -H 'Transfer-Encoding: chunked' \
  -H 'Content-Type: application/x-www-form-urlencoded' --data-binary "@$work/big.txt" \
  "$base/s/hollybrook/calls" || true)
# refused with 413, or the connection closed before the rest was read
[ "$got" = 413 ] || [ "$got" = 000 ] || fail "a 200 kB chunked body: $got"
[ "$(curl -s -o /dev/null -w '%{http_code}' "$base/login")" = 200 ] ||
  fail "the server does not answer after the oversized requests"
# a client that sends half a request and then nothing is cut off (--client-timeout 2): the
# server closes the connection; 30 s is only how long this check waits before saying it did not
/usr/bin/python3 - "${base#http://}" <<'PY' || fail "a slow client was not cut off"
import socket, sys
host, port = sys.argv[1].split(":")
s = socket.create_connection((host, int(port)))
s.sendall(b"GET /login HTTP/1.1\r\nHost: x\r\n")
s.settimeout(30)
try:
    data = s.recv(4096)
except socket.timeout:
    sys.exit(1)
sys.exit(0 if data == b"" or b" 408 " in data or data.startswith(b"HTTP/1.1 4") else 1)
PY

echo "11. TLS: a certificate made at first start, its fingerprint printed, Secure cookies"
stop_office
port=$(/usr/bin/python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
"$latedoor_office" --central "$url" --listen "127.0.0.1:$port" --tls-dir "$work" \
  >"$work/tls.log" 2>&1 &
office_pid=$!
for _ in $(seq 100); do grep -qs listening "$work/tls.log" && break; sleep 0.1; done
grep -q "listening on https://" "$work/tls.log" || fail "no TLS server: $(cat "$work/tls.log")"
[ "$(stat -c %a "$work/office.key")" = 600 ] || fail "the key is not mode 0600"
printed=$(sed -n 's/.*SHA-256 fingerprint //p' "$work/tls.log")
if command -v openssl >/dev/null; then
  real=$(openssl x509 -in "$work/office.crt" -noout -fingerprint -sha256 | sed 's/.*=//')
  [ "$printed" = "$real" ] || fail "printed fingerprint $printed is not the certificate's $real"
fi
curl -sk -D "$work/headers" -o /dev/null "https://127.0.0.1:$port/login"
grep -qi '^set-cookie: ld_pre=.*; Secure' "$work/headers" || fail "no Secure cookie over TLS"
grep -qi '^strict-transport-security:' "$work/headers" || fail "no HSTS over TLS"
got=$(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$port/login" || true)
[ "$got" != 200 ] || fail "plain HTTP answered on the TLS port"
stop_office
rc=0
"$latedoor_office" --central "$url" --listen 0.0.0.0:1 --no-tls 2>"$work/err" || rc=$?
[ "$rc" = 2 ] && grep -q loopback "$work/err" || fail "--no-tls off loopback was not refused"

echo "security: every check passed"
