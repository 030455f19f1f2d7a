"""Demo: DeepSMOTE on an imbalanced version of scikit-learn's digits.

The ten digit classes are cut down to an imbalance ratio of about 20 (the
majority keeps ~150 training images, the rarest 8), a classifier is trained on
the imbalanced set, on the set over-sampled by SMOTE and on the set
over-sampled by DeepSMOTE, and per-class recall on a balanced held-out set is
printed for each. Runs in well under a minute on a laptop CPU; needs no
download (``load_digits`` ships with scikit-learn).

Run it with ``make demo`` (which creates the environment) or
``python examples/demo_digits.py``.
"""

import time

import numpy as np
from imblearn.over_sampling import SMOTE
from imblearn.pipeline import make_pipeline
from sklearn.datasets import load_digits
from sklearn.metrics import balanced_accuracy_score, recall_score
from sklearn.preprocessing import StandardScaler
from sklearn.svm import LinearSVC

from imblearn_deepsmote import DeepSMOTE


def imbalanced_digits(imbalance_ratio=20, n_majority=150, n_test_per_class=30, seed=0):
    """Split digits into an imbalanced training set and a balanced test set."""
    X, y = load_digits(return_X_y=True)
    rng = np.random.default_rng(seed)
    counts = (
        np.geomspace(n_majority, n_majority / imbalance_ratio, 10).round().astype(int)
    )
    train, test = [], []
    for label, n_train in enumerate(counts):
        members = rng.permutation(np.flatnonzero(y == label))
        test.extend(members[:n_test_per_class])
        train.extend(members[n_test_per_class : n_test_per_class + n_train])
    return X[train], y[train], X[test], y[test]


def main():
    X_train, y_train, X_test, y_test = imbalanced_digits()
    print("training counts per class:", np.bincount(y_train).tolist())
    samplers = {
        "none": "passthrough",
        "SMOTE": SMOTE(random_state=0),
        "DeepSMOTE": DeepSMOTE(image_shape=(8, 8), random_state=0),
    }
    print(f"{'sampler':<10} {'time':>6}  balanced acc  per-class recall (digits 0-9)")
    for name, sampler in samplers.items():
        model = make_pipeline(sampler, StandardScaler(), LinearSVC(C=0.01))
        start = time.perf_counter()
        model.fit(X_train, y_train)
        elapsed = time.perf_counter() - start
        predicted = model.predict(X_test)
        recalls = recall_score(y_test, predicted, average=None)
        balanced_accuracy = balanced_accuracy_score(y_test, predicted)
        print(
            f"{name:<10} {elapsed:5.1f}s  {balanced_accuracy:12.3f}  "
            + " ".join(f"{r:.2f}" for r in recalls)
        )


if __name__ == "__main__":
    main()
