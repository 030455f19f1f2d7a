"""
=========================================
Real and generated images, class by class
=========================================

:func:`~imblearn_deepsmote.plot_real_vs_synthetic` shows, for each class, a row
of real images above a row of synthetic ones. This example compares the images
that :class:`~imblearn_deepsmote.DeepSMOTE` decodes from its latent space, with
each reading of its permutation penalty, with those that plain
:class:`~imblearn.over_sampling.SMOTE` makes by interpolating pixels.
"""

# Authors: imblearn-deepsmote developers
# License: BSD 3-Clause
import matplotlib.pyplot as plt
import numpy as np
from imblearn.datasets import make_imbalance
from imblearn.over_sampling import SMOTE
from sklearn.datasets import load_digits

from imblearn_deepsmote import DeepSMOTE, plot_real_vs_synthetic

MAX_EPOCHS = 100
# sphinx_gallery_start_ignore
# Quick mode: the test suite and the CI documentation build set
# IMBLEARN_DEEPSMOTE_QUICK=1 to train for fewer epochs (docs/conf.py).
import os  # noqa: E402

QUICK = os.environ.get("IMBLEARN_DEEPSMOTE_QUICK") == "1"
if QUICK:
    MAX_EPOCHS = 20
# sphinx_gallery_end_ignore

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
# DeepSMOTE with the paper's ``penalty="paper"``, DeepSMOTE with the released
# code's ``penalty="reference"``, and SMOTE in pixel space (DeepSMOTE's default
# is ``penalty=None``: no penalty). DeepSMOTE trains for a fixed number of
# epochs here (``n_iter_no_change=None`` disables early stopping). The
# synthetic rows follow the originals: ``X_res[len(X):]``.
samplers = {
    'DeepSMOTE, penalty="paper"': DeepSMOTE(
        image_shape=(8, 8),
        penalty="paper",
        max_epochs=MAX_EPOCHS,
        n_iter_no_change=None,
        random_state=0,
    ),
    'DeepSMOTE, penalty="reference"': DeepSMOTE(
        image_shape=(8, 8),
        penalty="reference",
        max_epochs=MAX_EPOCHS,
        n_iter_no_change=None,
        random_state=0,
    ),
    "SMOTE": SMOTE(random_state=0),
}
synthetic = {}
for name, sampler in samplers.items():
    X_res, y_res = sampler.fit_resample(X, y)
    synthetic[name] = X_res[len(X) :], y_res[len(X) :]

# %%
# DeepSMOTE with the paper's penalty
# ----------------------------------
# The paper's penalty trains the decoder to turn the code of one image into
# *another* image of the same class. The best it can do is to draw something
# close to the class average, so the images it generates are smooth and alike.
name = 'DeepSMOTE, penalty="paper"'
fig, axes = plot_real_vs_synthetic(X, y, *synthetic[name], image_shape=(8, 8))
fig.suptitle(name)
plt.show()

# %%
# DeepSMOTE with the released code's penalty
# ------------------------------------------
# The released code's penalty is a reconstruction loss in disguise (see the
# :ref:`User Guide <penalty>`): the decoder learns to reproduce its input, and
# the generated images keep more of the strokes' variety.
name = 'DeepSMOTE, penalty="reference"'
fig, axes = plot_real_vs_synthetic(X, y, *synthetic[name], image_shape=(8, 8))
fig.suptitle(name)
plt.show()

# %%
# SMOTE in pixel space
# --------------------
# Each image is a pixel-wise blend of two real images of the class; at 8 x 8
# pixels the blends still look like digits, sometimes with doubled strokes.
fig, axes = plot_real_vs_synthetic(X, y, *synthetic["SMOTE"], image_shape=(8, 8))
fig.suptitle("SMOTE")
plt.show()

# %%
# How varied are the new images?
# ------------------------------
# The standard deviation of each pixel within a class, averaged over pixels
# and over the minority classes: lower means more alike. Which sampler helps a
# classifier most is a separate question; see the :ref:`benchmarks
# <benchmarks>`.
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
sampler = samplers['DeepSMOTE, penalty="reference"']
X_more = sampler.generate(12, target_class=5, random_state=1)
fig, axes = plot_real_vs_synthetic(
    X, y, X_more, np.full(len(X_more), 5), image_shape=(8, 8), n_per_class=12
)
plt.show()
