"""Helpers shared by the estimators: image shapes, devices, random streams, batches."""

from ._batching import TensorBatches
from ._images import resolve_image_shape
from ._private_generator import PrivateGeneratorMode
from ._random import draw_seed
from ._torch import limit_threads, resolve_device

__all__ = [
    "PrivateGeneratorMode",
    "TensorBatches",
    "draw_seed",
    "limit_threads",
    "resolve_device",
    "resolve_image_shape",
]
