"""Tune DeepSMOTE on a Dask cluster with scikit-learn's GridSearchCV.

A grid search fits one pipeline per candidate and fold: with joblib's
``"dask"`` backend those fits run on the workers of a Dask cluster instead of
local processes. DeepSMOTE needs nothing special for it: it pickles (its
autoencoder travels on the CPU) and is reproducible from ``random_state``.

Run it against a running cluster by giving the scheduler's address::

    python examples/dask_grid_search.py tcp://scheduler:8786

or with no address to start a small local cluster (two worker processes on
this machine, reachable on the loopback interface only)::

    python examples/dask_grid_search.py

It needs ``pip install imblearn-deepsmote[dask]``. This script is not part of
the example gallery, which is built without a cluster.
"""

from __future__ import annotations

import argparse
import time

import joblib
import numpy as np
from distributed import Client, LocalCluster
from imblearn.pipeline import make_pipeline
from sklearn.datasets import load_digits
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import GridSearchCV, StratifiedKFold
from sklearn.preprocessing import StandardScaler

from imblearn_deepsmote import Autoencoder, DeepSMOTE


def imbalanced_digits(seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    """Four digit classes of 60, 60, 12 and 10 flattened 8 x 8 images."""
    X, y = load_digits(return_X_y=True)
    rng = np.random.default_rng(seed)
    counts = {0: 60, 1: 60, 2: 12, 3: 10}
    keep = np.concatenate(
        [rng.permutation(np.flatnonzero(y == c))[:n] for c, n in counts.items()]
    )
    return X[keep], y[keep]


def make_search(max_epochs: int = 5) -> GridSearchCV:
    """A grid over the autoencoder's latent size and penalty; balanced accuracy.

    ``max_epochs=5``, a quarter of the default budget, keeps each fit short:
    the script shows the fits running on the cluster, not the best model.
    """
    pipeline = make_pipeline(
        DeepSMOTE(
            autoencoder=Autoencoder(max_epochs=max_epochs, device="cpu"),
            image_shape=(8, 8),
            random_state=0,
        ),
        StandardScaler(),
        LogisticRegression(),
    )
    grid = {
        "deepsmote__autoencoder__latent_dim": [8, 16],
        "deepsmote__autoencoder__penalty": ["paper", None],
    }
    return GridSearchCV(
        pipeline,
        grid,
        cv=StratifiedKFold(3, shuffle=True, random_state=0),
        scoring="balanced_accuracy",
        n_jobs=-1,
    )


def run(address: str | None = None, max_epochs: int = 5) -> GridSearchCV:
    """Fit the grid search on the cluster at ``address``, or on a local one."""
    cluster = None
    if address is None:
        cluster = LocalCluster(
            n_workers=2,
            threads_per_worker=1,
            processes=True,
            host="127.0.0.1",
            dashboard_address=None,
        )
        address = cluster.scheduler_address
    try:
        with Client(address) as client, joblib.parallel_backend("dask"):
            print(f"fitting on {len(client.scheduler_info()['workers'])} workers")
            X, y = imbalanced_digits()
            search = make_search(max_epochs)
            start = time.perf_counter()
            search.fit(X, y)
            print(f"done in {time.perf_counter() - start:.1f}s")
    finally:
        if cluster is not None:
            cluster.close()
    return search


def main(argv: list[str] | None = None) -> GridSearchCV:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "address",
        nargs="?",
        default=None,
        help="scheduler address, e.g. tcp://scheduler:8786 (default: a local cluster)",
    )
    parser.add_argument("--max-epochs", type=int, default=5)
    args = parser.parse_args(argv)
    search = run(args.address, args.max_epochs)
    results = search.cv_results_
    for rank, params, score in sorted(
        zip(
            results["rank_test_score"],
            results["params"],
            results["mean_test_score"],
            strict=True,
        ),
        key=lambda row: row[0],
    ):
        print(f"{rank}. balanced accuracy {score:.3f}  {params}")
    return search


if __name__ == "__main__":
    main()
