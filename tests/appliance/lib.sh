# lib.sh: shared by the package tests (install.sh, upgrade.sh). They install .debs on this
# machine, as root: CI's throwaway machine, or a test box. Sourced, not run.
set -euo pipefail

fail() { echo "FAIL: $*" >&2; exit 1; }
note() { echo "-- $*"; }

# The tests change the system (packages, an account, /etc, /var/lib): only where asked to.
require_throwaway() {
  if [ "${CI:-}" != true ] && [ "${LD_APPLIANCE_TESTS:-}" != 1 ]; then
    echo "SKIP: the package tests install latedoor on this machine and delete /etc/latedoor and"
    echo "      /var/lib/latedoor; they run in CI (CI=true), or with LD_APPLIANCE_TESTS=1"
    exit 77
  fi
  [ "$(id -u)" = 0 ] || fail "the package tests install packages: run them as root"
}

apt_quiet() { DEBIAN_FRONTEND=noninteractive apt-get -q -y "$@" >/tmp/ld-appl-apt.log 2>&1 ||
  { cat /tmp/ld-appl-apt.log >&2; fail "apt-get $*"; }; }

# Removes any latedoor package and everything it left, for a clean start.
clean_slate() {
  local installed=()
  for p in latedoor-kiosk latedoor; do
    dpkg-query -W -f='${db:Status-Abbrev}' "$p" 2>/dev/null | grep -q '^[ir]' && installed+=("$p")
  done
  if [ ${#installed[@]} -gt 0 ]; then
    DEBIAN_FRONTEND=noninteractive dpkg --purge "${installed[@]}" >/dev/null 2>&1 || true
  fi
  rm -rf /etc/latedoor /var/lib/latedoor /run/latedoor-test
}

# Installs .deb files (paths) with apt, which brings their dependencies. Extra apt options may
# come first, up to "--".
install_debs() {
  local opts=()
  while [ $# -gt 0 ] && [ "$1" != -- ]; do opts+=("$1"); shift; done
  [ $# -gt 0 ] && shift
  apt_quiet "${opts[@]}" install "$@"
}

# Runs the installed `latedoor` as the service account, as the units do.
as_latedoor() { runuser -u latedoor -- "$@"; }

deb_of() { # deb_of DIR NAME: the one NAME_*.deb in DIR
  local f
  f=$(ls "$1"/"$2"_*.deb 2>/dev/null | head -1)
  [ -n "$f" ] || fail "no $2 package in $1"
  echo "$f"
}
