"""Cost benchmark: DeepSMOTE's training throughput, time and memory vs SMOTE.

Four tables, every measurement in a fresh child process (so that the peak
resident set size, ``ru_maxrss``, belongs to that configuration alone):

1. autoencoder training throughput (images per second, each step with its
   penalty batch) of the default ``ConvAutoencoder`` and of the paper's
   ``PaperAutoencoder`` on 28 x 28 images;
2. ``fit_resample`` wall time, CPU time and peak RSS increase of DeepSMOTE and
   SMOTE as the number of 28 x 28 rows grows (classes in the paper's IR-100
   profile, balanced to the majority, so the generated rows grow too);
3. the same at a fixed number of rows as the number of generated rows grows,
   then with every default (``max_epochs="auto"``) at 1,800 to 36,000 rows;
4. a tabular line: 1,000 rows x 20 features, MLP autoencoder, defaults;
5. quality per second: the paper's IR-100 protocol at 1,800 training images
   (MNIST with ``--mnist-dir``, else 8 x 8 digits): fit time and the ACSA of
   a small CNN trained on the output, for no resampling, pixel SMOTE, the
   default DeepSMOTE and the paper's architecture given at least the
   default's wall time.

Images are random (cost does not depend on content) unless ``--mnist-dir``
is given, then MNIST images are drawn per class (with replacement when a
class runs out). ``--devices`` picks where DeepSMOTE runs: the CPU, plus CUDA
when ``torch.cuda.is_available()``, by default; CUDA rows also give
``torch.cuda.max_memory_allocated``.
DeepSMOTE runs with the package defaults except ``max_epochs`` in tables 2
and 3 (fixed, early stopping off) so that sizes are comparable; rerun after
changing defaults to measure them.

Examples
--------
::

    python benchmarks/bench_cost.py --quick
    python benchmarks/bench_cost.py --output docs/benchmarks/cost.rst \\
        --mnist-dir /path/to/mnist
    python benchmarks/bench_cost.py --devices cuda --mnist-dir /path/to/mnist
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
from pathlib import Path
from typing import Any

import numpy as np
from _common import (
    PAPER_PROFILE,
    Table,
    apply_threads,
    base_parser,
    cnn_scores,
    deepsmote_defaults,
    ir100_task,
    load_images,
    load_mnist,
    mean_std,
    peak_rss_mib,
    report,
    resolve_seeds,
    timed,
    torch_device_name,
)

IMAGE_SHAPE = (1, 28, 28)
RESULT_PREFIX = "RESULT "


# --------------------------------------------------------------------------- #
# Child process: one configuration                                            #
# --------------------------------------------------------------------------- #


def image_data(
    n_rows: int, seed: int, mnist_dir: str | None, balanced: bool = False
) -> tuple[np.ndarray, np.ndarray]:
    """``n_rows`` 28 x 28 float32 rows, 10 classes in the paper's profile (scaled).

    ``balanced=True`` gives 10 equal classes instead.
    """
    rng = np.random.default_rng(seed)
    if balanced:
        counts = np.full(10, n_rows // 10)
    else:
        profile = np.asarray(PAPER_PROFILE, dtype=float)
        counts = np.maximum(6, np.round(profile * n_rows / profile.sum())).astype(int)
    counts[0] += n_rows - counts.sum()  # exactly n_rows rows
    y = np.repeat(np.arange(len(counts)), counts)
    if mnist_dir is None:
        X = rng.random((len(y), 28 * 28), dtype=np.float32)
    else:
        mnist = load_mnist(Path(mnist_dir))
        pick = [
            rng.choice(np.flatnonzero(mnist.y == label), size=count)
            for label, count in enumerate(counts)
        ]
        X = mnist.X[np.concatenate(pick)]
    order = rng.permutation(len(y))
    return np.ascontiguousarray(X[order]), y[order]


def make_sampler(config: dict[str, Any], seed: int):
    """The sampler a configuration describes."""
    if config["method"] == "SMOTE":
        from imblearn.over_sampling import SMOTE

        return SMOTE(
            random_state=seed,
            sampling_strategy=config.get("strategy", "auto"),
            k_neighbors=config.get("k_neighbors", 5),
        )
    from imblearn_deepsmote import DeepSMOTE

    params: dict[str, Any] = {
        "random_state": seed,
        "device": config["device"],
        "autoencoder": config.get("autoencoder", "auto"),
        "sampling_strategy": config.get("strategy", "auto"),
        "k_neighbors": config.get("k_neighbors", 5),
    }
    if config.get("tabular") is None:
        params["image_shape"] = tuple(config.get("image_shape", IMAGE_SHAPE))
    if config.get("epochs") is not None:
        params.update(max_epochs=config["epochs"], n_iter_no_change=None)
    if config.get("mixed_precision"):
        params["mixed_precision"] = True
    if "penalty" in config:
        params["penalty"] = config["penalty"]
    return DeepSMOTE(**params)


def child(config: dict[str, Any]) -> dict[str, Any]:
    """Run one configuration in this (fresh) process and return measurements."""
    import torch

    seed = config["seed"]
    if config["kind"] == "quality":
        return quality_child(config)
    if config.get("tabular"):
        from sklearn.datasets import make_classification

        n_rows, n_features = config["tabular"]
        X, y = make_classification(n_rows, n_features, weights=[0.9], random_state=seed)
        X = X.astype(np.float32)
    else:
        X, y = image_data(
            config["rows"],
            seed,
            config.get("mnist_dir"),
            balanced=config["kind"] == "throughput",
        )
    if config.get("generate") is not None:
        minority = int(np.argmin(np.bincount(y)))
        config["strategy"] = {minority: int(np.sum(y == minority)) + config["generate"]}
    cuda = config["device"].startswith("cuda")
    if config["kind"] == "throughput":
        # Balanced classes: fit_resample generates nothing, so the difference
        # between a 1-epoch fit and a (1 + epochs)-epoch fit is pure training.
        # A first, untimed fit pays for torch's lazy initialisation.
        times = []
        for epochs in (1, 1, 1 + config["epochs"]):
            sampler = make_sampler({**config, "epochs": epochs}, seed)
            if cuda:
                torch.cuda.synchronize()
            with timed() as watch:
                sampler.fit_resample(X, y)
                if cuda:
                    torch.cuda.synchronize()
            times.append(watch.seconds)
        n_params = sum(p.numel() for p in sampler.autoencoder_.module_.parameters())
        return {
            "images_per_s": len(X) * config["epochs"] / max(times[2] - times[1], 1e-9),
            "params": n_params,
            "batch_size": sampler.batch_size,
            "latent_dim": sampler.autoencoder_.latent_dim_,
            "cuda_mib": torch.cuda.max_memory_allocated() / 2**20 if cuda else None,
        }
    if config.get("warm"):  # a first, untimed fit pays for torch's start-up
        make_sampler(config, seed + 1).fit_resample(X, y)
    sampler = make_sampler(config, seed)
    rss_before = peak_rss_mib()
    cpu_before = resource.getrusage(resource.RUSAGE_SELF)
    with timed() as watch:
        X_res, _ = sampler.fit_resample(X, y)
        if cuda:
            torch.cuda.synchronize()
    cpu_after = resource.getrusage(resource.RUSAGE_SELF)
    autoencoder = getattr(sampler, "autoencoder_", None)
    return {
        "seconds": watch.seconds,
        "cpu_seconds": (cpu_after.ru_utime - cpu_before.ru_utime)
        + (cpu_after.ru_stime - cpu_before.ru_stime),
        "rss_delta_mib": peak_rss_mib() - rss_before,
        "generated": len(X_res) - len(X),
        "rows": len(X),
        "epochs": None if autoencoder is None else len(autoencoder.history_),
        "cuda_mib": torch.cuda.max_memory_allocated() / 2**20 if cuda else None,
    }


def quality_child(config: dict[str, Any]) -> dict[str, Any]:
    """Resample one seed's IR-100 split, train the small CNN on it, score it."""
    import torch

    seed = config["seed"]
    data = load_images(config.get("mnist_dir"))
    X, y, X_test, y_test, k_neighbors = ir100_task(
        data, config["majority"], config["test_per_class"], seed
    )
    n_train = len(y)
    config = {**config, "image_shape": data.image_shape, "k_neighbors": k_neighbors}
    cuda = config["device"].startswith("cuda")
    seconds, epochs = 0.0, None
    if config["method"] != "none":
        sampler = make_sampler(config, seed)
        with timed() as watch:
            X, y = sampler.fit_resample(X, y)
            if cuda:
                torch.cuda.synchronize()
        seconds = watch.seconds
        autoencoder = getattr(sampler, "autoencoder_", None)
        epochs = None if autoencoder is None else len(autoencoder.history_)
    scores = cnn_scores(
        X,
        y,
        X_test,
        y_test,
        data.image_shape,
        max_epochs=config["cnn_epochs"],
        seed=seed,
        device=config["device"],
    )
    return {
        "seconds": seconds,
        "epochs": epochs,
        "rows": n_train,
        "generated": len(X) - n_train,
        "ACSA": scores["ACSA"],
        "dataset": data.name,
    }


def run_child(config: dict[str, Any], threads: int | None) -> dict[str, Any]:
    """Run ``config`` in a fresh Python process and parse its result line."""
    completed = subprocess.run(
        [sys.executable, __file__, "--child", json.dumps(config)]
        + ([] if threads is None else ["--threads", str(threads)]),
        capture_output=True,
        text=True,
        check=False,
    )
    for line in completed.stdout.splitlines():
        if line.startswith(RESULT_PREFIX):
            return json.loads(line[len(RESULT_PREFIX) :])
    tail = (completed.stderr or completed.stdout).strip().splitlines()[-3:]
    return {"error": " | ".join(tail)[:300]}


# --------------------------------------------------------------------------- #
# Parent: the tables                                                          #
# --------------------------------------------------------------------------- #


def measure(
    configs: list[dict[str, Any]], seeds: list[int], threads: int | None
) -> list[dict[str, Any]]:
    """Run each configuration once per seed; return per-configuration result lists."""
    results = []
    for config in configs:
        runs = []
        for seed in seeds:
            result = run_child({**config, "seed": seed}, threads)
            print(f"{config} seed={seed}: {result}", file=sys.stderr, flush=True)
            runs.append(result)
        results.append({"config": config, "runs": runs})
    return results


def _values(runs: list[dict[str, Any]], key: str) -> list[float]:
    return [r[key] for r in runs if r.get(key) is not None]


def _cell(runs: list[dict[str, Any]], key: str, digits: int = 1) -> str:
    values = _values(runs, key)
    if not values:
        errors = [r["error"] for r in runs if "error" in r]
        return f"error: {errors[0]}" if errors else "n/a"
    return (
        mean_std(values, digits=digits)
        if len(values) > 1
        else f"{values[0]:.{digits}f}"
    )


def throughput_table(
    devices: list[str],
    sizes: dict[str, int],
    epochs: int,
    seeds: list[int],
    threads: int | None,
    mnist_dir: str | None,
) -> tuple[Table, dict[tuple[str, str | None, str], float]]:
    """Table 1: training images per second of both image autoencoders.

    Also returns the images/s of each (autoencoder, penalty, device) trained
    in full precision, for table 5.
    """
    from imblearn_deepsmote import DeepSMOTE

    configs = [
        {
            "kind": "throughput",
            "method": "DeepSMOTE",
            "autoencoder": autoencoder,
            "penalty": penalty,
            "device": device,
            "rows": sizes[autoencoder if device == "cpu" else "cuda"],
            "epochs": epochs,
            "mnist_dir": mnist_dir,
        }
        for device in devices
        # the default, the default with the paper's penalty, the paper's setting
        for autoencoder, penalty in (
            ("conv", None),
            ("conv", "paper"),
            ("paper", "paper"),
        )
    ]
    if "cuda" in devices and "mixed_precision" in DeepSMOTE().get_params():
        configs += [
            {**config, "mixed_precision": True}
            for config in configs
            if config["device"] == "cuda"
        ]
    table = Table(
        "Autoencoder training throughput, 28x28",
        [
            "autoencoder",
            "weights",
            "latent",
            "device",
            "images/s",
            "s/epoch at 9,000 images",
            "CUDA peak MiB",
        ],
    )
    rates = {}
    names = {"conv": "ConvAutoencoder (default)", "paper": "PaperAutoencoder"}
    for item in measure(configs, seeds, threads):
        config, runs = item["config"], item["runs"]
        ok = [r for r in runs if "images_per_s" in r]
        rate = np.mean([r["images_per_s"] for r in ok]) if ok else np.nan
        if not config.get("mixed_precision"):
            key = (config["autoencoder"], config["penalty"], config["device"])
            rates[key] = rate
        name = f"{names[config['autoencoder']]}, penalty={config['penalty']}"
        if config.get("mixed_precision"):
            name += ", mixed precision"
        table.add_row(
            name,
            f"{ok[0]['params'] / 1e6:.2f}M" if ok else "n/a",
            ok[0]["latent_dim"] if ok else "n/a",
            torch_device_name(config["device"]),
            _cell(runs, "images_per_s", digits=0),
            f"{9000 / rate:.1f}" if ok else "n/a",
            _cell(runs, "cuda_mib", digits=0) if config["device"] != "cpu" else "",
        )
    table.drop_empty_columns()
    table.notes = [
        "images/s = training images per second (each step trains on a "
        "reconstruction batch and, with a penalty, on a same-class penalty batch, "
        f"both of batch_size), package defaults ({deepsmote_defaults()}) but for "
        "the autoencoder and penalty shown; measured as "
        f"the time difference between a 1-epoch and a {1 + epochs}-epoch "
        "fit_resample on balanced data, so set-up, encoding and scaling cancel out. "
        "Rows per fit: "
        + ", ".join(f"{k} {v}" for k, v in sizes.items())
        + ". The paper's MNIST setting trains 9,000 images for ~200 epochs."
    ]
    return table, rates


def resample_table(
    title: str,
    configs: list[dict[str, Any]],
    seeds: list[int],
    threads: int | None,
    note: str,
) -> Table:
    """Tables 2-4: fit_resample time and memory for a list of configurations."""
    table = Table(
        title,
        [
            "method",
            "device",
            "rows",
            "generated",
            "epochs",
            "wall s",
            "CPU s",
            "peak RSS +MiB",
            "CUDA peak MiB",
        ],
    )
    for item in measure(configs, seeds, threads):
        config, runs = item["config"], item["runs"]
        ok = [r for r in runs if "seconds" in r]
        first = ok[0] if ok else {}
        method = config["method"]
        if method == "DeepSMOTE" and config.get("autoencoder", "auto") != "auto":
            method += f" ({config['autoencoder']})"
        if config.get("tabular") and method != "SMOTE":
            method += ", warm" if config.get("warm") else ", first fit"
        table.add_row(
            method,
            torch_device_name(config["device"]) if method != "SMOTE" else "cpu",
            first.get("rows", "n/a"),
            first.get("generated", "n/a"),
            first.get("epochs") or "",
            _cell(runs, "seconds", digits=2),
            _cell(runs, "cpu_seconds", digits=2),
            _cell(runs, "rss_delta_mib", digits=0),
            _cell(runs, "cuda_mib", digits=0) if config["device"] != "cpu" else "",
        )
    table.drop_empty_columns()
    table.notes = [note]
    return table


def quality_table(
    devices: list[str],
    rates: dict[tuple[str, str | None, str], float],
    seeds: list[int],
    threads: int | None,
    mnist_dir: str | None,
    quick: bool,
) -> Table:
    """Table 5: fit time and downstream ACSA at the paper's IR-100 profile.

    The paper's architecture gets as many epochs as it trains in the default's
    mean fit time (from table 1's images/s), at least one.
    """
    sizes = (
        {"majority": 80, "test_per_class": 20, "cnn_epochs": 2}
        if quick
        else {"majority": 800, "test_per_class": 100, "cnn_epochs": 8}
    )
    base = {"kind": "quality", "mnist_dir": mnist_dir, **sizes}
    if quick:
        base["epochs"] = 2
    table = Table(
        "Quality per second: IR-100 profile"
        + ("" if quick else ", 1,800 training images"),
        ["method", "device", "rows", "generated", "epochs", "fit s", "ACSA %"],
    )

    def add(config: dict[str, Any]) -> list[dict[str, Any]]:
        runs = measure([config], seeds, threads)[0]["runs"]
        ok = [r for r in runs if "ACSA" in r]
        first = ok[0] if ok else {}
        name = config["method"]
        if config.get("autoencoder") == "paper":
            name = "DeepSMOTE, paper architecture and penalty"
        elif name == "DeepSMOTE":
            name = "DeepSMOTE (defaults)"
        table.add_row(
            name,
            torch_device_name(config["device"]),
            first.get("rows", "n/a"),
            first.get("generated", "n/a"),
            first.get("epochs") or "",
            _cell(runs, "seconds", digits=2),
            mean_std([r["ACSA"] for r in ok], scale=100, digits=1)
            if ok
            else _cell(runs, "ACSA"),
        )
        return ok

    for method in ("none", "SMOTE"):
        add({**base, "method": method, "device": "cpu"})
    for device in devices:
        default_runs = add({**base, "method": "DeepSMOTE", "device": device})
        if mnist_dir is None:
            continue  # the paper's architecture is for 28x28 images only
        default_seconds = np.mean([r["seconds"] for r in default_runs] or [np.nan])
        rate = rates.get(("paper", "paper", device), np.nan)
        n_rows = default_runs[0]["rows"] if default_runs else np.nan
        paper_epochs = default_seconds * rate / n_rows
        paper_epochs = int(paper_epochs) if np.isfinite(paper_epochs) else 1
        add(
            {
                **base,
                "method": "DeepSMOTE",
                "device": device,
                "autoencoder": "paper",
                "penalty": "paper",
                "epochs": max(1, paper_epochs),
            }
        )
    dataset = "MNIST t10k" if mnist_dir else "8x8 digits (no --mnist-dir)"
    table.notes = [
        f"{dataset}: training counts in the paper's IR-100 profile with a majority "
        f"of {sizes['majority']}, {sizes['test_per_class']} test images per class "
        "(balanced, disjoint); each seed redraws the split. fit s = fit_resample "
        "wall time; ACSA = balanced accuracy of the benchmarks' small CNN (Adam, "
        f"{sizes['cnn_epochs']} epochs of cross-entropy on the output, on the "
        "row's device), mean ± std over the seeds. The paper's architecture gets "
        "the number of epochs it trains in the default's mean fit time (from the "
        "throughput table), at least 1; non-deep rows run on the CPU."
    ]
    return table


def main(argv: list[str] | None = None) -> None:
    """Parse arguments, measure and report."""
    parser = base_parser(__doc__.splitlines()[0], default_seeds=[0])
    parser.add_argument(
        "--rows",
        type=int,
        nargs="+",
        default=None,
        help="28x28 row counts for table 2 (default 1000 5000 20000 60000)",
    )
    parser.add_argument(
        "--fixed-rows",
        type=int,
        default=None,
        help="rows of table 3 (default 5000)",
    )
    parser.add_argument(
        "--generate",
        type=int,
        nargs="+",
        default=None,
        help="generated rows of table 3 (default 1000 10000 100000)",
    )
    parser.add_argument(
        "--epochs",
        type=int,
        default=None,
        help="DeepSMOTE max_epochs in tables 2-3 (default 1)",
    )
    parser.add_argument("--mnist-dir", type=Path, default=None)
    parser.add_argument(
        "--quality-seeds",
        type=int,
        nargs="+",
        default=None,
        help="seeds of the quality table (default 0 1 2; only 0 with --quick)",
    )
    parser.add_argument(
        "--devices",
        nargs="+",
        choices=["cpu", "cuda"],
        default=None,
        help="where DeepSMOTE runs (default: cpu, plus cuda when available)",
    )
    parser.add_argument("--child", default=None, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    apply_threads(args)
    if args.child is not None:
        print(RESULT_PREFIX + json.dumps(child(json.loads(args.child))), flush=True)
        return

    import torch

    quick = args.quick
    rows = args.rows or ([1000] if quick else [1000, 5000, 20000, 60000])
    fixed_rows = args.fixed_rows or (500 if quick else 5000)
    generate = args.generate or ([1000] if quick else [1000, 10000, 100000])
    epochs = args.epochs or 1
    seeds = resolve_seeds(args)
    quality_seeds = args.quality_seeds or ([0] if quick else [0, 1, 2])
    mnist_dir = None if args.mnist_dir is None else str(args.mnist_dir)
    devices = args.devices or ["cpu"] + (["cuda"] if torch.cuda.is_available() else [])
    sizes = (
        {"conv": 200, "paper": 20, "cuda": 600}
        if quick
        else {"conv": 3000, "paper": 300, "cuda": 9000}
    )
    data = "MNIST images" if mnist_dir else "random 28x28 images"
    with timed() as watch:
        throughput, rates = throughput_table(
            devices, sizes, 2, seeds, args.threads, mnist_dir
        )
        tables = [throughput]
        deep = [
            {
                "method": "DeepSMOTE",
                "device": d,
                "epochs": epochs,
                "mnist_dir": mnist_dir,
            }
            for d in devices
        ]
        smote = [{"method": "SMOTE", "device": "cpu", "mnist_dir": mnist_dir}]
        tables.append(
            resample_table(
                "fit_resample cost vs rows (28x28, balanced to the majority)",
                [
                    {**c, "kind": "resample", "rows": n}
                    for n in rows
                    for c in smote + deep
                ],
                seeds,
                args.threads,
                f"{data}, 10 classes in the paper's IR-100 profile scaled to the "
                "row count and over-sampled to the majority (the generated rows grow "
                f"with the rows). DeepSMOTE: max_epochs={epochs}, no early stopping "
                "(training time grows linearly with epochs: see table 1 for s/epoch). "
                "peak RSS +MiB = increase of the child process's peak resident set "
                "during fit_resample (includes the returned array).",
            )
        )
        tables.append(
            resample_table(
                f"fit_resample cost vs generated rows ({fixed_rows} rows, 28x28)",
                [
                    {**c, "kind": "resample", "rows": fixed_rows, "generate": g}
                    for g in generate
                    for c in smote + deep
                ],
                seeds,
                args.threads,
                f"{data}; only the smallest class is over-sampled, by the number of "
                f"rows shown. DeepSMOTE: max_epochs={epochs}, no early stopping.",
            )
        )
        budget_rows = [600] if quick else [1800, 9000, 36000]
        tables.append(
            resample_table(
                "fit_resample with the default training budget (28x28)",
                [
                    {**c, "kind": "resample", "rows": n}
                    for n in budget_rows
                    for c in smote
                    + [{k: v for k, v in d.items() if k != "epochs"} for d in deep]
                ],
                seeds,
                args.threads,
                f"{data}, as in the table of cost vs rows, but DeepSMOTE with every "
                "default, max_epochs='auto' included (20 epochs up to 9,000 rows, "
                "then about 180,000 rows seen, at least 5 epochs) and early "
                "stopping on: epochs = epochs actually run.",
            )
        )
        tabular = {"kind": "resample", "tabular": [1000, 20], "device": "cpu"}
        tables.append(
            resample_table(
                "Tabular fit_resample cost (1,000 rows x 20 features)",
                [
                    {**tabular, "method": "SMOTE"},
                    {**tabular, "method": "DeepSMOTE", "autoencoder": "mlp"},
                    {
                        **tabular,
                        "method": "DeepSMOTE",
                        "autoencoder": "mlp",
                        "warm": True,
                    },
                ],
                seeds,
                args.threads,
                "make_classification(1000, 20, weights=[0.9]); DeepSMOTE with the "
                "package defaults (MLP autoencoder, early stopping): epochs = epochs "
                "actually run. 'first fit' is the first fit_resample in a fresh "
                "process, which also pays for torch's start-up; 'warm' follows an "
                "untimed fit in the same process, as in a grid search.",
            )
        )
        tables.append(
            quality_table(
                devices,
                rates,
                quality_seeds,
                args.threads,
                mnist_dir,
                quick,
            )
        )
    tables[-1].notes.append(
        f"Each configuration runs in a fresh child process, once per seed {seeds} "
        f"(mean ± std when several). Total wall time {watch.seconds / 60:.1f} min. "
        "Wall times depend on machine load; CPU s = user + system time of the child."
    )
    report(tables, "Cost benchmark (DeepSMOTE vs SMOTE)", args.output)


if __name__ == "__main__":
    main()
