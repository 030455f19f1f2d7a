"""Tabular benchmark: SMOTE vs DeepSMOTE (MLP autoencoder) on scikit-learn datasets.

Datasets shipped with scikit-learn are made imbalanced by subsampling their
smallest class to ``largest class / --ratio`` rows (a fresh subsample per
seed). Each resampler sits inside an ``imblearn.pipeline.Pipeline``
(``StandardScaler`` -> resampler -> classifier), so it only ever sees the
training folds of a stratified 5-fold cross-validation. Scores are
``geometric_mean_score(average="macro")``, macro F1 and ROC AUC (one-vs-rest
macro average for more than two classes), mean ± std over folds and seeds.

Examples
--------
::

    python benchmarks/bench_tabular.py --quick
    python benchmarks/bench_tabular.py --output docs/benchmarks/tabular.rst
"""

from __future__ import annotations

import sys
import warnings
from collections.abc import Callable
from typing import Any

import numpy as np
from _common import (
    Table,
    apply_threads,
    base_parser,
    deepsmote_defaults,
    mean_std,
    report,
    resolve_seeds,
    timed,
)
from imblearn.metrics import geometric_mean_score
from imblearn.over_sampling import SMOTE
from imblearn.pipeline import Pipeline
from sklearn.datasets import load_breast_cancer, load_iris, load_wine
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import f1_score, roc_auc_score
from sklearn.model_selection import StratifiedKFold, cross_validate
from sklearn.neighbors import KNeighborsClassifier
from sklearn.preprocessing import StandardScaler

from imblearn_deepsmote import DeepSMOTE

DATASETS: dict[str, Callable[..., Any]] = {
    "breast_cancer": load_breast_cancer,
    "wine": load_wine,
    "iris": load_iris,
}
SAMPLERS = ("none", "SMOTE", "DeepSMOTE")
CLASSIFIERS = ("kNN", "LogReg")
METRICS = ("G-mean", "macro-F1", "ROC AUC")
COLUMNS = ["resampler", "classifier", *METRICS, "fit time (s)"]


def make_imbalanced(
    X: np.ndarray, y: np.ndarray, ratio: float, seed: int
) -> tuple[np.ndarray, np.ndarray]:
    """Subsample the smallest class to ``max count / ratio`` rows (at least 6).

    Ties go to the last label.

    Parameters
    ----------
    X, y : ndarray
        A dataset.
    ratio : float
        Imbalance ratio (largest class over the subsampled class).
    seed : int
        Seed of the subsample.

    Returns
    -------
    X, y : ndarray
        The rows kept, in their original order.
    """
    rng = np.random.default_rng(seed)
    labels, counts = np.unique(y, return_counts=True)
    # The smallest class, ties to the last label: iris then loses virginica,
    # which overlaps versicolor, rather than the trivially separable setosa.
    minority = labels[len(labels) - 1 - np.argmin(counts[::-1])]
    n_keep = max(6, int(round(counts.max() / ratio)))
    members = np.flatnonzero(y == minority)
    dropped = rng.choice(members, size=len(members) - n_keep, replace=False)
    keep = np.setdiff1d(np.arange(len(y)), dropped)
    return X[keep], y[keep]


def roc_auc(estimator, X: np.ndarray, y: np.ndarray) -> float:
    """ROC AUC scorer: binary, or one-vs-rest macro average for multiclass."""
    proba = estimator.predict_proba(X)
    if proba.shape[1] == 2:
        return roc_auc_score(y, proba[:, 1])
    return roc_auc_score(y, proba, multi_class="ovr", average="macro")


SCORING = {
    "G-mean": lambda est, X, y: geometric_mean_score(
        y, est.predict(X), average="macro"
    ),
    "macro-F1": lambda est, X, y: f1_score(y, est.predict(X), average="macro"),
    "ROC AUC": roc_auc,
}


def make_pipeline(
    sampler: str, classifier: str, k_neighbors: int, seed: int, ae_epochs: int | None
) -> Pipeline:
    """``StandardScaler`` -> resampler (or nothing) -> classifier."""
    steps: list[tuple[str, Any]] = [("scale", StandardScaler())]
    if sampler == "SMOTE":
        steps.append(("sample", SMOTE(k_neighbors=k_neighbors, random_state=seed)))
    elif sampler == "DeepSMOTE":
        extra = {} if ae_epochs is None else {"max_epochs": ae_epochs}
        steps.append(
            (
                "sample",
                DeepSMOTE(
                    k_neighbors=k_neighbors, random_state=seed, device="cpu", **extra
                ),
            )
        )
    if classifier == "kNN":
        steps.append(("clf", KNeighborsClassifier(n_neighbors=5)))
    else:
        steps.append(("clf", LogisticRegression(max_iter=2000)))
    return Pipeline(steps)


def run_dataset(
    name: str, ratio: float, seeds: list[int], n_splits: int, ae_epochs: int | None
) -> Table:
    """Cross-validate every resampler x classifier on one dataset."""
    X_full, y_full = DATASETS[name](return_X_y=True)
    scores: dict[tuple[str, str], dict[str, list[float]]] = {
        (s, c): {m: [] for m in (*METRICS, "time")}
        for s in SAMPLERS
        for c in CLASSIFIERS
    }
    shape = ""
    for seed in seeds:
        X, y = make_imbalanced(X_full, y_full, ratio, seed)
        counts = np.bincount(y)
        shape = f"{X.shape[0]} rows x {X.shape[1]} features, class counts {counts}"
        # Every training fold keeps at least this many minority rows.
        min_train = int(counts.min() - np.ceil(counts.min() / n_splits))
        k_neighbors = min(5, min_train - 1)
        cv = StratifiedKFold(n_splits, shuffle=True, random_state=seed)
        for sampler in SAMPLERS:
            for classifier in CLASSIFIERS:
                model = make_pipeline(sampler, classifier, k_neighbors, seed, ae_epochs)
                with warnings.catch_warnings():
                    warnings.simplefilter("ignore", UserWarning)
                    result = cross_validate(model, X, y, cv=cv, scoring=SCORING)
                cell = scores[(sampler, classifier)]
                for metric in METRICS:
                    cell[metric].extend(result[f"test_{metric}"])
                cell["time"].extend(result["fit_time"])
                print(
                    f"[{name} seed={seed}] {sampler} + {classifier}: "
                    + ", ".join(
                        f"{m}={np.mean(result[f'test_{m}']):.3f}" for m in METRICS
                    ),
                    file=sys.stderr,
                    flush=True,
                )
    table = Table(f"{name} (imbalance ratio {ratio:g})", COLUMNS)
    for (sampler, classifier), cell in scores.items():
        table.add_row(
            sampler,
            classifier,
            *(mean_std(cell[m], digits=3) for m in METRICS),
            f"{np.mean(cell['time']):.2f}",
        )
    table.notes = [
        f"{shape} (last seed); {n_splits}-fold stratified CV x seeds {seeds}; "
        "mean ± std over all folds. fit time = mean pipeline fit per fold.",
    ]
    return table


def main(argv: list[str] | None = None) -> None:
    """Parse arguments, run the datasets and report."""
    parser = base_parser(__doc__.splitlines()[0], default_seeds=[0, 1, 2])
    parser.add_argument(
        "--datasets", nargs="+", choices=list(DATASETS), default=list(DATASETS)
    )
    parser.add_argument(
        "--ratio", type=float, default=10.0, help="imbalance ratio to create"
    )
    parser.add_argument("--n-splits", type=int, default=5)
    parser.add_argument(
        "--ae-epochs",
        type=int,
        default=None,
        help="DeepSMOTE max_epochs (default: the package default; 3 with --quick)",
    )
    args = parser.parse_args(argv)
    apply_threads(args)
    ae_epochs = 3 if args.quick and args.ae_epochs is None else args.ae_epochs
    datasets = ["wine"] if args.quick and args.datasets == list(DATASETS) else None
    tables = []
    with timed() as watch:
        for name in datasets or args.datasets:
            tables.append(
                run_dataset(
                    name, args.ratio, resolve_seeds(args), args.n_splits, ae_epochs
                )
            )
    tables[-1].notes.append(
        "Pipeline: StandardScaler -> resampler -> kNN (k=5) or LogisticRegression; "
        f"DeepSMOTE = package defaults ({deepsmote_defaults()}; 'auto' is the MLP "
        "autoencoder for tabular rows)"
        + ("" if ae_epochs is None else f" but max_epochs={ae_epochs}")
        + ", k_neighbors = min(5, smallest training-fold class - 1) for "
        f"SMOTE and DeepSMOTE. Total wall time {watch.seconds / 60:.1f} min."
    )
    report(tables, "Tabular benchmark (scikit-learn datasets)", args.output)


if __name__ == "__main__":
    main()
