"""Reading a map-style torch dataset of ``(x, y)`` items as NumPy arrays, checked."""

from __future__ import annotations

from collections.abc import Iterator, Sequence

import numpy as np
import torch
from imblearn.over_sampling import SMOTE

__all__ = ["CHUNK", "ItemReader", "label_value", "samples_needed"]

#: Items read at a time by passes that only read (scaling, encoding).
CHUNK = 256


def samples_needed(sampler, y: np.ndarray, n_new: dict) -> np.ndarray:
    """Indices of the items an over-sampler must see to make its samples.

    SMOTE makes each class's samples from that class alone: it needs the
    over-sampled classes (``n_new``: label -> number of new samples), given
    the absolute targets ``{label: count + n}``, and makes what it would make
    from every item. One item of another class is added when there is one,
    because imbalanced-learn's samplers refuse data of a single class. Any
    other sampler sees every item: BorderlineSMOTE, SVMSMOTE, ADASYN and
    KMeansSMOTE look at the other classes, and RandomOverSampler's shrinkage
    scales with the number of all samples.
    """
    if type(sampler) is not SMOTE:
        return np.arange(len(y))
    over_sampled = np.isin(y, list(n_new))
    others = np.flatnonzero(~over_sampled)[:1]
    return np.sort(np.concatenate([np.flatnonzero(over_sampled), others]))


def widened_range(bounds, block: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """``(low, high)`` per feature, ``bounds`` widened to cover ``block``'s rows.

    ``bounds=None`` starts from ``block`` alone: fold it over the batches of
    a stream to get the range of the whole.
    """
    low, high = block.min(axis=0), block.max(axis=0)
    if bounds is None:
        return low, high
    return np.minimum(bounds[0], low), np.maximum(bounds[1], high)


def _as_array(x) -> np.ndarray:
    if isinstance(x, torch.Tensor):
        return x.detach().cpu().numpy()
    return np.asarray(x)


def label_value(label):
    """A label as a plain value: tensors and NumPy scalars become Python ones."""
    if isinstance(label, (torch.Tensor, np.ndarray, np.generic)):
        if np.ndim(label) != 0:
            raise ValueError(
                f"A label must be a single value; got one of shape "
                f"{tuple(np.shape(label))}."
            )
        return label.item()
    return label


class ItemReader(torch.utils.data.Dataset):
    """A map-style dataset of ``(x, y)`` items, read as NumPy arrays and checked.

    Item 0 fixes the shape and dtype of every sample (``sample_shape``,
    ``dtype``); an item that is not an ``(x, y)`` pair, or whose ``x`` has
    another shape, is an error naming its index. ``x`` may be a tensor, an
    array or anything :func:`numpy.asarray` reads (a PIL image); it is
    returned as an array of ``dtype``.

    Parameters
    ----------
    dataset : torch.utils.data.Dataset
        Map-style: ``len(dataset)`` and ``dataset[i]`` for ``0 <= i < len``.
    """

    def __init__(self, dataset) -> None:
        if isinstance(dataset, torch.utils.data.IterableDataset) or not (
            hasattr(dataset, "__len__") and hasattr(dataset, "__getitem__")
        ):
            raise TypeError(
                "dataset must be a map-style torch Dataset, with __len__ and "
                f"__getitem__ returning (x, y) items; got {type(dataset).__name__}."
            )
        if len(dataset) == 0:
            raise ValueError("dataset is empty: it needs at least one (x, y) item.")
        self.dataset = dataset
        first = self._pair(dataset[0], 0)
        x = _as_array(first[0])
        self.sample_shape: tuple[int, ...] = x.shape
        self.dtype: np.dtype = x.dtype
        self.tensor_samples: bool = isinstance(first[0], torch.Tensor)
        self.tensor_label_dtype = (
            first[1].dtype if isinstance(first[1], torch.Tensor) else None
        )

    @classmethod
    def of(cls, dataset) -> ItemReader:
        """``dataset`` itself if it is a reader already, else a reader of it."""
        return dataset if isinstance(dataset, cls) else cls(dataset)

    @staticmethod
    def _pair(item, index: int):
        if not (isinstance(item, (tuple, list)) and len(item) == 2):
            what = (
                f"a {type(item).__name__} of {len(item)} values"
                if isinstance(item, (tuple, list))
                else f"a {type(item).__name__}"
            )
            raise TypeError(
                f"Item {index} of the dataset is {what}, not an (x, y) pair: the "
                "dataset must return (sample, label) items, as torchvision's "
                "datasets do (wrap it in one whose __getitem__ returns them)."
            )
        return item

    @property
    def shape(self) -> tuple[int, ...]:
        """``(len, *sample_shape)``, as an array of the samples would have."""
        return (len(self), *self.sample_shape)

    def __len__(self) -> int:
        return len(self.dataset)

    def __getitem__(self, index: int) -> tuple[np.ndarray, object]:
        x, y = self._pair(self.dataset[index], index)
        x = _as_array(x)
        if x.shape != self.sample_shape:
            raise ValueError(
                f"Item {index} of the dataset has a sample of shape {x.shape}, item 0 "
                f"one of shape {self.sample_shape}: every sample must have the same "
                "shape (resize them in the dataset's transform)."
            )
        return x.astype(self.dtype, copy=False), y

    def read(self, indices: Sequence[int]) -> tuple[np.ndarray, list]:
        """The samples at ``indices``, stacked, and their labels as given."""
        samples = np.empty((len(indices), *self.sample_shape), dtype=self.dtype)
        labels = []
        for position, index in enumerate(indices):
            samples[position], label = self[int(index)]
            labels.append(label)
        return samples, labels

    def batches(
        self, batch_size: int, indices: Sequence[int] | None = None
    ) -> Iterator[tuple[np.ndarray, list]]:
        """The samples and labels at ``indices`` (default all), a batch at a time."""
        indices = np.arange(len(self)) if indices is None else np.asarray(indices)
        for start in range(0, len(indices), batch_size):
            yield self.read(indices[start : start + batch_size])

    def labels(self) -> np.ndarray:
        """Every item's label, read once, item by item."""
        return np.asarray([label_value(self[i][1]) for i in range(len(self))])
