"""
==============================================
Tabular data as images: ``TabularToImage``
==============================================

DeepSMOTE was designed for images: a convolutional autoencoder learns which
pixels go together. :class:`~imblearn_deepsmote.TabularToImage` lays the
columns of a table out on a small grid, one feature per pixel, so that the
convolutional autoencoder can be used on tabular data too. With
``arrangement="correlation"`` strongly correlated features become neighbouring
pixels.

This example makes the breast-cancer dataset more imbalanced and compares, in
cross-validation, SMOTE, DeepSMOTE with its MLP autoencoder on the raw
features, and DeepSMOTE with a convolutional autoencoder on the feature images.
"""

# Authors: imblearn-deepsmote developers
# License: BSD 3-Clause
import matplotlib.pyplot as plt
import numpy as np
from imblearn.over_sampling import SMOTE
from imblearn.pipeline import make_pipeline
from sklearn.datasets import load_breast_cancer
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import StratifiedKFold, cross_validate
from sklearn.preprocessing import StandardScaler

from imblearn_deepsmote import DeepSMOTE, TabularToImage

# %%
# An imbalanced tabular dataset
# -----------------------------
# ``load_breast_cancer`` has 30 features, 212 malignant (label 0) and 357
# benign tumours (label 1). We keep 36 malignant ones: an imbalance ratio of
# about 10.
data = load_breast_cancer()
rng = np.random.default_rng(0)
malignant = rng.choice(np.flatnonzero(data.target == 0), 36, replace=False)
keep = np.sort(np.concatenate([malignant, np.flatnonzero(data.target == 1)]))
X, y = data.data[keep], data.target[keep]
print("class counts:", np.bincount(y).tolist())

# %%
# Features as pixels
# ------------------
# 30 features fit on an 8 x 8 grid (the smallest grid the convolutional
# autoencoder accepts); the remaining 34 cells hold ``fill_value=0``. Each
# feature is scaled to ``[0, 1]`` first, so that all pixels share one scale.
to_image = TabularToImage(arrangement="correlation").fit(X)
print("image shape:", to_image.image_shape_)

fig, axes = plt.subplots(1, 2, figsize=(7, 3.5))
names = np.full(to_image.image_shape_[1:], "", dtype=object)
for name, (row, col) in zip(
    data.feature_names.tolist(), to_image.feature_positions_, strict=True
):
    names[row, col] = name
images = to_image.transform(X)
for ax, label, title in zip(axes, (0, 1), ("malignant", "benign"), strict=True):
    ax.imshow(
        images[y == label].mean(axis=0).reshape(8, 8), cmap="viridis", vmin=0, vmax=1
    )
    ax.set_title(f"mean {title} image")
    ax.set_xticks([])
    ax.set_yticks([])
fig.tight_layout()
print("features on the first two rows of the grid:")
for row in names[:2]:
    print(" | ".join(row))


# %%
# Three pipelines
# ---------------
# ``image_shape="square"`` tells DeepSMOTE that each row is a square
# one-channel image (here 8 x 8). :class:`~imblearn_deepsmote.TabularToImage`
# has an ``inverse_transform``, but a classifier can use the pixels directly:
# the unused cells are constant.
def classifier():
    return make_pipeline(StandardScaler(), LogisticRegression(max_iter=1000))


models = {
    "SMOTE": make_pipeline(StandardScaler(), SMOTE(random_state=0), classifier()),
    "DeepSMOTE (MLP)": make_pipeline(
        StandardScaler(),
        DeepSMOTE(random_state=0),
        classifier(),
    ),
    "TabularToImage + DeepSMOTE (conv)": make_pipeline(
        TabularToImage(arrangement="correlation"),
        DeepSMOTE(image_shape="square", random_state=0),
        classifier(),
    ),
}
cv = StratifiedKFold(n_splits=5, shuffle=True, random_state=0)
balanced = {}
for name, model in models.items():
    scores = cross_validate(
        model, X, y, cv=cv, scoring=("balanced_accuracy", "f1_macro")
    )
    bacc, f1 = scores["test_balanced_accuracy"], scores["test_f1_macro"]
    balanced[name] = bacc
    print(
        f"{name:<34} balanced accuracy {bacc.mean():.3f} ± {bacc.std():.3f}"
        f"   macro F1 {f1.mean():.3f} ± {f1.std():.3f}"
    )

# %%
# Are the differences larger than the fold-to-fold spread? The folds are the
# same for the three pipelines, so the differences can be paired by fold.
for name in list(models)[1:]:
    diff = balanced[name] - balanced["SMOTE"]
    ahead = int(np.sum(diff > 0))
    print(
        f"{name} - SMOTE: {diff.mean():+.3f} ± {diff.std():.3f} "
        f"(ahead on {ahead} of {len(diff)} folds)"
    )

# %%
# The image route can pay off when neighbouring features carry related
# information; the MLP autoencoder is the simpler default for tabular rows,
# and on tables in general SMOTE is the baseline to beat (see the
# :ref:`evidence <evidence_tabular>`).
plt.show()
