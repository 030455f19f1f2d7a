"""Deep over-sampling for imbalanced-learn: DeepSMOTE and margin-aware Mixup."""

from ._version import __version__
from .sampler import DeepSMOTE
from .transformers import TabularToImage

__all__ = [
    "__version__",
    "DeepSMOTE",
    "TabularToImage",
]
