#!/usr/bin/env bash
# sysroot.sh DIR: makes an arm64 (Raspberry Pi OS bookworm, 64-bit) sysroot in DIR from Debian's
# arm64 packages, for the cross build (cmake/aarch64-linux-gnu.cmake) and for qemu-user.
#
# The host's dpkg is not touched: a private apt (its own state, cache and an empty status file,
# APT::Architecture=arm64) reads the host's apt sources, resolves the build dependencies with
# their whole dependency closure, downloads them, and `dpkg-deb -x` unpacks each into DIR.
# libnfc-dev:arm64 and libpq-dev:arm64 cannot be installed beside their amd64 twins through
# multiarch; here nothing is installed, so that question never comes up. docs/cross.md explains.
# A stamp records the package list: run again, it does nothing unless the list changed.
set -euo pipefail
dir=${1:?usage: sysroot.sh DIR}

# The arm64 -dev packages the build links against (the same list as .ci/deps.sh, arm64 side).
packages=(
  libc6-dev libcmocka-dev libcjson-dev libcsv-dev libinih-dev libnfc-dev libsodium-dev uuid-dev
  libsqlite3-dev libsdl2-dev libsdl2-ttf-dev libsdl2-image-dev libpng-dev libpq-dev libsystemd-dev
  libmicrohttpd-dev libgnutls28-dev
)

stamp="$dir/.latedoor-sysroot"
want="bookworm arm64: ${packages[*]}"
if [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$want" ]; then
  echo "sysroot: $dir is up to date"
  exit 0
fi

apt_dir="$dir.apt"
rm -rf "$dir" "$apt_dir"
mkdir -p "$apt_dir/state/lists/partial" "$apt_dir/cache/archives/partial" "$dir"
: > "$apt_dir/state/status"
apt_opts=(
  -o APT::Architecture=arm64 -o "APT::Architectures::=arm64"
  -o "Dir::State=$apt_dir/state" -o "Dir::State::status=$apt_dir/state/status"
  -o "Dir::Cache=$apt_dir/cache" -o Dir::Etc::SourceList=/dev/null
  -o Dir::Etc::SourceParts=/etc/apt/sources.list.d
  -o Dir::Etc::Preferences=/dev/null -o Dir::Etc::PreferencesParts=/dev/null
  -o Debug::NoLocking=1 -q
)
# A host whose sources are all in /etc/apt/sources.list (older installs) uses that file.
if [ -s /etc/apt/sources.list ] && grep -q '^deb ' /etc/apt/sources.list; then
  apt_opts+=(-o Dir::Etc::SourceList=/etc/apt/sources.list)
fi

echo "sysroot: resolving and downloading arm64 packages into $apt_dir"
apt-get "${apt_opts[@]}" update >/dev/null
apt-get "${apt_opts[@]}" install -y -d --no-install-recommends "${packages[@]}" >"$apt_dir/download.log"
debs=("$apt_dir"/cache/archives/*.deb)
echo "sysroot: unpacking ${#debs[@]} packages into $dir"
for deb in "${debs[@]}"; do
  dpkg-deb -x "$deb" "$dir"
done

# Absolute symlinks (libz.so -> /lib/aarch64-linux-gnu/libz.so.1) would point into the host:
# make them relative, inside the sysroot.
while IFS= read -r -d '' link; do
  target=$(readlink "$link")
  ln -sfn "$(realpath -m --relative-to="$(dirname "$link")" "$dir$target")" "$link"
done < <(find "$dir" -type l -lname '/*' -print0)

# The linker looks for the libraries that shared libraries need through the sysroot's
# ld.so.conf; libc6 ships only the ld.so.conf.d part.
printf 'include /etc/ld.so.conf.d/*.conf\n' > "$dir/etc/ld.so.conf"

rm -rf "$apt_dir/cache/archives"
echo "$want" > "$stamp"
echo "sysroot: ready ($(du -sh "$dir" | cut -f1))"
