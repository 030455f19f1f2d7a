"""
======================================================
Bringing your own classifier or network
======================================================

:class:`~imblearn_deepsmote.DeepSMOTE` returns numpy arrays, so any
classifier can follow it: a skorch net, a torch training loop of your own, or
a scikit-learn estimator. Both torch estimators of the package also take your
network: an :class:`~imblearn_deepsmote.Autoencoder` built from your encoder
and decoder, and a :class:`~imblearn_deepsmote.MAMixClassifier` around your
classifier module. This example does all four on imbalanced 8 x 8 digits, with
few epochs: it shows the wiring, not the best scores.
"""

# Authors: imblearn-deepsmote developers
# License: BSD 3-Clause
from collections import Counter

import numpy as np
import torch
from imblearn.pipeline import make_pipeline
from sklearn.datasets import load_digits
from sklearn.metrics import balanced_accuracy_score
from sklearn.model_selection import train_test_split
from sklearn.preprocessing import FunctionTransformer
from skorch import NeuralNetClassifier
from torch import nn

from imblearn_deepsmote import Autoencoder, DeepSMOTE, MAMixClassifier

torch.set_num_threads(1)  # tiny networks: one thread is fastest on a CPU

# %%
# Imbalanced digits
# -----------------
# 8 x 8 images as 64 columns of pixels in ``[0, 16]`` (float64), from 120
# images of digit 0 down to 12 of digit 9, and a stratified test split.
X_all, y_all = load_digits(return_X_y=True)
keep = np.concatenate(
    [np.flatnonzero(y_all == d)[: round(120 / 10 ** (d / 9))] for d in range(10)]
)
X_train, X_test, y_train, y_test = train_test_split(
    X_all[keep], y_all[keep], test_size=0.3, stratify=y_all[keep], random_state=0
)
print("training images per digit:", np.bincount(y_train).tolist())


def score(model):
    """Balanced accuracy on the test split, in percent."""
    return 100 * balanced_accuracy_score(y_test, model.predict(X_test))


# %%
# A skorch classifier after DeepSMOTE
# -----------------------------------
# DeepSMOTE keeps the dtype of ``X``: float64 pixels come back as float64.
# A torch network's weights are float32, and skorch hands the network what it
# is given, so the rows must be cast on the way in, or the first forward pass
# fails with ``RuntimeError: Input type (double) and bias type (float) should
# be the same`` (``mat1 and mat2 must have the same dtype`` for a linear
# layer). A :class:`~sklearn.preprocessing.FunctionTransformer` in the
# pipeline casts the rows for fitting and for predicting alike.
class SmallConvNet(nn.Module):
    """A small CNN for flattened 8 x 8 images: rows in, logits out."""

    def __init__(self, n_classes=10):
        super().__init__()
        self.net = nn.Sequential(
            nn.Unflatten(1, (1, 8, 8)),
            nn.Conv2d(1, 16, 3, padding=1),
            nn.ReLU(),
            nn.MaxPool2d(2),
            nn.Flatten(),
            nn.Linear(16 * 4 * 4, n_classes),
        )

    def forward(self, x):
        return self.net(x)


def as_float32(X):
    return np.asarray(X, dtype=np.float32)


def skorch_classifier(seed=0):
    """DeepSMOTE, the float32 cast, then a skorch net."""
    torch.manual_seed(seed)  # skorch initialises the network from torch's RNG
    return make_pipeline(
        DeepSMOTE(
            autoencoder=Autoencoder(max_epochs=5), image_shape=(8, 8), random_state=seed
        ),
        FunctionTransformer(as_float32),
        NeuralNetClassifier(
            SmallConvNet,
            criterion=nn.CrossEntropyLoss,
            optimizer=torch.optim.Adam,
            lr=1e-2,
            max_epochs=10,
            batch_size=64,
            iterator_train__shuffle=True,
            train_split=None,
            verbose=0,
        ),
    )


skorch_model = skorch_classifier().fit(X_train, y_train)
print(f"skorch CNN after DeepSMOTE: {score(skorch_model):.1f} % balanced accuracy")

# %%
# Without the cast, the float64 rows reach the network as they are:
without_cast = skorch_classifier()
without_cast.steps.pop(1)  # the FunctionTransformer
try:
    without_cast.fit(X_train, y_train)
except RuntimeError as error:
    print("without the cast:", type(error).__name__, str(error).splitlines()[0])


# %%
# The same network trained by plain torch
# ---------------------------------------
# Outside a pipeline, resample once and train as you always do: the resampled
# rows are a numpy array (originals first, then the synthetic rows), cast to
# float32 tensors.
def train_plain_torch(X, y, seed=0, epochs=10):
    """Resample with DeepSMOTE, then train SmallConvNet with a torch loop."""
    sampler = DeepSMOTE(
        autoencoder=Autoencoder(max_epochs=5), image_shape=(8, 8), random_state=seed
    )
    X_res, y_res = sampler.fit_resample(X, y)
    inputs = torch.as_tensor(X_res, dtype=torch.float32)
    targets = torch.as_tensor(y_res, dtype=torch.long)
    generator = torch.Generator().manual_seed(seed)
    torch.manual_seed(seed)
    network = SmallConvNet()
    optimizer = torch.optim.Adam(network.parameters(), lr=1e-2)
    for _ in range(epochs):
        for batch in torch.randperm(len(inputs), generator=generator).split(64):
            optimizer.zero_grad()
            loss = nn.functional.cross_entropy(network(inputs[batch]), targets[batch])
            loss.backward()
            optimizer.step()
    return network.eval()


network = train_plain_torch(X_train, y_train)
with torch.no_grad():
    logits = network(torch.as_tensor(X_test, dtype=torch.float32))
plain = 100 * balanced_accuracy_score(y_test, logits.argmax(1).numpy())
print(f"plain-torch CNN after DeepSMOTE: {plain:.1f} % balanced accuracy")


# %%
# Your own autoencoder
# --------------------
# ``Autoencoder(module=...)`` takes a factory ``(input_shape, latent_dim) ->
# (encoder, decoder)``. For images, ``input_shape`` is ``(C, H, W)`` and the
# encoder gets batches of that shape, each pixel scaled to ``[-1, 1]`` (the
# default ``scaler``); the decoder maps codes of ``latent_dim`` numbers back to
# that shape. The Autoencoder scales, trains, seeds and decodes into the
# input's scale as it does for its own networks, and DeepSMOTE uses it like any
# other.
def conv_autoencoder(input_shape, latent_dim):
    """An encoder and a decoder for (1, 8, 8) images."""
    channels, height, width = input_shape
    encoder = nn.Sequential(
        nn.Conv2d(channels, 8, 3, stride=2, padding=1),  # 8 maps of 4 x 4
        nn.ReLU(),
        nn.Flatten(),
        nn.Linear(8 * (height // 2) * (width // 2), latent_dim),
    )
    decoder = nn.Sequential(
        nn.Linear(latent_dim, channels * height * width),
        nn.Tanh(),  # the inputs are scaled to [-1, 1]
        nn.Unflatten(1, input_shape),
    )
    return encoder, decoder


own_autoencoder = Autoencoder(module=conv_autoencoder, latent_dim=8, max_epochs=5)
sampler = DeepSMOTE(autoencoder=own_autoencoder, image_shape=(8, 8), random_state=0)
X_res, y_res = sampler.fit_resample(X_train, y_train)
print("with your autoencoder, images per digit:", np.bincount(y_res).tolist())
print("its encoder:", sampler.autoencoder_.module_.encoder)


# %%
# Your own network in MAMixClassifier
# -----------------------------------
# ``MAMixClassifier(module=...)`` takes a torch module class (or instance)
# that maps a batch of float32 rows, ``(n, n_features)``, to logits
# ``(n, n_classes)``; ``module__*`` parameters reach its constructor. It is
# trained with margin-aware Mixup, as the default network would be. After
# DeepSMOTE, give it the class counts before over-sampling (``class_counts``),
# or its margins see balanced classes.
mamix = make_pipeline(
    DeepSMOTE(
        autoencoder=Autoencoder(max_epochs=5), image_shape=(8, 8), random_state=0
    ),
    MAMixClassifier(
        module=SmallConvNet,
        module__n_classes=10,
        class_counts=Counter(y_train.tolist()),
        max_epochs=10,
        lr=1e-2,
        random_state=0,
    ),
).fit(X_train, y_train)
print(f"your CNN in MAMixClassifier: {score(mamix):.1f} % balanced accuracy")
