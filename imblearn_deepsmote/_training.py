"""The autoencoder training loop of DeepSMOTE."""

from __future__ import annotations

import numpy as np
import torch
from torch import nn
from torch.nn import functional as F
from tqdm.auto import tqdm

from .autoencoders import Autoencoder
from .losses import permutation_penalty

LOSS_NAMES = ("reconstruction_loss", "penalty_loss", "class_loss")


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
    mixed_precision: bool,
    generator: torch.Generator,
    device: torch.device,
    verbose: int,
) -> list[dict[str, float]]:
    """Train ``autoencoder`` (and ``class_head``) in place; return per-epoch losses.

    ``X`` (already scaled, shape ``(n, *input_shape)``) is moved to ``device``
    once; batches are drawn by index on the device and losses are summed on
    the device, so the only host synchronisation is one per epoch. Each
    reconstruction batch is followed by a penalty batch: a class drawn
    uniformly among all classes, then up to ``batch_size`` of its samples
    without replacement (DeepSMOTE, Algorithm 1). With ``class_head``, a
    cross-entropy loss on the latent codes of the reconstruction batch is
    added. Training stops after ``max_epochs``, or once the reconstruction
    loss has not improved by a relative ``tol`` for ``n_iter_no_change``
    epochs (``None`` disables the check).
    """
    data = torch.from_numpy(X).to(device)
    labels = torch.from_numpy(y_codes).to(device)
    class_members = [
        torch.from_numpy(np.flatnonzero(y_codes == code))
        for code in range(int(y_codes.max()) + 1)
    ]
    modules = nn.ModuleList([autoencoder] + ([class_head] if class_head else []))
    optimizer = torch.optim.Adam(modules.parameters(), lr=lr)
    loss_weights = (1.0, penalty_weight, class_loss_weight)  # in LOSS_NAMES order
    weights = torch.tensor(loss_weights, device=device)
    modules.train()
    history: list[dict[str, float]] = []
    best, stalled = np.inf, 0
    epochs = tqdm(
        range(max_epochs), desc="DeepSMOTE", unit="epoch", disable=not verbose
    )
    for epoch in epochs:
        order = torch.randperm(len(data), generator=generator).to(device)
        batches = list(order.split(batch_size))
        if len(batches) > 1 and len(batches[-1]) == 1:
            batches.pop()  # batch norm cannot train on a single sample
        n_trained = sum(len(batch) for batch in batches)
        penalty_batches = _penalty_batches(
            class_members, len(batches), batch_size, generator, device, penalty
        )
        sums = torch.zeros(3, device=device)
        for batch, penalty_batch in zip(batches, penalty_batches, strict=True):
            with torch.autocast(device.type, torch.bfloat16, enabled=mixed_precision):
                losses = _batch_losses(
                    autoencoder,
                    class_head,
                    data[batch],
                    labels[batch],
                    None if penalty_batch is None else data[penalty_batch],
                    penalty,
                )
            optimizer.zero_grad(set_to_none=True)
            (losses @ weights).backward()
            optimizer.step()
            sums += losses.detach().float() * len(batch)
        record = dict(zip(LOSS_NAMES, (sums / n_trained).tolist(), strict=True))
        record["loss"] = float(np.dot(list(record.values()), loss_weights))
        history.append({"epoch": epoch + 1, **record})
        epochs.set_postfix(
            reconstruction=f"{record['reconstruction_loss']:.4f}",
            penalty=f"{record['penalty_loss']:.4f}",
        )
        if n_iter_no_change is not None:
            if record["reconstruction_loss"] < best * (1 - tol):
                best, stalled = record["reconstruction_loss"], 0
            else:
                stalled += 1
                if stalled >= n_iter_no_change:
                    break
    modules.eval()
    return history


def _penalty_batches(
    class_members: list[torch.Tensor],
    n_batches: int,
    batch_size: int,
    generator: torch.Generator,
    device: torch.device,
    penalty: str | None,
) -> list[torch.Tensor | None]:
    """One epoch's penalty batches, as row indices on ``device``.

    Each is up to ``batch_size`` samples, without replacement, of a class drawn
    uniformly; ``None`` without a penalty or for a single-sample class. The
    indices are drawn on the host and moved to ``device`` in one copy.
    """
    penalty_classes = torch.randint(
        len(class_members), (n_batches,), generator=generator
    ).tolist()
    if penalty is None:
        return [None] * n_batches
    picks = [
        members[torch.randperm(len(members), generator=generator)[:batch_size]]
        if len(members) > 1
        else members[:0]
        for members in (class_members[code] for code in penalty_classes)
    ]
    on_device = torch.cat(picks).to(device).split([len(pick) for pick in picks])
    return [pick if len(pick) else None for pick in on_device]


def _batch_losses(
    autoencoder: Autoencoder,
    class_head: nn.Module | None,
    x: torch.Tensor,
    labels: torch.Tensor,
    penalty_batch: torch.Tensor | None,
    penalty: str | None,
) -> torch.Tensor:
    """Reconstruction, penalty and class losses of one step (zeros when unused)."""
    latent = autoencoder.encoder(x)
    reconstruction = F.mse_loss(autoencoder.decoder(latent).float(), x)
    zero = reconstruction.new_zeros(())
    penalty_loss = zero
    if penalty_batch is not None:
        penalty_loss = permutation_penalty(autoencoder, penalty_batch, penalty)
    class_loss = zero
    if class_head is not None:
        class_loss = F.cross_entropy(class_head(latent).float(), labels)
    return torch.stack([reconstruction, penalty_loss.float(), class_loss])
