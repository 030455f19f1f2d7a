"""Over-sampling where torch users work: a torch ``Dataset``, over-sampled."""

from __future__ import annotations

import operator
from typing import Any

import numpy as np
import torch
from imblearn.over_sampling import RandomOverSampler
from imblearn.utils import check_sampling_strategy
from numpy.typing import ArrayLike
from sklearn.base import clone
from sklearn.utils import check_random_state

from .deepsmote import DeepSMOTE
from .deepsmote._latent import as_dtype
from .utils._items import ItemReader, label_value, samples_needed
from .utils._random import draw_seed

__all__ = ["OverSampledDataset"]


class OverSampledDataset(torch.utils.data.Dataset):
    """A torch dataset over-sampled by any imbalanced-learn over-sampler.

    It wraps a map-style :class:`~torch.utils.data.Dataset` of ``(x, y)``
    items and is one itself: items ``0`` to ``len(dataset) - 1`` are the
    dataset's own, untouched (``dataset[i]`` as the dataset returns it),
    followed by the new items the ``sampler`` makes, class by class. So
    ``DataLoader(OverSampledDataset(dataset, sampler), shuffle=True)`` drops
    into any training loop. Each new item's ``x`` is a tensor where the
    dataset's is one (else a NumPy array), of the same shape and dtype, and
    its label has the form of the dataset's labels.

    The sampler runs when the dataset is built (as torchvision datasets
    prepare their data on construction), and that is where the cost is:

    - :class:`~imblearn.over_sampling.RandomOverSampler` (without
      ``shrinkage``) reads no sample and adds no pixels: new items are the
      original items at ``new_sources``.
    - :class:`~imblearn.over_sampling.SMOTE` reads only the over-sampled
      classes' samples, and makes what it would make from the whole data
      (with an int ``random_state``, the same samples as
      ``fit_resample`` on an array of every item). Other samplers
      (``BorderlineSMOTE``, ``ADASYN``, ``SVMSMOTE``, ``KMeansSMOTE``,
      ``RandomOverSampler(shrinkage=...)``) look at every class: they read
      every sample into memory.
    - :class:`~imblearn_deepsmote.DeepSMOTE` trains its
      :class:`~imblearn_deepsmote.Autoencoder` on the items a batch at a
      time (one pass to fit the scaling, then one per epoch), encodes every
      item once a batch at a time, keeping only its latent code (the
      latent noise and its rule compare how every class varies), and reads
      only the over-sampled classes' samples whole (for the reconstruction
      residuals). No class is ever held whole but those.

    New samples are kept as pixels in the dataset's dtype (``new_samples``),
    ``n_new * x.nbytes`` in all: what the new items cost, never the
    majority class. (Decoding latent codes on access would keep less, but
    would put the network in every ``DataLoader`` worker and make each
    item depend on the batch it is decoded in.) :meth:`refresh` draws fresh
    new items, e.g. for the next epoch, without training again.

    The dataset pickles, for ``DataLoader(num_workers=2)``: the workers get
    a copy of the new items (with ``persistent_workers=False``, the default,
    a copy made after each :meth:`refresh`).

    Read more in the :ref:`User Guide <torch_datasets>`.

    Parameters
    ----------
    dataset : torch.utils.data.Dataset
        Map-style (``len`` and ``dataset[i]``), with ``(x, y)`` items whose
        ``x`` all have one shape: tensors, arrays or anything
        :func:`numpy.asarray` reads.
    sampler : imbalanced-learn over-sampler
        Cloned; with an int ``random_state``, the dataset is the same every
        time it is built.
    labels : array-like of shape (len(dataset),) or None, default=None
        The items' labels. ``None`` takes the dataset's ``targets``
        (torchvision's convention), or else reads every item once.

    Attributes
    ----------
    sampler_ : imbalanced-learn over-sampler
        The fitted clone of ``sampler`` (for ``DeepSMOTE``, with its
        ``autoencoder_``, and its :meth:`~imblearn_deepsmote.DeepSMOTE.generate`
        to make more).
    targets : ndarray of shape (len(self),)
        The label of every item: the dataset's, then the new ones.
    new_samples : ndarray of shape (n_new, ...) or None
        The new items' samples, in the dataset's dtype; ``None`` when they
        are copies of original items.
    new_sources : ndarray of shape (n_new,) or None
        For copies, the index in ``dataset`` of the item each new one
        repeats; ``None`` otherwise.

    See Also
    --------
    torch.utils.data.WeightedRandomSampler : Re-balancing by drawing
        original items more often, without new ones.

    Examples
    --------
    >>> import torch
    >>> from imblearn.over_sampling import RandomOverSampler, SMOTE
    >>> from imblearn_deepsmote.torch import OverSampledDataset
    >>> images = torch.rand(60, 1, 8, 8)
    >>> labels = torch.tensor([0] * 50 + [1] * 10)
    >>> dataset = torch.utils.data.TensorDataset(images, labels)
    >>> balanced = OverSampledDataset(dataset, SMOTE(random_state=0))
    >>> len(balanced), balanced[59][1].item(), balanced[60][0].shape
    (100, 1, torch.Size([1, 8, 8]))
    >>> copies = OverSampledDataset(dataset, RandomOverSampler(random_state=0))
    >>> copies.new_samples is None, len(copies.new_sources)
    (True, 40)
    >>> loader = torch.utils.data.DataLoader(balanced, batch_size=16, shuffle=True)
    >>> x, y = next(iter(loader))
    >>> x.shape
    torch.Size([16, 1, 8, 8])
    """

    def __init__(
        self,
        dataset: torch.utils.data.Dataset,
        sampler: Any,
        *,
        labels: ArrayLike | None = None,
    ) -> None:
        self.dataset = dataset
        self.sampler = sampler
        self.labels = labels
        _check_sampler(sampler)
        self._items = ItemReader.of(dataset)
        self._y = self._read_labels()
        self.sampler_ = clone(sampler)
        self._rng = check_random_state(getattr(self.sampler_, "random_state", None))
        self._make_new_items(seed=None)

    def _read_labels(self) -> np.ndarray:
        n_items = len(self._items)
        if self.labels is not None:
            y, source = np.asarray(self.labels), "labels"
        elif hasattr(self.dataset, "targets"):
            y, source = np.asarray(self.dataset.targets), "dataset.targets"
        else:
            return self._items.labels()
        if y.ndim != 1 or len(y) != n_items:
            raise ValueError(
                f"{source} must hold one label per item: it has shape {y.shape} "
                f"but the dataset has {n_items} items."
            )
        return y

    def refresh(self, random_state: int | np.random.RandomState | None = None):
        """Replace the new items with fresh ones; the original items stay.

        Nothing is trained again: ``DeepSMOTE`` makes new codes and decodes
        them (:meth:`~imblearn_deepsmote.DeepSMOTE.generate`), other samplers
        run again with another seed.

        Parameters
        ----------
        random_state : int, RandomState instance or None, default=None
            Seed of the new draws. ``None`` takes the next seed of a stream
            started from the sampler's ``random_state``: with an int, the
            same sequence of refreshes every time.

        Returns
        -------
        self
        """
        seed = draw_seed(self._rng if random_state is None else random_state)
        self._make_new_items(seed=seed)
        return self

    def _make_new_items(self, seed: int | None) -> None:
        """``new_samples`` / ``new_sources`` and ``targets``; ``seed`` to refresh."""
        sampler, y = self.sampler_, self._y
        self.new_samples = self.new_sources = None
        if isinstance(sampler, DeepSMOTE):
            if seed is None:
                self.new_samples, y_new = sampler._resample_items(self._items, y)
            else:
                self.new_samples, y_new = self._generate(np.random.RandomState(seed))
        else:
            if seed is not None:
                sampler.set_params(random_state=seed)
            if _copies_items(sampler):
                positions = np.arange(len(y)).reshape(-1, 1)
                sampler.fit_resample(positions, y)
                self.new_sources = sampler.sample_indices_[len(y) :]
                y_new = y[self.new_sources]
            else:
                self.new_samples, y_new = self._resample_samples(sampler, y)
        self.targets = np.concatenate([y, y_new])

    def _generate(self, random_state) -> tuple[np.ndarray, np.ndarray]:
        """Fresh samples from a fitted DeepSMOTE, as many per class as before."""
        y_new = self.targets[len(self._y) :]
        labels, first = np.unique(y_new, return_index=True)
        samples, new_labels = [], []
        for label in labels[np.argsort(first)]:
            n = int(np.sum(y_new == label))
            samples.append(self.sampler_.generate(n, label, random_state))
            new_labels.append(np.full(len(samples[-1]), label, y_new.dtype))
        return np.concatenate(samples), np.concatenate(new_labels)

    def _resample_samples(self, sampler, y) -> tuple[np.ndarray, np.ndarray]:
        """Run ``sampler`` on the samples it needs; its new samples and labels."""
        strategy = check_sampling_strategy(
            sampler.sampling_strategy, y, "over-sampling"
        )
        n_new = {label: n for label, n in strategy.items() if n > 0}
        if not n_new:
            return np.empty((0, *self._items.sample_shape), self._items.dtype), y[:0]
        chosen = samples_needed(sampler, y, n_new)
        if len(chosen) < len(y):  # absolute targets, as counted on every item
            counts = dict(zip(*np.unique(y, return_counts=True), strict=True))
            sampler.set_params(
                sampling_strategy={
                    label_value(label): int(counts[label] + n)
                    for label, n in n_new.items()
                }
            )
        samples, _ = self._items.read(chosen)
        rows = samples.reshape(len(samples), -1)
        if rows.dtype.kind != "f":  # interpolated as floats, then rounded
            rows = rows.astype(np.float64)
        rows_res, y_res = sampler.fit_resample(rows, y[chosen])
        new = as_dtype(rows_res[len(rows) :], self._items.dtype)
        return new.reshape(-1, *self._items.sample_shape), y_res[len(rows) :]

    def __len__(self) -> int:
        return len(self.targets)

    def __getitem__(self, index: int) -> tuple[Any, Any]:
        index = operator.index(index)
        n_items, n_all = len(self._y), len(self.targets)
        if index < 0:
            index += n_all
        if not 0 <= index < n_all:
            raise IndexError(f"index {index} is out of range for {n_all} items.")
        if index < n_items:
            return self.dataset[index]
        if self.new_sources is not None:
            return self.dataset[int(self.new_sources[index - n_items])]
        x = self.new_samples[index - n_items].copy()
        label = label_value(self.targets[index])
        if self._items.tensor_label_dtype is not None:
            label = torch.tensor(label, dtype=self._items.tensor_label_dtype)
        return (torch.from_numpy(x) if self._items.tensor_samples else x), label


def _check_sampler(sampler) -> None:
    if not hasattr(sampler, "fit_resample"):
        raise TypeError(
            "sampler must be an imbalanced-learn over-sampler, with fit_resample "
            f"(RandomOverSampler, SMOTE, DeepSMOTE, ...); got {sampler!r}."
        )
    kind = getattr(sampler, "_sampling_type", "over-sampling")
    if kind != "over-sampling":
        raise ValueError(
            f"sampler {type(sampler).__name__} is an {kind} sampler: "
            "OverSampledDataset keeps every item and adds new ones, so it takes "
            "over-samplers only. To draw the items of small classes more often "
            "without new ones, use torch.utils.data.WeightedRandomSampler."
        )


def _copies_items(sampler) -> bool:
    """Whether the sampler's new samples are copies of items (no pixels needed)."""
    return isinstance(sampler, RandomOverSampler) and sampler.shrinkage is None
