#!/usr/bin/env bash
# The sweep benchmark of docs/performance.md ("Sweeps"): 48 points — generated MobileNetV2
# widths x resolutions on the STM32F412, L4R5 and H743 with `auto` schedules — run with 1
# and 2 local workers, and, with --slurm, through the Slurm cluster SLURM_CONF names (one
# task per point). Prints wall times; not a test. Needs a build (scripts/build.sh).
set -euo pipefail
cd "$(dirname "$0")/.."
bin=$PWD/build/bin/mcuprof
out=$PWD/build/bench-sweep
rm -rf "$out"
mkdir -p "$out"
cat > "$out/bench48.json" <<'JSON'
{
  "name": "bench48",
  "models": [{"generate": "mobilenetv2", "width": [0.1, 0.2, 0.35, 0.5], "resolution": [48, 64, 80, 96], "classes": 2}],
  "boards": ["stm32f412", "stm32l4r5", "stm32h743"],
  "schedules": ["auto"]
}
JSON
# Generate the models once, outside the timings.
"$bin" sweep plan "$out/bench48.json" --work-dir "$out/models-1" | tail -1
cp -r "$out/models-1" "$out/models-2"
seconds() { date +%s.%N; }
for workers in 1 2; do
  start=$(seconds)
  "$bin" sweep run "$out/bench48.json" --db "$out/local-$workers.db" --work-dir "$out/models-$workers" \
    -j "$workers" 2>&1 | tail -1
  echo "local, $workers worker(s): $(echo "$(seconds) - $start" | bc) s"
done
if [[ "${1:-}" == "--slurm" ]]; then
  cp -r "$out/models-1" "$out/models-slurm"
  start=$(seconds)
  job=$("$bin" sweep run "$out/bench48.json" --db "$out/slurm.db" --work-dir "$out/models-slurm" --slurm)
  # Until the merge job has stored every point (a run or a failure), at most an hour.
  for ((i = 0; i < 3600; ++i)); do
    n=$(sqlite3 "$out/slurm.db" 'SELECT (SELECT count(*) FROM runs) + (SELECT count(*) FROM failed_run)' 2>/dev/null || echo 0)
    [[ "$n" -ge 48 ]] && break
    sleep 1
  done
  echo "slurm, one task per point: $(echo "$(seconds) - $start" | bc) s"
fi
