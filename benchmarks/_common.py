"""What the benchmark scripts share: command line, result files, tasks, data, CNN.

The scripts in this folder run as files (``python benchmarks/bench_images.py``),
so this module is imported as ``_common``. Nothing here is part of the
installed package, which never needs these data: MNIST and Fashion-MNIST are
read from IDX files in a folder given with ``--data-dir``, the ELPV solar
cells from the optional package ``elpv-dataset``.
"""

from __future__ import annotations

import argparse
import datetime as _dt
import fcntl
import gzip
import json
import os
import platform
import re
import shlex
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import ProcessPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass, field
from functools import lru_cache, partial
from pathlib import Path

import numpy as np

REPO_ROOT = Path(__file__).resolve().parents[1]

# --------------------------------------------------------------------------- #
# Command line and result files                                               #
# --------------------------------------------------------------------------- #


def base_parser(
    description: str, default_seeds: Sequence[int]
) -> argparse.ArgumentParser:
    """A parser with the options every script shares.

    ``--quick`` (tiny sizes: a smoke test), ``--seeds``, ``--threads`` (torch
    CPU threads in each process, 1 by default: the fastest for these small
    networks on a shared machine), ``--output`` (the reST page) and
    ``--json`` (the figures, with the command that made them).
    """
    parser = argparse.ArgumentParser(
        description=description,
        formatter_class=argparse.ArgumentDefaultsHelpFormatter,
    )
    parser.add_argument("--quick", action="store_true", help="tiny sizes")
    parser.add_argument(
        "--seeds",
        type=int,
        nargs="+",
        default=None,
        help=f"seeds (default {' '.join(map(str, default_seeds))}; the first "
        "only with --quick)",
    )
    parser.set_defaults(default_seeds=list(default_seeds))
    parser.add_argument("--threads", type=int, default=1, help="torch CPU threads")
    parser.add_argument("--output", type=Path, default=None, help="reST page")
    parser.add_argument("--json", type=Path, default=None, help="figures as JSON")
    return parser


def resolve_seeds(args: argparse.Namespace) -> list[int]:
    """``--seeds`` if given, else the defaults (only the first with ``--quick``)."""
    if args.seeds is not None:
        return list(args.seeds)
    return args.default_seeds[:1] if args.quick else list(args.default_seeds)


#: Options whose value is a path on the machine that ran the script: the
#: "Produced by" line shows a placeholder instead. An ``--output`` or
#: ``--json`` inside the repository keeps its relative path.
PATH_OPTIONS: dict[str, str] = {
    "--data-dir": "DIR",
    "--cache": "FILE",
    "--output": "FILE.rst",
    "--json": "FILE.json",
    "--figure": "FILE.png",
}


def _is_machine_path(value: str) -> bool:
    path = Path(value)
    return (
        path.is_absolute()
        or value.startswith("~")
        or re.match(r"^[A-Za-z]:[\\/]", value) is not None
        or ".." in path.parts
    )


def _placeholder(option: str, value: str) -> str:
    kept = ("--output", "--json", "--figure")
    if option in kept and not _is_machine_path(value):
        return value
    return PATH_OPTIONS[option]


def command_line(argv: Sequence[str] | None = None) -> str:
    """The command that started this process, without this machine's paths.

    Examples
    --------
    >>> command_line(["benchmarks/bench_images.py", "--data-dir", "/data/x"])
    'python benchmarks/bench_images.py --data-dir DIR'
    """
    argv = list(sys.argv if argv is None else argv)
    script = Path(argv[0]).resolve()
    try:
        script_name = script.relative_to(REPO_ROOT).as_posix()
    except ValueError:
        script_name = script.name
    words, path_option = [], None
    for word in argv[1:]:
        option, equals, value = word.partition("=")
        if path_option is not None:
            words.append(_placeholder(path_option, word))
            path_option = None
        elif option in PATH_OPTIONS and equals:
            words.append(f"{option}={_placeholder(option, value)}")
        elif word in PATH_OPTIONS:
            words.append(word)
            path_option = word
        elif _is_machine_path(word) and not word.startswith("-"):
            words.append("PATH")
        else:
            words.append(word)
    return shlex.join(["python", script_name, *words])


def machine_description() -> str:
    """One line: OS, CPU count, load, torch and its default threads, devices."""
    import torch

    cuda = (
        f"CUDA {torch.version.cuda} on {torch.cuda.get_device_name(0)}"
        if torch.cuda.is_available()
        else "no CUDA device"
    )
    load = ", ".join(f"{x:.1f}" for x in os.getloadavg())
    return (
        f"{platform.system()} {platform.machine()}, {os.cpu_count()} CPUs (load "
        f"average at the end {load}), torch {torch.__version__}, {cuda}, Python "
        f"{platform.python_version()}"
    )


@dataclass
class Table:
    """A result table: a title, column names, rows of strings and notes."""

    title: str
    columns: list[str]
    rows: list[list[str]] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    def add_row(self, *cells: object) -> None:
        """Append a row; cells are converted with ``str``."""
        if len(cells) != len(self.columns):
            raise ValueError(f"expected {len(self.columns)} cells, got {len(cells)}")
        self.rows.append([str(cell) for cell in cells])

    def render(self) -> str:
        """The table as a reStructuredText simple table, with title and notes."""
        widths = [
            max([len(column), *(len(row[i]) for row in self.rows)])
            for i, column in enumerate(self.columns)
        ]
        rule = "  ".join("=" * width for width in widths)

        def line(cells: Sequence[str]) -> str:
            return "  ".join(
                c.ljust(w) for c, w in zip(cells, widths, strict=True)
            ).rstrip()

        parts = [self.title, "-" * len(self.title), "", rule, line(self.columns)]
        parts += [rule, *(line(row) for row in self.rows), rule]
        if self.notes:
            parts += ["", *self.notes]
        return "\n".join(parts) + "\n"


def report(tables: Sequence[Table], title: str, output: Path | None) -> str:
    """Print ``tables`` and, with ``output``, write them as a reST page.

    The page starts with ``title`` and the exact command, date and machine.
    """
    header = (
        f"Produced by ``{command_line()}`` on "
        f"{_dt.datetime.now().astimezone().strftime('%Y-%m-%d %H:%M %Z')}; "
        f"machine: {machine_description()}."
    )
    text = "\n".join(
        [title, "=" * len(title), "", header, "", *(t.render() for t in tables)]
    )
    print(text, flush=True)
    if output is not None:
        output.parent.mkdir(parents=True, exist_ok=True)
        output.write_text(text, encoding="utf-8")
    return text


def write_json(path: Path | None, figures: dict) -> None:
    """Write ``figures`` with the command that made them (when ``path`` is set)."""
    if path is not None:
        path.parent.mkdir(parents=True, exist_ok=True)
        text = json.dumps({"command": command_line(), **figures}, indent=1)
        path.write_text(text + "\n", encoding="utf-8")


def mean_std(values: Sequence[float], scale: float = 1.0, digits: int = 1) -> str:
    """``mean ± std`` of ``values`` times ``scale`` (std 0 for a single value)."""
    arr = np.asarray(values, dtype=float) * scale
    if arr.size == 0 or np.all(np.isnan(arr)):
        return "n/a"
    std = float(np.nanstd(arr, ddof=1)) if np.sum(~np.isnan(arr)) > 1 else 0.0
    return f"{np.nanmean(arr):.{digits}f} ± {std:.{digits}f}"


def paired(values: Sequence[float], reference: Sequence[float], digits=1) -> str:
    """Per-seed differences in points: ``mean ± std (seeds ahead/seeds)``."""
    diff = 100 * (np.asarray(values, float) - np.asarray(reference, float))
    return f"{mean_std(diff, digits=digits)} ({int(np.sum(diff > 0))}/{len(diff)})"


# --------------------------------------------------------------------------- #
# Tasks, timing and memory                                                    #
# --------------------------------------------------------------------------- #


def run_tasks(
    run: Callable[[list[dict], Callable[[dict], None]], None],
    tasks: list[dict],
    *,
    group: Callable[[dict], tuple],
    jobs: int,
    cache: Path | None,
    cached_only: bool = False,
) -> list[dict]:
    """Run the tasks not yet in ``cache``, a group at a time, in ``jobs`` processes.

    A task is a dict of JSON values; its result is the task with figures
    added. Tasks with the same ``group(task)`` run together, in one call
    ``run(tasks, record)`` (so they can share work, such as a trained
    autoencoder), which calls ``record(result)`` as each task finishes: the
    result is appended to ``cache`` (JSON lines) at once. A task whose keys
    and values are already there is not run again, so an interrupted or
    extended run resumes; a task that failed (``run`` reports it and goes
    on) is run again next time. With ``cached_only``, nothing runs: the
    results are those the cache holds.

    Returns
    -------
    list of dict
        The results of the tasks that have one, in the order of ``tasks``.
    """
    if cache is None:  # the workers still hand their results over in a file
        with tempfile.TemporaryDirectory() as folder:
            return run_tasks(
                run,
                tasks,
                group=group,
                jobs=jobs,
                cache=Path(folder) / "results.jsonl",
                cached_only=cached_only,
            )

    def key(entry: dict) -> str:
        # a key left out (None) is the same as one a task does not have
        return json.dumps({k: entry.get(k) for k in sorted(tasks[0])}, sort_keys=True)

    def read() -> dict[str, dict]:
        if not cache.exists():
            return {}
        lines = cache.read_text(encoding="utf-8").splitlines()
        return {key(result): result for result in map(json.loads, lines)}

    done = read()
    groups: dict[tuple, list[dict]] = {}
    for task in tasks:
        if key(task) not in done and not cached_only:
            groups.setdefault(group(task), []).append(task)
    record = partial(append_json_line, cache)
    if jobs > 1:
        with ProcessPoolExecutor(jobs) as pool:
            for future in [pool.submit(run, todo, record) for todo in groups.values()]:
                future.result()
    else:
        for todo in groups.values():
            run(todo, record)
    done = read()
    missing = [task for task in tasks if key(task) not in done]
    if missing:
        print(f"{len(missing)} of {len(tasks)} tasks have no result", file=sys.stderr)
    return [done[key(task)] for task in tasks if key(task) in done]


#: The line a child process prints its result on (:func:`run_child`).
RESULT_PREFIX = "RESULT "


def run_child(script: str, config: dict) -> dict:
    """Run ``script --child CONFIG`` in a fresh Python process; its result.

    The child prints one line ``RESULT_PREFIX + json.dumps(result)``.
    """
    completed = subprocess.run(
        [sys.executable, script, "--child", json.dumps(config)],
        capture_output=True,
        text=True,
        check=False,
    )
    for line in completed.stdout.splitlines():
        if line.startswith(RESULT_PREFIX):
            result = json.loads(line[len(RESULT_PREFIX) :])
            print(f"{config}: {result}", file=sys.stderr, flush=True)
            return result
    tail = (completed.stderr or completed.stdout).strip().splitlines()[-3:]
    raise RuntimeError(f"{config} failed: {' | '.join(tail)}")


def append_json_line(path: Path, entry: dict) -> None:
    """Append ``entry`` to ``path`` as one JSON line, locked against other writers."""
    with path.open("a", encoding="utf-8") as file:
        fcntl.flock(file, fcntl.LOCK_EX)
        file.write(json.dumps(entry) + "\n")
        file.flush()
        fcntl.flock(file, fcntl.LOCK_UN)


def _rss_bytes() -> int:
    with open("/proc/self/statm", encoding="ascii") as file:
        return int(file.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")


@dataclass
class Usage:
    """Wall seconds of a block and the peak of the memory it added, in MiB."""

    seconds: float = 0.0
    peak_mib: float = 0.0


@contextmanager
def measured(interval: float = 0.005) -> Iterator[Usage]:
    """Time a block and sample its process's resident memory (Linux).

    The peak is the largest resident set seen during the block minus the
    one at its start, sampled every ``interval`` seconds by a thread.
    """
    usage, stop = Usage(), threading.Event()
    start_rss = peak = _rss_bytes()

    def sample() -> None:
        nonlocal peak
        while not stop.wait(interval):
            peak = max(peak, _rss_bytes())

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    start = time.perf_counter()
    try:
        yield usage
    finally:
        usage.seconds = time.perf_counter() - start
        stop.set()
        sampler.join()
        usage.peak_mib = (max(peak, _rss_bytes()) - start_rss) / 2**20


# --------------------------------------------------------------------------- #
# Image data                                                                  #
# --------------------------------------------------------------------------- #


@dataclass(frozen=True)
class Images:
    """Images as a float32 array ``(n, C, H, W)`` in ``[0, 1]`` and int labels."""

    name: str
    X: np.ndarray
    y: np.ndarray


def read_idx(path: Path) -> np.ndarray:
    """An IDX file (the MNIST format), gzipped or not, as a numpy array."""
    opener = gzip.open if path.suffix == ".gz" else open
    with opener(path, "rb") as handle:
        data = handle.read()
    if data[:2] != b"\x00\x00" or data[2] != 0x08:
        raise ValueError(f"{path} is not an IDX file of unsigned bytes")
    ndim = data[3]
    shape = tuple(np.frombuffer(data, dtype=">u4", count=ndim, offset=4).astype(int))
    return np.frombuffer(data, dtype=np.uint8, offset=4 + 4 * ndim).reshape(shape)


#: IDX files of each data set in ``--data-dir``, by name prefix.
IDX_PREFIXES = {"mnist": "mnist-", "fashion": "fashion-mnist-"}


def load_idx_images(name: str, data_dir: Path) -> Images:
    """MNIST or Fashion-MNIST from ``<prefix>*images-idx3-ubyte[.gz]`` files.

    Every split found (``mnist-t10k-...``, ``fashion-mnist-train-...``) is
    read with its ``labels-idx1-ubyte`` partner and concatenated.
    """
    prefix = IDX_PREFIXES[name]
    files = sorted(Path(data_dir).glob(f"{prefix}*images-idx3-ubyte*"))
    if not files:
        raise FileNotFoundError(
            f"no '{prefix}*images-idx3-ubyte[.gz]' file in {data_dir}"
        )
    images = [read_idx(f) for f in files]
    labels = [
        read_idx(f.with_name(f.name.replace("images-idx3", "labels-idx1")))
        for f in files
    ]
    X = np.concatenate(images)[:, None].astype(np.float32) / 255
    return Images(name, X, np.concatenate(labels).astype(np.int64))


def load_digits_images() -> Images:
    """scikit-learn's 8 x 8 digits (1,797 images)."""
    from sklearn.datasets import load_digits

    X, y = load_digits(return_X_y=True)
    X = (X / 16).astype(np.float32).reshape(-1, 1, 8, 8)
    return Images("digits", X, y.astype(np.int64))


def load_elpv(side: int = 32, cell_type: str = "mono") -> Images:
    """The ELPV solar cells of one type, resized to ``side`` x ``side``.

    Electroluminescence images of solar cells (Buerhop-Lutz et al. 2018; the
    PyPI package ``elpv-dataset`` ships them, CC BY-NC-SA 4.0). The four
    defect probabilities 0, 1/3, 2/3 and 1 are the classes 0 to 3. The
    images are shrunk by area averaging (PIL's box filter).
    """
    from PIL import Image

    images, probability, types = _elpv_raw()
    keep = np.flatnonzero(types == cell_type)
    small = np.stack(
        [
            np.asarray(
                Image.fromarray(images[i]).resize((side, side), Image.Resampling.BOX)
            )
            for i in keep
        ]
    )
    X = small[:, None].astype(np.float32) / 255
    y = np.rint(probability[keep] * 3).astype(np.int64)
    return Images(f"elpv-{cell_type}", X, y)


@lru_cache(maxsize=1)
def _elpv_raw() -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    try:
        from elpv_dataset.utils import load_dataset
    except ImportError as error:
        raise SystemExit(
            "the elpv data set needs the package elpv-dataset: "
            'pip install -e ".[bench]"'
        ) from error
    images, probability, types = load_dataset()
    return images, probability, np.asarray(types)


# --------------------------------------------------------------------------- #
# Splits                                                                      #
# --------------------------------------------------------------------------- #

#: Per-class training counts of the DeepSMOTE paper's MNIST setting
#: (Dablain et al., Table I): imbalance ratio 4000 / 40 = 100.
PAPER_PROFILE: tuple[int, ...] = (4000, 2000, 1000, 750, 500, 350, 200, 100, 60, 40)


def profile_counts(majority: int, min_count: int = 4) -> list[int]:
    """:data:`PAPER_PROFILE` scaled to ``majority``, each at least ``min_count``.

    Examples
    --------
    >>> profile_counts(800)
    [800, 400, 200, 150, 100, 70, 40, 20, 12, 8]
    """
    factor = majority / PAPER_PROFILE[0]
    return [max(min_count, round(count * factor)) for count in PAPER_PROFILE]


def profile_split(
    y: np.ndarray, counts: Sequence[int], n_test: int, seed: int
) -> tuple[np.ndarray, np.ndarray, list[np.ndarray]]:
    """Indices of an imbalanced training set and a balanced, disjoint test set.

    Class ``c`` (sorted labels) gets ``counts[c]`` training rows and
    ``n_test`` test rows, drawn by ``seed``; the rest of each class is its
    reserve (what an oracle may add in place of synthetic rows).

    Returns
    -------
    train, test : ndarray of int
    reserve : list of ndarray of int, one per class
    """
    rng = np.random.default_rng(seed)
    train, test, reserve = [], [], []
    for label, count in zip(np.unique(y), counts, strict=True):
        members = rng.permutation(np.flatnonzero(y == label))
        if len(members) < n_test + count:
            raise ValueError(f"class {label} has {len(members)} rows, too few")
        test.append(members[:n_test])
        train.append(members[n_test : n_test + count])
        reserve.append(members[n_test + count :])
    return rng.permutation(np.concatenate(train)), np.concatenate(test), reserve


# --------------------------------------------------------------------------- #
# The classifier and its score                                                #
# --------------------------------------------------------------------------- #


def train_cnn(
    X: np.ndarray,
    y: np.ndarray,
    n_classes: int,
    *,
    steps: int,
    seed: int,
    augment: list | None = None,
):
    """The package's ``SmallCNN`` trained with cross-entropy for ``steps`` steps.

    Adam (lr 1e-3), shuffled batches of 64, no validation split; the number
    of epochs is the one that makes ``steps`` gradient steps on ``X``. Each
    training batch goes through the batch augmentations ``augment`` (in
    order) first. Seeds torch's global generator (this is a benchmark
    process of its own), which the augmentations draw from.
    """
    import torch
    from skorch import NeuralNetClassifier

    from imblearn_deepsmote.mamix import SmallCNN

    class AugmentedClassifier(NeuralNetClassifier):
        """skorch's classifier, each training batch augmented as images."""

        def train_step_single(self, batch, **fit_params):
            Xi, yi = batch
            images = Xi.reshape(len(Xi), -1, *X.shape[-2:])
            for transform in augment:
                images = transform(images)
            return super().train_step_single((images.flatten(1), yi), **fit_params)

    torch.manual_seed(seed)
    net = (AugmentedClassifier if augment else NeuralNetClassifier)(
        SmallCNN,
        module__image_shape=X.shape[1:],
        module__n_classes=n_classes,
        criterion=torch.nn.CrossEntropyLoss,
        optimizer=torch.optim.Adam,
        lr=1e-3,
        batch_size=64,
        max_epochs=epochs_for(steps, len(X)),
        iterator_train__shuffle=True,
        train_split=None,
        verbose=0,
    )
    return net.fit(flat(X), y)


def epochs_for(steps: int, n_rows: int, batch_size: int = 64) -> int:
    """Epochs of ``n_rows`` rows that make about ``steps`` gradient steps."""
    return max(1, round(steps * batch_size / n_rows))


def flat(X: np.ndarray) -> np.ndarray:
    """Images as float32 rows (what SMOTE and the CNN take)."""
    return np.ascontiguousarray(X, dtype=np.float32).reshape(len(X), -1)


def balanced_accuracy(y_true: np.ndarray, y_pred: np.ndarray) -> float:
    """The mean per-class recall (ACSA)."""
    from sklearn.metrics import balanced_accuracy_score

    return float(balanced_accuracy_score(y_true, y_pred))
