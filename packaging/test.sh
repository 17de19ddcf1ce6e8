#!/usr/bin/env bash
# Installs the dependencies, builds the release preset and runs the whole test suite
# (Qt Test executables under CTest; GUI tests run on the offscreen platform).
# Idempotent: a second run only rebuilds what changed.
set -euo pipefail
cd "$(dirname "$0")/.."
./packaging/install-deps.sh
cmake --preset release >/dev/null
cmake --build --preset release -- -j"$(nproc)"
ctest --preset release -j"$(nproc)"
