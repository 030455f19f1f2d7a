"""Margin-aware Mixup: the classifier, its loss, DRW and default networks."""

from ._callbacks import DeferredReweighting, drw_start_epoch
from ._classifier import MAMixClassifier
from ._losses import MAMixLoss, drw_weights, mamix_weights
from ._networks import MLP, SmallCNN

__all__ = [
    "MLP",
    "DeferredReweighting",
    "MAMixClassifier",
    "MAMixLoss",
    "SmallCNN",
    "drw_start_epoch",
    "drw_weights",
    "mamix_weights",
]
