"""
=====================================
Tune DeepSMOTE with ``GridSearchCV``
=====================================

:class:`~imblearn_deepsmote.DeepSMOTE` is a scikit-learn estimator, so its
parameters can be searched like any other step's. Inside an
:class:`imblearn.pipeline.Pipeline` the sampler only sees the training folds:
each candidate trains its own autoencoder on each training fold and the
validation fold is never resampled. Here we compare the two readings of
DeepSMOTE's permutation penalty (see the :ref:`User Guide <penalty>`) with no
penalty, and two sizes of latent space.
"""

# Authors: imblearn-deepsmote developers
# License: BSD 3-Clause
import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from imblearn.datasets import make_imbalance
from imblearn.pipeline import Pipeline
from sklearn.datasets import load_digits
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import GridSearchCV, StratifiedKFold
from sklearn.preprocessing import StandardScaler

from imblearn_deepsmote import Autoencoder, DeepSMOTE

MAX_EPOCHS = 20
# sphinx_gallery_start_ignore
# Quick mode: the test suite and the CI documentation build set
# IMBLEARN_DEEPSMOTE_QUICK=1 to train for fewer epochs (docs/conf.py).
import os  # noqa: E402

QUICK = os.environ.get("IMBLEARN_DEEPSMOTE_QUICK") == "1"
if QUICK:
    MAX_EPOCHS = 5
# sphinx_gallery_end_ignore

# %%
# Data
# ----
# An imbalanced subset of the digits: 100 images of digit 0 down to 12 of
# digit 9.
n_classes = 10
# sphinx_gallery_start_ignore
if QUICK:
    n_classes = 5  # five digits only
# sphinx_gallery_end_ignore
X_all, y_all = load_digits(n_class=n_classes, return_X_y=True)
counts = np.geomspace(100, 12, num=n_classes).round().astype(int)
X, y = make_imbalance(
    X_all, y_all, sampling_strategy=dict(enumerate(counts)), random_state=0
)
print("class counts:", np.bincount(y).tolist())

# %%
# The search
# ----------
# Parameters of a pipeline step are addressed as ``<step>__<parameter>``.
# With 3-fold cross-validation the rarest class keeps 8 images in a training
# fold, so ``k_neighbors=5`` works; a class with fewer samples than
# ``k_neighbors + 1`` would use fewer neighbours, with a warning.
pipeline = Pipeline(
    [
        (
            "deepsmote",
            DeepSMOTE(
                autoencoder=Autoencoder(max_epochs=MAX_EPOCHS),
                image_shape=(8, 8),
                random_state=0,
            ),
        ),
        ("scale", StandardScaler()),
        ("classifier", LogisticRegression(C=0.05, max_iter=1000)),
    ]
)
param_grid = {
    "deepsmote__autoencoder__penalty": ["paper", "reference", None],
    "deepsmote__autoencoder__latent_dim": [8, 32],
}
search = GridSearchCV(
    pipeline,
    param_grid,
    scoring="balanced_accuracy",
    cv=StratifiedKFold(n_splits=3, shuffle=True, random_state=0),
)
search.fit(X, y)
print("best parameters:", search.best_params_)

# %%
# Results
# -------
# One row per candidate: mean and standard deviation of the balanced accuracy
# over the three validation folds, and the mean time to fit the pipeline (the
# autoencoder's training dominates it).
results = pd.DataFrame(search.cv_results_)
table = results[
    [
        "param_deepsmote__autoencoder__penalty",
        "param_deepsmote__autoencoder__latent_dim",
        "mean_test_score",
        "std_test_score",
        "mean_fit_time",
    ]
].rename(columns=lambda name: name.removeprefix("param_deepsmote__autoencoder__"))
table["penalty"] = [
    str(params["deepsmote__autoencoder__penalty"])
    for params in search.cv_results_["params"]
]
print(table.round(3).to_string(index=False))

# %%
# On a dataset this small the differences between candidates are mostly within
# one standard deviation: the search tells you which settings do *not* matter
# as much as which do.
fig, ax = plt.subplots(figsize=(6, 3))
for latent_dim, group in table.groupby("latent_dim"):
    ax.errorbar(
        group["penalty"],
        group["mean_test_score"],
        yerr=group["std_test_score"],
        marker="o",
        capsize=4,
        label=f"latent_dim={latent_dim}",
    )
ax.set_xlabel("penalty")
ax.set_ylabel("balanced accuracy (3-fold CV)")
ax.legend()
fig.tight_layout()
plt.show()
