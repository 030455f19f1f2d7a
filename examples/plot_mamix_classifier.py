"""
======================================================
Margin-aware Mixup with ``MAMixClassifier``
======================================================

:class:`~imblearn_deepsmote.MAMixClassifier` is a skorch neural-network
classifier trained with margin-aware Mixup (MAMix): each training batch is
mixed with a shuffled copy of itself, and the label of the *rarer* class of
each pair gets more weight than its share of the pixels. The margins come from
the class counts, which leads to a pitfall: after a sampler that balances the
data, MAMix has nothing left to work with. This example shows the label rule,
the pitfall and its fixes, and compares them with every classifier given the
same number of gradient steps.
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
# of digit 9, and a balanced test set of 30 images per digit, drawn anew for
# each seed. Pixels are scaled to ``[0, 1]``.
def split(seed):
    X_all, y_all = load_digits(return_X_y=True)
    X_all = (X_all / 16).astype(np.float32)
    counts = np.geomspace(150, 8, num=10).round().astype(int)
    rng = np.random.default_rng(seed)
    train, test = [], []
    for digit, n_train in enumerate(counts):
        members = rng.permutation(np.flatnonzero(y_all == digit))
        test.extend(members[:30])
        train.extend(members[30 : 30 + n_train])
    return X_all[train], y_all[train], X_all[test], y_all[test]


# %%
# The same number of gradient steps for every classifier
# -------------------------------------------------------
# A classifier after an over-sampler trains on more rows: with the same
# ``max_epochs`` it would take more gradient steps, and part of any gain
# would come from the longer training. Here every classifier takes
# ``STEPS`` steps of ``BATCH`` rows, whatever the number of rows it sees.
# ``image_shape=(8, 8)`` gives a small CNN (without it, an MLP). Deferred
# re-weighting (``drw=True``, the default) re-weights the loss by
# class-balanced weights in the last 20% of the epochs.
STEPS, BATCH = 600, 128


def make_classifier(n_rows, seed, **params):
    """A MAMixClassifier that takes STEPS gradient steps on ``n_rows`` rows."""
    batches_per_epoch = -(-n_rows // BATCH)
    return MAMixClassifier(
        image_shape=(8, 8),
        max_epochs=max(1, round(STEPS / batches_per_epoch)),
        batch_size=BATCH,
        random_state=seed,
        **params,
    )


# %%
# Five ways to train, and the pitfall
# -----------------------------------
# Plain Mixup is ``mamix_ratio=0`` (with the same re-weighting). In a
# pipeline, a sampler such as :class:`~imblearn.over_sampling.SMOTE` or
# :class:`~imblearn_deepsmote.DeepSMOTE` hands the classifier *balanced*
# labels. ``MAMixClassifier`` counts the labels it receives, so every pair gets
# ``mu = 1/2``: MAMix silently becomes plain Mixup and DRW re-weights nothing
# (the third way below). Two fixes: pass the counts of the data *before*
# resampling as ``class_counts`` (a dict from label to count, or an array in
# the order of the sorted labels), which set the margins while DRW keeps the
# counts of the balanced data it trains on; or balance only partially, so that
# the counts the classifier sees still differ (here every minority class is
# raised to half of the majority: "half SMOTE").
def half_of_majority(y):
    counts = np.bincount(y)
    return {label: max(n, counts.max() // 2) for label, n in enumerate(counts)}


def models(y, seed):
    n_rows, n_balanced = len(y), 10 * np.bincount(y).max()
    half = half_of_majority(y)
    counts = dict(Counter(y.tolist()))
    return {
        "Mixup": make_classifier(n_rows, seed, mamix_ratio=0.0),
        "MAMix": make_classifier(n_rows, seed),
        "SMOTE + MAMix (counts after)": make_pipeline(
            SMOTE(random_state=seed), make_classifier(n_balanced, seed)
        ),
        "SMOTE + MAMix (counts before)": make_pipeline(
            SMOTE(random_state=seed),
            make_classifier(n_balanced, seed, class_counts=counts),
        ),
        "half SMOTE + MAMix": make_pipeline(
            SMOTE(sampling_strategy=half, random_state=seed),
            make_classifier(sum(half.values()), seed),
        ),
    }


# %%
# Three splits
# ------------
# Each way to train runs on the same three splits, so that differences can be
# paired by split.
scores, first_split = {}, {}
for seed in (0, 1, 2):
    X_train, y_train, X_test, y_test = split(seed)
    for name, model in models(y_train, seed).items():
        model.fit(X_train, y_train)
        score = balanced_accuracy_score(y_test, model.predict(X_test))
        scores.setdefault(name, []).append(100 * score)
        if seed == 0:
            first_split[name] = model


# %%
# The counts each classifier used for its margins, on the first split: after
# full SMOTE they are all equal, which is the pitfall.
def counts_text(counts):
    return " ".join(f"{int(n):>3}" for n in counts)


print(f"{'training counts':<30}{counts_text(np.bincount(split(0)[1]))}")
for name, model in first_split.items():
    classifier = model[-1] if hasattr(model, "steps") else model
    print(f"{name:<30}{counts_text(classifier.class_counts_)}")

# %%
# ``MAMixClassifier`` is a :class:`skorch.NeuralNetClassifier`: its
# ``history`` holds the training loss of every epoch, and the ``drw`` column
# shows when re-weighting switched on.
for epoch, loss, drw in first_split["MAMix"].history[
    -3:, ("epoch", "train_loss", "drw")
]:
    print(f"epoch {epoch:>3}  train loss {loss:.3f}  re-weighting {drw}")

# %%
# Balanced accuracy, mean ± standard deviation over the three splits, and the
# difference to MAMix alone, paired by split.
print(f"{'':<30}{'balanced acc. (%)':<18}vs MAMix (points)")
for name, values in scores.items():
    values = np.array(values)
    line = f"{name:<30}{values.mean():4.1f} ± {values.std(ddof=1):<11.1f}"
    if name != "MAMix":
        diff = values - np.array(scores["MAMix"])
        ahead = int(np.sum(diff > 0))
        line += f"{diff.mean():+.1f} ± {diff.std(ddof=1):.1f} ({ahead}/3)"
    print(line)
print("(k/3: the splits on which it beat MAMix alone)")

# %%
# With a few hundred training images and three splits, read every difference
# against its ± spread: a difference smaller than that is not a result. What
# the pitfall costs, and whether over-sampling in front of MAMix pays, depends
# on the data; the :ref:`evidence <evidence_mamix>` measures DeepSMOTE + MAMix
# against MAMix alone on 8 x 8 digits and on larger images, over five seeds.
plt.show()
