"""skorch callback of the Autoencoder: the same-class batches of DeepSMOTE's penalty."""

from __future__ import annotations

import numpy as np
import torch
from skorch.callbacks import Callback
from skorch.dataset import get_len

__all__ = ["SameClassBatches"]


class SameClassBatches(Callback):
    """skorch callback: a batch of one class for every training batch.

    DeepSMOTE's permutation penalty (``Autoencoder(penalty=...)``) is
    computed on rows of a single class, drawn anew for each training batch.
    At the start of training this callback keeps the (scaled) inputs on the
    net's device and the rows of each class; at the start of each epoch it
    draws, for each of the epoch's batches, a class uniformly and up to
    ``batch_size`` of its rows, on the host from the fit's generator, and
    copies all the indices to the device in one go (no host-device
    synchronisation per batch). A class with a single row gives an empty
    batch (no penalty). The Autoencoder adds it, as the callback
    ``"penalty_batches"``, when ``penalty`` is set, and takes one batch per
    training step with :meth:`next_inputs`.
    """

    def on_train_begin(self, net, X=None, y=None, **kwargs) -> None:
        self.inputs_ = torch.from_numpy(X).to(net.device)
        self.class_rows_ = [
            torch.from_numpy(np.flatnonzero(y == code))
            for code in range(len(net._labels.classes_))  # y holds the codes
        ]
        self.batches_ = []

    def on_epoch_begin(
        self, net, dataset_train=None, dataset_valid=None, **kwargs
    ) -> None:
        self.batches_ = []
        if dataset_train is not None:
            n_rows = get_len(dataset_train)
            n_batches = 1 if net.batch_size == -1 else -(-n_rows // net.batch_size)
            self.batches_ = self._draw(net, n_batches)

    def on_train_end(self, net, X=None, y=None, **kwargs) -> None:
        self.inputs_ = self.class_rows_ = self.batches_ = None  # not pickled

    def next_inputs(self, net) -> torch.Tensor:
        """The inputs of the next training batch's penalty, on the device."""
        if not self.batches_:  # a custom iterator made more batches
            self.batches_ = self._draw(net, 1)
        return self.inputs_[self.batches_.pop(0)]

    def _draw(self, net, n_batches: int) -> list[torch.Tensor]:
        members, generator = self.class_rows_, net._generator("cpu")
        size = len(self.inputs_) if net.batch_size == -1 else net.batch_size
        classes = torch.randint(len(members), (n_batches,), generator=generator)
        picks = [
            members[c][torch.randperm(len(members[c]), generator=generator)[:size]]
            if len(members[c]) > 1
            else members[c][:0]
            for c in classes.tolist()
        ]
        return list(torch.cat(picks).to(net.device).split([len(p) for p in picks]))
