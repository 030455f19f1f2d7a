"""Where a training step of the default 28 x 28 autoencoder spends its time.

Two parts, both on random 28 x 28 images and batches of the package default
size:

1. ``torch.profiler``: the operators that take the most self CPU time over
   a number of reconstruction training steps (the step of ``fit_resample``
   with the default ``penalty=None``);
2. variants of the same step: the default (eager, contiguous NCHW),
   channels-last memory format, ``torch.compile`` of the encoder and the
   decoder (with its start-up: the time of the first step, which compiles),
   and bfloat16 autocast (``mixed_precision=True``). Each gives training
   images per second after warm-up. ``--quick`` leaves out torch.compile.

Examples
--------
::

    python benchmarks/profile_training.py --quick
    python benchmarks/profile_training.py --threads 1 \\
        --output docs/benchmarks/profile.rst
"""

from __future__ import annotations

import os
from collections.abc import Callable

# every torch.compile below compiles from scratch: no on-disk or in-memory cache
os.environ.setdefault("TORCHINDUCTOR_FORCE_DISABLE_CACHES", "1")

import numpy as np
import torch
from _common import Table, apply_threads, base_parser, report, resolve_seeds, timed
from torch.nn import functional as F

from imblearn_deepsmote.deepsmote import build_network

IMAGE_SHAPE = (1, 28, 28)
LATENT_DIM = 32
BATCH_SIZE = 64


def make_step(variant: str, seed: int) -> Callable[[torch.Tensor], None]:
    """One optimiser step of the default autoencoder, as ``variant`` prepares it."""
    torch.manual_seed(seed)
    autoencoder, _ = build_network("auto", IMAGE_SHAPE, LATENT_DIM)
    if variant == "channels-last":
        autoencoder = autoencoder.to(memory_format=torch.channels_last)
    if variant == "torch.compile":
        torch._dynamo.reset()  # no compiled code carried over from another seed
        autoencoder.encoder = torch.compile(autoencoder.encoder)
        autoencoder.decoder = torch.compile(autoencoder.decoder)
    optimizer = torch.optim.Adam(autoencoder.parameters(), lr=1e-3)
    autocast = variant == "bfloat16 autocast"

    def step(batch: torch.Tensor) -> None:
        with torch.autocast("cpu", torch.bfloat16, enabled=autocast):
            reconstruction = autoencoder(batch).float()
        loss = F.mse_loss(reconstruction, batch)
        optimizer.zero_grad(set_to_none=True)
        loss.backward()
        optimizer.step()

    return step


def batches(variant: str, n_batches: int, seed: int) -> list[torch.Tensor]:
    """Random images in ``[-1, 1]`` (the sampler's scaling), one tensor per batch."""
    rng = np.random.default_rng(seed)
    data = torch.from_numpy(
        rng.uniform(-1, 1, (n_batches, BATCH_SIZE, *IMAGE_SHAPE)).astype(np.float32)
    )
    if variant == "channels-last":
        return [b.contiguous(memory_format=torch.channels_last) for b in data]
    return list(data)


def profile_table(n_steps: int, seed: int, top: int = 12) -> Table:
    """Part 1: the operators with the most self CPU time."""
    step = make_step("eager", seed)
    data = batches("eager", n_steps, seed)
    for batch in data[:3]:  # warm-up
        step(batch)
    with torch.profiler.profile(
        activities=[torch.profiler.ProfilerActivity.CPU]
    ) as prof:
        for batch in data:
            step(batch)
    events = sorted(
        prof.key_averages(), key=lambda e: e.self_cpu_time_total, reverse=True
    )
    total = sum(e.self_cpu_time_total for e in events)
    table = Table(
        "Profile of the default training step",
        ["operator", "calls per step", "self CPU ms per step", "share %"],
    )
    for event in events[:top]:
        table.add_row(
            f"``{event.key}``",  # literal: a trailing _ is a reST reference
            f"{event.count / n_steps:.0f}",
            f"{event.self_cpu_time_total / 1e3 / n_steps:.3f}",
            f"{100 * event.self_cpu_time_total / total:.1f}",
        )
    table.notes = [
        f"torch.profiler over {n_steps} steps of ConvAutoencoder (latent "
        f"{LATENT_DIM}), batches of {BATCH_SIZE} random 28x28 images, "
        "reconstruction loss (penalty=None, the default), Adam; operators sorted "
        f"by self CPU time, the top {top}. Total {total / 1e3 / n_steps:.2f} ms "
        "per step with the profiler's overhead."
    ]
    return table


VARIANTS = ("eager", "channels-last", "torch.compile", "bfloat16 autocast")


def variants_table(n_steps: int, seeds: list[int], variants: list[str]) -> Table:
    """Part 2: images/s of the variants, and the first step's time."""
    table = Table(
        "Training step variants",
        ["variant", "first step s", "images/s", "vs eager"],
    )
    rates = {}
    for variant in variants:
        first, rate = [], []
        for seed in seeds:
            step = make_step(variant, seed)
            data = batches(variant, n_steps + 3, seed)
            try:
                with timed() as watch:
                    step(data[0])
                first.append(watch.seconds)
                for batch in data[1:3]:
                    step(batch)
                with timed() as watch:
                    for batch in data[3:]:
                        step(batch)
                rate.append(n_steps * BATCH_SIZE / watch.seconds)
            except Exception as exc:  # e.g. no C++ compiler for torch.compile
                table.add_row(variant, "error", f"{type(exc).__name__}: {exc}"[:80], "")
                break
        else:
            rates[variant] = float(np.mean(rate))
            table.add_row(
                variant,
                f"{np.mean(first):.2f}",
                f"{rates[variant]:.0f}",
                f"{rates[variant] / rates['eager']:.2f}x",
            )
    table.notes = [
        f"{n_steps} timed steps after 3 warm-up steps (the first, which includes "
        "torch.compile's compilation with its caches disabled, is timed on its "
        f"own); mean over seeds {seeds}. Same network, batch and loss as the "
        "profile above. bfloat16 autocast is what mixed_precision=True does; its "
        "speed on a CPU depends on native bfloat16 instructions (AVX-512 BF16 or "
        "AMX)."
    ]
    return table


def main(argv: list[str] | None = None) -> None:
    """Parse arguments, profile, time the variants and report."""
    parser = base_parser(__doc__.splitlines()[0], default_seeds=[0, 1, 2])
    args = parser.parse_args(argv)
    apply_threads(args)
    n_steps = 10 if args.quick else 200
    seeds = resolve_seeds(args)
    # torch.compile's compilation alone takes about a minute: not in a smoke test
    variants = [v for v in VARIANTS if not (args.quick and v == "torch.compile")]
    tables = [
        profile_table(n_steps, seeds[0]),
        variants_table(n_steps, seeds, variants),
    ]
    report(tables, "Profile of DeepSMOTE's training step", args.output)


if __name__ == "__main__":
    main()
