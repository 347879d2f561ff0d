#!/usr/bin/env bash
# The main job: runs the bundled demo firmware on the emulated STM32F412 (console, the
# cycle model's per-function figures, a run summary, a trace database), then plans a
# generated MobileNetV2 for the same board: the layer-wise schedule does not fit its
# 256 KiB of SRAM, a patch-based one does.
set -euo pipefail
cd "$(dirname "$0")/.."
mkdir -p build/demo
bin=./build/bin
$bin/mcuprof run --target stm32f412 build/firmware/stm32f412/demo.elf \
  --db build/demo/traces.db --summary build/demo/run.json --function-cycles 5
echo "--- summary (build/demo/run.json)"
head -n 30 build/demo/run.json
echo "--- runs in build/demo/traces.db"
sqlite3 -header -column build/demo/traces.db \
  "SELECT id, target, total_cycles, instructions, stop_reason, exit_code, started_at FROM runs"
echo "--- a MobileNetV2 0.35 at 144x144 on the same board"
$bin/mcuprof generate mobilenetv2 --width 0.35 --resolution 144 --seed 1 -o build/demo/mbv2.tflite
$bin/mcuprof plan build/demo/mbv2.tflite --target stm32f412
