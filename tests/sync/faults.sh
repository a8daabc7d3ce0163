#!/usr/bin/env bash
# faults.sh: `latedoor sync` processes against a central store while things break. Each scenario
# ends with `sync_tool check`: every event of every device at the centre exactly once, with its
# UUID, nothing else there, and each device holding the other's events.
#
#   faults.sh LATEDOOR SYNC_TOOL HARNESS SCENARIO BACKEND
#     kill-sync   sqlite|pg  the sync process SIGKILLed at random points of a push, many times
#     kill-pg     pg         PostgreSQL (postmaster and backends) SIGKILLed mid-batch, restarted
#     unreachable sqlite|pg  the store gone for a while: the agent backs off and records the
#                            error, then catches up when it is back
#     two-devices sqlite|pg  two devices of one school syncing at once
#     sigterm     pg         SIGTERM while sync waits on a stopped server or the school's push lock
#     restore     sqlite|pg  the central store restored from a backup taken before the last
#                            rounds of two devices: each re-sends and re-pulls, and says so
#
# PostgreSQL scenarios start their own server with HARNESS (pg_harness.sh) and stop it at the
# end; without PostgreSQL they exit 77 (skipped), except under CI=true, where the harness fails.
set -euo pipefail

latedoor=$1 tool=$2 harness=$3 scenario=$4 backend=$5
work=$(mktemp -d /tmp/ld-sync-faults.XXXXXX)
chmod 700 "$work"
pids=()

cleanup() {
  local p
  [ -z "${pm:-}" ] || kill -CONT "$pm" 2>/dev/null || true
  for p in "${pids[@]}"; do kill -9 "$p" 2>/dev/null || true; done
  if [ -f "$work/pg/pg.info" ]; then "$harness" stop "$work/pg" >/dev/null 2>&1 || true; fi
  rm -rf "$work"
}
trap cleanup EXIT

die() {
  echo "faults.sh ($scenario $backend): $*" >&2
  for f in "$work"/*.log; do [ -f "$f" ] && { echo "--- $f" >&2; tail -n 15 "$f" >&2; }; done
  exit 1
}

info_get() { sed -n "s/^$2=//p" "$1" | head -n 1; }

as_pg() {
  if [ "$(id -u)" -eq 0 ]; then runuser -u "${LD_PG_USER:-postgres}" -- "$@"; else "$@"; fi
}

# ---- the central store ----
admin_pass=""
if [ "$backend" = pg ]; then
  rc=0
  # Durable (synchronous_commit on): a server that acknowledges a COMMIT before its WAL is
  # written loses acknowledged batches when killed, and this test catches exactly that.
  LD_PG_DURABLE=1 "$harness" start "$work/pg" >"$work/harness.log" 2>&1 || rc=$?
  if [ $rc -eq 77 ]; then
    cat "$work/harness.log"
    exit 77
  fi
  [ $rc -eq 0 ] || die "pg_harness start failed"
  info=$work/pg/pg.info
  port=$(info_get "$info" port)
  pgtmp=$(info_get "$info" tmp)
  bindir=$(info_get "$info" bindir)
  admin_pass=$(info_get "$info" admin_passfile)
  PGPASSWORD=$(head -n 1 "$(info_get "$info" super_passfile)") "$bindir/psql" -X -q \
    -v ON_ERROR_STOP=1 -h "$(info_get "$info" socket)" -p "$port" -U ld_super -d postgres \
    -c "CREATE DATABASE ldsync OWNER ld_admin" >/dev/null
  admin_url="postgresql://ld_admin@127.0.0.1:$port/ldsync"
  pass_opt=(--passfile "$admin_pass")
else
  admin_url="sqlite:$work/central.db"
  pass_opt=()
fi

pg_start() {
  local ssl=""
  [ -f "$pgtmp/tls/server.crt" ] &&
    ssl="-c ssl=on -c ssl_cert_file=$pgtmp/tls/server.crt -c ssl_key_file=$pgtmp/tls/server.key"
  [ -f "$pgtmp/tls/kiosk-ca.crt" ] && ssl="$ssl -c ssl_ca_file=$pgtmp/tls/kiosk-ca.crt"
  as_pg "$bindir/pg_ctl" -D "$pgtmp/data" -l "$pgtmp/server.log" -w -t 60 -o \
    "-k $pgtmp/sock -c listen_addresses=127.0.0.1 -p $port $ssl" \
    start >/dev/null
}

pg_kill9() { # the postmaster and every backend, as a crash would
  local pm children
  pm=$(head -n 1 "$pgtmp/data/postmaster.pid")
  children=$(ps -o pid= --ppid "$pm" || true)
  kill -9 "$pm" $children 2>/dev/null || true
  while kill -0 "$pm" 2>/dev/null; do sleep 0.05; done
}

pg_stop() { as_pg "$bindir/pg_ctl" -D "$pgtmp/data" -m fast -w -t 60 stop >/dev/null; }

"$latedoor" central init "$admin_url" "${pass_opt[@]}" >/dev/null
"$latedoor" central school add hb "Hollybrook Primary School" --central "$admin_url" \
  "${pass_opt[@]}" >/dev/null

# A device: its config, store and (PostgreSQL) password file. Batches of 100 to have many.
make_device() { # NAME
  local name=$1 url passfile=""
  if [ "$backend" = pg ]; then
    passfile=$work/$name.pass
    url=$("$latedoor" device add "$name" --central "$admin_url" "${pass_opt[@]}" \
      --write-passfile "$passfile" | sed -n 's/^url: *//p')
  else
    "$latedoor" device add "$name" --central "$admin_url" >/dev/null
    url=$admin_url
  fi
  cat >"$work/$name.ini" <<EOF
[school]
name = Hollybrook Primary School
timezone = UTC
[device]
id = $name
[reader]
driver = none
[paths]
store = $name.db
calendar = $name-calendar.ini
[central]
url = $url
batch = 100
interval_s = 1
retry_min_s = 1
retry_max_s = 2
EOF
  [ -n "$passfile" ] && echo "passfile = $passfile" >>"$work/$name.ini"
  printf '[terms]\nAutumn 1 = 2026-09-03 .. 2026-10-23\n' >"$work/$name-calendar.ini"
  "$latedoor" init --config "$work/$name.ini" >/dev/null
}

pending() { "$tool" pending "$work/$1.db" | cut -d' ' -f1; }
last_error() { "$tool" pending "$work/$1.db" | cut -d' ' -f2-; }

wait_until() { # SECONDS COMMAND...: poll until COMMAND succeeds
  local limit=$1
  shift
  local end=$((SECONDS + limit))
  until "$@"; do
    [ $SECONDS -lt $end ] || return 1
    sleep 0.2
  done
}

no_pending() { [ "$(pending "$1")" = 0 ]; }
has_error() { [ -n "$(last_error "$1")" ]; }

sync_once() { "$latedoor" sync --once --config "$work/$1.ini" >>"$work/$1.log" 2>&1; }

start_watch() { # NAME: sets $watch_pid
  "$latedoor" sync --watch --config "$work/$1.ini" >>"$work/$1.log" 2>&1 &
  watch_pid=$!
  pids+=("$watch_pid")
}

stop_watch() { # PID: SIGTERM, and it must stop cleanly (status 0)
  kill -TERM "$1"
  local rc=0
  wait "$1" || rc=$?
  [ $rc -eq 0 ] || die "sync --watch exited $rc after SIGTERM"
}

# A backup of the central store and its restore, the way docs/deploy.md says to make them.
backup_central() {
  if [ "$backend" = pg ]; then
    PGPASSWORD=$(head -n 1 "$admin_pass") "$bindir/pg_dump" -h 127.0.0.1 -p "$port" -U ld_admin \
      --enable-row-security -Fc -f "$work/central.dump" ldsync || die "pg_dump failed"
  else
    sqlite3 "$work/central.db" ".backup '$work/central.bak'" || die "sqlite3 .backup failed"
  fi
}

restore_central() {
  if [ "$backend" = pg ]; then
    PGPASSWORD=$(head -n 1 "$admin_pass") "$bindir/psql" -X -q -v ON_ERROR_STOP=1 -h 127.0.0.1 \
      -p "$port" -U ld_admin -d postgres -c "DROP DATABASE ldsync WITH (FORCE)" \
      -c "CREATE DATABASE ldsync" >/dev/null || die "re-creating the database failed"
    PGPASSWORD=$(head -n 1 "$admin_pass") "$bindir/pg_restore" -h 127.0.0.1 -p "$port" \
      -U ld_admin --enable-row-security --exit-on-error -d ldsync "$work/central.dump" ||
      die "pg_restore failed"
  else
    sqlite3 "$work/central.db" ".restore '$work/central.bak'" || die "sqlite3 .restore failed"
  fi
}

check() { "$tool" check "$admin_url" "$admin_pass" hb "$@" || die "check failed"; }

random_ms() { echo "0.$(printf '%03d' $((RANDOM % ${1})))"; }

case "$scenario" in
kill-sync)
  make_device door
  "$tool" fill "$work/door.db" 3000
  mkdir "$work/pause"
  kills=0 mid=0
  # Deterministic: the agent pauses after batch N of its push (LD_SYNC_TEST_PAUSE, agent.c) and
  # is SIGKILLed there, mid-push, on a fast machine or a slow one.
  for round in 1 2 3 4; do
    before=$(pending door)
    rm -f "$work/pause"/*
    LD_SYNC_TEST_PAUSE="$work/pause:$((RANDOM % 4 + 1))" \
      "$latedoor" sync --once --config "$work/door.ini" >>"$work/door.log" 2>&1 &
    p=$!
    pids+=("$p")
    until [ -f "$work/pause/paused-1" ] || ! kill -0 "$p" 2>/dev/null; do sleep 0.05; done
    [ -f "$work/pause/paused-1" ] || die "round $round: the push ended without pausing"
    kill -9 "$p"
    wait "$p" 2>/dev/null || true
    kills=$((kills + 1))
    after=$(pending door)
    [ "$after" -gt 0 ] && [ "$after" -lt "$before" ] ||
      die "round $round: pending $before -> $after: the kill was not mid-push"
    mid=$((mid + 1))
  done
  # And at random moments, inside batches too (not counted: these may land anywhere).
  for round in 1 2 3 4 5 6; do
    "$latedoor" sync --once --config "$work/door.ini" >>"$work/door.log" 2>&1 &
    p=$!
    pids+=("$p")
    sleep "$(random_ms 150)"
    if kill -9 "$p" 2>/dev/null; then kills=$((kills + 1)); fi
    wait "$p" 2>/dev/null || true
  done
  sync_once door || die "the last sync failed"
  no_pending door || die "events still pending"
  echo "faults.sh: sync SIGKILLed $kills times, $mid of them paused mid-push"
  check "$work/door.db"
  ;;
kill-pg)
  [ "$backend" = pg ] || die "kill-pg needs the pg backend"
  make_device door
  "$tool" fill "$work/door.db" 6000
  mkdir "$work/pause"
  # The agent pauses after the 2nd batch of each round (LD_SYNC_TEST_PAUSE, agent.c): each kill
  # lands after an acknowledged commit, with more of the push to go, whatever the machine's speed.
  export LD_SYNC_TEST_PAUSE="$work/pause:2"
  start_watch door
  unset LD_SYNC_TEST_PAUSE
  mid=0 last=6000
  for k in 1 2 3; do
    wait_until 120 test -f "$work/pause/paused-$k" || die "kill $k: the agent never paused"
    left=$(pending door)
    [ "$left" -gt 0 ] && [ "$left" -lt "$last" ] ||
      die "kill $k: pending $left (before $last): not mid-push"
    pg_kill9
    mid=$((mid + 1)) last=$left
    sleep "$(random_ms 500)"
    pg_start
    touch "$work/pause/resume-$k"
  done
  touch "$work/pause/off"
  echo "faults.sh: PostgreSQL SIGKILLed $mid times while the push was under way"
  wait_until 120 no_pending door || die "the agent did not catch up after the server came back"
  grep -q "sync:" "$work/door.log" || die "nothing logged"
  stop_watch "$watch_pid"
  sync_once door || die "the last sync failed"
  check "$work/door.db"
  ;;
unreachable)
  make_device door
  "$tool" fill "$work/door.db" 500
  if [ "$backend" = pg ]; then pg_stop; else mv "$work/central.db" "$work/central.away"; fi
  start_watch door
  wait_until 60 has_error door || die "no error recorded while the store was away"
  echo "faults.sh: recorded while away: $(last_error door)"
  [ "$(pending door)" = 500 ] || die "pending changed while the store was away"
  sleep 3 # a few back-off rounds
  if [ "$backend" = pg ]; then pg_start; else mv "$work/central.away" "$work/central.db"; fi
  wait_until 120 no_pending door || die "the agent did not catch up"
  wait_until 30 bash -c "! $(printf %q "$tool") pending $(printf %q "$work/door.db") | grep -q ' .'" ||
    die "the error was not cleared after a success"
  stop_watch "$watch_pid"
  grep -q "sync:" "$work/door.log" || die "the failures were not logged"
  check "$work/door.db"
  ;;
two-devices)
  make_device door
  make_device gate
  "$tool" fill "$work/door.db" 1500 &
  "$tool" fill "$work/gate.db" 1500
  wait
  if [ "$backend" = pg ]; then
    # The door's credentials with the gate's store: refused before anything moves.
    sed -e "s|^url = .*|$(grep '^url = ' "$work/door.ini" | sed 's/[&|]/\\&/g')|" \
      -e "s|^passfile = .*|passfile = $work/door.pass|" "$work/gate.ini" >"$work/mixed.ini"
    rc=0
    "$latedoor" sync --once --config "$work/mixed.ini" 2>"$work/err.txt" || rc=$?
    [ $rc -eq 1 ] || die "another device's credentials: exit $rc, want 1"
    grep -q 'these credentials are device "door", but this device store is "gate"' \
      "$work/err.txt" || die "no wrong-device message: $(cat "$work/err.txt")"
    [ "$(pending gate)" = 1500 ] || die "something moved with the wrong credentials"
    echo "faults.sh: refused: $(head -c 220 "$work/err.txt")"
  fi
  start_watch door
  w1=$watch_pid
  start_watch gate
  w2=$watch_pid
  wait_until 120 no_pending door || die "door did not push everything"
  wait_until 120 no_pending gate || die "gate did not push everything"
  stop_watch "$w1"
  stop_watch "$w2"
  sync_once door || die "door's last round failed"
  sync_once gate || die "gate's last round failed"
  check "$work/door.db" "$work/gate.db"
  ;;
cli)
  # `latedoor sync` as an admin meets it: exit statuses and one-line errors.
  make_device door
  rc=0
  sed '/^\[central\]/,$d' "$work/door.ini" >"$work/nosync.ini"
  "$latedoor" sync --once --config "$work/nosync.ini" 2>"$work/err.txt" || rc=$?
  [ $rc -eq 2 ] || die "sync without central.url: exit $rc, want 2"
  grep -q "central.url: not set" "$work/err.txt" || die "no central.url message: $(cat "$work/err.txt")"
  rc=0
  "$latedoor" sync --bogus 2>/dev/null || rc=$?
  [ $rc -eq 2 ] || die "unknown option: exit $rc, want 2"
  rc=0
  "$latedoor" sync --once --watch --config "$work/door.ini" 2>"$work/err.txt" || rc=$?
  [ $rc -eq 2 ] || die "--once --watch: exit $rc, want 2"
  grep -q "choose one" "$work/err.txt" || die "--once --watch: $(cat "$work/err.txt")"
  # an idle round says so in one line
  sync_once door || die "an idle round failed"
  "$latedoor" sync --once --config "$work/door.ini" >"$work/out.txt" 2>&1
  [ "$(wc -l <"$work/out.txt")" = 1 ] && grep -q "sync: up to date" "$work/out.txt" ||
    die "an idle round: $(cat "$work/out.txt")"
  "$latedoor" sync status --config "$work/door.ini" >"$work/out.txt" ||
    die "sync status failed"
  grep -q "^last error .*none" "$work/out.txt" && grep -q "^last success .*Z$" "$work/out.txt" ||
    die "sync status: $(cat "$work/out.txt")"

  # A password file others may read: refused, saying so, never printing the password.
  printf 'hunter2-not-real\n' >"$work/open.pass"
  chmod 644 "$work/open.pass"
  sed -e 's|^url = .*|url = postgresql://ld_dev_door@127.0.0.1:1/latedoor|' \
    "$work/door.ini" >"$work/open.ini"
  echo "passfile = $work/open.pass" >>"$work/open.ini"
  rc=0
  "$latedoor" sync --once --config "$work/open.ini" 2>"$work/err.txt" || rc=$?
  [ $rc -eq 1 ] || die "a readable passfile: exit $rc, want 1"
  grep -q "lets others read it" "$work/err.txt" || die "no passfile message: $(cat "$work/err.txt")"
  ! grep -q hunter2 "$work/err.txt" || die "the password was printed"

  # A new kiosk has no calendar file until the centre sends one: sync must run without it.
  mv "$work/door-calendar.ini" "$work/door-calendar.away"
  sync_once door || die "sync needs the calendar file it is meant to bring"
  mv "$work/door-calendar.away" "$work/door-calendar.ini"

  # --watch with an hour between rounds still pushes a new tap at once: it wakes on new events.
  sed -e 's|^interval_s = .*|interval_s = 3600|' "$work/door.ini" >"$work/hourly.ini"
  "$latedoor" sync --watch --config "$work/hourly.ini" >>"$work/door.log" 2>&1 &
  watch_pid=$!
  pids+=("$watch_pid")
  "$tool" fill "$work/door.db" 2
  wait_until 60 no_pending door || die "--watch did not push in its first round"
  "$tool" fill "$work/door.db" 2
  wait_until 60 no_pending door || die "--watch did not wake for new events"
  stop_watch "$watch_pid"

  # A kiosk restored from an old backup reuses seqs with new UUIDs: refused, loudly.
  "$tool" fill "$work/door.db" 5
  "$latedoor" backup "$work/old.db" --config "$work/door.ini" >/dev/null
  "$tool" fill "$work/door.db" 5
  sync_once door || die "the first sync failed"
  cp "$work/old.db" "$work/door.db"
  rm -f "$work/door.db-wal" "$work/door.db-shm"
  "$tool" fill "$work/door.db" 3 # seq 6..8 again, other UUIDs
  rc=0
  "$latedoor" sync --once --config "$work/door.ini" >/dev/null 2>"$work/err.txt" || rc=$?
  [ $rc -eq 3 ] || die "a reused seq: exit $rc, want 3"
  grep -q "CONFLICT: .*REFUSED" "$work/err.txt" || die "no conflict message: $(cat "$work/err.txt")"
  last_error door | grep -q "REFUSED" || die "the status does not say REFUSED"
  "$latedoor" sync status --config "$work/door.ini" >"$work/out.txt" || die "sync status failed"
  grep -q "^what to do .*restored from an old backup.*device add" "$work/out.txt" ||
    die "sync status after a conflict: $(cat "$work/out.txt")"
  # The restored store's cursor was 0: seq 1..5 are duplicates, 6..8 clash, all held back.
  [ "$(pending door)" = 8 ] || die "the cursor moved past refused events"
  echo "faults.sh: conflict refused, exit 3: $(head -c 160 "$work/err.txt")"
  ;;
sigterm)
  # `latedoor sync` ends at once on SIGTERM whatever it waits on: a server that accepts the
  # connection and never answers, and the school's push lock held by a session it cannot end.
  [ "$backend" = pg ] || die "sigterm needs the pg backend"
  make_device door
  "$tool" fill "$work/door.db" 5
  # A server that stops answering: the postmaster stopped (SIGSTOP); the kernel still accepts
  # the connection, nothing answers the startup packet.
  pm=$(head -n 1 "$pgtmp/data/postmaster.pid")
  sed -e "s|^url = .*|&\&connect_timeout=100|" "$work/door.ini" >"$work/mute.ini"
  holder_sql() { # a session (the admin's: no device can be ended) that holds the push lock
    PGPASSWORD=$(head -n 1 "$admin_pass") "$bindir/psql" -X -q -h 127.0.0.1 -p "$port" \
      -U ld_admin -d ldsync -c "SELECT pg_advisory_lock(hashtext('latedoor.events'), hashtext('hb'))" \
      -c "SELECT pg_sleep(120)" >/dev/null 2>&1
  }
  waiting_on_lock() {
    [ "$(PGPASSWORD=$(head -n 1 "$admin_pass") "$bindir/psql" -X -qtA -h 127.0.0.1 -p "$port" \
      -U ld_admin -d ldsync -c "SELECT count(*) FROM pg_stat_activity WHERE usename = 'ld_dev_door' AND query LIKE '%push_lock%' AND state = 'active'")" = 1 ]
  }
  holding() {
    [ "$(PGPASSWORD=$(head -n 1 "$admin_pass") "$bindir/psql" -X -qtA -h 127.0.0.1 -p "$port" \
      -U ld_admin -d ldsync -c "SELECT count(*) FROM pg_locks l JOIN pg_stat_activity a USING (pid) WHERE l.locktype = 'advisory' AND a.usename = 'ld_admin'")" = 1 ]
  }
  holder_sql &
  holder=$!
  pids+=("$holder")
  wait_until 30 holding || die "the admin's session does not hold the push lock"
  for what in lock connect; do
    ini=$work/door.ini
    if [ $what = connect ]; then
      ini=$work/mute.ini
      kill -STOP "$pm"
    fi
    "$latedoor" sync --once --config "$ini" >>"$work/door.log" 2>"$work/err.txt" &
    p=$!
    pids+=("$p")
    if [ $what = lock ]; then
      wait_until 30 waiting_on_lock || die "sync is not waiting on the push lock"
    else
      sleep 1 # connected and waiting for an answer that never comes (connect_timeout=100)
    fi
    kill -0 "$p" 2>/dev/null || die "$what: sync ended before the signal: $(cat "$work/err.txt")"
    kill -TERM "$p"
    # Without the interruption it would wait 100 s (connect) or 20 s (the lock): 10 s is
    # a bound of the product, not of this machine's speed.
    wait_until 10 bash -c "! kill -0 $p 2>/dev/null" || die "$what: sync still running 10 s after SIGTERM"
    rc=0
    wait "$p" || rc=$?
    [ $what = connect ] && kill -CONT "$pm"
    [ $rc -eq 1 ] || die "$what: exit $rc after SIGTERM, want 1 (the round did not finish)"
    grep -q "stopped during the round by a signal" "$work/err.txt" ||
      die "$what: $(cat "$work/err.txt")"
    [ "$(pending door)" = 5 ] || die "$what: something moved"
    echo "faults.sh: $what: $(tail -n 1 "$work/err.txt" | cut -c1-100)"
  done
  kill "$holder" 2>/dev/null || true
  ;;
restore)
  # The central store restored from a backup (docs/deploy.md, "Backing up the central store"):
  # what the devices sent and pulled after the backup is sent and pulled again, once.
  make_device door
  make_device gate
  "$tool" fill "$work/door.db" 200
  "$tool" fill "$work/gate.db" 180
  for d in door gate door; do sync_once $d || die "$d: a round before the backup failed"; done
  backup_central
  "$tool" fill "$work/door.db" 150
  "$tool" fill "$work/gate.db" 120
  for d in door gate door; do sync_once $d || die "$d: a round after the backup failed"; done
  check "$work/door.db" "$work/gate.db" >/dev/null
  restore_central
  for d in gate door gate; do sync_once $d || die "$d: a round after the restore failed"; done
  grep -q "the central store went back: re-sent 120 events" "$work/gate.log" ||
    die "gate did not say what it re-sent"
  grep -q "the central store went back: re-sent 150 events" "$work/door.log" ||
    die "door did not say what it re-sent"
  "$latedoor" sync status --config "$work/door.ini" >"$work/status.txt" ||
    die "sync status failed"
  grep -q "^notice .*went back: re-sent 150 events" "$work/status.txt" ||
    die "sync status does not say: $(cat "$work/status.txt")"
  grep -q "^pending .* 0 own events" "$work/status.txt" || die "status: $(cat "$work/status.txt")"
  echo "faults.sh: $(grep -h 'went back' "$work/door.log" "$work/gate.log" | head -n 2 | cut -c1-120)"
  check "$work/door.db" "$work/gate.db"
  ;;
*)
  die "unknown scenario"
  ;;
esac
echo "faults.sh: $scenario ($backend): passed"
