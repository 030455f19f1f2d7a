"""Deep over-sampling for imbalanced-learn: DeepSMOTE and margin-aware Mixup."""

from ._version import __version__
from .callbacks import DeferredReweighting
from .classifier import MAMixClassifier
from .losses import MAMixLoss, drw_weights, mamix_weights
from .plotting import plot_history, plot_real_vs_synthetic
from .sampler import DeepSMOTE
from .transformers import TabularToImage

__all__ = [
    "__version__",
    "DeferredReweighting",
    "MAMixClassifier",
    "MAMixLoss",
    "drw_weights",
    "mamix_weights",
    "DeepSMOTE",
    "TabularToImage",
    "plot_history",
    "plot_real_vs_synthetic",
]
