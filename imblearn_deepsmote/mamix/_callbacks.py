"""skorch callback of MAMix: deferred re-weighting (DRW)."""

from __future__ import annotations

import math
import numbers
from collections.abc import Sequence

import numpy as np
import torch
from skorch.callbacks import Callback
from skorch.utils import to_numpy

from ._losses import drw_weights

__all__ = ["DeferredReweighting", "drw_start_epoch"]


def drw_start_epoch(start: int | float, max_epochs: int) -> int:
    """The 0-based epoch from which deferred re-weighting is on.

    An integer is the epoch itself; a float in ``[0, 1]`` is a fraction of
    ``max_epochs`` (``floor(start * max_epochs)``, so ``0.8`` of 200 epochs
    re-weights epochs 160 to 199, as in the reference recipe).
    """
    if isinstance(start, numbers.Integral) and not isinstance(start, bool):
        if start < 0:
            raise ValueError(f"drw_start must be >= 0; got {start!r}.")
        return int(start)
    if (
        isinstance(start, numbers.Real)
        and not isinstance(start, bool)
        and 0 <= start <= 1
    ):
        return math.floor(float(start) * max_epochs + 1e-9)
    raise ValueError(
        "drw_start must be an epoch index (int >= 0) or a fraction of max_epochs "
        f"(float in [0, 1]); got {start!r}."
    )


class DeferredReweighting(Callback):
    """skorch callback: deferred re-weighting (DRW) of the criterion.

    From epoch :func:`drw_start_epoch` ``(start, net.max_epochs)`` on, the
    per-class weights of ``net.criterion_`` are set to
    :func:`~imblearn_deepsmote.drw_weights` of the class counts, in place
    (``criterion_.set_class_weights``), so the optimizer and its state
    (momentum, Adam moments) are kept. Earlier epochs leave the criterion's
    weights untouched. Each epoch records ``drw`` (whether re-weighting is
    on) in the history. The epoch count is ``len(net.history)``, so it runs
    on across ``partial_fit`` calls and warm starts.

    Parameters
    ----------
    start : int or float, default=0.8
        First re-weighted epoch (0-based int) or a fraction of
        ``max_epochs`` (float in ``[0, 1]``).
    beta : float, default=0.9999
        The ``beta`` of :func:`~imblearn_deepsmote.drw_weights`.
    class_counts : array-like of shape (n_classes,), default=None
        Counts to weight by; by default the net's ``training_counts_`` (the
        counts of the ``y`` it is fitted on), else the criterion's
        ``class_counts``.

    Examples
    --------
    DRW without mixing (plain skorch training with a class-weightable loss):

    >>> import numpy as np
    >>> import torch
    >>> from skorch import NeuralNetClassifier
    >>> from imblearn_deepsmote import MAMixLoss
    >>> from imblearn_deepsmote import DeferredReweighting
    >>> X = np.random.RandomState(0).randn(100, 4).astype(np.float32)
    >>> y = (X[:, 0] > 1).astype(np.int64)
    >>> net = NeuralNetClassifier(
    ...     torch.nn.Linear, module__in_features=4, module__out_features=2,
    ...     criterion=MAMixLoss, criterion__class_counts=np.bincount(y),
    ...     callbacks=[("drw", DeferredReweighting(start=2))],
    ...     max_epochs=4, train_split=None, verbose=0,
    ... ).fit(X, y)
    >>> net.history[:, "drw"]
    [False, False, True, True]
    """

    def __init__(
        self,
        start: int | float = 0.8,
        beta: float = 0.9999,
        class_counts: Sequence[float] | np.ndarray | None = None,
    ) -> None:
        self.start = start
        self.beta = beta
        self.class_counts = class_counts

    def on_train_begin(self, net, X=None, y=None, **kwargs) -> None:
        drw_start_epoch(self.start, net.max_epochs)  # fail before training
        if not hasattr(net.criterion_, "set_class_weights"):
            raise TypeError(
                "DeferredReweighting needs a criterion with a set_class_weights "
                f"method (e.g. MAMixLoss); got {type(net.criterion_).__name__}."
            )

    def on_epoch_begin(
        self, net, dataset_train=None, dataset_valid=None, **kwargs
    ) -> None:
        epoch = len(net.history) - 1
        active = epoch >= drw_start_epoch(self.start, net.max_epochs)
        if active:
            counts = self.class_counts
            if counts is None:
                counts = getattr(net, "training_counts_", None)
            if counts is None:
                counts = getattr(net.criterion_, "class_counts", None)
            if counts is None:
                raise ValueError(
                    "DeferredReweighting needs class counts: pass class_counts or "
                    "use a criterion with a class_counts buffer."
                )
            counts = to_numpy(counts) if torch.is_tensor(counts) else np.asarray(counts)
            weights = drw_weights(counts, self.beta)
            net.criterion_.set_class_weights(weights)
        net.history.record("drw", active)
