#!/usr/bin/env bash
# The main job: runs the bundled demo firmware on the emulated STM32F412, prints its
# console and run summary, and adds the run to build/demo/traces.db.
set -euo pipefail
cd "$(dirname "$0")/.."
mkdir -p build/demo
./build/bin/mcuprof run --target stm32f412 build/firmware/stm32f412/demo.elf \
  --db build/demo/traces.db --summary build/demo/run.json
echo "--- summary (build/demo/run.json)"
cat build/demo/run.json
echo "--- runs in build/demo/traces.db"
sqlite3 -header -column build/demo/traces.db \
  "SELECT id, target, total_cycles, instructions, stop_reason, exit_code, started_at FROM runs"
