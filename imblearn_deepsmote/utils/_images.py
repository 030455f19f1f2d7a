"""Image shapes and layouts: what the rows of ``X`` hold and how to reshape them."""

from __future__ import annotations

import math
import numbers
from dataclasses import dataclass

import numpy as np

__all__ = ["ImageLayout", "array_shape", "resolve_image_shape"]


def _is_positive_int(value) -> bool:
    return (
        isinstance(value, numbers.Integral)
        and not isinstance(value, bool)
        and value > 0
    )


def resolve_image_shape(
    image_shape, n_features: int, *, min_side: int = 8
) -> tuple[int, int, int] | None:
    """Validate an ``image_shape`` parameter against the number of features.

    Parameters
    ----------
    image_shape : tuple or list of int, "square" or None
        ``(channels, height, width)`` or ``(height, width)`` describing each
        row of ``X`` as a flattened image; "square" means ``(1, s, s)`` with
        ``s * s == n_features``; ``None`` means tabular rows.
    n_features : int
        Number of columns of ``X``.
    min_side : int, default=8
        Smallest height and width accepted.

    Returns
    -------
    image_shape : tuple of int or None
        ``(channels, height, width)``, or ``None`` when ``image_shape`` is None.

    Raises
    ------
    ValueError
        If the shape is malformed, has a side below ``min_side``, does not
        describe ``n_features`` values, or is "square" while ``n_features``
        is not a perfect square.

    Examples
    --------
    >>> from imblearn_deepsmote.utils import resolve_image_shape
    >>> resolve_image_shape((28, 28), 784)
    (1, 28, 28)
    >>> resolve_image_shape("square", 64)
    (1, 8, 8)
    >>> resolve_image_shape(None, 30) is None
    True
    """
    if image_shape is None:
        return None
    if isinstance(image_shape, str) and image_shape == "square":
        side = math.isqrt(n_features)
        if side * side != n_features:
            raise ValueError(
                f"image_shape='square' needs a perfect-square number of features; X "
                f"has {n_features}. Lay the features out with TabularToImage or pass "
                "image_shape=(channels, height, width)."
            )
        image_shape = (1, side, side)
    if (
        not isinstance(image_shape, (tuple, list))
        or len(image_shape) not in (2, 3)
        or not all(_is_positive_int(v) for v in image_shape)
    ):
        raise ValueError(
            "image_shape must be None, 'square' or a tuple (channels, height, width) "
            f"or (height, width) of positive ints; got {image_shape!r}."
        )
    shape = tuple(int(v) for v in image_shape)
    shape = (1, *shape) if len(shape) == 2 else shape
    channels, height, width = shape
    looks_channels_last = width in (1, 3, 4) and channels > 4
    hint = (
        f" image_shape is (channels, height, width): for {channels}x{height} "
        f"images with {width} channel(s), pass ({width}, {channels}, {height})."
        if looks_channels_last
        else ""
    )
    if min(height, width) < min_side:
        raise ValueError(
            f"image_shape={shape} has height={height} and width={width}; both must "
            f"be at least {min_side}.{hint}"
        )
    if channels * height * width != n_features:
        raise ValueError(
            f"image_shape={shape} describes {channels}*{height}*{width}="
            f"{channels * height * width} values per row but X has {n_features} "
            f"features.{hint}"
        )
    return shape


def array_shape(X) -> tuple[int, ...]:
    """The shape of an array-like (an array, a DataFrame, nested lists)."""
    shape = getattr(X, "shape", None)
    return tuple(shape) if shape is not None else np.asarray(X).shape


@dataclass(frozen=True)
class ImageLayout:
    """How an estimator's input holds its samples, and the way to and from rows.

    The estimators compute on 2-D rows of channels-first images
    (``C * H * W`` values, row-major) or of tabular features; users may hand
    them ``(n, H, W)``, ``(n, C, H, W)`` or, with ``channels_last=True``,
    ``(n, H, W, C)`` arrays, or rows flattened from either order. A layout
    is read off the training data once (:meth:`from_data`) and then turns
    any input of that form into rows (:meth:`to_rows`) and rows back into it
    (:meth:`from_rows`), moving values without changing them.

    Parameters
    ----------
    sample_shape : tuple of int
        The shape of one sample as the user gives it: ``(n_features,)``,
        ``(H, W)``, ``(C, H, W)`` or ``(H, W, C)``.
    image_shape : tuple of int or None
        ``(C, H, W)`` of the images, ``None`` for tabular rows.
    channels_last : bool
        Whether the user's channels come last (in arrays and in rows).
    """

    sample_shape: tuple[int, ...]
    image_shape: tuple[int, int, int] | None
    channels_last: bool = False

    @classmethod
    def from_data(
        cls, X, image_shape, channels_last: bool = False, *, min_side: int = 8
    ) -> ImageLayout:
        """The layout of ``X`` for given ``image_shape`` and ``channels_last``.

        Raises
        ------
        ValueError
            If ``X`` is neither 2-D rows nor 3-D/4-D images, or disagrees with
            ``image_shape``.
        """
        full_shape = array_shape(X)
        ndim = len(full_shape)
        shape = tuple(int(v) for v in full_shape[1:])
        if ndim == 2:
            resolved = resolve_image_shape(image_shape, shape[0], min_side=min_side)
            return cls(shape, resolved, bool(channels_last and resolved is not None))
        if ndim not in (3, 4):
            raise ValueError(
                f"X must be 2-D (rows of features or of flattened images) or hold "
                f"images of shape (n, H, W) or (n, C, H, W); got {ndim} dimensions "
                f"{full_shape}."
            )
        if ndim == 3:
            channels_first, channels_last = (1, *shape), False
        elif channels_last:
            channels_first = (shape[2], shape[0], shape[1])
        else:
            channels_first = shape
        if image_shape is not None:
            given = resolve_image_shape(
                image_shape, math.prod(shape), min_side=min_side
            )
            if given != channels_first:
                order = "(n, H, W, C)" if channels_last else "(n, C, H, W)"
                raise ValueError(
                    f"image_shape={image_shape!r} disagrees with images of shape "
                    f"{full_shape} read as {order}, i.e. (C, H, W)="
                    f"{channels_first}; leave image_shape=None to take it from X"
                    + ("" if channels_last else " (or set channels_last=True)")
                    + "."
                )
        if min(channels_first[1:]) < min_side:
            _, height, width = channels_first
            if ndim == 3:
                read, hint = "(n, H, W)", ""
            elif channels_last:
                read = "(n, H, W, C), as channels_last=True says"
                hint = (
                    " If its channels come first, (n, C, H, W), leave "
                    "channels_last=False."
                )
            else:
                read = "(n, C, H, W)"
                hint = (
                    " If its channels come last, (n, H, W, C), pass channels_last=True."
                )
            raise ValueError(
                f"X holds images of shape {full_shape}, read as {read}: height "
                f"{height} and width {width}; both must be at least {min_side}.{hint}"
            )
        resolved = resolve_image_shape(
            channels_first, math.prod(shape), min_side=min_side
        )
        return cls(shape, resolved, bool(channels_last))

    @property
    def n_features(self) -> int:
        """Values per sample."""
        return math.prod(self.sample_shape)

    def to_rows(self, X):
        """``X`` as 2-D rows of channels-first images (2-D input passes through).

        Rows given to an estimator fitted on image arrays are accepted too.
        """
        ndim = len(array_shape(X))
        if ndim < 2 or (ndim == 2 and not self.channels_last):
            # validation explains 1-D input; DataFrames keep their column names
            return X
        X = np.asarray(X)
        if ndim != 2 and X.shape[1:] != self.sample_shape:
            raise ValueError(
                f"X holds samples of shape {X.shape[1:]}; the estimator was fitted "
                f"on samples of shape {self.sample_shape}."
            )
        if not self.channels_last:
            return X.reshape(len(X), -1)
        channels, height, width = self.image_shape
        images = X.reshape(len(X), height, width, channels)
        return images.transpose(0, 3, 1, 2).reshape(len(X), -1)

    def from_rows(self, rows: np.ndarray) -> np.ndarray:
        """Rows of channels-first images back in the user's layout."""
        if self.channels_last:
            channels, height, width = self.image_shape
            images = rows.reshape(len(rows), channels, height, width)
            images = images.transpose(0, 2, 3, 1)
            if len(self.sample_shape) == 1:
                return images.reshape(len(rows), -1)
            return np.ascontiguousarray(images)
        return rows.reshape(len(rows), *self.sample_shape)
