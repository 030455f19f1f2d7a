"""Lay tabular features out on a 2-D grid so that image models can use them."""

from __future__ import annotations

import math
import numbers

import numpy as np
from scipy.cluster.hierarchy import leaves_list, linkage
from scipy.spatial.distance import pdist
from sklearn.base import BaseEstimator, TransformerMixin, _fit_context
from sklearn.preprocessing import MinMaxScaler
from sklearn.utils._param_validation import Interval, StrOptions
from sklearn.utils.validation import (
    _check_feature_names_in,
    check_array,
    check_is_fitted,
)
from sklearn_compat.utils.validation import validate_data

from .utils._images import _is_positive_int

__all__ = ["TabularToImage"]


def _correlation_order(X: np.ndarray) -> np.ndarray:
    """Order features so that strongly (anti-)correlated ones are consecutive."""
    if X.shape[1] < 3:
        return np.arange(X.shape[1])
    # pdist's "correlation" is 1 - r (nan for constant features): turn it into
    # 1 - |r| and treat constant features as uncorrelated with everything.
    distance = 1.0 - np.abs(1.0 - pdist(X.T.astype(np.float64), "correlation"))
    distance = np.clip(np.nan_to_num(distance, nan=1.0), 0.0, 1.0)
    return leaves_list(linkage(distance, method="average", optimal_ordering=True))


def _snake_cells(n_cells: int, width: int) -> np.ndarray:
    """Flat indices of the first ``n_cells`` cells of a serpentine path."""
    rows, cols = np.divmod(np.arange(n_cells), width)
    cols = np.where(rows % 2 == 1, width - 1 - cols, cols)
    return rows * width + cols


class TabularToImage(TransformerMixin, BaseEstimator):
    """Lay tabular features out on a 2-D grid, one feature per pixel.

    Each row of ``X`` becomes a one-channel ``height x width`` image, returned
    flattened as ``height * width`` columns so that it flows through samplers
    such as :class:`~imblearn_deepsmote.DeepSMOTE`; ``image_shape_`` is the
    ``(1, height, width)`` to give to image models. Unused cells hold
    ``fill_value``. :meth:`inverse_transform` recovers the original features.

    Parameters
    ----------
    grid_shape : tuple of int or None, default=None
        ``(height, width)`` of the grid. ``None`` is the smallest square grid
        with sides of at least ``min_side`` that holds all features.

    min_side : int, default=8
        Smallest side of the default grid; ignored when ``grid_shape`` is set.

    arrangement : {"original", "correlation"}, default="original"
        ``"original"`` fills the grid row by row in column order.
        ``"correlation"`` orders the features by hierarchical clustering
        (average linkage on ``1 - |correlation|``, optimal leaf ordering; a
        constant feature counts as uncorrelated) and fills the grid along a
        serpentine path, so that consecutive features are neighbouring pixels.

    scale : bool, default=True
        Scale each feature to ``[0, 1]`` (min-max on the training data) before
        placing it, so that features are comparable as pixel intensities.

    fill_value : float, default=0.0
        Value of the unused cells, on the scaled pixel scale.

    Attributes
    ----------
    image_shape_ : tuple of int
        ``(1, height, width)``, usable as another estimator's ``image_shape``.

    feature_positions_ : ndarray of shape (`n_features_in_`, 2)
        ``(row, column)`` of each input feature on the grid.

    scaler_ : MinMaxScaler or None
        The fitted per-feature scaler; ``None`` when ``scale=False``.

    n_features_in_ : int
        Number of features seen during ``fit``.

    feature_names_in_ : ndarray of shape (`n_features_in_`,)
        Names of features seen during ``fit``. Defined only when `X`
        has feature names that are all strings.

    See Also
    --------
    imblearn_deepsmote.utils.resolve_image_shape : Validate an ``image_shape``.

    Examples
    --------
    >>> import numpy as np
    >>> from sklearn.datasets import load_breast_cancer
    >>> from imblearn_deepsmote import TabularToImage
    >>> X, y = load_breast_cancer(return_X_y=True)
    >>> to_image = TabularToImage(arrangement="correlation").fit(X)
    >>> to_image.image_shape_
    (1, 8, 8)
    >>> X_pixels = to_image.transform(X)
    >>> X_pixels.shape
    (569, 64)
    >>> bool(np.allclose(to_image.inverse_transform(X_pixels), X))
    True
    """

    _parameter_constraints: dict = {
        "grid_shape": [tuple, list, None],
        "min_side": [Interval(numbers.Integral, 1, None, closed="left")],
        "arrangement": [StrOptions({"original", "correlation"})],
        "scale": ["boolean"],
        "fill_value": [numbers.Real],
    }

    def __init__(
        self,
        *,
        grid_shape: tuple[int, int] | None = None,
        min_side: int = 8,
        arrangement: str = "original",
        scale: bool = True,
        fill_value: float = 0.0,
    ) -> None:
        self.grid_shape = grid_shape
        self.min_side = min_side
        self.arrangement = arrangement
        self.scale = scale
        self.fill_value = fill_value

    @_fit_context(prefer_skip_nested_validation=True)
    def fit(self, X, y=None) -> TabularToImage:
        """Choose the grid and the cell of each feature.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            Training data.
        y : None
            Ignored.

        Returns
        -------
        self : TabularToImage
            The fitted transformer.
        """
        X = validate_data(self, X, dtype=[np.float64, np.float32])
        n_features = X.shape[1]
        height, width = self._grid(n_features)
        if self.arrangement == "correlation":
            cells = np.empty(n_features, dtype=np.intp)
            cells[_correlation_order(X)] = _snake_cells(n_features, width)
        else:
            cells = np.arange(n_features)
        self._cells = cells
        self.feature_positions_ = np.column_stack(np.divmod(cells, width))
        self.image_shape_ = (1, height, width)
        self.scaler_ = None
        if self.scale:  # numpy out, whatever set_output says globally
            self.scaler_ = MinMaxScaler().set_output(transform="default").fit(X)
        return self

    def _grid(self, n_features: int) -> tuple[int, int]:
        if self.grid_shape is None:
            side = max(self.min_side, math.isqrt(n_features - 1) + 1)
            return side, side
        if len(self.grid_shape) != 2 or not all(map(_is_positive_int, self.grid_shape)):
            raise ValueError(
                "grid_shape must be None or a tuple (height, width) of positive ints; "
                f"got {self.grid_shape!r}."
            )
        height, width = map(int, self.grid_shape)
        if height * width < n_features:
            raise ValueError(
                f"grid_shape={self.grid_shape!r} has {height * width} cells, too few "
                f"for the {n_features} features of X."
            )
        return height, width

    def transform(self, X) -> np.ndarray:
        """Place each feature in its cell and flatten the images.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            Tabular data.

        Returns
        -------
        X_pixels : ndarray of shape (n_samples, height * width)
            Flattened images, row by row; float32 input stays float32.
        """
        check_is_fitted(self)
        X = validate_data(self, X, dtype=[np.float64, np.float32], reset=False)
        if self.scaler_ is not None:
            X = self.scaler_.transform(X)
        X_pixels = np.full(
            (X.shape[0], math.prod(self.image_shape_)), self.fill_value, X.dtype
        )
        X_pixels[:, self._cells] = X
        return X_pixels

    def inverse_transform(self, X) -> np.ndarray:
        """Recover the original features from flattened images.

        Parameters
        ----------
        X : array-like of shape (n_samples, height * width)
            Flattened images, e.g. the output of :meth:`transform`.

        Returns
        -------
        X_original : ndarray of shape (n_samples, `n_features_in_`)
            The features in their original order and scale; padding is dropped.
        """
        check_is_fitted(self)
        X = check_array(X, dtype=[np.float64, np.float32])
        n_pixels = math.prod(self.image_shape_)
        if X.shape[1] != n_pixels:
            raise ValueError(
                f"X has {X.shape[1]} features, but inverse_transform expects "
                f"{n_pixels} pixels for image_shape_={self.image_shape_}."
            )
        X = X[:, self._cells]
        return X if self.scaler_ is None else self.scaler_.inverse_transform(X)

    def get_feature_names_out(self, input_features=None) -> np.ndarray:
        """Names of the output pixels, ``pixel_<row>_<column>``.

        Parameters
        ----------
        input_features : array-like of str or None, default=None
            Only checked against the features seen during ``fit``.

        Returns
        -------
        feature_names_out : ndarray of str objects
            One name per pixel, row by row.
        """
        check_is_fitted(self)
        _check_feature_names_in(self, input_features, generate_names=False)
        _, height, width = self.image_shape_
        return np.asarray(
            [f"pixel_{r}_{c}" for r in range(height) for c in range(width)],
            dtype=object,
        )

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.transformer_tags.preserves_dtype = ["float64", "float32"]
        return tags
