"""Quality levers of DeepSMOTE, each against the defaults on the same seeds.

The protocol is the paper's IR-100 profile at 1,800 training images (MNIST
with ``--mnist-dir``, else 8 x 8 digits), a balanced disjoint test set, and the
benchmarks' small CNN trained with cross-entropy on each resampled set. Each
lever changes one thing of the package defaults; the table gives ACSA (mean ±
std over seeds), the paired difference with the defaults and how many seeds
it beats pixel SMOTE on. Lever names are ``parameter=value`` of
``DeepSMOTE``, plus two that post-process the output:

- ``partial=F``: over-sample each minority class to ``F`` times the majority
  (partial balancing) instead of to the majority;
- ``filter=K``: generate twice the rows needed, keep those whose re-encoded
  latent code has a majority of its ``K`` nearest real latent neighbours in
  the class it was made for (discarding ambiguous decodes), then take the
  number needed.

Tasks run in ``--jobs`` worker processes (on a GPU, several share it).
With ``--cache FILE`` every finished task is appended to ``FILE`` (JSON
lines) and tasks already there are not run again, so an interrupted run
resumes where it stopped.

Examples
--------
::

    python benchmarks/bench_levers.py --quick
    python benchmarks/bench_levers.py --mnist-dir /path/to/mnist --device cuda \\
        --seeds 0 1 2 3 4 --jobs 6 --output docs/benchmarks/levers.rst
"""

from __future__ import annotations

import os
import sys
import warnings
from pathlib import Path
from typing import Any

import numpy as np
from _common import (
    Table,
    apply_threads,
    base_parser,
    cnn_scores,
    deepsmote_defaults,
    ir100_task,
    load_images,
    mean_std,
    report,
    resolve_seeds,
    run_tasks,
    timed,
    torch_device_name,
)

LEVERS = (
    "latent_dim=16",
    "latent_dim=64",
    "max_epochs=25",
    "max_epochs=100",
    "k_neighbors=2",
    "latent_sampler=BorderlineSMOTE",
    "partial=0.5",
    "filter=5",
    "mixed_precision=True",
)
QUICK_LEVERS = ("latent_dim=16", "partial=0.5", "filter=5")
BASELINES = ("none", "SMOTE", "defaults")


def parse_lever(lever: str) -> tuple[str, Any]:
    """``"name=value"`` -> ``(name, value)`` with the value as a Python object."""
    name, _, text = lever.partition("=")
    if name == "latent_sampler":
        from imblearn import over_sampling

        return name, getattr(over_sampling, text)()
    if text in {"None", "True", "False"}:
        return name, {"None": None, "True": True, "False": False}[text]
    try:
        number = float(text)
    except ValueError:  # a string option: penalty=paper, decoding=direct, ...
        return name, text
    return name, int(number) if number.is_integer() and name != "partial" else number


def filtered_resample(sampler, X, y, k: int):
    """Over-sample to balance, keeping only decodes whose latent kNN vote agrees."""
    from sklearn.neighbors import KNeighborsClassifier

    X_res, y_res = sampler.fit_resample(X, y)
    vote = KNeighborsClassifier(k).fit(sampler.latent_codes_, y)
    parts_X, parts_y = [X], [y]
    for label, n_new in sampler.sampling_strategy_.items():
        if n_new == 0:
            continue
        candidates = sampler.generate(2 * n_new, label, random_state=0)
        agrees = vote.predict(sampler.encode(candidates)) == label
        kept = np.concatenate([candidates[agrees], candidates[~agrees]])[:n_new]
        parts_X.append(kept)
        parts_y.append(np.full(n_new, label, dtype=y.dtype))
    assert sum(map(len, parts_y)) == len(y_res)
    return np.concatenate(parts_X), np.concatenate(parts_y)


def run_task(task: dict[str, Any]) -> dict[str, Any]:
    """:func:`score_task`, or the error it raised (a failing lever must not stop
    the run)."""
    try:
        return score_task(task)
    except Exception as exc:
        message = f"{type(exc).__name__}: {exc}"[:200]
        print(f"[seed {task['seed']}] {task['lever']}: {message}", file=sys.stderr)
        return {**task, "error": message}


def score_task(task: dict[str, Any]) -> dict[str, Any]:
    """Resample one seed's split as ``task["lever"]`` says; train and score the CNN."""
    import torch
    from imblearn.over_sampling import SMOTE

    from imblearn_deepsmote import DeepSMOTE

    torch.set_num_threads(task["threads"])
    seed, lever, device = task["seed"], task["lever"], task["device"]
    data = load_images(task["mnist_dir"])
    X, y, X_test, y_test, k_neighbors = ir100_task(
        data, task["majority"], task["test_per_class"], seed
    )
    params: dict[str, Any] = {
        "image_shape": data.image_shape,
        "k_neighbors": k_neighbors,
        "random_state": seed,
        "device": device,
    }
    if task["ae_epochs"]:
        params["max_epochs"] = task["ae_epochs"]
    name, value = parse_lever(lever) if "=" in lever else (lever, None)
    with timed() as watch, warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)
        if name == "none":
            X_res, y_res = X, y
        elif name == "SMOTE":
            X_res, y_res = SMOTE(
                k_neighbors=k_neighbors, random_state=seed
            ).fit_resample(X, y)
        elif name == "partial":
            target = int(value * np.bincount(y).max())
            strategy = {c: max(n, target) for c, n in enumerate(np.bincount(y))}
            X_res, y_res = DeepSMOTE(sampling_strategy=strategy, **params).fit_resample(
                X, y
            )
        elif name == "filter":
            X_res, y_res = filtered_resample(DeepSMOTE(**params), X, y, value)
        else:
            extra = {} if name == "defaults" else {name: value}
            X_res, y_res = DeepSMOTE(**{**params, **extra}).fit_resample(X, y)
    scores = cnn_scores(
        X_res,
        y_res,
        X_test,
        y_test,
        data.image_shape,
        max_epochs=task["cnn_epochs"],
        seed=seed,
        device=device,
    )
    print(
        f"[seed {seed}] {lever}: ACSA {100 * scores['ACSA']:.2f} "
        f"({watch.seconds:.1f} s resampling)",
        file=sys.stderr,
        flush=True,
    )
    return {**task, "ACSA": scores["ACSA"], "seconds": watch.seconds}


def main(argv: list[str] | None = None) -> None:
    """Parse arguments, run every (lever, seed) task and report."""
    parser = base_parser(__doc__.splitlines()[0], default_seeds=[0, 1, 2, 3, 4])
    parser.add_argument("--mnist-dir", type=Path, default=None)
    parser.add_argument("--device", default="cpu", help="cpu or cuda")
    parser.add_argument(
        "--levers", nargs="+", default=None, help=f"default: {' '.join(LEVERS)}"
    )
    parser.add_argument("--jobs", type=int, default=1, help="worker processes")
    parser.add_argument(
        "--cache", type=Path, default=None, help="JSON lines of finished tasks"
    )
    args = parser.parse_args(argv)
    apply_threads(args)
    quick = args.quick
    levers = args.levers or (QUICK_LEVERS if quick else LEVERS)
    seeds = resolve_seeds(args)
    sizes = (
        {"majority": 80, "test_per_class": 20, "cnn_epochs": 2, "ae_epochs": 2}
        if quick
        else {"majority": 800, "test_per_class": 100, "cnn_epochs": 8, "ae_epochs": 0}
    )
    threads = args.threads or max(1, (os.cpu_count() or 1) // max(1, args.jobs))
    tasks = [
        {
            "lever": lever,
            "seed": seed,
            "device": args.device,
            "mnist_dir": None if args.mnist_dir is None else str(args.mnist_dir),
            "threads": threads,
            **sizes,
        }
        for lever in (*BASELINES, *levers)
        for seed in seeds
    ]
    with timed() as watch:
        results, n_cached = run_tasks(run_task, tasks, args.jobs, args.cache)
    by_lever: dict[str, dict[int, dict[str, Any]]] = {}
    for result in results:
        by_lever.setdefault(result["lever"], {})[result["seed"]] = result
    table = Table(
        "DeepSMOTE levers, IR-100 profile",
        ["resampling", "ACSA %", "vs defaults (paired)", "beats SMOTE", "resample s"],
    )
    errors = []

    def acsa(lever: str, seeds: list[int]) -> np.ndarray:
        return np.array([by_lever[lever][seed]["ACSA"] for seed in seeds])

    for lever, runs in by_lever.items():
        ok = [seed for seed, run in runs.items() if "error" not in run]
        errors += [
            f"{lever}, seed {seed}: {run['error']}"
            for seed, run in runs.items()
            if "error" in run
        ]
        name = lever if lever in BASELINES[:2] else f"DeepSMOTE {lever}"
        if not ok:
            table.add_row(name, "failed", "", "", "")
            continue
        if len(ok) < len(runs):
            name += f" ({len(ok)}/{len(runs)} seeds)"
        values = acsa(lever, ok)
        table.add_row(
            name,
            mean_std(values, scale=100, digits=1),
            ""
            if lever in BASELINES
            else mean_std(100 * (values - acsa("defaults", ok)), digits=1),
            f"{np.sum(values > acsa('SMOTE', ok))}/{len(ok)}",
            f"{np.mean([runs[seed]['seconds'] for seed in ok]):.1f}",
        )
    data = "MNIST t10k" if args.mnist_dir else "8x8 digits"
    table.notes = [
        f"{data}: the paper's IR-100 profile with a majority of "
        f"{sizes['majority']} (1,800 training images on MNIST), "
        f"{sizes['test_per_class']} test images per class; seeds {seeds}, each "
        "redrawing the split, the sampler and the CNN; every row uses the same "
        "splits. ACSA = balanced accuracy of the benchmarks' small CNN (Adam, "
        f"{sizes['cnn_epochs']} epochs of cross-entropy) in %, mean ± std; 'vs "
        "defaults' = mean ± std of the per-seed difference in points; 'beats "
        "SMOTE' = seeds on which the row's ACSA is above pixel SMOTE's.",
        f"DeepSMOTE defaults ({deepsmote_defaults()}) but for the lever shown"
        + (f" and max_epochs={sizes['ae_epochs']}" if sizes["ae_epochs"] else "")
        + f"; device {torch_device_name(args.device)}; {args.jobs} worker "
        f"process(es) with {threads} torch thread(s) each; 'resample s' is "
        "measured with the workers sharing the machine (see the cost benchmark "
        f"for timings); wall time of this run {watch.seconds / 60:.1f} min"
        + (
            f", {n_cached} of {len(tasks)} tasks read from --cache (an earlier, "
            "interrupted run of the same command)."
            if n_cached
            else "."
        ),
    ] + [f"Failed: {error.rstrip('.')}." for error in errors]
    report([table], "DeepSMOTE quality levers", args.output)


if __name__ == "__main__":
    main()
