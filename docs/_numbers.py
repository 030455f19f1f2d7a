"""Every benchmark figure the documentation quotes, computed from the JSON files.

The benchmark scripts write their results as JSON into ``docs/benchmarks/``
(``--json``): ``images.json``, ``ablations.json``, ``mechanisms.json``,
``screening.json`` and ``pipeline.json`` (``bench_images.py``), ``tabular.json``
(``bench_tabular.py``), ``speed.json`` (``bench_speed.py``),
``torch_data.json`` (``bench_torch_data.py``) and ``diagnostics.json`` (the
report-against-accuracy run of ``bench_images.py``). :func:`figures` reads
those present and turns them into named display strings; ``docs/conf.py``
makes each one a reST substitution (``|images-mnist-DeepSMOTE-vs-SMOTE|``),
so a figure in the built pages can only come from a JSON file, and
``tests/test_docs.py`` checks the README's figures against the same names. A
file that is absent defines no names: a page that uses one of them fails the
build.

Names are ``<source>-<slug>-...``, where a slug keeps letters, digits and
dots and turns every other run of characters into one ``-`` ("DeepSMOTE +
MAMix" -> ``DeepSMOTE-MAMix``). Values carry no unit: the sentence around a
substitution says "%", "points" or "s".

Images (``images.json``), for each data set ``D`` and row ``R``:

``images-D-R-ba``
    Balanced accuracy in %, mean ± standard deviation over seeds:
    ``"91.9 ± 0.1"``.
``images-D-R-vs-SMOTE``, ``images-D-R-vs-MAMix``, ``images-D-R-vs-DeepSMOTE``
    The difference to the row ``SMOTE`` (``MAMix``, ``DeepSMOTE``) in
    points, paired by seed: ``"+4.5 ± 1.0 (5/5 seeds ahead)"``.
``images-D-R-gap-closed``
    The share of the gap between ``SMOTE`` and ``oracle`` that the row
    closes, in % of the gap, from the means: ``"52"`` (only where the oracle
    scores above SMOTE).
``images-D-R-resample-s``, ``images-D-R-resample-mib``, ``images-D-R-classifier-s``
    Mean seconds of resampling (DeepSMOTE's training included), mean peak
    MiB that resampling added, mean seconds of the classifier's training.
``images-D-seeds``
    The number of seeds of the data set's ``SMOTE`` row (else its first
    row).
``images-all-R-vs-SMOTE``
    Over the data sets (where every one has the row): the mean of the
    per-data-set mean differences to ``SMOTE`` in points, and on how many
    data sets the row is ahead: ``"+1.6 (ahead on 3/4 data sets)"``.

``images-augmented.json`` (the same protocol with every classifier trained
with augmentation: the headline), ``levers.json`` (DeepSMOTE settings tried
with augmentation) and ``independent.json`` (the polycrystalline ELPV
cells, never tuned on) define the same names with ``augmented``, ``levers``
and ``independent`` in place of ``images``; ``images.json`` holds the same
rows trained without augmentation.

``ablations.json`` (the same script, rows that vary one DeepSMOTE setting),
``mechanisms.json`` (the same script, the remedies tried for the defect
images and for DeepSMOTE + MAMix), ``screening.json`` (the same script
reporting the development runs from their cache, ``--cached-only``) and
``pipeline.json`` (likewise, the prototypes of a classifier owning its
over-sampler) define the same names with ``ablations``, ``mechanisms``,
``screening`` and ``pipeline`` in place of ``images``.

Tabular data (``tabular.json``), for each classifier ``C`` and resampler
``R`` (each score first averaged over the data sets, per seed):

``tabular-C-R-gmean`` (also ``-f1``, ``-auc``)
    In %, mean ± standard deviation over seeds: ``"81.2 ± 0.4"``.
``tabular-C-R-vs-SMOTE``
    The G-mean difference to SMOTE in points (two decimals), paired by seed:
    ``"+0.01 ± 0.77 (3/5 seeds ahead)"``.
``tabular-C-R-wtl``
    Data sets where the resampler's G-mean (mean over seeds) is above /
    within 0.5 points of / below SMOTE's: ``"8 / 12 / 5"``.
``tabular-R-fit-s``
    Seconds of all the resampler's pipeline fits (every fold of every data
    set) of the first seed: ``"38.2"``.
``tabular-datasets``, ``tabular-seeds``
    How many data sets and seeds.

Speed (``speed.json``):

``speed-images-N-s``, ``speed-images-N-mib``, ``speed-images-N-epochs``
    The default ``fit_resample`` on ``N`` 28 x 28 images (the scaling part):
    wall seconds, peak MiB added, epochs trained.
``speed-tabular-NxF-s``, ``speed-tabular-NxF-mib``
    The same on ``N`` tabular rows of ``F`` features.
``speed-size-S-Ppx-s``, ``speed-size-S-Ppx-cpu-s``, ``speed-size-S-Ppx-mib``
    The default ``fit_resample`` on the image set ``S`` at ``P`` x ``P``
    pixels (the sizes part), median over runs; ``-rows`` and ``-epochs``
    too.

A memory-mapped torch dataset (``torch_data.json``, ``bench_torch_data.py``),
for each sampler ``S`` that ``OverSampledDataset`` ran:

``torch-data-S-peak-mib``, ``torch-data-S-after-mib``
    Anonymous resident memory added while the dataset was built, at its
    peak and after, in MiB.
``torch-data-S-s``, ``torch-data-S-new-items``, ``torch-data-S-new-pixels-mib``
    Wall seconds of the construction, the new items, the MiB of their
    samples.
``torch-data-images``, ``-majority``, ``-side``, ``-target``, ``-majority-mib``
    The images, the majority class's, their side, the images per minority
    class asked for, and the MiB of the majority as one float32 array.

Diagnostics (``diagnostics.json``: ``{"columns": {column: {"pooled": r,
"within": {data set: r}, "n_pairs": n}}, "values": {data set: {row: {class:
{column: mean}}}}}``, Spearman's rank correlation between a column of
``resampled_report`` and the classifier's balanced accuracy, and the
reports' means):

``diagnostics-K-spearman``, ``diagnostics-K-pairs``, ``diagnostics-K-within-D``
    For the column ``K``: the pooled correlation (``"+0.62"``), the number
    of (data set, row) pairs, the correlation within data set ``D``.
``diagnostics-D-R-C-K`` (from ``"values"``)
    The mean of column ``K`` of the reports of row ``R`` on data set ``D``
    for class ``C`` (or ``all``), two decimals: ``"0.81"``.
``diagnostics-best-column``, ``diagnostics-best-spearman``, ``diagnostics-best-pairs``
    The column with the highest pooled correlation, its correlation and
    its number of pairs; ``diagnostics-worst-...`` the same for the lowest.

Standard deviations are sample standard deviations (``ddof=1``), 0 for a
single seed, as in the benchmark scripts' tables.
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Callable, Sequence
from functools import partial
from pathlib import Path

import numpy as np

BENCHMARKS = Path(__file__).resolve().parent / "benchmarks"

#: Per-set G-mean differences smaller than this are ties (``bench_tabular.TIE``).
TABULAR_TIE = 0.005


def slug(text: str) -> str:
    """A name part: letters, digits and dots kept, other runs become ``-``."""
    return re.sub(r"[^A-Za-z0-9.]+", "-", str(text)).strip("-")


def _std(values: np.ndarray) -> float:
    return float(np.std(values, ddof=1)) if len(values) > 1 else 0.0


def mean_std(values: Sequence[float], digits: int = 1, sign: bool = False) -> str:
    """``"mean ± std"`` (sample std, 0 for one value); ``sign`` adds ``+``."""
    values = np.asarray(values, dtype=float)
    mean = f"{values.mean():+.{digits}f}" if sign else f"{values.mean():.{digits}f}"
    return f"{mean} ± {_std(values):.{digits}f}"


def paired(
    values: Sequence[float],
    reference: Sequence[float],
    scale: float = 100.0,
    digits: int = 1,
) -> str:
    """Per-seed differences, scaled: ``"+x.x ± y.y (k/n seeds ahead)"``."""
    diff = scale * (np.asarray(values, float) - np.asarray(reference, float))
    ahead = int(np.sum(diff > 0))
    return f"{mean_std(diff, digits, sign=True)} ({ahead}/{len(diff)} seeds ahead)"


def _by_seed(row: dict, field: str) -> dict[int, float]:
    return dict(zip(row["seeds"], row[field], strict=True))


def _aligned(row: dict, other: dict) -> tuple[list[float], list[float]]:
    """Balanced accuracies of two rows on the seeds both have, in seed order."""
    mine, theirs = (
        _by_seed(row, "balanced_accuracy"),
        _by_seed(other, "balanced_accuracy"),
    )
    seeds = sorted(set(mine) & set(theirs))
    return [mine[s] for s in seeds], [theirs[s] for s in seeds]


def image_figures(data: dict, source: str = "images") -> dict[str, str]:
    """The figures of ``images.json`` (see the module docstring)."""
    figures = {}
    gains: dict[str, list[float]] = {}  # row -> mean gain over SMOTE per data set
    for dataset, rows in data.get("datasets", {}).items():
        prefix = f"{source}-{slug(dataset)}"
        if not rows:
            continue
        counted = rows.get("SMOTE") or next(iter(rows.values()))
        figures[f"{prefix}-seeds"] = str(len(counted["seeds"]))
        means = {name: np.mean(row["balanced_accuracy"]) for name, row in rows.items()}
        for name, row in rows.items():
            key = f"{prefix}-{slug(name)}"
            figures[f"{key}-ba"] = mean_std(100 * np.asarray(row["balanced_accuracy"]))
            for reference in ("SMOTE", "MAMix", "DeepSMOTE"):
                if reference in rows and name != reference:
                    values, base = _aligned(row, rows[reference])
                    if values:
                        figures[f"{key}-vs-{reference}"] = paired(values, base)
                        if reference == "SMOTE":
                            gain = 100 * (np.mean(values) - np.mean(base))
                            gains.setdefault(name, []).append(gain)
            if {"SMOTE", "oracle"} <= set(rows) and name not in ("SMOTE", "oracle"):
                gap = means["oracle"] - means["SMOTE"]
                if gap > 0:
                    share = 100 * (means[name] - means["SMOTE"]) / gap
                    figures[f"{key}-gap-closed"] = f"{share:.0f}"
            figures[f"{key}-resample-s"] = f"{np.mean(row['resample_s']):.1f}"
            figures[f"{key}-resample-mib"] = f"{np.mean(row['resample_mib']):.0f}"
            figures[f"{key}-classifier-s"] = f"{np.mean(row['classifier_s']):.1f}"
    n_datasets = len(data.get("datasets", {}))
    for name, per_dataset in gains.items():
        if len(per_dataset) == n_datasets:
            ahead = sum(gain > 0 for gain in per_dataset)
            figures[f"{source}-all-{slug(name)}-vs-SMOTE"] = (
                f"{np.mean(per_dataset):+.1f} (ahead on {ahead}/{n_datasets} data sets)"
            )
    return figures


def tabular_figures(data: dict) -> dict[str, str]:
    """The figures of ``tabular.json`` (see the module docstring)."""
    figures = {}
    samplers, classifiers = data["samplers"], data["classifiers"]
    metrics = data["metrics"]
    # [dataset, sampler, classifier, seed, metric]
    values = np.asarray(data["values"], dtype=float)
    figures["tabular-datasets"] = str(len(data["datasets"]))
    figures["tabular-seeds"] = str(len(data["seeds"]))
    gmean = metrics.index("G-mean")
    for c, classifier in enumerate(classifiers):
        for r, sampler in enumerate(samplers):
            key = f"tabular-{slug(classifier)}-{slug(sampler)}"
            for m, metric in enumerate(metrics):
                name = slug(metric).lower().replace("-", "")  # gmean, f1, auc
                per_seed = values[:, r, c, :, m].mean(axis=0)
                figures[f"{key}-{name}"] = mean_std(100 * per_seed)
            if "SMOTE" in samplers and sampler != "SMOTE":
                s = samplers.index("SMOTE")
                mine, smote = values[:, r, c, :, gmean], values[:, s, c, :, gmean]
                figures[f"{key}-vs-SMOTE"] = paired(
                    mine.mean(axis=0), smote.mean(axis=0), digits=2
                )
                by_set = (mine - smote).mean(axis=1)
                wins = int(np.sum(by_set >= TABULAR_TIE))
                ties = int(np.sum(np.abs(by_set) < TABULAR_TIE))
                losses = int(np.sum(by_set <= -TABULAR_TIE))
                figures[f"{key}-wtl"] = f"{wins} / {ties} / {losses}"
    seconds = np.asarray(data["fit_seconds"], dtype=float)  # [dataset, sampler, seed]
    for r, sampler in enumerate(samplers):
        figures[f"tabular-{slug(sampler)}-fit-s"] = f"{seconds[:, r, 0].sum():.1f}"
    return figures


def _median(runs: list[dict], field: str) -> float:
    return float(np.median([run[field] for run in runs]))


def speed_figures(data: dict) -> dict[str, str]:
    """The figures of ``speed.json`` (see the module docstring)."""
    figures = {}
    for point in data.get("images", []):
        key = f"speed-images-{point['rows']}"
        figures[f"{key}-s"] = f"{point['seconds']:.0f}"
        figures[f"{key}-mib"] = f"{point['rss_delta_mib']:.0f}"
        figures[f"{key}-epochs"] = str(point["epochs"])
    for point in data.get("tabular", []):
        key = f"speed-tabular-{point['rows']}x{point['features']}"
        figures[f"{key}-s"] = f"{point['seconds']:.1f}"
        figures[f"{key}-mib"] = f"{point['rss_delta_mib']:.0f}"
    for size in data.get("sizes", []):
        runs = size["runs"]
        side = math.isqrt(runs[0]["features"] // runs[0].get("channels", 1))
        key = f"speed-size-{slug(size['images']).lower()}-{side}px"
        figures[f"{key}-s"] = f"{_median(runs, 'seconds'):.1f}"
        figures[f"{key}-cpu-s"] = f"{_median(runs, 'cpu_seconds'):.1f}"
        figures[f"{key}-mib"] = f"{_median(runs, 'rss_delta_mib'):.0f}"
        figures[f"{key}-rows"] = f"{runs[0]['rows']:,}"
        figures[f"{key}-epochs"] = str(runs[0]["epochs"])
    return figures


def torch_data_figures(data: dict) -> dict[str, str]:
    """The figures of ``torch_data.json`` (see the module docstring)."""
    figures = {
        "torch-data-images": f"{sum(data['counts']):,}",
        "torch-data-majority": f"{data['counts'][0]:,}",
        "torch-data-side": str(data["side"]),
        "torch-data-target": f"{data['target']:,}",
        "torch-data-majority-mib": f"{data['majority_mib']:.0f}",
    }
    for row in data["rows"]:
        key = f"torch-data-{slug(row['sampler'])}"
        figures[f"{key}-peak-mib"] = f"{row['peak_added_mib']:.0f}"
        figures[f"{key}-after-mib"] = f"{row['after_added_mib']:.0f}"
        figures[f"{key}-s"] = f"{row['seconds']:.0f}"
        figures[f"{key}-new-items"] = f"{row['new_items']:,}"
        figures[f"{key}-new-pixels-mib"] = f"{row['new_pixels_mib']:.0f}"
    return figures


def diagnostics_figures(data: dict) -> dict[str, str]:
    """The figures of ``diagnostics.json`` (see the module docstring)."""
    figures = {}
    columns = {
        name: column
        for name, column in data.get("columns", {}).items()
        if column.get("pooled") is not None and np.isfinite(column["pooled"])
    }
    for name, column in columns.items():
        key = f"diagnostics-{slug(name)}"
        figures[f"{key}-spearman"] = f"{column['pooled']:+.2f}"
        figures[f"{key}-pairs"] = str(column["n_pairs"])
        for dataset, value in column.get("within", {}).items():
            if value is not None and np.isfinite(value):
                figures[f"{key}-within-{slug(dataset)}"] = f"{value:+.2f}"
    for dataset, rows in data.get("values", {}).items():
        for row, by_class in rows.items():
            for label, values in by_class.items():
                key = f"diagnostics-{slug(dataset)}-{slug(row)}-{slug(label)}"
                for column, value in values.items():
                    if value is not None and np.isfinite(value):
                        figures[f"{key}-{slug(column)}"] = f"{value:.2f}"
    if columns:
        ranked = sorted(columns, key=lambda name: columns[name]["pooled"])
        for which, name in (("best", ranked[-1]), ("worst", ranked[0])):
            figures[f"diagnostics-{which}-column"] = name
            figures[f"diagnostics-{which}-spearman"] = f"{columns[name]['pooled']:+.2f}"
            figures[f"diagnostics-{which}-pairs"] = str(columns[name]["n_pairs"])
    return figures


#: The JSON files and what reads them.
SOURCES: dict[str, Callable[[dict], dict[str, str]]] = {
    "images.json": image_figures,
    "images-augmented.json": partial(image_figures, source="augmented"),
    "levers.json": partial(image_figures, source="levers"),
    "independent.json": partial(image_figures, source="independent"),
    "ablations.json": partial(image_figures, source="ablations"),
    "mechanisms.json": partial(image_figures, source="mechanisms"),
    "screening.json": partial(image_figures, source="screening"),
    "pipeline.json": partial(image_figures, source="pipeline"),
    "tabular.json": tabular_figures,
    "speed.json": speed_figures,
    "torch_data.json": torch_data_figures,
    "diagnostics.json": diagnostics_figures,
}


def figures(folder: Path | str = BENCHMARKS) -> dict[str, str]:
    """Every named figure of the JSON files present in ``folder``."""
    found: dict[str, str] = {}
    for filename, read in SOURCES.items():
        path = Path(folder) / filename
        if path.is_file():
            found |= read(json.loads(path.read_text(encoding="utf-8")))
    return found


def rst_prolog(named: dict[str, str]) -> str:
    """reST substitution definitions: ``.. |name| replace:: value``."""
    return "".join(
        f".. |{name}| replace:: {value}\n" for name, value in sorted(named.items())
    )


if __name__ == "__main__":  # python docs/_numbers.py: list the figures
    for name, value in sorted(figures().items()):
        print(f"{name:<52} {value}")
