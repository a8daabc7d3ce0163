#!/usr/bin/env bash
# Runs every latedoor test. Installs what is missing, then:
#   1. builds with gcc and runs the whole suite           (build/)
#   2. builds with gcc under ASan+UBSan and runs it again (build-asan/)
#   3. builds with clang (warnings are errors)            (build-clang/), and with gcc in
#      release mode as bench/run.sh does                  (build-release/)
#   4. checks the C format with clang-format
#   5. runs each fuzz target for a short time (clang, libFuzzer)
#   6. builds the Debian packages from build/ and installs them here: units, a tap as the
#      service user, an upgrade, purge (tests/appliance/; in CI only: they change the system)
#   7. cross-builds for the Raspberry Pi (arm64) and runs the tests under qemu-user, then
#      makes and checks the arm64 packages (.ci/cross.sh; build-arm64/)
# `tests/run.sh quick` does step 1 only.
set -euo pipefail
cd "$(dirname "$0")/.."
bash .ci/deps.sh

mode=${1:-all}
jobs=$(nproc)
export CTEST_OUTPUT_ON_FAILURE=1

step() { printf '\n=== %s\n' "$*"; }

step "gcc build and tests"
cmake -S . -B build -DCMAKE_C_COMPILER=gcc >/dev/null
cmake --build build -j"$jobs"
ctest --test-dir build -j"$jobs" --timeout 600

[ "$mode" = quick ] && exit 0

step "gcc + AddressSanitizer + UndefinedBehaviorSanitizer"
cmake -S . -B build-asan -DCMAKE_C_COMPILER=gcc -DLD_SANITIZE=ON -DCMAKE_BUILD_TYPE=Debug >/dev/null
cmake --build build-asan -j"$jobs"
ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1 \
  ctest --test-dir build-asan -j"$jobs" --timeout 900

step "clang build"
cmake -S . -B build-clang -DCMAKE_C_COMPILER=clang -DBUILD_TESTING=ON >/dev/null
cmake --build build-clang -j"$jobs"

step "release build (bench/run.sh's: -O2 finds warnings -O0 does not)"
cmake -S . -B build-release -DCMAKE_C_COMPILER=gcc -DCMAKE_BUILD_TYPE=Release >/dev/null
cmake --build build-release -j"$jobs"

step "format check"
git ls-files '*.c' '*.h' | xargs clang-format --dry-run -Werror

step "fuzzing (short runs)"
cmake -S . -B build-fuzz -DCMAKE_C_COMPILER=clang -DLD_FUZZ=ON -DBUILD_TESTING=ON >/dev/null
cmake --build build-fuzz -j"$jobs" --target fuzz_all
ctest --test-dir build-fuzz -L fuzz --timeout 600

step "Debian packages: install, units, a tap as the service user, upgrade, purge"
# Version N and N+1 of the same build (revision 1 and 2, docs/deploy.md).
rm -rf build-debs && mkdir -p build-debs/N build-debs/N1
bash .ci/debs.sh build 1 | xargs cp -t build-debs/N
bash .ci/debs.sh build 2 | xargs cp -t build-debs/N1
appliance_test() { # exit 77 is a skip: outside CI the package tests do not touch the machine
  local rc=0
  bash "$@" || rc=$?
  [ "$rc" = 0 ] || [ "$rc" = 77 ] || exit "$rc"
}
appliance_test tests/appliance/install.sh build-debs/N
appliance_test tests/appliance/upgrade.sh build-debs/N build-debs/N1

step "aarch64 (Raspberry Pi OS bookworm, 64-bit): cross build, tests under qemu-user, packages"
bash .ci/cross.sh build-arm64 build-arm64-sysroot
bash .ci/debs.sh build-arm64 1 >/dev/null
bash tests/appliance/arm64_debs.sh build-arm64/packages build-arm64-sysroot build-debs/N

step "all test runs passed"
