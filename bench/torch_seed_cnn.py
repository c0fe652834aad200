#!/usr/bin/python3
"""PyTorch reference for the seed-cnn recipe on Fashion-MNIST.

Trains the same CNN as `defectscope-cli train --model seed-cnn` (batch 64,
Adam 1e-3, all 60000 training images, no validation split), then measures
test accuracy and the time of the forward passes over the 10000 test images.

Progress lines go to stdout in the CLI's format, followed by the result as
one JSON line (always the last line of stdout):
    {"epoch_seconds": [...], "epoch_loss": [...], "accuracy": ...,
     "n": 10000, "inference_seconds": ..., "torch_version": ..., ...}

Meant to be run by bench/seed-cnn.py (which measures its peak RSS), but it
also runs on its own:  /usr/bin/python3 bench/torch_seed_cnn.py --epochs 1
"""

import argparse
import gzip
import json
import os
import resource
import struct
import sys
import time

import numpy as np
import torch
from torch import nn

IDX_UBYTE = 0x08
IMAGE_SIZE = 28
NUM_CLASSES = 10
EVAL_BATCH = 1000
TRAIN_FILES = ("train-images-idx3-ubyte.gz", "train-labels-idx1-ubyte.gz")
TEST_FILES = ("t10k-images-idx3-ubyte.gz", "t10k-labels-idx1-ubyte.gz")


def read_idx(path, expected_ndim):
    """Read a gzipped IDX file of unsigned bytes into a numpy array.

    Header: two zero bytes, a type code (0x08 = ubyte), the number of
    dimensions, then one big-endian uint32 per dimension.
    """
    with gzip.open(path, "rb") as f:
        data = f.read()
    if len(data) < 4:
        raise ValueError(f"{path}: too short for an IDX header")
    zero0, zero1, type_code, ndim = data[:4]
    if zero0 != 0 or zero1 != 0:
        raise ValueError(f"{path}: bad IDX magic {data[:4].hex()}")
    if type_code != IDX_UBYTE:
        raise ValueError(f"{path}: IDX type 0x{type_code:02x}, expected 0x08 (ubyte)")
    if ndim != expected_ndim:
        raise ValueError(f"{path}: {ndim} dimensions, expected {expected_ndim}")
    header_len = 4 + 4 * ndim
    dims = struct.unpack(">" + "I" * ndim, data[4:header_len])
    count = int(np.prod(dims))
    if len(data) - header_len != count:
        raise ValueError(f"{path}: header says {dims} ({count} bytes) "
                         f"but {len(data) - header_len} bytes follow")
    return np.frombuffer(data, dtype=np.uint8, offset=header_len).reshape(dims)


def load_split(data_dir, files):
    """Return (images float32 N,1,28,28 in [0,1], labels int64 N)."""
    images = read_idx(os.path.join(data_dir, files[0]), 3)
    labels = read_idx(os.path.join(data_dir, files[1]), 1)
    if images.shape[0] != labels.shape[0]:
        raise ValueError(f"{files[0]}: {images.shape[0]} images but "
                         f"{labels.shape[0]} labels")
    if images.shape[1:] != (IMAGE_SIZE, IMAGE_SIZE):
        raise ValueError(f"{files[0]}: images are {images.shape[1:]}, expected 28x28")
    pixels = images.astype(np.float32)
    pixels /= 255.0  # in place: no second float copy of the data set
    x = torch.from_numpy(pixels).reshape(-1, 1, IMAGE_SIZE, IMAGE_SIZE)
    y = torch.from_numpy(labels.astype(np.int64))
    return x, y


def seed_cnn():
    return nn.Sequential(
        nn.Conv2d(1, 32, 3), nn.ReLU(), nn.MaxPool2d(2),
        nn.Conv2d(32, 64, 3), nn.ReLU(), nn.MaxPool2d(2),
        nn.Conv2d(64, 64, 3), nn.ReLU(),
        nn.Flatten(),
        nn.Linear(576, 64), nn.ReLU(),
        nn.Linear(64, NUM_CLASSES),
    )


def train_epoch(model, optimizer, loss_fn, x, y, batch):
    """One shuffled pass over (x, y); returns the mean loss per image."""
    model.train()
    order = torch.randperm(x.shape[0])
    total_loss = 0.0
    for start in range(0, x.shape[0], batch):
        idx = order[start:start + batch]
        xb, yb = x[idx], y[idx]
        optimizer.zero_grad(set_to_none=True)
        loss = loss_fn(model(xb), yb)
        loss.backward()
        optimizer.step()
        total_loss += loss.item() * idx.shape[0]
    return total_loss / x.shape[0]


def evaluate(model, x, y):
    """Return (accuracy, seconds spent in the forward passes)."""
    model.eval()
    correct = 0
    seconds = 0.0
    with torch.no_grad():
        for start in range(0, x.shape[0], EVAL_BATCH):
            xb = x[start:start + EVAL_BATCH]
            t0 = time.perf_counter()
            logits = model(xb)
            seconds += time.perf_counter() - t0
            correct += (logits.argmax(1) == y[start:start + EVAL_BATCH]).sum().item()
    return correct / x.shape[0], seconds


def conv_kernels(model, x):
    """Names of the convolution kernels ATen dispatches to (e.g. mkldnn)."""
    with torch.no_grad(), torch.autograd.profiler.profile() as prof:
        model(x)
    return sorted({e.name for e in prof.function_events
                   if "convolution" in e.name and e.name != "aten::convolution"
                   and e.name != "aten::_convolution"})


def parse_args(argv=None):
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--data", default="/usr/share/datasets/fashion-mnist",
                   help="directory with the four Fashion-MNIST .gz IDX files")
    p.add_argument("--epochs", type=int, default=5)
    p.add_argument("--batch", type=int, default=64)
    p.add_argument("--lr", type=float, default=1e-3)
    p.add_argument("--seed", type=int, default=1)
    p.add_argument("--threads", type=int, default=2)
    return p.parse_args(argv)


def main(argv=None):
    args = parse_args(argv)
    torch.set_num_threads(args.threads)
    torch.manual_seed(args.seed)

    try:
        x_train, y_train = load_split(args.data, TRAIN_FILES)
        x_test, y_test = load_split(args.data, TEST_FILES)
    except (OSError, ValueError) as e:
        print(f"torch_seed_cnn: cannot load data: {e}", file=sys.stderr)
        return 1

    model = seed_cnn()
    optimizer = torch.optim.Adam(model.parameters(), lr=args.lr)
    loss_fn = nn.CrossEntropyLoss()

    epoch_seconds, epoch_loss = [], []
    for epoch in range(1, args.epochs + 1):
        t0 = time.perf_counter()
        loss = train_epoch(model, optimizer, loss_fn, x_train, y_train, args.batch)
        seconds = time.perf_counter() - t0
        epoch_seconds.append(seconds)
        epoch_loss.append(loss)
        print(f"epoch {epoch}/{args.epochs}  loss {loss:.4f}  time {seconds:.2f} s  "
              f"{x_train.shape[0] / seconds:.0f} img/s", flush=True)

    # Peak RSS so far (KiB): training only, before the batch-1000 inference.
    train_peak_rss_kib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    accuracy, inference_seconds = evaluate(model, x_test, y_test)
    kernels = conv_kernels(model, x_test[:EVAL_BATCH])  # after timing: no effect

    print(json.dumps({
        "epoch_seconds": epoch_seconds,
        "epoch_loss": epoch_loss,
        "accuracy": accuracy,
        "n": int(x_test.shape[0]),
        "inference_seconds": inference_seconds,
        "train_peak_rss_kib": train_peak_rss_kib,
        "torch_version": torch.__version__,
        "numpy_version": np.__version__,
        "num_threads": torch.get_num_threads(),
        "num_interop_threads": torch.get_num_interop_threads(),
        "mkldnn_available": torch.backends.mkldnn.is_available(),
        "mkldnn_enabled": torch.backends.mkldnn.enabled,
        "conv_kernels": kernels,
    }), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
