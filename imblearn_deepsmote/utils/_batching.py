"""Mini-batches sliced from whole tensors, for the package's skorch estimators."""

from __future__ import annotations

from collections.abc import Iterator

import numpy as np
import torch
from skorch.dataset import Dataset

__all__ = ["ShuffledBatches", "TensorBatches"]


def _as_tensor(values) -> torch.Tensor | None:
    if values is None:
        return None
    if isinstance(values, torch.Tensor):
        return values
    return torch.from_numpy(np.ascontiguousarray(values))


def _n_batches(n_samples: int, batch_size: int, shuffle: bool) -> int:
    """Batches of an epoch; shuffled, without a final batch of one sample."""
    n_batches = -(-n_samples // batch_size)
    if shuffle and n_batches > 1 and n_samples % batch_size == 1:
        n_batches -= 1
    return n_batches


class ShuffledBatches(torch.utils.data.Sampler):
    """The index batches of :class:`TensorBatches`'s shuffled epochs.

    A batch sampler for a :class:`~torch.utils.data.DataLoader`: each epoch
    draws one permutation from ``generator`` and cuts it into batches of
    ``batch_size`` (without a final batch of one sample), as
    :class:`TensorBatches` does with whole tensors, so a dataset read item
    by item is trained on the same batches as the same data in one array.
    """

    def __init__(
        self, n_samples: int, batch_size: int, generator: torch.Generator | None
    ) -> None:
        self.n_samples, self.batch_size = n_samples, batch_size
        self.generator = generator

    def __len__(self) -> int:
        return _n_batches(self.n_samples, self.batch_size, shuffle=True)

    def __iter__(self) -> Iterator[list[int]]:
        order = torch.randperm(self.n_samples, generator=self.generator)
        for batch in order.split(self.batch_size)[: len(self)]:
            yield batch.tolist()


class TensorBatches:
    """Iterate over a skorch dataset in mini-batches sliced from whole tensors.

    A drop-in for :class:`torch.utils.data.DataLoader` as skorch's
    ``iterator_train`` / ``iterator_valid`` when the dataset holds plain
    arrays: no per-sample indexing and collation. With ``shuffle=True`` the
    data is copied to ``device`` once, each epoch draws one permutation on
    the CPU (from ``generator``; the estimators pass their private one) and
    copies it over in one go, so an epoch costs no host-device
    synchronisation per batch. Without shuffling each batch is
    sliced on the host and moved on its own (inference on large data never
    holds all of it on the device). A final batch of a single sample is
    dropped when shuffling, because batch normalisation cannot train on it.

    Any other dataset (a custom :class:`torch.utils.data.Dataset`, dict or
    list inputs) falls back to a :class:`~torch.utils.data.DataLoader` with
    the same ``batch_size``, ``shuffle`` and ``generator``; when shuffling,
    its batches are those the whole tensors would give
    (``ShuffledBatches``).

    Parameters
    ----------
    dataset : skorch.dataset.Dataset
        The data, as skorch hands it to its iterators.
    batch_size : int, default=128
        Rows per batch.
    shuffle : bool, default=False
        Shuffle the rows at each epoch.
    device : str or torch.device, default="cpu"
        Where the batches are delivered.
    generator : torch.Generator or None, default=None
        CPU generator of the shuffling; ``None`` draws from torch's default
        generator.
    """

    def __init__(
        self,
        dataset,
        batch_size: int = 128,
        shuffle: bool = False,
        device: str | torch.device = "cpu",
        generator: torch.Generator | None = None,
        **loader_kwargs,
    ) -> None:
        self.batch_size = int(batch_size)
        self.shuffle = shuffle
        self.device = torch.device(device)
        self.generator = generator
        slicable = (
            type(dataset) is Dataset
            and isinstance(dataset.X, (np.ndarray, torch.Tensor))
            and (dataset.y is None or isinstance(dataset.y, (np.ndarray, torch.Tensor)))
        )
        self._loader = None
        if not slicable or loader_kwargs:
            if shuffle and not {"sampler", "batch_sampler"} & set(loader_kwargs):
                batches = ShuffledBatches(len(dataset), self.batch_size, generator)
                self._loader = torch.utils.data.DataLoader(
                    dataset, batch_sampler=batches, **loader_kwargs
                )
                return
            self._loader = torch.utils.data.DataLoader(
                dataset,
                batch_size=self.batch_size,
                shuffle=shuffle,
                generator=generator,
                **loader_kwargs,
            )
            return
        X, y = _as_tensor(dataset.X), _as_tensor(dataset.y)
        if shuffle:
            X = X.to(self.device)
            y = None if y is None else y.to(self.device)
        self._X, self._y = X, y

    def __len__(self) -> int:
        if self._loader is not None:
            return len(self._loader)
        return _n_batches(len(self._X), self.batch_size, self.shuffle)

    def __iter__(self) -> Iterator[tuple[torch.Tensor, torch.Tensor | None]]:
        if self._loader is not None:
            yield from self._loader
            return
        n_samples = len(self._X)
        if self.shuffle:
            order = torch.randperm(n_samples, generator=self.generator)
            order = order.to(self.device)
            for batch in order.split(self.batch_size)[: len(self)]:
                yield self._X[batch], None if self._y is None else self._y[batch]
            return
        for start in range(0, n_samples, self.batch_size):
            stop = start + self.batch_size
            X = self._X[start:stop].to(self.device)
            y = None if self._y is None else self._y[start:stop].to(self.device)
            yield X, y
