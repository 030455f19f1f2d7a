"""
==================================
Training curves of the autoencoder
==================================

A fitted :class:`~imblearn_deepsmote.DeepSMOTE` keeps its trained
:class:`~imblearn_deepsmote.Autoencoder` in ``autoencoder_``, whose skorch
``history_`` records every epoch: the reconstruction loss and, when they are
used, the permutation penalty and their weighted total.
:func:`~imblearn_deepsmote.plot_history` draws them. This example trains the
autoencoder with each ``penalty`` setting and plots the curves side by side.
"""

# Authors: imblearn-deepsmote developers
# License: BSD 3-Clause
import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from imblearn.datasets import make_imbalance
from sklearn.datasets import load_digits

from imblearn_deepsmote import Autoencoder, DeepSMOTE, plot_history

# Twice the default budget of 20 epochs, so that the curves show where they
# flatten; with the default the history simply ends earlier.
MAX_EPOCHS = 40

# %%
# Three penalty settings
# ----------------------
# ``"paper"`` decodes the latent code of one image into *another* image of the
# same class, as in the paper's Algorithm 1, so the penalty stays well above
# the reconstruction loss: no decoder can map every code onto a different
# image exactly. ``"reference"`` is what the authors' released code computes:
# a reconstruction loss on a single-class batch that only trains the decoder,
# so it follows the reconstruction loss. ``None`` trains on reconstruction
# alone. ``n_iter_no_change=None`` trains all ``max_epochs`` epochs.
X_all, y_all = load_digits(return_X_y=True)
counts = np.geomspace(150, 8, num=10).round().astype(int)
X, y = make_imbalance(
    X_all, y_all, sampling_strategy=dict(enumerate(counts)), random_state=0
)

# one panel per setting, stacked so that each is drawn at the page's width
fig, axes = plt.subplots(3, 1, figsize=(6, 8), sharex=True, sharey=True)
for ax, penalty in zip(axes, ["paper", "reference", None], strict=True):
    autoencoder = Autoencoder(
        penalty=penalty, max_epochs=MAX_EPOCHS, n_iter_no_change=None
    )
    sampler = DeepSMOTE(autoencoder=autoencoder, image_shape=(8, 8), random_state=0)
    sampler.fit_resample(X, y)
    plot_history(sampler, ax=ax)
    ax.set_title(f"penalty={penalty!r}")
    ax.set_yscale("log")
    last = sampler.autoencoder_.history_[-1]
    penalty_loss = last.get("train_penalty_loss", float("nan"))
    print(
        f"penalty={penalty!r:<12} final reconstruction loss "
        f"{last['train_reconstruction_loss']:.4f}, penalty {penalty_loss:.4f}"
    )
fig.tight_layout()

# %%
# The losses are mean squared errors on the internal pixel scale ``[-1, 1]``.
# With ``penalty=None`` there is no penalty, so the total is the
# reconstruction loss and one curve shows both. Early stopping
# (``n_iter_no_change``, on by default) watches the reconstruction loss, not
# the total. The history is skorch's: index it by epoch and key, or put it in
# a :class:`pandas.DataFrame`.
history = sampler.autoencoder_.history_
columns = ["epoch", "train_reconstruction_loss", "dur"]
table = pd.DataFrame(history[:, columns], columns=columns)
print(table.tail(3).to_string(index=False))
plt.show()
