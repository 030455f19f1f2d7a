"""Are these synthetic samples any good? Per-class reports on an over-sampler's output.

:func:`synthetic_report` compares synthetic rows from any over-sampler with the
real rows of their class: fidelity and diversity on k-nearest-neighbour
manifolds (Naeem et al., 2020), copies of real rows (after the authenticity of
Alaa et al., 2022), and whether a classifier trained on the real rows
recognises their class. :func:`resampled_report` does the same on the output
of ``fit_resample``.

pandas is an optional dependency of these reports: install it with
``pip install "imblearn-deepsmote[diagnostics]"``.
"""

from __future__ import annotations

import numbers
import warnings
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

import numpy as np
from numpy.typing import ArrayLike
from sklearn.base import clone
from sklearn.decomposition import PCA
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import pairwise_distances_chunked
from sklearn.model_selection import StratifiedKFold, cross_val_predict
from sklearn.neighbors import NearestNeighbors
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler
from sklearn.utils import _safe_indexing, check_array
from sklearn.utils._param_validation import (
    HasMethods,
    Interval,
    StrOptions,
    validate_params,
)

from ._base import IntInterval
from .deepsmote._latent import class_neighbors
from .utils._images import array_shape

if TYPE_CHECKING:
    from pandas import DataFrame

__all__ = ["resampled_report", "synthetic_report"]

#: The measures taken on the k-nearest-neighbour manifolds of a class.
_MANIFOLD = ("precision", "recall", "density", "coverage", "memorised")
_MANIFOLD += ("nearest_real_ratio",)
#: The columns of a report, in order.
_COLUMNS = (*_MANIFOLD, "recognised", "recognised_real", "n_real", "n_synthetic")
#: The manifold measures taken per real row (the others are per synthetic row).
_PER_REAL = ("recall", "coverage")
#: The feature spaces named by a string.
_SPACES = ("standard", "pca", "raw")
#: Principal components of the ``"pca"`` space (fewer for small data).
_PCA_COMPONENTS = 50
#: Bytes held per synthetic x real distance of a block: the float64 distance
#: and the boolean masks made from it.
_BYTES_PER_DISTANCE = 16


def _pandas(caller: str):
    try:
        import pandas as pd
    except ImportError as exc:
        raise ImportError(
            f"{caller} needs pandas, an optional dependency of imblearn-deepsmote: "
            'pip install "imblearn-deepsmote[diagnostics]"'
        ) from exc
    return pd


@validate_params(
    {
        "X_real": ["array-like"],
        "y_real": ["array-like"],
        "X_synthetic": ["array-like"],
        "y_synthetic": ["array-like"],
        "features": [
            StrOptions(set(_SPACES)),
            HasMethods(["encode"]),
            HasMethods(["transform"]),
            callable,
            None,
        ],
        "n_neighbors": [IntInterval(1, None, closed="left")],
        "classifier": [HasMethods(["fit", "predict"]), None],
        "random_state": ["random_state"],
        "working_memory": [Interval(numbers.Real, 0, None, closed="neither")],
    },
    prefer_skip_nested_validation=True,
)
def synthetic_report(
    X_real: ArrayLike,
    y_real: ArrayLike,
    X_synthetic: ArrayLike,
    y_synthetic: ArrayLike,
    *,
    features: str | Callable[[Any], ArrayLike] | Any | None = None,
    n_neighbors: int = 5,
    classifier: Any | None = None,
    random_state: int | np.random.RandomState | None = None,
    working_memory: float = 64,
) -> DataFrame:
    """Compare synthetic rows with the real rows of their class, class by class.

    Works on the output of any over-sampler (SMOTE, ADASYN, DeepSMOTE, ...):
    tables, images as flattened rows, or image arrays ``(n, H, W)`` and
    ``(n, C, H, W)``, which are flattened. Every measure is taken in one
    feature space (``features``), each synthetic row against the real rows of
    its own class:

    - ``precision``, ``recall``, ``density``, ``coverage``: fidelity and
      diversity on k-nearest-neighbour manifolds (Naeem et al., 2020). Each
      real row of the class gets a ball reaching its ``n_neighbors``-th
      nearest other real row. ``precision`` is the share of synthetic rows
      inside at least one ball, ``density`` the number of balls containing a
      synthetic row, divided by ``n_neighbors`` and averaged (about 1 when
      the synthetic rows follow the real distribution, above 1 when they
      crowd where the real rows are dense), ``coverage`` the share of real
      rows whose ball holds a synthetic row, and ``recall`` the share of real
      rows inside the ball of a synthetic row (reaching its
      ``n_neighbors``-th nearest other synthetic row of the class). A point
      on a ball's surface is inside (``<=``), so that exact copies of real
      rows count even where duplicated real rows make a radius 0.
    - ``memorised``: the share of synthetic rows closer to some real row than
      that real row is to its nearest other real row, or equal to it: copies
      and near-copies (cf. the authenticity of Alaa et al., 2022).
    - ``nearest_real_ratio``: the median distance of a synthetic row to its
      nearest real row, divided by the median distance of a real row to its
      nearest other real row; 0 for copies, about 1 for rows as far from the
      real ones as these are from each other (``inf`` when most real rows of
      the class are duplicates).
    - ``recognised``: the share of synthetic rows that ``classifier``, fitted
      on all the real rows, assigns to their label; ``recognised_real``:
      the same classifier's stratified cross-validated recall on the real
      rows of the class (``min(5, smallest class)`` folds, classes of one
      row left out), the reference a good sampler approaches.
    - ``n_real``, ``n_synthetic``: the rows of the class.

    The row ``"all"`` pools the synthetic rows of all classes, each judged
    against its own class: the shares, ``density`` and the median of
    ``nearest_real_ratio`` are taken over all synthetic rows (or, for
    ``recall``, ``coverage`` and ``recognised_real``, over the real rows of
    the reported classes), the counts are summed.

    Parameters
    ----------
    X_real : array-like of shape (n_real, n_features) or (n_real, ...)
        The real rows (the sampler's input).
    y_real : array-like of shape (n_real,)
        Their labels.
    X_synthetic : array-like of shape (n_synthetic, n_features) or \
(n_synthetic, ...)
        The synthetic rows, in the layout of ``X_real``.
    y_synthetic : array-like of shape (n_synthetic,)
        Their labels, each a class of ``y_real``.
    features : {"standard", "pca", "raw"}, fitted object, callable or None, \
default=None
        The space to measure in. ``"standard"`` standardises each feature
        (a :class:`~sklearn.preprocessing.StandardScaler` fitted on the real
        rows). ``"pca"``, meant for images, divides the values by the range
        of the real ones and projects them on the first 50 principal
        components of the real rows (fewer for small data; a
        :class:`~sklearn.decomposition.PCA` drawn with ``random_state``):
        pixel-wise standardisation would blow up the noise of near-constant
        border pixels. ``"raw"`` measures the values as they are. ``None``
        is ``"pca"`` for image arrays and ``"standard"`` for 2-D input. A
        fitted :class:`~imblearn_deepsmote.DeepSMOTE` measures in its latent
        space (``encode``), a fitted
        :class:`~imblearn_deepsmote.Autoencoder` or other transformer with
        its ``transform``, a callable as ``features(X)``; these get ``X_real``
        and ``X_synthetic`` as given and are used as they are, never refitted.
    n_neighbors : int, default=5
        The ``k`` of the k-nearest-neighbour balls. A class with no more
        than ``n_neighbors`` real (or synthetic) rows uses one less than its
        rows, with a warning.
    classifier : scikit-learn classifier or None, default=None
        The classifier behind ``recognised`` (cloned). ``None`` is
        ``make_pipeline(StandardScaler(), LogisticRegression(max_iter=1000))``:
        deterministic, fitted in seconds on 100,000 rows, indifferent to the
        scale of the feature space, and linear, so it judges whether
        synthetic rows lie on their class's side of the real classes'
        boundaries, which complements the local neighbourhood measures.
    random_state : int, RandomState instance or None, default=None
        Seeds the ``"pca"`` projection and the cross-validation folds; an int
        makes the report deterministic (with a deterministic ``classifier``).
    working_memory : float, default=64
        Memory, in MiB, for one block of synthetic x real distances: the
        distances are computed a block of synthetic rows at a time and never
        held whole. The result does not depend on it.

    Returns
    -------
    report : pandas.DataFrame
        One row per class of ``y_synthetic`` (sorted), then ``"all"``, with
        the columns above. With a warning, a class of fewer than 2 real rows
        gets NaN in all but ``recognised`` and the counts, one of a single
        synthetic row NaN ``recall``.

    Raises
    ------
    ValueError
        If the samples of ``X_real`` and ``X_synthetic`` differ in shape, a
        ``y`` does not hold one label per row, ``X_synthetic`` is empty, a
        synthetic class is absent from ``y_real``, values (or features) are
        not finite, or a parameter is invalid.

    See Also
    --------
    resampled_report : The same report on the output of ``fit_resample``.
    imblearn_deepsmote.plot_synthetic_reports : Reports of samplers side by side.

    Notes
    -----
    Naeem, Oh, Uh, Choi, Yoo, "Reliable Fidelity and Diversity Metrics for
    Generative Models", ICML 2020. Alaa, van Breugel, Saveliev, van der
    Schaar, "How Faithful is your Synthetic Data? Sample-level Metrics for
    Evaluating and Auditing Generative Models", ICML 2022.

    Examples
    --------
    >>> from imblearn.over_sampling import SMOTE
    >>> from sklearn.datasets import make_classification
    >>> from imblearn_deepsmote import synthetic_report
    >>> X, y = make_classification(n_samples=200, weights=[0.9], random_state=0)
    >>> X_res, y_res = SMOTE(random_state=0).fit_resample(X, y)
    >>> report = synthetic_report(X, y, X_res[200:], y_res[200:], random_state=0)
    >>> report[["precision", "recall", "recognised", "recognised_real"]].round(2)
           precision  recall  recognised  recognised_real
    class
    1            1.0     1.0        0.89             0.65
    all          1.0     1.0        0.89             0.65

    SMOTE's new rows lie between neighbours, inside the real balls
    (precision 1), and a classifier trained on the real rows recognises more
    of them than of the real minority rows themselves.
    """
    pd = _pandas("synthetic_report")
    y_real, y_synthetic = _check_inputs(X_real, y_real, X_synthetic, y_synthetic)
    real, synthetic = _feature_space(features, X_real, X_synthetic, random_state)
    recognised, recognised_real = _recognition(
        classifier, real, y_real, synthetic, y_synthetic, random_state
    )
    per_class = {
        label: {
            **_manifold(
                real[y_real == label],
                synthetic[y_synthetic == label],
                n_neighbors,
                label,
                working_memory,
            ),
            "recognised": recognised[y_synthetic == label],
            "recognised_real": recognised_real[y_real == label],
        }
        for label in np.unique(y_synthetic).tolist()
    }
    rows = _report_rows(per_class)
    index = pd.Index(list(rows), name="class", dtype=object)
    return pd.DataFrame(list(rows.values()), index=index, columns=_COLUMNS)


def resampled_report(
    X: ArrayLike,
    y: ArrayLike,
    X_resampled: ArrayLike,
    y_resampled: ArrayLike,
    **kwargs,
) -> DataFrame:
    """:func:`synthetic_report` on the output of an over-sampler's ``fit_resample``.

    imbalanced-learn's over-samplers and :class:`~imblearn_deepsmote.DeepSMOTE`
    return the original rows first, in order, then the new ones: the rows
    after ``len(X)`` are reported on as synthetic.

    Parameters
    ----------
    X : array-like of shape (n_samples, n_features) or (n_samples, ...)
        The sampler's input.
    y : array-like of shape (n_samples,)
        Its labels.
    X_resampled : array-like of shape (n_resampled, n_features) or \
(n_resampled, ...)
        What ``fit_resample(X, y)`` returned.
    y_resampled : array-like of shape (n_resampled,)
        Its labels.
    **kwargs
        The keyword arguments of :func:`synthetic_report`.

    Returns
    -------
    report : pandas.DataFrame
        ``synthetic_report(X, y, X_resampled[len(X):], y_resampled[len(X):])``.

    Raises
    ------
    ValueError
        If ``X_resampled`` does not start with the rows of ``X`` in order, or
        ``y_resampled`` with ``y``, as after cleaning samplers (SMOTEENN,
        SMOTETomek) that drop rows; and as :func:`synthetic_report` does.

    Examples
    --------
    >>> from imblearn.over_sampling import SMOTE
    >>> from sklearn.datasets import make_classification
    >>> from imblearn_deepsmote import resampled_report
    >>> X, y = make_classification(n_samples=200, weights=[0.9], random_state=0)
    >>> report = resampled_report(X, y, *SMOTE(random_state=0).fit_resample(X, y))
    >>> report.loc["all", ["n_real", "n_synthetic"]].tolist()
    [20, 160]
    """
    n = array_shape(X)[0]
    head = _safe_indexing(X_resampled, slice(None, n))
    if not (
        array_shape(X_resampled)[0] >= n
        and np.array_equal(np.asarray(head), np.asarray(X))
        and np.array_equal(np.asarray(y_resampled)[:n], np.asarray(y))
    ):
        raise ValueError(
            "X_resampled must start with the rows of X, in order, and y_resampled "
            "with y, as the output of an over-sampler's fit_resample does. Cleaning "
            "samplers such as SMOTEENN or SMOTETomek drop rows, so their synthetic "
            "rows cannot be told apart: pass known synthetic rows to "
            "synthetic_report instead."
        )
    return synthetic_report(
        X,
        y,
        _safe_indexing(X_resampled, slice(n, None)),
        np.asarray(y_resampled)[n:],
        **kwargs,
    )


def _check_inputs(X_real, y_real, X_synthetic, y_synthetic):
    """Validate shapes and classes; return the labels as arrays."""
    real_shape, synthetic_shape = array_shape(X_real), array_shape(X_synthetic)
    if len(real_shape) not in (2, 3, 4):
        raise ValueError(
            "X_real must hold rows (n, n_features) or images (n, H, W) or "
            f"(n, C, H, W); got shape {real_shape}."
        )
    if real_shape[1:] != synthetic_shape[1:]:
        raise ValueError(
            "X_real and X_synthetic must hold samples of the same shape; got "
            f"{real_shape[1:]} and {synthetic_shape[1:]}."
        )
    labels = []
    for kind, y, n_rows in (
        ("real", y_real, real_shape[0]),
        ("synthetic", y_synthetic, synthetic_shape[0]),
    ):
        y = np.asarray(y)
        if y.shape != (n_rows,):
            raise ValueError(
                f"y_{kind} must hold one label per row of X_{kind}; got shape "
                f"{y.shape} for {n_rows} rows."
            )
        labels.append(y)
    if synthetic_shape[0] == 0:
        raise ValueError("X_synthetic holds no rows: there is nothing to report on.")
    real_classes = set(labels[0].tolist())
    absent = [c for c in np.unique(labels[1]).tolist() if c not in real_classes]
    if absent:
        raise ValueError(
            f"y_synthetic has classes {absent} that y_real lacks: each synthetic "
            "row is compared with the real rows of its class."
        )
    return labels


def _feature_space(features, X_real, X_synthetic, random_state):
    """The real and synthetic rows, float64, in the space the report measures in."""
    if features is None:
        features = "pca" if len(array_shape(X_real)) > 2 else "standard"
    if isinstance(features, str):
        if features not in _SPACES:  # validate_params: a str has "encode"
            raise ValueError(
                f"features must be None, one of {_SPACES}, a fitted DeepSMOTE or "
                f"transformer, or a callable; got {features!r}."
            )
        real, synthetic = _rows(X_real, "X_real"), _rows(X_synthetic, "X_synthetic")
        if features == "raw":
            return real, synthetic
        if features == "pca":
            spread = np.ptp(real) or 1.0
            real, synthetic = real / spread, synthetic / spread
            space = PCA(min(_PCA_COMPONENTS, *real.shape), random_state=random_state)
        else:
            space = StandardScaler()
        space.fit(real)
        return space.transform(real), space.transform(synthetic)
    transform = (
        getattr(features, "encode", None)
        or getattr(features, "transform", None)
        or features
    )
    return tuple(
        _feature_rows(transform(X), name, array_shape(X)[0])
        for name, X in (("X_real", X_real), ("X_synthetic", X_synthetic))
    )


def _rows(X, name: str) -> np.ndarray:
    """``X`` as finite float64 rows, images flattened."""
    X = np.asarray(X)
    return check_array(
        X.reshape(len(X), -1), dtype=np.float64, order="C", input_name=name
    )


def _feature_rows(features, name: str, n_rows: int) -> np.ndarray:
    """What ``features`` made of ``name``, checked: finite, one row per row."""
    features = check_array(
        features, dtype=np.float64, order="C", input_name=f"features({name})"
    )
    if len(features) != n_rows:
        raise ValueError(
            f"features returned {len(features)} rows for the {n_rows} rows of {name}."
        )
    return features


def _recognition(classifier, real, y_real, synthetic, y_synthetic, random_state):
    """Whether the classifier gets the class of each synthetic and real row right.

    1.0 or 0.0 per row, NaN where undefined. Synthetic rows are judged by the
    classifier fitted on all real rows; real rows by stratified
    cross-validation over the classes of at least 2 rows.
    """
    if classifier is None:
        classifier = make_pipeline(StandardScaler(), LogisticRegression(max_iter=1000))
    recognised = np.full(len(synthetic), np.nan)
    recognised_real = np.full(len(real), np.nan)
    labels, counts = np.unique(y_real, return_counts=True)
    if len(labels) < 2:
        warnings.warn(
            "y_real holds a single class: recognised and recognised_real need a "
            "classifier of at least 2 classes; they are NaN.",
            UserWarning,
            stacklevel=3,
        )
        return recognised, recognised_real
    fitted = clone(classifier).fit(real, y_real)
    recognised[:] = fitted.predict(synthetic) == y_synthetic
    if np.sum(counts >= 2) < 2:
        warnings.warn(
            "recognised_real needs at least 2 classes of at least 2 real rows; it "
            "is NaN.",
            UserWarning,
            stacklevel=3,
        )
        return recognised, recognised_real
    rows = np.isin(y_real, labels[counts >= 2])
    folds = StratifiedKFold(
        n_splits=min(5, counts[counts >= 2].min()),
        shuffle=True,
        random_state=random_state,
    )
    predicted = cross_val_predict(clone(classifier), real[rows], y_real[rows], cv=folds)
    recognised_real[rows] = predicted == y_real[rows]
    return recognised, recognised_real


def _manifold(real, synthetic, n_neighbors, label, working_memory) -> dict:
    """The k-NN manifold measures of one class, per synthetic or real row.

    Per synthetic row: ``precision`` (in a real ball), ``density`` (real
    balls holding it / k), ``memorised``, ``nearest_real_ratio``; per real
    row: ``recall`` (in a synthetic ball) and ``coverage`` (its ball holds a
    synthetic row). NaN where the class has too few rows.
    """
    n_real, n_synthetic = len(real), len(synthetic)
    if n_real < 2:
        warnings.warn(
            f"Class {label!r} has {n_real} real row: its measures but recognised "
            "need at least 2 and are NaN.",
            UserWarning,
            stacklevel=3,
        )
        return {
            name: np.full(n_real if name in _PER_REAL else n_synthetic, np.nan)
            for name in _MANIFOLD
        }
    k = class_neighbors(
        n_neighbors, n_real, label, param="n_neighbors", rows="real rows"
    )
    nearest, radius = _radii(real, k)
    synthetic_radius = None
    if n_synthetic < 2:
        warnings.warn(
            f"Class {label!r} has 1 synthetic row: recall needs at least 2 and is NaN.",
            UserWarning,
            stacklevel=3,
        )
    else:
        k_synthetic = class_neighbors(
            n_neighbors, n_synthetic, label, param="n_neighbors", rows="synthetic rows"
        )
        synthetic_radius = _radii(synthetic, k_synthetic)[1]
    balls, copies, to_real, covered, recalled = _blockwise(
        real, synthetic, nearest, radius, synthetic_radius, working_memory
    )
    with np.errstate(divide="ignore", invalid="ignore"):
        ratio = to_real / np.median(nearest)
    return dict(
        precision=(balls > 0).astype(float),
        recall=recalled,
        density=balls / k,
        coverage=covered.astype(float),
        memorised=copies.astype(float),
        nearest_real_ratio=ratio,
    )


def _radii(points: np.ndarray, k: int) -> tuple[np.ndarray, np.ndarray]:
    """Distance of each point to its nearest and to its k-th nearest other point.

    The neighbours come from ``NearestNeighbors``; their distances are
    recomputed as :func:`scipy.spatial.distance.cdist` computes those of the
    blocks (squares summed in feature order), so that a synthetic copy of a
    real neighbour lies exactly on the ball's surface.
    """
    index = NearestNeighbors(n_neighbors=k).fit(points).kneighbors()[1]
    return tuple(_paired_distances(points, points[index[:, j]]) for j in (0, -1))


def _paired_distances(A: np.ndarray, B: np.ndarray) -> np.ndarray:
    """Euclidean distance between ``A[i]`` and ``B[i]``, summed in feature order."""
    total = np.zeros(len(A))
    for a, b in zip(A.T, B.T, strict=True):
        total += (a - b) ** 2
    return np.sqrt(total)


def _blockwise(real, synthetic, nearest, radius, synthetic_radius, working_memory):
    """One pass over the synthetic x real distances, a block of rows at a time.

    Returns, per synthetic row, the number of real balls holding it, whether
    it is memorised and its distance to the nearest real row; per real row,
    whether its ball holds a synthetic row and whether it lies in a synthetic
    ball (1.0 or 0.0; NaN when ``synthetic_radius`` is None).
    """
    covered = np.zeros(len(real), dtype=bool)
    recalled = np.zeros(len(real), dtype=bool)
    # d < nearest, or d == 0 where duplicated real rows make nearest 0
    closer = np.nextafter(nearest, 0)

    def reduce(distances, start):
        inside = distances <= radius
        covered[:] |= inside.any(axis=0)
        if synthetic_radius is not None:
            block = synthetic_radius[start : start + len(distances), None]
            recalled[:] |= (distances <= block).any(axis=0)
        return (
            inside.sum(axis=1).astype(float),
            (distances <= closer).any(axis=1),
            distances.min(axis=1),
        )

    # scikit-learn budgets 8 bytes per distance; the masks made from it count too
    one_row = 8 * len(real) / 2**20
    budget = max(working_memory * 8 / _BYTES_PER_DISTANCE, one_row)
    blocks = pairwise_distances_chunked(
        synthetic,
        real,
        reduce_func=reduce,
        # scipy's Euclidean distance (sklearn's "euclidean" expands the
        # squares, whose rounding would put exact copies off a ball's surface)
        metric="minkowski",
        working_memory=budget,
    )
    balls, copies, to_real = (
        np.concatenate(parts) for parts in zip(*blocks, strict=True)
    )
    if synthetic_radius is None:
        return balls, copies, to_real, covered, np.full(len(real), np.nan)
    return balls, copies, to_real, covered, recalled.astype(float)


def _report_rows(per_class: dict) -> dict:
    """The report's rows: one per class of per-row measures, then ``"all"``."""
    rows = {label: _summary(per_row) for label, per_row in per_class.items()}
    pooled = {
        name: np.concatenate([per_row[name] for per_row in per_class.values()])
        for name in next(iter(per_class.values()))
    }
    rows["all"] = _summary(pooled)
    return rows


def _summary(per_row: dict) -> dict:
    """One report row: means over the rows where defined, the median ratio, counts."""
    row = {name: _finite(values, np.mean) for name, values in per_row.items()}
    row["nearest_real_ratio"] = _finite(per_row["nearest_real_ratio"], np.median)
    row["n_real"] = len(per_row["recall"])
    row["n_synthetic"] = len(per_row["precision"])
    return row


def _finite(values: np.ndarray, statistic) -> float:
    """``statistic`` of the values that are not NaN; NaN when there are none."""
    values = values[~np.isnan(values)]
    return float(statistic(values)) if len(values) else np.nan
