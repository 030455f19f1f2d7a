"""The image protocol: resamplers and MAMix on the same splits of several image sets.

Data sets (``--datasets``):

- ``mnist``, ``fashion``: MNIST (the 10,000-image t10k set) and
  Fashion-MNIST (the 60,000-image training set), IDX files in
  ``--data-dir``. Each seed draws a training set with the DeepSMOTE paper's
  imbalance profile (ratio 100) scaled to a majority of 800 (800, 400, 200,
  150, 100, 70, 40, 20, 12, 8: 1,800 images) and a disjoint, balanced test
  set of 150 images per class.
- ``elpv``: the monocrystalline ELPV solar cells (1,074 electroluminescence
  images, 32 x 32; package ``elpv-dataset``) with their natural imbalance
  (defect probability 0, 1/3, 2/3, 1: 588, 117, 56, 313 cells). Each seed
  shuffles a stratified 4-fold split; every cell is predicted once, by the
  model not trained on it, and the score is computed on all of them.
- ``digits``: scikit-learn's 8 x 8 digits, the ratio-100 profile scaled to a
  majority of 150 (at least 4 per class), 25 test images per class.
- ``elpv-poly``: the polycrystalline ELPV cells, as ``elpv``: kept for
  independent checks of what was chosen on the others (never in the
  default list).

Every classifier trains with the augmentation users apply
(``--augmentation standard``): each training batch's images shifted by up
to 2 pixels (1 for the 8 x 8 digits), each by its own random offset, and
flipped left to right at random for clothing and solar cells, never for
digits; ``--augmentation none`` trains without.

Rows (``--rows``, see :data:`ROWS`): a resampler followed by the package's
``SmallCNN`` trained with cross-entropy, or ``MAMixClassifier`` (the same
network). Every classifier takes the same number of gradient steps, 1,000
of batch 64 with Adam (8 epochs of the balanced MNIST training set), so rows
differ only in the data they see. ``oracle`` trains on real images in place of the
synthetic ones, with the same counts (where the data set has them), so a
resampler reads as the share of the SMOTE-to-oracle gap it closes.

The score is the balanced accuracy (mean per-class recall). Differences
are paired by seed. Each row also records the seconds and the peak memory
its resampling added, and the seconds its classifier took.

Examples
--------
::

    python benchmarks/bench_images.py --quick
    python benchmarks/bench_images.py --data-dir DIR --jobs 2 --cache FILE \\
        --output docs/benchmarks/images.rst --json docs/benchmarks/images.json \\
        --figure docs/_static/images.png
"""

from __future__ import annotations

import hashlib
import json
import pickle
import sys
import traceback
import warnings
from collections import Counter
from dataclasses import asdict, dataclass, replace
from functools import lru_cache, partial
from pathlib import Path
from typing import Any

import numpy as np
import torch
from _common import (
    Images,
    Table,
    balanced_accuracy,
    base_parser,
    epochs_for,
    flat,
    load_digits_images,
    load_elpv,
    load_idx_images,
    mean_std,
    measured,
    paired,
    profile_counts,
    profile_split,
    report,
    resolve_seeds,
    run_tasks,
    train_cnn,
    write_json,
)

from imblearn_deepsmote import Autoencoder


@dataclass(frozen=True)
class Protocol:
    """How one data set is split and how long its classifiers train."""

    majority: int | None  # the profile's majority; None keeps the data's counts
    n_test: int  # test images per class (profile splits)
    n_folds: int  # stratified folds (natural counts)
    cnn_steps: int = 1000  # gradient steps of every classifier (batch 64)
    # the classifiers' augmentation: random shifts of up to max_shift pixels,
    # and horizontal flips where the labels allow them
    max_shift: int = 0
    flip: bool = False


PROTOCOLS = {
    "mnist": Protocol(majority=800, n_test=150, n_folds=0, max_shift=2),
    "fashion": Protocol(majority=800, n_test=150, n_folds=0, max_shift=2, flip=True),
    "elpv": Protocol(majority=None, n_test=0, n_folds=4, max_shift=2, flip=True),
    "digits": Protocol(majority=150, n_test=25, n_folds=0, max_shift=1),
    # the polycrystalline cells: an independent check, never tuned on
    "elpv-poly": Protocol(majority=None, n_test=0, n_folds=4, max_shift=2, flip=True),
}
QUICK = {
    name: replace(
        p,
        majority=None if p.majority is None else 100,
        n_test=10 if p.n_test else 0,
        n_folds=min(p.n_folds, 2),
        cnn_steps=20,
    )
    for name, p in PROTOCOLS.items()
}


def augmentation(protocol: Protocol) -> list | None:
    """The batch augmentation every classifier of ``protocol`` trains with."""
    from imblearn_deepsmote import RandomHorizontalFlip, RandomShift

    transforms = [RandomShift(protocol.max_shift)] if protocol.max_shift else []
    if protocol.flip:
        transforms.append(RandomHorizontalFlip())
    return transforms or None


#: Rows: a resampler (``None``, ``"SMOTE"``, ``"DeepSMOTE"``, ``"oracle"``) with
#: parameters, the parameters of DeepSMOTE's ``Autoencoder``, and a classifier
#: (``"CE"``: cross-entropy, or ``"MAMix"``) with parameters. For MAMix,
#: ``class_counts="before"`` means the counts before resampling.
ROWS: dict[str, dict[str, Any]] = {
    "none": {"classifier": "CE"},
    "SMOTE": {"sampler": "SMOTE", "classifier": "CE"},
    "DeepSMOTE": {"sampler": "DeepSMOTE", "classifier": "CE"},
    "MAMix": {"classifier": "MAMix"},
    "DeepSMOTE + MAMix": {
        "sampler": "DeepSMOTE",
        "classifier": "MAMix",
        "classifier_params": {"class_counts": "before"},
    },
    "oracle": {"sampler": "oracle", "classifier": "CE"},
    # what DeepSMOTE's default noise is measured against
    "DeepSMOTE, no noise": {
        "sampler": "DeepSMOTE",
        "sampler_params": {"latent_noise": 0.0},
    },
    "DeepSMOTE, noise 0.75": {
        "sampler": "DeepSMOTE",
        "sampler_params": {"latent_noise": 0.75},
    },
    "DeepSMOTE, 0.2's noise": {
        "sampler": "DeepSMOTE",
        "sampler_params": {"latent_noise": 0.75, "latent_noise_kind": "gaussian"},
    },
    # the latent steps where the noise rule finds no noise (ELPV)
    "DeepSMOTE, no fallback": {
        "sampler": "DeepSMOTE",
        "sampler_params": {"fallback": None},
    },
    # the latent steps with a longer-trained autoencoder, or codes shaped by
    # the labels
    "DeepSMOTE, 60 epochs": {
        "sampler": "DeepSMOTE",
        "sampler_params": {"fallback": None},
        "autoencoder": {"max_epochs": 60},
    },
    "DeepSMOTE, class loss": {
        "sampler": "DeepSMOTE",
        "sampler_params": {"fallback": None},
        "autoencoder": {"class_loss_weight": 1.0},
    },
    # partial balancing, and margins from the counts the classifier trains on
    "DeepSMOTE to sqrt + MAMix": {
        "sampler": "DeepSMOTE",
        "sampler_params": {"sampling_strategy": "sqrt"},
        "classifier": "MAMix",
    },
    "DeepSMOTE to sqrt + MAMix, no DRW": {
        "sampler": "DeepSMOTE",
        "sampler_params": {"sampling_strategy": "sqrt"},
        "classifier": "MAMix",
        "classifier_params": {"drw": False},
    },
}
#: The rows every run makes unless told otherwise (the others are the evidence).
DEFAULT_ROWS = ["none", "SMOTE", "DeepSMOTE", "MAMix", "DeepSMOTE + MAMix", "oracle"]


def row_spec(name: str, custom: dict[str, dict]) -> dict[str, Any]:
    """The full specification of row ``name`` (every key present)."""
    spec = custom.get(name, ROWS.get(name))
    if spec is None:
        raise SystemExit(f"unknown row {name!r}: one of {sorted(ROWS)} or --row")
    return {
        "sampler": spec.get("sampler"),
        "sampler_params": spec.get("sampler_params", {}),
        "autoencoder": spec.get("autoencoder", {}),
        "classifier": spec.get("classifier", "CE"),
        "classifier_params": spec.get("classifier_params", {}),
    }


# --------------------------------------------------------------------------- #
# One data set's splits                                                       #
# --------------------------------------------------------------------------- #


@lru_cache(maxsize=4)
def load(name: str, data_dir: str | None, quick: bool) -> Images:
    """The images of data set ``name`` (cached per process)."""
    if name == "digits":
        return load_digits_images()
    if name in ("elpv", "elpv-poly"):
        data = load_elpv(side=32, cell_type="poly" if name == "elpv-poly" else "mono")
    else:
        if data_dir is None:
            raise SystemExit(f"--data-dir is needed for {name}")
        data = load_idx_images(name, Path(data_dir))
    if quick:  # a small stratified subset
        keep = np.concatenate(
            [np.flatnonzero(data.y == c)[:120] for c in np.unique(data.y)]
        )
        data = Images(data.name, data.X[keep], data.y[keep])
    return data


@dataclass
class Split:
    """One training set, its test rows and the real rows an oracle may add."""

    train: np.ndarray
    test: np.ndarray
    reserve: list[np.ndarray]


def splits(data: Images, protocol: Protocol, seed: int) -> list[Split]:
    """The splits of one seed: one profile split, or ``n_folds`` folds."""
    if protocol.majority is not None:
        counts = profile_counts(protocol.majority)
        train, test, reserve = profile_split(data.y, counts, protocol.n_test, seed)
        return [Split(train, test, reserve)]
    from sklearn.model_selection import StratifiedKFold

    folds = StratifiedKFold(protocol.n_folds, shuffle=True, random_state=seed)
    n_classes = len(np.unique(data.y))
    return [
        Split(train, test, [np.array([], int)] * n_classes)
        for train, test in folds.split(data.X, data.y)
    ]


# --------------------------------------------------------------------------- #
# Running one (data set, seed, fold)                                          #
# --------------------------------------------------------------------------- #


class ShiftedAutoencoder(Autoencoder):
    """An ``Autoencoder`` whose training batches are shifted images.

    Each batch of scaled images is shifted by up to ``max_shift`` pixels
    (edges replicated: the scaled background is -1, not 0), from a generator
    seeded with ``random_state``; the network learns to reconstruct the
    shifted batch.
    """

    max_shift = 0

    def train_step_single(self, batch, **fit_params):
        from imblearn_deepsmote import RandomShift

        if "_shifts" not in self.__dict__:
            self._shifts = torch.Generator().manual_seed(self.random_state)
        images, yi = batch  # the network's input: scaled images (n, C, H, W)
        shift = RandomShift(self.max_shift, padding_mode="replicate")
        shifted = shift(images.cpu(), generator=self._shifts).to(images.device)
        return super().train_step_single((shifted, yi), **fit_params)


def trained_autoencoder(params: dict, X, y, seed: int, models: Path | None, tag: str):
    """An ``Autoencoder(**params)`` fitted on ``(X, y)``, with its cost.

    With ``models``, fitted autoencoders are kept there (pickled) and
    reused by later runs; the cost recorded is that of the original fit.
    """
    from imblearn_deepsmote import __version__

    key = json.dumps({"params": params, "tag": tag, "version": __version__})
    path = None
    if models is not None:
        digest = hashlib.sha1(key.encode()).hexdigest()[:16]
        path = models / f"autoencoder-{digest}.pkl"
        if path.exists():
            return pickle.loads(path.read_bytes())
    params = dict(params)
    max_shift = params.pop("max_shift", 0)
    with measured() as usage:
        if max_shift:  # a lever: the autoencoder trained on shifted images
            autoencoder = ShiftedAutoencoder(random_state=seed, **params)
            autoencoder.max_shift = max_shift
        else:
            autoencoder = Autoencoder(random_state=seed, **params)
        autoencoder.fit(X, y)
        autoencoder.__dict__.pop("_shifts", None)  # a generator does not pickle
    fitted = (autoencoder, usage.seconds, usage.peak_mib)
    if path is not None:
        models.mkdir(parents=True, exist_ok=True)
        path.write_bytes(pickle.dumps(fitted))
    return fitted


def resample(spec, X, y, split: Split, data: Images, seed: int, context):
    """The training set row ``spec`` trains on, and its cost."""
    kind, params = spec["sampler"], spec["sampler_params"]
    if kind is None:
        return X, y, 0.0, 0.0
    if kind == "oracle":
        n_max = np.bincount(y).max()
        extra = np.concatenate(
            [r[: n_max - np.sum(y == c)] for c, r in enumerate(split.reserve)]
        )
        return (
            np.concatenate([X, data.X[extra]]),
            np.concatenate([y, data.y[extra]]),
            0.0,
            0.0,
        )
    sampler, fit_s, fit_mib = make_sampler(kind, params, spec, seed, context)
    with measured() as usage:
        if kind == "SMOTE":  # imbalanced-learn's samplers take rows
            X_res, y_res = sampler.fit_resample(flat(X), y)
            X_res = X_res.reshape(-1, *X.shape[1:])
        else:
            X_res, y_res = sampler.fit_resample(X, y)
    return X_res, y_res, fit_s + usage.seconds, max(fit_mib, usage.peak_mib)


def make_sampler(kind: str, params: dict, spec: dict, seed: int, context):
    """SMOTE or DeepSMOTE (with the context's fitted autoencoder), and its cost.

    The cost is that of training DeepSMOTE's autoencoder (0 for SMOTE).
    """
    from imblearn.over_sampling import SMOTE
    from sklearn.frozen import FrozenEstimator

    from imblearn_deepsmote import DeepSMOTE

    k = min(5, int(np.bincount(context.y).min()) - 1)
    if params.get("sampling_strategy") == "sqrt":
        params = {**params, "sampling_strategy": partial_balance}
    if kind == "SMOTE":
        return SMOTE(k_neighbors=k, random_state=seed, **params), 0.0, 0.0
    autoencoder, fit_s, fit_mib = context.autoencoder(spec["autoencoder"])
    sampler = DeepSMOTE(
        autoencoder=FrozenEstimator(autoencoder),
        k_neighbors=k,
        random_state=seed,
        **params,
    )
    return sampler, fit_s, fit_mib


def partial_balance(y) -> dict:
    """Each class over-sampled to ``sqrt(n_class * n_max)`` samples."""
    counts = np.bincount(y)
    return {c: int(np.sqrt(n * counts.max())) for c, n in enumerate(counts) if n}


def classify(spec, X_res, y_res, y, n_classes: int, protocol: Protocol, seed: int):
    """The fitted classifier of row ``spec``, with the protocol's augmentation."""
    steps, augment = protocol.cnn_steps, augmentation(protocol)
    if spec["classifier"] == "CE":
        return train_cnn(
            X_res, y_res, n_classes, steps=steps, seed=seed, augment=augment
        )
    from imblearn_deepsmote import MAMixClassifier

    params = dict(spec["classifier_params"])
    if params.get("class_counts") == "before":
        params["class_counts"] = dict(Counter(y.tolist()))
    model = MAMixClassifier(
        batch_size=64,
        max_epochs=epochs_for(steps, len(X_res)),
        random_state=seed,
        augment=augment,
        **params,
    )
    return model.fit(X_res, y_res)


class Context:
    """What the rows of one (data set, seed, fold) share: its autoencoders."""

    def __init__(self, X, y, seed: int, models: Path | None, tag: str) -> None:
        self.X, self.y, self.seed, self.models, self.tag = X, y, seed, models, tag
        self._fitted: dict[str, tuple] = {}

    def autoencoder(self, params: dict) -> tuple:
        key = json.dumps(params, sort_keys=True)
        if key not in self._fitted:
            self._fitted[key] = trained_autoencoder(
                params, self.X, self.y, self.seed, self.models, self.tag
            )
        return self._fitted[key]


def run_group(tasks: list[dict], record, settings: dict) -> None:
    """Every row of one (data set, seed, fold), each result passed to ``record``.

    A row that fails is reported (with its traceback) and left out.
    ``settings`` hold what the figures do not depend on: torch threads, and
    where the data and the fitted autoencoders are kept.
    """
    import torch

    first = tasks[0]
    torch.set_num_threads(settings["threads"])
    protocol = Protocol(**first["protocol"])
    data = load(first["dataset"], settings["data_dir"], first["quick"])
    seed = first["seed"]
    split = splits(data, protocol, seed)[first["fold"]]
    models = Path(settings["models"]) if settings["models"] else None
    tag = f"{first['dataset']}-{seed}-{first['fold']}-{first['quick']}"
    X, y = data.X[split.train], data.y[split.train]
    context = Context(X, y, seed, models, tag)
    for task in tasks:
        try:
            result = run_row(task, split, data, protocol, context)
        except Exception:  # one broken row must not lose the others
            print(f"[{tag}] {task['row']} failed:", file=sys.stderr, flush=True)
            traceback.print_exc()
            continue
        record(result)
        outcome = "report" if "report" in result else result["balanced_accuracy"]
        print(f"[{tag}] {task['row']}: {outcome}", file=sys.stderr, flush=True)


def run_row(
    task: dict, split: Split, data: Images, protocol: Protocol, context
) -> dict:
    """One row: resample, then train and score the classifier (or report)."""
    spec, seed, X, y = task["spec"], task["seed"], context.X, context.y
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)
        X_res, y_res, resample_s, resample_mib = resample(
            spec, X, y, split, data, seed, context
        )
    if task.get("diagnose"):
        return {**task, "report": diagnose(X, y, X_res, y_res, seed)}
    n_classes = len(np.unique(data.y))
    with measured() as usage:
        model = classify(spec, X_res, y_res, y, n_classes, protocol, seed)
    y_true, y_pred = data.y[split.test], model.predict(flat(data.X[split.test]))
    return {
        **task,
        "y_true": y_true.tolist(),
        "y_pred": np.asarray(y_pred).tolist(),
        "balanced_accuracy": balanced_accuracy(y_true, y_pred),
        "n_train": len(y_res),
        "resample_s": resample_s,
        "resample_mib": resample_mib,
        "classifier_s": usage.seconds,
    }


def diagnose(X, y, X_res, y_res, seed: int) -> dict[str, dict[str, float]]:
    """The package's report on a resampled training set, by class (and "all")."""
    from imblearn_deepsmote import resampled_report

    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)
        report = resampled_report(X, y, X_res, y_res, random_state=seed)
    return {str(label): row for label, row in report.to_dict(orient="index").items()}


# --------------------------------------------------------------------------- #
# Figures, tables and the plot                                                #
# --------------------------------------------------------------------------- #


def summarise(results: list[dict], rows: list[str], datasets: list[str]) -> dict:
    """Per data set and row: per-seed scores (folds pooled) and costs."""
    figures: dict[str, dict] = {}
    for dataset in datasets:
        figures[dataset] = {}
        for row in rows:
            mine = [r for r in results if r["dataset"] == dataset and r["row"] == row]
            if not mine:
                continue
            seeds = sorted({r["seed"] for r in mine})
            by_seed = [[r for r in mine if r["seed"] == s] for s in seeds]
            figures[dataset][row] = {
                "seeds": seeds,
                "balanced_accuracy": [
                    balanced_accuracy(
                        np.concatenate([r["y_true"] for r in folds]),
                        np.concatenate([r["y_pred"] for r in folds]),
                    )
                    for folds in by_seed
                ],
                # seconds and MiB per training set (mean over folds)
                **{
                    field: [float(np.mean([r[field] for r in f])) for f in by_seed]
                    for field in ("resample_s", "resample_mib", "classifier_s")
                },
                "spec": mine[0]["spec"],
            }
    return figures


def gap_closed(figure: dict, row: str) -> str:
    """The share of the SMOTE-to-oracle gap ``row`` closes (from the means)."""
    smote, oracle, scores = (
        np.mean(figure[name]["balanced_accuracy"]) for name in ("SMOTE", "oracle", row)
    )
    if oracle <= smote:
        return "n/a"
    return f"{100 * (scores - smote) / (oracle - smote):.0f} %"


def quality_table(
    figures: dict, rows: list[str], datasets: list[str], plain: dict | None = None
) -> Table:
    """Balanced accuracy per row and data set, paired with SMOTE.

    With ``plain`` (the figures of the same rows trained without
    augmentation), each data set also shows the plain difference to plain
    SMOTE, and the last column its mean.
    """
    columns = ["row"]
    for dataset in datasets:
        columns += [dataset, "vs SMOTE"] + (["plain vs SMOTE"] if plain else [])
    columns += ["mean vs SMOTE"] + (["plain mean"] if plain else [])
    table = Table("Balanced accuracy (%)", columns)
    for row in rows:
        cells, gains, plain_gains = [row], [], []
        for dataset in datasets:
            if row not in figures[dataset]:
                cells += ["n/a", ""] + ([""] if plain else [])
                continue
            cells.append(mean_std(figures[dataset][row]["balanced_accuracy"], 100))
            sources = [figures] + ([plain] if plain else [])
            for source, collected in zip(sources, (gains, plain_gains), strict=False):
                gain = versus_smote(source.get(dataset, {}), row)
                cells.append("" if gain is None else gain[0])
                if gain is not None:
                    collected.append(gain[1])
        for collected in [gains] + ([plain_gains] if plain else []):
            complete = len(collected) == len(datasets) and row != "oracle"
            cells.append(f"{np.mean(collected):+.1f}" if complete else "")
        table.add_row(*cells)
    table.notes = [
        "Mean ± std over seeds; 'vs SMOTE': the paired difference in points, "
        "mean ± std over seeds (seeds ahead / seeds); 'mean vs SMOTE': its "
        "mean over the data sets."
    ]
    if plain:
        table.notes.append(
            "'plain': the same rows with classifiers trained without "
            "augmentation (their SMOTE as the reference)."
        )
    gaps = [
        f"{dataset}: "
        + ", ".join(
            f"{row} {gap_closed(figures[dataset], row)}"
            for row in rows
            if row not in ("SMOTE", "oracle") and row in figures[dataset]
        )
        for dataset in datasets
        if {"SMOTE", "oracle"} <= set(figures[dataset])
    ]
    if gaps:
        table.notes.append(
            "Share of the SMOTE-to-oracle gap closed (from the means): "
            + "; ".join(gaps)
            + "."
        )
    return table


def versus_smote(figure: dict, row: str) -> tuple[str, float] | None:
    """Row ``row`` paired with SMOTE in one data set's figures, and the mean gain."""
    if row == "SMOTE" or row not in figure or "SMOTE" not in figure:
        return None
    mine, smote = (
        dict(zip(figure[r]["seeds"], figure[r]["balanced_accuracy"], strict=True))
        for r in (row, "SMOTE")
    )
    seeds = sorted(set(mine) & set(smote))  # paired: the seeds both have
    scores, reference = [mine[s] for s in seeds], [smote[s] for s in seeds]
    return paired(scores, reference), 100 * (np.mean(scores) - np.mean(reference))


def cost_table(figures: dict, rows: list[str], datasets: list[str]) -> Table:
    """Seconds and peak memory of resampling, seconds of the classifier."""
    table = Table(
        "Cost per training set",
        ["data set", "row", "resampling (s)", "resampling (MiB)", "classifier (s)"],
    )
    for dataset in datasets:
        for row in (row for row in rows if row in figures[dataset]):
            figure = figures[dataset][row]
            table.add_row(
                dataset,
                row,
                mean_std(figure["resample_s"]),
                mean_std(figure["resample_mib"], digits=0),
                mean_std(figure["classifier_s"]),
            )
    table.notes = [
        "Mean ± std over seeds (ELPV: per fold). Resampling includes training "
        "DeepSMOTE's autoencoder; its memory is the peak of what resampling "
        "added to the process (resident set, sampled every 5 ms). Worker "
        "processes ran side by side, so seconds are comparable within a run."
    ]
    return table


#: Report columns that rank samplers (counts and the real-data reference not).
REPORT_COLUMNS = (
    "precision",
    "recall",
    "density",
    "coverage",
    "memorised",
    "nearest_real_ratio",
    "recognised",
)


def diagnostics_table(values: dict, scores: dict) -> tuple[Table, dict]:
    """How well each report column ranks samplers as the classifier does.

    Per data set and row, a column's value (its "all" row, mean over folds
    and seeds: ``values`` from :func:`report_values`) is set against the
    row's balanced accuracy (mean over seeds, from ``scores``, the JSON of a
    classification run). Spearman's rank correlation is taken over all
    (data set, row) pairs after removing each data set's mean from both (so
    data sets that are simply easier do not count), and within each data
    set.
    """
    from scipy.stats import spearmanr

    scored = {
        dataset: [row for row in rows if row in scores.get(dataset, {})]
        for dataset, rows in values.items()
    }
    datasets = sorted(dataset for dataset, rows in scored.items() if rows)
    table = Table(
        "Does the report rank samplers as the classifier does?",
        ["column", "Spearman (pairs)", *(f"within {d}" for d in datasets)],
    )
    figures = {}
    for column in REPORT_COLUMNS:
        centred, accuracy, within = [], [], {}
        for dataset in datasets:
            rows = scored[dataset]
            x = [values[dataset][r]["all"][column] for r in rows]
            a = [np.mean(scores[dataset][r]["balanced_accuracy"]) for r in rows]
            within[dataset] = spearmanr(x, a).statistic if len(rows) > 2 else np.nan
            centred += list(np.subtract(x, np.mean(x)))
            accuracy += list(np.subtract(a, np.mean(a)))
        pooled = spearmanr(centred, accuracy).statistic
        figures[column] = {"pooled": pooled, "within": within, "n_pairs": len(centred)}
        table.add_row(
            column,
            f"{pooled:+.2f} ({len(centred)})",
            *(f"{within[d]:+.2f}" for d in datasets),
        )
    table.notes = [
        "Spearman's rank correlation between a column of the report (its 'all' "
        "row; default feature space) and the balanced accuracy of the CNN "
        "trained on the same resampled data, over (data set, row) pairs with "
        "each data set's mean removed from both (the number of pairs in "
        "brackets), and within each data set."
    ]
    return table, figures


#: The report columns the per-class table shows.
SHARE_COLUMNS = (
    "recognised",
    "recognised_real",
    "memorised",
    "precision",
    "coverage",
)


def report_values(results: list[dict]) -> dict:
    """Each report column's mean over seeds and folds, by data set, row and class."""
    grouped: dict[tuple, list[dict]] = {}
    for r in results:
        grouped.setdefault((r["dataset"], r["row"]), []).append(r["report"])
    values: dict[str, dict] = {}
    for (dataset, row), reports in grouped.items():
        classes = list(reports[0])  # the report's order: classes, then "all"
        values.setdefault(dataset, {})[row] = {
            label: {
                column: float(np.nanmean([rep[label][column] for rep in reports]))
                for column in reports[0][label]
            }
            for label in classes
        }
    return values


def shares_table(values: dict) -> Table:
    """The report's main columns by data set, row and class."""
    table = Table("The reports by class", ["data set", "row", "class", *SHARE_COLUMNS])
    for dataset, rows in values.items():
        for row, by_class in rows.items():
            for label, columns in by_class.items():
                table.add_row(
                    dataset,
                    row,
                    label,
                    *(f"{columns[column]:.2f}" for column in SHARE_COLUMNS),
                )
    table.notes = [
        "resampled_report with its defaults on each training set, mean over "
        "seeds (and folds); 'all' pools the classes."
    ]
    return table


def draw(
    figures: dict,
    rows: list[str],
    datasets: list[str],
    path: Path,
    plain: dict | None = None,
) -> None:
    """One panel per data set: balanced accuracy of each row, ± std.

    With ``plain``, the row's mean without augmentation is a hollow marker.
    """
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, axes = plt.subplots(
        1,
        len(datasets),
        figsize=(3.2 * len(datasets), 0.45 * len(rows) + 1.4),
        sharey=True,
        squeeze=False,
    )
    positions = np.arange(len(rows))[::-1]
    for ax, dataset in zip(axes[0], datasets, strict=True):
        for position, row in zip(positions, rows, strict=True):
            if row not in figures[dataset]:
                continue
            scores = 100 * np.asarray(figures[dataset][row]["balanced_accuracy"])
            ax.errorbar(
                scores.mean(),
                position,
                xerr=scores.std(ddof=1) if len(scores) > 1 else 0,
                fmt="o",
                color="#4c72b0" if "DeepSMOTE" in row else "#555555",
                capsize=3,
            )
            if plain and row in plain.get(dataset, {}):
                ax.plot(
                    100 * np.mean(plain[dataset][row]["balanced_accuracy"]),
                    position,
                    "o",
                    markerfacecolor="none",
                    color="#999999",
                )
        if "SMOTE" in figures[dataset]:
            smote = 100 * np.mean(figures[dataset]["SMOTE"]["balanced_accuracy"])
            ax.axvline(smote, color="#dd8452", linestyle="--", linewidth=1)
        ax.set_title(dataset)
        ax.set_xlabel("balanced accuracy (%)")
        ax.grid(axis="x", alpha=0.3)
    axes[0][0].set_yticks(positions, rows)
    if plain:
        from matplotlib.lines import Line2D

        marks = [
            Line2D([], [], marker="o", linestyle="", color="#555555"),
            Line2D([], [], marker="o", linestyle="", color="#999999", fillstyle="none"),
        ]
        fig.legend(
            marks,
            ["with augmentation (mean ± std)", "without augmentation (mean)"],
            loc="lower center",
            ncol=2,
            frameon=False,
        )
        fig.tight_layout(rect=(0, 0.08, 1, 1))
    else:
        fig.tight_layout()
    fig.savefig(path, dpi=110)


# --------------------------------------------------------------------------- #
# Command line                                                                #
# --------------------------------------------------------------------------- #


def main(argv: list[str] | None = None) -> None:
    """Parse the arguments, run every (data set, seed, fold, row) and report."""
    parser = base_parser(__doc__.splitlines()[0], default_seeds=[0, 1, 2, 3, 4])
    parser.add_argument("--data-dir", default=None, help="MNIST/Fashion IDX files")
    parser.add_argument("--jobs", type=int, default=1, help="worker processes")
    parser.add_argument(
        "--cache", type=Path, default=None, help="JSON lines of finished rows"
    )
    parser.add_argument(
        "--cached-only",
        action="store_true",
        help="run nothing: report the results the cache holds",
    )
    parser.add_argument(
        "--datasets",
        nargs="+",
        default=None,
        choices=list(PROTOCOLS),
        help="default: digits, plus mnist and fashion with --data-dir, plus elpv "
        "when elpv-dataset is installed",
    )
    parser.add_argument("--rows", nargs="+", default=DEFAULT_ROWS, help="rows")
    parser.add_argument(
        "--row",
        action="append",
        nargs=2,
        default=[],
        metavar=("NAME", "JSON"),
        help='define a row, e.g. --row \'less noise\' \'{"sampler": "DeepSMOTE", '
        '"sampler_params": {"latent_noise": 0.25}}\', then list it in --rows',
    )
    parser.add_argument("--models", default=None, help="keep fitted autoencoders")
    parser.add_argument(
        "--cnn-steps",
        type=int,
        default=None,
        help="gradient steps of every classifier (default: the protocol's)",
    )
    parser.add_argument("--figure", type=Path, default=None, help="write the plot")
    parser.add_argument(
        "--augmentation",
        choices=["standard", "none"],
        default="standard",
        help="the classifiers' training augmentation: 'standard' (random shifts "
        "of 2 pixels, 1 for 8 x 8 digits; horizontal flips for clothing and "
        "solar cells) or 'none'",
    )
    parser.add_argument(
        "--plain",
        type=Path,
        default=None,
        metavar="PLAIN.json",
        help="the JSON of the same rows with --augmentation none: its figures go "
        "beside these in the table and the JSON",
    )
    parser.add_argument(
        "--diagnose",
        type=Path,
        default=None,
        metavar="SCORES.json",
        help="report on the resampled sets of the resampler rows instead of "
        "training classifiers, and rank them against the scores in SCORES.json "
        "(written by --json of a classification run)",
    )
    args = parser.parse_args(argv)
    datasets = args.datasets or default_datasets(args.data_dir)
    custom = {name: json.loads(spec) for name, spec in args.row}
    specs = {row: row_spec(row, custom) for row in args.rows}
    protocols = {
        dataset: asdict((QUICK if args.quick else PROTOCOLS)[dataset])
        for dataset in datasets
    }
    for protocol in protocols.values():
        if args.cnn_steps:
            protocol["cnn_steps"] = args.cnn_steps
        if args.augmentation == "none":
            protocol.update(max_shift=0, flip=False)
    tasks = [
        {
            "dataset": dataset,
            "protocol": protocols[dataset],
            "seed": seed,
            "fold": fold,
            "row": row,
            "spec": specs[row],
            "quick": args.quick,
            **({"diagnose": True} if args.diagnose else {}),
        }
        for dataset in datasets
        for seed in resolve_seeds(args)
        for fold in range(max(1, protocols[dataset]["n_folds"]))
        for row in args.rows
        # an oracle needs real images to add: none left beside cross-validation
        if not (specs[row]["sampler"] == "oracle" and protocols[dataset]["n_folds"])
        # a report needs synthetic rows
        and not (args.diagnose and specs[row]["sampler"] in (None, "oracle"))
    ]
    settings = {
        "threads": args.threads,
        "data_dir": args.data_dir,
        "models": args.models,
    }
    results = run_tasks(
        partial(run_group, settings=settings),
        tasks,
        group=lambda t: (t["dataset"], t["seed"], t["fold"]),
        jobs=args.jobs,
        cache=args.cache,
        cached_only=args.cached_only,
    )
    if args.diagnose:
        scores = json.loads(args.diagnose.read_text(encoding="utf-8"))["datasets"]
        values = report_values(results)
        table, figures = diagnostics_table(values, scores)
        report(
            [table, shares_table(values)],
            "Image protocol: reports on the samples",
            args.output,
        )
        write_json(args.json, {"columns": figures, "values": values})
        return
    figures = summarise(results, args.rows, datasets)
    plain = None
    if args.plain is not None:
        plain = json.loads(args.plain.read_text(encoding="utf-8"))["datasets"]
    tables = [
        quality_table(figures, args.rows, datasets, plain),
        cost_table(figures, args.rows, datasets),
    ]
    report(tables, "Image protocol", args.output)
    write_json(
        args.json,
        {
            "augmentation": args.augmentation,
            "datasets": figures,
            **({"plain": plain} if plain else {}),
        },
    )
    if args.figure is not None:
        draw(figures, args.rows, datasets, args.figure, plain)


def default_datasets(data_dir: str | None) -> list[str]:
    """digits; mnist and fashion with a data folder; elpv when installed."""
    datasets = ["mnist", "fashion"] if data_dir else []
    try:
        import elpv_dataset  # noqa: F401
    except ImportError:
        pass
    else:
        datasets.append("elpv")
    return [*datasets, "digits"]


if __name__ == "__main__":
    main()
