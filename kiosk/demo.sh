#!/usr/bin/env bash
# The kiosk demo: installs what is missing, builds, and runs the demo school's morning.
# Until the kiosk lands (issue 4) it builds everything and runs the attendance core on the
# demo school instead, saying so.
set -euo pipefail
cd "$(dirname "$0")/.."
bash .ci/deps.sh
cmake -S . -B build >/dev/null
cmake --build build -j"$(nproc)"
echo
echo "The touch-screen kiosk is not built yet (issue 4). Meanwhile, the attendance core on a"
echo "sample school (tests/contract/example.json):"
echo
./build/bin/latedoor analyse tests/contract/example.json
