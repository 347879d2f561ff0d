#!/usr/bin/env bash
# Benchmark (not a test): cycles/MAC and latency of every shared model on the emulated
# STM32L4R5 (Cortex-M4, 120 MHz, the MLPerf Tiny reference board), STM32F412 (M4) and
# STM32F746 (M7, 216 MHz), printed beside the published MLPerf Tiny v1.1 latencies
# (../shared/models/README.md), then the demo's generated MobileNetV2 0.35x144 (its
# layer-wise arena exceeds these boards' SRAM, so it runs with --schedule auto: the
# planner's patch-based schedule); then, per model and board, latency, peak SRAM and flash
# beside the published figures of issue 15 as ratios (ours / theirs; < 1 is better):
# TinyEngine's README table for mcunet-vww1 on a real STM32H743 (51 ms, 92 kB peak SRAM,
# 521 kB flash; run here with --io int8, as TinyEngine takes int8 input) and MLPerf Tiny
# v1.1 vww_96_int8 on the STM32L4R5 (X-CUBE-AI 8.1: 118.69 ms = 1.90 cycles/MAC; the
# project's target on the STM32F412: 2.2 cycles/MAC).
# Usage: scripts/bench-models.sh [MODELS_DIR]   (BENCH_QUICK=1: only the comparison)
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
if [[ -z ${BENCH_QUICK:-} ]]; then
  printf "%-24s %-10s %12s %10s %10s  %s\n" model target MACs cycles/MAC ms \
    "published ms (L4R5 TFLM / X-CUBE-AI / Plumerai ; F746 Plumerai)"
  for model in "$models"/*.tflite; do
    bench "$(basename "$model" .tflite)" "$model"
  done
  $bin generate mobilenetv2 --width 0.35 --resolution 144 --classes 10 --seed 1 \
    -o "$tmp/mbv2.tflite" > /dev/null
  bench "mobilenetv2-0.35-144" "$tmp/mbv2.tflite" --schedule auto
fi

# Against published figures. Peak SRAM: ours is `peak_sram_bytes` (static + arena + kernel
# scratch + the whole stack reserve) and, in brackets, `sram_in_use_peak_bytes` (the
# highest measured total: the stack as deep as it went), the figure closest to a measured
# RAM high-water mark. Flash: the runner firmware + the model image (`flash_bytes` also
# counts the input placed after the image, which a camera would deliver instead).
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (b > 0) printf "%.2fx", a / b; else print "-" }'; }
[[ -z ${BENCH_QUICK:-} ]] && echo
printf "%-22s %-10s %-28s %-40s %-34s %s\n" model target "latency (published, ratio)" \
  "peak SRAM B [in use] (published, ratio)" "flash B (published, ratio)" "cycles/MAC (published, ratio)"
# compare NAME MODEL TARGET PUB_MS PUB_SRAM PUB_FLASH PUB_CPM [run options...]
compare() {
  local name=$1 model=$2 target=$3 pub_ms=$4 pub_sram=$5 pub_flash=$6 pub_cpm=$7
  shift 7
  if [[ ! -f $model ]]; then
    printf "%-22s %-10s  skipped: %s not found\n" "$name" "$target" "$model"
    return
  fi
  if ! $bin run "$model" --target "$target" "$@" --summary "$tmp/c.json" > /dev/null 2> "$tmp/err"; then
    printf "%-22s %-10s  failed: %s\n" "$name" "$target" "$(tail -n 1 "$tmp/err")"
    return
  fi
  local ms sram inuse flash cycles macs cpm
  ms=$(field latency_ms "$tmp/c.json")
  sram=$(field peak_sram_bytes "$tmp/c.json")
  inuse=$(field sram_in_use_peak_bytes "$tmp/c.json")
  flash=$(($(field firmware_flash_bytes "$tmp/c.json") + $(field image_bytes "$tmp/c.json")))
  cycles=$(field total_cycles "$tmp/c.json")
  macs=$(field macs "$tmp/c.json")
  cpm=$(awk -v c="$cycles" -v m="$macs" 'BEGIN { printf "%.2f", c / m }')
  local l s f c
  l=$(printf "%.2f ms" "$ms")
  [[ $pub_ms != - ]] && l="$l ($pub_ms, $(ratio "$ms" "$pub_ms"))"
  s="$sram [$inuse]"
  [[ $pub_sram != - ]] && s="$s ($pub_sram, $(ratio "$sram" "$pub_sram") [$(ratio "$inuse" "$pub_sram")])"
  f="$flash"
  [[ $pub_flash != - ]] && f="$f ($pub_flash, $(ratio "$flash" "$pub_flash"))"
  c="$cpm"
  [[ $pub_cpm != - ]] && c="$c ($pub_cpm, $(ratio "$cpm" "$pub_cpm"))"
  printf "%-22s %-10s %-28s %-40s %-34s %s\n" "$name" "$target" "$l" "$s" "$f" "$c"
}
# TinyEngine (README, STM32H743 at 480 MHz): 51 ms, 92 kB, 521 kB.
compare "mcunet-vww1 --io int8" "$models/mcunet-vww1.tflite" stm32h743 51 92000 521000 - --io int8
# MLPerf Tiny v1.1, X-CUBE-AI 8.1 on the STM32L4R5 (120 MHz): 118.69 ms = 1.90 cycles/MAC.
compare vww_96_int8 "$models/vww_96_int8.tflite" stm32l4r5 118.69 - - 1.90
# The target on the STM32F412 (100 MHz): 2.2 cycles/MAC (no published run on this board).
compare vww_96_int8 "$models/vww_96_int8.tflite" stm32f412 - - - 2.2
