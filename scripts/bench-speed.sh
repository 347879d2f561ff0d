#!/usr/bin/env bash
# bench-speed.sh — simulation speed, side by side with QEMU (a benchmark, not a test).
#
# Runs the same int8-convolution firmware (tests/firmware/bench/bench_conv.c, about
# 285 million Cortex-M4 instructions, built for the cyc-m4 test board whose memory map
# matches QEMU's mps2-an386: code at 0x0, data at 0x20000000) under
#   1. qemu-system-arm -M mps2-an386 (functional only, no timing),
#   2. mcuprof run --unit-cycles (one cycle per instruction: the cost of Unicorn plus
#      the block hook),
#   3. mcuprof run --no-flash-data (cycles only: the core's timing model and memory system),
#   4. mcuprof run (cycles and exact flash fetch/data bytes: on zero-wait flash the data
#      count needs a read hook, which puts every load on Unicorn's slow path),
#   5. mcuprof run on cyc-m4-art (flash wait states and the ART: that hook is there anyway),
#   6. full profiling: --observe-memory --function-cycles --db (flash bytes, shadow call
#      stack, SRAM hooks with the out-of-bounds check and liveness, the stored run),
# and prints instructions, wall and CPU time, MIPS and the ratio to QEMU. The machine
# may be shared: CPU time (user+sys) is the fairer figure; wall time is shown too.
#
# Usage: scripts/bench-speed.sh [BUILD_DIR] [REPEATS]   (default build, 3)
# Setup: installs qemu-system-arm from Debian if missing (needs apt rights).
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
BUILD=${1:-$ROOT/build}
REPEATS=${2:-3}
ELF=$BUILD/tests/board-firmware/cyc-m4/bench_conv.elf
ELF_ART=$BUILD/tests/board-firmware/cyc-m4-art/bench_conv.elf
MCUPROF=$BUILD/bin/mcuprof

if ! command -v qemu-system-arm >/dev/null; then
  echo "bench-speed: installing qemu-system-arm (Debian)" >&2
  SUDO=""
  [ "$(id -u)" -ne 0 ] && SUDO=sudo
  $SUDO apt-get install -y --no-install-recommends qemu-system-arm >/dev/null
fi
for f in "$ELF" "$ELF_ART" "$MCUPROF"; do
  [ -e "$f" ] || { echo "bench-speed: missing $f (build first: cmake --build $BUILD)" >&2; exit 1; }
done

# Best of REPEATS runs: prints "wall cpu" in seconds.
best_time() {
  local best_wall="" best_cpu=""
  for _ in $(seq "$REPEATS"); do
    local t
    /usr/bin/time -o "$TIMES" -f "%e %U %S" "$@" >/dev/null 2>&1 || true
    t=$(tail -1 "$TIMES")
    local wall cpu
    wall=$(echo "$t" | awk '{print $1}')
    cpu=$(echo "$t" | awk '{print $2 + $3}')
    if [ -z "$best_cpu" ] || awk "BEGIN{exit !($cpu < $best_cpu)}"; then best_cpu=$cpu; fi
    if [ -z "$best_wall" ] || awk "BEGIN{exit !($wall < $best_wall)}"; then best_wall=$wall; fi
  done
  echo "$best_wall $best_cpu"
}

SUMMARY=$(mktemp)
TIMES=$(mktemp)
trap 'rm -f "$SUMMARY" "$TIMES"' EXIT
"$MCUPROF" run "$ELF" --target-file "$ROOT/tests/targets/cyc-m4.json" --summary "$SUMMARY" >/dev/null 2>&1
INSTRUCTIONS=$(python3 -c "import json,sys; print(json.load(open(sys.argv[1]))['instructions'])" "$SUMMARY")
CYCLES=$(python3 -c "import json,sys; print(json.load(open(sys.argv[1]))['total_cycles'])" "$SUMMARY")

QEMU=(qemu-system-arm -M mps2-an386 -nographic -monitor none -serial none
      -semihosting-config enable=on,target=native -kernel "$ELF")
read -r q_wall q_cpu < <(best_time "${QEMU[@]}")
M4=(--target-file "$ROOT/tests/targets/cyc-m4.json")
read -r u_wall u_cpu < <(best_time "$MCUPROF" run "$ELF" "${M4[@]}" --unit-cycles --no-flash-data)
read -r c_wall c_cpu < <(best_time "$MCUPROF" run "$ELF" "${M4[@]}" --no-flash-data)
read -r d_wall d_cpu < <(best_time "$MCUPROF" run "$ELF" "${M4[@]}")
read -r a_wall a_cpu < <(best_time "$MCUPROF" run "$ELF_ART" --target-file "$ROOT/tests/targets/cyc-m4-art.json")

echo "workload: bench_conv.elf, $INSTRUCTIONS instructions, $CYCLES cycles on cyc-m4 (best of $REPEATS)"
printf "%-36s %9s %9s %9s %9s %8s\n" mode wall_s cpu_s MIPS_wall MIPS_cpu vs_QEMU
row() {
  awk -v n="$1" -v w="$2" -v c="$3" -v qc="$q_cpu" -v i="$INSTRUCTIONS" 'BEGIN {
    printf "%-36s %9.3f %9.3f %9.1f %9.1f %7.2fx\n", n, w, c, i / w / 1e6, i / c / 1e6, qc / c }'
}
row "qemu-system-arm -M mps2-an386" "$q_wall" "$q_cpu"
row "mcuprof --unit-cycles" "$u_wall" "$u_cpu"
row "mcuprof cycles only (0 ws)" "$c_wall" "$c_cpu"
row "mcuprof cycles + flash bytes (0 ws)" "$d_wall" "$d_cpu"
row "mcuprof cycles + flash (3 ws + ART)" "$a_wall" "$a_cpu"
# Full profiling: everything on — flash bytes, the shadow call stack, the memory hooks
# (out-of-bounds check, observed SRAM) and the stored run.
DB=$(mktemp -u --suffix=.db)
read -r p_wall p_cpu < <(best_time "$MCUPROF" run "$ELF" "${M4[@]}" --observe-memory --function-cycles 20 --db "$DB")
rm -f "$DB" "$DB-wal" "$DB-shm"
row "mcuprof full profiling (0 ws)" "$p_wall" "$p_cpu"
echo "goals: cycle-accurate >= 0.20x QEMU, full profiling >= 0.10x QEMU (ratios from CPU time)"
