#!/usr/bin/env bash
# The main job. (1) The bundled demo firmware on the emulated STM32F412: console, the cycle
# model's per-function figures, a trace database. (2) A generated MobileNetV2 0.35 at
# 160x160: `mcuprof plan` shows that layer by layer it needs more SRAM than the F412's
# 256 KiB and which patch-based schedule fits; both schedules run on an STM32L4R5 and are
# compared, their memory over time is drawn to build/demo/memory.png, and the patch-based
# one runs on the F412 itself with a CI gate on its peak. (3) A firmware that sends no
# markers, shaped like TensorFlow Lite Micro (an op loop calling each op through a
# function pointer): its inference window and per-layer table from its calls alone.
set -euo pipefail
cd "$(dirname "$0")/.."
out=build/demo
mkdir -p "$out"
rm -f "$out/traces.db" "$out/traces.db-wal" "$out/traces.db-shm"
bin=./build/bin

echo "=== 1. demo firmware on stm32f412"
$bin/mcuprof run --target stm32f412 build/firmware/stm32f412/demo.elf \
  --db "$out/traces.db" --summary "$out/run.json" --function-cycles 5

echo
echo "=== 2. MobileNetV2 0.35 x 160 (int8, generated)"
$bin/mcuprof generate mobilenetv2 --width 0.35 --resolution 160 --classes 10 --seed 1 -o "$out/mbv2.tflite"
$bin/mcuprof plan "$out/mbv2.tflite" --target stm32f412
echo
# Layer by layer it does not fit the F412. Compare both schedules on the STM32L4R5 (also a
# Cortex-M4, with 640 KiB), then run the patch-based one on the F412 itself, gated on its
# peak as a CI job would.
$bin/mcuprof run "$out/mbv2.tflite" --target stm32l4r5 --schedule layer \
  --db "$out/traces.db" --summary "$out/mbv2-layer.json"
$bin/mcuprof run "$out/mbv2.tflite" --target stm32l4r5 --schedule patch \
  --db "$out/traces.db" --summary "$out/mbv2-patch.json"
$bin/mcuprof run "$out/mbv2.tflite" --target stm32f412 --schedule auto \
  --db "$out/traces.db" --fail-if 'peak_sram>256KiB'
echo
$bin/mcuprof compare "$out/traces.db" 2 3 > "$out/compare.txt"
sed '/^$/q' "$out/compare.txt"  # the headline figures, up to the per-layer table
$bin/mcuprof plot "$out/traces.db" --runs 2,3 --out "$out/memory.png" --x progress --sram-of stm32f412 \
  --title "MobileNetV2 0.35x160 on a Cortex-M4: layer by layer vs patch-based, against the STM32F412's 256 KiB"
echo
echo "=== 3. a firmware without markers (an interpreter's op loop), layers from its calls"
$bin/mcuprof run build/firmware/stm32f412/op_loop_demo.elf --target stm32f412 \
  --window interpreter_invoke --layers-from interpreter_invoke --observe-memory \
  --db "$out/traces.db" --summary "$out/op-loop.json"

echo
echo "=== 4. a small sweep: 6 MobileNetV2s x 2 boards x 2 schedules on every core, its Pareto front"
rm -rf "$out/sweep.db" "$out/sweep.db-wal" "$out/sweep.db-shm" "$out/sweep.db.sweep"
$bin/mcuprof sweep run docs/sweeps/mbv2-grid.json --db "$out/sweep.db" 2>&1 | grep -v '^sweep: \['
$bin/mcuprof sweep report "$out/sweep.db" --board stm32f412
$bin/mcuprof plot "$out/sweep.db" --pareto --board stm32f412 --out "$out/pareto.png" --width 1000 --height 520

echo
echo "runs in $out/traces.db:"
sqlite3 -header -column "$out/traces.db" \
  "SELECT id, target, total_cycles, round(latency_ms, 3) AS ms, peak_sram_bytes, exit_code FROM runs"
