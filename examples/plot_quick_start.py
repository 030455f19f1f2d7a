"""
===========
Quick start
===========

:class:`~imblearn_deepsmote.DeepSMOTE` is an imbalanced-learn over-sampler. Its
``fit_resample`` trains an autoencoder on all classes, runs SMOTE in the latent
space of each minority class and decodes the new latent points into new
images. This example over-samples an imbalanced version of scikit-learn's
8 x 8 digits, looks at a few generated images and draws more of them with
:meth:`~imblearn_deepsmote.DeepSMOTE.generate`.
"""

# Authors: imblearn-deepsmote developers
# License: BSD 3-Clause
from collections import Counter

import matplotlib.pyplot as plt
import numpy as np
from imblearn.datasets import make_imbalance
from sklearn.datasets import load_digits

from imblearn_deepsmote import DeepSMOTE

# %%
# An imbalanced image dataset
# ---------------------------
# ``load_digits`` holds about 180 images of each digit, as rows of 64 pixel
# values (0 to 16). We keep 150 images of digit 0 and fewer and fewer of the
# following digits, down to 8 of digit 9: an imbalance ratio of about 20.
X_all, y_all = load_digits(return_X_y=True)
counts = np.geomspace(150, 8, num=10).round().astype(int)
X, y = make_imbalance(
    X_all, y_all, sampling_strategy=dict(enumerate(counts)), random_state=0
)
print("class counts:", sorted(Counter(y.tolist()).items()))

# %%
# Over-sample with DeepSMOTE
# --------------------------
# Each row is a flattened image, so we pass ``image_shape=(8, 8)``: DeepSMOTE
# then trains a small convolutional autoencoder (tabular rows, without
# ``image_shape``, get an MLP autoencoder). By default every minority class is
# over-sampled up to the size of the majority class, as with
# :class:`~imblearn.over_sampling.SMOTE`. Every other setting is the default:
# the autoencoder trains for at most 20 epochs, on a GPU when there is one.
sampler = DeepSMOTE(image_shape=(8, 8), random_state=0)
X_res, y_res = sampler.fit_resample(X, y)
print("after DeepSMOTE:", sorted(Counter(y_res.tolist()).items()))
autoencoder = sampler.autoencoder_  # the fitted Autoencoder estimator
print(f"trained {len(autoencoder.history_)} epochs on {autoencoder.device_}")

# %%
# The original rows come first, unchanged; the synthetic rows follow, class by
# class.
X_new, y_new = X_res[len(X) :], y_res[len(X) :]
print("originals kept:", bool(np.array_equal(X_res[: len(X)], X)))
print("synthetic rows:", X_new.shape)

# %%
# A few real and synthetic images of the rarest digit
# ---------------------------------------------------
# The top row shows real images of digit 9, the bottom row new ones.
fig, axes = plt.subplots(2, 6, figsize=(6, 2.4))
for ax, image in zip(axes[0], X[y == 9], strict=False):
    ax.imshow(image.reshape(8, 8), cmap="gray_r")
for ax, image in zip(axes[1], X_new[y_new == 9], strict=False):
    ax.imshow(image.reshape(8, 8), cmap="gray_r")
for ax in axes.ravel():
    ax.set_axis_off()
axes[0, 0].set_title("real", loc="left")
axes[1, 0].set_title("DeepSMOTE", loc="left")
fig.tight_layout()

# %%
# More samples without retraining
# -------------------------------
# The fitted sampler keeps its autoencoder and the latent codes of the
# training data, so :meth:`~imblearn_deepsmote.DeepSMOTE.generate` draws as many
# new images of a class as you ask for, and
# :meth:`~imblearn_deepsmote.DeepSMOTE.encode` and
# :meth:`~imblearn_deepsmote.DeepSMOTE.decode` give access to the latent space.
extra = sampler.generate(100, target_class=9, random_state=0)
latent = sampler.encode(X[:5])
print("generated:", extra.shape, "latent codes:", latent.shape)
print("pixel range of the generated images:", extra.min(), extra.max())

plt.show()
