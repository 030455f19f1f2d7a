"""Speed where users run it: image sizes, a busy CPU, parallel searches, more data.

Four parts (``--parts``), every measurement in a fresh Python process:

0. ``sizes``: the default ``DeepSMOTE.fit_resample`` on images of three
   sizes: the 1,800 MNIST images of the image protocol (28 x 28, with
   ``--data-dir``), and the 1,074 monocrystalline ELPV cells at 32 x 32 and
   64 x 64 (with ``elpv-dataset``): wall time, CPU time, peak memory added.
1. ``busy``: the default ``DeepSMOTE.fit_resample`` on the 1,800-image IR-100
   set (MNIST with ``--data-dir``, else 8 x 8 digits), on the idle machine
   and with one core kept busy by another process (a Python spin loop), with
   the default ``n_threads=1`` and with ``n_threads=None`` (torch's own
   thread count, one per core). Idle and busy runs alternate, so the ratio
   busy / idle is paired.
2. ``search``: ``GridSearchCV`` over a DeepSMOTE + logistic regression
   pipeline on imbalanced 8 x 8 digits with ``n_jobs=1`` and ``n_jobs=2``,
   and what the parallel search pays before any fit: starting the worker
   processes and importing the package in them.
3. ``scaling``: ``fit_resample`` wall time and peak memory with every default
   against the number of rows (28 x 28 images in the IR-100 profile: MNIST
   up to the 10,000 images of ``--data-dir``, then that set tiled), and of
   tabular rows against rows and features. ``--json FILE`` writes the points
   that the documentation plots.

Examples
--------
::

    python benchmarks/bench_speed.py --quick
    python benchmarks/bench_speed.py --data-dir DIR \\
        --json docs/benchmarks/speed.json --output docs/benchmarks/speed.rst
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import numpy as np
from _common import (
    PAPER_PROFILE,
    RESULT_PREFIX,
    Table,
    base_parser,
    load_digits_images,
    load_elpv,
    load_idx_images,
    measured,
    profile_counts,
    profile_split,
    report,
    write_json,
)
from _common import run_child as run_script_child

SPINNER = "while True: pass"


# --------------------------------------------------------------------------- #
# Child processes                                                             #
# --------------------------------------------------------------------------- #


def _fit_child(config: dict[str, Any]) -> dict[str, Any]:
    """One default ``fit_resample``: wall time, CPU time, peak RSS increase."""
    import torch

    from imblearn_deepsmote import Autoencoder, DeepSMOTE

    X, y = _data(config)
    autoencoder = Autoencoder(
        n_threads=config["n_threads"], max_epochs=config["max_epochs"]
    )
    sampler = DeepSMOTE(autoencoder=autoencoder, random_state=0)
    cpu_before = time.process_time()
    with measured() as usage:
        X_res, _ = sampler.fit_resample(X, y)
    return {
        "seconds": usage.seconds,
        "cpu_seconds": time.process_time() - cpu_before,
        "rss_delta_mib": usage.peak_mib,
        "rows": len(X),
        "features": int(np.prod(X.shape[1:])),
        "generated": len(X_res) - len(X),
        "epochs": len(sampler.autoencoder_.history_),
        "torch_threads": torch.get_num_threads(),
    }


def _data(config: dict[str, Any]) -> tuple[np.ndarray, np.ndarray]:
    """The samples a configuration describes (images as ``(n, C, H, W)``)."""
    if config.get("tabular"):
        from sklearn.datasets import make_classification

        n_rows, n_features = config["tabular"]
        X, y = make_classification(
            n_rows,
            n_features,
            n_informative=min(n_features, 10),
            n_redundant=min(2, n_features - min(n_features, 10)),
            weights=[0.9],
            random_state=0,
        )
        return X.astype(np.float32), y
    if config.get("elpv"):
        data = load_elpv(side=config["elpv"])
        return data.X, data.y
    data_dir = config.get("data_dir")
    data = load_idx_images("mnist", Path(data_dir)) if data_dir else None
    data = data or load_digits_images()
    if config["rows"] == "ir100":
        counts = profile_counts(config["majority"])
        train, _, _ = profile_split(data.y, counts, n_test=0, seed=0)
        return data.X[train], data.y[train]
    # the IR-100 profile at this many rows; images drawn from the data set,
    # tiled (repeated) when it has fewer than needed
    counts = [
        max(4, round(config["rows"] * share / sum(PAPER_PROFILE)))
        for share in PAPER_PROFILE
    ]
    rng = np.random.default_rng(0)
    picks = [
        rng.choice(np.flatnonzero(data.y == label), count, replace=True)
        for label, count in zip(np.unique(data.y), counts, strict=True)
    ]
    order = rng.permutation(sum(counts))
    return data.X[np.concatenate(picks)][order], data.y[np.concatenate(picks)][order]


def _search_child(config: dict[str, Any]) -> dict[str, Any]:
    """A grid search over a DeepSMOTE pipeline with ``n_jobs`` workers."""
    start = time.perf_counter()
    from imblearn.datasets import make_imbalance
    from imblearn.pipeline import make_pipeline
    from sklearn.datasets import load_digits
    from sklearn.linear_model import LogisticRegression
    from sklearn.model_selection import GridSearchCV, StratifiedKFold

    from imblearn_deepsmote import Autoencoder, DeepSMOTE

    import_seconds = time.perf_counter() - start
    X, y = load_digits(return_X_y=True)
    counts = np.geomspace(150, 25, num=10).round().astype(int)
    X, y = make_imbalance(
        X, y, sampling_strategy=dict(enumerate(counts)), random_state=0
    )
    model = make_pipeline(
        DeepSMOTE(
            autoencoder=Autoencoder(max_epochs=config["epochs"]),
            image_shape=(8, 8),
            random_state=0,
        ),
        LogisticRegression(max_iter=500),
    )
    grid = {
        "deepsmote__k_neighbors": [2, 5],
        "deepsmote__sampling_strategy": ["auto", "not minority"],
    }
    search = GridSearchCV(
        model,
        grid,
        cv=StratifiedKFold(3, shuffle=True, random_state=0),
        n_jobs=config["n_jobs"],
    )
    with measured() as usage:
        search.fit(X, y)
    fits = search.cv_results_["mean_fit_time"]
    return {
        "seconds": usage.seconds,
        "import_seconds": import_seconds,
        "mean_fit_seconds": float(np.mean(fits)),
        "n_fits": int(len(fits) * 3 + 1),
        "best_score": float(search.best_score_),
    }


def _workers_child(config: dict[str, Any]) -> dict[str, Any]:
    """What a 2-process joblib pool costs before any fit: start-up and import."""
    from joblib import Parallel, delayed

    def import_package() -> float:
        start = time.perf_counter()
        import imblearn_deepsmote  # noqa: F401

        return time.perf_counter() - start

    with measured() as usage:
        import_seconds = Parallel(n_jobs=2)(delayed(import_package)() for _ in range(2))
    return {"seconds": usage.seconds, "import_seconds": max(import_seconds)}


CHILDREN = {"fit": _fit_child, "search": _search_child, "workers": _workers_child}


def run_child(config: dict[str, Any]) -> dict[str, Any]:
    """Run ``config`` in a fresh Python process and parse its result line."""
    return run_script_child(__file__, config)


# --------------------------------------------------------------------------- #
# Parts                                                                       #
# --------------------------------------------------------------------------- #


def sizes_part(
    data_dir: str | None, repeats: int, quick: bool, points: dict[str, list], fit
) -> Table:
    """Part 0: the default fit on images of 28 x 28, 32 x 32 and 64 x 64 pixels."""
    table = Table(
        "Image sizes: default fit_resample",
        ["images", "size", "rows", "epochs", "wall s", "CPU s", "peak memory +MiB"],
    )
    configs = []
    if data_dir or quick:
        name = "MNIST IR-100" if data_dir else "digits IR-100"
        configs.append((name, {"rows": "ir100", "majority": 800}))
    try:
        import elpv_dataset  # noqa: F401
    except ImportError:
        pass
    else:
        configs += [("ELPV mono", {"elpv": side}) for side in (32, 64)]
    for name, config in configs[:1] if quick else configs:
        config = {**config, **fit, "data_dir": data_dir, "n_threads": 1}
        if quick:
            config.update(rows=300, majority=None)
        runs = [run_child(config) for _ in range(repeats)]
        points["sizes"].append({"images": name, "runs": runs})
        side = int(round(np.sqrt(runs[0]["features"])))
        table.add_row(
            name,
            f"{side} x {side}",
            f"{runs[0]['rows']:,}",
            runs[0]["epochs"],
            f"{statistics.median(r['seconds'] for r in runs):.1f}",
            f"{statistics.median(r['cpu_seconds'] for r in runs):.1f}",
            f"{statistics.median(r['rss_delta_mib'] for r in runs):.0f}",
        )
    table.notes = [
        f"DeepSMOTE with every default (one torch thread), every class over-sampled "
        f"to the majority; median of {repeats} runs, each in a fresh process. Peak "
        "memory: the largest resident set during fit_resample minus the one before.",
    ]
    return table


def busy_part(data_dir: str | None, repeats: int, majority: int, fit) -> Table:
    """Part 1: the default fit on an idle machine and next to a busy core."""
    table = Table(
        "A busy machine: default fit_resample, idle and with one core busy",
        ["n_threads", "torch threads", "idle s", "busy s", "busy / idle"],
    )
    for n_threads in (1, None):
        config = {
            **fit,
            "rows": "ir100",
            "majority": majority,
            "data_dir": data_dir,
            "n_threads": n_threads,
        }
        idle, busy = [], []
        for _ in range(repeats):
            idle.append(run_child(config))
            spinner = subprocess.Popen([sys.executable, "-c", SPINNER])
            try:
                busy.append(run_child(config))
            finally:
                spinner.kill()
                spinner.wait()
        ratios = [b["seconds"] / i["seconds"] for i, b in zip(idle, busy, strict=True)]
        table.add_row(
            "1 (default)" if n_threads == 1 else "None",
            busy[0]["torch_threads"] if n_threads is None else 1,
            f"{statistics.median(r['seconds'] for r in idle):.1f}",
            f"{statistics.median(r['seconds'] for r in busy):.1f}",
            f"{statistics.median(ratios):.2f}",
        )
    table.notes = [
        f"{idle[0]['rows']:,} training images (the IR-100 profile), DeepSMOTE with "
        f"every default ({idle[0]['epochs']} epochs); median over {repeats} runs of "
        "each, idle and busy runs alternating; busy / idle = median of the paired "
        "ratios. 'busy': another process spins on one core for the whole fit. "
        "n_threads=None uses torch's thread count, one per core.",
    ]
    return table


def search_part(repeats: int, epochs: int) -> Table:
    """Part 2: a grid search in one process and in two."""
    table = Table(
        "Parallel grid search (GridSearchCV over DeepSMOTE + LogisticRegression)",
        ["n_jobs", "wall s", "mean fit s", "vs n_jobs=1"],
    )
    results = {
        n_jobs: [
            run_child({"kind": "search", "n_jobs": n_jobs, "epochs": epochs})
            for _ in range(repeats)
        ]
        for n_jobs in (1, 2)
    }
    serial = statistics.median(r["seconds"] for r in results[1])
    for n_jobs, runs in results.items():
        wall = statistics.median(r["seconds"] for r in runs)
        table.add_row(
            n_jobs,
            f"{wall:.1f}",
            f"{statistics.median(r['mean_fit_seconds'] for r in runs):.2f}",
            f"{serial / wall:.2f}x faster" if n_jobs > 1 else "",
        )
    workers = [run_child({"kind": "workers"}) for _ in range(repeats)]
    start_up = statistics.median(w["seconds"] for w in workers)
    imports = statistics.median(w["import_seconds"] for w in workers)
    table.notes = [
        f"Imbalanced 8x8 digits (150 down to 25 per class), 4 candidates x 3 folds "
        f"+ the refit = {results[1][0]['n_fits']} fits of DeepSMOTE "
        f"(max_epochs={epochs}, defaults otherwise); median of {repeats} runs, each "
        "in a fresh process. Starting joblib's 2 worker processes and importing the "
        f"package in them took {start_up:.1f} s (the import alone {imports:.1f} s) of "
        "the parallel search's wall time.",
    ]
    return table


def scaling_part(
    data_dir: str | None,
    image_rows: list[int],
    tabular_rows: list[int],
    tabular_features: list[int],
    points: dict[str, list],
    fit: dict[str, Any],
) -> list[Table]:
    """Part 3: fit time and memory against rows and features."""
    images = Table(
        "Scaling with rows: 28x28 images, every default",
        ["rows", "generated", "epochs", "wall s", "CPU s", "peak RSS +MiB"],
    )
    for rows in image_rows:
        result = run_child({**fit, "rows": rows, "data_dir": data_dir, "n_threads": 1})
        points["images"].append(result)
        images.add_row(
            f"{rows:,}",
            f"{result['generated']:,}",
            result["epochs"],
            f"{result['seconds']:.1f}",
            f"{result['cpu_seconds']:.1f}",
            f"{result['rss_delta_mib']:.0f}",
        )
    images.notes = [
        "Classes in the paper's IR-100 profile scaled to the row count, images drawn "
        "with replacement (the data set tiled past its size), every minority class "
        "over-sampled to the majority; max_epochs='auto' trains 20 epochs up to 9,000 "
        "rows, then about 180,000 rows seen, and at least 5 epochs, so the training "
        "time levels off while encoding, decoding and the output grow linearly.",
    ]
    tabular = Table(
        "Scaling with rows and features: tabular data, every default",
        ["rows", "features", "epochs", "wall s", "peak RSS +MiB"],
    )
    shapes = [(n, 20) for n in tabular_rows] + [
        (tabular_rows[0], f) for f in tabular_features if f != 20
    ]
    for n_rows, n_features in shapes:
        result = run_child({**fit, "tabular": [n_rows, n_features], "n_threads": 1})
        points["tabular"].append(result)
        tabular.add_row(
            f"{n_rows:,}",
            n_features,
            result["epochs"],
            f"{result['seconds']:.2f}",
            f"{result['rss_delta_mib']:.0f}",
        )
    tabular.notes = [
        "make_classification with a 9:1 imbalance; DeepSMOTE with every default "
        "(MLP autoencoder, early stopping).",
    ]
    return [images, tabular]


def main(argv: list[str] | None = None) -> None:
    """Parse arguments, run the parts and report."""
    parser = base_parser(__doc__.splitlines()[0], default_seeds=[0])
    parser.add_argument("--data-dir", type=Path, default=None, help="MNIST files")
    parser.add_argument(
        "--parts",
        nargs="+",
        choices=["sizes", "busy", "search", "scaling"],
        default=["sizes", "busy", "search", "scaling"],
    )
    parser.add_argument("--repeats", type=int, default=None, help="default 3")
    parser.add_argument("--child", default=None, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child is not None:
        config = json.loads(args.child)
        print(RESULT_PREFIX + json.dumps(CHILDREN[config["kind"]](config)), flush=True)
        return
    quick = args.quick
    data_dir = None if args.data_dir is None else str(args.data_dir)
    repeats = args.repeats or (1 if quick else 3)
    points: dict[str, list] = {"sizes": [], "images": [], "tabular": []}
    # a fit child: every default, or 2 epochs in a smoke test
    fit = {"kind": "fit", "max_epochs": 2 if quick else "auto"}
    tables = []
    with measured() as watch:
        if "sizes" in args.parts:
            tables.append(sizes_part(data_dir, repeats, quick, points, fit))
        if "busy" in args.parts:
            majority = 800 if data_dir else 80
            tables.append(busy_part(data_dir, repeats, majority, fit))
        if "search" in args.parts:
            tables.append(search_part(repeats, epochs=2 if quick else 10))
        if "scaling" in args.parts:
            image_rows = [600] if quick else [1800, 5000, 10000, 30000, 60000]
            tabular_rows = [500] if quick else [1000, 10000, 100000]
            tabular_features = [] if quick else [10, 100, 1000]
            tables += scaling_part(
                data_dir, image_rows, tabular_rows, tabular_features, points, fit
            )
    tables[-1].notes.append(
        f"Every measurement in a fresh Python process. Total wall time "
        f"{watch.seconds / 60:.1f} min."
    )
    report(tables, "Speed where users run it", args.output)
    write_json(args.json, points)


if __name__ == "__main__":
    main()
