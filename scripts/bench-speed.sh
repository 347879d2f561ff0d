#!/usr/bin/env bash
# bench-speed.sh — simulation speed matrix, side by side with QEMU (a benchmark, not a test).
#
# Workloads × boards × modes, each run under one or more mcuprof binaries (e.g. a build
# before and after a change, measured in the same run of this script) and beside QEMU:
#   workloads  conv     tests/firmware/bench/bench_conv.c (int8 3x3 convolution, ~285 M
#                       instructions on a Cortex-M4)
#              branchy  tests/firmware/bench/bench_branchy.c (lists, a state machine, a
#                       clipped matrix, CRC-16: short blocks, many branches; ~137 M)
#              vww      ../shared/models/vww_96_int8.tflite on the board's model runner
#              gen200   a generated MobileNetV2 (width 0.5, 320x320, 10 classes, seed 1:
#                       195.6 M MACs, 233 M with the patch schedule), --schedule auto
#   boards     cyc-m4 (test board, zero-wait, QEMU's mps2-an386 memory map), stm32f412 (3 ws
#              + ART), stm32l4r5 (5 ws + ART), stm32f746 and stm32h743 (Cortex-M7, L1
#              caches), rp2040 (Cortex-M0+, XIP cache)
#   modes      cycles   run --no-flash-data (cycles only)
#              default  run
#              full     run --observe-memory --function-cycles 20 --db (full profiling)
# QEMU (functional only) runs the same program where it has a matching machine: the cyc-m4
# ELF on mps2-an386 (Cortex-M4) and the cyc-m7 ELF on mps2-an500 (Cortex-M7). A cell's
# ratio is mcuprof's instructions per CPU second over QEMU's for the same program on the
# board's core (the M4 figure for M4 and M0+ boards, the M7 figure for M7 boards); model
# runs, which QEMU cannot run, compare with QEMU's figure on bench_conv. CPU time is
# user + sys, best of the repeats, the binaries taking turns run by run.
# Model runs also print simulated seconds per 100 M simulated cycles (goal: <= 1 s on M4).
#
# Usage: scripts/bench-speed.sh [options]
#   --mcuprof NAME=PATH   a binary to measure (repeatable; default now=BUILD/bin/mcuprof);
#                         model runs use the runner built beside it (PATH/../../firmware)
#                         when there is one, as an older build's image format may differ
#   --build DIR           build with the firmware ELFs and model runners (default build)
#   --repeats N           best of N (default 3); --model-repeats N for model runs (default 1)
#   --workloads LIST      comma-separated subset (default conv,branchy,vww,gen200)
#   --boards LIST         (default cyc-m4,stm32f412,stm32l4r5,stm32f746,stm32h743,rp2040)
#   --modes LIST          (default cycles,default,full)
#   --quick               conv and branchy on cyc-m4, stm32f412 and stm32h743, best of 1
#   --markdown FILE       also write the table as Markdown
# The full matrix takes about 10 minutes per binary on a 2-core machine.
# Setup: installs qemu-system-arm from Debian if missing (needs apt rights).
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
if ! command -v qemu-system-arm >/dev/null; then
  echo "bench-speed: installing qemu-system-arm (Debian)" >&2
  SUDO=""
  [ "$(id -u)" -ne 0 ] && SUDO=sudo
  $SUDO apt-get install -y --no-install-recommends qemu-system-arm >/dev/null
fi
exec python3 - "$ROOT" "$@" <<'PY'
import argparse, json, os, resource, subprocess, sys, tempfile, time

root = sys.argv[1]
p = argparse.ArgumentParser(prog="bench-speed.sh")
p.add_argument("--mcuprof", action="append", default=[])
p.add_argument("--build", default=os.path.join(root, "build"))
p.add_argument("--repeats", type=int, default=3)
p.add_argument("--model-repeats", type=int, default=1)
p.add_argument("--workloads", default="conv,branchy,vww,gen200")
p.add_argument("--boards", default="cyc-m4,stm32f412,stm32l4r5,stm32f746,stm32h743,rp2040")
p.add_argument("--modes", default="cycles,default,full")
p.add_argument("--quick", action="store_true")
p.add_argument("--markdown")
a = p.parse_args(sys.argv[2:])
if a.quick:
    a.workloads, a.boards, a.repeats = "conv,branchy", "cyc-m4,stm32f412,stm32h743", 1
build = os.path.abspath(a.build)
bins = [tuple(s.split("=", 1)) for s in a.mcuprof] or [("now", os.path.join(build, "bin/mcuprof"))]
models = os.path.join(root, "..", "shared", "models")
tmp = tempfile.mkdtemp(prefix="bench-speed-")
M7 = {"stm32f746", "stm32h743", "cyc-m7"}
PROGRAMS = {"conv": "bench_conv", "branchy": "bench_branchy"}


def timed(cmd):
    """Runs cmd; returns (wall, cpu) of the child (user + sys)."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    t0 = time.monotonic()
    r = subprocess.run(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    wall = time.monotonic() - t0
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    if r.returncode not in (0,):
        print(f"  warning: exit {r.returncode}: {' '.join(cmd)}", file=sys.stderr)
    return wall, cpu


def best(cmd, n):
    runs = [timed(cmd) for _ in range(n)]
    return min(w for w, _ in runs), min(c for _, c in runs)


def elf(board, program):
    if board.startswith("cyc-"):
        return os.path.join(build, "tests/board-firmware", board, program + ".elf")
    return os.path.join(build, "tests/firmware", board, program + ".elf")


def runner(path, board):
    """The model runner built beside binary `path` (its own image format), else --build's."""
    own = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(path))), "firmware",
                       board, "model_runner.elf")
    return own if os.path.exists(own) else os.path.join(build, "firmware", board,
                                                         "model_runner.elf")


def target_args(board):
    if board.startswith("cyc-"):
        return ["--target-file", os.path.join(root, "tests/targets", board + ".json")]
    return ["--target", board]


# QEMU: instructions per CPU second for each program on the M4 and M7 machines.
qemu = {}
for w in sorted({w for w in a.workloads.split(",") if w in PROGRAMS} | {"conv"}):
    for core, machine, board in (("m4", "mps2-an386", "cyc-m4"), ("m7", "mps2-an500", "cyc-m7")):
        path = elf(board, PROGRAMS[w])
        summary = os.path.join(tmp, "q.json")
        subprocess.run([bins[0][1], "run", path, *target_args(board), "--no-flash-data",
                        "--summary", summary], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        insns = json.load(open(summary))["machine_instructions"]
        cmd = ["qemu-system-arm", "-M", machine, "-nographic", "-monitor", "none", "-serial",
               "none", "-semihosting-config", "enable=on,target=native", "-kernel", path]
        wall, cpu = best(cmd, max(a.repeats, 3))
        qemu[(w, core)] = (insns / cpu / 1e6, cpu, insns)
gen200 = os.path.join(tmp, "gen200.tflite")
rows = []
load = os.getloadavg()
print(f"bench-speed: {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}, load average "
      f"{load[0]:.2f} {load[1]:.2f} {load[2]:.2f}, {os.cpu_count()} CPUs; best of {a.repeats} "
      f"(models {a.model_repeats}); CPU time = user + sys")
for (w, core), (mips, cpu, insns) in sorted(qemu.items()):
    print(f"QEMU {w} on {'mps2-an386' if core == 'm4' else 'mps2-an500'}: {insns:,} instructions, "
          f"{cpu:.3f} s CPU, {mips:.0f} MIPS")
for w in a.workloads.split(","):
    for board in a.boards.split(","):
        core = "m7" if board in M7 else "m4"
        if w in PROGRAMS:
            base = lambda path: [elf(board, PROGRAMS[w]), *target_args(board)]
            ref = qemu[(w, core)][0]
            n = a.repeats
        else:
            if board.startswith("cyc-"):
                continue  # the model runner is built for the catalogue boards only
            if w == "gen200" and board not in ("stm32l4r5", "stm32h743"):
                continue  # 1.1 MiB of flash: it fits only these two
            if w == "vww":
                model = os.path.join(models, "vww_96_int8.tflite")
            else:
                model = gen200
                if not os.path.exists(gen200):
                    subprocess.run([bins[0][1], "generate", "mobilenetv2", "--width", "0.5",
                                    "--resolution", "320", "--classes", "10", "--seed", "1",
                                    "-o", gen200], check=True, stdout=subprocess.DEVNULL)
            base = lambda path: [model, *target_args(board), "--schedule", "auto", "--runner",
                                 runner(path, board)]
            ref = qemu.get(("conv", core), qemu.get(("conv", "m4"), (None,)))[0]
            n = a.model_repeats
        for mode in a.modes.split(","):
            extra = {"cycles": ["--no-flash-data"], "default": [],
                     "full": ["--observe-memory", "--function-cycles", "20"]}[mode]
            if mode == "cycles" and w not in PROGRAMS:
                continue  # model runs always count flash reads: no cycles-only mode
            runs = {name: [] for name, _ in bins}
            counts = {}
            for _ in range(n):  # the binaries alternate, so a burst of load hits all of them
                for name, path in bins:
                    summary = os.path.join(tmp, "s.json")
                    db = os.path.join(tmp, "run.db")
                    cmd = [path, "run", *base(path), *extra, "--summary", summary]
                    if mode == "full":
                        cmd += ["--db", db]
                    for f in (db, db + "-wal", db + "-shm", summary):
                        if os.path.exists(f):
                            os.remove(f)
                    runs[name].append(timed(cmd))
                    try:
                        s = json.load(open(summary))
                    except (OSError, ValueError):
                        s = {}
                    if s.get("stop_reason") != "exited":
                        print(f"  {w}/{board}/{mode}/{name}: did not run to its end "
                              f"({s.get('stop_reason', 'no summary')}, {s.get('detail', '')})",
                              file=sys.stderr)
                    counts[name] = (s.get("machine_instructions"), s.get("machine_cycles"))
            cells = [(name, min(r[0] for r in runs[name]), min(r[1] for r in runs[name]),
                      *counts[name]) for name, _ in bins]
            insns = cells[0][3]
            row = (w, board, mode, insns, ref, cells)
            rows.append(row)
            line = f"{w:8} {board:10} {mode:8} {insns or 0:>12,}"
            for name, wall, cpu, n_insns, cycles in cells:
                mips = (n_insns or 0) / cpu / 1e6 if cpu > 0 else 0
                ratio = mips / ref if ref else 0
                line += f" | {name}: {cpu:7.2f} s {mips:6.1f} MIPS {ratio:5.2f}x"
                if cycles and w not in PROGRAMS:
                    line += f" {cpu / (cycles / 1e8):5.2f} s/100Mc"
                if n_insns != insns:
                    line += f" ({n_insns or 0:,} insns)"
            print(line, flush=True)

goal = {"cycles": 0.25, "default": 0.2, "full": 0.1}
if a.markdown:
    with open(a.markdown, "w") as f:
        head = "| workload | board | mode | instructions |"
        sep = "|---|---|---|---|"
        for name, _ in bins:
            head += f" {name}: CPU s | MIPS | vs QEMU |"
            sep += "---|---|---|"
        f.write(head + " goal |\n" + sep + "---|\n")
        for w, board, mode, insns, ref, cells in rows:
            line = f"| {w} | {board} | {mode} | {insns or 0:,} |"
            for name, wall, cpu, n_insns, cycles in cells:
                mips = (n_insns or 0) / cpu / 1e6 if cpu > 0 else 0
                r = mips / ref if ref else 0
                extra = ""
                if w not in PROGRAMS and cycles:
                    extra = f" ({cpu / (cycles / 1e8):.2f} s/100 M cycles)"
                if n_insns != insns:
                    extra += f" ({n_insns or 0:,} instructions)"
                line += f" {cpu:.2f} | {mips:.0f} | {r:.2f}×{extra} |"
            g = goal[mode]
            f.write(line + f" ≥ {g}× |\n")
PY
