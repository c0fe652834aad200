#!/usr/bin/python3
"""Benchmark: defectscope-cli vs PyTorch on the dcgan Fashion-MNIST recipe.

Runs, one after the other, in child processes:
  1. defectscope-cli gan train --model dcgan ...   (seconds per epoch)
  2. bench/torch_dcgan.py                          (the same networks and recipe in PyTorch)
and prints seconds per epoch for both, the ratio ours / torch, and PASS/FAIL against the
target ratio <= 0.5. Both sides: all 60000 training images scaled to [-1, 1], batch 64,
Adam 2e-4 with beta1 0.5, N(0, 0.02) initialisation, one D then one G update a step, seed 1,
2 threads. With --rounds R the pair runs R times, alternating, so that a load that changes
during the benchmark (a shared machine) weighs on both sides alike.

This script imports only the standard library.

Usage:  /usr/bin/python3 bench/dcgan.py --epochs 1 --rounds 2 [--build DIR] [--json OUT]
"""

import argparse
import datetime
import json
import os
import re
import subprocess
import sys
import tempfile

from benchcommon import cpu_model

BENCH_DIR = os.path.dirname(os.path.abspath(__file__))
TORCH_SCRIPT = os.path.join(BENCH_DIR, "torch_dcgan.py")
TORCH_PYTHON = "/usr/bin/python3"   # Debian's interpreter, the one with torch
CLI_RELPATH = os.path.join("app", "defectscope-cli")
BATCH = 64
SEED = 1
MAX_EPOCH_RATIO = 0.5

_NUM = r"([-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?|nan|inf)"
EPOCH_RE = re.compile(r"^\s*epoch\s+(\d+)\s*/\s*(\d+)\s+d_loss\s+" + _NUM + r"\s+g_loss\s+"
                      + _NUM + r".*?\btime\s+" + _NUM + r"\s*s\b")


class BenchError(Exception):
    """A step of the benchmark could not run; the message says which."""


def parse_epoch_line(line):
    """`epoch 1/5  d_loss 1.2  g_loss 0.9  [D(x) …  D(G(z)) …]  time 81.20 s  739 img/s`."""
    m = EPOCH_RE.match(line)
    if not m:
        return None
    return {"epoch": int(m.group(1)), "epochs": int(m.group(2)), "d_loss": float(m.group(3)),
            "g_loss": float(m.group(4)), "time": float(m.group(5))}


def parse_epoch_lines(text):
    return [e for e in map(parse_epoch_line, text.splitlines()) if e]


def run_child(cmd, what):
    """Run cmd, echoing its stdout; return (stdout, CPU seconds). Fails with BenchError."""
    with tempfile.TemporaryFile(mode="w+") as err:
        try:
            proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=err, text=True,
                                    bufsize=1)
        except OSError as e:
            raise BenchError(f"{what}: cannot start {cmd[0]}: {e}") from e
        lines = []
        for line in proc.stdout:
            lines.append(line)
            if not line.startswith("{"):
                print("  " + line.rstrip("\n"), flush=True)
        proc.stdout.close()
        _, status, usage = os.wait4(proc.pid, 0)
        proc.returncode = os.waitstatus_to_exitcode(status)  # reaped by us
        err.seek(0)
        stderr = err.read()
    if proc.returncode != 0:
        raise BenchError(f"{what} failed (exit status {proc.returncode}): {' '.join(cmd)}\n"
                         f"--- stderr ---\n{stderr.rstrip()}\n--------------")
    return "".join(lines), usage.ru_utime + usage.ru_stime


def run_ours(cli, data, epochs, threads, tmpdir):
    if not os.access(cli, os.X_OK):
        raise BenchError(f"defectscope-cli not found at {cli} (build it, or pass --build DIR)")
    cmd = [cli, "gan", "train", "--model", "dcgan", "--data", data, "--epochs", str(epochs),
           "--batch", str(BATCH), "--seed", str(SEED), "--threads", str(threads),
           "--out", os.path.join(tmpdir, "dcgan.dsm")]
    print("defectscope gan train:", flush=True)
    stdout, cpu = run_child(cmd, "defectscope-cli gan train")
    epochs_parsed = parse_epoch_lines(stdout)
    if len(epochs_parsed) != epochs:
        raise BenchError(f"defectscope-cli gan train: parsed {len(epochs_parsed)} epoch lines, "
                         f"expected {epochs}")
    return {"epoch_seconds": [e["time"] for e in epochs_parsed],
            "d_loss": [e["d_loss"] for e in epochs_parsed],
            "g_loss": [e["g_loss"] for e in epochs_parsed],
            "process_cpu_seconds": cpu}


def run_torch(data, epochs, threads):
    cmd = [TORCH_PYTHON, TORCH_SCRIPT, "--data", data, "--epochs", str(epochs),
           "--batch", str(BATCH), "--seed", str(SEED), "--threads", str(threads)]
    print("pytorch:", flush=True)
    stdout, cpu = run_child(cmd, "torch_dcgan.py")
    last = stdout.strip().splitlines()[-1] if stdout.strip() else ""
    try:
        result = json.loads(last)
    except ValueError as e:
        raise BenchError(f"torch_dcgan.py: last line is not JSON: {last!r}") from e
    if len(result.get("epoch_seconds", [])) != epochs:
        raise BenchError(f"torch_dcgan.py: {result}")
    result["process_cpu_seconds"] = cpu
    return result


def mean(xs):
    return sum(xs) / len(xs) if xs else None


def merge(rounds):
    """The figures of several rounds of one side as one, epochs in the order they ran."""
    if not rounds:
        return None
    merged = dict(rounds[-1])
    merged["epoch_seconds"] = [s for r in rounds for s in r["epoch_seconds"]]
    merged["process_cpu_seconds"] = [r.get("process_cpu_seconds") for r in rounds]
    return merged


def report(args, ours, torch):
    o = mean(ours["epoch_seconds"]) if ours else None
    t = mean(torch["epoch_seconds"]) if torch else None
    r = o / t if o and t else None
    fmt = lambda v, f: "-" if v is None else format(v, f)  # noqa: E731
    print()
    print(f"dcgan on Fashion-MNIST, {args.rounds} x {args.epochs} epochs, batch {BATCH}, "
          f"Adam 2e-4 beta1 0.5, {args.threads} threads   ({datetime.date.today()}, "
          f"{cpu_model()})")
    print("{:<22}{:>12}{:>18}{:>8}   {}".format("", "defectscope",
                                               "pytorch " + (torch or {}).get("torch_version", ""),
                                               "ratio", "target"))
    verdict = "n/a" if r is None else ("PASS" if r <= MAX_EPOCH_RATIO else "FAIL")
    print("{:<22}{:>12}{:>18}{:>8}   ratio <= {}  {}".format(
        "seconds / epoch", fmt(o, ".2f"), fmt(t, ".2f"), fmt(r, ".3f"), MAX_EPOCH_RATIO, verdict))
    n = max(len((ours or {}).get("epoch_seconds", [])), len((torch or {}).get("epoch_seconds", [])))
    for i in range(n):
        oe = ours["epoch_seconds"][i] if ours and i < len(ours["epoch_seconds"]) else None
        te = torch["epoch_seconds"][i] if torch and i < len(torch["epoch_seconds"]) else None
        print("{:<22}{:>12}{:>18}{:>8}".format(f"  epoch {i + 1}", fmt(oe, ".2f"), fmt(te, ".2f"),
                                              fmt(oe / te if oe and te else None, ".3f")))
    for name, side in (("defectscope", ours), ("pytorch", torch)):
        if side and side.get("process_cpu_seconds"):
            cpu = side["process_cpu_seconds"]
            cpu = cpu if isinstance(cpu, list) else [cpu]
            print(f"{name} process CPU seconds (user + system, whole process incl. loading): "
                  + ", ".join(fmt(c, ".1f") for c in cpu))
    return {"ours_epoch_seconds": o, "torch_epoch_seconds": t, "ratio": r, "verdict": verdict}


def self_test():
    e = parse_epoch_line("epoch 1/5  d_loss 1.2345  g_loss 0.9876  D(x) 0.55  D(G(z)) 0.40  "
                         "time 81.20 s  739 img/s")
    assert e == {"epoch": 1, "epochs": 5, "d_loss": 1.2345, "g_loss": 0.9876, "time": 81.2}, e
    e = parse_epoch_line("epoch 2/2  d_loss 0.5  g_loss 2.5  time 190.00 s  316 img/s")
    assert e["time"] == 190.0 and e["epoch"] == 2, e
    for junk in ("", "score 1/5  fid 12.3", "epoch 1/5  loss 0.5  time 7 s"):
        assert parse_epoch_line(junk) is None, junk
    args = argparse.Namespace(epochs=2, threads=2, rounds=1)
    s = report(args, {"epoch_seconds": [80.0, 82.0]},
               {"epoch_seconds": [200.0, 190.0], "torch_version": "1.13"})
    assert abs(s["ratio"] - 81.0 / 195.0) < 1e-12 and s["verdict"] == "PASS", s
    print("\nself-test OK (the table above is sample figures)")


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--epochs", type=int, default=2)
    p.add_argument("--build", default="build",
                   help="meson build directory; the CLI is BUILD/app/defectscope-cli")
    p.add_argument("--data", default="/usr/share/datasets/fashion-mnist")
    p.add_argument("--threads", type=int, default=2)
    p.add_argument("--rounds", type=int, default=1,
                   help="run the pair this many times, alternating")
    p.add_argument("--only", choices=("ours", "torch"), help="run one side only")
    p.add_argument("--json", metavar="OUT", help="also write the figures as JSON")
    p.add_argument("--self-test", action="store_true", help="check the parser and report")
    args = p.parse_args(argv)
    if args.self_test:
        self_test()
        return 0
    if args.epochs < 1 or args.threads < 1 or args.rounds < 1:
        p.error("--epochs, --threads and --rounds must be >= 1")
    ours_rounds, torch_rounds = [], []
    try:
        for i in range(args.rounds):
            if args.rounds > 1:
                print(f"round {i + 1}/{args.rounds}", flush=True)
            if args.only != "torch":
                with tempfile.TemporaryDirectory(prefix="dcgan-bench-") as tmpdir:
                    ours_rounds.append(run_ours(os.path.join(args.build, CLI_RELPATH), args.data,
                                                args.epochs, args.threads, tmpdir))
            if args.only != "ours":
                torch_rounds.append(run_torch(args.data, args.epochs, args.threads))
    except BenchError as e:
        print(f"\ndcgan benchmark: {e}", file=sys.stderr)
        return 1
    ours, torch = merge(ours_rounds), merge(torch_rounds)
    summary = report(args, ours, torch)
    if args.json:
        with open(args.json, "w") as f:
            json.dump({"benchmark": "dcgan", "date": datetime.date.today().isoformat(),
                       "cpu": cpu_model(), "epochs": args.epochs, "rounds": args.rounds,
                       "threads": args.threads,
                       "ours": ours, "torch": torch, **summary}, f, indent=2)
            f.write("\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
