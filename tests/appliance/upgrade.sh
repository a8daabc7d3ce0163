#!/usr/bin/env bash
# upgrade.sh OLD_PKGDIR NEW_PKGDIR: a school's kiosk through upgrades and removal.
#   1. install version N, edit the config, record arrivals as the service account;
#   2. upgrade to N+1 (NEW_PKGDIR, built by CPack with a higher revision): the edited config
#      is kept, the store is opened (and migrated if its schema is older) by the new binary,
#      and every arrival is still there; a new tap works;
#   3. upgrade to N+2 whose default config changed as well (repacked from N+1): unattended, as
#      apt does with --force-confdef --force-confold, the school's file is kept and the new
#      default lands beside it as school.ini.dpkg-dist;
#   4. a store left by the oldest schema the project shipped opens under the new binary;
#   5. remove: config and store stay; purge: config gone, the store kept (docs/deploy.md).
# Changes the system: CI only (see lib.sh).
here=$(cd "$(dirname "$0")" && pwd)
. "$here/lib.sh"
require_throwaway
old=$(realpath "${1:?usage: upgrade.sh OLD_PKGDIR NEW_PKGDIR}")
new=$(realpath "${2:?usage: upgrade.sh OLD_PKGDIR NEW_PKGDIR}")
fixtures=$(cd "$here/../store/fixtures" && pwd)
work=$(mktemp -d /tmp/ld-upgrade-XXXXXX)
trap 'rm -rf "$work"' EXIT

version() { dpkg-query -W -f='${Version}' "$1"; }
arrivals() { as_latedoor latedoor events --json | grep '"kind":"arrival"'; }

note "1. version N: $(dpkg-deb -f "$(deb_of "$old" latedoor)" Version)"
clean_slate
install_debs -- "$(deb_of "$old" latedoor)" "$(deb_of "$old" latedoor-kiosk)"
v_old=$(version latedoor)
# The school edits its config: its name and a later register close.
sed -i -e 's/^name = Change Me Primary School/name = Upgrade Test Primary School/' \
  -e 's/^am_register_closes = 09:20/am_register_closes = 09:15/' /etc/latedoor/school.ini
grep -q "^name = Upgrade Test Primary School" /etc/latedoor/school.ini || fail "config edit"
cp /etc/latedoor/school.ini "$work/school.ini.edited"
as_latedoor latedoor init >/dev/null || fail "init"
as_latedoor latedoor roster import /usr/share/latedoor/demo/roster.csv >/dev/null || fail "roster"
as_latedoor latedoor tap --uid 0426C73B4940C6 --at 2026-11-23T09:07 >/dev/null || fail "tap 1"
as_latedoor latedoor tap --uid 040FE0B7009DC9 --at 2026-11-23T09:16 | grep -q "U, " ||
  fail "the edited register close (09:15) is not in force: 09:16 should be U"
arrivals > "$work/arrivals.N"
[ "$(wc -l < "$work/arrivals.N")" = 2 ] || fail "expected 2 arrivals, got $(cat "$work/arrivals.N")"

note "2. upgrade to N+1: $(dpkg-deb -f "$(deb_of "$new" latedoor)" Version)"
install_debs -- "$(deb_of "$new" latedoor)" "$(deb_of "$new" latedoor-kiosk)"
v_new=$(version latedoor)
dpkg --compare-versions "$v_new" gt "$v_old" || fail "not an upgrade: $v_old to $v_new"
[ "$(version latedoor-kiosk)" = "$v_new" ] || fail "latedoor-kiosk was not upgraded"
cmp -s /etc/latedoor/school.ini "$work/school.ini.edited" || fail "the upgrade changed school.ini"
[ "$(stat -c '%U %a' /var/lib/latedoor)" = "latedoor 700" ] || fail "/var/lib/latedoor changed"
arrivals > "$work/arrivals.N1" || fail "the new binary cannot read the store"
cmp -s "$work/arrivals.N" "$work/arrivals.N1" || fail "arrivals changed by the upgrade"
as_latedoor latedoor tap --uid 337865A9 --at 2026-11-24T09:01 >/dev/null || fail "tap after upgrade"
[ "$(arrivals | wc -l)" = 3 ] || fail "the tap after the upgrade was not recorded"
if command -v sqlite3 >/dev/null; then
  [ "$(as_latedoor sqlite3 /var/lib/latedoor/device.db 'PRAGMA integrity_check')" = ok ] ||
    fail "integrity_check after the upgrade"
fi

note "3. upgrade to N+2 with a changed default config, unattended"
rm -rf "$work/repack"
mkdir -p "$work/repack"
for p in latedoor latedoor-kiosk; do
  dpkg-deb -R "$(deb_of "$new" "$p")" "$work/repack/$p"
  sed -i "s/^Version: .*/Version: ${v_new}+n2/; s/^Depends: latedoor (= [^)]*)/Depends: latedoor (= ${v_new}+n2)/" \
    "$work/repack/$p/DEBIAN/control"
done
echo "; a comment the next release added" >> "$work/repack/latedoor/etc/latedoor/school.ini"
(cd "$work/repack/latedoor" && find etc usr lib -type f -exec md5sum {} + > DEBIAN/md5sums)
mkdir -p "$work/n2"
for p in latedoor latedoor-kiosk; do
  dpkg-deb --root-owner-group -b "$work/repack/$p" "$work/n2/${p}_n2.deb" >/dev/null
done
install_debs -o Dpkg::Options::=--force-confdef -o Dpkg::Options::=--force-confold -- \
  "$work/n2/latedoor_n2.deb" "$work/n2/latedoor-kiosk_n2.deb"
[ "$(version latedoor)" = "${v_new}+n2" ] || fail "N+2 not installed"
cmp -s /etc/latedoor/school.ini "$work/school.ini.edited" || fail "N+2 overwrote the school's config"
grep -q "a comment the next release added" /etc/latedoor/school.ini.dpkg-dist ||
  fail "the new default config is not beside it as school.ini.dpkg-dist"
[ "$(arrivals | wc -l)" = 3 ] || fail "arrivals lost in the N+2 upgrade"

note "4. a store of the oldest shipped schema opens under the new binary"
oldest=$(ls "$fixtures"/schema-v*.sql | sort -V | head -1)
if command -v sqlite3 >/dev/null && [ -n "$oldest" ]; then
  as_latedoor sqlite3 /var/lib/latedoor/old.db < "$oldest"
  v_before=$(as_latedoor sqlite3 /var/lib/latedoor/old.db 'PRAGMA user_version')
  sed "s|^store = .*|store = /var/lib/latedoor/old.db|; s|^calendar = .*|calendar = /etc/latedoor/calendar.ini|" \
    /etc/latedoor/school.ini > "$work/old.ini"
  chmod 644 "$work/old.ini"
  chmod 755 "$work"
  out=$(as_latedoor latedoor events --json --config "$work/old.ini") || fail "old store: $out"
  echo "$out" | grep -q '"kind":"arrival"' || fail "the old store's arrival is missing: $out"
  v_after=$(as_latedoor sqlite3 /var/lib/latedoor/old.db 'PRAGMA user_version')
  [ "$v_after" -ge "$v_before" ] || fail "schema version went down: $v_before to $v_after"
  echo "   $(basename "$oldest"): schema $v_before opened as $v_after, its arrival kept"
  rm -f /var/lib/latedoor/old.db*
fi

note "5. remove, then purge"
apt_quiet remove latedoor-kiosk latedoor
[ ! -e /usr/bin/latedoor ] && [ ! -e /usr/bin/latedoor-kiosk ] || fail "binaries left after remove"
[ -f /etc/latedoor/school.ini ] || fail "remove deleted the config"
[ -f /var/lib/latedoor/device.db ] || fail "remove deleted the store"
msg=$(DEBIAN_FRONTEND=noninteractive dpkg --purge latedoor-kiosk latedoor 2>&1) || fail "purge: $msg"
[ ! -e /etc/latedoor ] || fail "purge left /etc/latedoor"
[ ! -e /lib/systemd/system/latedoor-kiosk.service ] || fail "purge left the kiosk unit"
[ ! -e /etc/systemd/system/multi-user.target.wants/latedoor-kiosk.service ] ||
  fail "purge left the kiosk enabled"
[ ! -e /etc/modprobe.d/latedoor-nfc-blacklist.conf ] || fail "purge left the blacklist"
[ -f /var/lib/latedoor/device.db ] || fail "purge deleted the attendance store"
echo "$msg" | grep -q "kept /var/lib/latedoor" || fail "purge did not say it kept the store: $msg"
id latedoor >/dev/null || fail "purge removed the account (system accounts stay)"
rm -rf /var/lib/latedoor
echo "upgrade: all checks passed"
