#!/usr/bin/env bash
# pg_harness.sh: a throwaway PostgreSQL for the central-store tests and the bench. It listens on
# 127.0.0.1 (a free port) and a socket directory of its own, runs as a non-root user (the
# `postgres` system user, or LD_PG_USER, when started as root), and leaves nothing behind.
#
#   pg_harness.sh start STATE_DIR   start a server; write STATE_DIR/pg.info (key=value lines)
#   pg_harness.sh stop STATE_DIR    stop it and remove its files (a no-op when none runs)
#   pg_harness.sh run -- CMD ARGS   start one, run CMD with LD_PG_INFO set, stop it on any exit
#
# pg.info gives host, port, socket, the superuser and the admin role (LOGIN CREATEROLE CREATEDB,
# not superuser, as a real deployment's admin) with their 0600 password files, and, when openssl
# is there, the CA that signed the server's certificate (ssl=on; CN and SAN localhost,
# 127.0.0.1), an unrelated CA for the "wrong CA" test, and a kiosk CA (key included) whose client
# certificates members of the role ld_cert_login must log in with (pg_hba "cert", no password).
#
# Without PostgreSQL's server binaries: with CI=true, start fails; otherwise it writes
# skip=REASON into pg.info and exits 77, and the tests that read it skip with that reason.
# LD_PG_DURABLE=1 keeps fsync and synchronous_commit on (the bench); the tests turn them off.
set -euo pipefail

pg_user=${LD_PG_USER:-postgres}

die() {
  echo "pg_harness: $*" >&2
  exit 1
}

find_bindir() {
  if [ -n "${LD_PG_BINDIR:-}" ]; then
    [ -x "$LD_PG_BINDIR/initdb" ] && echo "$LD_PG_BINDIR" && return 0
    return 1
  fi
  local d
  for d in $(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V -r); do
    if [ -x "$d/initdb" ] && [ -x "$d/pg_ctl" ] && [ -x "$d/postgres" ]; then
      echo "$d"
      return 0
    fi
  done
  if command -v initdb >/dev/null 2>&1 && command -v pg_ctl >/dev/null 2>&1; then
    dirname "$(command -v pg_ctl)"
    return 0
  fi
  return 1
}

# Runs a command as the server's user: pg_user when we are root, else ourselves.
as_pg() {
  if [ "$(id -u)" -eq 0 ]; then
    runuser -u "$pg_user" -- "$@"
  else
    "$@"
  fi
}

info_get() { # FILE KEY
  sed -n "s/^$2=//p" "$1" | head -n 1
}

random_password() {
  head -c 32 /dev/urandom | base64 | tr -dc 'A-Za-z0-9' | head -c 32
}

make_tls() { # DIR: a CA, a server certificate signed by it, and an unrelated CA
  local dir=$1
  command -v openssl >/dev/null 2>&1 || return 1
  (
    cd "$dir"
    local ec=(-newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes)
    openssl req -x509 "${ec[@]}" -days 2 -subj "/CN=latedoor test CA" \
      -keyout ca.key -out ca.crt
    openssl req -x509 "${ec[@]}" -days 2 -subj "/CN=latedoor other CA" \
      -keyout other-ca.key -out other-ca.crt
    openssl req "${ec[@]}" -subj "/CN=localhost" -keyout server.key -out server.csr
    printf 'subjectAltName=DNS:localhost,IP:127.0.0.1\n' >san.ext
    openssl x509 -req -in server.csr -CA ca.crt -CAkey ca.key -CAcreateserial -days 2 \
      -extfile san.ext -out server.crt
    chmod 600 server.key
    # the CA that signs kiosks' client certificates (pg_hba "cert" for members of ld_cert_login)
    openssl req -x509 "${ec[@]}" -days 2 -subj "/CN=latedoor test kiosk CA" \
      -keyout kiosk-ca.key -out kiosk-ca.crt
  ) >/dev/null 2>&1
}

cmd_stop() {
  local state=$1 info="$1/pg.info"
  [ -f "$info" ] || return 0
  local tmp bindir
  tmp=$(info_get "$info" tmp)
  bindir=$(info_get "$info" bindir)
  if [ -n "$tmp" ] && [ -d "$tmp/data" ] && [ -n "$bindir" ]; then
    as_pg "$bindir/pg_ctl" -D "$tmp/data" -m fast -w -t 30 stop >/dev/null 2>&1 ||
      as_pg "$bindir/pg_ctl" -D "$tmp/data" -m immediate -w -t 30 stop >/dev/null 2>&1 || true
  fi
  case "$tmp" in
  /tmp/ld-pg.*) rm -rf "$tmp" ;;
  esac
  rm -f "$info" "$state/super.pass" "$state/admin.pass" "$state/ca.crt" "$state/other-ca.crt" \
    "$state/kiosk-ca.crt" "$state/kiosk-ca.key"
}

cmd_start() {
  local state=$1
  mkdir -p "$state"
  chmod 700 "$state"
  cmd_stop "$state" # a server left by an aborted run
  # not local: the clean-up trap below needs them
  info="$state/pg.info"
  if ! bindir=$(find_bindir); then
    if [ "${CI:-}" = true ]; then
      die "PostgreSQL server binaries not found (initdb, pg_ctl): install the postgresql package"
    fi
    echo "skip=PostgreSQL server binaries not found (apt-get install postgresql)" >"$info"
    echo "pg_harness: PostgreSQL not found: the PostgreSQL tests will be skipped" >&2
    exit 77
  fi
  if [ "$(id -u)" -eq 0 ] && ! id -u "$pg_user" >/dev/null 2>&1; then
    die "running as root needs a non-root user for the server: no user $pg_user (set LD_PG_USER)"
  fi

  tmp=$(mktemp -d /tmp/ld-pg.XXXXXX)
  # Remove the half-made server if anything below fails.
  trap 'rc=$?; if [ $rc -ne 0 ]; then [ -f "$tmp/server.log" ] && tail -n 20 "$tmp/server.log" >&2; as_pg "$bindir/pg_ctl" -D "$tmp/data" -m immediate stop >/dev/null 2>&1 || true; rm -rf "$tmp"; rm -f "$info"; fi' EXIT
  chmod 700 "$tmp"
  if [ "$(id -u)" -eq 0 ]; then chown "$pg_user" "$tmp"; fi

  local super_pw admin_pw
  super_pw=$(random_password)
  admin_pw=$(random_password)
  (umask 077 && printf '%s\n' "$super_pw" >"$tmp/initpw")
  if [ "$(id -u)" -eq 0 ]; then chown "$pg_user" "$tmp/initpw"; fi
  as_pg "$bindir/initdb" -D "$tmp/data" -U ld_super -A scram-sha-256 --pwfile="$tmp/initpw" \
    -E UTF8 --locale=C --no-sync >"$tmp/initdb.log" 2>&1 ||
    { cat "$tmp/initdb.log" >&2; die "initdb failed"; }
  rm -f "$tmp/initpw"
  as_pg mkdir -m 755 "$tmp/sock"

  local ssl_opts="" have_tls=0
  if mkdir "$tmp/tls" && make_tls "$tmp/tls"; then
    have_tls=1
    if [ "$(id -u)" -eq 0 ]; then chown -R "$pg_user" "$tmp/tls"; fi
    ssl_opts="-c ssl=on -c ssl_cert_file=$tmp/tls/server.crt -c ssl_key_file=$tmp/tls/server.key"
    ssl_opts="$ssl_opts -c ssl_ca_file=$tmp/tls/kiosk-ca.crt"
    # Members of ld_cert_login log in by client certificate only, as docs/deploy.md recommends
    # for kiosks; everyone else by password, as before. The admin and superuser lines come
    # first: the admin is a member of every device role (to end their sessions), so "+group"
    # lines would match it too.
    {
      printf 'host all ld_admin,ld_super all scram-sha-256\n'
      printf 'hostssl all +ld_cert_login 127.0.0.1/32 cert\nhost all +ld_cert_login all reject\n'
      cat "$tmp/data/pg_hba.conf"
    } >"$tmp/hba.new"
    as_pg cp "$tmp/hba.new" "$tmp/data/pg_hba.conf"
  fi
  local durability="-c fsync=off -c synchronous_commit=off -c full_page_writes=off"
  if [ "${LD_PG_DURABLE:-0}" = 1 ]; then durability=""; fi

  local port="" try
  for try in 1 2 3 4 5 6 7 8 9 10; do
    port=$((20000 + RANDOM % 40000))
    if as_pg "$bindir/pg_ctl" -D "$tmp/data" -l "$tmp/server.log" -w -t 60 -o \
      "-k $tmp/sock -c listen_addresses=127.0.0.1 -p $port $durability $ssl_opts" \
      start >/dev/null 2>&1; then
      break
    fi
    grep -q "could not bind\|could not create listen socket\|already in use" \
      "$tmp/server.log" 2>/dev/null || die "the server did not start"
    port=""
  done
  [ -n "$port" ] || die "no free port found"

  # The admin a real deployment would have: not a superuser, so row-level security applies.
  PGPASSWORD=$super_pw "$bindir/psql" -X -q -v ON_ERROR_STOP=1 -h "$tmp/sock" -p "$port" \
    -U ld_super -d postgres -v pw="$admin_pw" >/dev/null <<'SQL'
CREATE ROLE ld_admin LOGIN CREATEROLE CREATEDB PASSWORD :'pw';
CREATE ROLE ld_cert_login NOLOGIN;
SQL

  (
    umask 077
    printf '%s\n' "$super_pw" >"$state/super.pass"
    printf '%s\n' "$admin_pw" >"$state/admin.pass"
  )
  local ca="" other="" kca="" kkey=""
  if [ $have_tls = 1 ]; then
    cp "$tmp/tls/ca.crt" "$state/ca.crt"
    cp "$tmp/tls/other-ca.crt" "$state/other-ca.crt"
    (umask 077 && cp "$tmp/tls/kiosk-ca.crt" "$tmp/tls/kiosk-ca.key" "$state/")
    ca="$state/ca.crt"
    other="$state/other-ca.crt"
    kca="$state/kiosk-ca.crt"
    kkey="$state/kiosk-ca.key"
  fi
  cat >"$info" <<EOF
host=127.0.0.1
port=$port
socket=$tmp/sock
super=ld_super
super_passfile=$state/super.pass
admin=ld_admin
admin_passfile=$state/admin.pass
sslrootcert=$ca
other_ca=$other
kiosk_ca=$kca
kiosk_ca_key=$kkey
tmp=$tmp
bindir=$bindir
EOF
  chmod 600 "$info"
  trap - EXIT
  echo "pg_harness: PostgreSQL $("$bindir/postgres" --version | awk '{print $3}') on 127.0.0.1:$port and $tmp/sock (tls: $([ $have_tls = 1 ] && echo on || echo off))"
}

cmd_run() {
  local rc=0
  run_state=$(mktemp -d /tmp/ld-pg-state.XXXXXX)
  # start in a subshell: its own clean-up trap must not replace ours
  (cmd_start "$run_state") || {
    rc=$?
    rm -rf "$run_state"
    exit $rc
  }
  trap 'cmd_stop "$run_state"; rm -rf "$run_state"' EXIT
  LD_PG_INFO="$run_state/pg.info" "$@" || rc=$?
  exit $rc
}

case "${1:-}" in
start)
  [ $# -eq 2 ] || die "usage: pg_harness.sh start STATE_DIR"
  cmd_start "$2"
  ;;
stop)
  [ $# -eq 2 ] || die "usage: pg_harness.sh stop STATE_DIR"
  cmd_stop "$2"
  ;;
run)
  shift
  [ "${1:-}" = -- ] && shift
  [ $# -ge 1 ] || die "usage: pg_harness.sh run -- CMD [ARGS]"
  cmd_run "$@"
  ;;
*)
  die "usage: pg_harness.sh start|stop STATE_DIR, or run -- CMD [ARGS]"
  ;;
esac
