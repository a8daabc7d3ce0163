#!/usr/bin/env bash
# full_disk.sh LATEDOOR ASSETS: a store on a disk that is full says the disk is full (issue 12),
# at open as at a write, and records nothing. The disk is a 2 MB tmpfs in a private mount
# namespace (unshare -rm: no root needed where user namespaces are allowed; skipped otherwise).
set -u
bin=$1
assets=$2
if [ "${LD_IN_NS:-}" != 1 ]; then
  if ! unshare -rm true 2>/dev/null; then
    echo "full_disk: cannot make a private mount namespace here: skipped"
    exit 77
  fi
  exec env LD_IN_NS=1 unshare -rm bash "$0" "$@"
fi
fail() { echo "FAIL: $*" >&2; exit 1; }
dir=$(mktemp -d /tmp/ld-full-XXXXXX)
trap 'umount "$dir" 2>/dev/null; rm -rf "$dir"' EXIT
mount -t tmpfs -o size=2m tmpfs "$dir" || fail "mount a tmpfs"
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
run() { "$bin" "$@" --config "$dir/school.ini"; }
run init > /dev/null || fail "init"
run roster import "$assets/roster.csv" > /dev/null || fail "roster import"
dd if=/dev/zero of="$dir/fill" bs=4k 2>/dev/null # fills the disk; dd then says so
for cmd in "events" "tap --upn C873214726123 --at 2026-11-23T09:07"; do
  out=$(run $cmd 2>&1) && fail "$cmd worked on a full disk: $out"
  echo "$out" | grep -q "the disk is full" || fail "$cmd should say the disk is full: $out"
  echo "$out" | grep -qi "integrity check: disk I/O error" && fail "$cmd: $out"
done
rm -f "$dir/fill"
[ "$(run events --json | wc -l)" = 0 ] || fail "something was recorded on the full disk"
echo "full disk: 1 passed, 0 failed"
