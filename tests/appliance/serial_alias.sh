#!/usr/bin/env bash
# serial_alias.sh HELPER: the udev helper that names /dev/serial0 (packaging/udev/serial-alias),
# against fake /sys trees of a Pi whose serial0 is the PL011 (ttyAMA0) or the mini UART (ttyS0).
set -euo pipefail
helper=${1:?usage: serial_alias.sh HELPER}
fail() { echo "FAIL: $*" >&2; exit 1; }
sys=$(mktemp -d /tmp/ld-sysfs-XXXXXX)
trap 'rm -rf "$sys"' EXIT

# A fake sysfs: two UARTs in the device tree, serial0 and serial1 aliases as NUL-ended paths.
dt=$sys/firmware/devicetree/base
mkdir -p "$dt/aliases" "$dt/soc/serial@7e201000" "$dt/soc/serial@7e215040"
for tty in ttyAMA0:serial@7e201000 ttyS0:serial@7e215040 ttyUSB0:; do
  name=${tty%%:*} node=${tty#*:}
  mkdir -p "$sys/class/tty/$name/device"
  [ -n "$node" ] && ln -s "$dt/soc/$node" "$sys/class/tty/$name/device/of_node"
done
alias_to() { printf '/soc/%s\0' "$2" > "$dt/aliases/$1"; }
run() { LD_SYSFS=$sys "$helper" "$1"; }

# Bluetooth on the PL011: serial0 is the mini UART (Pi 3 and 4 by default).
alias_to serial0 serial@7e215040
alias_to serial1 serial@7e201000
[ "$(run ttyS0)" = serial0 ] || fail "ttyS0 should be serial0"
[ "$(run ttyAMA0)" = serial1 ] || fail "ttyAMA0 should be serial1"

# dtoverlay=disable-bt: the PL011 is serial0.
alias_to serial0 serial@7e201000
alias_to serial1 serial@7e215040
[ "$(run ttyAMA0)" = serial0 ] || fail "ttyAMA0 should be serial0 with disable-bt"

# A USB serial adapter has no device-tree node; a name with a slash is refused.
if out=$(run ttyUSB0); then fail "ttyUSB0 got an alias: $out"; fi
if out=$(run ../../etc); then fail "a path was accepted: $out"; fi
# No aliases at all (not a Pi): nothing.
rm "$dt/aliases/serial0" "$dt/aliases/serial1"
if out=$(run ttyAMA0); then fail "an alias without a device tree: $out"; fi
echo "serial-alias: 6 cases passed"
