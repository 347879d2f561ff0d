#!/usr/bin/env bash
# Benchmark (not a test): cycles/MAC and latency of every shared model on the emulated
# STM32L4R5 (Cortex-M4, 120 MHz, the MLPerf Tiny reference board), STM32F412 (M4) and
# STM32F746 (M7, 216 MHz), printed beside the published MLPerf Tiny v1.1 latencies
# (../shared/models/README.md), then the demo's generated MobileNetV2 0.35x144 (its
# layer-wise arena exceeds these boards' SRAM, so it runs with --schedule auto: the
# planner's patch-based schedule). Usage: scripts/bench-models.sh [MODELS_DIR]
set -euo pipefail
cd "$(dirname "$0")/.."
models=${1:-../shared/models}
bin=./build/bin/mcuprof
[[ -x $bin ]] || { echo "bench-models: build first (scripts/build.sh)"; exit 1; }
[[ -d $models ]] || { echo "bench-models: no models folder $models"; exit 1; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# MLPerf Tiny v1.1 latency (ms): L4R5 TFLM reference / X-CUBE-AI / Plumerai; F746 Plumerai.
declare -A published=(
  [ad01_int8]="10.05 / 6.86 / 4.05 ; 1.71"
  [pretrainedResnet_quant]="704.3 / 214.0 / 167.76 ; 62.88"
  [kws_ref_model]="181.9 / 62.87 / 47.78 ; 17.75"
  [vww_96_int8]="600.5 / 118.69 / 98.76 ; 34.08"
)

field() { sed -n "s/^  \"$1\": \([0-9.e+-]*\),*$/\1/p" "$2" | head -n 1; }

printf "%-24s %-10s %12s %10s %10s  %s\n" model target MACs cycles/MAC ms "published ms (L4R5 TFLM / X-CUBE-AI / Plumerai ; F746 Plumerai)"
# bench NAME MODEL [run options...]: one row per board.
bench() {
  local name=$1 model=$2
  shift 2
  for target in stm32l4r5 stm32f412 stm32f746; do
    if ! $bin run "$model" --target "$target" "$@" --summary "$tmp/s.json" > /dev/null 2> "$tmp/err"; then
      printf "%-24s %-10s  failed: %s\n" "$name" "$target" "$(tail -n 1 "$tmp/err")"
      continue
    fi
    cycles=$(field total_cycles "$tmp/s.json")
    macs=$(field macs "$tmp/s.json")
    ms=$(field latency_ms "$tmp/s.json")
    per=$(awk -v c="$cycles" -v m="$macs" 'BEGIN { if (m > 0) printf "%.2f", c / m; else print "-" }')
    printf "%-24s %-10s %12s %10s %10.2f  %s\n" "$name" "$target" "$macs" "$per" "$ms" "${published[$name]:-}"
  done
}
for model in "$models"/*.tflite; do
  bench "$(basename "$model" .tflite)" "$model"
done
$bin generate mobilenetv2 --width 0.35 --resolution 144 --classes 10 --seed 1 \
  -o "$tmp/mbv2.tflite" > /dev/null
bench "mobilenetv2-0.35-144" "$tmp/mbv2.tflite" --schedule auto
