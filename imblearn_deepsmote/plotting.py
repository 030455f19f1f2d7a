"""Plots for DeepSMOTE: real next to synthetic images, and training curves.

matplotlib is an optional dependency: install it with
``pip install imblearn-deepsmote[plot]``. It is imported when a function is
called, never when the package is imported.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

import numpy as np

from .transformers import resolve_image_shape

if TYPE_CHECKING:
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure

__all__ = ["plot_history", "plot_real_vs_synthetic"]

# history_ keys that hold a loss, with their legend labels: DeepSMOTE's, then
# skorch's (so a fitted skorch net's history_ plots too).
_LOSS_CURVES = {
    "reconstruction_loss": "reconstruction",
    "penalty_loss": "penalty",
    "loss": "total",
    "train_loss": "train",
    "valid_loss": "valid",
}


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
    image_shape: tuple[int, ...] | str,
    *,
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
    compare across rows. Typical synthetic rows are what
    :class:`~imblearn_deepsmote.DeepSMOTE` appends after the originals:
    ``X_res[len(X):]``, or the output of its ``generate`` method.

    Parameters
    ----------
    X_real : array-like of shape (n_real, n_features)
        Real flattened images.
    y_real : array-like of shape (n_real,)
        Their labels.
    X_synthetic : array-like of shape (n_synthetic, n_features)
        Synthetic flattened images.
    y_synthetic : array-like of shape (n_synthetic,)
        Their labels.
    image_shape : tuple of int or "square"
        ``(channels, height, width)`` or ``(height, width)`` as in DeepSMOTE,
        with 1 (grey) or 3 (RGB) channels; "square" is ``(1, s, s)``.
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
        nor 3 channels, or ``classes`` is empty.

    Examples
    --------
    >>> import matplotlib
    >>> matplotlib.use("Agg")  # non-interactive backend, for scripts and tests
    >>> from collections import Counter
    >>> import numpy as np
    >>> from sklearn.datasets import load_digits
    >>> from imblearn_deepsmote import DeepSMOTE, plot_real_vs_synthetic
    >>> X, y = load_digits(n_class=2, return_X_y=True)
    >>> rare = np.flatnonzero(y == 1)[:20]
    >>> X, y = np.r_[X[y == 0], X[rare]], np.r_[y[y == 0], y[rare]]
    >>> sampler = DeepSMOTE(
    ...     image_shape=(8, 8), max_epochs=2, random_state=0, device="cpu"
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
    X_real, X_synthetic = np.asarray(X_real), np.asarray(X_synthetic)
    y_real, y_synthetic = np.asarray(y_real), np.asarray(y_synthetic)
    for name, X, y in (
        ("real", X_real, y_real),
        ("synthetic", X_synthetic, y_synthetic),
    ):
        if X.ndim != 2 or y.shape != (len(X),):
            raise ValueError(
                f"X_{name} must be 2-D with one label per row in y_{name}; got "
                f"shapes {X.shape} and {y.shape}."
            )
    if X_real.shape[1] != X_synthetic.shape[1]:
        raise ValueError(
            f"X_real has {X_real.shape[1]} features but X_synthetic has "
            f"{X_synthetic.shape[1]}."
        )
    channels, height, width = resolve_image_shape(
        image_shape, X_real.shape[1], min_side=1
    )
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


def plot_history(history_or_sampler: Any, ax: Axes | None = None) -> Axes:
    """Plot the per-epoch training losses of a fitted DeepSMOTE.

    Draws one curve per loss found in every epoch of the history:
    reconstruction, penalty and total for DeepSMOTE (``train_loss`` and
    ``valid_loss`` of a fitted skorch net's ``history_`` are drawn too).

    Parameters
    ----------
    history_or_sampler : fitted estimator or sequence of dict
        An estimator with a ``history_`` attribute, such as a fitted
        :class:`~imblearn_deepsmote.DeepSMOTE`, or its ``history_`` itself:
        one dict per epoch, with ``"epoch"`` and the losses.
    ax : matplotlib Axes or None, default=None
        Where to draw; ``None`` creates a new figure and axes.

    Returns
    -------
    ax : matplotlib Axes
        The axes, with a legend and labelled axes.

    Raises
    ------
    ValueError
        If the history is empty or holds no known loss.

    Examples
    --------
    >>> import matplotlib
    >>> matplotlib.use("Agg")  # non-interactive backend, for scripts and tests
    >>> from sklearn.datasets import make_classification
    >>> from imblearn_deepsmote import DeepSMOTE, plot_history
    >>> X, y = make_classification(n_samples=100, weights=[0.9], random_state=0)
    >>> sampler = DeepSMOTE(max_epochs=3, random_state=0, device="cpu")
    >>> _ = sampler.fit_resample(X, y)
    >>> ax = plot_history(sampler)
    >>> [line.get_label() for line in ax.get_lines()]
    ['reconstruction', 'penalty', 'total']
    """
    plt = _pyplot("plot_history")
    from matplotlib.ticker import MaxNLocator

    history = getattr(history_or_sampler, "history_", history_or_sampler)
    if hasattr(history_or_sampler, "get_params") and history is history_or_sampler:
        from sklearn.exceptions import NotFittedError

        raise NotFittedError(
            f"This {type(history_or_sampler).__name__} has no history_ yet: fit it "
            "before plotting its training history."
        )
    epochs = [dict(entry) for entry in history if isinstance(entry, Mapping)]
    if not epochs or len(epochs) != len(history):
        raise ValueError(
            "history must be a non-empty sequence of dicts, one per epoch, such as "
            "DeepSMOTE's history_."
        )
    keys = [key for key in _LOSS_CURVES if all(key in entry for entry in epochs)]
    if not keys:
        raise ValueError(
            f"The history holds none of the losses {sorted(_LOSS_CURVES)}; its "
            f"first epoch has {sorted(epochs[0])}."
        )
    x = [entry.get("epoch", i + 1) for i, entry in enumerate(epochs)]
    if ax is None:
        _, ax = plt.subplots()
    for key in keys:
        ax.plot(
            x, [entry[key] for entry in epochs], marker=".", label=_LOSS_CURVES[key]
        )
    ax.xaxis.set_major_locator(MaxNLocator(integer=True))
    ax.set_xlabel("epoch")
    ax.set_ylabel("loss")
    ax.legend()
    return ax
