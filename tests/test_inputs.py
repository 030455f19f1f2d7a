"""Data as users bring it: image arrays, dtypes, pandas, settings, and clear errors."""

import warnings

import numpy as np
import pandas as pd
import pytest
import sklearn
import torch
from helpers import tiny_deepsmote
from imblearn.pipeline import make_pipeline
from sklearn.datasets import load_breast_cancer, load_digits, make_classification
from sklearn.frozen import FrozenEstimator
from sklearn.utils._param_validation import InvalidParameterError

from imblearn_deepsmote import (
    Autoencoder,
    DeepSMOTE,
    MAMixClassifier,
    MAMixLoss,
    TabularToImage,
    mamix_weights,
    plot_real_vs_synthetic,
)


def tiny(**params):
    return tiny_deepsmote(**params)


def tiny_mamix(**params):
    defaults = {"max_epochs": 2, "random_state": 0, "device": "cpu"}
    return MAMixClassifier(**{**defaults, **params})


@pytest.fixture(scope="module")
def digit_images():
    """8 x 8 digits 0, 1 and 2 as (n, 8, 8) uint8 images, imbalanced 60/20/10."""
    X, y = load_digits(n_class=3, return_X_y=True)
    keep = np.concatenate(
        [np.flatnonzero(y == c)[:n] for c, n in enumerate([60, 20, 10])]
    )
    return (X[keep] * 15).reshape(-1, 8, 8).astype(np.uint8), y[keep]


# --------------------------------------------------------------------------- #
# image arrays                                                                #
# --------------------------------------------------------------------------- #
@pytest.mark.parametrize("layout", ["n,H,W", "n,C,H,W", "n,H,W,C"])
def test_image_arrays_are_resampled_in_their_own_layout(digit_images, layout):
    images, y = digit_images
    X = {
        "n,H,W": images,
        "n,C,H,W": np.stack([images, 255 - images], axis=1),
        "n,H,W,C": np.stack([images, 255 - images], axis=3),
    }[layout]
    sampler = tiny(channels_last=layout == "n,H,W,C")
    X_res, y_res = sampler.fit_resample(X, y)
    assert X_res.shape == (len(y_res), *X.shape[1:]) and X_res.dtype == np.uint8
    assert np.array_equal(X_res[: len(X)], X)
    channels = 1 if layout == "n,H,W" else 2
    assert sampler.autoencoder_.image_shape_ == (channels, 8, 8)
    modules = sampler.autoencoder_.module_.modules()
    assert any(isinstance(m, torch.nn.Conv2d) for m in modules)
    assert sampler.generate(3, target_class=2).shape == (3, *X.shape[1:])


def test_channels_last_rows_are_read_in_that_order(digit_images):
    images, y = digit_images
    X = np.stack([images, 255 - images], axis=3)  # (n, 8, 8, 2)
    from_arrays = tiny(channels_last=True).fit_resample(X, y)[0]
    from_rows = tiny(channels_last=True, image_shape=(2, 8, 8)).fit_resample(
        X.reshape(len(X), -1), y
    )[0]
    assert np.array_equal(from_rows, from_arrays.reshape(len(from_arrays), -1))


def test_channels_last_arrays_without_the_option_get_a_hint(digit_images):
    images, y = digit_images
    with pytest.raises(ValueError, match="pass channels_last=True"):
        tiny().fit_resample(images[..., None], y)


def test_image_shape_in_channels_last_order_says_the_order_is_chw(digit_images):
    images, y = digit_images
    with pytest.raises(ValueError, match=r"\(channels, height, width\).*\(1, 8, 8\)"):
        tiny(image_shape=(8, 8, 1)).fit_resample(images.reshape(len(images), -1), y)


def test_an_image_shape_that_disagrees_with_image_arrays_is_a_clear_error(
    digit_images,
):
    images, y = digit_images
    two_channels = np.stack([images, images], axis=1)  # (n, 2, 8, 8)
    with pytest.raises(ValueError, match=r"image_shape=\(8, 16\) disagrees"):
        tiny(image_shape=(8, 16)).fit_resample(two_channels, y)


def test_channels_last_on_channels_first_arrays_explains_the_reading(digit_images):
    images, y = digit_images
    three_channels = np.stack([images] * 3, axis=1)  # (n, 3, 8, 8)
    with pytest.raises(ValueError) as info:
        tiny(channels_last=True).fit_resample(three_channels, y)
    message = str(info.value)
    assert "read as (n, H, W, C), as channels_last=True says" in message
    assert "leave channels_last=False" in message and "image_shape" not in message


@pytest.mark.parametrize("layout", ["n,H,W", "n,C,H,W"])
@pytest.mark.parametrize("frozen", [False, True])
def test_a_fitted_autoencoder_is_reused_on_image_arrays(digit_images, layout, frozen):
    images, y = digit_images
    X = images if layout == "n,H,W" else images[:, None]
    autoencoder = Autoencoder(max_epochs=2, random_state=0, device="cpu").fit(X)
    given = FrozenEstimator(autoencoder) if frozen else autoencoder
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", FutureWarning)  # a bare fitted one, until 0.5
        X_res, y_res = DeepSMOTE(autoencoder=given, random_state=0).fit_resample(X, y)
    assert X_res.shape == (len(y_res), *X.shape[1:])
    assert np.array_equal(X_res[: len(X)], X)


def test_dataframes_raise_no_feature_name_warnings_between_sampler_and_autoencoder(
    tabular,
):
    pd = pytest.importorskip("pandas")
    X, y = tabular
    frame = pd.DataFrame(X, columns=[f"f{i}" for i in range(X.shape[1])])
    fitted = FrozenEstimator(
        Autoencoder(max_epochs=2, random_state=0, device="cpu").fit(frame)
    )
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        for autoencoder in (None, fitted):
            sampler = (
                tiny()
                if autoencoder is None
                else DeepSMOTE(autoencoder=autoencoder, random_state=0)
            )
            sampler.fit_resample(frame, y)
            sampler.encode(frame)
            sampler.generate(3, target_class=2, random_state=0)


def test_deepsmote_then_mamix_on_image_arrays_needs_no_image_shape(digit_images):
    images, y = digit_images
    model = make_pipeline(tiny(), tiny_mamix()).fit(images, y)
    assert model[-1].image_shape_ == (1, 8, 8)
    assert model.predict(images[:5]).shape == (5,)
    assert model.predict_proba(images.reshape(len(images), -1)[:5]).shape == (5, 3)


def test_flattened_pixel_rows_without_image_shape_get_a_hint(digit_images):
    images, y = digit_images
    rows = images.reshape(len(images), -1)
    with pytest.warns(UserWarning, match=r"image_shape=\(8, 8\)"):
        tiny().fit_resample(rows, y)
    with pytest.warns(UserWarning, match="pixel-like") as record:
        tiny().fit_resample(rows / 255.0, y)
    assert len(record) == 1


def test_flattened_colour_images_without_image_shape_get_the_same_hint(digit_images):
    images, y = digit_images
    rgb = np.stack([images, 255 - images, images // 2], axis=1)  # (n, 3, 8, 8)
    rows = rgb.reshape(len(rgb), -1)  # 192 columns, as 3,072 are 3 x 32 x 32
    with pytest.warns(UserWarning, match=r"image_shape=\(3, 8, 8\)") as record:
        tiny().fit_resample(rows, y)
    assert len(record) == 1


@pytest.mark.filterwarnings("error::UserWarning")
def test_tabular_rows_and_an_explicit_mlp_get_no_pixel_hint(digit_images, tabular):
    images, y = digit_images
    tiny(module="mlp").fit_resample(images.reshape(len(images), -1), y)
    tiny().fit_resample(*tabular)  # standardised features, 6 columns


# --------------------------------------------------------------------------- #
# dtypes                                                                      #
# --------------------------------------------------------------------------- #
@pytest.mark.parametrize("dtype", [np.uint8, np.int16, np.float16, np.float32])
def test_the_input_dtype_is_kept_and_integers_are_rounded(digit_images, dtype):
    images, y = digit_images
    X = images.reshape(len(images), -1).astype(dtype)
    X_res, _ = tiny(image_shape=(8, 8)).fit_resample(X, y)
    assert X_res.dtype == dtype and np.array_equal(X_res[: len(X)], X)
    synthetic = X_res[len(X) :].astype(float)
    assert synthetic.min() >= X.min() and synthetic.max() <= X.max()
    # the same pixels as float64 give the unrounded samples
    X_float, _ = tiny(image_shape=(8, 8)).fit_resample(X.astype(np.float64), y)
    exact = X_float[len(X) :]
    assert np.mean(np.abs(exact - np.rint(exact)) > 0.1) > 0.2  # not whole numbers
    if np.dtype(dtype).kind == "f":
        tolerance = np.finfo(dtype).resolution * X.max()
        assert np.allclose(synthetic, exact, rtol=0, atol=tolerance)
    else:  # rounded to the nearest integer, not truncated
        assert np.array_equal(synthetic, np.rint(exact))


def test_large_integers_come_back_bit_exact():
    rng = np.random.default_rng(0)
    X = rng.integers(2**60, 2**61, size=(60, 4), dtype=np.int64)
    y = np.repeat([0, 1], [45, 15])
    X_res, _ = tiny().fit_resample(X, y)
    assert X_res.dtype == np.int64 and np.array_equal(X_res[:60], X)


# --------------------------------------------------------------------------- #
# class counts                                                                #
# --------------------------------------------------------------------------- #
def test_class_counts_from_value_counts_are_aligned_by_label():
    X, y = make_classification(n_samples=120, weights=[0.8], random_state=0)
    labels = pd.Series(np.array(["dog", "cat"])[y])
    counts = labels.value_counts()  # most frequent first: dog, cat
    classifier = tiny_mamix(class_counts=counts).fit(X, labels)
    assert list(classifier.classes_) == ["cat", "dog"]
    assert list(classifier.class_counts_) == [counts["cat"], counts["dog"]]


@pytest.mark.parametrize(
    ("counts", "message"),
    [
        ({0: 10, 1: "many"}, "must be numbers"),
        ({0: 10, 1: 0}, "positive, finite"),
        ({0: 10, 1: -3}, "positive, finite"),
        ({0: 10, 1: np.nan}, "positive, finite"),
        ({0: 10, 1: 5, 7: 2}, r"not in y \[7\]"),
        ({0: 10}, r"missing \[1\]"),
        (pd.Series({0: 10, 2: 5}), r"missing \[1\], not in y \[2\]"),
        ([10, 5, 1], "one count per class"),
    ],
)
def test_invalid_class_counts_get_an_error_naming_class_counts(counts, message):
    X, y = make_classification(n_samples=60, random_state=0)
    with pytest.raises(ValueError, match=f"class_counts.*{message}"):
        tiny_mamix(class_counts=counts).fit(X, y)


def test_mamix_weights_and_loss_reject_negative_counts():
    with pytest.raises(ValueError, match="n_partner must be positive"):
        mamix_weights(0.5, n_anchor=10, n_partner=-2)
    with pytest.raises(ValueError, match="class_counts must be positive"):
        MAMixLoss(class_counts=[10, -2])


# --------------------------------------------------------------------------- #
# failures that are not the data's fault                                      #
# --------------------------------------------------------------------------- #
@pytest.mark.parametrize("build", [tiny, lambda **p: Autoencoder(max_epochs=3, **p)])
def test_diverging_training_names_the_learning_rate_not_the_data(tabular, build):
    X, y = tabular
    estimator = build(lr=1e6)
    with pytest.raises(FloatingPointError, match=r"diverged.*lr=1000000\.0"):
        if isinstance(estimator, DeepSMOTE):
            estimator.fit_resample(X, y)
        else:
            estimator.fit(X, y)


def test_a_feature_too_large_to_scale_is_named_as_a_scaling_problem(tabular):
    X, y = tabular
    X = X.copy()
    X[:, 2] *= 1e300
    with pytest.raises(ValueError, match="Scaling X with StandardScaler"):
        tiny().fit_resample(X, y)


def test_decoding_codes_that_are_not_finite_is_a_clear_error(tabular):
    sampler = tiny()
    sampler.fit_resample(*tabular)
    codes = sampler.encode(tabular[0][:3])
    codes[1, 0] = np.nan
    with pytest.raises(ValueError, match=r"Latent codes must be finite.*\[1\]"):
        sampler.decode(codes)


def test_a_convolutional_autoencoder_without_images_says_how_to_give_them(tabular):
    with pytest.raises(ValueError, match="needs images: pass image_shape"):
        tiny(module="conv").fit_resample(*tabular)


@pytest.mark.parametrize(
    ("params", "name"),
    [({"max_epochs": -1}, "max_epochs"), ({"max_epochs": 2.5}, "max_epochs")]
    + [({"lr": "fast"}, "lr"), ({"batch_size": 0}, "batch_size")]
    + [({"train_split": "yes"}, "train_split"), ({"warm_start": "no"}, "warm_start")],
)
def test_every_classifier_parameter_is_validated_by_name(tabular, params, name):
    with pytest.raises(ValueError, match=f"The '{name}' parameter of MAMixClassifier"):
        tiny_mamix(**params).fit(*tabular)


INT_PARAMETERS = [
    (Autoencoder, name)
    for name in ("latent_dim", "max_epochs", "batch_size", "n_iter_no_change")
] + [(MAMixClassifier, name) for name in ("max_epochs", "batch_size", "drw_start")]
INT_PARAMETERS += [(Autoencoder, "n_threads"), (MAMixClassifier, "n_threads")]


@pytest.mark.parametrize(("estimator", "name"), INT_PARAMETERS)
@pytest.mark.parametrize("value", [True, False, np.True_])
def test_a_bool_for_an_int_parameter_is_rejected_by_name(
    tabular, estimator, name, value
):
    model = estimator(max_epochs=2, random_state=0, device="cpu")
    with pytest.raises(
        InvalidParameterError,
        match=f"The '{name}' parameter of {estimator.__name__} must be",
    ):
        model.set_params(**{name: value}).fit(*tabular)


def test_autoencoder_batches_of_one_row_are_rejected_whole_data_batches_train(
    tabular, make_images
):
    X, y = make_images((8, 8))
    params = {"image_shape": (8, 8), "max_epochs": 2, "random_state": 0}
    with pytest.raises(
        InvalidParameterError,
        match=r"The 'batch_size' parameter of Autoencoder must be an int in the "
        r"range \[2, inf\) or an? int among \{-1\}. Got 1 instead.",
    ):
        Autoencoder(batch_size=1, **params).fit(X)
    # -1: the whole data in one batch, penalty batches of a whole class
    autoencoder = Autoencoder(batch_size=-1, penalty="paper", **params).fit(X, y)
    assert [epoch["train_batch_count"] for epoch in autoencoder.history_] == [1, 1]
    assert autoencoder.history_[-1]["train_penalty_loss"] > 0
    Autoencoder(batch_size=2, **params).fit(X[:9])
    MAMixClassifier(batch_size=1, max_epochs=1, device="cpu").fit(*tabular)


def test_plot_with_a_bad_number_per_class_is_a_clear_error(digit_images):
    pytest.importorskip("matplotlib")
    images, y = digit_images
    for n_per_class in (0, -2, 2.5):
        with pytest.raises(ValueError, match="n_per_class must be an int >= 1"):
            plot_real_vs_synthetic(images, y, images, y, n_per_class=n_per_class)


def test_plot_given_the_whole_resampled_output_shows_only_new_images_as_synthetic(
    digit_images,
):
    matplotlib = pytest.importorskip("matplotlib")
    matplotlib.use("Agg")
    images, y = digit_images
    X_res, y_res = tiny().fit_resample(images, y)
    _, axes = plot_real_vs_synthetic(images, y, X_res, y_res, n_per_class=3)
    shown = axes[1, 0].get_images()[0].get_array()  # first synthetic digit 1
    first_new = X_res[len(images) :][y_res[len(images) :] == 1][0]
    assert np.array_equal(np.asarray(shown), first_new)
    matplotlib.pyplot.close("all")


# --------------------------------------------------------------------------- #
# ecosystem settings                                                          #
# --------------------------------------------------------------------------- #
def test_every_estimator_works_under_pandas_output_with_identical_numbers():
    X, y = load_breast_cancer(return_X_y=True)
    X, y = X[:150], y[:150]

    def run():
        model = make_pipeline(
            TabularToImage(),
            tiny(image_shape="square"),
            tiny_mamix(image_shape="square"),
        ).fit(X, y)
        codes = Autoencoder(max_epochs=2, random_state=0).fit(X).transform(X)
        return model.predict_proba(X), np.asarray(codes)

    expected = run()
    with sklearn.config_context(transform_output="pandas"):
        got = run()
    assert all(np.array_equal(a, b) for a, b in zip(expected, got, strict=True))
