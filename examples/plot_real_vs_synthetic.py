"""
=========================================
Real and generated images, class by class
=========================================

:func:`~imblearn_deepsmote.plot_real_vs_synthetic` shows, for each class, a row
of real images above a row of synthetic ones. This example compares the images
that :class:`~imblearn_deepsmote.DeepSMOTE` makes with its defaults (latent
noise and residual decoding), those of DeepSMOTE as published (plain latent
SMOTE, decoded directly, with the paper's permutation penalty), and those of
plain :class:`~imblearn.over_sampling.SMOTE`, which interpolates pixels.
"""

# Authors: imblearn-deepsmote developers
# License: BSD 3-Clause
import matplotlib.pyplot as plt
import numpy as np
from imblearn.datasets import make_imbalance
from imblearn.over_sampling import SMOTE
from sklearn.datasets import load_digits

from imblearn_deepsmote import Autoencoder, DeepSMOTE, plot_real_vs_synthetic

# %%
# Data
# ----
# 150 images of each of the digits 0, 1 and 2, and only 15 of each of the
# digits 3 to 6.
X_all, y_all = load_digits(n_class=7, return_X_y=True)
X, y = make_imbalance(
    X_all,
    y_all,
    sampling_strategy={digit: 150 if digit < 3 else 15 for digit in range(7)},
    random_state=0,
)

# %%
# Three samplers
# --------------
# DeepSMOTE with its defaults, DeepSMOTE as the paper describes it (no latent
# noise, direct decoding, the paper's ``penalty="paper"``) and SMOTE in pixel
# space. Both autoencoders train with the default budget (at most 20 epochs).
# The synthetic rows follow the originals: ``X_res[len(X):]``.
samplers = {
    "DeepSMOTE (defaults)": DeepSMOTE(image_shape=(8, 8), random_state=0),
    "DeepSMOTE as published": DeepSMOTE(
        autoencoder=Autoencoder(penalty="paper"),
        image_shape=(8, 8),
        latent_noise=0.0,
        decoding="direct",
        random_state=0,
    ),
    "SMOTE": SMOTE(random_state=0),
}
synthetic = {}
for name, sampler in samplers.items():
    X_res, y_res = sampler.fit_resample(X, y)
    synthetic[name] = X_res[len(X) :], y_res[len(X) :]

# %%
# DeepSMOTE with its defaults
# ---------------------------
# Each new latent code is interpolated between two codes of the class, then
# moved by Gaussian noise of 0.75 times the spread of the codes within a class
# (``latent_noise="auto"`` for images): the decoder turns that into the kind
# of variation the well-populated classes show (stroke width, slant, gaps).
# Residual decoding adds back the detail of the two real images that the
# autoencoder does not reconstruct. Expect images that vary more than the few
# real ones do, some of them odd; what this does for a downstream classifier
# is measured in the :ref:`evidence <evidence_defaults>`.
name = "DeepSMOTE (defaults)"
fig, axes = plot_real_vs_synthetic(X, y, *synthetic[name], image_shape=(8, 8))
fig.suptitle(name)
plt.show()

# %%
# DeepSMOTE as published
# ----------------------
# The paper's penalty trains the decoder to turn the code of one image into
# *another* image of the same class. The best it can do is to draw something
# close to the class average, so expect smooth images that look alike (see the
# :ref:`User Guide <penalty>`); the spread measured below says how alike.
name = "DeepSMOTE as published"
fig, axes = plot_real_vs_synthetic(X, y, *synthetic[name], image_shape=(8, 8))
fig.suptitle(name)
plt.show()

# %%
# SMOTE in pixel space
# --------------------
# Each image is a pixel-wise blend of two real images of the class: at 8 x 8
# pixels blends mostly still look like digits; look for doubled strokes.
fig, axes = plot_real_vs_synthetic(X, y, *synthetic["SMOTE"], image_shape=(8, 8))
fig.suptitle("SMOTE")
plt.show()

# %%
# How varied are the new images?
# ------------------------------
# The standard deviation of each pixel within a class, averaged over pixels
# and over the minority classes: lower means more alike. Which sampler helps a
# classifier most is a separate question; see the :ref:`evidence <evidence>`.
minority = [3, 4, 5, 6]


def spread(X_part, y_part):
    return np.mean([X_part[y_part == c].std(axis=0).mean() for c in minority])


print(f"{'real images':<32} {spread(X, y):.2f}")
for name, (X_new, y_new) in synthetic.items():
    print(f"{name:<32} {spread(X_new, y_new):.2f}")

# %%
# A few classes only
# ------------------
# ``classes`` picks the classes and their order; ``n_per_class`` the number of
# columns. :meth:`~imblearn_deepsmote.DeepSMOTE.generate` draws new samples
# from a fitted sampler without retraining.
sampler = samplers["DeepSMOTE (defaults)"]
X_more = sampler.generate(12, target_class=5, random_state=1)
fig, axes = plot_real_vs_synthetic(
    X, y, X_more, np.full(len(X_more), 5), image_shape=(8, 8), n_per_class=12
)
plt.show()
