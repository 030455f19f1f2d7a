"""Shared test settings and data."""

import numpy as np
import pytest
import torch
from sklearn.datasets import load_digits, make_classification


@pytest.fixture(autouse=True)
def one_torch_thread():
    """Train the tests' tiny networks on one thread.

    On a 2-core machine, thread hand-offs cost more than they save for such
    networks, and a second busy process makes them much slower still.
    """
    threads = torch.get_num_threads()
    torch.set_num_threads(1)
    yield
    torch.set_num_threads(threads)


@pytest.fixture
def tabular():
    """200 rows, 6 features, three classes of 138, 43 and 19 rows."""
    return make_classification(
        n_samples=200,
        n_features=6,
        n_informative=4,
        n_classes=3,
        weights=[0.7, 0.2, 0.1],
        random_state=0,
    )


def _images(shape, n_per_class=(30, 8), seed=0):
    """Noisy float32 'images' (flattened), one mean level per class."""
    rng = np.random.default_rng(seed)
    n_features = int(np.prod(shape))
    X = np.concatenate(
        [rng.normal(loc=c, size=(n, n_features)) for c, n in enumerate(n_per_class)]
    )
    y = np.repeat(np.arange(len(n_per_class)), n_per_class)
    return X.astype(np.float32), y


@pytest.fixture
def make_images():
    """``make_images(shape, n_per_class=(30, 8), seed=0) -> (X, y)``."""
    return _images


@pytest.fixture(scope="session")
def imbalanced_digits():
    """Flattened 8 x 8 digits in [0, 1]: classes 0-3 with 40, 40, 10 and 8 rows."""
    X, y = load_digits(return_X_y=True)
    counts = {0: 40, 1: 40, 2: 10, 3: 8}
    keep = np.concatenate([np.flatnonzero(y == c)[:n] for c, n in counts.items()])
    return X[keep] / 16, y[keep]
