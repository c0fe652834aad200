#!/usr/bin/python3
"""Benchmark: the one-class protocol on Fashion-MNIST, defectscope-cli vs a PyTorch CAE.

For each class c: train on the training images of class c, score all 10000 test images, normal
= c, and measure the image AUROC. Three runs a class, one after the other:
  1. defectscope-cli anomaly train --model conv-ae + anomaly eval --json
  2. defectscope-cli anomaly train --model dense-ae + anomaly eval --json
  3. bench/torch_anomaly_cae.py: the same CAE as conv-ae in PyTorch, 10 epochs, MSE score
All train on every training image of the class (our --val-split 0: no images are held out
for thresholds, which this benchmark does not measure) with Adam 1e-3, batch 64, 2 threads.
Training seconds are the sum of the epochs' training steps as each side reports them.

This script imports only the standard library.

Usage:  /usr/bin/python3 bench/anomaly-fmnist.py [--classes 0,6] [--build build-ae]
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
TORCH_SCRIPT = os.path.join(BENCH_DIR, "torch_anomaly_cae.py")
TORCH_PYTHON = "/usr/bin/python3"   # Debian's interpreter, the one with torch
CLI_RELPATH = os.path.join("app", "defectscope-cli")

TARGET_MEAN_AUROC = 0.92     # ours, conv-ae
TARGET_TIME_RATIO = 0.3      # ours conv-ae training seconds / torch's

_NUM = r"([-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?)"
EPOCH_RE = re.compile(r"^\s*epoch\s+(\d+)\s*/\s*(\d+)\b.*?\btime\s+" + _NUM + r"\s*s\b")


class BenchError(Exception):
    """A step of the benchmark could not run; the message says which."""


def epoch_seconds(text):
    """The `time X s` of each `epoch i/n …` line of a training's stdout."""
    return [float(m.group(3)) for m in map(EPOCH_RE.match, text.splitlines()) if m]


def last_json(text, what):
    """The JSON object a child printed: the whole stdout or its last line starting with {."""
    try:
        obj = json.loads(text)
    except ValueError:
        obj = None
        for line in reversed(text.strip().splitlines()):
            if line.lstrip().startswith("{"):
                try:
                    obj = json.loads(line)
                except ValueError:
                    pass
                break
    if not isinstance(obj, dict):
        raise BenchError(f"{what}: stdout is not a JSON object:\n{text.strip()}")
    return obj


def run(cmd, what):
    proc = subprocess.run(cmd, capture_output=True, text=True)
    if proc.returncode != 0:
        raise BenchError(f"{what} failed (exit status {proc.returncode}): {' '.join(cmd)}\n"
                         f"--- stderr ---\n{proc.stderr.rstrip()}\n--------------")
    return proc.stdout


def run_ours(cli, data, preset, klass, epochs, threads, tmpdir):
    model = os.path.join(tmpdir, f"{preset}-{klass}.dsm")
    cmd = [cli, "anomaly", "train", "--data", data, "--normal-class", str(klass),
           "--model", preset, "--val-split", "0", "--threads", str(threads),
           "--seed", "1", "--out", model]
    if epochs:
        cmd += ["--epochs", str(epochs)]
    seconds = epoch_seconds(run(cmd, f"anomaly train {preset} class {klass}"))
    if not seconds:
        raise BenchError(f"anomaly train {preset} class {klass}: no epoch lines")
    result = last_json(run([cli, "anomaly", "eval", "--model", model, "--data", data,
                            "--threads", str(threads), "--json"],
                           f"anomaly eval {preset} class {klass}"), "anomaly eval")
    mse = [s["image_auroc"] for s in result.get("scorings", [])
           if s["scoring"]["residual"] == "squared" and s["scoring"]["score"] == "mean"]
    return {"auroc": result["image_auroc"], "auroc_mse": mse[0] if mse else None,
            "train_seconds": sum(seconds), "epochs": len(seconds),
            "n": result["n"], "scoring": result["scoring"]}


def run_torch(data, klass, epochs, threads):
    if not os.access(TORCH_PYTHON, os.X_OK):
        raise BenchError(f"{TORCH_PYTHON} not found (needed for PyTorch)")
    out = run([TORCH_PYTHON, TORCH_SCRIPT, "--data", data, "--normal-class", str(klass),
               "--epochs", str(epochs), "--threads", str(threads)], f"torch class {klass}")
    result = last_json(out, "torch_anomaly_cae.py")
    return {"auroc": result["auroc_mse"], "auroc_smoothed": result["auroc_smoothed_top10"],
            "train_seconds": sum(result["epoch_seconds"]), "epochs": len(result["epoch_seconds"]),
            "torch_version": result.get("torch_version")}


def load_average():
    try:
        with open("/proc/loadavg") as f:
            return float(f.read().split()[0])
    except (OSError, ValueError, IndexError):
        return None


def mean(values):
    values = [v for v in values if v is not None]
    return sum(values) / len(values) if values else None


def fmt(value, spec):
    return "-" if value is None else format(value, spec)


def summarise(rows):
    def column(side, key):
        return [r[side][key] if r.get(side) else None for r in rows]

    conv_s = column("conv", "train_seconds")
    torch_s = column("torch", "train_seconds")
    ratio = None
    if all(v is not None for v in conv_s + torch_s) and sum(torch_s) > 0:
        ratio = sum(conv_s) / sum(torch_s)
    summary = {
        "conv_auroc": mean(column("conv", "auroc")),
        "conv_auroc_mse": mean(column("conv", "auroc_mse")),
        "dense_auroc": mean(column("dense", "auroc")),
        "dense_auroc_mse": mean(column("dense", "auroc_mse")),
        "torch_auroc": mean(column("torch", "auroc")),
        "torch_auroc_smoothed": mean(column("torch", "auroc_smoothed")),
        "conv_seconds": mean(conv_s),
        "dense_seconds": mean(column("dense", "train_seconds")),
        "torch_seconds": mean(torch_s),
        "time_ratio": ratio,
    }
    summary["pass_auroc"] = (None if summary["conv_auroc"] is None
                             else summary["conv_auroc"] >= TARGET_MEAN_AUROC)
    summary["pass_time"] = None if ratio is None else ratio <= TARGET_TIME_RATIO
    return summary


def print_table(rows, summary, info):
    print()
    print(f"Fashion-MNIST one-class AUROC (train on class c, test on all 10000, normal = c)")
    print(f"{info}")
    head = ("class", "conv-ae", "(mse)", "dense-ae", "(mse)", "torch CAE", "(+ours)",
            "conv-ae s", "dense-ae s", "torch s", "load")
    line = "{:<6}{:>9}{:>8}{:>10}{:>8}{:>11}{:>9}{:>11}{:>11}{:>9}{:>6}"
    print(line.format(*head))

    def cells(label, conv, dense, torch, load=None):
        return line.format(
            label, fmt(conv and conv["auroc"], ".4f"), fmt(conv and conv["auroc_mse"], ".4f"),
            fmt(dense and dense["auroc"], ".4f"), fmt(dense and dense["auroc_mse"], ".4f"),
            fmt(torch and torch["auroc"], ".4f"), fmt(torch and torch["auroc_smoothed"], ".4f"),
            fmt(conv and conv["train_seconds"], ".2f"),
            fmt(dense and dense["train_seconds"], ".2f"),
            fmt(torch and torch["train_seconds"], ".2f"), fmt(load, ".1f"))

    for r in rows:
        print(cells(str(r["class"]), r.get("conv"), r.get("dense"), r.get("torch"), r.get("load")))
    s = summary
    print(cells("mean",
                {"auroc": s["conv_auroc"], "auroc_mse": s["conv_auroc_mse"],
                 "train_seconds": s["conv_seconds"]},
                {"auroc": s["dense_auroc"], "auroc_mse": s["dense_auroc_mse"],
                 "train_seconds": s["dense_seconds"]},
                {"auroc": s["torch_auroc"], "auroc_smoothed": s["torch_auroc_smoothed"],
                 "train_seconds": s["torch_seconds"]}))
    print()
    print("conv-ae, dense-ae: our default scoring (smoothed residual, top 10 %); (mse): the mean "
          "squared error of the same models;")
    print("torch CAE: mean squared error, as the reference; (+ours): our scoring on the torch "
          "model's reconstructions.")
    print("load: the 1-minute load average after the class (about 2 is this benchmark alone).")
    verdict = {None: "n/a", True: "PASS", False: "FAIL"}
    print(f"mean AUROC conv-ae {fmt(s['conv_auroc'], '.4f')} (target >= {TARGET_MEAN_AUROC}): "
          f"{verdict[s['pass_auroc']]}")
    print(f"training time conv-ae / torch {fmt(s['time_ratio'], '.3f')} (target <= "
          f"{TARGET_TIME_RATIO}): {verdict[s['pass_time']]}")


def self_test():
    text = ("conv-ae: 6000 training images\nepoch 1/3  loss 0.05  time 0.85 s  6383 img/s\n"
            "epoch 2/3  loss 0.02  val_loss 0.017  time 0.86 s  6269 img/s\ntraining time 1.71 s\n")
    assert epoch_seconds(text) == [0.85, 0.86], epoch_seconds(text)
    assert last_json('x\n{"a": 1}\n', "t") == {"a": 1}
    try:
        last_json("nothing", "t")
    except BenchError:
        pass
    else:
        raise AssertionError("accepted a non-JSON output")
    rows = [{"class": 0,
             "conv": {"auroc": 0.93, "auroc_mse": 0.90, "train_seconds": 2.5},
             "dense": {"auroc": 0.94, "auroc_mse": 0.92, "train_seconds": 1.0},
             "torch": {"auroc": 0.90, "auroc_smoothed": 0.92, "train_seconds": 25.0}},
            {"class": 1,
             "conv": {"auroc": 0.91, "auroc_mse": 0.89, "train_seconds": 2.5},
             "dense": None,
             "torch": {"auroc": 0.88, "auroc_smoothed": 0.90, "train_seconds": 25.0}}]
    s = summarise(rows)
    assert abs(s["conv_auroc"] - 0.92) < 1e-12 and abs(s["time_ratio"] - 0.1) < 1e-12, s
    assert s["dense_auroc"] == 0.94 and s["pass_auroc"] and s["pass_time"], s
    print_table(rows, s, "(sample figures)")
    print("\nself-test OK")


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--classes", default="0,1,2,3,4,5,6,7,8,9",
                   help="comma-separated normal classes to run (default: all ten)")
    p.add_argument("--build", default="build",
                   help="meson build directory; the CLI is BUILD/app/defectscope-cli")
    p.add_argument("--data", default="/usr/share/datasets/fashion-mnist")
    p.add_argument("--threads", type=int, default=2)
    p.add_argument("--epochs", type=int, default=0,
                   help="our epochs (default: each preset's, 3 conv-ae, 10 dense-ae)")
    p.add_argument("--torch-epochs", type=int, default=10)
    p.add_argument("--only", choices=("ours", "torch"), help="run one side only")
    p.add_argument("--json", metavar="OUT", help="also write every figure as JSON")
    p.add_argument("--self-test", action="store_true",
                   help="check the parser and the table on fixed samples; runs nothing")
    args = p.parse_args(argv)
    if args.self_test:
        self_test()
        return 0
    try:
        classes = [int(c) for c in args.classes.split(",")]
    except ValueError:
        p.error("--classes takes numbers such as 0,3,6")
    if any(c < 0 or c > 9 for c in classes):
        p.error("classes go from 0 to 9")

    cli = os.path.join(args.build, CLI_RELPATH)
    if args.only != "torch" and not os.access(cli, os.X_OK):
        print(f"anomaly benchmark: no defectscope-cli at {cli} (build it, or pass --build DIR)",
              file=sys.stderr)
        return 1
    load = load_average()
    info = (f"{datetime.date.today().isoformat()}, {cpu_model()}, {args.threads} threads, "
            f"load average {fmt(load, '.2f')} at the start")
    print(info, flush=True)
    if load is not None and load > 1.0:
        print("warning: the load average is above 1: if another job is running, PyTorch's "
              "threads suffer most from sharing the cores (see the load column)", flush=True)

    rows = []
    try:
        with tempfile.TemporaryDirectory(prefix="anomaly-bench-") as tmpdir:
            for c in classes:
                row = {"class": c}
                if args.only != "torch":
                    row["conv"] = run_ours(cli, args.data, "conv-ae", c, args.epochs,
                                           args.threads, tmpdir)
                    row["dense"] = run_ours(cli, args.data, "dense-ae", c, args.epochs,
                                            args.threads, tmpdir)
                if args.only != "ours":
                    row["torch"] = run_torch(args.data, c, args.torch_epochs, args.threads)
                # our own two threads make about 2; more means someone else was running
                row["load"] = load_average()
                rows.append(row)
                print(f"class {c}: " + ", ".join(
                    f"{side} AUROC {row[side]['auroc']:.4f} in {row[side]['train_seconds']:.2f} s"
                    for side in ("conv", "dense", "torch") if side in row), flush=True)
    except BenchError as e:
        print(f"\nanomaly benchmark: {e}", file=sys.stderr)
        return 1

    summary = summarise(rows)
    info += f"; load average {fmt(load_average(), '.2f')} at the end"
    print_table(rows, summary, info)
    if args.json:
        with open(args.json, "w") as f:
            json.dump({"benchmark": "anomaly-fmnist", "info": info, "rows": rows,
                       "summary": summary}, f, indent=2)
            f.write("\n")
        print(f"\nfigures written to {args.json}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
