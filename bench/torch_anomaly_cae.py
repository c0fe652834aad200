#!/usr/bin/python3
"""PyTorch reference for the one-class protocol on Fashion-MNIST: a plain CAE.

Trains the convolutional autoencoder of `defectscope-cli anomaly train --model conv-ae` on the
training images of one class (all 6000, Adam 1e-3, batch 64, MSE loss), scores all 10000 test
images by their mean squared reconstruction error, and reports the AUROC with the normal class
as negatives. It also reports the AUROC of our default scoring (the smoothed residual's top
10 %) computed in numpy from the same reconstructions, so that the gain of the scoring can be
told apart from the engine.

Progress lines go to stdout in the CLI's format, then one JSON line (always the last):
    {"class": c, "epoch_seconds": [...], "auroc_mse": ..., "auroc_smoothed_top10": ..., ...}

Meant to be run by bench/anomaly-fmnist.py, but it runs on its own too:
    /usr/bin/python3 bench/torch_anomaly_cae.py --normal-class 0 --epochs 1
"""

import argparse
import gzip
import json
import os
import struct
import sys
import time

import numpy as np
import torch
from torch import nn

TRAIN_FILES = ("train-images-idx3-ubyte.gz", "train-labels-idx1-ubyte.gz")
TEST_FILES = ("t10k-images-idx3-ubyte.gz", "t10k-labels-idx1-ubyte.gz")


def read_idx(path, expected_ndim):
    """A gzipped IDX file of unsigned bytes as a numpy array (header checked)."""
    with gzip.open(path, "rb") as f:
        data = f.read()
    if len(data) < 4 or data[0] != 0 or data[1] != 0 or data[2] != 0x08:
        raise ValueError(f"{path}: not an unsigned-byte IDX file")
    ndim = data[3]
    if ndim != expected_ndim:
        raise ValueError(f"{path}: {ndim} dimensions, expected {expected_ndim}")
    header_len = 4 + 4 * ndim
    dims = struct.unpack(">" + "I" * ndim, data[4:header_len])
    if len(data) - header_len != int(np.prod(dims)):
        raise ValueError(f"{path}: header says {dims} but the payload differs")
    return np.frombuffer(data, dtype=np.uint8, offset=header_len).reshape(dims)


def load_split(data_dir, files):
    images = read_idx(os.path.join(data_dir, files[0]), 3)
    labels = read_idx(os.path.join(data_dir, files[1]), 1)
    if images.shape[0] != labels.shape[0]:
        raise ValueError(f"{files[0]}: {images.shape[0]} images but {labels.shape[0]} labels")
    return images, labels


def to_tensor(images):
    x = images.astype(np.float32)
    x /= 255.0
    return torch.from_numpy(x).reshape(-1, 1, images.shape[1], images.shape[2])


def conv_ae():
    """conv-ae for 28x28 gray images, layer for layer (engine/models/ds-presets.c)."""
    return nn.Sequential(
        nn.Conv2d(1, 32, 3, stride=2, padding=1), nn.ReLU(),
        nn.Conv2d(32, 64, 3, stride=2, padding=1), nn.ReLU(),
        nn.Flatten(),
        nn.Linear(64 * 7 * 7, 32),
        nn.Linear(32, 64 * 7 * 7), nn.ReLU(),
        nn.Unflatten(1, (64, 7, 7)),
        nn.ConvTranspose2d(64, 32, 4, stride=2, padding=1), nn.ReLU(),
        nn.ConvTranspose2d(32, 1, 4, stride=2, padding=1), nn.Sigmoid(),
    )


def auroc(scores, positive):
    """Exact AUROC with ties as one half (average ranks, Mann-Whitney)."""
    scores = np.asarray(scores, np.float64)
    positive = np.asarray(positive, bool)
    order = np.argsort(scores, kind="mergesort")
    _, inverse, counts = np.unique(scores[order], return_inverse=True, return_counts=True)
    average_rank = np.cumsum(counts) - (counts - 1) / 2.0
    ranks = np.empty(len(scores))
    ranks[order] = average_rank[inverse]
    n_pos = positive.sum()
    n_neg = len(scores) - n_pos
    return float((ranks[positive].sum() - n_pos * (n_pos + 1) / 2.0) / (n_pos * n_neg))


def gaussian_blur(planes, sigma):
    """Separable Gaussian truncated at 3 sigma, renormalised at the border (as the engine)."""
    r = max(1, int(np.ceil(3 * sigma)))
    k = np.exp(-(np.arange(-r, r + 1) ** 2) / (2.0 * sigma * sigma)).astype(np.float32)
    out = planes
    for axis in (2, 1):
        n = out.shape[axis]
        acc = np.zeros_like(out)
        weight = np.zeros(n, np.float32)
        for t in range(-r, r + 1):
            lo, hi = max(0, -t), min(n, n - t)   # destinations whose source i + t exists
            src = [slice(None)] * 3
            dst = [slice(None)] * 3
            src[axis] = slice(lo + t, hi + t)
            dst[axis] = slice(lo, hi)
            acc[tuple(dst)] += k[t + r] * out[tuple(src)]
            weight[lo:hi] += k[t + r]
        shape = [1, 1, 1]
        shape[axis] = n
        out = acc / weight.reshape(shape)
    return out


def smoothed_top10(x, xhat):
    diff = (x - xhat).reshape(-1, x.shape[-2], x.shape[-1])
    res = gaussian_blur(diff, 1.0) ** 2
    flat = res.reshape(res.shape[0], -1)
    k = max(1, int(round(0.1 * flat.shape[1])))
    return np.sort(flat, axis=1)[:, -k:].mean(axis=1)


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--data", default="/usr/share/datasets/fashion-mnist")
    p.add_argument("--normal-class", type=int, required=True)
    p.add_argument("--epochs", type=int, default=10)
    p.add_argument("--batch", type=int, default=64)
    p.add_argument("--lr", type=float, default=1e-3)
    p.add_argument("--seed", type=int, default=1)
    p.add_argument("--threads", type=int, default=2)
    args = p.parse_args(argv)

    torch.set_num_threads(args.threads)
    torch.manual_seed(args.seed)
    try:
        train_images, train_labels = load_split(args.data, TRAIN_FILES)
        test_images, test_labels = load_split(args.data, TEST_FILES)
    except (OSError, ValueError) as e:
        print(f"torch_anomaly_cae: cannot load data: {e}", file=sys.stderr)
        return 1
    x = to_tensor(train_images[train_labels == args.normal_class])
    x_test = to_tensor(test_images)
    if x.shape[0] == 0:
        print(f"torch_anomaly_cae: no training images of class {args.normal_class}",
              file=sys.stderr)
        return 1

    model = conv_ae()
    optimizer = torch.optim.Adam(model.parameters(), lr=args.lr)
    epoch_seconds, epoch_loss = [], []
    for epoch in range(1, args.epochs + 1):
        model.train()
        t0 = time.perf_counter()
        order = torch.randperm(x.shape[0])
        total = 0.0
        for start in range(0, x.shape[0], args.batch):
            xb = x[order[start:start + args.batch]]
            optimizer.zero_grad(set_to_none=True)
            loss = ((model(xb) - xb) ** 2).mean()
            loss.backward()
            optimizer.step()
            total += loss.item() * xb.shape[0]
        seconds = time.perf_counter() - t0
        epoch_seconds.append(seconds)
        epoch_loss.append(total / x.shape[0])
        print(f"epoch {epoch}/{args.epochs}  loss {epoch_loss[-1]:.5f}  time {seconds:.2f} s  "
              f"{x.shape[0] / seconds:.0f} img/s", flush=True)

    model.eval()
    with torch.no_grad():
        xhat = torch.cat([model(x_test[s:s + 1000]) for s in range(0, x_test.shape[0], 1000)])
    xn, xhatn = x_test.numpy(), xhat.numpy()
    positive = test_labels != args.normal_class
    mse = ((xn - xhatn) ** 2).reshape(len(xn), -1).mean(axis=1)

    print(json.dumps({
        "class": args.normal_class,
        "n_train": int(x.shape[0]),
        "n_test": int(x_test.shape[0]),
        "epoch_seconds": epoch_seconds,
        "epoch_loss": epoch_loss,
        "auroc_mse": auroc(mse, positive),
        "auroc_smoothed_top10": auroc(smoothed_top10(xn, xhatn), positive),
        "torch_version": torch.__version__,
        "num_threads": torch.get_num_threads(),
    }), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
