"""The autoencoder training loop of DeepSMOTE (reconstruction + permutation penalty)."""

from __future__ import annotations

import numpy as np
import torch
from torch import nn
from torch.nn import functional as F
from tqdm.auto import tqdm

from .autoencoders import Autoencoder
from .losses import permutation_penalty


def train_autoencoder(
    autoencoder: Autoencoder,
    X: np.ndarray,
    y_codes: np.ndarray,
    *,
    penalty: str | None,
    penalty_weight: float,
    class_head: nn.Module | None,
    class_loss_weight: float,
    max_epochs: int,
    batch_size: int,
    lr: float,
    tol: float,
    n_iter_no_change: int | None,
    generator: torch.Generator,
    device: torch.device,
    verbose: int,
) -> list[dict[str, float]]:
    """Train ``autoencoder`` in place with Adam and return the per-epoch losses.

    ``X`` (already scaled, shape ``(n, *input_shape)``) is moved to ``device``
    once; batches are drawn by index on the device, and losses are summed on
    the device so that the only host synchronisation is one per epoch. Each
    reconstruction batch is followed by a penalty batch: a class drawn
    uniformly among all classes, then up to ``batch_size`` of its samples
    without replacement (DeepSMOTE, Algorithm 1). Training stops after
    ``max_epochs`` or once the epoch loss has not improved by a relative
    ``tol`` for ``n_iter_no_change`` epochs (``None`` disables the check).
    """
    data = torch.from_numpy(X).to(device)
    labels = torch.from_numpy(y_codes).to(device)
    n_samples = len(data)
    class_members = [
        torch.from_numpy(np.flatnonzero(y_codes == code)).to(device)
        for code in range(int(y_codes.max()) + 1)
    ]
    parameters = list(autoencoder.parameters())
    if class_head is not None:
        parameters += list(class_head.parameters())
    optimizer = torch.optim.Adam(parameters, lr=lr)
    autoencoder.train()
    history: list[dict[str, float]] = []
    best_loss, epochs_without_improvement = np.inf, 0
    epochs = tqdm(
        range(max_epochs), desc="DeepSMOTE", unit="epoch", disable=not verbose
    )
    for epoch in epochs:
        order = torch.randperm(n_samples, generator=generator).to(device)
        batches = list(order.split(batch_size))
        if len(batches) > 1 and len(batches[-1]) == 1:
            batches.pop()  # batch norm cannot train on a single sample
        penalty_classes = torch.randint(
            len(class_members), (len(batches),), generator=generator
        )
        sums = torch.zeros(3, device=device)
        for batch, penalty_class in zip(batches, penalty_classes.tolist(), strict=True):
            x = data[batch]
            latent = autoencoder.encoder(x)
            reconstruction = F.mse_loss(autoencoder.decoder(latent), x)
            loss = reconstruction
            sums[0] += reconstruction.detach() * len(batch)
            if class_head is not None:
                class_loss = F.cross_entropy(class_head(latent), labels[batch])
                loss = loss + class_loss_weight * class_loss
                sums[2] += class_loss.detach() * len(batch)
            members = class_members[penalty_class]
            if penalty is not None and len(members) > 1:
                pick = torch.randperm(len(members), generator=generator)[:batch_size]
                penalty_loss = permutation_penalty(
                    autoencoder, data[members[pick.to(device)]], penalty
                )
                loss = loss + penalty_weight * penalty_loss
                sums[1] += penalty_loss.detach() * len(batch)
            optimizer.zero_grad(set_to_none=True)
            loss.backward()
            optimizer.step()
        losses = (sums / sum(map(len, batches))).tolist()
        reconstruction_loss, penalty_loss, class_loss = losses
        total = (
            reconstruction_loss
            + penalty_weight * penalty_loss
            + class_loss_weight * class_loss
        )
        history.append(
            {
                "epoch": epoch + 1,
                "reconstruction_loss": reconstruction_loss,
                "penalty_loss": penalty_loss,
                "class_loss": class_loss,
                "loss": total,
            }
        )
        epochs.set_postfix(
            reconstruction=f"{reconstruction_loss:.4f}", penalty=f"{penalty_loss:.4f}"
        )
        if n_iter_no_change is not None:
            if total < best_loss * (1 - tol):
                best_loss, epochs_without_improvement = total, 0
            else:
                epochs_without_improvement += 1
                if epochs_without_improvement >= n_iter_no_change:
                    break
    autoencoder.eval()
    return history
