#!/usr/bin/env bash
# browser.sh: latedoor-office in headless Chromium driven by selenium (browser.py), against the
# demo school with a kiosk that syncs. Screenshots are kept in OUT_DIR for a person to look at.
# Skips (exit 77) when chromium, chromium-driver or python3-selenium is missing, unless CI=true.
# usage: browser.sh LATEDOOR LATEDOOR_OFFICE GEN_STORE OUT_DIR
set -euo pipefail
latedoor=$1 latedoor_office=$2 gen_store=$3 out=$4
if [ ! -x /usr/bin/chromium ] || [ ! -x /usr/bin/chromedriver ] ||
  ! /usr/bin/python3 -c 'import selenium' 2>/dev/null; then
  if [ "${CI:-}" = true ]; then
    echo "browser.sh: chromium, chromium-driver or python3-selenium missing under CI" >&2
    exit 1
  fi
  echo "browser.sh: chromium, chromium-driver or python3-selenium not installed: skipped" >&2
  exit 77
fi
work=$(mktemp -d /tmp/ld-office-browser-XXXXXX)
office_pid=
trap 'stop_office; rm -rf "$work"' EXIT
# shellcheck source=lib.sh
. "$(dirname "$0")/lib.sh"

make_school
# everyone signs in at this school: the calling list has its evidence (the morning's sign-ins)
sed 's/^\[school\]$/[school]\narrival_mode = everyone signs in/' "$src/assets/demo/school.ini" \
  >"$work/school.ini"
sed -i "s|^calendar = .*|calendar = $src/assets/demo/calendar.ini|" "$work/school.ini"
"$latedoor" report setup --config "$work/school.ini" --central "$url" --school hollybrook >/dev/null
set_clock "2026-11-20 09:30"
cp "$src/assets/demo/roster.csv" "$work/roster.csv"
make_kiosk
start_office
rm -rf "$out"
/usr/bin/python3 "$(dirname "$0")/browser.py" "$base" "$out" "$latedoor" "$work/door.ini"
# every change the browser made is in the audit, with who made it
sqlite3 "$work/central.db" "SELECT who || ': ' || what FROM office_audit" >"$work/audit.txt"
for line in "a.office: amended arrival" "a.office: voided arrival" "a.office: un-voided arrival" \
  "a.office: retimed arrival" "a.office: call to the family" \
  "a.office: letter to the family of" "a.office: wrong password (1 in a row)" \
  "tech: settings sessions.am_register_closes: 09:20 → 09:15"; do
  grep -qF "$line" "$work/audit.txt" || fail "the audit lacks \"$line\""
done
echo "browser: every change is in the audit"
