#!/usr/bin/env bash
# cross.sh: builds latedoor for a 64-bit Raspberry Pi (arm64, bookworm) and runs the tests under
# qemu-user. docs/cross.md explains the choices. Called by tests/run.sh; runs alone too:
#   .ci/cross.sh [BUILD_DIR [SYSROOT]]     (defaults: build-arm64/, build-arm64-sysroot/)
# Then `.ci/debs.sh BUILD_DIR` makes the arm64 packages a Pi installs.
set -euo pipefail
cd "$(dirname "$0")/.."
build=${1:-build-arm64}
sysroot=$(realpath -m "${2:-build-arm64-sysroot}")
jobs=$(nproc)

# The host side: the cross compiler and qemu-user (binfmt-support registers it with the kernel).
host_packages=(gcc-aarch64-linux-gnu libc6-dev-arm64-cross qemu-user-static binfmt-support)
missing=()
for p in "${host_packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  sudo=()
  [ "$(id -u)" -eq 0 ] || sudo=(sudo)
  echo "cross: installing ${missing[*]}"
  "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get update -q >/dev/null
  "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends \
    "${missing[@]}" >/dev/null
fi

bash .ci/sysroot.sh "$sysroot"

# ctest starts each test binary through qemu (CMAKE_CROSSCOMPILING_EMULATOR). Tests that start
# other programs (the contract checker runs `latedoor`, cli_e2e.sh runs it from bash) need the
# kernel to hand arm64 binaries to qemu itself: binfmt_misc. A container may not allow that; then
# those tests are left out and the run says so.
binfmt=no
if [ -d /proc/sys/fs/binfmt_misc ]; then
  if [ ! -e /proc/sys/fs/binfmt_misc/status ]; then
    mount -t binfmt_misc binfmt_misc /proc/sys/fs/binfmt_misc 2>/dev/null || true
  fi
  if [ -e /proc/sys/fs/binfmt_misc/status ]; then
    update-binfmts --enable qemu-aarch64 >/dev/null 2>&1 || true
    [ -e /proc/sys/fs/binfmt_misc/qemu-aarch64 ] && binfmt=yes
  fi
fi
export QEMU_LD_PREFIX=$sysroot # the sysroot is / for arm64 programs started through binfmt

cmake -S . -B "$build" -DCMAKE_TOOLCHAIN_FILE="$PWD/cmake/aarch64-linux-gnu.cmake" \
  -DLD_SYSROOT="$sysroot" -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
cmake --build "$build" -j"$jobs"
file "$build/bin/latedoor" "$build/bin/latedoor-kiosk" | sed "s|$PWD/||"
"${LD_QEMU:-qemu-aarch64-static}" -L "$sysroot" "$build/bin/latedoor" --version

# The unit, store, device, reader and kiosk tests (the kiosk's screenshots against the same
# goldens, software renderer). Left out: test_store_powercut, whose check that "enough appends
# were acknowledged before the kills" assumes native speed (under qemu far fewer complete in its
# kill window; nothing in it is wrong for arm64), and the central store's PostgreSQL tests
# (label postgresql: the harness would start the host's server; its SQLite twins do run).
exclude=test_store_powercut
if [ "$binfmt" = no ]; then
  echo "cross: binfmt_misc is not available here: the tests that start latedoor from another"
  echo "       program (contract_*, cli_end_to_end, appliance_kiosk_notify) are left out"
  exclude="$exclude|^contract_|cli_end_to_end|appliance_kiosk_notify"
fi
ctest --test-dir "$build" -j"$jobs" --timeout 900 \
  -L 'core|contract|store|config|clock|device|readers|kiosk|central|appliance' -LE postgresql \
  -E "$exclude"
