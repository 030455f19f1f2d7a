"""Deep over-sampling for imbalanced-learn: DeepSMOTE and margin-aware Mixup."""

from ._version import __version__
from .augmentation import RandomHorizontalFlip, RandomShift
from .deepsmote import Autoencoder, DeepSMOTE
from .diagnostics import resampled_report, synthetic_report
from .mamix import (
    DeferredReweighting,
    MAMixClassifier,
    MAMixLoss,
    drw_weights,
    mamix_weights,
)
from .plotting import plot_history, plot_real_vs_synthetic, plot_synthetic_reports
from .torch import OverSampledDataset
from .transformers import TabularToImage

__all__ = [
    "__version__",
    "Autoencoder",
    "DeepSMOTE",
    "DeferredReweighting",
    "MAMixClassifier",
    "MAMixLoss",
    "OverSampledDataset",
    "RandomHorizontalFlip",
    "RandomShift",
    "TabularToImage",
    "drw_weights",
    "mamix_weights",
    "plot_history",
    "plot_real_vs_synthetic",
    "plot_synthetic_reports",
    "resampled_report",
    "synthetic_report",
]
