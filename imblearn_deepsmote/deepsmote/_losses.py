"""DeepSMOTE's permutation penalty."""

from __future__ import annotations

import torch
from torch import nn
from torch.nn import functional as F

PENALTY_MODES = ("paper", "reference")


def permutation_penalty(
    autoencoder: nn.Module, x_class: torch.Tensor, mode: str
) -> torch.Tensor:
    """DeepSMOTE's penalty on a batch of images that all belong to one class.

    The batch is encoded, the latent codes are shifted by one position (a
    permutation without fixed points) and decoded.

    - ``"paper"`` (Algorithm 1 of the paper): the decoded *shifted* codes are
      compared with the images in their *original* order, so the decoder
      learns to map a neighbour's code onto a same-class image, and the
      gradient reaches the encoder too.
    - ``"reference"`` (the released code): the codes are detached and the
      targets are shifted the same way, so the shift cancels out and the term
      is a decoder-only reconstruction loss on a single-class batch.

    Parameters
    ----------
    autoencoder : torch.nn.Module
        A module with ``encoder`` and ``decoder`` sub-modules.
    x_class : torch.Tensor of shape (n, ...)
        Inputs of one class, already scaled and on the module's device.
    mode : {"paper", "reference"}
        Which reading of the penalty to compute.

    Returns
    -------
    torch.Tensor
        The scalar mean squared error.

    Examples
    --------
    >>> import torch
    >>> from imblearn_deepsmote.deepsmote import MLPAutoencoder
    >>> from imblearn_deepsmote.deepsmote import permutation_penalty
    >>> _ = torch.manual_seed(0)
    >>> autoencoder = MLPAutoencoder(n_features=6, latent_dim=2)
    >>> loss = permutation_penalty(autoencoder, torch.randn(4, 6), mode="paper")
    >>> loss.shape, bool(loss > 0)
    (torch.Size([]), True)
    """
    latent = autoencoder.encoder(x_class)
    if mode == "paper":
        return F.mse_loss(autoencoder.decoder(latent.roll(1, dims=0)), x_class)
    if mode == "reference":
        decoded = autoencoder.decoder(latent.detach().roll(1, dims=0))
        return F.mse_loss(decoded, x_class.roll(1, dims=0))
    raise ValueError(f"Unknown penalty mode {mode!r}; expected one of {PENALTY_MODES}.")
