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

from imblearn_deepsmote import DeepSMOTE, MAMixClassifier
from imblearn_deepsmote._device import torch_generator
from imblearn_deepsmote._training import train_autoencoder
from imblearn_deepsmote.autoencoders import build_autoencoder

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
    assert sampler.device_.type == "cuda"
    assert sampler.get_params()["device"] == "auto"
    assert next(sampler.autoencoder_.parameters()).is_cuda
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


def test_training_leaves_the_cuda_rng_untouched(digits):
    X, y = digits
    state = torch.cuda.get_rng_state()
    small().fit_resample(X, y)
    assert torch.equal(torch.cuda.get_rng_state(), state)


@pytest.mark.parametrize("penalty", [None, "paper", "reference"])
def test_training_syncs_with_the_host_once_per_epoch_not_per_batch(penalty):
    """Host syncs do not grow with the number of batches (data moved once)."""
    rng = np.random.default_rng(0)
    X = rng.random((512, 1, 8, 8), dtype=np.float32)
    y_codes = rng.integers(0, 4, 512)

    def count_syncs(batch_size: int) -> int:
        autoencoder = build_autoencoder("auto", (1, 8, 8), 4).cuda()
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            torch.cuda.set_sync_debug_mode("warn")
            try:
                train_autoencoder(
                    autoencoder,
                    X,
                    y_codes,
                    penalty=penalty,
                    penalty_weight=1.0,
                    class_head=None,
                    class_loss_weight=0.0,
                    max_epochs=2,
                    batch_size=batch_size,
                    lr=1e-3,
                    tol=0.0,
                    n_iter_no_change=None,
                    mixed_precision=False,
                    generator=torch_generator(0),
                    device=torch.device("cuda"),
                    verbose=0,
                )
            finally:
                torch.cuda.set_sync_debug_mode("default")
        return sum("synchroniz" in str(w.message) for w in caught)

    few_batches, many_batches = count_syncs(256), count_syncs(8)  # 2 vs 64 a epoch
    assert many_batches == few_batches
    assert many_batches <= 2 * 4  # a handful per epoch


def test_mixed_precision_trains_in_bfloat16_on_cuda(digits):
    X, y = digits
    sampler = small(mixed_precision=True, penalty="paper")
    X_res, _ = sampler.fit_resample(X.astype(np.float64), y)
    assert X_res.dtype == np.float64
    assert np.isfinite(X_res).all()
    losses = [epoch["reconstruction_loss"] for epoch in sampler.history_]
    assert np.isfinite(losses).all() and losses[-1] < losses[0]


def test_a_sampler_fitted_on_cuda_generates_after_pickling_on_the_cpu(digits):
    X, y = digits
    sampler = small()
    sampler.fit_resample(X, y)
    restored = pickle.loads(pickle.dumps(sampler))
    assert next(restored.autoencoder_.parameters()).device.type == "cpu"
    assert restored._module_device().type == "cpu"
    assert restored.generate(5, target_class=2, random_state=0).shape == (5, 64)
    assert next(sampler.autoencoder_.parameters()).is_cuda


def test_mamix_classifier_trains_on_cuda_with_auto_device(digits):
    X, y = digits
    clf = MAMixClassifier(
        image_shape=(8, 8), max_epochs=3, random_state=0, verbose=0
    ).fit(X, y)
    assert clf.device_.type == "cuda"
    assert next(clf.module_.parameters()).is_cuda
    assert set(clf.predict(X)) <= set(y)
