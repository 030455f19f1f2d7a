"""
=====================================================
Over-sample a torch dataset in a plain training loop
=====================================================

Torch users keep their data in a :class:`~torch.utils.data.Dataset` and
train in their own loop. :class:`~imblearn_deepsmote.OverSampledDataset`
wraps such a dataset and is one: its original items, untouched, then the
new items an imbalanced-learn over-sampler makes. It goes into a
:class:`~torch.utils.data.DataLoader` as any dataset does, and
:meth:`~imblearn_deepsmote.OverSampledDataset.refresh` draws fresh
synthetic items between epochs without training the autoencoder again.

:class:`~imblearn_deepsmote.DeepSMOTE` reads the dataset a batch at a time:
the same code works on a memory-mapped set larger than memory (see the user
guide's :ref:`torch_datasets`).
"""

# Authors: imblearn-deepsmote developers
# License: BSD 3-Clause
import numpy as np
import pandas as pd
import torch
from imblearn.datasets import make_imbalance
from imblearn.over_sampling import RandomOverSampler
from sklearn.datasets import load_digits
from sklearn.metrics import balanced_accuracy_score
from sklearn.model_selection import train_test_split
from torch import nn
from torch.utils.data import DataLoader, Dataset

from imblearn_deepsmote import Autoencoder, DeepSMOTE
from imblearn_deepsmote.torch import OverSampledDataset


# %%
# A torch dataset of imbalanced digits
# ------------------------------------
# scikit-learn's 8 x 8 digits as ``(image, label)`` items: half of them,
# balanced, for testing, and the other half cut down to 80 images of the
# largest class and 6 of the smallest for training. Like torchvision's
# datasets it has its labels as ``targets``, so nothing is read to find them.
class Digits(Dataset):
    """Grey 8 x 8 digits as (1, 8, 8) float tensors in [0, 1]."""

    def __init__(self, images, labels):
        pixels = torch.as_tensor(images, dtype=torch.float32) / 16
        self.images = pixels.reshape(-1, 1, 8, 8)
        self.targets = np.asarray(labels)

    def __len__(self):
        return len(self.targets)

    def __getitem__(self, index):
        return self.images[index], int(self.targets[index])


X, y = load_digits(return_X_y=True)
X_train, X_test, y_train, y_test = train_test_split(
    X, y, test_size=0.5, stratify=y, random_state=0
)
counts = np.geomspace(80, 6, num=10).round().astype(int)
X_train, y_train = make_imbalance(
    X_train, y_train, sampling_strategy=dict(enumerate(counts)), random_state=0
)
train, test = Digits(X_train, y_train), Digits(X_test, y_test)

# %%
# Over-sampled datasets
# ---------------------
# ``RandomOverSampler`` repeats items (it reads no image and keeps none);
# ``DeepSMOTE`` trains its autoencoder on the dataset and keeps the new
# images, in the dataset's dtype. Both are built once, here.
copies = OverSampledDataset(train, RandomOverSampler(random_state=0))
deep = OverSampledDataset(
    train,
    DeepSMOTE(autoencoder=Autoencoder(max_epochs=10, device="cpu"), random_state=0),
)
pd.DataFrame(
    {
        "original": np.bincount(train.targets),
        "RandomOverSampler": np.bincount(copies.targets),
        "DeepSMOTE": np.bincount(deep.targets),
    }
).rename_axis("class")


# %%
# A plain training loop
# ---------------------
# A small CNN trained with Adam on batches of the dataset; with
# ``refresh=True`` the synthetic items are drawn again after every epoch.
# (``DataLoader(..., num_workers=2)`` works too: the dataset pickles.) Networks
# this small train fastest on one CPU thread, as the package's own estimators
# do (:ref:`speed`).
torch.set_num_threads(1)


def train_cnn(dataset, epochs=20, refresh=False):
    torch.manual_seed(0)
    model = nn.Sequential(
        nn.Conv2d(1, 16, 3, padding=1),
        nn.ReLU(),
        nn.Flatten(),
        nn.Linear(16 * 8 * 8, 10),
    )
    optimizer = torch.optim.Adam(model.parameters(), lr=3e-3)
    loader = DataLoader(
        dataset, batch_size=64, shuffle=True, generator=torch.Generator().manual_seed(0)
    )
    for _ in range(epochs):
        for images, labels in loader:
            optimizer.zero_grad()
            nn.functional.cross_entropy(model(images), labels).backward()
            optimizer.step()
        if refresh:
            dataset.refresh()
    return model


def balanced_accuracy(model):
    with torch.no_grad():
        predicted = model(test.images).argmax(dim=1).numpy()
    return balanced_accuracy_score(test.targets, predicted)


scores = {
    "imbalanced": balanced_accuracy(train_cnn(train)),
    "RandomOverSampler": balanced_accuracy(train_cnn(copies)),
    "DeepSMOTE": balanced_accuracy(train_cnn(deep)),
    "DeepSMOTE, refreshed every epoch": balanced_accuracy(
        train_cnn(deep, refresh=True)
    ),
}
pd.Series(scores, name="balanced accuracy").round(3).to_frame()

# %%
# One split and one seed: the ranking of these rows says little on its own.
# The image benchmarks (:ref:`evidence`) compare samplers over seeds and
# data sets.
