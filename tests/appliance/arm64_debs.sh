#!/usr/bin/env bash
# arm64_debs.sh PKGDIR SYSROOT [AMD64_PKGDIR]: the packages for the Pi, made by the cross build,
# hold arm64 binaries that run (under qemu-user, with the sysroot) and declare the same Depends
# as the native packages that tests/appliance/install.sh checks against the loaded libraries.
set -euo pipefail
pkgdir=${1:?usage: arm64_debs.sh PKGDIR SYSROOT [AMD64_PKGDIR]}
sysroot=${2:?usage: arm64_debs.sh PKGDIR SYSROOT [AMD64_PKGDIR]}
native=${3:-}
fail() { echo "FAIL: $*" >&2; exit 1; }
dir=$(mktemp -d /tmp/ld-arm64-debs-XXXXXX)
trap 'rm -rf "$dir"' EXIT
for p in latedoor latedoor-kiosk; do
  deb=$(ls "$pkgdir"/${p}_*_arm64.deb 2>/dev/null | head -1)
  [ -n "$deb" ] || fail "no arm64 $p package in $pkgdir"
  [ "$(dpkg-deb -f "$deb" Architecture)" = arm64 ] || fail "$deb is not arm64"
  dpkg-deb -x "$deb" "$dir/$p"
  bin=$dir/$p/usr/bin/$p
  file -b "$bin" | grep -q "ARM aarch64" || fail "$bin: $(file -b "$bin")"
  out=$(qemu-aarch64-static -L "$sysroot" "$bin" --version) || fail "$bin --version under qemu"
  [ "$out" = "$p $(dpkg-deb -f "$deb" Version | sed 's/-[^-]*$//')" ] || fail "$bin --version: $out"
  if [ -n "$native" ]; then
    amd=$(ls "$native"/${p}_*.deb | head -1)
    [ "$(dpkg-deb -f "$deb" Depends)" = "$(dpkg-deb -f "$amd" Depends)" ] ||
      fail "$p: arm64 and native Depends differ"
  fi
  echo "$(basename "$deb"): $out, $(du -h "$deb" | cut -f1)"
done
echo "arm64 packages: all checks passed"
