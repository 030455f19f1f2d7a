"""Batch augmentations for training on images: random shifts and flips.

Image classifiers are trained with random shifts (pad, then crop back at a
random offset) and, where the labels allow it, horizontal flips. The
callables here transform a whole training batch of shape ``(n, C, H, W)``
at once, drawing the parameters **per image** (torchvision's transforms
applied to a batch tensor draw one set of parameters for the whole batch).
They are what ``MAMixClassifier(augment=...)`` takes, and they work in any
torch training loop.

Random draws use the ``generator`` given, else torch's current random
stream. Inside the package's estimators that stream is the fit's private
one, so an int ``random_state`` makes augmented fits reproducible in any
thread, whatever callable ``augment`` is.
"""

from __future__ import annotations

import numbers
from collections.abc import Callable, Sequence

import torch
import torch.nn.functional as F

__all__ = ["RandomHorizontalFlip", "RandomShift"]

#: What an estimator's ``augment`` parameter holds.
Augmentation = Callable[[torch.Tensor], torch.Tensor]


class RandomShift:
    """Shift each image by up to ``max_shift`` pixels in each direction.

    Each image of the batch is padded by ``max_shift`` pixels on every side
    and cropped back to its size at an offset drawn uniformly for that image,
    so each image moves by its own ``(dy, dx)`` in
    ``[-max_shift, max_shift]``.

    Parameters
    ----------
    max_shift : int, default=2
        The largest shift in pixels, vertically and horizontally.
    padding_mode : {"constant", "replicate", "reflect", "circular"}, default="constant"
        How the uncovered border is filled (:func:`torch.nn.functional.pad`);
        ``"constant"`` fills with zeros.

    Examples
    --------
    >>> import torch
    >>> from imblearn_deepsmote import RandomShift
    >>> images = torch.arange(2 * 1 * 4 * 4, dtype=torch.float32).reshape(2, 1, 4, 4)
    >>> shifted = RandomShift(1)(images, generator=torch.Generator().manual_seed(0))
    >>> shifted.shape
    torch.Size([2, 1, 4, 4])
    """

    def __init__(self, max_shift: int = 2, *, padding_mode: str = "constant") -> None:
        if isinstance(max_shift, bool) or not isinstance(max_shift, numbers.Integral):
            raise TypeError(f"max_shift must be an int; got {max_shift!r}.")
        if max_shift < 0:
            raise ValueError(f"max_shift must be >= 0; got {max_shift}.")
        if padding_mode not in ("constant", "replicate", "reflect", "circular"):
            raise ValueError(
                "padding_mode must be 'constant', 'replicate', 'reflect' or "
                f"'circular'; got {padding_mode!r}."
            )
        self.max_shift = int(max_shift)
        self.padding_mode = padding_mode

    def __call__(
        self, images: torch.Tensor, generator: torch.Generator | None = None
    ) -> torch.Tensor:
        """The batch ``images`` of shape ``(n, C, H, W)``, each image shifted."""
        _check_batch(images, type(self).__name__)
        k = self.max_shift
        if k == 0 or len(images) == 0:
            return images
        n, _, height, width = images.shape
        padded = F.pad(images, (k, k, k, k), mode=self.padding_mode)
        offsets = torch.randint(
            0, 2 * k + 1, (2, n), generator=generator, device=_draw_device(generator)
        ).to(images.device)
        rows = offsets[0, :, None] + torch.arange(height, device=images.device)
        cols = offsets[1, :, None] + torch.arange(width, device=images.device)
        # gather rows, then columns: (n, C, H + 2k, W + 2k) -> (n, C, H, W)
        index = rows[:, None, :, None].expand(-1, padded.shape[1], -1, padded.shape[3])
        cropped = padded.gather(2, index)
        index = cols[:, None, None, :].expand(-1, padded.shape[1], height, -1)
        return cropped.gather(3, index)

    def __repr__(self) -> str:
        mode = "" if self.padding_mode == "constant" else f", {self.padding_mode!r}"
        return f"RandomShift({self.max_shift}{mode})"


class RandomHorizontalFlip:
    """Flip each image left to right with probability ``p``.

    Use it only where a mirrored image keeps its label (clothing, natural
    images, solar cells), never for digits or text.

    Parameters
    ----------
    p : float, default=0.5
        The probability that an image is flipped, drawn for each image.

    Examples
    --------
    >>> import torch
    >>> from imblearn_deepsmote import RandomHorizontalFlip
    >>> images = torch.tensor([[[[1.0, 2.0]]]])
    >>> RandomHorizontalFlip(p=1.0)(images)
    tensor([[[[2., 1.]]]])
    """

    def __init__(self, p: float = 0.5) -> None:
        if isinstance(p, bool) or not isinstance(p, numbers.Real) or not 0 <= p <= 1:
            raise ValueError(f"p must be a probability in [0, 1]; got {p!r}.")
        self.p = float(p)

    def __call__(
        self, images: torch.Tensor, generator: torch.Generator | None = None
    ) -> torch.Tensor:
        """The batch ``images`` of shape ``(n, C, H, W)``, some images flipped."""
        _check_batch(images, type(self).__name__)
        draws = torch.rand(
            len(images), generator=generator, device=_draw_device(generator)
        )
        flip = (draws < self.p).to(images.device)[:, None, None, None]
        return torch.where(flip, images.flip(-1), images)

    def __repr__(self) -> str:
        return f"RandomHorizontalFlip(p={self.p})"


def _check_batch(images, name: str) -> None:
    if not isinstance(images, torch.Tensor) or images.ndim != 4:
        shape = getattr(images, "shape", type(images).__name__)
        raise ValueError(
            f"{name} transforms a batch of images of shape (n, C, H, W); got {shape}."
        )


def _draw_device(generator: torch.Generator | None) -> torch.device | None:
    return None if generator is None else generator.device


def augment_rows(
    augment: Augmentation | Sequence[Augmentation] | None,
    rows: torch.Tensor,
    image_shape: tuple[int, int, int],
) -> torch.Tensor:
    """Rows of channels-first images, augmented as images by ``augment``.

    ``augment`` is one callable or a sequence applied in order; each must
    return a tensor of the batch's shape and dtype, else a
    :class:`ValueError` names ``augment`` and both.
    """
    if augment is None:
        return rows
    images = rows.reshape(len(rows), *image_shape)
    for transform in _transforms(augment):
        out = transform(images)
        if not isinstance(out, torch.Tensor):
            raise ValueError(
                f"augment must return a tensor; {transform!r} returned "
                f"{type(out).__name__}."
            )
        if out.shape != images.shape or out.dtype != images.dtype:
            raise ValueError(
                f"augment must keep the batch's shape and dtype: {transform!r} "
                f"turned {tuple(images.shape)} {images.dtype} into "
                f"{tuple(out.shape)} {out.dtype}."
            )
        images = out
    return images.reshape(rows.shape)


def check_augment(augment, image_shape) -> None:
    """Raise a clear error for an ``augment`` an estimator cannot apply."""
    if augment is None:
        return
    for transform in _transforms(augment):
        if not callable(transform):
            raise TypeError(
                "augment must be a callable taking a batch of images (n, C, H, W), "
                f"or a list of them; got {transform!r}."
            )
    if image_shape is None:
        raise ValueError(
            "augment transforms images, but the data are tabular rows: give "
            "image_shape (or images of shape (n, H, W) or (n, C, H, W)), or "
            "leave augment=None."
        )


def _transforms(augment) -> Sequence:
    """The callables of an ``augment`` parameter: one, or a list applied in order."""
    return augment if isinstance(augment, (list, tuple)) else (augment,)
