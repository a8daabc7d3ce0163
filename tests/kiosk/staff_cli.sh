#!/usr/bin/env bash
# staff_cli.sh LATEDOOR ASSETS: `latedoor staff add|list`, and its refusals, which change nothing.
set -u
bin=$1
assets=$2
dir=$(mktemp -d /tmp/ld-staff-XXXXXX)
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
run init > /dev/null || fail "init"
run roster import "$assets/roster.csv" > /dev/null || fail "roster import"

out=$(echo 4321 | run staff add head-1 --name "Ms Okafor" --card 04A1B2C3 --admin --pin-stdin) ||
  fail "staff add: $out"
echo "$out" | grep -q "^staff head-1 (Ms Okafor): PIN set, card 04A1B2C3$" || fail "add output: $out"
run staff add ta-2 --name "Mr Shah" > /dev/null || fail "staff add without a PIN"
list=$(run staff list)
echo "$list" | grep -q "^head-1	Ms Okafor	admin	active	pin	04A1B2C3$" || fail "list: $list"
echo "$list" | grep -q "^ta-2	Mr Shah	staff	active	-	-$" || fail "list: $list"
sqlite3 "$dir/device.db" "select pin_hash from staff where id = 'head-1'" | grep -q '^\$argon2id\$' ||
  fail "the PIN is not stored as an Argon2id hash"
sqlite3 "$dir/device.db" "select pin_hash from staff" | grep -q 4321 && fail "the PIN is stored in clear"

# Refusals: a bad PIN, no name, a pupil's card, a bad UID. Each exits non-zero, changes nothing.
before=$(run staff list)
echo 12 | run staff add x --name X --pin-stdin 2> "$dir/err" && fail "a 2-digit PIN was accepted"
grep -q "4 to 8 digits" "$dir/err" || fail "bad PIN message: $(cat "$dir/err")"
echo 12ab | run staff add x --name X --pin-stdin 2> /dev/null && fail "a PIN with letters"
run staff add x 2> /dev/null && fail "no --name was accepted"
run staff add x --name X --card 0426C73B4940C6 2> "$dir/err" && fail "a pupil's card was accepted"
grep -qi "card" "$dir/err" || fail "duplicate card message: $(cat "$dir/err")"
run staff add x --name X --card XYZ 2> /dev/null; [ $? = 2 ] || fail "a bad UID must exit 2"
[ "$(run staff list)" = "$before" ] || fail "a refused add changed the staff"
echo "staff cli: 1 passed, 0 failed"
