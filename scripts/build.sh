#!/usr/bin/env bash
# Configures and builds mcuprof in build/: host tools, GUI, all firmware and, unless
# -DMCUPROF_BUILD_TESTS=OFF is given, the tests. Extra arguments go to CMake's configure.
set -euo pipefail
cd "$(dirname "$0")/.."
cmake -S . -B build -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo "$@"
cmake --build build -j"$(nproc)"
