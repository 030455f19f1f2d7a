"""Over-sampling a torch dataset larger than the memory it may take: OverSampledDataset.

A memory-mapped set of grey images (by default 40,000 of 64 x 64, a
38,500-image majority and two minority classes of 750, float32, written
once to a ``.npy`` file and read with ``numpy.load(mmap_mode="r")``) is
wrapped in a small map-style ``Dataset`` and over-sampled to 3,000 images per
minority class by ``OverSampledDataset`` with three samplers:
``RandomOverSampler``, ``SMOTE`` and ``DeepSMOTE`` with a one-epoch
autoencoder. Each runs in a fresh Python process, which reports the
anonymous resident memory it added (``RssAnon`` of ``/proc/self/status``:
the process's own allocations, not the file's cached pages, which the
kernel may drop) at its peak during construction and after it, the wall
time, and whether the length, shapes and labels are right. The yardstick is
what the majority class alone takes in memory as one float32 array.

The images are synthetic: noise plus a bright square whose place depends on
the class. Nothing is downloaded.

Examples
--------
::

    python benchmarks/bench_torch_data.py --quick
    nice -n 10 python benchmarks/bench_torch_data.py \\
        --json docs/benchmarks/torch_data.json --output docs/benchmarks/torch_data.rst
"""

from __future__ import annotations

import argparse
import json
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

import numpy as np
from _common import RESULT_PREFIX, Table, base_parser, report, run_child, write_json

SAMPLERS = ("RandomOverSampler", "SMOTE", "DeepSMOTE")


# --------------------------------------------------------------------------- #
# The data                                                                    #
# --------------------------------------------------------------------------- #
def class_counts(quick: bool) -> list[int]:
    """Images per class: a large majority and two small classes."""
    return [500, 50, 50] if quick else [38_500, 750, 750]


def write_images(path: Path, counts: list[int], side: int, seed: int) -> np.ndarray:
    """Write the images to ``path`` (``.npy``, float32) a block at a time; labels."""
    rng = np.random.default_rng(seed)
    labels = np.repeat(np.arange(len(counts)), counts)
    rng.shuffle(labels)
    images = np.lib.format.open_memmap(
        path, mode="w+", dtype=np.float32, shape=(len(labels), 1, side, side)
    )
    square = side // 4
    for start in range(0, len(labels), 2048):
        block = labels[start : start + 2048]
        pixels = rng.random((len(block), 1, side, side), dtype=np.float32) * 0.3
        for i, label in enumerate(block):
            top = int(label) * square + rng.integers(0, square)
            left = rng.integers(0, side - square)
            pixels[i, 0, top : top + square, left : left + square] += 0.7
        images[start : start + len(block)] = pixels
    images.flush()
    del images
    return labels


# --------------------------------------------------------------------------- #
# One measurement, in a child process                                         #
# --------------------------------------------------------------------------- #
def _anon_kib() -> int:
    with open("/proc/self/status", encoding="ascii") as status:
        for line in status:
            if line.startswith("RssAnon:"):
                return int(line.split()[1])
    raise RuntimeError("no RssAnon in /proc/self/status (Linux only)")


def _child(config: dict[str, Any]) -> dict[str, Any]:
    import torch
    from imblearn.over_sampling import SMOTE, RandomOverSampler

    from imblearn_deepsmote import Autoencoder, DeepSMOTE
    from imblearn_deepsmote.torch import OverSampledDataset

    class MemoryMappedImages(torch.utils.data.Dataset):
        """Images of a ``.npy`` file, read one at a time; labels as ``targets``."""

        def __init__(self, path: str, labels: np.ndarray) -> None:
            self.images = np.load(path, mmap_mode="r")
            self.targets = labels

        def __len__(self) -> int:
            return len(self.images)

        def __getitem__(self, index: int):
            image = torch.from_numpy(np.array(self.images[index]))
            return image, int(self.targets[index])

    labels = np.load(config["labels"])
    dataset = MemoryMappedImages(config["images"], labels)
    strategy = {1: config["target"], 2: config["target"]}
    samplers = {
        "RandomOverSampler": RandomOverSampler(
            sampling_strategy=strategy, random_state=0
        ),
        "SMOTE": SMOTE(sampling_strategy=strategy, random_state=0),
        "DeepSMOTE": DeepSMOTE(
            sampling_strategy=strategy,
            autoencoder=Autoencoder(max_epochs=1, device="cpu"),
            random_state=0,
        ),
    }
    before = peak = _anon_kib()
    stop = threading.Event()

    def sample() -> None:
        nonlocal peak
        while not stop.wait(0.005):
            peak = max(peak, _anon_kib())

    watcher = threading.Thread(target=sample, daemon=True)
    watcher.start()
    start = time.perf_counter()
    balanced = OverSampledDataset(dataset, samplers[config["sampler"]])
    seconds = time.perf_counter() - start
    stop.set()
    watcher.join()
    after = _anon_kib()
    n_items = len(labels)
    n_new = 2 * config["target"] - int(np.sum(labels == 1)) - int(np.sum(labels == 2))
    expected = np.r_[
        labels,
        np.repeat([1, 2], [config["target"] - np.sum(labels == k) for k in (1, 2)]),
    ]
    last_x, last_y = balanced[len(balanced) - 1]
    first_x, _ = balanced[0]
    return {
        "sampler": config["sampler"],
        "seconds": seconds,
        "peak_added_mib": (max(peak, after) - before) / 1024,
        "after_added_mib": (after - before) / 1024,
        "new_items": len(balanced) - n_items,
        "length_ok": len(balanced) == n_items + n_new,
        "labels_ok": bool(np.array_equal(balanced.targets, expected))
        and int(last_y) == 2,
        "shapes_ok": tuple(last_x.shape) == tuple(first_x.shape)
        and last_x.dtype == first_x.dtype,
        "new_pixels_mib": 0.0
        if balanced.new_samples is None
        else balanced.new_samples.nbytes / 2**20,
    }


# --------------------------------------------------------------------------- #
# Main                                                                        #
# --------------------------------------------------------------------------- #
def main(argv: list[str] | None = None) -> None:
    """Write the images, measure each sampler in a child process, report."""
    parser = base_parser(__doc__.splitlines()[0], default_seeds=[0])
    parser.add_argument("--side", type=int, default=None, help="default 64")
    parser.add_argument("--child", default=None, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child is not None:
        result = _child(json.loads(args.child))
        print(RESULT_PREFIX + json.dumps(result), flush=True)
        return
    counts = class_counts(args.quick)
    side = args.side or (16 if args.quick else 64)
    target = 100 if args.quick else 3000
    majority_mib = counts[0] * side * side * 4 / 2**20
    rows = []
    with tempfile.TemporaryDirectory(dir="/tmp") as folder:
        images, labels_path = Path(folder) / "images.npy", Path(folder) / "labels.npy"
        np.save(labels_path, write_images(images, counts, side, seed=0))
        for name in SAMPLERS:
            config = {
                "sampler": name,
                "images": str(images),
                "labels": str(labels_path),
                "target": target,
            }
            rows.append(run_child(__file__, config))
    table = Table(
        f"{sum(counts):,} grey {side} x {side} images, memory-mapped: "
        f"classes 1 and 2 to {target:,} each",
        [
            "sampler",
            "new items",
            "new pixels MiB",
            "anon RSS added, peak MiB",
            "after MiB",
            "wall s",
            "length, shapes, labels",
        ],
    )
    for row in rows:
        checks = all(row[key] for key in ("length_ok", "shapes_ok", "labels_ok"))
        table.add_row(
            row["sampler"],
            f"{row['new_items']:,}",
            f"{row['new_pixels_mib']:.0f}",
            f"{row['peak_added_mib']:.0f}",
            f"{row['after_added_mib']:.0f}",
            f"{row['seconds']:.1f}",
            "right" if checks else "WRONG",
        )
    table.notes.append(
        f"Classes of {', '.join(f'{n:,}' for n in counts)} images (float32, "
        f"{side} x {side}); the majority class alone takes {majority_mib:.0f} MiB "
        "as one float32 array. Anonymous resident memory (RssAnon: the process's "
        "own allocations, not the file's cached pages) added while "
        "OverSampledDataset is built, at its peak and after it, each sampler in "
        "a fresh process (one torch thread: the default n_threads=1). DeepSMOTE: "
        "Autoencoder(max_epochs=1), "
        "every other default. The machine was shared with other jobs: times are "
        "indicative."
    )
    report([table], "Over-sampling a memory-mapped torch dataset", args.output)
    write_json(
        args.json,
        {
            "counts": counts,
            "side": side,
            "target": target,
            "majority_mib": majority_mib,
            "rows": rows,
        },
    )


if __name__ == "__main__":
    main()
