#!/usr/bin/env bash
# settings.sh: the Settings page changed by the technician in latedoor-office, driven with curl:
# only the technician may change it (CSRF, roles), every refusal names the setting and stores
# nothing, a change is confirmed old → new before it is saved, audited, and reaches a kiosk by
# `latedoor sync`.
# usage: settings.sh LATEDOOR LATEDOOR_OFFICE GEN_STORE
set -euo pipefail
latedoor=$1 latedoor_office=$2 gen_store=$3
work=$(mktemp -d /tmp/ld-office-settings-XXXXXX)
office_pid=
trap 'stop_office; [ -n "${KEEP:-}" ] || rm -rf "$work"' EXIT
# shellcheck source=lib.sh
. "$(dirname "$0")/lib.sh"

make_school
set_clock "2026-11-20 09:30"
cp "$src/assets/demo/roster.csv" "$work/roster.csv"
make_kiosk
"$latedoor" sync --once --config "$work/door.ini" >/dev/null 2>&1 || fail "first sync"
start_office

tech=$work/tech.jar office=$work/office.jar head=$work/head.jar
[ "$(sign_in "$tech" tech "$pw_office")" = 303 ] || fail "tech cannot sign in"
[ "$(sign_in "$office" a.office "$pw_office")" = 303 ] || fail "a.office cannot sign in"
[ "$(sign_in "$head" a.head "$pw_office")" = 303 ] || fail "a.head cannot sign in"
page=/s/hollybrook/settings
db=$work/central.db
# what the central store holds of the school's settings and calendar, with their versions
stored() {
  sqlite3 "$db" "SELECT key || '=' || value FROM settings WHERE school_id = 'hollybrook' ORDER BY key;
    SELECT part || ' version ' || version FROM versions WHERE school_id = 'hollybrook' ORDER BY part;
    SELECT * FROM calendar_terms WHERE school_id = 'hollybrook' ORDER BY ord;
    SELECT * FROM calendar_closed WHERE school_id = 'hollybrook' ORDER BY day" 2>&1
}
stored >"$work/before"
grep -q 'settings version' "$work/before" || fail "the test cannot read the store: $(cat "$work/before")"

echo "1. the technician sees the forms; the office reads the settings only"
curl -s -b "$tech" "$base$page" >"$work/tech.html"
grep -q 'id="rules-form"' "$work/tech.html" && grep -q 'id="calendar-form"' "$work/tech.html" ||
  fail "the technician's Settings page has no forms"
grep -q 'name="sessions.am_register_closes" id="sessions.am_register_closes" size="6" value="09:20"' \
  "$work/tech.html" || fail "the form does not hold the register's close"
got=$(curl -s -b "$office" -o "$work/office.html" -w '%{http_code}' "$base$page")
[ "$got" = 200 ] && grep -q 'id="sessions"' "$work/office.html" || fail "the office reads settings: $got"
! grep -q 'id="rules-form"\|id="calendar-form"' "$work/office.html" ||
  fail "the office is offered the technician's forms"
got=$(curl -s -b "$head" -o /dev/null -w '%{http_code}' "$base$page")
[ "$got" = 404 ] || fail "the head opens Settings: $got"

echo "2. the office and the head are refused (403) even with a valid CSRF token; no token, 403"
tech_token=$(csrf_of "$tech" "$page")
office_token=$(csrf_of "$office" "$page")
head_token=$(csrf_of "$head" /s/hollybrook/summary)
[ ${#tech_token} = 64 ] && [ ${#office_token} = 64 ] && [ ${#head_token} = 64 ] || fail "no tokens"
change=(-d what=rules --data-urlencode "sessions.am_register_closes=09:15" -d step=save -d version=1)
for who in "$office $office_token" "$head $head_token"; do
  set -- $who
  got=$(curl -s -b "$1" -o "$work/body" -w '%{http_code}' --data-urlencode "csrf=$2" "${change[@]}" \
    "$base$page")
  [ "$got" = 403 ] || fail "a change posted by $1: $got"
  got=$(curl -s -b "$1" -o /dev/null -w '%{http_code}' --data-urlencode "csrf=$2" -d what=rules \
    --data-urlencode "sessions.am_register_closes=09:15" "$base$page")
  [ "$got" = 403 ] || fail "a preview posted by $1: $got"
done
got=$(curl -s -b "$tech" -o /dev/null -w '%{http_code}' "${change[@]}" "$base$page")
[ "$got" = 403 ] || fail "the technician's change without its token: $got"
got=$(curl -s -b "$tech" -o /dev/null -w '%{http_code}' --data-urlencode "csrf=$office_token" \
  "${change[@]}" "$base$page")
[ "$got" = 403 ] || fail "the technician's change with another session's token: $got"
stored >"$work/now"
cmp -s "$work/before" "$work/now" || fail "a refused post changed the store: $(diff "$work/before" "$work/now")"

# posts FIELDS... as the technician; the status; the page in $work/post.html
post() {
  curl -s -b "$tech" -o "$work/post.html" -w '%{http_code}' --data-urlencode "csrf=$tech_token" \
    "$@" "$base$page"
}
cal_of() { # SED-EXPRESSION: the stored calendar's text, changed
  sed -n '/<textarea name="calendar"/,/<\/textarea>/p' "$work/tech.html" |
    sed -e 's/.*<textarea[^>]*>//' -e 's|</textarea>.*||' | sed "$1"
}
cal_of '' >"$work/calendar.txt"
grep -q '^Autumn 2 = 2026-11-02 .. 2026-12-18$' "$work/calendar.txt" ||
  fail "the calendar's form does not hold Autumn 2: $(cat "$work/calendar.txt")"

echo "3. each bad value is refused before the confirmation and at the save, named, nothing stored"
check_refused() { # SAYS FIELDS...
  local says=$1
  shift
  for step in check save; do
    got=$(post "$@" -d step=$step -d version=1)
    [ "$got" = 400 ] && grep -q 'id="settings-error"' "$work/post.html" &&
      grep -qF "$says" "$work/post.html" ||
      fail "$* ($step): $got, not \"$says\": $(grep -o 'id="settings-error">[^<]*' "$work/post.html")"
    ! grep -q 'id="changes"' "$work/post.html" || fail "$*: a refused change is offered to confirm"
  done
}
check_refused "sessions.am.register_closes: before the session start" -d what=rules \
  --data-urlencode "sessions.am_register_closes=08:30"
check_refused "kiosk.languages: language 2: not a code of 2 or 3 small letters" -d what=rules \
  --data-urlencode "kiosk.languages=pl, EN"
check_refused "sessions.am_register_closes: &quot;9.05&quot; is not HH:MM" -d what=rules \
  --data-urlencode "sessions.am_register_closes=9.05"
check_refused "settings: bands:" -d what=rules --data-urlencode "bands=90 = 1; 95 = 0"
check_refused "patterns.window_days" -d what=rules --data-urlencode "patterns.window_days=0"
check_refused "arrival_mode" -d what=rules --data-urlencode "arrival_mode=sometimes"
check_refused "reason &quot;Holiday&quot;: G makes no sense" -d what=rules \
  --data-urlencode "reasons=Medical appointment = -, M
Holiday = -, G"
check_refused "bands: longer than 1024 bytes" -d what=rules \
  --data-urlencode "bands=$(printf '9%.0s' $(seq 1100)) = 1"
check_refused "reasons: none given" -d what=rules --data-urlencode "reasons=  "
check_refused "calendar:3: terms.Autumn 2: 2026-11-02 .. 2062-12-18 is longer than 26 weeks: is a year wrong?" \
  -d what=calendar --data-urlencode "calendar=$(cal_of 's/2026-12-18/2062-12-18/')"
check_refused "calendar:2: terms.Autumn 1: 1926-09-01 .. 2026-10-23 is longer than 26 weeks: is a year wrong?" \
  -d what=calendar --data-urlencode "calendar=$(cal_of 's/= 2026-09-01/= 1926-09-01/')"
check_refused "calendar:12: closed.2062-11-02: a year or more from the terms" \
  -d what=calendar --data-urlencode "calendar=$(cal_of 's/^2026-11-02 = INSET day/2062-11-02 = INSET day/')"
check_refused "terms.Autumn 2: ends (2026-10-30) before it starts (2026-11-02)" \
  -d what=calendar --data-urlencode "calendar=$(cal_of 's/2026-12-18/2026-10-30/')"
check_refused "terms.Autumn 2: starts 2026-10-20, not after Autumn 1 (line 2) ends on 2026-10-23" \
  -d what=calendar --data-urlencode "calendar=$(cal_of 's/^Autumn 2 = 2026-11-02/Autumn 2 = 2026-10-20/')"
check_refused "calendar:" -d what=calendar --data-urlencode "calendar=[terms]
Autumn 1 = 2026-09-01 .. 2026-10-23
[closed]
2026-13-01 = INSET day"
# the refused form comes back as it was sent, to mend
post -d what=rules --data-urlencode "sessions.am_register_closes=08:30" >/dev/null
grep -q 'id="sessions.am_register_closes" size="6" value="08:30"' "$work/post.html" ||
  fail "the refused form is not shown again as it was sent"
stored >"$work/now"
cmp -s "$work/before" "$work/now" || fail "a refused change changed the store: $(diff "$work/before" "$work/now")"

echo "4. a good change is confirmed old → new, stored only when saved, audited"
rules=(-d what=rules --data-urlencode "sessions.am_register_closes=09:15"
  --data-urlencode "patterns.window_days=25" --data-urlencode "arrival_mode=late door only")
[ "$(post "${rules[@]}")" = 200 ] || fail "the preview of a good change: $(grep -o 'id="settings-error">[^<]*' "$work/post.html")"
grep -q '<td>sessions.am_register_closes</td><td class="before">09:20</td><td class="after">→ 09:15</td>' \
  "$work/post.html" || fail "the confirmation does not show the register's close old → new"
grep -q '<td>patterns.window_days</td><td class="before">20</td><td class="after">→ 25</td>' \
  "$work/post.html" || fail "the confirmation does not show the window old → new"
[ "$(grep -c '<td class="before">' "$work/post.html")" = 2 ] || fail "the confirmation lists more than the two changes"
version=$(sed -n 's/.*name="version" value="\([0-9]*\)".*/\1/p' "$work/post.html")
[ -n "$version" ] || fail "the confirmation carries no version"
stored >"$work/now"
cmp -s "$work/before" "$work/now" || fail "a preview changed the store"
[ "$(post "${rules[@]}" -d step=save -d version="$version")" = 303 ] || fail "the save: $(cat "$work/post.html")"
stored >"$work/after"
grep -q '^sessions.am_register_closes=09:15$' "$work/after" && grep -q '^patterns.window_days=25$' "$work/after" ||
  fail "the change is not stored"
grep -q "^settings version $((version + 1))$" "$work/after" || fail "the settings' version did not go up"
curl -s -b "$tech" "$base$page?saved=x" >/dev/null
curl -s -b "$tech" "$base$page" >"$work/tech.html"
grep -q 'value="09:15"' "$work/tech.html" || fail "the page does not show the saved change"
sqlite3 "$db" "SELECT who || ' ' || what FROM office_audit WHERE school_id = 'hollybrook'" >"$work/audit.txt"
grep -qF "tech settings sessions.am_register_closes: 09:20 → 09:15 (version $((version + 1)))" "$work/audit.txt" ||
  fail "the audit lacks the change: $(tail -3 "$work/audit.txt")"
# saved again on the old version (another tab): refused, nothing stored
got=$(post -d what=rules --data-urlencode "patterns.window_days=30" -d step=save -d version="$version")
[ "$got" = 409 ] && grep -q 'changed since this page was made' "$work/post.html" || fail "a stale save: $got"
grep -q '^patterns.window_days=25$' <(stored) || fail "a stale save was stored"
# the home languages at the door, set here (the kiosks take them at their next sync)
[ "$(post -d what=rules --data-urlencode "kiosk.languages=pl, ro" -d step=save \
  -d version=$((version + 1)))" = 303 ] || fail "the languages' save: $(cat "$work/post.html")"
grep -q '^kiosk.languages=pl, ro$' <(stored) || fail "the languages are not stored"

echo "5. the calendar: a closed day added, confirmed, saved, audited"
cal_of '$a 2026-11-25 = INSET day' >"$work/new-cal.txt"
[ "$(post -d what=calendar --data-urlencode "calendar@$work/new-cal.txt")" = 200 ] ||
  fail "the calendar's preview: $(grep -o 'id="settings-error">[^<]*' "$work/post.html")"
grep -q '<td>closed.2026-11-25</td><td class="before">(none)</td><td class="after">→ INSET day</td>' \
  "$work/post.html" || fail "the calendar's confirmation does not show the new closed day"
cversion=$(sed -n 's/.*name="version" value="\([0-9]*\)".*/\1/p' "$work/post.html")
[ "$(post -d what=calendar --data-urlencode "calendar@$work/new-cal.txt" -d step=save \
  -d version="$cversion")" = 303 ] || fail "the calendar's save"
sqlite3 "$db" "SELECT who || ' ' || what FROM office_audit" |
  grep -qF "tech calendar closed.2026-11-25: (none) → INSET day" || fail "the calendar's change is not audited"

echo "6. the kiosk pulls both at its next sync"
"$latedoor" sync --once --config "$work/door.ini" >"$work/sync.log" 2>&1 || fail "sync: $(cat "$work/sync.log")"
got=$(sqlite3 "$work/door.db" "SELECT value FROM settings WHERE key = 'school.patterns.window_days'")
[ "$got" = 25 ] || fail "the kiosk's store holds window_days $got"
got=$(sqlite3 "$work/door.db" "SELECT value FROM settings WHERE key = 'school.sessions.am_register_closes'")
[ "$got" = 09:15 ] || fail "the kiosk's store holds the register's close $got"
grep -q '^2026-11-25 = INSET day' "$work/calendar.ini" || fail "the kiosk's calendar lacks the new closed day"
got=$(sqlite3 "$work/door.db" "SELECT value FROM settings WHERE key = 'school.kiosk.languages'")
[ "$got" = "pl, ro" ] || fail "the kiosk's store holds the languages \"$got\""
# left empty, the languages go from the centre (each kiosk's own file decides again)
[ "$(post -d what=rules --data-urlencode "kiosk.languages=" -d step=save \
  -d version="$(stored | sed -n 's/^settings version //p')")" = 303 ] ||
  fail "the languages' removal: $(cat "$work/post.html")"
! grep -q '^kiosk.languages=' <(stored) || fail "emptied, the languages stayed at the centre"
# and the kiosk works to them: 09:17 is after the centre's 09:15 (U), not the file's 09:20 (L)
upn=$(awk -F, 'NR == 2 { print $1 }' "$work/roster.csv")
got=$("$latedoor" tap --upn "$upn" --at 2026-11-19T09:17 --config "$work/door.ini") || fail "tap: $got"
echo "$got" | grep -q ": U, " || fail "the kiosk did not work to the centre's register close: $got"
echo "settings: all checks passed"
