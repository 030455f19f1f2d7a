"""Held-out reconstruction error of the default autoencoder by rows seen.

The evidence behind ``max_epochs="auto"``: the default 28 x 28 autoencoder
is trained on training sets of several sizes, and after every epoch its mean
squared reconstruction error (on the sampler's ``[-1, 1]`` scale) is
measured on held-out images, 100 per digit. The table gives that error once
the autoencoder has seen about 45,000, 90,000, 180,000 and 260,000 rows.
Training sets: the paper's IR-100 profile at 1,800 rows, 450 per digit, and
every image not held out (MNIST t10k with ``--mnist-dir``; else 8 x 8
digits, with smaller sets).

Examples
--------
::

    python benchmarks/bench_budget.py --quick
    python benchmarks/bench_budget.py --mnist-dir /path/to/mnist --threads 1 \\
        --output docs/benchmarks/budget.rst
"""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np
from _common import (
    PAPER_PROFILE,
    Table,
    apply_threads,
    base_parser,
    load_digits_images,
    load_mnist,
    report,
    timed,
)
from skorch.callbacks import Callback

from imblearn_deepsmote import Autoencoder

LATENT_DIM = 32
BATCH_SIZE = 64
MILESTONES = (45_000, 90_000, 180_000, 260_000)


def as_rows(X: np.ndarray) -> np.ndarray:
    """Rows in ``[0, 1]`` on the sampler's ``[-1, 1]`` pixel scale."""
    return X * 2 - 1


class HeldOutError(Callback):
    """Record the held-out reconstruction error (``heldout_mse``) every epoch."""

    def __init__(self, X_test: np.ndarray) -> None:
        self.X_test = X_test

    def on_epoch_end(self, net, **kwargs) -> None:
        net.history.record("heldout_mse", -net.score(self.X_test))


def heldout_curve(
    X: np.ndarray, X_test: np.ndarray, image_shape, epochs: int, seed: int
) -> list[tuple[int, float]]:
    """``(rows seen, held-out MSE)`` after each epoch of reconstruction training."""
    autoencoder = Autoencoder(
        image_shape=image_shape,
        latent_dim=LATENT_DIM,
        batch_size=BATCH_SIZE,
        scaler=None,  # rows are already on the [-1, 1] scale, train and test alike
        max_epochs=epochs,
        n_iter_no_change=None,
        random_state=seed,
        device="cpu",
        n_threads=None,
        callbacks=[("heldout", HeldOutError(X_test))],
    ).fit(X)
    history = autoencoder.history_
    seen = np.cumsum(
        [sum(history[i, "batches", :, "train_batch_size"]) for i in range(len(history))]
    )
    return list(zip(seen.tolist(), history[:, "heldout_mse"], strict=True))


def main(argv: list[str] | None = None) -> None:
    """Parse arguments, train on each training set and report."""
    parser = base_parser(__doc__.splitlines()[0], default_seeds=[0])
    parser.add_argument("--mnist-dir", type=Path, default=None)
    args = parser.parse_args(argv)
    apply_threads(args)
    seed = (args.seeds or [0])[0]
    data = load_mnist(args.mnist_dir) if args.mnist_dir else load_digits_images()
    rng = np.random.default_rng(seed)
    test, pools = [], []
    for label in range(10):
        members = rng.permutation(np.flatnonzero(data.y == label))
        test.extend(members[:100])
        pools.append(members[100:])
    scale = 1.0 if args.mnist_dir else 0.1
    per_class = {
        f"{round(1800 * scale):,} (IR-100 profile)": [
            round(p * 0.2 * scale) for p in PAPER_PROFILE
        ],
        f"{round(4500 * scale):,} ({round(450 * scale)} per digit)": [
            round(450 * scale)
        ]
        * 10,
        "all not held out": [len(pool) for pool in pools],
    }
    milestones = [round(m * scale) for m in MILESTONES]
    if args.quick:
        milestones = milestones[:2]
    X_test = as_rows(data.X[test])
    table = Table(
        "Held-out reconstruction error by rows seen",
        ["training rows", *(f"{m:,}" for m in milestones)],
    )
    with timed() as watch:
        for name, counts in per_class.items():
            rows = np.concatenate([p[:c] for p, c in zip(pools, counts, strict=True)])
            X = as_rows(data.X[rows])
            epochs = int(np.ceil(milestones[-1] / len(X)))
            curve = heldout_curve(X, X_test, data.image_shape, epochs, seed)
            cells = []
            for milestone in milestones:
                seen, error = min(curve, key=lambda point: abs(point[0] - milestone))
                close = abs(seen - milestone) <= 0.1 * milestone
                cells.append(f"{error:.4f}" if close else "")
            table.add_row(
                name.replace("all not held out", f"{len(X):,} (the rest)"), *cells
            )
            print(f"{name}: {curve}", file=sys.stderr, flush=True)
    table.notes = [
        f"{'MNIST t10k' if args.mnist_dir else '8x8 digits'}: 100 held-out images "
        "per digit; each training set is drawn from the rest. Default "
        f"ConvAutoencoder (latent {LATENT_DIM}), Adam lr 1e-3, batch {BATCH_SIZE}, "
        f"reconstruction loss only, seed {seed}; the error is the mean squared "
        "error on the [-1, 1] scale after the epoch whose rows seen are closest to "
        "the column's (within 10%; blank when no epoch is that close). Total "
        f"wall time {watch.seconds / 60:.1f} min.",
    ]
    report([table], "Training budget evidence", args.output)


if __name__ == "__main__":
    main()
