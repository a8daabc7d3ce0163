#!/usr/bin/env bash
# Builds in release mode and runs every benchmark, printing their figures.
set -euo pipefail
cd "$(dirname "$0")/.."
bash .ci/deps.sh
cmake -S . -B build-bench -DCMAKE_BUILD_TYPE=Release -DBUILD_TESTING=OFF >/dev/null
cmake --build build-bench -j"$(nproc)"
for b in build-bench/bin/bench_*; do
  echo "=== $(basename "$b")"
  "$b"
done
