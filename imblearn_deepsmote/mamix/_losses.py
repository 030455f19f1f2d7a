"""Margin-aware Mixup (MAMix): label weights, DRW weights and the loss."""

from __future__ import annotations

import numpy as np
import torch
from torch import nn
from torch.nn import functional as F


def _is_tensor(*values) -> bool:
    return any(isinstance(value, torch.Tensor) for value in values)


def mamix_weights(lam, n_anchor, n_partner, ratio: float = -0.25):
    r"""Weight of the anchor's label in a margin-aware Mixup pair.

    A pair mixes an anchor ``x_i`` with a partner ``x_j`` as
    ``(1 - lam) * x_i + lam * x_j``: ``lam`` is the *partner's* share of the
    input. Plain Mixup gives the anchor's label the weight ``1 - lam``; MAMix
    (Cheng, Mai and Lin, 2023) instead moves the point where both labels weigh
    ½ to the pivot

    .. math:: \mu = \frac{n_i^f}{n_i^f + n_j^f}
              = \frac{1}{1 + (n_i / n_j)^{-f}}

    and maps ``lam`` piecewise linearly through ``(0, 1)``, ``(mu, 1/2)`` and
    ``(1, 0)``::

        w = 1 - lam / (2 mu)              if lam < mu
        w = 1/2                           if lam == mu
        w = (1 - lam) / (2 (1 - mu))      if lam > mu

    With the default ``ratio`` ``f = -1/4`` a minority anchor keeps its label
    for larger partner shares than a majority anchor does, i.e. the minority
    class gets the wider margin (the LDAM margin law ``n^{-1/4}``). Equal
    counts (or ``ratio=0``) give ``mu = 1/2`` and exactly Mixup's ``1 - lam``.

    Parameters
    ----------
    lam : float, array-like or torch.Tensor
        Partner share(s) of the mixed input, in ``[0, 1]``.
    n_anchor, n_partner : int, array-like or torch.Tensor
        Training counts of the anchor's and of the partner's class (positive).
        All inputs broadcast against each other.
    ratio : float, default=-0.25
        The exponent ``f`` of the class counts.

    Returns
    -------
    numpy.ndarray or torch.Tensor
        The anchor-label weights ``w`` in ``[0, 1]``, decreasing in ``lam``;
        the partner's label gets ``1 - w``. A torch tensor (float, on the
        device of the tensor inputs) if any input is a tensor, else numpy
        float64 (a scalar for scalar inputs).

    Examples
    --------
    >>> from imblearn_deepsmote import mamix_weights
    >>> mamix_weights([0.1, 0.25, 0.5, 0.75, 0.9], n_anchor=5000, n_partner=50)
    array([0.792, 0.494, 0.329, 0.165, 0.066])
    >>> float(mamix_weights(0.3, n_anchor=10, n_partner=10))  # equal counts: Mixup
    0.7
    """
    for name, counts in (("n_anchor", n_anchor), ("n_partner", n_partner)):
        _check_counts(counts, name)
    return _mamix_weights(lam, n_anchor, n_partner, ratio)


def _check_counts(counts, name: str) -> None:
    """Raise a ValueError naming ``name`` unless all counts are positive and finite."""
    values = counts.detach().cpu().numpy() if torch.is_tensor(counts) else counts
    try:
        values = np.asarray(values, dtype=np.float64)
    except (TypeError, ValueError):
        raise ValueError(f"{name} must hold numbers; got {counts!r}.") from None
    if not np.all(np.isfinite(values)) or np.any(values <= 0):
        raise ValueError(f"{name} must be positive, finite counts; got {counts!r}.")


def _mamix_weights(lam, n_anchor, n_partner, ratio: float):
    """:func:`mamix_weights` without checking the counts (the training loop's)."""
    if _is_tensor(lam, n_anchor, n_partner):
        tensors = [v for v in (lam, n_anchor, n_partner) if isinstance(v, torch.Tensor)]
        device = tensors[0].device
        dtype = next((t.dtype for t in tensors if t.is_floating_point()), None)
        dtype = dtype or torch.get_default_dtype()

        def as_float(value):
            return torch.as_tensor(value, device=device).to(dtype)

        lam, n_anchor, n_partner = map(as_float, (lam, n_anchor, n_partner))
        mu = 1.0 / (1.0 + (n_anchor / n_partner) ** (-ratio))
        below = 1.0 - lam / (2.0 * mu)
        above = (1.0 - lam) / (2.0 * (1.0 - mu))
        weight = torch.where(lam < mu, below, above)
        weight = torch.where(lam == mu, torch.full_like(weight, 0.5), weight)
        return weight.clamp(0.0, 1.0)

    lam, n_anchor, n_partner = (
        np.asarray(v, dtype=np.float64) for v in (lam, n_anchor, n_partner)
    )
    mu = 1.0 / (1.0 + (n_anchor / n_partner) ** (-ratio))
    with np.errstate(divide="ignore", invalid="ignore"):
        below = 1.0 - lam / (2.0 * mu)
        above = (1.0 - lam) / (2.0 * (1.0 - mu))
    weight = np.where(lam < mu, below, above)
    weight = np.where(lam == mu, 0.5, weight)
    return np.clip(weight, 0.0, 1.0)


def drw_weights(class_counts, beta: float = 0.9999) -> np.ndarray:
    r"""Class-balanced weights of deferred re-weighting (DRW).

    The weight of class ``c`` is the inverse of its effective number of
    samples (Cui et al., 2019), ``w_c ∝ (1 - beta) / (1 - beta ** n_c)``,
    normalised so that the weights sum to the number of classes ``C``.
    ``beta=0`` and equal counts both give all ones.

    Parameters
    ----------
    class_counts : array-like of shape (n_classes,)
        Positive training counts, one per class.
    beta : float, default=0.9999
        In ``[0, 1)``; the closer to 1, the closer the weights get to
        inverse class frequencies.

    Returns
    -------
    numpy.ndarray of shape (n_classes,)
        The float64 weights.

    Examples
    --------
    >>> from imblearn_deepsmote import drw_weights
    >>> drw_weights([5000, 500, 50]).round(3)
    array([0.034, 0.275, 2.691])
    >>> drw_weights([30, 30, 30])
    array([1., 1., 1.])
    """
    counts = np.asarray(class_counts, dtype=np.float64)
    if counts.ndim != 1 or counts.size == 0:
        raise ValueError("class_counts must be a non-empty 1-d array of counts.")
    if not np.all(np.isfinite(counts)) or np.any(counts <= 0):
        raise ValueError(f"class_counts must be positive and finite; got {counts}.")
    if not 0.0 <= beta < 1.0:
        raise ValueError(f"beta must be in [0, 1); got {beta!r}.")
    if beta == 0.0 or np.all(counts == counts[0]):
        return np.ones_like(counts)
    # 1 - beta**n computed without cancellation; the factor 1 - beta cancels
    # in the normalisation.
    weights = 1.0 / -np.expm1(counts * np.log(beta))
    return weights * (len(counts) / weights.sum())


class MAMixLoss(nn.CrossEntropyLoss):
    """Cross-entropy with margin-aware Mixup label weights.

    Called as ``loss(logits, target)`` it is ordinary (optionally
    class-weighted) :class:`torch.nn.CrossEntropyLoss`: that is how a skorch
    net computes its validation loss. Called with the mixing information of
    a training batch, ``loss(logits, target, partner_target=..., lam=...)``,
    where ``logits`` are the outputs on ``(1 - lam) * x + lam * x[perm]`` and
    ``partner_target = target[perm]``, it returns::

        mean_i [ w_i * CE_w(logits_i, target_i)
                 + (1 - w_i) * CE_w(logits_i, partner_target_i) ]

    with ``w_i = mamix_weights(lam, n[target_i], n[partner_target_i], ratio)``
    and ``CE_w`` the per-sample cross-entropy weighted by the per-class
    ``weight`` of its own target (deferred re-weighting); the batch mean is a
    plain mean, as in the reference implementation. Without class counts the
    rule is plain Mixup (``w = 1 - lam``), which is also what equal counts
    give.

    Because it subclasses :class:`torch.nn.CrossEntropyLoss`, skorch's
    ``predict_nonlinearity="auto"`` applies a softmax in ``predict_proba``.

    Parameters
    ----------
    class_counts : array-like of shape (n_classes,), default=None
        Training counts per class, stored as the buffer ``class_counts``.
        Can also be passed per call.
    ratio : float, default=-0.25
        The exponent of the class counts in :func:`mamix_weights`.
    weight : array-like of shape (n_classes,), default=None
        Per-class weights (buffer ``weight``). Replace them during training
        with :meth:`set_class_weights`, which changes no parameter, so the
        optimizer and its state are kept.
    reduction : {"mean", "sum", "none"}, default="mean"
        Reduction over the batch.
    label_smoothing : float, default=0.0
        As in :class:`torch.nn.CrossEntropyLoss`, applied to both terms.

    Examples
    --------
    >>> import torch
    >>> from imblearn_deepsmote import MAMixLoss
    >>> criterion = MAMixLoss(class_counts=[900, 100])
    >>> logits = torch.tensor([[2.0, -1.0], [0.5, 0.5], [-1.0, 1.0]])
    >>> target = torch.tensor([0, 0, 1])
    >>> perm = torch.tensor([2, 0, 1])
    >>> mixed = criterion(logits, target, partner_target=target[perm], lam=0.3)
    >>> plain = criterion(logits, target)  # unmixed: cross-entropy
    >>> round(float(mixed), 4), round(float(plain), 4)
    (0.8571, 0.2896)
    """

    def __init__(
        self,
        class_counts=None,
        ratio: float = -0.25,
        weight=None,
        reduction: str = "mean",
        label_smoothing: float = 0.0,
    ) -> None:
        if weight is not None:
            weight = torch.as_tensor(
                np.asarray(weight), dtype=torch.get_default_dtype()
            )
        super().__init__(
            weight=weight, reduction=reduction, label_smoothing=label_smoothing
        )
        self.ratio = ratio
        if class_counts is not None:
            _check_counts(class_counts, "class_counts")
            class_counts = torch.as_tensor(
                np.asarray(class_counts), dtype=torch.float64
            )
        self.register_buffer("class_counts", class_counts)

    def _buffer_device(self) -> torch.device:
        for buffer in (self.weight, self.class_counts):
            if buffer is not None:
                return buffer.device
        return torch.device("cpu")

    def set_class_weights(self, weights) -> None:
        """Replace the per-class weights in place (``None`` removes them).

        The buffer keeps its device; no parameter changes, so an optimizer
        built on the network is unaffected.
        """
        if weights is None:
            self.weight = None
            return
        new = torch.as_tensor(np.asarray(weights), dtype=torch.get_default_dtype())
        if self.weight is not None and self.weight.shape == new.shape:
            with torch.no_grad():
                self.weight.copy_(new)
        else:
            self.weight = new.to(self._buffer_device())

    def forward(
        self,
        input: torch.Tensor,
        target: torch.Tensor,
        partner_target: torch.Tensor | None = None,
        lam=None,
        class_counts=None,
    ) -> torch.Tensor:
        """Weighted cross-entropy, or the MAMix loss given mixing information.

        Parameters
        ----------
        input : torch.Tensor of shape (n, n_classes)
            Logits (of the mixed batch when mixing information is given).
        target : torch.Tensor of shape (n,)
            Class indices of the anchors.
        partner_target : torch.Tensor of shape (n,), default=None
            Class indices of the partners.
        lam : float or torch.Tensor, default=None
            The partners' share of the mixed inputs (a scalar or one per
            sample).
        class_counts : array-like of shape (n_classes,), default=None
            Overrides the ``class_counts`` buffer for this call.
        """
        if partner_target is None and lam is None:
            return super().forward(input, target)
        if partner_target is None or lam is None:
            raise ValueError("Pass both partner_target and lam, or neither.")
        counts = self.class_counts if class_counts is None else class_counts
        if counts is None:
            weight = 1.0 - torch.as_tensor(lam, dtype=input.dtype, device=input.device)
        else:
            if class_counts is not None:
                _check_counts(class_counts, "class_counts")
            counts = torch.as_tensor(counts, device=input.device)
            weight = _mamix_weights(
                torch.as_tensor(lam, dtype=torch.float64, device=input.device),
                counts[target],
                counts[partner_target],
                self.ratio,
            ).to(input.dtype)
        anchor_loss, partner_loss = (
            F.cross_entropy(
                input,
                labels,
                weight=self.weight,
                ignore_index=self.ignore_index,
                reduction="none",
                label_smoothing=self.label_smoothing,
            )
            for labels in (target, partner_target)
        )
        loss = weight * anchor_loss + (1.0 - weight) * partner_loss
        if self.reduction == "mean":
            return loss.mean()
        if self.reduction == "sum":
            return loss.sum()
        return loss
