"""DeepSMOTE: the over-sampler, its autoencoder estimator, networks and loss."""

from ._autoencoder import Autoencoder, auto_epochs
from ._losses import PENALTY_MODES, AutoencoderLoss, permutation_penalty
from ._networks import (
    NETWORKS,
    ConvAutoencoder,
    EncoderDecoder,
    MLPAutoencoder,
    PaperAutoencoder,
    build_network,
)
from ._sampler import DeepSMOTE

__all__ = [
    "NETWORKS",
    "PENALTY_MODES",
    "Autoencoder",
    "AutoencoderLoss",
    "ConvAutoencoder",
    "DeepSMOTE",
    "EncoderDecoder",
    "MLPAutoencoder",
    "PaperAutoencoder",
    "auto_epochs",
    "build_network",
    "permutation_penalty",
]
