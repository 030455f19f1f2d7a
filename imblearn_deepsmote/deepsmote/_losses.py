"""DeepSMOTE's permutation penalty, and the autoencoder's training loss."""

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


class AutoencoderLoss(nn.Module):
    """The training loss of :class:`~imblearn_deepsmote.Autoencoder`.

    The weighted sum of up to three terms, each computed in float32:

    - ``"reconstruction"``: ``reconstruction(y_pred, target)``, always;
    - ``"penalty"``: :func:`permutation_penalty` of ``autoencoder`` on
      ``penalty_inputs``, a batch of one class, when ``penalty`` is set and
      the batch is given (zero when it has fewer than two rows), weighted by
      ``penalty_weight``;
    - ``"class"``: the cross-entropy of ``class_logits`` (a classifier on
      the latent code) with ``labels``, when given, weighted by
      ``class_loss_weight``.

    The unweighted terms of the last call are ``last_terms``, which the
    Autoencoder records in its history as ``train_<term>_loss``. Called with
    the outputs and targets only (as in validation), it is the
    reconstruction loss.

    Parameters
    ----------
    reconstruction : torch.nn.Module or None, default=None
        The reconstruction loss, :class:`torch.nn.MSELoss` when ``None``
        (the Autoencoder passes its initialised ``criterion``).
    penalty : {"paper", "reference"} or None, default=None
        The reading of the permutation penalty; ``None`` adds none.
    penalty_weight : float, default=1.0
        Weight of the penalty.
    class_loss_weight : float, default=0.0
        Weight of the class loss.

    Examples
    --------
    >>> import torch
    >>> from imblearn_deepsmote.deepsmote import AutoencoderLoss, MLPAutoencoder
    >>> _ = torch.manual_seed(0)
    >>> autoencoder = MLPAutoencoder(n_features=6, latent_dim=2)
    >>> x = torch.randn(8, 6)
    >>> loss = AutoencoderLoss(penalty="paper", penalty_weight=0.5)
    >>> total = loss(autoencoder(x), x, autoencoder=autoencoder, penalty_inputs=x[:4])
    >>> sorted(loss.last_terms)
    ['penalty', 'reconstruction']
    >>> terms = loss.last_terms
    >>> bool(torch.isclose(total, terms["reconstruction"] + 0.5 * terms["penalty"]))
    True
    """

    def __init__(
        self,
        reconstruction: nn.Module | None = None,
        *,
        penalty: str | None = None,
        penalty_weight: float = 1.0,
        class_loss_weight: float = 0.0,
    ) -> None:
        super().__init__()
        if penalty is not None and penalty not in PENALTY_MODES:
            raise ValueError(
                f"Unknown penalty mode {penalty!r}; expected one of {PENALTY_MODES}."
            )
        self.reconstruction = nn.MSELoss() if reconstruction is None else reconstruction
        self.penalty = penalty
        self.penalty_weight = penalty_weight
        self.class_loss_weight = class_loss_weight
        self.last_terms: dict[str, torch.Tensor] = {}

    def forward(
        self,
        y_pred: torch.Tensor,
        target: torch.Tensor,
        *,
        autoencoder: nn.Module | None = None,
        penalty_inputs: torch.Tensor | None = None,
        class_logits: torch.Tensor | None = None,
        labels: torch.Tensor | None = None,
    ) -> torch.Tensor:
        """The weighted total; the unweighted terms go to ``last_terms``."""
        terms = {"reconstruction": self.reconstruction(y_pred.float(), target)}
        total = terms["reconstruction"]
        if self.penalty is not None and penalty_inputs is not None:
            if len(penalty_inputs) < 2:  # a class of one row has no permutation
                terms["penalty"] = total.new_zeros(())
            else:
                penalty = permutation_penalty(autoencoder, penalty_inputs, self.penalty)
                terms["penalty"] = penalty.float()
            total = total + self.penalty_weight * terms["penalty"]
        if class_logits is not None and labels is not None:
            terms["class"] = F.cross_entropy(class_logits.float(), labels)
            total = total + self.class_loss_weight * terms["class"]
        self.last_terms = terms
        return total
