"""Batch augmentations and MAMixClassifier(augment=...)."""

import numpy as np
import pytest
import torch
from joblib import Parallel, delayed
from numpy.testing import assert_array_equal
from sklearn.datasets import load_digits, make_classification
from sklearn.utils._param_validation import InvalidParameterError

from imblearn_deepsmote import MAMixClassifier, RandomHorizontalFlip, RandomShift


def dots(n: int, side: int = 9) -> torch.Tensor:
    """``n`` identical images of one bright pixel in the centre."""
    images = torch.zeros(n, 1, side, side)
    images[:, 0, side // 2, side // 2] = 1.0
    return images


def offsets(images: torch.Tensor) -> np.ndarray:
    """The (row, column) of each image's bright pixel, relative to the centre."""
    flat = images.flatten(1).argmax(dim=1)
    side = images.shape[-1]
    return torch.stack([flat // side, flat % side], dim=1).numpy() - side // 2


def test_random_shift_moves_each_image_by_its_own_offset_within_the_bound():
    shifted = RandomShift(2)(dots(200), generator=torch.Generator().manual_seed(0))
    moves = offsets(shifted)
    assert np.abs(moves).max() == 2
    # every (dy, dx) in [-2, 2]^2 is drawn: offsets are per image
    assert len({tuple(m) for m in moves}) == 25
    # a shift moves values without changing them
    assert_array_equal(shifted.sum(dim=(1, 2, 3)), torch.ones(200))


def test_random_shift_fills_the_uncovered_border_as_its_padding_mode_says():
    images = torch.ones(50, 2, 6, 6)
    generator = torch.Generator().manual_seed(0)
    zeros = RandomShift(1)(images, generator=generator)
    assert (zeros == 0).any() and set(zeros.unique().tolist()) == {0.0, 1.0}
    edge = RandomShift(1, padding_mode="replicate")(images, generator=generator)
    assert torch.equal(edge, images)


def test_random_shift_is_reproducible_with_a_generator_and_zero_shift_is_identity():
    images = torch.rand(16, 3, 8, 8, generator=torch.Generator().manual_seed(1))
    first = RandomShift(2)(images, generator=torch.Generator().manual_seed(5))
    again = RandomShift(2)(images, generator=torch.Generator().manual_seed(5))
    other = RandomShift(2)(images, generator=torch.Generator().manual_seed(6))
    assert torch.equal(first, again) and not torch.equal(first, other)
    assert torch.equal(RandomShift(0)(images), images)


def test_horizontal_flip_draws_per_image():
    images = torch.arange(64 * 4, dtype=torch.float32).reshape(64, 1, 1, 4)
    assert torch.equal(RandomHorizontalFlip(p=1.0)(images), images.flip(-1))
    assert torch.equal(RandomHorizontalFlip(p=0.0)(images), images)
    out = RandomHorizontalFlip()(images, generator=torch.Generator().manual_seed(0))
    flipped = (out == images.flip(-1)).all(dim=(1, 2, 3))
    kept = (out == images).all(dim=(1, 2, 3))
    assert (flipped | kept).all() and 10 < int(flipped.sum()) < 54


@pytest.mark.parametrize(
    ("make", "match"),
    [
        (lambda: RandomShift(-1), "max_shift must be >= 0"),
        (lambda: RandomShift(1.5), "max_shift must be an int"),
        (lambda: RandomShift(1, padding_mode="wrap"), "padding_mode"),
        (lambda: RandomHorizontalFlip(p=2), "p must be a probability"),
    ],
)
def test_invalid_augmentation_parameters_are_named(make, match):
    with pytest.raises((TypeError, ValueError), match=match):
        make()


def test_augmentations_reject_what_is_not_a_batch_of_images():
    with pytest.raises(ValueError, match=r"RandomShift .*\(n, C, H, W\); got"):
        RandomShift(1)(torch.zeros(4, 8, 8))


# --------------------------------------------------------------------------- #
# MAMixClassifier(augment=...)                                                #
# --------------------------------------------------------------------------- #


@pytest.fixture(scope="module")
def digits():
    X, y = load_digits(return_X_y=True)
    keep = np.concatenate([np.flatnonzero(y == c)[: 40 // (c + 1)] for c in range(4)])
    return X[keep].astype(np.float32) / 16, y[keep]


def classifier(**params):
    defaults = {
        "image_shape": (8, 8),
        "max_epochs": 3,
        "batch_size": 16,
        "random_state": 0,
        "device": "cpu",
    }
    return MAMixClassifier(**{**defaults, **params})


class RecordBatches:
    """An augmentation that records the batches it sees and changes nothing."""

    def __init__(self):
        self.shapes = []

    def __call__(self, images):
        self.shapes.append(tuple(images.shape))
        return images


def test_augment_sees_every_training_batch_as_images_and_never_predictions(digits):
    X, y = digits
    record = RecordBatches()
    model = classifier(augment=record).fit(X, y)
    n_batches = 3 * int(np.ceil(len(X) / 16))
    assert len(record.shapes) == n_batches
    assert record.shapes[0] == (16, 1, 8, 8)
    model.predict_proba(X)
    assert len(record.shapes) == n_batches
    # an augmentation that changes nothing trains exactly as no augmentation
    plain = classifier().fit(X, y)
    assert_array_equal(model.predict_proba(X), plain.predict_proba(X))


def test_augment_changes_training_and_a_list_is_applied_in_order(digits):
    X, y = digits
    plain = classifier().fit(X, y).predict_proba(X)
    shifted = classifier(augment=RandomShift(1)).fit(X, y).predict_proba(X)
    assert not np.allclose(plain, shifted)
    calls = []
    first, second = (
        lambda images, name=name: calls.append(name) or images
        for name in ("first", "second")
    )
    classifier(augment=[first, second], max_epochs=1, batch_size=len(X)).fit(X, y)
    assert calls == ["first", "second"]


def test_augmented_fits_are_reproducible_in_threads_and_leave_torch_rng_alone(digits):
    X, y = digits
    augment = [RandomShift(1), RandomHorizontalFlip()]
    state = torch.random.get_rng_state()
    alone = classifier(augment=augment).fit(X, y).predict_proba(X)
    assert torch.equal(state, torch.random.get_rng_state())
    threaded = Parallel(n_jobs=3, backend="threading")(
        delayed(lambda: classifier(augment=augment).fit(X, y).predict_proba(X))()
        for _ in range(3)
    )
    for proba in threaded:
        assert_array_equal(proba, alone)
    other = classifier(augment=augment, random_state=1).fit(X, y).predict_proba(X)
    assert not np.array_equal(other, alone)


def test_augment_that_is_not_callable_is_rejected_naming_it(digits):
    X, y = digits
    with pytest.raises(InvalidParameterError, match="'augment' parameter"):
        classifier(augment="shift").fit(X, y)
    with pytest.raises(TypeError, match="augment must be a callable"):
        classifier(augment=[RandomShift(1), "flip"]).fit(X, y)


@pytest.mark.parametrize(
    ("augment", "match"),
    [
        (
            lambda images: images[:, :, 1:, :],
            r"augment must keep the batch's shape and dtype: .* turned "
            r"\(16, 1, 8, 8\) torch.float32 into \(16, 1, 7, 8\) torch.float32",
        ),
        (
            lambda images: images.double(),
            r"into \(16, 1, 8, 8\) torch.float64",
        ),
        (lambda images: images.numpy(), "augment must return a tensor"),
    ],
)
def test_augment_that_changes_the_batch_is_a_clear_error(digits, augment, match):
    X, y = digits
    with pytest.raises(ValueError, match=match):
        classifier(augment=augment).fit(X, y)


def test_augment_on_tabular_rows_is_a_clear_error():
    X, y = make_classification(n_samples=40, random_state=0)
    with pytest.raises(ValueError, match="augment transforms images.*image_shape"):
        MAMixClassifier(augment=RandomShift(1), max_epochs=1).fit(X, y)
