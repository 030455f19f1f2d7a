"""
=====================================
Tune DeepSMOTE with ``GridSearchCV``
=====================================

:class:`~imblearn_deepsmote.DeepSMOTE` is a scikit-learn estimator, so its
parameters can be searched like any other step's. Inside an
:class:`imblearn.pipeline.Pipeline` the sampler only sees the training folds:
each candidate trains its own autoencoder on each training fold and the
validation fold is never resampled. This example searches the parameter the
:ref:`User Guide <choosing_parameters>` suggests tuning first,
``latent_noise``, together with a setting of the autoencoder,
``max_epochs``, which is addressed through DeepSMOTE's ``autoencoder``
parameter.
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

# %%
# Data
# ----
# An imbalanced subset of the digits: 100 images of digit 0 down to 12 of
# digit 9.
X_all, y_all = load_digits(return_X_y=True)
counts = np.geomspace(100, 12, num=10).round().astype(int)
X, y = make_imbalance(
    X_all, y_all, sampling_strategy=dict(enumerate(counts)), random_state=0
)
print("class counts:", np.bincount(y).tolist())

# %%
# The search
# ----------
# Parameters of a pipeline step are addressed as ``<step>__<parameter>``, and
# those of the autoencoder that DeepSMOTE trains as
# ``<step>__autoencoder__<parameter>``: the pipeline holds an unfitted
# :class:`~imblearn_deepsmote.Autoencoder`, which DeepSMOTE clones and trains
# on each training fold. Six candidates times three folds, plus the refit of
# the best one, train 19 autoencoders. With 3-fold cross-validation the rarest
# class keeps 8 images in a training fold, so ``k_neighbors=5`` works; a class
# with fewer samples than ``k_neighbors + 1`` would use fewer neighbours, with
# a warning.
pipeline = Pipeline(
    [
        (
            "deepsmote",
            DeepSMOTE(autoencoder=Autoencoder(), image_shape=(8, 8), random_state=0),
        ),
        ("scale", StandardScaler()),
        ("classifier", LogisticRegression(C=0.05, max_iter=1000)),
    ]
)
param_grid = {
    "deepsmote__latent_noise": [0.0, 0.75, 1.5],
    "deepsmote__autoencoder__max_epochs": [10, 20],
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
        "param_deepsmote__latent_noise",
        "param_deepsmote__autoencoder__max_epochs",
        "mean_test_score",
        "std_test_score",
        "mean_fit_time",
    ]
].rename(
    columns={
        "param_deepsmote__latent_noise": "latent_noise",
        "param_deepsmote__autoencoder__max_epochs": "max_epochs",
    }
)
print(table.round(3).to_string(index=False))

# %%
# How far apart the candidates are, against the spread over folds: on data
# this small, a search often says more about which settings do *not* matter
# than about which one is best.
scores = table["mean_test_score"]
spread = table["std_test_score"].mean()
print(
    f"best - worst candidate: {scores.max() - scores.min():.3f}; "
    f"mean fold-to-fold standard deviation: {spread:.3f}"
)

fig, ax = plt.subplots(figsize=(6, 3))
groups = table.groupby("max_epochs")
for shift, (max_epochs, group) in zip((-0.02, 0.02), groups, strict=True):
    ax.errorbar(
        group["latent_noise"].astype(float) + shift,  # side by side
        group["mean_test_score"],
        yerr=group["std_test_score"],
        marker="o",
        capsize=4,
        label=f"max_epochs={max_epochs}",
    )
ax.set_xticks(param_grid["deepsmote__latent_noise"])
ax.set_xlabel("latent_noise")
ax.set_ylabel("balanced accuracy (3-fold CV)")
ax.legend()
fig.tight_layout()
plt.show()
