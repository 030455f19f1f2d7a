"""The CUDA path: device selection, data placement, host syncs, mixed precision.

Skipped on machines without CUDA (CI has none); run on a GPU machine with
``pytest tests/test_cuda.py``.
"""

import pickle
import warnings

import numpy as np
import pytest
import torch
from sklearn.datasets import load_digits

from imblearn_deepsmote import Autoencoder, DeepSMOTE, MAMixClassifier

pytestmark = pytest.mark.skipif(
    not torch.cuda.is_available(), reason="needs a CUDA device"
)


@pytest.fixture(scope="module")
def digits():
    """Imbalanced 8x8 digits (three classes), float32."""
    X, y = load_digits(return_X_y=True)
    keep = np.concatenate(
        [
            np.flatnonzero(y == 0),
            np.flatnonzero(y == 1)[:30],
            np.flatnonzero(y == 2)[:12],
        ]
    )
    return X[keep].astype(np.float32), y[keep]


def small(**params):
    defaults = {"image_shape": (8, 8), "max_epochs": 3, "random_state": 0}
    return DeepSMOTE(**{**defaults, **params})


def test_auto_device_trains_on_cuda_and_returns_host_arrays(digits):
    X, y = digits
    X_before = X.copy()
    sampler = small()
    X_res, y_res = sampler.fit_resample(X, y)
    assert sampler.autoencoder_.device_.type == "cuda"
    assert sampler.get_params()["device"] == "auto"
    assert next(sampler.autoencoder_.module_.parameters()).is_cuda
    assert isinstance(X_res, np.ndarray) and X_res.dtype == np.float32
    np.testing.assert_array_equal(X_res[: len(X)], X)
    np.testing.assert_array_equal(X, X_before)
    assert y_res.dtype == y.dtype
    assert np.bincount(y_res).tolist() == [len(np.flatnonzero(y == 0))] * 3


def test_same_seed_gives_the_same_samples_on_cuda(digits):
    X, y = digits
    first, _ = small(random_state=7).fit_resample(X, y)
    second, _ = small(random_state=7).fit_resample(X, y)
    np.testing.assert_allclose(first, second, atol=1e-4)


def test_training_leaves_the_global_rngs_untouched(digits):
    X, y = digits
    cuda_state, cpu_state = torch.cuda.get_rng_state(), torch.random.get_rng_state()
    small().fit_resample(X, y)
    MAMixClassifier(max_epochs=2, random_state=0, module__dropout=0.2).fit(X, y)
    assert torch.equal(torch.cuda.get_rng_state(), cuda_state)
    assert torch.equal(torch.random.get_rng_state(), cpu_state)


def _count_syncs(fit) -> int:
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        torch.cuda.set_sync_debug_mode("warn")
        try:
            fit()
        finally:
            torch.cuda.set_sync_debug_mode("default")
    return sum("synchroniz" in str(w.message) for w in caught)


@pytest.mark.parametrize("penalty", [None, "paper", "reference"])
def test_autoencoder_syncs_with_the_host_per_epoch_not_per_batch(penalty):
    """Host syncs do not grow with the number of batches (data moved once)."""
    rng = np.random.default_rng(0)
    X = rng.random((512, 64), dtype=np.float32)
    y = rng.integers(0, 4, 512)

    def fit(batch_size):
        return lambda: Autoencoder(
            image_shape=(8, 8),
            penalty=penalty,
            max_epochs=2,
            batch_size=batch_size,
            n_iter_no_change=None,
            random_state=0,
            device="cuda",
        ).fit(X, y)

    Autoencoder(image_shape=(8, 8), max_epochs=1, device="cuda").fit(X)  # warm-up
    few_batches, many_batches = _count_syncs(fit(256)), _count_syncs(fit(8))
    assert many_batches == few_batches  # 2 vs 64 batches an epoch


def test_mamix_syncs_with_the_host_per_epoch_not_per_batch():
    rng = np.random.default_rng(0)
    X = rng.random((512, 64), dtype=np.float32)
    y = rng.integers(0, 4, 512)

    def fit(batch_size):
        return lambda: MAMixClassifier(
            image_shape=(8, 8), max_epochs=2, batch_size=batch_size, random_state=0
        ).fit(X, y)

    MAMixClassifier(max_epochs=1).fit(X, y)  # warm-up
    assert _count_syncs(fit(8)) == _count_syncs(fit(256))


def test_mixed_precision_trains_in_bfloat16_on_cuda(digits):
    X, y = digits
    sampler = small(mixed_precision=True, penalty="paper")
    X_res, _ = sampler.fit_resample(X.astype(np.float64), y)
    assert X_res.dtype == np.float64
    assert np.isfinite(X_res).all()
    losses = sampler.autoencoder_.history_[:, "train_reconstruction_loss"]
    assert np.isfinite(losses).all() and losses[-1] < losses[0]


def test_a_sampler_fitted_on_cuda_generates_after_loading_on_a_cpu_machine(
    digits, monkeypatch
):
    X, y = digits
    sampler = small()
    sampler.fit_resample(X, y)
    pickled = pickle.dumps(sampler)
    monkeypatch.setattr(torch.cuda, "is_available", lambda: False)
    restored = pickle.loads(pickled)
    assert restored.autoencoder_.device_.type == "cpu"
    assert next(restored.autoencoder_.module_.parameters()).device.type == "cpu"
    assert restored.generate(5, target_class=2, random_state=0).shape == (5, 64)


def test_mamix_classifier_trains_on_cuda_with_auto_device(digits):
    X, y = digits
    clf = MAMixClassifier(
        image_shape=(8, 8), max_epochs=3, random_state=0, verbose=0
    ).fit(X, y)
    assert clf.device_.type == "cuda"
    assert next(clf.module_.parameters()).is_cuda
    assert set(clf.predict(X)) <= set(y)
