#!/usr/bin/python3
"""Benchmark: defectscope-cli vs PyTorch on the seed-cnn Fashion-MNIST recipe.

Runs, each in its own child process so that peak RSS is per child
(os.wait4 -> ru_maxrss, KiB on Linux):
  1. defectscope-cli train --model seed-cnn ...   (epoch times, peak RSS)
  2. defectscope-cli eval --json ...              (accuracy, inference time)
  3. bench/torch_seed_cnn.py                      (same recipe in PyTorch)
and prints a comparison table with PASS/FAIL against the targets.

This script imports only the standard library (no torch/numpy), so the
children do not inherit a large parent image.

With --baseline OTHER_BUILD, a second defectscope-cli (another commit's build)
trains the same recipe in the same run, so that a change is measured against what
came before it under the same machine load.

Usage:  /usr/bin/python3 bench/seed-cnn.py --epochs 5 [--baseline ../old/build]
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
TORCH_SCRIPT = os.path.join(BENCH_DIR, "torch_seed_cnn.py")
TORCH_PYTHON = "/usr/bin/python3"   # Debian's interpreter, the one with torch
CLI_RELPATH = os.path.join("app", "defectscope-cli")

BATCH = 64
LR = "0.001"
SEED = 1

# Targets (ours vs torch).
MAX_EPOCH_RATIO = 0.5        # ours seconds/epoch / torch seconds/epoch
MAX_INFERENCE_SECONDS = 1.0  # ours, 10k test images
# ...and ours peak RSS < torch peak RSS.

# Environment variables that change OpenBLAS' behaviour; left untouched,
# but reported in the header when set.
NOTED_ENV = ("OPENBLAS_CORETYPE", "OPENBLAS_L2_SIZE",
             "OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS")

_NUM = r"([-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?|nan|inf)"
EPOCH_HEAD_RE = re.compile(r"^\s*epoch\s+(\d+)\s*/\s*(\d+)\b")
FIELD_RE = {
    "loss": re.compile(r"(?<![\w])loss\s+" + _NUM, re.I),
    "val_loss": re.compile(r"\bval_loss\s+" + _NUM, re.I),
    "val_acc": re.compile(r"\bval_acc\s+" + _NUM, re.I),
    "time": re.compile(r"\btime\s+" + _NUM + r"\s*s\b", re.I),
    "img_per_s": re.compile(_NUM + r"\s*img/s\b", re.I),
}


class BenchError(Exception):
    """A step of the benchmark could not run; the message says which."""


# ---------------------------------------------------------------- parsing

def parse_epoch_line(line):
    """Parse one CLI progress line, or return None if it is not one.

    Format: `epoch 1/5  loss 0.5123  time 7.82 s  7670 img/s`, optionally
    with `val_loss X  val_acc Y` between loss and time.
    """
    head = EPOCH_HEAD_RE.match(line)
    if not head:
        return None
    rest = line[head.end():]
    fields = {}
    for name, regex in FIELD_RE.items():
        m = regex.search(rest)
        if m:
            fields[name] = float(m.group(1))
    if "loss" not in fields or "time" not in fields:
        return None
    fields["epoch"] = int(head.group(1))
    fields["epochs"] = int(head.group(2))
    return fields


def parse_epoch_lines(text):
    return [e for e in map(parse_epoch_line, text.splitlines()) if e]


def parse_json_object(text, what):
    """The stdout of a child: one JSON object (or a last line holding one)."""
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


def require_keys(obj, keys, what):
    missing = [k for k in keys if k not in obj]
    if missing:
        raise BenchError(f"{what}: JSON lacks {', '.join(missing)}: {obj}")


# ---------------------------------------------------------------- children

def run_child(cmd, what, echo_prefix=None):
    """Run cmd; return (stdout, stderr, peak RSS in KiB).

    stdout is read through a pipe (and echoed live with echo_prefix if
    given, except JSON lines); stderr goes to a temporary file so neither can fill and block.
    The child is reaped with os.wait4 to get its own rusage.
    """
    with tempfile.TemporaryFile(mode="w+") as err:
        try:
            proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=err,
                                    text=True, bufsize=1)
        except OSError as e:
            raise BenchError(f"{what}: cannot start {cmd[0]}: {e}") from e
        out_lines = []
        for line in proc.stdout:
            out_lines.append(line)
            if echo_prefix is not None and not line.startswith("{"):
                print(echo_prefix + line.rstrip("\n"), flush=True)
        proc.stdout.close()
        _, status, usage = os.wait4(proc.pid, 0)
        proc.returncode = os.waitstatus_to_exitcode(status)  # reaped by us
        err.seek(0)
        stderr = err.read()
    stdout = "".join(out_lines)
    if proc.returncode != 0:
        how = (f"killed by signal {-proc.returncode}" if proc.returncode < 0
               else f"exit status {proc.returncode}")
        raise BenchError(f"{what} failed ({how}): {' '.join(cmd)}\n"
                         f"--- stderr ---\n{stderr.rstrip()}\n--------------")
    return stdout, stderr, usage.ru_maxrss


def run_ours(cli, data, epochs, threads, tmpdir):
    if not os.path.isfile(cli) or not os.access(cli, os.X_OK):
        raise BenchError(f"defectscope-cli not found or not executable at {cli} "
                         f"(build it first, or pass --build DIR)")
    model_path = os.path.join(tmpdir, "seed.dsm")
    train_cmd = [cli, "train", "--model", "seed-cnn", "--data", data,
                 "--epochs", str(epochs), "--batch", str(BATCH), "--lr", LR,
                 "--seed", str(SEED), "--threads", str(threads),
                 "--val-split", "0", "--out", model_path]
    print("defectscope train:", flush=True)
    stdout, _, train_rss = run_child(train_cmd, "defectscope-cli train", "  ")
    epochs_parsed = parse_epoch_lines(stdout)
    if len(epochs_parsed) != epochs:
        raise BenchError(f"defectscope-cli train: expected {epochs} epoch lines, "
                         f"parsed {len(epochs_parsed)} from:\n{stdout.rstrip()}")
    if not os.path.isfile(model_path):
        raise BenchError(f"defectscope-cli train: no model written at {model_path}")

    eval_cmd = [cli, "eval", "--model", model_path, "--data", data, "--json"]
    print("defectscope eval:", flush=True)
    stdout, _, eval_rss = run_child(eval_cmd, "defectscope-cli eval")
    result = parse_json_object(stdout, "defectscope-cli eval")
    require_keys(result, ("accuracy", "n", "inference_seconds"), "defectscope-cli eval")
    if result["n"] != 10000:
        print(f"  warning: eval reports n = {result['n']}, expected 10000", flush=True)
    print(f"  accuracy {result['accuracy']:.4f}  inference {result['inference_seconds']:.3f} s",
          flush=True)
    return {
        "epoch_seconds": [e["time"] for e in epochs_parsed],
        "epoch_loss": [e["loss"] for e in epochs_parsed],
        "accuracy": float(result["accuracy"]),
        "n": int(result["n"]),
        "inference_seconds": float(result["inference_seconds"]),
        "peak_rss_kib": train_rss,
        "eval_peak_rss_kib": eval_rss,
    }


def run_torch(data, epochs, threads):
    if not os.access(TORCH_PYTHON, os.X_OK):
        raise BenchError(f"{TORCH_PYTHON} not found (needed for PyTorch)")
    cmd = [TORCH_PYTHON, TORCH_SCRIPT, "--data", data, "--epochs", str(epochs),
           "--batch", str(BATCH), "--lr", LR, "--seed", str(SEED),
           "--threads", str(threads)]
    print("pytorch train + eval:", flush=True)
    stdout, stderr, rss = run_child(cmd, "torch_seed_cnn.py", echo_prefix="  ")
    for line in stderr.splitlines():  # warnings, if any
        print("  stderr: " + line, flush=True)
    result = parse_json_object(stdout, "torch_seed_cnn.py")
    require_keys(result, ("epoch_seconds", "accuracy", "inference_seconds"),
                 "torch_seed_cnn.py")
    result["peak_rss_kib"] = rss
    return result


# ---------------------------------------------------------------- report

def noted_env():
    return {k: os.environ[k] for k in NOTED_ENV if k in os.environ}


def mean(xs):
    return sum(xs) / len(xs) if xs else None


def epoch_summary(seconds):
    return {"mean": mean(seconds), "first": seconds[0] if seconds else None,
            "rest_mean": mean(seconds[1:])}


def ratio(a, b):
    return a / b if a is not None and b else None


def verdict(ok):
    return "n/a" if ok is None else ("PASS" if ok else "FAIL")


def compare(ours, torch):
    """Figures, ratios and target verdicts as one dict (also the JSON)."""
    o_ep = epoch_summary(ours["epoch_seconds"]) if ours else None
    t_ep = epoch_summary(torch["epoch_seconds"]) if torch else None
    o_rss = ours["peak_rss_kib"] if ours else None
    t_rss = torch["peak_rss_kib"] if torch else None
    o_inf = ours["inference_seconds"] if ours else None
    t_inf = torch["inference_seconds"] if torch else None
    r_epoch = ratio(o_ep and o_ep["mean"], t_ep and t_ep["mean"])
    return {
        "ratios": {"epoch_seconds": r_epoch,
                   "inference_seconds": ratio(o_inf, t_inf),
                   "peak_rss": ratio(o_rss, t_rss)},
        "epoch_summary": {"ours": o_ep, "torch": t_ep},
        "targets": {
            "epoch_ratio_le_0.5": None if r_epoch is None else r_epoch <= MAX_EPOCH_RATIO,
            "ours_inference_le_1s": None if o_inf is None else o_inf <= MAX_INFERENCE_SECONDS,
            "ours_rss_lt_torch": None if None in (o_rss, t_rss) else o_rss < t_rss,
        },
    }


def fmt(value, spec):
    return "-" if value is None else format(value, spec)


def mib(kib):
    return None if kib is None else kib / 1024.0


def header_lines(epochs, threads, env):
    today = datetime.date.today().isoformat()
    plural = "" if epochs == 1 else "s"
    lines = [f"seed-cnn on Fashion-MNIST, {epochs} epoch{plural}, batch {BATCH}, Adam 1e-3, "
             f"{threads} threads   ({today}, {cpu_model()})"]
    if env:
        lines.append("environment (left as set): "
                     + "  ".join(f"{k}={v}" for k, v in env.items()))
    return lines


def print_report(args, ours, torch, cmp):
    get = lambda d, k: d[k] if d else None  # noqa: E731
    torch_name = f"pytorch {torch['torch_version']}" if torch else "pytorch"
    o_ep, t_ep = cmp["epoch_summary"]["ours"], cmp["epoch_summary"]["torch"]
    r, t = cmp["ratios"], cmp["targets"]

    print()
    for line in header_lines(args.epochs, args.threads, noted_env()):
        print(line)
    row = "{:<20}{:>12}{:>18}{:>10}   {:<16}{}"
    print(row.format("", "defectscope", torch_name, "ratio", "target", "").rstrip())
    print(row.format("seconds / epoch", fmt(o_ep and o_ep["mean"], ".2f"),
                     fmt(t_ep and t_ep["mean"], ".2f"), fmt(r["epoch_seconds"], ".2f"),
                     f"ratio <= {MAX_EPOCH_RATIO}", verdict(t["epoch_ratio_le_0.5"])))
    print(row.format("test accuracy", fmt(get(ours, "accuracy"), ".4f"),
                     fmt(get(torch, "accuracy"), ".4f"), "", "", "").rstrip())
    print(row.format("10k inference (s)", fmt(get(ours, "inference_seconds"), ".3f"),
                     fmt(get(torch, "inference_seconds"), ".3f"),
                     fmt(r["inference_seconds"], ".2f"),
                     f"ours <= {MAX_INFERENCE_SECONDS:g} s", verdict(t["ours_inference_le_1s"])))
    print(row.format("peak RSS (MiB)", fmt(mib(get(ours, "peak_rss_kib")), ".0f"),
                     fmt(mib(get(torch, "peak_rss_kib")), ".0f"), fmt(r["peak_rss"], ".2f"),
                     "ours < torch", verdict(t["ours_rss_lt_torch"])))

    print()
    print("{:<20}{:>12}{:>18}".format("epoch time (s)", "defectscope", "pytorch"))
    o_secs = get(ours, "epoch_seconds") or []
    t_secs = get(torch, "epoch_seconds") or []
    for i in range(max(len(o_secs), len(t_secs))):
        print("{:<20}{:>12}{:>18}".format(
            f"  epoch {i + 1}", fmt(o_secs[i] if i < len(o_secs) else None, ".2f"),
            fmt(t_secs[i] if i < len(t_secs) else None, ".2f")))
    print("{:<20}{:>12}{:>18}".format("  first", fmt(o_ep and o_ep["first"], ".2f"),
                                      fmt(t_ep and t_ep["first"], ".2f")))
    print("{:<20}{:>12}{:>18}".format("  mean of the rest", fmt(o_ep and o_ep["rest_mean"], ".2f"),
                                      fmt(t_ep and t_ep["rest_mean"], ".2f")))

    if ours:
        print(f"\ndefectscope eval process peak RSS: {mib(ours['eval_peak_rss_kib']):.0f} MiB "
              f"(the table shows the train process)")
    if torch:
        print(f"pytorch: {torch.get('num_threads')} intra-op threads, "
              f"{torch.get('num_interop_threads')} inter-op; "
              f"mkldnn available={torch.get('mkldnn_available')} "
              f"enabled={torch.get('mkldnn_enabled')}; "
              f"conv kernels: {', '.join(torch.get('conv_kernels') or ['?'])}; "
              f"peak RSS covers train + eval in one process")
        if "train_peak_rss_kib" in torch:
            print(f"pytorch peak RSS at the end of training, before inference: "
                  f"{mib(torch['train_peak_rss_kib']):.0f} MiB")


def print_baseline(where, ours, base, torch):
    """The build under test against another build, both measured in this run."""
    o, b = mean(ours["epoch_seconds"]), mean(base["epoch_seconds"])
    t = mean(torch["epoch_seconds"]) if torch else None
    print(f"\nbaseline build {where}, same run:")
    row = "{:<20}{:>12}{:>12}{:>10}"
    print(row.format("", "this build", "baseline", "ratio"))
    print(row.format("seconds / epoch", fmt(o, ".2f"), fmt(b, ".2f"), fmt(ratio(o, b), ".3f")))
    print(row.format("  against pytorch", fmt(ratio(o, t), ".3f"), fmt(ratio(b, t), ".3f"), ""))
    print(row.format("test accuracy", fmt(ours["accuracy"], ".4f"), fmt(base["accuracy"], ".4f"),
                     ""))
    print(row.format("10k inference (s)", fmt(ours["inference_seconds"], ".3f"),
                     fmt(base["inference_seconds"], ".3f"),
                     fmt(ratio(ours["inference_seconds"], base["inference_seconds"]), ".3f")))
    print(row.format("peak RSS (MiB)", fmt(mib(ours["peak_rss_kib"]), ".0f"),
                     fmt(mib(base["peak_rss_kib"]), ".0f"),
                     fmt(ratio(ours["peak_rss_kib"], base["peak_rss_kib"]), ".3f")))


def write_json(path, args, ours, torch, cmp):
    doc = {
        "benchmark": "seed-cnn",
        "date": datetime.date.today().isoformat(),
        "cpu": cpu_model(),
        "environment": noted_env(),
        "epochs": args.epochs, "batch": BATCH, "lr": float(LR), "seed": SEED,
        "threads": args.threads, "data": args.data,
        "ours": ours, "torch": torch, **cmp,
    }
    with open(path, "w") as f:
        json.dump(doc, f, indent=2)
        f.write("\n")


# ---------------------------------------------------------------- self-test

def self_test():
    """Check the parsers and the report on fixed samples; no children run."""
    e = parse_epoch_line("epoch 1/5  loss 0.5123  time 7.82 s  7670 img/s")
    assert e == {"epoch": 1, "epochs": 5, "loss": 0.5123, "time": 7.82,
                 "img_per_s": 7670.0}, e
    e = parse_epoch_line("epoch 2/5  loss 0.3300  val_loss 0.4000  val_acc 0.8512"
                         "  time 7.61 s  7884 img/s")
    assert (e["epoch"], e["loss"], e["val_loss"], e["val_acc"], e["time"]) == \
        (2, 0.33, 0.4, 0.8512, 7.61), e
    e = parse_epoch_line("  epoch   3 / 5   loss   0.30   time   12 s   5000 img/s  ")
    assert (e["epoch"], e["loss"], e["time"]) == (3, 0.30, 12.0), e
    assert FIELD_RE["loss"].search("val_loss 0.4") is None  # loss is not val_loss
    e = parse_epoch_line("epoch 1/5  val_loss 0.4  time 1 s  1 img/s")
    assert e is None, e  # no training loss: not a progress line
    for junk in ("", "loading data...", "epochs: 5", "epoch 1/5 starting"):
        assert parse_epoch_line(junk) is None, junk
    text = ("loading\nepoch 1/2  loss 0.5  time 8.00 s  7500 img/s\n"
            "epoch 2/2  loss 0.4  time 7.00 s  8571 img/s\nsaved\n")
    assert [x["time"] for x in parse_epoch_lines(text)] == [8.0, 7.0]

    o = parse_json_object('{"accuracy": 0.9012, "n": 10000, "inference_seconds": 0.41}\n',
                          "eval")
    require_keys(o, ("accuracy", "n", "inference_seconds"), "eval")
    o = parse_json_object('some log\n{"accuracy": 0.9, "n": 10000, "inference_seconds": 0.4}',
                          "eval")
    assert o["n"] == 10000
    for bad in ("", "not json", "[1, 2]"):
        try:
            parse_json_object(bad, "eval")
        except BenchError:
            pass
        else:
            raise AssertionError(f"accepted {bad!r}")
    try:
        require_keys({"accuracy": 1}, ("accuracy", "n"), "eval")
    except BenchError:
        pass
    else:
        raise AssertionError("missing key accepted")

    ours = {"epoch_seconds": [8.0, 7.8, 7.6], "epoch_loss": [0.5, 0.3, 0.28],
            "accuracy": 0.9012, "n": 10000, "inference_seconds": 0.41,
            "peak_rss_kib": 150 * 1024, "eval_peak_rss_kib": 60 * 1024}
    torch = {"epoch_seconds": [21.6, 21.3, 21.3], "accuracy": 0.905, "n": 10000,
             "inference_seconds": 0.88, "peak_rss_kib": 420 * 1024,
             "torch_version": "1.13.0", "num_threads": 2, "num_interop_threads": 1,
             "mkldnn_available": True, "mkldnn_enabled": True,
             "train_peak_rss_kib": 400 * 1024,
             "conv_kernels": ["aten::mkldnn_convolution"]}
    cmp = compare(ours, torch)
    assert abs(cmp["ratios"]["epoch_seconds"] - 7.8 / 21.4) < 1e-9
    assert cmp["targets"] == {"epoch_ratio_le_0.5": True, "ours_inference_le_1s": True,
                              "ours_rss_lt_torch": True}
    assert compare(None, torch)["targets"]["ours_rss_lt_torch"] is None
    args = argparse.Namespace(epochs=3, threads=2, data="(sample)")
    print_report(args, ours, torch, cmp)
    print_report(args, None, torch, compare(None, torch))
    print_baseline("(sample)", ours, dict(ours, epoch_seconds=[7.0, 7.0, 7.0]), torch)
    print("\nself-test OK (the tables above are sample figures)")


# ---------------------------------------------------------------- main

def parse_args(argv=None):
    p = argparse.ArgumentParser(
        description="Compare defectscope-cli with PyTorch on the seed-cnn recipe.")
    p.add_argument("--epochs", type=int, default=5)
    p.add_argument("--build", default="build",
                   help="meson build directory; the CLI is BUILD/app/defectscope-cli")
    p.add_argument("--data", default="/usr/share/datasets/fashion-mnist")
    p.add_argument("--threads", type=int, default=2)
    p.add_argument("--only", choices=("ours", "torch"), help="run one side only")
    p.add_argument("--baseline", metavar="BUILD",
                   help="another build of defectscope to run in the same run, for before/after")
    p.add_argument("--json", metavar="OUT", help="also write all figures as JSON to OUT")
    p.add_argument("--self-test", action="store_true",
                   help="check the parsers and report on fixed samples, then exit")
    args = p.parse_args(argv)
    if args.epochs < 1:
        p.error("--epochs must be >= 1")
    if args.threads < 1:
        p.error("--threads must be >= 1")
    return args


def main(argv=None):
    args = parse_args(argv)
    if args.self_test:
        self_test()
        return 0
    for line in header_lines(args.epochs, args.threads, noted_env()):
        print(line, flush=True)
    ours = torch = baseline = None
    try:
        if args.only != "torch":
            cli = os.path.join(args.build, CLI_RELPATH)
            with tempfile.TemporaryDirectory(prefix="seed-cnn-bench-") as tmpdir:
                ours = run_ours(cli, args.data, args.epochs, args.threads, tmpdir)
            if args.baseline:
                print(f"baseline ({args.baseline}):", flush=True)
                cli = os.path.join(args.baseline, CLI_RELPATH)
                with tempfile.TemporaryDirectory(prefix="seed-cnn-bench-") as tmpdir:
                    baseline = run_ours(cli, args.data, args.epochs, args.threads, tmpdir)
        if args.only != "ours":
            torch = run_torch(args.data, args.epochs, args.threads)
    except BenchError as e:
        print(f"\nseed-cnn benchmark: {e}", file=sys.stderr)
        return 1
    cmp = compare(ours, torch)
    print_report(args, ours, torch, cmp)
    if baseline:
        print_baseline(args.baseline, ours, baseline, torch)
        cmp["baseline"] = baseline
    if args.json:
        write_json(args.json, args, ours, torch, cmp)
        print(f"\nfigures written to {args.json}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
