#!/usr/bin/env bash
# Configures and builds mcuprof (host tools, GUI, tests and all firmware) in build/.
set -euo pipefail
cd "$(dirname "$0")/.."
cmake -S . -B build -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo "$@"
cmake --build build -j"$(nproc)"
