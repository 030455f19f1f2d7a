"""Image benchmark in the DeepSMOTE paper's protocol (imbalance ratio 100).

Each seed draws an imbalanced training set whose per-class counts follow the
paper's MNIST profile (4000, 2000, ..., 40; scaled down to what the data
allows) and a disjoint, balanced test set. Every resampler is followed by the
same small CNN trained with plain cross-entropy; ``MAMixClassifier`` trains that
CNN with margin-aware Mixup instead, alone or after DeepSMOTE. The table gives
ACSA (balanced accuracy), GM (macro one-vs-rest geometric mean) and macro F1
on the balanced test set, mean ± std over seeds, in percent.

Examples
--------
Smoke test (digits only, under a minute)::

    python benchmarks/bench_images.py --quick --datasets digits

The documented tables (``--threads 1``: on a busy 2-core machine one torch
thread is several times faster for these small networks)::

    python benchmarks/bench_images.py --datasets digits --seeds 0 1 2 3 4 5 6 7 8 9 \\
        --threads 1 --output docs/benchmarks/images_digits.rst
    python benchmarks/bench_images.py --datasets mnist --mnist-dir /path/to/mnist \\
        --seeds 0 1 2 3 4 --threads 1 --output docs/benchmarks/images_mnist.rst

The MNIST default is a mid-size setting for the 10,000-image t10k file:
majority 400 (IR 100), 200 test images per class, 6 epochs' worth of CNN
steps. The paper's exact sizes need the full 70,000-image MNIST (train and
t10k IDX files in one folder) and a few hours on a CPU::

    python benchmarks/bench_images.py --datasets mnist --mnist-dir /path/to/mnist \\
        --majority 4000 --test-per-class 1200 --cnn-epochs 15 --seeds 0 1 2 3 4
"""

from __future__ import annotations

import sys
import warnings
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import torch
from _common import (
    ImageData,
    Table,
    apply_threads,
    base_parser,
    classification_scores,
    deepsmote_defaults,
    imbalanced_split,
    load_digits_images,
    load_mnist,
    make_cnn,
    mean_std,
    report,
    resolve_seeds,
    scaled_profile,
    timed,
    torch_device_name,
)
from imblearn.over_sampling import ADASYN, SMOTE, BorderlineSMOTE, RandomOverSampler

from imblearn_deepsmote import DeepSMOTE

METRICS = ("ACSA", "GM", "F1")
COLUMNS = ["resampler", "classifier", *METRICS, "time (s)"]


@dataclass(frozen=True)
class Settings:
    """Sizes of one dataset's run (see ``--help`` for each)."""

    test_per_class: int
    majority: int | None
    min_count: int
    cnn_epochs: int
    ae_epochs: int | None


DEFAULTS = {
    # digits has ~180 images per class: a majority of ~140 and a floor of 5
    # give an effective imbalance ratio of ~28, not 100.
    "digits": Settings(
        test_per_class=40, majority=None, min_count=5, cnn_epochs=40, ae_epochs=None
    ),
    # The 10k MNIST test set: 200 test images per class would leave room for a
    # majority of 780; 400 (IR 100) keeps a 5-seed run under ~20 min on 2 cores.
    "mnist": Settings(
        test_per_class=200, majority=400, min_count=4, cnn_epochs=6, ae_epochs=None
    ),
}
QUICK = {
    "digits": Settings(
        test_per_class=30, majority=60, min_count=4, cnn_epochs=3, ae_epochs=2
    ),
    "mnist": Settings(
        test_per_class=50, majority=200, min_count=4, cnn_epochs=2, ae_epochs=2
    ),
}


def mamix_available() -> bool:
    """Whether the package exports ``MAMixClassifier`` (it is optional here)."""
    try:
        from imblearn_deepsmote import MAMixClassifier  # noqa: F401
    except ImportError:
        return False
    return True


def make_mamix(
    image_shape: tuple[int, int, int],
    class_counts: dict[int, int],
    seed: int,
    *,
    max_epochs: int,
    device: str,
):
    """``MAMixClassifier`` with the same CNN, optimiser and epochs as the CE rows."""
    from imblearn_deepsmote import MAMixClassifier

    return MAMixClassifier(
        module="auto",
        image_shape=image_shape,
        class_counts=class_counts,
        random_state=seed,
        device=device,
        optimizer=torch.optim.Adam,
        lr=1e-3,
        batch_size=64,
        max_epochs=max_epochs,
        iterator_train__shuffle=True,
        train_split=None,
        verbose=0,
    )


@dataclass(frozen=True)
class Row:
    """One table row: a resampler (``None`` for none) and a classifier kind."""

    resampler: str
    classifier: str  # "CNN (CE)" or "MAMix"
    make_sampler: Callable[[int], Any] | None


def rows_for(
    data: ImageData, k_neighbors: int, settings: Settings, device: str
) -> list[Row]:
    """The rows of the table, each with a factory ``seed -> sampler``."""

    def deepsmote(penalty: str | None) -> Callable[[int], DeepSMOTE]:
        extra = {} if settings.ae_epochs is None else {"max_epochs": settings.ae_epochs}
        return lambda seed: DeepSMOTE(
            image_shape=data.image_shape,
            penalty=penalty,
            k_neighbors=k_neighbors,
            random_state=seed,
            device=device,
            **extra,
        )

    ce = "CNN (CE)"
    rows = [
        Row("none", ce, None),
        Row("RandomOverSampler", ce, lambda s: RandomOverSampler(random_state=s)),
        Row("SMOTE", ce, lambda s: SMOTE(k_neighbors=k_neighbors, random_state=s)),
        Row(
            "BorderlineSMOTE",
            ce,
            lambda s: BorderlineSMOTE(k_neighbors=k_neighbors, random_state=s),
        ),
        Row("ADASYN", ce, lambda s: ADASYN(n_neighbors=k_neighbors, random_state=s)),
        Row("DeepSMOTE (penalty=paper)", ce, deepsmote("paper")),
        Row("DeepSMOTE (penalty=reference)", ce, deepsmote("reference")),
        Row("DeepSMOTE (penalty=None)", ce, deepsmote(None)),
    ]
    if mamix_available():
        rows += [
            Row("none", "MAMix", None),
            Row("DeepSMOTE (penalty=None)", "MAMix", deepsmote(None)),
        ]
    return rows


def run_dataset(
    data: ImageData,
    settings: Settings,
    seeds: list[int],
    device: str,
    budget: str = "steps",
) -> Table:
    """Run every row on every seed and return the table for ``data``."""
    available = np.bincount(data.y).tolist()
    counts = scaled_profile(
        available,
        settings.test_per_class,
        min_count=settings.min_count,
        majority=settings.majority,
    )
    k_neighbors = min(5, min(counts) - 1)
    n_balanced = len(counts) * max(counts)
    rows = rows_for(data, k_neighbors, settings, device)
    results: dict[tuple[str, str], dict[str, list[float]]] = {
        (r.resampler, r.classifier): {m: [] for m in (*METRICS, "time")} for r in rows
    }
    errors: dict[tuple[str, str], list[str]] = {}
    n_classes = len(available)
    for seed in seeds:
        X_train, y_train, X_test, y_test = imbalanced_split(
            data, counts, settings.test_per_class, seed
        )
        class_counts = dict(zip(*np.unique(y_train, return_counts=True), strict=True))
        class_counts = {int(k): int(v) for k, v in class_counts.items()}
        resampled: dict[str, tuple[np.ndarray, np.ndarray, float]] = {}
        for row in rows:
            key = (row.resampler, row.classifier)
            try:
                if row.resampler not in resampled:
                    with timed() as watch, warnings.catch_warnings():
                        warnings.simplefilter("ignore", UserWarning)
                        if row.make_sampler is None:
                            X_res, y_res = X_train, y_train
                        else:
                            X_res, y_res = row.make_sampler(seed).fit_resample(
                                X_train, y_train
                            )
                    resampled[row.resampler] = (
                        np.asarray(X_res, dtype=np.float32),
                        np.asarray(y_res, dtype=np.int64),
                        watch.seconds,
                    )
                X_res, y_res, resample_seconds = resampled[row.resampler]
                epochs = settings.cnn_epochs
                if budget == "steps":  # as many gradient steps as on balanced data
                    epochs = max(1, round(epochs * n_balanced / len(X_res)))
                torch.manual_seed(seed)
                if row.classifier == "MAMix":
                    clf = make_mamix(
                        data.image_shape,
                        class_counts,
                        seed,
                        max_epochs=epochs,
                        device=device,
                    )
                else:
                    clf = make_cnn(
                        data.image_shape,
                        n_classes,
                        max_epochs=epochs,
                        device=device,
                    )
                with timed() as watch:
                    clf.fit(X_res, y_res)
                scores = classification_scores(y_test, clf.predict(X_test))
            except Exception as exc:  # a baseline failing must not stop the run
                message = f"{type(exc).__name__}: {str(exc).split('. ')[0]}"[:160]
                errors.setdefault(key, []).append(f"seed {seed}: {message}")
                continue
            for metric in METRICS:
                results[key][metric].append(scores[metric])
            results[key]["time"].append(resample_seconds + watch.seconds)
            print(
                f"[{data.name} seed={seed}] {row.resampler} + {row.classifier}: "
                + ", ".join(f"{m}={100 * scores[m]:.2f}" for m in METRICS)
                + f" ({resample_seconds + watch.seconds:.1f} s)",
                file=sys.stderr,
                flush=True,
            )

    table = Table(
        f"{data.name}: imbalance ratio {counts[0] / counts[-1]:.0f}, balanced test set",
        COLUMNS,
    )
    for row in rows:
        key = (row.resampler, row.classifier)
        res = results[key]
        if not res["ACSA"]:
            table.add_row(row.resampler, row.classifier, *(["failed"] * 4))
            continue
        n_ok = len(res["ACSA"])
        table.add_row(
            row.resampler
            if n_ok == len(seeds)
            else f"{row.resampler} ({n_ok}/{len(seeds)} seeds)",
            row.classifier,
            *(mean_std(res[m], scale=100) for m in METRICS),
            f"{np.mean(res['time']):.1f}",
        )
    n_train = sum(counts)
    table.notes = [
        f"Training counts per class {counts} ({n_train} images, "
        f"{data.image_shape[1]}x{data.image_shape[2]}), "
        f"{settings.test_per_class} test images per class, disjoint; "
        f"seeds {seeds} (each seed redraws both sets, the resampler and the CNN).",
        f"Metrics in % on the balanced test set, mean ± std over {len(seeds)} seeds. "
        "ACSA = balanced accuracy, GM = geometric_mean_score(average='macro'), "
        "F1 = macro F1. time = resampling + classifier training, seconds per seed.",
        "Classifier: the package's SmallCNN, Adam lr 1e-3, batch 64, "
        + (
            f"as many gradient steps as {settings.cnn_epochs} epochs of the "
            f"balanced set ({n_balanced} rows), i.e. more epochs on smaller sets"
            if budget == "steps"
            else f"{settings.cnn_epochs} epochs"
        )
        + ", shuffled, no validation split; MAMix = "
        "MAMixClassifier (package defaults: MAMix ratio -0.25, DRW over the last "
        "20% of epochs) with the same network and schedule, given the "
        "pre-resampling class counts.",
        f"DeepSMOTE: package defaults ({deepsmote_defaults()})"
        + (
            ""
            if settings.ae_epochs is None
            else f" but max_epochs={settings.ae_epochs}"
        )
        + f", penalty as shown; k_neighbors={k_neighbors} for every SMOTE-like "
        f"sampler (ADASYN n_neighbors); device {torch_device_name(device)}.",
    ]
    if not mamix_available():
        table.notes.append("MAMixClassifier is not available in this version: no rows.")
    for (resampler, classifier), messages in errors.items():
        table.notes.append(
            f"{resampler} + {classifier} failed on {len(messages)} of "
            f"{len(seeds)} seeds (the row averages the others): "
            + "; ".join(messages)
            + "."
        )
    return table


def main(argv: list[str] | None = None) -> None:
    """Parse arguments, run the datasets and report."""
    parser = base_parser(__doc__.splitlines()[0], default_seeds=[0, 1, 2])
    parser.add_argument(
        "--datasets",
        nargs="+",
        choices=["digits", "mnist"],
        default=None,
        help="default: digits, plus mnist when --mnist-dir is given",
    )
    parser.add_argument(
        "--mnist-dir", type=Path, default=None, help="folder with MNIST IDX files"
    )
    parser.add_argument("--test-per-class", type=int, default=None)
    parser.add_argument(
        "--majority",
        type=int,
        default=None,
        help="training count of the majority class (default: largest that fits)",
    )
    parser.add_argument("--min-count", type=int, default=None)
    parser.add_argument("--cnn-epochs", type=int, default=None)
    parser.add_argument(
        "--ae-epochs",
        type=int,
        default=None,
        help="DeepSMOTE max_epochs (default: the package default)",
    )
    parser.add_argument(
        "--budget",
        choices=["steps", "epochs"],
        default="steps",
        help="'steps': every classifier makes as many gradient steps as "
        "--cnn-epochs epochs of the balanced set (fair to the non-resampled "
        "rows); 'epochs': --cnn-epochs epochs of whatever set it gets",
    )
    parser.add_argument("--device", default="cpu", help="cpu or cuda")
    args = parser.parse_args(argv)
    apply_threads(args)
    datasets = args.datasets or (["digits", "mnist"] if args.mnist_dir else ["digits"])
    if "mnist" in datasets and args.mnist_dir is None:
        parser.error("--datasets mnist needs --mnist-dir")
    tables = []
    for name in datasets:
        base = (QUICK if args.quick else DEFAULTS)[name]
        overrides = {
            "test_per_class": args.test_per_class,
            "majority": args.majority,
            "min_count": args.min_count,
            "cnn_epochs": args.cnn_epochs,
            "ae_epochs": args.ae_epochs,
        }
        settings = Settings(
            **{
                key: getattr(base, key) if value is None else value
                for key, value in overrides.items()
            }
        )
        data = load_digits_images() if name == "digits" else load_mnist(args.mnist_dir)
        with timed() as watch:
            table = run_dataset(
                data, settings, resolve_seeds(args), args.device, args.budget
            )
        table.notes.append(f"Wall time of this table: {watch.seconds / 60:.1f} min.")
        tables.append(table)
    report(tables, "Image benchmark (DeepSMOTE paper protocol)", args.output)


if __name__ == "__main__":
    main()
