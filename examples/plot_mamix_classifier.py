"""
======================================================
Margin-aware Mixup with ``MAMixClassifier``
======================================================

:class:`~imblearn_deepsmote.MAMixClassifier` is a skorch neural-network
classifier trained with margin-aware Mixup (MAMix): each training batch is
mixed with a shuffled copy of itself, and the label of the *rarer* class of
each pair gets more weight than its share of the pixels. The margins come from
the class counts, which leads to the one pitfall shown at the end: after a
sampler that balances the data, MAMix has nothing left to work with.
"""

# Authors: imblearn-deepsmote developers
# License: BSD 3-Clause
from collections import Counter

import matplotlib.pyplot as plt
import numpy as np
from imblearn.over_sampling import SMOTE
from imblearn.pipeline import make_pipeline
from sklearn.datasets import load_digits
from sklearn.metrics import balanced_accuracy_score

from imblearn_deepsmote import MAMixClassifier, mamix_weights

MAX_EPOCHS = 60
# sphinx_gallery_start_ignore
# Quick mode: the test suite and the CI documentation build set
# IMBLEARN_DEEPSMOTE_QUICK=1 to train for fewer epochs (docs/conf.py).
import os  # noqa: E402

QUICK = os.environ.get("IMBLEARN_DEEPSMOTE_QUICK") == "1"
if QUICK:
    MAX_EPOCHS = 20
# sphinx_gallery_end_ignore

# %%
# The MAMix label rule
# --------------------
# A pair mixes an anchor ``x_i`` and a partner ``x_j`` into
# ``(1 - lam) * x_i + lam * x_j``. Plain Mixup gives the anchor's label the
# weight ``1 - lam``. MAMix moves the point where both labels weigh 1/2 to
# ``mu = 1 / (1 + (n_i / n_j) ** 0.25)``: a majority anchor paired with a
# minority partner gives up its label early, a minority anchor keeps it longer.
# :func:`~imblearn_deepsmote.mamix_weights` computes the anchor's weight.
lam = np.linspace(0, 1, 201)
fig, ax = plt.subplots(figsize=(5, 3.5))
for n_anchor, n_partner in [(5000, 50), (5000, 500), (500, 500), (50, 5000)]:
    weight = mamix_weights(lam, n_anchor=n_anchor, n_partner=n_partner)
    ax.plot(lam, weight, label=f"{n_anchor} vs {n_partner}")
ax.axhline(0.5, color="gray", lw=0.8, ls=":")
ax.set_xlabel("partner's share of the input, lam")
ax.set_ylabel("weight of the anchor's label")
ax.legend(title="n_anchor vs n_partner")
fig.tight_layout()

# %%
# Imbalanced digits
# -----------------
# As in the other examples: about 150 training images of digit 0 down to 8
# of digit 9, and a balanced test set of 30 images per digit. Pixels are scaled
# to ``[0, 1]``.
X_all, y_all = load_digits(return_X_y=True)
X_all = (X_all / 16).astype(np.float32)
counts = np.geomspace(150, 8, num=10).round().astype(int)
rng = np.random.default_rng(0)
train, test = [], []
for digit, n_train in enumerate(counts):
    members = rng.permutation(np.flatnonzero(y_all == digit))
    test.extend(members[:30])
    train.extend(members[30 : 30 + n_train])
X_train, y_train = X_all[train], y_all[train]
X_test, y_test = X_all[test], y_all[test]


# %%
# Train with MAMix
# ----------------
# ``image_shape=(8, 8)`` gives a small CNN; without it the default network is
# an MLP. Deferred re-weighting (``drw=True``, the default) re-weights the
# loss by class-balanced weights in the last 20% of the epochs. For
# comparison, ``mamix_ratio=0`` is plain Mixup (with the same re-weighting).
def make_classifier(**params):
    return MAMixClassifier(
        image_shape=(8, 8), max_epochs=MAX_EPOCHS, random_state=0, **params
    )


mamix = make_classifier().fit(X_train, y_train)
mixup = make_classifier(mamix_ratio=0.0).fit(X_train, y_train)
print("class counts used for the margins:", mamix.class_counts_.astype(int).tolist())
for name, clf in [("MAMix", mamix), ("Mixup", mixup)]:
    score = balanced_accuracy_score(y_test, clf.predict(X_test))
    print(f"{name:<6} balanced accuracy {score:.3f}")

# %%
# ``MAMixClassifier`` is a :class:`skorch.NeuralNetClassifier`: its
# ``history`` holds the training loss of every epoch, and the ``drw`` column
# shows when re-weighting switched on.
for epoch, loss, drw in mamix.history[-3:, ("epoch", "train_loss", "drw")]:
    print(f"epoch {epoch:>3}  train loss {loss:.3f}  re-weighting {drw}")

# %%
# The pitfall: class counts after balancing
# -----------------------------------------
# In a pipeline, a sampler such as :class:`~imblearn.over_sampling.SMOTE` or
# :class:`~imblearn_deepsmote.DeepSMOTE` hands the classifier *balanced*
# labels. ``MAMixClassifier`` counts the labels it receives, so every pair gets
# ``mu = 1/2``: MAMix silently becomes plain Mixup and DRW re-weights nothing.
naive = make_pipeline(SMOTE(random_state=0), make_classifier())
naive.fit(X_train, y_train)
print("counts seen after SMOTE:", naive[-1].class_counts_.astype(int).tolist())

# %%
# Two fixes. Either pass the counts of the data *before* resampling, as
# ``class_counts`` (a dict from label to count, or an array in the order of
# the sorted labels) ...
original_counts = dict(Counter(y_train.tolist()))
fixed = make_pipeline(
    SMOTE(random_state=0), make_classifier(class_counts=original_counts)
)
fixed.fit(X_train, y_train)
print("counts used:", fixed[-1].class_counts_.astype(int).tolist())

# %%
# ... or balance only partially, so that the counts the classifier sees are
# still unequal: here every minority class is over-sampled to half of the
# majority class (classes already larger are left alone).
train_counts = np.bincount(y_train)
half = {label: max(n, train_counts.max() // 2) for label, n in enumerate(train_counts)}
partial = make_pipeline(
    SMOTE(sampling_strategy=half, random_state=0), make_classifier()
)
partial.fit(X_train, y_train)
print(
    "counts seen after partial SMOTE:", partial[-1].class_counts_.astype(int).tolist()
)

for name, model in [
    ("SMOTE + MAMix, counts after SMOTE", naive),
    ("SMOTE + MAMix, original counts", fixed),
    ("partial SMOTE + MAMix", partial),
]:
    score = balanced_accuracy_score(y_test, model.predict(X_test))
    print(f"{name:<35} balanced accuracy {score:.3f}")

# %%
# Or use MAMix *instead of* over-sampling, as in the paper. With a few hundred
# training images and one split, small differences between these scores are
# noise; what matters is which counts set the margins.
plt.show()
