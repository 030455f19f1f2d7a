"""Fit time and memory against data size (drawn by the plot directive).

The points are those of ``benchmarks/bench_speed.py --json
docs/benchmarks/speed.json`` (the scaling part); the figure shows them on
log-log axes with a line of slope one (linear growth) for reference. The
benchmarks page draws it only when that file exists.
"""

import json
from pathlib import Path

import matplotlib.pyplot as plt
import numpy as np
from matplotlib.ticker import FuncFormatter, LogLocator, NullFormatter, ScalarFormatter

# the plot directive runs this file from its own folder, without __file__
HERE = Path(globals().get("__file__", "speed_scaling.py")).resolve().parent
points = json.loads((HERE.parent / "benchmarks" / "speed.json").read_text())
# 8.5 inches shown at the width of the text: 9-point labels stay readable
fig, (left, middle, right) = plt.subplots(1, 3, figsize=(8.5, 3.4))


def linear_reference(ax, x, y):
    """A dotted line through the first point with slope one."""
    x = np.asarray(x, dtype=float)
    ax.plot(x, y[0] * x / x[0], ":", color="grey", label="linear in rows")


images = sorted(points["images"], key=lambda p: p["rows"])
rows = [p["rows"] for p in images]
seconds = np.array([p["seconds"] for p in images])
left.plot(rows, seconds, "o-", label="fit_resample")
linear_reference(left, rows, seconds)
for p in images:
    left.annotate(
        f"{p['epochs']} ep.",
        (p["rows"], p["seconds"]),
        fontsize=8,
        textcoords="offset points",
        xytext=(5, 4),
    )
left.set(
    xlabel="training images (28 x 28)", ylabel="wall seconds", title="Images: time"
)

memory = np.array([p["rss_delta_mib"] for p in images])
output = np.array(
    [(p["rows"] + p["generated"]) * p["features"] * 4 / 2**20 for p in images]
)
middle.plot(rows, memory, "o-", label="peak memory added")
middle.plot(rows, output, "s--", label="X_res itself (float32)")
middle.set(xlabel="training images (28 x 28)", ylabel="MiB", title="Images: memory")

tabular = points["tabular"]
by_rows = sorted((p for p in tabular if p["features"] == 20), key=lambda p: p["rows"])
by_features = sorted(
    (p for p in tabular if p["rows"] == by_rows[0]["rows"]), key=lambda p: p["features"]
)
right.plot(
    [p["rows"] for p in by_rows],
    [p["seconds"] for p in by_rows],
    "o-",
    label="rows (20 features)",
)
right.plot(
    [p["features"] for p in by_features],
    [p["seconds"] for p in by_features],
    "s-",
    label=f"features ({by_rows[0]['rows']:,} rows)",
)
right.set(xlabel="rows or features", ylabel="wall seconds", title="Tabular: time")
for ax in (left, middle, right):  # log-log, plain tick labels
    ax.set(xscale="log", yscale="log")
    ax.legend(fontsize=8)
    ax.grid(alpha=0.3)
    for axis in (ax.xaxis, ax.yaxis):
        axis.set_major_locator(LogLocator(subs=(1, 2, 5)))
        axis.set_major_formatter(ScalarFormatter())
        axis.set_minor_formatter(NullFormatter())
# counts of rows and features: 2k, 10k, ... keeps the ticks apart
thousands = FuncFormatter(lambda x, _: f"{x / 1000:g}k" if x >= 1000 else f"{x:g}")
for ax in (left, middle, right):
    ax.xaxis.set_major_formatter(thousands)
right.xaxis.set_major_locator(LogLocator(subs=(1,)))  # five decades: one tick each
fig.tight_layout()
