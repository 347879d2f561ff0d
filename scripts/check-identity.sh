#!/usr/bin/env bash
# check-identity.sh — the speed work's guard: every figure a run reports must stay the same.
#
# Runs a reference set under two mcuprof binaries (e.g. main's build and a faster one) and
# compares, field by field, what each reports: the --summary JSON of every run (wall time,
# the database and ELF paths left out) and, for the full-profiling runs, the whole stored
# database (sqlite3 .dump, the run's timestamp masked). Prints one line per run and exits
# non-zero when any differs.
#   bench_conv, bench_branchy  on cyc-m4 (also --no-flash-data), stm32f412, stm32l4r5,
#                              stm32f746, stm32h743, rp2040
#   vww_96_int8                on stm32f412, stm32l4r5, stm32f746, stm32h743, rp2040
#                              (--schedule auto)
#   mcunet-vww1                on stm32h743 (--io int8)
#   full profiling             (--observe-memory --function-cycles 20 --db) conv on the
#                              F412, branchy on the H743, vww_96 on the L4R5
#   --slow adds the generated 195.6 M-MAC MobileNetV2 on the L4R5 and H743 (~1 min each).
# Both binaries run the same ELFs and model runners (those of --build).
#
# Usage: scripts/check-identity.sh A B [--build DIR] [--slow] [--keep DIR] [--only REGEX]
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
exec python3 - "$ROOT" "$@" <<'PY'
import argparse, json, os, re, subprocess, sys, tempfile

root = sys.argv[1]
p = argparse.ArgumentParser(prog="check-identity.sh")
p.add_argument("a")
p.add_argument("b")
p.add_argument("--build", default=os.path.join(root, "build"))
p.add_argument("--slow", action="store_true")
p.add_argument("--keep", help="keep the outputs in this directory")
p.add_argument("--only", help="the runs whose name matches this regular expression")
a = p.parse_args(sys.argv[2:])
build = os.path.abspath(a.build)
models = os.path.join(root, "..", "shared", "models")
out = a.keep or tempfile.mkdtemp(prefix="check-identity-")
os.makedirs(out, exist_ok=True)
FULL = ["--observe-memory", "--function-cycles", "20"]
BOARDS = ["stm32f412", "stm32l4r5", "stm32f746", "stm32h743", "rp2040"]


def program(board, name):
    if board.startswith("cyc-"):
        return [os.path.join(build, "tests/board-firmware", board, name + ".elf"),
                "--target-file", os.path.join(root, "tests/targets", board + ".json")]
    return [os.path.join(build, "tests/firmware", board, name + ".elf"), "--target", board]


def model(path, board, *extra):
    return [path, "--target", board, "--runner",
            os.path.join(build, "firmware", board, "model_runner.elf"), *extra]


runs = []  # (name, args, full)
for prog, short in (("bench_conv", "conv"), ("bench_branchy", "branchy")):
    runs.append((f"{short}-cyc-m4", program("cyc-m4", prog), False))
    runs.append((f"{short}-cyc-m4-noflash", program("cyc-m4", prog) + ["--no-flash-data"], False))
    for board in BOARDS:
        runs.append((f"{short}-{board}", program(board, prog), False))
vww = os.path.join(models, "vww_96_int8.tflite")
for board in BOARDS:
    runs.append((f"vww-{board}", model(vww, board, "--schedule", "auto"), False))
runs.append(("mcunet-vww1-stm32h743",
             model(os.path.join(models, "mcunet-vww1.tflite"), "stm32h743", "--io", "int8"), False))
runs.append(("full-conv-stm32f412", program("stm32f412", "bench_conv") + FULL, True))
runs.append(("full-branchy-stm32h743", program("stm32h743", "bench_branchy") + FULL, True))
runs.append(("full-vww-stm32l4r5", model(vww, "stm32l4r5", "--schedule", "auto") + FULL, True))
if a.slow:
    gen = os.path.join(out, "gen200.tflite")
    subprocess.run([a.a, "generate", "mobilenetv2", "--width", "0.5", "--resolution", "320",
                    "--classes", "10", "--seed", "1", "-o", gen], check=True,
                   stdout=subprocess.DEVNULL)
    for board in ("stm32l4r5", "stm32h743"):
        runs.append((f"gen200-{board}", model(gen, board, "--schedule", "auto"), False))

MASKED = {"database", "firmware", "model", "wall_seconds", "wall_ms", "host_seconds"}


def summary(path):
    s = json.load(open(path))
    return {k: v for k, v in s.items() if k not in MASKED and not k.startswith("wall")}


def dump(db):
    text = subprocess.run(["sqlite3", db, ".dump"], capture_output=True, text=True,
                          check=True).stdout
    text = text.replace(build, "BUILD").replace(models, "MODELS")
    return re.sub(r"'\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ'", "'TIME'", text)


def missing(args):
    for x in args:
        if x.endswith((".elf", ".tflite")) and not os.path.exists(x):
            return x
    return None


if a.only:
    runs = [r for r in runs if re.search(a.only, r[0])]
differ = 0
for name, args, full in runs:
    lack = missing(args)
    if lack:
        print(f"{name:28} skipped: {lack} not found")
        continue
    seen = []
    for tag, binary in (("a", a.a), ("b", a.b)):
        base = os.path.join(out, f"{name}.{tag}")
        for f in (base + ".json", base + ".db", base + ".db-wal", base + ".db-shm"):
            if os.path.exists(f):
                os.remove(f)
        cmd = [binary, "run", *args, "--summary", base + ".json"]
        if full:
            cmd += ["--db", base + ".db"]
        subprocess.run(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        if not os.path.exists(base + ".json"):
            seen.append(None)
            continue
        seen.append((summary(base + ".json"), dump(base + ".db") if full else ""))
    if seen[0] is None or seen[1] is None:
        print(f"{name:28} DIFFERS: no summary from {'A' if seen[0] is None else 'B'}")
        differ += 1
        continue
    (sa, da), (sb, db) = seen
    keys = sorted(k for k in set(sa) | set(sb) if sa.get(k) != sb.get(k))
    if keys or da != db:
        differ += 1
        short = lambda v: (r := repr(v)) if len(r) <= 60 else r[:57] + "..."
        what = ", ".join(f"{k}: {short(sa.get(k))} vs {short(sb.get(k))}" for k in keys[:4])
        print(f"{name:28} DIFFERS: {what}{' database' if da != db else ''}")
    else:
        print(f"{name:28} identical ({sa.get('machine_cycles'):,} cycles, "
              f"{sa.get('machine_instructions'):,} instructions"
              f"{', database' if full else ''})")
print(f"check-identity: {len(runs)} runs, {differ} differ; outputs in {out}")
sys.exit(1 if differ else 0)
PY
