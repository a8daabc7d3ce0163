# lib.sh: what the office application's tests share: a school in an SQLite central store, its
# accounts, a kiosk that syncs into it, and latedoor-office on a free loopback port.
# Source it with latedoor, latedoor_office, gen_store and work set.

src=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
url="sqlite:$work/central.db"
clock="$work/clock"
pw_office="office-pass-1234"

fail() {
  echo "FAIL: $*" >&2
  exit 1
}

# A command that fails where no check stands (set -e) names itself and its line, rather than
# ending the test without a word.
set -E
trap 'echo "FAIL: ${BASH_SOURCE[0]##*/}:$LINENO: exit $? from: $BASH_COMMAND" >&2' ERR

# Sets the test clock to a local time of Europe/London (the demo school's zone).
set_clock() { # "YYYY-MM-DD HH:MM[:SS]"
  echo "$(($(TZ=Europe/London date -d "$1" +%s) * 1000))" >"$clock"
}

advance_clock() { # SECONDS
  echo "$(($(cat "$clock") + $1 * 1000))" >"$clock"
}

# The demo school with half a term of events up to 2026-11-20, its rules, a second school and
# the accounts of the tests.
make_school() {
  "$gen_store" "$url" 2026-11-20 0 >/dev/null
  "$latedoor" report setup --config "$src/assets/demo/school.ini" --central "$url" >/dev/null
  "$latedoor" central school add otherschool "Other Primary School" --central "$url" >/dev/null
  add_user a.office office hollybrook "$pw_office"
  add_user a.head head hollybrook "$pw_office"
  add_user b.office office otherschool "$pw_office"
  add_user tech technician "" "$pw_office"
}

add_user() { # NAME ROLE SCHOOL PASSWORD
  local school=()
  [ -n "$3" ] && school=(--school "$3")
  echo "$4" | "$latedoor" office user add "$1" --role "$2" "${school[@]}" --central "$url" \
    >/dev/null || fail "user add $1"
}

# A kiosk called door that syncs with the store: its config, store and roster.
make_kiosk() {
  "$latedoor" device add door --school hollybrook --central "$url" >/dev/null || fail "device add"
  sed -e 's/^id = door-1 /id = door /' -e 's/^driver = sim /driver = none/' \
    -e "s|^store = .*|store = $work/door.db|" "$src/assets/demo/school.ini" >"$work/door.ini"
  cp "$src/assets/demo/calendar.ini" "$work/calendar.ini"
  printf '\n[central]\nurl = %s\ninterval_s = 1\n' "$url" >>"$work/door.ini"
  "$latedoor" init --config "$work/door.ini" >/dev/null || fail "kiosk init"
  "$latedoor" roster import "$work/roster.csv" --config "$work/door.ini" >/dev/null ||
    fail "kiosk roster"
}

# Starts latedoor-office on a free port; sets base and office_pid.
start_office() { # extra options...
  local port
  port=$(/usr/bin/python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
  # Emptied here, not by the background job's redirection: that runs in the child whenever it
  # is scheduled, and until then the wait below would find the last server's "listening".
  : >"$work/office.log"
  "$latedoor_office" --central "$url" --listen "127.0.0.1:$port" --no-tls --clock-file "$clock" \
    "$@" >>"$work/office.log" 2>&1 &
  office_pid=$!
  base="http://127.0.0.1:$port"
  # until it says so or dies; 60 s is only the limit on a very loaded machine
  for _ in $(seq 600); do
    grep -qs listening "$work/office.log" && return 0
    kill -0 "$office_pid" 2>/dev/null || break
    sleep 0.1
  done
  cat "$work/office.log" >&2
  fail "latedoor-office did not start"
}

# Stops latedoor-office; fails when a sanitizer spoke in its log (a leak shows at its exit).
stop_office() {
  if [ -n "${office_pid:-}" ]; then
    kill "$office_pid" 2>/dev/null || true
    wait "$office_pid" 2>/dev/null || true
    office_pid=
    if grep -qs -e "Sanitizer" -e "runtime error" "$work"/office.log "$work"/tls.log; then
      cat "$work"/office.log >&2
      fail "a sanitizer spoke in latedoor-office's log"
    fi
  fi
}

# Signs NAME in with PASSWORD into the cookie jar JAR; prints the HTTP status of the sign-in.
# Options after PASSWORD go to curl (--interface 127.0.0.2: from another address; -H ...).
sign_in() { # JAR NAME PASSWORD [CURL-OPTIONS...]
  local pre jar=$1 name=$2 password=$3
  shift 3
  curl -s -c "$jar" -b "$jar" "$@" "$base/login" >"$work/login.html"
  pre=$(sed -n 's/.*name="pre" value="\([0-9a-f]*\)".*/\1/p' "$work/login.html")
  curl -s -c "$jar" -b "$jar" -o "$work/signin.html" -w '%{http_code}' "$@" \
    --data-urlencode "pre=$pre" --data-urlencode "user=$name" --data-urlencode "password=$password" \
    "$base/login"
}

# The CSRF token of the page at PATH for the session in JAR.
csrf_of() { # JAR PATH
  curl -s -b "$1" "$base$2" | sed -n 's/.*name="csrf" value="\([0-9a-f]*\)".*/\1/p' | sed -n 1p
}
