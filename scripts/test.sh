#!/usr/bin/env bash
# README command 2: builds the tests (and whatever else is not built yet) in build/, then
# runs the whole suite. GUI tests run headless. Tests that need the real models in
# ../shared/models skip, naming the file, when it is missing.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/build.sh -DMCUPROF_BUILD_TESTS=ON
QT_QPA_PLATFORM=offscreen ctest --test-dir build --output-on-failure -j"$(nproc)"
