#!/usr/bin/env bash
# The main job. (1) The bundled demo firmware on the emulated STM32F412: console, the cycle
# model's per-function figures, a trace database. (2) A generated MobileNetV2 0.35 at
# 144x144: `mcuprof plan` shows that layer by layer it needs more SRAM than the F412's
# 256 KiB and which patch-based schedule fits; run layer by layer on the large what-if
# board, it is profiled per layer and its memory over time is drawn to a PNG.
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
echo "=== 2. MobileNetV2 0.35 x 144 (int8, generated)"
$bin/mcuprof generate mobilenetv2 --width 0.35 --resolution 144 --classes 10 --seed 1 -o "$out/mbv2.tflite"
$bin/mcuprof plan "$out/mbv2.tflite" --target stm32f412
echo
$bin/mcuprof run "$out/mbv2.tflite" --target whatif_m7_8m --db "$out/traces.db" --summary "$out/mbv2.json"
$bin/mcuprof report "$out/traces.db" > "$out/report.txt"
head -n 40 "$out/report.txt"
$bin/mcuprof plot "$out/traces.db" --out "$out/memory.png" --x ms --sram-of stm32f412 \
  --title "MobileNetV2 0.35x144, layer by layer, against the STM32F412's 256 KiB"
echo
echo "runs in $out/traces.db:"
sqlite3 -header -column "$out/traces.db" \
  "SELECT id, target, total_cycles, round(latency_ms, 3) AS ms, peak_sram_bytes, exit_code FROM runs"
