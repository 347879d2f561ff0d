#!/usr/bin/env bash
# Runs the whole test suite (builds first if needed). GUI tests run headless.
set -euo pipefail
cd "$(dirname "$0")/.."
if [[ ! -f build/build.ninja ]]; then scripts/build.sh; else cmake --build build -j"$(nproc)"; fi
QT_QPA_PLATFORM=offscreen ctest --test-dir build --output-on-failure -j"$(nproc)"
