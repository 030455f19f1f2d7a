"""Validation of ``image_shape`` parameters."""

from __future__ import annotations

import math
import numbers

__all__ = ["resolve_image_shape"]


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
    if min(height, width) < min_side:
        raise ValueError(
            f"image_shape={shape} has height={height} and width={width}; both must "
            f"be at least {min_side}."
        )
    if channels * height * width != n_features:
        raise ValueError(
            f"image_shape={shape} describes {channels}*{height}*{width}="
            f"{channels * height * width} values per row but X has {n_features} "
            "features."
        )
    return shape
