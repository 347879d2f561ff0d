#!/usr/bin/env bash
# README command 1: install dependencies, build everything, run the main job (demo).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install-deps.sh
bash scripts/build.sh
bash scripts/demo.sh
