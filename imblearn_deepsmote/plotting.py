"""Plots for DeepSMOTE: real next to synthetic images, training curves, reports.

matplotlib is an optional dependency: install it with
``pip install imblearn-deepsmote[plot]``. It is imported when a function is
called, never when the package is imported.
"""

from __future__ import annotations

import numbers
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

import numpy as np

from .utils._images import ImageLayout

if TYPE_CHECKING:
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure

__all__ = ["plot_history", "plot_real_vs_synthetic", "plot_synthetic_reports"]

# Legend labels of the loss terms in a history (``train_<term>_loss``).
_TERM_LABELS = {
    "reconstruction": "reconstruction",
    "penalty": "penalty",
    "class": "class (latent classifier)",
}
#: The report columns that plot_synthetic_reports draws by default.
_REPORT_COLUMNS = (
    "precision",
    "recall",
    "density",
    "coverage",
    "memorised",
    "recognised",
)
#: Inches of heat maps side by side in a figure plot_synthetic_reports creates.
PAGE_WIDTH = 11.0


def _pyplot(caller: str):
    try:
        import matplotlib.pyplot as plt
    except ImportError as exc:
        raise ImportError(
            f"{caller} needs matplotlib, an optional dependency of "
            "imblearn-deepsmote: pip install imblearn-deepsmote[plot]"
        ) from exc
    return plt


def plot_real_vs_synthetic(
    X_real: Any,
    y_real: Any,
    X_synthetic: Any,
    y_synthetic: Any,
    image_shape: tuple[int, ...] | str | None = None,
    *,
    channels_last: bool = False,
    n_per_class: int = 8,
    classes: Sequence[Any] | None = None,
    fig: Figure | None = None,
    figsize: tuple[float, float] | None = None,
    cmap: str = "gray",
) -> tuple[Figure, np.ndarray]:
    """Show real and synthetic images side by side, two rows per class.

    For each class, the first row holds up to ``n_per_class`` real images and
    the row below up to ``n_per_class`` synthetic ones (the first ones of that
    class, in order). All images share one colour scale, so that intensities
    compare across rows. The synthetic images are what
    :class:`~imblearn_deepsmote.DeepSMOTE` appends after the originals,
    ``X_res[len(X):]``, or the output of its ``generate`` method. The whole
    resampled ``X_res, y_res`` works too: when it starts with the real
    images, those rows are recognised as real and only the rest is shown as
    synthetic.

    Parameters
    ----------
    X_real : array-like of shape (n_real, n_features) or (n_real, ...)
        Real images: flattened rows, or arrays of shape ``(n, H, W)`` or
        ``(n, C, H, W)`` (``(n, H, W, C)`` with ``channels_last``).
    y_real : array-like of shape (n_real,)
        Their labels.
    X_synthetic : array-like of shape (n_synthetic, n_features) or (n_synthetic, ...)
        Synthetic images in the same layout, or the whole resampled ``X_res``.
    y_synthetic : array-like of shape (n_synthetic,)
        Their labels (or the whole resampled ``y_res``).
    image_shape : tuple of int, "square" or None, default=None
        ``(channels, height, width)`` or ``(height, width)`` as in DeepSMOTE,
        with 1 (grey) or 3 (RGB) channels; "square" is ``(1, s, s)``.
        ``None`` takes it from image arrays (rows need it).
    channels_last : bool, default=False
        Whether the channels come last in ``X_real`` and ``X_synthetic``.
    n_per_class : int, default=8
        Number of images (columns) per row.
    classes : sequence of labels or None, default=None
        Classes to show, one pair of rows each, in this order. ``None`` shows
        every class of ``y_synthetic``, sorted.
    fig : matplotlib Figure or None, default=None
        An empty figure to draw into; ``None`` creates one with
        :func:`matplotlib.pyplot.figure`.
    figsize : tuple of float or None, default=None
        Size of a created figure; by default one inch per image.
    cmap : str, default="gray"
        Colour map of one-channel images.

    Returns
    -------
    fig : matplotlib Figure
        The figure.
    axes : ndarray of matplotlib Axes of shape (2 * n_classes, n_per_class)
        Rows ``2 * i`` (real) and ``2 * i + 1`` (synthetic) belong to the
        ``i``-th class; the row titles are the y-labels of the first column.

    Raises
    ------
    ValueError
        If the shapes do not match ``image_shape``, the image has neither 1
        nor 3 channels, ``n_per_class`` is not a positive int, or ``classes``
        is empty.

    Examples
    --------
    >>> import matplotlib
    >>> matplotlib.use("Agg")  # non-interactive backend, for scripts and tests
    >>> from collections import Counter
    >>> import numpy as np
    >>> from sklearn.datasets import load_digits
    >>> from imblearn_deepsmote import Autoencoder, DeepSMOTE, plot_real_vs_synthetic
    >>> X, y = load_digits(n_class=2, return_X_y=True)
    >>> rare = np.flatnonzero(y == 1)[:20]
    >>> X, y = np.r_[X[y == 0], X[rare]], np.r_[y[y == 0], y[rare]]
    >>> sampler = DeepSMOTE(
    ...     autoencoder=Autoencoder(max_epochs=2, device="cpu"),
    ...     image_shape=(8, 8),
    ...     random_state=0,
    ... )
    >>> X_res, y_res = sampler.fit_resample(X, y)
    >>> fig, axes = plot_real_vs_synthetic(
    ...     X, y, X_res[len(X):], y_res[len(X):], image_shape=(8, 8), n_per_class=5
    ... )
    >>> axes.shape
    (2, 5)
    >>> axes[1, 0].get_ylabel()
    '1 synthetic'
    """
    plt = _pyplot("plot_real_vs_synthetic")
    if not (
        isinstance(n_per_class, numbers.Integral)
        and not isinstance(n_per_class, bool)
        and n_per_class >= 1
    ):
        raise ValueError(f"n_per_class must be an int >= 1; got {n_per_class!r}.")
    X_real, X_synthetic = np.asarray(X_real), np.asarray(X_synthetic)
    y_real, y_synthetic = np.asarray(y_real), np.asarray(y_synthetic)
    if X_real.ndim < 2 or X_real.shape[1:] != X_synthetic.shape[1:]:
        raise ValueError(
            f"X_real and X_synthetic must hold samples of the same shape; got "
            f"{X_real.shape[1:]} and {X_synthetic.shape[1:]}."
        )
    layout = ImageLayout.from_data(X_real, image_shape, channels_last, min_side=1)
    if layout.image_shape is None:
        raise ValueError(
            "image_shape is needed for flattened images: pass (height, width) or "
            "(channels, height, width), or the images as (n, H, W) arrays."
        )
    X_real, X_synthetic = layout.to_rows(X_real), layout.to_rows(X_synthetic)
    for name, X, y in (
        ("real", X_real, y_real),
        ("synthetic", X_synthetic, y_synthetic),
    ):
        if y.shape != (len(X),):
            raise ValueError(
                f"y_{name} must hold one label per image of X_{name}; got "
                f"{y.shape} for {len(X)} images."
            )
    n_real = len(X_real)
    if len(X_synthetic) >= n_real and np.array_equal(X_synthetic[:n_real], X_real):
        # the whole resampled output: its first rows are the real images
        X_synthetic, y_synthetic = X_synthetic[n_real:], y_synthetic[n_real:]
    channels, height, width = layout.image_shape
    if channels not in (1, 3):
        raise ValueError(
            f"Can only show images with 1 or 3 channels; image_shape has {channels}."
        )
    classes = list(np.unique(y_synthetic) if classes is None else classes)
    if not classes:
        raise ValueError("No class to show: y_synthetic is empty and classes=None.")

    values = np.concatenate([X_real.ravel(), X_synthetic.ravel()]).astype(float)
    vmin, vmax = (np.nanmin(values), np.nanmax(values)) if values.size else (0.0, 1.0)
    scale = vmax - vmin if vmax > vmin else 1.0

    n_rows = 2 * len(classes)
    if fig is None:
        fig = plt.figure(figsize=figsize or (n_per_class, n_rows))
    axes = np.asarray(fig.subplots(n_rows, n_per_class, squeeze=False))
    for i, label in enumerate(classes):
        for row, kind, X, y in (
            (2 * i, "real", X_real, y_real),
            (2 * i + 1, "synthetic", X_synthetic, y_synthetic),
        ):
            members = X[y == label][:n_per_class]
            for col, ax in enumerate(axes[row]):
                ax.set_xticks([])
                ax.set_yticks([])
                for spine in ax.spines.values():
                    spine.set_visible(False)
                if col < len(members):
                    image = members[col].astype(float).reshape(channels, height, width)
                    if channels == 1:
                        ax.imshow(image[0], cmap=cmap, vmin=vmin, vmax=vmax)
                    else:
                        rgb = np.clip((image.transpose(1, 2, 0) - vmin) / scale, 0, 1)
                        ax.imshow(rgb)
            label_text = label.item() if isinstance(label, np.generic) else label
            axes[row, 0].set_ylabel(f"{label_text} {kind}")
    return fig, axes


def _history_of(obj) -> tuple[Any, str]:
    """The per-epoch history of a fitted estimator (or the history itself)."""
    from sklearn.exceptions import NotFittedError

    if hasattr(obj, "get_params"):
        estimator = obj
        obj = getattr(obj, "autoencoder_", obj)  # DeepSMOTE: its autoencoder
        history = getattr(obj, "history_", None)
        if not history:
            raise NotFittedError(
                f"This {type(estimator).__name__} has no training history yet: fit "
                "it before plotting its training history."
            )
        return history, f"{type(estimator).__name__} training history"
    return obj, "Training history"


def _loss_curves(epochs: list[dict]) -> dict[str, str]:
    """History key -> legend label, for every loss recorded in every epoch.

    The total (``train_loss``) is drawn only when it differs from the single
    term it would otherwise hide (the reconstruction loss without penalty
    or class loss).
    """
    curves = {}
    terms = [
        key
        for key in epochs[0]
        if key.startswith("train_")
        and key.endswith("_loss")
        and key != "train_loss"
        and all(key in entry for entry in epochs)
    ]
    for key in terms:
        term = key[len("train_") : -len("_loss")]
        curves[key] = _TERM_LABELS.get(term, term)
    if all("train_loss" in entry for entry in epochs):
        if len(terms) == 1:
            curves = {terms[0]: f"{curves[terms[0]]} (= total)"}
        else:
            curves["train_loss"] = "total" if terms else "train"
    if all("valid_loss" in entry for entry in epochs):
        curves["valid_loss"] = "validation"
    return curves


def plot_history(estimator_or_history: Any, ax: Axes | None = None) -> Axes:
    """Plot the per-epoch training losses of a fitted estimator.

    Draws every loss that the history records in each epoch: for an
    :class:`~imblearn_deepsmote.Autoencoder` (or the one inside a fitted
    :class:`~imblearn_deepsmote.DeepSMOTE`) its reconstruction loss and,
    when they are used, the permutation penalty, the latent class loss and
    their weighted total; for a :class:`~imblearn_deepsmote.MAMixClassifier`
    (or any skorch net) its training loss; and the validation loss when
    there is a validation split. The y-axis is logarithmic when the curves
    span more than two decades.

    Parameters
    ----------
    estimator_or_history : fitted estimator or history
        A fitted ``DeepSMOTE``, ``Autoencoder``, ``MAMixClassifier`` or other
        skorch net, or a history itself: skorch's ``History`` or a sequence
        of dicts, one per epoch, with ``"epoch"`` and the losses
        (``"train_loss"``, ``"train_<term>_loss"``, ``"valid_loss"``).
    ax : matplotlib Axes or None, default=None
        Where to draw; ``None`` creates a new figure and axes.

    Returns
    -------
    ax : matplotlib Axes
        The axes, titled, with a legend and labelled axes.

    Raises
    ------
    NotFittedError
        If the estimator has not been fitted.
    ValueError
        If the history is empty or holds no loss.

    Examples
    --------
    >>> import matplotlib
    >>> matplotlib.use("Agg")  # non-interactive backend, for scripts and tests
    >>> from sklearn.datasets import make_classification
    >>> from imblearn_deepsmote import Autoencoder, DeepSMOTE, plot_history
    >>> X, y = make_classification(n_samples=100, weights=[0.9], random_state=0)
    >>> autoencoder = Autoencoder(max_epochs=3, penalty="paper")
    >>> sampler = DeepSMOTE(autoencoder=autoencoder, random_state=0)
    >>> _ = sampler.fit_resample(X, y)
    >>> ax = plot_history(sampler)
    >>> [line.get_label() for line in ax.get_lines()]
    ['reconstruction', 'penalty', 'total']
    >>> ax.get_title()
    'DeepSMOTE training history'
    """
    plt = _pyplot("plot_history")
    from matplotlib.ticker import MaxNLocator

    history, title = _history_of(estimator_or_history)
    epochs = [dict(entry) for entry in history if isinstance(entry, Mapping)]
    if not epochs or len(epochs) != len(history):
        raise ValueError(
            "history must be a non-empty sequence of dicts, one per epoch, such as "
            "a fitted estimator's history_."
        )
    curves = _loss_curves(epochs)
    if not curves:
        raise ValueError(
            "The history holds no loss (keys 'train_loss', 'train_<term>_loss', "
            f"'valid_loss'); its first epoch has {sorted(epochs[0])}."
        )
    x = [entry.get("epoch", i + 1) for i, entry in enumerate(epochs)]
    if ax is None:
        _, ax = plt.subplots()
    values = []
    for key, label in curves.items():
        y = [float(entry[key]) for entry in epochs]
        values += y
        ax.plot(x, y, marker=".", label=label)
    positive = [v for v in values if v > 0]
    if len(positive) == len(values) and max(positive) > 100 * min(positive):
        ax.set_yscale("log")
    ax.xaxis.set_major_locator(MaxNLocator(integer=True))
    ax.set_xlabel("epoch")
    ax.set_ylabel("loss")
    ax.set_title(title)
    ax.legend()
    return ax


def plot_synthetic_reports(
    reports: Mapping[str, Any],
    columns: Sequence[str] = _REPORT_COLUMNS,
    *,
    fig: Figure | None = None,
    figsize: tuple[float, float] | None = None,
    cmap: str = "viridis",
    n_cols: int | None = None,
) -> tuple[Figure, np.ndarray]:
    """Compare samplers class by class: one heat map per report column.

    Each heat map has a row per sampler and a column per class (those of all
    reports, in order of appearance, the pooled ``"all"`` last), and shows
    the values. Shares use one colour scale from 0 to 1, a column with
    larger values (``density``) one from 0 to its maximum; a class that a
    report lacks stays blank.

    Parameters
    ----------
    reports : mapping of str to DataFrame
        Sampler name -> its :func:`~imblearn_deepsmote.synthetic_report` (or
        :func:`~imblearn_deepsmote.resampled_report`), in the order to show.
    columns : sequence of str, default=("precision", "recall", "density", \
"coverage", "memorised", "recognised")
        The report columns to draw, one heat map each.
    fig : matplotlib Figure or None, default=None
        An empty figure to draw into; ``None`` creates one with
        :func:`matplotlib.pyplot.figure`.
    figsize : tuple of float or None, default=None
        Size of a created figure; by default sized by samplers and classes.
    cmap : str, default="viridis"
        Colour map of the heat maps.
    n_cols : int or None, default=None
        Heat maps per line of the figure; ``None`` puts as many side by side
        as fit in a page-wide figure (one per line with many classes).

    Returns
    -------
    fig : matplotlib Figure
        The figure.
    axes : ndarray of matplotlib Axes of shape (len(columns),)
        One heat map per column, titled with its name.

    Raises
    ------
    ValueError
        If ``reports`` is empty or not a mapping of DataFrames, ``columns``
        is empty, or a report lacks one of ``columns``.

    Examples
    --------
    >>> import matplotlib
    >>> matplotlib.use("Agg")  # non-interactive backend, for scripts and tests
    >>> from imblearn.over_sampling import ADASYN, SMOTE
    >>> from sklearn.datasets import make_classification
    >>> from imblearn_deepsmote import plot_synthetic_reports, resampled_report
    >>> X, y = make_classification(n_samples=200, weights=[0.9], random_state=0)
    >>> reports = {
    ...     type(sampler).__name__: resampled_report(
    ...         X, y, *sampler.fit_resample(X, y), random_state=0
    ...     )
    ...     for sampler in (SMOTE(random_state=0), ADASYN(random_state=0))
    ... }
    >>> fig, axes = plot_synthetic_reports(reports, columns=["precision", "recall"])
    >>> [ax.get_title() for ax in axes]
    ['precision', 'recall']
    >>> [label.get_text() for label in axes[0].get_yticklabels()]
    ['SMOTE', 'ADASYN']
    """
    plt = _pyplot("plot_synthetic_reports")
    if not isinstance(reports, Mapping) or not reports:
        raise ValueError(
            "reports must be a non-empty mapping of sampler names to reports from "
            f"synthetic_report; got {reports!r}."
        )
    columns = [columns] if isinstance(columns, str) else list(columns)
    if not columns:
        raise ValueError("columns must name at least one report column.")
    classes = []
    for name, report in reports.items():
        if not hasattr(report, "reindex"):
            raise ValueError(
                f"reports[{name!r}] must be a DataFrame from synthetic_report; got "
                f"{type(report).__name__}."
            )
        missing = [column for column in columns if column not in report.columns]
        if missing:
            raise ValueError(
                f"reports[{name!r}] has no column {missing[0]!r}; it has "
                f"{list(report.columns)}."
            )
        classes += [label for label in report.index if label not in classes]
    classes.sort(key=lambda label: label == "all")  # stable: "all" last
    map_width = 0.6 * len(classes) + 0.4  # inches: a value per class
    if n_cols is None:
        n_cols = int(np.clip(PAGE_WIDTH // map_width, 1, len(columns)))
    elif not isinstance(n_cols, numbers.Integral) or n_cols < 1:
        raise ValueError(f"n_cols must be a positive integer or None; got {n_cols!r}.")
    n_lines = -(-len(columns) // n_cols)
    if fig is None:
        fig = plt.figure(
            figsize=figsize
            or (
                1.5 + map_width * n_cols,
                n_lines * (1.0 + 0.4 * len(reports)),
            ),
            layout="constrained",
        )
    grid = np.asarray(fig.subplots(n_lines, n_cols, squeeze=False, sharey=True))
    for unused in grid.flat[len(columns) :]:
        unused.remove()
    axes = grid.flat[: len(columns)]
    for ax, column in zip(axes, columns, strict=True):
        values = np.array(
            [
                report.reindex(classes)[column].to_numpy(float)
                for report in reports.values()
            ]
        )
        vmax = values[np.isfinite(values)].max(initial=1.0)
        ax.imshow(values, cmap=cmap, vmin=0.0, vmax=vmax, aspect="auto")
        for (row, col), value in np.ndenumerate(values):
            if np.isfinite(value):
                colour = "white" if value < vmax / 2 else "black"
                ax.text(
                    col, row, f"{value:.2f}", ha="center", va="center", color=colour
                )
        ax.set_xticks(range(len(classes)), [str(label) for label in classes])
        ax.set_yticks(range(len(reports)), list(reports))
        ax.set_xlabel("class")
        ax.set_title(column)
    return fig, axes
