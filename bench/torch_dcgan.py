#!/usr/bin/python3
"""PyTorch reference for the dcgan recipe on Fashion-MNIST.

Trains the same networks as `defectscope-cli gan train --model dcgan` (batch 64, Adam 2e-4
with beta1 0.5 for both networks, N(0, 0.02) initialisation, one discriminator step then one
generator step per batch, the non-saturating generator loss, all 60000 training images
scaled to [-1, 1]) and prints one line per epoch in the CLI's format:

    epoch 1/5  d_loss 1.2345  g_loss 0.9876  time 12.34 s  4862 img/s

followed by one JSON line (always the last line of stdout):
    {"epoch_seconds": [...], "d_loss": [...], "g_loss": [...], "torch_version": ..., ...}

Meant to be run by bench/dcgan.py, but it also runs on its own:
    /usr/bin/python3 bench/torch_dcgan.py --epochs 1
"""

import argparse
import json
import os
import sys
import time

import torch
from torch import nn

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from torch_seed_cnn import load_split, TRAIN_FILES  # noqa: E402  (same IDX reader)

LATENT = 100


def generator():
    # (B, 100, 1, 1) → (B, 1, 28, 28); a 7×7 transposed convolution of a 1×1 input is the
    # "project and reshape" dense layer of the DCGAN paper
    return nn.Sequential(
        nn.ConvTranspose2d(LATENT, 128, 7, 1, 0), nn.BatchNorm2d(128), nn.ReLU(),
        nn.ConvTranspose2d(128, 64, 4, 2, 1), nn.BatchNorm2d(64), nn.ReLU(),
        nn.ConvTranspose2d(64, 1, 4, 2, 1), nn.Tanh(),
    )


def discriminator():
    # (B, 1, 28, 28) → (B, 1) logits
    return nn.Sequential(
        nn.Conv2d(1, 64, 4, 2, 1), nn.LeakyReLU(0.2),
        nn.Conv2d(64, 128, 4, 2, 1), nn.BatchNorm2d(128), nn.LeakyReLU(0.2),
        nn.Flatten(),
        nn.Linear(128 * 7 * 7, 1),
    )


def dcgan_init(module):
    # the DCGAN paper's initialisation, as defectscope's ds_gan_init_params()
    if isinstance(module, (nn.Conv2d, nn.ConvTranspose2d, nn.Linear)):
        nn.init.normal_(module.weight, 0.0, 0.02)
        nn.init.zeros_(module.bias)
    elif isinstance(module, nn.BatchNorm2d):
        nn.init.normal_(module.weight, 1.0, 0.02)
        nn.init.zeros_(module.bias)


def train_epoch(g, d, g_opt, d_opt, loss_fn, x, batch, real_label):
    """One shuffled pass; returns the mean D and G losses over its steps."""
    g.train()
    d.train()
    order = torch.randperm(x.shape[0])
    d_sum = g_sum = 0.0
    steps = 0
    for start in range(0, x.shape[0], batch):
        real = x[order[start:start + batch]]
        n = real.shape[0]
        z = torch.randn(n, LATENT, 1, 1)
        fake = g(z)

        d_opt.zero_grad(set_to_none=True)
        d_real = loss_fn(d(real), torch.full((n, 1), real_label))
        d_fake = loss_fn(d(fake.detach()), torch.zeros(n, 1))
        d_loss = d_real + d_fake
        d_loss.backward()
        d_opt.step()

        g_opt.zero_grad(set_to_none=True)
        g_loss = loss_fn(d(fake), torch.ones(n, 1))
        g_loss.backward()
        g_opt.step()

        d_sum += d_loss.item()
        g_sum += g_loss.item()
        steps += 1
    return d_sum / steps, g_sum / steps


def parse_args(argv=None):
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--data", default="/usr/share/datasets/fashion-mnist",
                   help="directory with the Fashion-MNIST .gz IDX files")
    p.add_argument("--epochs", type=int, default=1)
    p.add_argument("--batch", type=int, default=64)
    p.add_argument("--lr", type=float, default=2e-4)
    p.add_argument("--label-smoothing", type=float, default=0.0)
    p.add_argument("--seed", type=int, default=1)
    p.add_argument("--threads", type=int, default=2)
    p.add_argument("--limit", type=int, default=0,
                   help="train on the first N images only (0: all)")
    return p.parse_args(argv)


def main(argv=None):
    args = parse_args(argv)
    torch.set_num_threads(args.threads)
    torch.manual_seed(args.seed)

    try:
        x, _ = load_split(args.data, TRAIN_FILES)
    except (OSError, ValueError) as e:
        print(f"torch_dcgan: cannot load data: {e}", file=sys.stderr)
        return 1
    if args.limit > 0:
        x = x[:args.limit].clone()
    x.mul_(2.0).sub_(1.0)  # tanh's range

    g, d = generator(), discriminator()
    g.apply(dcgan_init)
    d.apply(dcgan_init)
    g_opt = torch.optim.Adam(g.parameters(), lr=args.lr, betas=(0.5, 0.999))
    d_opt = torch.optim.Adam(d.parameters(), lr=args.lr, betas=(0.5, 0.999))
    loss_fn = nn.BCEWithLogitsLoss()

    epoch_seconds, d_losses, g_losses = [], [], []
    for epoch in range(1, args.epochs + 1):
        t0 = time.perf_counter()
        d_loss, g_loss = train_epoch(g, d, g_opt, d_opt, loss_fn, x, args.batch,
                                     1.0 - args.label_smoothing)
        seconds = time.perf_counter() - t0
        epoch_seconds.append(seconds)
        d_losses.append(d_loss)
        g_losses.append(g_loss)
        print(f"epoch {epoch}/{args.epochs}  d_loss {d_loss:.4f}  g_loss {g_loss:.4f}  "
              f"time {seconds:.2f} s  {x.shape[0] / seconds:.0f} img/s", flush=True)

    print(json.dumps({
        "epoch_seconds": epoch_seconds,
        "d_loss": d_losses,
        "g_loss": g_losses,
        "n": int(x.shape[0]),
        "torch_version": torch.__version__,
        "num_threads": torch.get_num_threads(),
        "num_interop_threads": torch.get_num_interop_threads(),
        "mkldnn_enabled": torch.backends.mkldnn.enabled,
    }), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
