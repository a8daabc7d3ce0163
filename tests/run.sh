#!/usr/bin/env bash
# Runs every latedoor test. Installs what is missing, then:
#   1. builds with gcc and runs the whole suite           (build/)
#   2. builds with gcc under ASan+UBSan and runs it again (build-asan/)
#   3. builds with clang (warnings are errors)            (build-clang/)
#   4. checks the C format with clang-format
#   5. runs each fuzz target for a short time (clang, libFuzzer)
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

step "format check"
git ls-files '*.c' '*.h' | xargs clang-format --dry-run -Werror

step "fuzzing (short runs)"
cmake -S . -B build-fuzz -DCMAKE_C_COMPILER=clang -DLD_FUZZ=ON -DBUILD_TESTING=ON >/dev/null
cmake --build build-fuzz -j"$jobs" --target fuzz_all
ctest --test-dir build-fuzz -L fuzz --timeout 600

step "all test runs passed"
