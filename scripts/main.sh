#!/usr/bin/env bash
# README command 1: install dependencies, build what the main job needs (the mcuprof CLI,
# the GUI and the firmware for every board; not the tests), run the main job (demo).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install-deps.sh
bash scripts/build.sh -DMCUPROF_BUILD_TESTS=OFF
bash scripts/demo.sh
