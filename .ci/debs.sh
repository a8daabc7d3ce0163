#!/usr/bin/env bash
# debs.sh BUILD_DIR [RELEASE]: makes the Debian packages of a configured and built tree with
# CPack (cmake/packaging.cmake): BUILD_DIR/packages/latedoor{,-kiosk}_VERSION-RELEASE_ARCH.deb.
# RELEASE (default 1) is the Debian revision; the upgrade test builds 1 and then 2. Prints the
# paths of the packages it made, one a line, on stdout.
set -euo pipefail
build=${1:?usage: debs.sh BUILD_DIR [RELEASE]}
release=${2:-1}
cmake -DLD_DEB_RELEASE="$release" "$build" >/dev/null
rm -rf "$build/packages"
(cd "$build" && cpack -G DEB >/dev/null)
for deb in "$build"/packages/*.deb; do
  realpath "$deb"
done
