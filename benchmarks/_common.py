"""Helpers shared by the benchmark scripts: data, splits, models, metrics, tables.

The scripts in this folder are run as files (``python benchmarks/bench_images.py``),
so this module is imported as ``_common``. Nothing here is part of the
installed package, and the package never needs the MNIST files: they are read
from a directory that the user passes with ``--mnist-dir``.
"""

from __future__ import annotations

import argparse
import datetime as _dt
import gzip
import json
import os
import platform
import re
import resource
import shlex
import sys
import time
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import ProcessPoolExecutor, as_completed
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

REPO_ROOT = Path(__file__).resolve().parents[1]

#: Per-class training counts of the paper's MNIST / Fashion-MNIST setting
#: (Dablain et al., Table I): imbalance ratio 4000 / 40 = 100.
PAPER_PROFILE: tuple[int, ...] = (4000, 2000, 1000, 750, 500, 350, 200, 100, 60, 40)


# --------------------------------------------------------------------------- #
# Command line, machine and output                                            #
# --------------------------------------------------------------------------- #


def base_parser(
    description: str, default_seeds: Sequence[int]
) -> argparse.ArgumentParser:
    """An argument parser with the options every benchmark script shares.

    Parameters
    ----------
    description : str
        Shown by ``--help``.
    default_seeds : sequence of int
        Value of ``--seeds`` when it is not given.

    Returns
    -------
    argparse.ArgumentParser
        With ``--quick``, ``--seeds`` and ``--output``.
    """
    parser = argparse.ArgumentParser(
        description=description,
        formatter_class=argparse.ArgumentDefaultsHelpFormatter,
    )
    parser.add_argument(
        "--quick",
        action="store_true",
        help="tiny sizes (a smoke test that runs in well under a minute)",
    )
    parser.add_argument(
        "--seeds",
        type=int,
        nargs="+",
        default=None,
        help=f"random seeds; results are mean +- std over them (default "
        f"{' '.join(map(str, default_seeds))}; only the first with --quick)",
    )
    parser.set_defaults(default_seeds=list(default_seeds))
    parser.add_argument(
        "--threads",
        type=int,
        default=None,
        help="torch CPU threads (default: torch's default, usually the core count; "
        "1 is much faster for small networks on a busy machine)",
    )
    parser.add_argument(
        "--output",
        type=Path,
        default=None,
        help="also write the tables to this reStructuredText file",
    )
    return parser


def apply_threads(args: argparse.Namespace) -> None:
    """Set torch's CPU thread count from ``--threads`` (when given)."""
    if args.threads is not None:
        import torch

        torch.set_num_threads(args.threads)


def resolve_seeds(args: argparse.Namespace) -> list[int]:
    """``--seeds`` if given, else the defaults (only the first with ``--quick``)."""
    if args.seeds is not None:
        return list(args.seeds)
    return args.default_seeds[:1] if args.quick else list(args.default_seeds)


#: Options whose value is a path on the machine that ran the script. The
#: "Produced by" line of a result file shows these placeholders instead, so
#: that the published tables name no local folders. ``--output`` keeps a path
#: relative to the repository (``docs/benchmarks/cost.rst``): it says where the
#: file belongs, not where the machine keeps its data.
PATH_OPTIONS: dict[str, str] = {
    "--mnist-dir": "DIR",
    "--cache": "FILE",
    "--output": "FILE.rst",
}


def _is_machine_path(value: str) -> bool:
    """Whether ``value`` names a place on this machine (absolute, or above ``.``)."""
    path = Path(value)
    return (
        path.is_absolute()
        or value.startswith("~")
        or re.match(r"^[A-Za-z]:[\\/]", value) is not None
        or ".." in path.parts
    )


def _placeholder(option: str, value: str) -> str:
    if option == "--output" and not _is_machine_path(value):
        return value
    return PATH_OPTIONS[option]


def command_line(argv: Sequence[str] | None = None) -> str:
    """The command that started this process, without this machine's paths.

    The script is named relative to the repository. The values of
    :data:`PATH_OPTIONS` become placeholders (``--mnist-dir DIR``); so does any
    other argument that is an absolute path (``PATH``).

    Parameters
    ----------
    argv : sequence of str, default=None
        The command line; ``sys.argv`` when None.

    Returns
    -------
    str
        A shell-quoted command line, ``python benchmarks/<script> ...``.
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


def torch_device_name(device: str = "cpu") -> str:
    """A readable name of a torch device: the GPU model for CUDA."""
    import torch

    if device.startswith("cuda") and torch.cuda.is_available():
        return f"{device} ({torch.cuda.get_device_name(torch.device(device))})"
    return device


def machine_description() -> str:
    """One line describing the machine: OS, CPU count, torch threads, devices."""
    import torch

    cuda = (
        f"CUDA {torch.version.cuda} on {torch.cuda.get_device_name(0)}"
        if torch.cuda.is_available()
        else "no CUDA device"
    )
    load = ", ".join(f"{x:.1f}" for x in os.getloadavg())
    return (
        f"{platform.system()} {platform.machine()}, {os.cpu_count()} CPUs "
        f"(load average at the end {load}), torch {torch.__version__} with "
        f"{torch.get_num_threads()} threads, {cuda}, Python {platform.python_version()}"
    )


@dataclass
class Table:
    """A result table: a title, column names, rows of strings and notes.

    Parameters
    ----------
    title : str
        Section title of the table.
    columns : list of str
        Column names.
    rows : list of list of str
        One list of cells per row, as long as ``columns``.
    notes : list of str
        Sentences printed under the table.
    """

    title: str
    columns: list[str]
    rows: list[list[str]] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    def add_row(self, *cells: object) -> None:
        """Append a row; cells are converted with ``str``."""
        if len(cells) != len(self.columns):
            raise ValueError(f"expected {len(self.columns)} cells, got {len(cells)}")
        self.rows.append([str(cell) for cell in cells])

    def drop_empty_columns(self) -> None:
        """Remove the columns whose cells are all empty (e.g. CUDA on a CPU host)."""
        keep = [
            i
            for i in range(len(self.columns))
            if not self.rows or any(row[i] for row in self.rows)
        ]
        self.columns = [self.columns[i] for i in keep]
        self.rows = [[row[i] for i in keep] for row in self.rows]

    def render(self) -> str:
        """The table as a reStructuredText simple table, with title and notes."""
        widths = [
            max(len(col), *(len(row[i]) for row in self.rows))
            if self.rows
            else len(col)
            for i, col in enumerate(self.columns)
        ]
        rule = "  ".join("=" * w for w in widths)

        def line(cells: Sequence[str]) -> str:
            return "  ".join(c.ljust(w) for c, w in zip(cells, widths, strict=True))

        parts = [
            self.title,
            "-" * len(self.title),
            "",
            rule,
            line(self.columns).rstrip(),
            rule,
            *(line(row).rstrip() for row in self.rows),
            rule,
        ]
        if self.notes:
            parts += ["", *self.notes]
        return "\n".join(parts) + "\n"


def report(tables: Sequence[Table], title: str, output: Path | None) -> str:
    """Print ``tables`` and, when ``output`` is given, write them as a reST page.

    The page starts with ``title`` and a line with the exact command, the date
    and the machine that produced it.

    Returns
    -------
    str
        The full text that was printed.
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
        print(f"written to {output}", flush=True)
    return text


def mean_std(values: Sequence[float], scale: float = 1.0, digits: int = 2) -> str:
    """``mean ± std`` of ``values`` times ``scale`` (std 0 for a single value)."""
    arr = np.asarray(values, dtype=float) * scale
    if arr.size == 0 or np.all(np.isnan(arr)):
        return "n/a"
    std = float(np.nanstd(arr, ddof=1)) if np.sum(~np.isnan(arr)) > 1 else 0.0
    return f"{np.nanmean(arr):.{digits}f} ± {std:.{digits}f}"


def run_tasks(
    run: Callable[[dict], dict],
    tasks: list[dict],
    jobs: int,
    cache: Path | None,
) -> tuple[list[dict], int]:
    """Run ``run(task)`` for the tasks not in ``cache``, in ``jobs`` processes.

    A task is a dict of JSON values; ``run`` returns it with its results
    added. A task is identified by its own keys, but ``threads``, so a
    result found in ``cache`` (JSON lines, one result each, appended as
    tasks finish) is not run again: an interrupted run resumes.

    Returns
    -------
    results : list of dict
        One per task, in the order of ``tasks``.
    n_cached : int
        How many came from the cache.
    """
    inputs = sorted(set(tasks[0]) - {"threads"}) if tasks else []

    def key(task: dict) -> str:
        return json.dumps({k: task.get(k) for k in inputs}, sort_keys=True)

    done = {}
    if cache is not None and cache.exists():
        for line in cache.read_text(encoding="utf-8").splitlines():
            result = json.loads(line)
            done[key(result)] = result
    todo = [task for task in tasks if key(task) not in done]

    def record(result: dict) -> None:
        done[key(result)] = result
        if cache is not None:
            with cache.open("a", encoding="utf-8") as file:
                file.write(json.dumps(result) + "\n")

    if jobs > 1:
        with ProcessPoolExecutor(jobs) as pool:
            for future in as_completed([pool.submit(run, t) for t in todo]):
                record(future.result())
    else:
        for task in todo:
            record(run(task))
    return [done[key(task)] for task in tasks], len(tasks) - len(todo)


# --------------------------------------------------------------------------- #
# Timing and memory                                                           #
# --------------------------------------------------------------------------- #


@dataclass
class Stopwatch:
    """Elapsed wall time of a ``with timed() as watch`` block, in ``seconds``."""

    seconds: float = 0.0


@contextmanager
def timed() -> Iterator[Stopwatch]:
    """Measure the wall time of a block (``time.perf_counter``)."""
    watch = Stopwatch()
    start = time.perf_counter()
    try:
        yield watch
    finally:
        watch.seconds = time.perf_counter() - start


def peak_rss_mib() -> float:
    """Peak resident set size of this process so far, in MiB (Linux and macOS)."""
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return peak / 2**20 if sys.platform == "darwin" else peak / 2**10


# --------------------------------------------------------------------------- #
# Data                                                                        #
# --------------------------------------------------------------------------- #


@dataclass
class ImageData:
    """Images as flattened float32 rows in ``[0, 1]`` with integer labels.

    Parameters
    ----------
    name : str
        Dataset name used in titles and file names.
    X : ndarray of shape (n_samples, n_features), dtype float32
    y : ndarray of shape (n_samples,), dtype int64
    image_shape : tuple of int
        ``(channels, height, width)``.
    """

    name: str
    X: np.ndarray
    y: np.ndarray
    image_shape: tuple[int, int, int]


def load_digits_images() -> ImageData:
    """scikit-learn's 8 x 8 digits (1,797 images), scaled to ``[0, 1]``."""
    from sklearn.datasets import load_digits

    X, y = load_digits(return_X_y=True)
    return ImageData(
        "digits", (X / 16.0).astype(np.float32), y.astype(np.int64), (1, 8, 8)
    )


def read_idx(path: Path) -> np.ndarray:
    """Read an IDX file (the MNIST format), gzipped or not, into a numpy array.

    Parameters
    ----------
    path : Path
        A ``*-idx?-ubyte`` file, optionally ending in ``.gz``.

    Returns
    -------
    ndarray
        Shaped by the header's dimensions, in the header's data type.
    """
    opener = gzip.open if path.suffix == ".gz" else open
    with opener(path, "rb") as handle:
        data = handle.read()
    if data[:2] != b"\x00\x00":
        raise ValueError(f"{path} is not an IDX file (bad magic number)")
    dtypes = {
        0x08: ">u1",
        0x09: ">i1",
        0x0B: ">i2",
        0x0C: ">i4",
        0x0D: ">f4",
        0x0E: ">f8",
    }
    dtype, ndim = np.dtype(dtypes[data[2]]), data[3]
    shape = tuple(np.frombuffer(data, dtype=">u4", count=ndim, offset=4).astype(int))
    array = np.frombuffer(data, dtype=dtype, offset=4 + 4 * ndim)
    if array.size != int(np.prod(shape)):
        raise ValueError(f"{path}: header says {shape}, found {array.size} values")
    return array.reshape(shape).astype(dtype.newbyteorder("="))


def load_mnist(mnist_dir: Path) -> ImageData:
    """MNIST from IDX files in ``mnist_dir`` (every split found there, concatenated).

    Any file whose name contains ``images-idx3-ubyte`` (optionally gzipped and
    prefixed, e.g. ``train-images-idx3-ubyte.gz`` or
    ``mnist-t10k-images-idx3-ubyte.gz``) is read together with the matching
    ``labels-idx1-ubyte`` file.

    Parameters
    ----------
    mnist_dir : Path
        Directory with the IDX files.

    Returns
    -------
    ImageData
        28 x 28 images as 784 float32 columns in ``[0, 1]``.
    """
    image_files = sorted(Path(mnist_dir).glob("*images-idx3-ubyte*"))
    if not image_files:
        raise FileNotFoundError(f"no '*images-idx3-ubyte[.gz]' file in {mnist_dir}")
    images, labels = [], []
    for image_file in image_files:
        label_file = image_file.with_name(
            image_file.name.replace("images-idx3", "labels-idx1")
        )
        images.append(read_idx(image_file).reshape(-1, 28 * 28))
        labels.append(read_idx(label_file))
    X = (np.concatenate(images).astype(np.float32) / 255.0).astype(np.float32)
    return ImageData("mnist", X, np.concatenate(labels).astype(np.int64), (1, 28, 28))


def scaled_profile(
    available: Sequence[int],
    n_test: int,
    profile: Sequence[int] = PAPER_PROFILE,
    min_count: int = 2,
    majority: int | None = None,
) -> list[int]:
    """Per-class training counts with the shape of ``profile``, scaled to fit.

    Class ``i`` (in sorted label order) gets ``profile[i]`` times a common
    factor: the largest factor at most 1 that leaves ``n_test`` samples of
    every class for the balanced test part, or ``majority / profile[0]`` when
    ``majority`` is given (and fits). Counts are rounded and raised to
    ``min_count``.

    Parameters
    ----------
    available : sequence of int
        Number of samples of each class.
    n_test : int
        Test samples per class.
    profile : sequence of int, default=PAPER_PROFILE
        Relative class sizes, one per class.
    min_count : int, default=2
        Smallest training count of a class.
    majority : int or None, default=None
        Requested size of the first class.

    Returns
    -------
    list of int
        The training count of each class.
    """
    if len(available) != len(profile):
        raise ValueError(f"{len(available)} classes but a profile of {len(profile)}")
    fits = min((a - n_test) / p for a, p in zip(available, profile, strict=True))
    if fits <= 0:
        raise ValueError(f"n_test={n_test} leaves no training data for some class")
    factor = min(1.0, fits)
    if majority is not None:
        factor = min(factor, majority / profile[0])
    counts = [max(min_count, int(round(p * factor))) for p in profile]
    too_big = [c for c, a in zip(counts, available, strict=True) if c + n_test > a]
    if too_big:
        raise ValueError(f"min_count={min_count} does not fit next to n_test={n_test}")
    return counts


def imbalanced_split(
    data: ImageData, counts: Sequence[int], n_test: int, seed: int
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Draw an imbalanced training set and a balanced test set, disjoint.

    Parameters
    ----------
    data : ImageData
    counts : sequence of int
        Training samples of each class (sorted label order).
    n_test : int
        Test samples of each class.
    seed : int
        Seed of the draw.

    Returns
    -------
    X_train, y_train, X_test, y_test : ndarray
    """
    rng = np.random.default_rng(seed)
    train, test = [], []
    for label, count in zip(np.unique(data.y), counts, strict=True):
        members = rng.permutation(np.flatnonzero(data.y == label))
        test.append(members[:n_test])
        train.append(members[n_test : n_test + count])
    train_idx = rng.permutation(np.concatenate(train))
    test_idx = np.concatenate(test)
    return data.X[train_idx], data.y[train_idx], data.X[test_idx], data.y[test_idx]


def load_images(mnist_dir: str | Path | None) -> ImageData:
    """MNIST from ``mnist_dir`` when given, else scikit-learn's 8 x 8 digits."""
    return load_mnist(Path(mnist_dir)) if mnist_dir else load_digits_images()


def ir100_task(
    data: ImageData, majority: int, test_per_class: int, seed: int
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, int]:
    """One seed's split in the paper's IR-100 profile, and a usable ``k_neighbors``.

    Returns
    -------
    X_train, y_train, X_test, y_test : ndarray
        Imbalanced training set (``PAPER_PROFILE`` scaled to ``majority``,
        at least 4 per class) and a balanced, disjoint test set.
    k_neighbors : int
        ``min(5, smallest class - 1)``, for every SMOTE-like sampler.
    """
    counts = scaled_profile(
        np.bincount(data.y).tolist(), test_per_class, min_count=4, majority=majority
    )
    split = imbalanced_split(data, counts, test_per_class, seed)
    return (*split, min(5, min(counts) - 1))


# --------------------------------------------------------------------------- #
# Models and metrics                                                          #
# --------------------------------------------------------------------------- #


def cnn_module_class() -> type:
    """The small CNN used by every image row (the package's ``SmallCNN``).

    It is the network that ``MAMixClassifier(module="auto")`` builds for
    images, so plain cross-entropy and MAMix rows train the same network.
    """
    from imblearn_deepsmote.mamix import SmallCNN

    return SmallCNN


def make_cnn(
    image_shape: tuple[int, int, int],
    n_classes: int,
    *,
    max_epochs: int,
    lr: float = 1e-3,
    batch_size: int = 64,
    device: str = "cpu",
):
    """A skorch classifier: the small CNN trained with plain cross-entropy.

    Adam, shuffled mini-batches, no internal validation split, a fixed number
    of epochs. Seed torch (``torch.manual_seed``) before ``fit`` to make it
    reproducible.

    Returns
    -------
    skorch.NeuralNetClassifier
    """
    import torch
    from skorch import NeuralNetClassifier

    return NeuralNetClassifier(
        cnn_module_class(),
        module__image_shape=image_shape,
        module__n_classes=n_classes,
        criterion=torch.nn.CrossEntropyLoss,
        optimizer=torch.optim.Adam,
        lr=lr,
        max_epochs=max_epochs,
        batch_size=batch_size,
        iterator_train__shuffle=True,
        train_split=None,
        device=device,
        verbose=0,
    )


def cnn_scores(
    X: np.ndarray,
    y: np.ndarray,
    X_test: np.ndarray,
    y_test: np.ndarray,
    image_shape: tuple[int, int, int],
    *,
    max_epochs: int,
    seed: int,
    device: str = "cpu",
) -> dict[str, float]:
    """Train :func:`make_cnn` on ``(X, y)`` (torch seeded with ``seed``) and score it.

    Returns
    -------
    dict
        :func:`classification_scores` on ``(X_test, y_test)``.
    """
    import torch

    torch.manual_seed(seed)
    cnn = make_cnn(
        image_shape, len(np.unique(y_test)), max_epochs=max_epochs, device=device
    )
    cnn.fit(np.asarray(X, dtype=np.float32), np.asarray(y, dtype=np.int64))
    return classification_scores(y_test, cnn.predict(X_test))


def deepsmote_defaults(
    keys: Sequence[str] = (
        "autoencoder",
        "latent_dim",
        "max_epochs",
        "n_iter_no_change",
        "tol",
        "batch_size",
        "lr",
        "penalty",
        "penalty_weight",
        "class_loss_weight",
        "latent_noise",
        "decoding",
        "mixed_precision",
    ),
) -> str:
    """The installed DeepSMOTE's default parameters, as ``key=value`` text.

    Defaults change as the package is tuned, so every table records them.
    """
    from imblearn_deepsmote import DeepSMOTE

    params = DeepSMOTE().get_params()
    return ", ".join(f"{key}={params[key]!r}" for key in keys if key in params)


def classification_scores(y_true: np.ndarray, y_pred: np.ndarray) -> dict[str, float]:
    """The paper's three metrics, as fractions.

    Returns
    -------
    dict
        ``ACSA`` (balanced accuracy, the mean per-class recall), ``GM``
        (``geometric_mean_score(average="macro")``) and ``F1`` (macro F1).
    """
    from imblearn.metrics import geometric_mean_score
    from sklearn.metrics import balanced_accuracy_score, f1_score

    return {
        "ACSA": balanced_accuracy_score(y_true, y_pred),
        "GM": geometric_mean_score(y_true, y_pred, average="macro"),
        "F1": f1_score(y_true, y_pred, average="macro"),
    }
