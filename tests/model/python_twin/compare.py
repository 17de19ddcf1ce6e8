#!/usr/bin/python3
"""Parity and speed of the C++ DiT against its PyTorch-eager twin (dit_twin.py), on the same
LibTorch (Debian's libtorch1.13 under both libtorch-dev and python3-torch).

Parity: for each config, twin_dump writes seeded random weights, inputs (batch 2, padded text,
two references of different grids, a hidden reference, a timestep under the x0 floor) and the
C++ velocity; the twin recomputes it from config.json + safetensors twice: with the rounding
order of LibTorch's C++ Linear (--linear libtorch-cpp), where max |twin - C++| must be at most
--tolerance (1e-4; it is 0, bitwise equal), and with plain nn.Linear (--linear aten, fused
addmm), where it must be at most --tolerance or --rtol (1e-5) times max |v| (float rounding,
amplified up to 20x by the x0 -> velocity division at t <= 0.05). Fails (exit 1) otherwise.

Speed (unless --parity-only): for each config and batch, --repeats rounds, each running one
C++ process (twin_dump --time) and then one Python process per --python-linear mode
(dit_twin.py --time), all at --threads threads, each timing --iters forward passes (inference
mode) and forward+backward passes (loss mean(v^2)) after a warm-up. Reports the median over
rounds of each process's median wall and process-CPU time (at one thread the CPU time does not
count waiting for a core, so it is the steadier figure on a shared machine), the fastest single
run over all rounds (least disturbed by other processes, as bench_dit's sampling table), and
the ratios C++ / Python (below 1: C++ faster).

    /usr/bin/python3 tests/model/python_twin/compare.py --dump-tool build/perceive/bin/twin_dump \\
        [--configs tiny,default] [--speed-configs default] [--threads 1] [--iters 5] [--repeats 3]
        [--batches 2,16] [--python-linear aten] [--parity-only]

Prints one JSON object. The CTest test model_python_twin_parity runs --parity-only.
"""
import argparse
import glob
import json
import os
import statistics
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
TWIN = os.path.join(HERE, "dit_twin.py")
ROOT = os.path.abspath(os.path.join(HERE, "..", "..", ".."))


def default_dump_tool():
    found = glob.glob(os.path.join(ROOT, "build", "*", "bin", "twin_dump"))
    return max(found, key=os.path.getmtime) if found else None


def run_json(cmd, env=None):
    proc = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env)
    if proc.returncode != 0:
        raise RuntimeError(f"{' '.join(cmd)} exited {proc.returncode}:\n{proc.stderr.strip()}")
    return json.loads(proc.stdout.strip().splitlines()[-1])


def thread_env(threads):
    # Both processes get the same OpenMP/BLAS view; the tools also call set_num_threads.
    env = dict(os.environ)
    if threads > 0:
        env["OMP_NUM_THREADS"] = str(threads)
    return env


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--dump-tool", default=default_dump_tool())
    ap.add_argument("--work-dir", default=None)
    ap.add_argument("--configs", default="tiny,default")
    ap.add_argument("--tolerance", type=float, default=1e-4)
    ap.add_argument("--rtol", type=float, default=1e-5, help="relative bound for --linear aten")
    ap.add_argument("--python-linear", default="aten", help="twin modes timed (aten,libtorch-cpp for both)")
    ap.add_argument("--parity-only", action="store_true")
    ap.add_argument("--threads", type=int, default=1)
    ap.add_argument("--iters", type=int, default=5)
    ap.add_argument("--repeats", type=int, default=3)
    ap.add_argument("--batches", default="2,16")
    ap.add_argument("--speed-configs", default="default", help="configs timed (parity covers --configs)")
    args = ap.parse_args()
    if not args.dump_tool or not os.path.exists(args.dump_tool):
        sys.exit(f"compare: no twin_dump executable ({args.dump_tool}); build the twin_dump target")
    work = args.work_dir or tempfile.mkdtemp(prefix="psr-twin-")
    os.makedirs(work, exist_ok=True)
    python = sys.executable
    report = {"tolerance": args.tolerance, "parity": [], "ok": True}

    for config in [c for c in args.configs.split(",") if c]:
        folder = os.path.join(work, config)
        cpp = run_json([args.dump_tool, config, folder, "--threads", str(args.threads)], thread_env(args.threads))
        row = {"config": config, "batch": cpp["batch"], "tokens": cpp["tokens"],
               "output_abs_max": cpp["output_abs_max"]}
        for mode in ("libtorch-cpp", "aten"):
            twin = run_json([python, TWIN, folder, "--threads", str(args.threads), "--linear", mode],
                            thread_env(args.threads))
            bound = args.tolerance if mode == "libtorch-cpp" else max(args.tolerance,
                                                                       args.rtol * cpp["output_abs_max"])
            ok = twin["max_abs_diff"] <= bound
            report["ok"] &= ok
            row[mode] = {"max_abs_diff": twin["max_abs_diff"], "mean_abs_diff": twin["mean_abs_diff"],
                         "relative": twin["max_abs_diff"] / max(cpp["output_abs_max"], 1e-30), "bound": bound,
                         "ok": ok}
        report["parity"].append(row)

    if not args.parity_only:
        report["speed"] = []
        report["threads"] = args.threads
        report["iters"] = args.iters
        report["repeats"] = args.repeats
        for config in [c for c in args.speed_configs.split(",") if c]:
            for batch in [int(b) for b in args.batches.split(",") if b]:
                folder = os.path.join(work, f"{config}-b{batch}")
                modes = [m for m in args.python_linear.split(",") if m]
                sides = ["cpp"] + [f"python-{m}" for m in modes]
                rounds = {side: [] for side in sides}
                for _ in range(args.repeats):
                    common = ["--threads", str(args.threads), "--time", str(args.iters)]
                    rounds["cpp"].append(run_json([args.dump_tool, config, folder, "--batch", str(batch)] + common,
                                                  thread_env(args.threads)))
                    for m in modes:
                        rounds[f"python-{m}"].append(run_json([python, TWIN, folder, "--linear", m] + common,
                                                              thread_env(args.threads)))
                row = {"config": config, "batch": batch, "tokens": rounds["cpp"][0]["tokens"],
                       "threads": {side: rounds[side][0]["threads"] for side in sides}}
                for key in ("forward_ms", "forward_backward_ms", "forward_cpu_ms", "forward_backward_cpu_ms"):
                    name = key[:-3]
                    medians = {side: statistics.median(r[key] for r in rounds[side]) for side in sides}
                    fastest = {side: min(r[key + "_min"] for r in rounds[side]) for side in sides}
                    row[name] = {f"{side}_ms": round(medians[side], 3) for side in sides}
                    row[name].update({f"{side}_fastest_ms": round(fastest[side], 3) for side in sides})
                    for m in modes:
                        row[name][f"ratio_cpp_over_python-{m}"] = round(medians["cpp"] / medians[f"python-{m}"], 3)
                        row[name][f"fastest_ratio_cpp_over_python-{m}"] = round(
                            fastest["cpp"] / fastest[f"python-{m}"], 3)
                    row[name]["rounds_ms"] = {side: [round(r[key], 3) for r in rounds[side]] for side in sides}
                report["speed"].append(row)

    print(json.dumps(report, indent=1))
    if not report["ok"]:
        print(f"compare: C++ and twin differ by more than {args.tolerance}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    try:
        sys.exit(main())
    except (RuntimeError, OSError) as e:
        sys.exit(f"compare: {e}")
