"""
=========================================
Swap SMOTE for DeepSMOTE in a pipeline
=========================================

:class:`~imblearn_deepsmote.DeepSMOTE` goes wherever
:class:`~imblearn.over_sampling.SMOTE` goes in an
:class:`imblearn.pipeline.Pipeline`: one line changes. The pipeline
over-samples only while fitting, so the test data is never resampled. This
example trains the same linear classifier on an imbalanced version of the
digits with no over-sampling, with SMOTE and with DeepSMOTE, and compares the
recall of every class on a balanced test set.
"""

# Authors: imblearn-deepsmote developers
# License: BSD 3-Clause
import matplotlib.pyplot as plt
import numpy as np
from imblearn.over_sampling import SMOTE
from imblearn.pipeline import make_pipeline
from sklearn.datasets import load_digits
from sklearn.metrics import balanced_accuracy_score, recall_score
from sklearn.preprocessing import StandardScaler
from sklearn.svm import LinearSVC

from imblearn_deepsmote import DeepSMOTE

# %%
# Imbalanced training set, balanced test set
# ------------------------------------------
# 30 images of each digit form the test set. From the rest, the training set
# keeps up to 150 images of digit 0 down to 8 of digit 9 (imbalance ratio
# about 20).
X_all, y_all = load_digits(return_X_y=True)
counts = np.geomspace(150, 8, num=10).round().astype(int)
rng = np.random.default_rng(0)
train, test = [], []
for digit, n_train in enumerate(counts):
    members = rng.permutation(np.flatnonzero(y_all == digit))
    test.extend(members[:30])
    train.extend(members[30 : 30 + n_train])
X_train, y_train = X_all[train], y_all[train]
X_test, y_test = X_all[test], y_all[test]
print("training counts:", np.bincount(y_train).tolist())

# %%
# Three pipelines that differ in one step
# ---------------------------------------
# ``"passthrough"`` skips the step. The classifier is a strongly regularised
# linear SVM on standardised pixels.
samplers = {
    "no over-sampling": "passthrough",
    "SMOTE": SMOTE(random_state=0),
    "DeepSMOTE": DeepSMOTE(image_shape=(8, 8), random_state=0),
}
recalls = {}
for name, sampler in samplers.items():
    model = make_pipeline(sampler, StandardScaler(), LinearSVC(C=0.01))
    model.fit(X_train, y_train)
    predicted = model.predict(X_test)
    recalls[name] = recall_score(y_test, predicted, average=None)
    score = balanced_accuracy_score(y_test, predicted)
    print(f"{name:<17} balanced accuracy {score:.3f}")

# %%
# Recall per class
# ----------------
# Over-sampling is meant for the rare digits (right): their recall is where
# the pipelines should differ most. With a few hundred training images and one
# split, differences of a few points are noise; the :ref:`benchmarks
# <benchmarks>` pair several seeds.
train_counts = np.bincount(y_train)
rarest = np.argsort(train_counts)[:3]
for name, recall in recalls.items():
    print(f"{name:<17} mean recall of the 3 rarest digits {recall[rarest].mean():.3f}")

fig, ax = plt.subplots(figsize=(7, 3.5))
width = 0.27
digits = np.arange(10)
for i, (name, recall) in enumerate(recalls.items()):
    ax.bar(digits + (i - 1) * width, recall, width, label=name)
ax.set_xticks(
    digits, [f"{d}\n({n})" for d, n in zip(digits, train_counts, strict=True)]
)
ax.set_xlabel("digit (training images)")
ax.set_ylabel("recall on the test set")
ax.set_ylim(0, 1.05)
ax.legend(ncols=3, loc="lower center", bbox_to_anchor=(0.5, 1.0), frameon=False)
fig.tight_layout()
plt.show()
