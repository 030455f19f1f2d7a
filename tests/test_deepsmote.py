"""Behaviour of the DeepSMOTE over-sampler."""

import pickle
from collections import Counter

import numpy as np
import pandas as pd
import pytest
import torch
from helpers import tiny_deepsmote
from sklearn.datasets import load_digits, make_classification
from sklearn.neighbors import NearestNeighbors
from sklearn.svm import SVC

from imblearn_deepsmote import Autoencoder, DeepSMOTE


def tiny(**params):
    return tiny_deepsmote(**params)


def test_originals_come_first_bit_for_bit_and_inputs_are_not_mutated(tabular):
    X, y = tabular
    X_before, y_before = X.copy(), y.copy()
    X_res, y_res = tiny().fit_resample(X, y)
    assert np.array_equal(X_res[: len(X)], X)
    assert np.array_equal(y_res[: len(y)], y)
    assert np.array_equal(X, X_before) and np.array_equal(y, y_before)
    assert Counter(y_res) == {0: 138, 1: 138, 2: 138}


def test_synthetic_rows_are_grouped_by_class_after_the_originals(tabular):
    X, y = tabular
    _, y_res = tiny().fit_resample(X, y)
    synthetic = y_res[len(y) :]
    assert list(dict.fromkeys(synthetic)) == [1, 2]
    assert np.all(np.diff(synthetic) >= 0)


def test_int_random_state_gives_identical_output_and_leaves_torch_rng_alone(tabular):
    X, y = tabular
    torch.manual_seed(123)
    expected_next = torch.rand(3)
    torch.manual_seed(123)
    first = tiny().fit_resample(X, y)
    assert torch.equal(torch.rand(3), expected_next)
    second = tiny().fit_resample(X, y)
    assert np.array_equal(first[0], second[0])
    other = tiny(random_state=1).fit_resample(X, y)
    assert not np.array_equal(first[0], other[0])


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_float_dtype_is_kept(tabular, dtype):
    X, y = tabular
    X_res, _ = tiny().fit_resample(X.astype(dtype), y)
    assert X_res.dtype == dtype


@pytest.mark.parametrize(
    "labels", [np.array([5, -1, 7], dtype=np.int32), np.array(["cat", "dog", "emu"])]
)
def test_labels_and_their_dtype_are_kept_and_majority_need_not_be_first(
    tabular, labels
):
    X, y = tabular
    y_mapped = labels[y]
    _, y_res = tiny().fit_resample(X, y_mapped)
    assert y_res.dtype == y_mapped.dtype
    assert set(y_res) == set(labels)
    assert Counter(y_res)[labels[2]] == Counter(y_mapped)[labels[0]]


def test_pandas_in_gives_pandas_out(tabular):
    X, y = tabular
    X_df = pd.DataFrame(X, columns=[f"f{i}" for i in range(X.shape[1])])
    y_sr = pd.Series(y, name="target")
    sampler = tiny()
    X_res, y_res = sampler.fit_resample(X_df, y_sr)
    assert isinstance(X_res, pd.DataFrame) and list(X_res.columns) == list(X_df.columns)
    assert isinstance(y_res, pd.Series) and y_res.name == "target"
    assert list(sampler.feature_names_in_) == list(X_df.columns)
    assert np.array_equal(X_res.to_numpy(), tiny().fit_resample(X, y)[0])


@pytest.mark.parametrize(
    ("sampling_strategy", "expected"),
    [
        ("auto", {0: 138, 1: 138, 2: 138}),
        ("minority", {0: 138, 1: 43, 2: 138}),
        ("not minority", {0: 138, 1: 138, 2: 19}),
        ("not majority", {0: 138, 1: 138, 2: 138}),
        ("all", {0: 138, 1: 138, 2: 138}),
        ({1: 50, 2: 30}, {0: 138, 1: 50, 2: 30}),
        (lambda y: {2: 25}, {0: 138, 1: 43, 2: 25}),
    ],
    ids=["auto", "minority", "not-minority", "not-majority", "all", "dict", "callable"],
)
def test_every_sampling_strategy_form_sets_the_counts(
    tabular, sampling_strategy, expected
):
    X, y = tabular
    _, y_res = tiny(sampling_strategy=sampling_strategy).fit_resample(X, y)
    assert Counter(y_res) == expected


def test_float_sampling_strategy_on_binary_target():
    X, y = make_classification(n_samples=100, weights=[0.8], random_state=0)
    _, y_res = tiny(sampling_strategy=0.5).fit_resample(X, y)
    counts = Counter(y_res)
    assert counts[1] == counts[0] // 2


@pytest.mark.parametrize(
    "image_shape",
    [(1, 28, 28), (3, 32, 32), (1, 8, 8), (28, 28), (2, 9, 13)],
    ids=lambda s: "x".join(map(str, s)),
)
def test_image_shapes_get_a_conv_autoencoder_of_the_right_size(
    make_images, image_shape
):
    X, y = make_images(image_shape)
    sampler = tiny(image_shape=image_shape)
    X_res, y_res = sampler.fit_resample(X, y)
    assert X_res.shape == (60, X.shape[1]) and Counter(y_res) == {0: 30, 1: 30}
    expected = image_shape if len(image_shape) == 3 else (1, *image_shape)
    assert sampler.autoencoder_.image_shape_ == expected
    modules = sampler.autoencoder_.module_.modules()
    assert any(isinstance(m, torch.nn.Conv2d) for m in modules)


def test_tabular_rows_get_an_mlp_autoencoder(tabular):
    X, y = tabular
    sampler = tiny()
    sampler.fit_resample(X, y)
    assert sampler.autoencoder_.image_shape_ is None
    assert sampler.autoencoder_.latent_dim_ == 3
    modules = sampler.autoencoder_.module_.modules()
    assert not any(isinstance(m, torch.nn.Conv2d) for m in modules)


def test_paper_autoencoder_reproduces_the_paper_architecture(make_images):
    X, y = make_images((1, 28, 28), n_per_class=(12, 6))
    sampler = tiny(image_shape=(1, 28, 28), module="paper", max_epochs=1)
    sampler.fit_resample(X, y)
    assert sampler.autoencoder_.latent_dim_ == 300
    parameters = sampler.autoencoder_.module_.parameters()
    assert sum(p.numel() for p in parameters) == 13_085_357


def test_decoded_values_stay_inside_the_training_range(make_images):
    X, y = make_images((1, 8, 8))
    X = np.clip(X, -0.5, 0.5)
    X[:, 0] = 0.25  # a constant pixel must stay constant
    X_res, _ = tiny(image_shape=(8, 8)).fit_resample(X, y)
    synthetic = X_res[len(X) :]
    assert np.all(synthetic >= X.min(axis=0)) and np.all(synthetic <= X.max(axis=0))
    assert np.all(synthetic[:, 0] == 0.25)


def test_encode_and_decode_round_trip_through_the_latent_space(tabular):
    X, y = tabular
    sampler = tiny(max_epochs=30)
    sampler.fit_resample(X, y)
    latent = sampler.encode(X)
    assert latent.shape == (len(X), 3) and latent.dtype == np.float32
    decoded = sampler.decode(latent)
    assert decoded.shape == X.shape and decoded.dtype == X.dtype
    assert np.mean((decoded - X) ** 2) < np.var(X)


def test_small_class_uses_fewer_neighbours_with_a_warning(make_images):
    X, y = make_images((1, 8, 8), n_per_class=(20, 3))
    with pytest.warns(UserWarning, match=r"Class 1 has fewer samples than k_neigh"):
        _, y_res = tiny(image_shape=(8, 8)).fit_resample(X, y)
    assert Counter(y_res) == {0: 20, 1: 20}


def test_neighbours_object_is_accepted_like_smote_and_clipped_for_small_classes(
    make_images,
):
    X, y = make_images((1, 8, 8), n_per_class=(20, 3))
    sampler = tiny(image_shape=(8, 8), k_neighbors=NearestNeighbors(n_neighbors=6))
    with pytest.warns(UserWarning, match="fewer samples than the 6 neighbours"):
        _, y_res = sampler.fit_resample(X, y)
    assert Counter(y_res) == {0: 20, 1: 20}


def test_pickled_sampler_reloads_and_decodes_identically(tabular):
    X, y = tabular
    sampler = tiny()
    sampler.fit_resample(X, y)
    restored = pickle.loads(pickle.dumps(sampler))
    latent = sampler.encode(X[:5])
    assert np.array_equal(restored.decode(latent), sampler.decode(latent))


def test_resolved_device_is_a_fitted_attribute_and_the_parameter_is_unchanged(tabular):
    X, y = tabular
    sampler = DeepSMOTE(autoencoder=Autoencoder(max_epochs=1), random_state=0)
    sampler.fit_resample(X, y)
    assert sampler.autoencoder.get_params()["device"] == "auto"
    expected = "cuda" if torch.cuda.is_available() else "cpu"
    assert sampler.autoencoder_.device_.type == expected


@pytest.mark.parametrize(
    ("X_change", "params", "message"),
    [
        (lambda X: np.where(X > 1.5, np.nan, X), {}, "Input X contains NaN"),
        (lambda X: np.where(X > 1.5, np.inf, X), {}, "Input X contains infinity"),
        (lambda X: X, {"image_shape": (1, 8, 16)}, r"image_shape=\(1, 8, 16\)"),
        (lambda X: X, {"device": "mps"}, "Unsupported device='mps'"),
        (lambda X: X, {"device": "tpu"}, "Unknown device='tpu'"),
        (lambda X: X, {"device": "not a device"}, "Unknown device='not a device'"),
        (lambda X: X.astype(str).astype(object) + "x", {}, "could not convert"),
    ],
    ids=[
        "nan",
        "inf",
        "image-shape",
        "device-mps",
        "device-tpu",
        "device-string",
        "non-numeric",
    ],
)
def test_bad_input_gets_a_clear_error(tabular, X_change, params, message):
    X, y = tabular
    with pytest.raises(ValueError, match=message):
        tiny(**params).fit_resample(X_change(X), y)


def test_image_shape_smaller_than_eight_pixels_is_refused(make_images):
    X, y = make_images((1, 4, 4))
    with pytest.raises(ValueError, match="image_shape"):
        tiny(image_shape=(4, 4)).fit_resample(X, y)


@pytest.mark.skipif(torch.cuda.is_available(), reason="CUDA is available here")
def test_cuda_requested_without_cuda_is_a_clear_error(tabular):
    X, y = tabular
    with pytest.raises(ValueError, match="CUDA is not available"):
        tiny(device="cuda").fit_resample(*tabular)


def test_one_class_only_is_a_clear_error(tabular):
    X, _ = tabular
    with pytest.raises(ValueError, match="class"):
        tiny().fit_resample(X, np.zeros(len(X), dtype=int))


def test_class_with_a_single_sample_is_a_clear_error_naming_it(tabular):
    X, y = tabular
    y = y.copy()
    y[y == 2] = 1
    y[0] = 2
    with pytest.raises(ValueError, match="Class 2 has 1 sample"):
        tiny().fit_resample(X, y)


@pytest.mark.slow
def test_synthetic_digits_are_recognised_as_the_class_they_were_made_for():
    """Fidelity with teeth: a classifier trained on held-out real digits agrees."""
    X, y = load_digits(return_X_y=True)
    rng = np.random.default_rng(0)
    order = rng.permutation(len(y))
    X, y = X[order], y[order]
    counts = {c: (150 if c < 5 else 15) for c in range(10)}
    train = np.concatenate([np.flatnonzero(y == c)[:n] for c, n in counts.items()])
    held_out = np.setdiff1d(np.arange(len(y)), train)
    judge = SVC(gamma=0.001).fit(X[held_out], y[held_out])

    sampler = DeepSMOTE(image_shape=(8, 8), random_state=0)
    X_res, y_res = sampler.fit_resample(X[train], y[train])
    synthetic, labels = X_res[len(train) :], y_res[len(train) :]
    assert len(synthetic) == 5 * (150 - 15)
    assert np.mean(judge.predict(synthetic) == labels) >= 0.90


def test_generate_makes_more_samples_of_a_class_without_retraining(tabular):
    X, y = tabular
    sampler = tiny()
    sampler.fit_resample(X, y)
    weights = [p.detach().clone() for p in sampler.autoencoder_.module_.parameters()]
    new = sampler.generate(500, target_class=2, random_state=0)
    assert new.shape == (500, X.shape[1]) and new.dtype == X.dtype
    assert np.array_equal(new, sampler.generate(500, target_class=2, random_state=0))
    after = list(sampler.autoencoder_.module_.parameters())
    assert all(torch.equal(a, b) for a, b in zip(weights, after, strict=True))


def test_generate_for_an_unknown_class_is_a_clear_error(tabular):
    sampler = tiny()
    sampler.fit_resample(*tabular)
    with pytest.raises(ValueError, match="target_class=7 has 0 training samples"):
        sampler.generate(3, target_class=7)


def test_mixed_precision_trains_and_keeps_output_dtype(make_images):
    X, y = make_images((1, 8, 8))
    sampler = tiny(image_shape=(8, 8), mixed_precision=True)
    X_res, _ = sampler.fit_resample(X, y)
    assert X_res.dtype == np.float32 and np.isfinite(X_res).all()
    assert np.isfinite(sampler.autoencoder_.history_[:, "train_loss"]).all()


def test_deprecated_training_parameters_warn_and_reach_the_autoencoder(tabular):
    X, y = tabular
    sampler = DeepSMOTE(
        penalty="reference",
        class_loss_weight=0.5,
        latent_dim=4,
        batch_size=32,
        lr=0.01,
        max_epochs=3,
        n_iter_no_change=None,
        device="cpu",
        random_state=0,
    )
    with pytest.warns(FutureWarning, match="deprecated in 0.3.*Autoencoder"):
        sampler.fit_resample(X, y)
    autoencoder = sampler.autoencoder_
    assert isinstance(autoencoder, Autoencoder)
    assert (autoencoder.latent_dim_, autoencoder.batch_size, autoencoder.lr) == (
        4,
        32,
        0.01,
    )
    assert len(autoencoder.history_) == 3
    assert {"train_penalty_loss", "train_class_loss"} <= set(autoencoder.history_[-1])


def test_a_deprecated_training_parameter_next_to_an_autoencoder_is_an_error(tabular):
    sampler = DeepSMOTE(autoencoder=Autoencoder(), max_epochs=3)
    with pytest.raises(ValueError, match="max_epochs is set on DeepSMOTE and auto"):
        sampler.fit_resample(*tabular)


def test_a_grid_search_tunes_the_autoencoder_through_its_parameters(tabular):
    from imblearn.pipeline import make_pipeline
    from sklearn.linear_model import LogisticRegression
    from sklearn.model_selection import GridSearchCV

    X, y = tabular
    pipe = make_pipeline(tiny(), LogisticRegression())
    search = GridSearchCV(
        pipe, {"deepsmote__autoencoder__max_epochs": [1, 3]}, cv=2
    ).fit(X, y)
    epochs = [len(search.best_estimator_[0].autoencoder_.history_)]
    assert search.cv_results_["param_deepsmote__autoencoder__max_epochs"].tolist() == [
        1,
        3,
    ]
    assert epochs[0] == search.best_params_["deepsmote__autoencoder__max_epochs"]


def test_early_stopping_parameters_end_training_before_the_epoch_budget(tabular):
    sampler = tiny(max_epochs=200, tol=0.5, n_iter_no_change=2)
    sampler.fit_resample(*tabular)
    assert len(sampler.autoencoder_.history_) < 200


def test_an_unfitted_autoencoder_is_cloned_seeded_and_trained(tabular):
    X, y = tabular
    given = Autoencoder(latent_dim=2, max_epochs=3)
    sampler = tiny(autoencoder=given)
    X_res, _ = sampler.fit_resample(X, y)
    assert sampler.autoencoder_ is not given and not hasattr(given, "scaler_")
    assert sampler.autoencoder_.latent_dim_ == 2
    again, _ = tiny(autoencoder=given).fit_resample(X, y)
    assert np.array_equal(X_res, again)  # seeded by DeepSMOTE's random_state


@pytest.mark.parametrize("own_seed", [3, np.int64(3)], ids=["int", "numpy-int"])
def test_an_unfitted_autoencoder_with_an_int_seed_keeps_it(tabular, own_seed):
    X, y = tabular
    sampler = tiny(autoencoder=Autoencoder(max_epochs=2, random_state=own_seed))
    sampler.fit_resample(X, y)
    assert sampler.autoencoder_.random_state == 3  # not DeepSMOTE's seed
    alone = Autoencoder(max_epochs=2, random_state=3).fit(X, y)
    assert np.array_equal(sampler.latent_codes_, alone.transform(X))


@pytest.mark.parametrize("frozen", [True, False], ids=["frozen", "bare"])
def test_a_fitted_autoencoder_is_reused_without_training_when_frozen(tabular, frozen):
    """The rule: cloned and trained, unless frozen; a bare fitted one is still
    reused until 0.5, with a FutureWarning that says how to keep doing so."""
    from sklearn.frozen import FrozenEstimator

    X, y = tabular
    fitted = Autoencoder(max_epochs=5, random_state=0).fit(X)
    weights = [p.detach().clone() for p in fitted.module_.parameters()]
    sampler = tiny(autoencoder=FrozenEstimator(fitted) if frozen else fitted)
    if frozen:
        X_res, y_res = sampler.fit_resample(X, y)
    else:
        with pytest.warns(
            FutureWarning, match=r"deprecated in 0\.3\.0.*from 0\.5\.0 on"
        ):
            X_res, y_res = sampler.fit_resample(X, y)
    assert sampler.autoencoder_ is fitted and len(fitted.history_) == 5
    after = list(fitted.module_.parameters())
    assert all(torch.equal(a, b) for a, b in zip(weights, after, strict=True))
    assert np.array_equal(sampler.latent_codes_, fitted.transform(X))
    assert Counter(y_res) == {0: 138, 1: 138, 2: 138}


def test_a_frozen_autoencoder_survives_a_grid_search_and_trains_once(tabular):
    from imblearn.pipeline import make_pipeline
    from sklearn.frozen import FrozenEstimator
    from sklearn.linear_model import LogisticRegression
    from sklearn.model_selection import GridSearchCV

    X, y = tabular
    fitted = Autoencoder(max_epochs=5, random_state=0).fit(X)
    pipe = make_pipeline(
        tiny(autoencoder=FrozenEstimator(fitted)), LogisticRegression()
    )
    search = GridSearchCV(
        pipe, {"deepsmote__k_neighbors": [2, 4]}, cv=2, scoring="balanced_accuracy"
    ).fit(X, y)
    assert len(fitted.history_) == 5  # never trained again
    assert search.best_estimator_[0].autoencoder_ is fitted


def test_a_fitted_autoencoder_of_another_width_is_a_clear_error(tabular):
    from sklearn.frozen import FrozenEstimator

    X, y = tabular
    fitted = FrozenEstimator(Autoencoder(max_epochs=1).fit(X[:, :4]))
    with pytest.raises(ValueError, match="trained on 4 features but X has 6"):
        tiny(autoencoder=fitted).fit_resample(X, y)


def test_a_frozen_unfitted_autoencoder_is_a_clear_error(tabular):
    from sklearn.frozen import FrozenEstimator

    with pytest.raises(ValueError, match="FrozenEstimator of an unfitted"):
        tiny(autoencoder=FrozenEstimator(Autoencoder())).fit_resample(*tabular)


@pytest.mark.parametrize("method", ["generate", "encode", "decode"])
def test_using_a_sampler_that_was_only_fit_points_to_fit_resample(tabular, method):
    from sklearn.exceptions import NotFittedError

    sampler = tiny().fit(*tabular)
    call = {
        "generate": lambda: sampler.generate(3, target_class=1),
        "encode": lambda: sampler.encode(tabular[0]),
        "decode": lambda: sampler.decode(np.zeros((2, 3))),
    }[method]
    with pytest.raises(NotFittedError, match=r"call fit_resample\(X, y\) first"):
        call()


def test_residual_decoding_of_a_real_code_gives_back_the_real_sample(make_images):
    from imblearn.over_sampling import RandomOverSampler

    X, y = make_images((1, 8, 8), n_per_class=(30, 6))
    sampler = tiny(
        image_shape=(8, 8), latent_sampler=RandomOverSampler(), latent_noise=0.0
    )
    X_res, y_res = sampler.fit_resample(X, y)
    minority = X[y == 1]
    for row in X_res[len(X) :]:  # duplicated codes: their own real images
        assert np.any(np.all(np.isclose(row, minority, atol=1e-5), axis=1))
    direct = tiny(
        image_shape=(8, 8),
        latent_sampler=RandomOverSampler(),
        latent_noise=0.0,
        decoding="direct",
    )
    X_direct, _ = direct.fit_resample(X, y)
    assert not np.allclose(X_direct[len(X) :], X_res[len(X) :])


def linear_network(input_shape, latent_dim):
    n_features = int(np.prod(input_shape))
    encoder = torch.nn.Linear(n_features, latent_dim)
    return encoder, torch.nn.Linear(latent_dim, n_features)


def test_residual_decoding_interpolates_the_two_real_samples_a_code_is_made_from(
    tabular,
):
    # an affine decoder maps the segment between two codes onto the segment
    # between their decodings, so with their residuals added back, every
    # synthetic row lies on the segment between two real rows of its class
    X, y = tabular
    sampler = tiny(autoencoder=linear_network, latent_noise=0.0)
    X_res, y_res = sampler.fit_resample(X, y)
    for row, label in zip(X_res[len(X) :], y_res[len(X) :], strict=True):
        members = X[y == label]
        a, b = members[:, None], members[None, :]
        gap = np.sum((row - a) * (b - a), axis=-1) / np.maximum(
            np.sum((b - a) ** 2, axis=-1), 1e-12
        )
        gap = np.clip(gap, 0, 1)[..., None]
        distance = np.linalg.norm(a + gap * (b - a) - row, axis=-1)
        assert distance.min() < 1e-4 * np.linalg.norm(row)
    direct = tiny(autoencoder=linear_network, latent_noise=0.0, decoding="direct")
    assert not np.allclose(direct.fit_resample(X, y)[0], X_res)


def test_auto_latent_noise_is_chosen_for_images_and_zero_for_tables(
    tabular, make_images
):
    from imblearn_deepsmote.deepsmote._latent import NOISE_SCALES

    X, y = tabular
    sampler = tiny()
    sampler.fit_resample(X, y)
    assert sampler.latent_noise_ == 0.0
    X_images, y_images = make_images((1, 8, 8), n_per_class=(30, 6))
    sampler.fit_resample(X_images.reshape(len(X_images), 8, 8), y_images)
    assert sampler.latent_noise_ in NOISE_SCALES
    sampler.set_params(latent_noise=0.3).fit_resample(X, y)
    assert sampler.latent_noise_ == 0.3


def _generator(codes, y, **params):
    """A LatentGenerator on given codes (its autoencoder is never called)."""
    from imblearn_deepsmote.deepsmote._latent import LatentGenerator

    defaults = {"latent_sampler": None, "k_neighbors": 3, "noise": 0.0}
    return LatentGenerator(
        None, codes, y, codes, decoding="direct", **{**defaults, **params}
    )


@pytest.mark.parametrize("gap, expected", [(20.0, 1.0), (0.5, 0.0)])
def test_the_auto_noise_scale_is_high_for_separate_classes_and_low_for_overlapping(
    gap, expected
):
    # two classes of codes with the same spread; far apart, new codes keep
    # their class under any noise; touching, noise gives them away
    rng = np.random.default_rng(0)
    codes = np.concatenate(
        [rng.normal(0, 1, (200, 4)), rng.normal(0, 1, (20, 4)) + [gap, 0, 0, 0]]
    ).astype(np.float32)
    y = np.repeat([0, 1], [200, 20])
    scale = _generator(codes, y).recognised_noise_scale(
        {1: 180}, np.random.RandomState(0)
    )
    assert scale == expected


def test_deviation_noise_adds_a_real_codes_deviation_from_its_class_mean():
    rng = np.random.default_rng(0)
    codes = rng.normal(size=(60, 3)).astype(np.float32)
    y = np.repeat([0, 1, 2], [30, 20, 10])
    generator = _generator(codes, y, noise=0.5)
    new = generator.new_codes(2, 40, np.random.RandomState(0))
    members = codes[y == 2]
    base = members[new.anchors] + new.gaps[:, None] * (
        members[new.partners] - members[new.anchors]
    )
    means = np.stack([codes[y == c].mean(axis=0) for c in y])
    deviations = 0.5 * (codes - means)
    for added in new.codes - base:
        assert np.min(np.abs(deviations - added).max(axis=1)) < 1e-5


def test_gaussian_noise_scales_with_the_within_class_spread_and_is_seeded(tabular):
    X, y = tabular

    def noisy(noise):
        return tiny(latent_noise=noise, latent_noise_kind="gaussian")

    plain = noisy(0.0).fit_resample(X, y)[0]
    sampler = noisy(1.0)
    X_res = sampler.fit_resample(X, y)[0]
    assert np.array_equal(X_res[: len(X)], plain[: len(X)])
    assert not np.allclose(X_res[len(X) :], plain[len(X) :])
    assert np.array_equal(X_res, noisy(1.0).fit_resample(X, y)[0])
    codes, labels = sampler.latent_codes_, y
    centred = codes - np.stack([codes[labels == c].mean(0) for c in labels])
    assert np.allclose(sampler._generator.spread, centred.std(axis=0), rtol=1e-4)


def test_the_k_neighbors_warning_points_at_the_users_line_once_per_search(tabular):
    import warnings

    from imblearn.pipeline import make_pipeline
    from sklearn.linear_model import LogisticRegression
    from sklearn.model_selection import GridSearchCV

    X, y = tabular
    keep = np.r_[np.flatnonzero(y != 2), np.flatnonzero(y == 2)[:4]]
    search = GridSearchCV(
        make_pipeline(tiny(k_neighbors=5), LogisticRegression()),
        {"deepsmote__latent_noise": [0.0, 0.1, 0.2, 0.3]},
        cv=2,
    )
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("default")
        search.fit(X[keep], y[keep])  # the user's line
    ours = [w for w in caught if "k_neighbors" in str(w.message)]
    assert len(ours) == 1 and ours[0].filename == __file__


@pytest.fixture
def no_latent_noise_found(monkeypatch):
    """``latent_noise="auto"`` finds no scale above 0 (as on the ELPV cells)."""
    from imblearn_deepsmote.deepsmote._latent import LatentGenerator

    monkeypatch.setattr(
        LatentGenerator, "recognised_noise_scale", lambda self, n_new, rs: 0.0
    )


def test_images_fall_back_to_smote_on_the_rows_when_auto_finds_no_latent_noise(
    make_images, no_latent_noise_found
):
    from imblearn.over_sampling import SMOTE

    X, y = make_images((1, 8, 8), n_per_class=(30, 8, 12))
    sampler = tiny(k_neighbors=3)
    X_res, y_res = sampler.fit_resample(X.reshape(-1, 8, 8), y)
    X_smote, y_smote = SMOTE(k_neighbors=3, random_state=0).fit_resample(X, y)
    assert np.array_equal(X_res.reshape(len(X_res), -1), X_smote)
    assert np.array_equal(y_res, y_smote)
    assert sampler.latent_noise_ == 0.0
    assert isinstance(sampler.fallback_sampler_, SMOTE)
    assert sampler.fallback_sampler_.get_params()["random_state"] == 0


def test_a_fallback_decodes_nothing(make_images, no_latent_noise_found, monkeypatch):
    from imblearn_deepsmote import Autoencoder

    decoded = []
    inverse_transform = Autoencoder.inverse_transform

    def spy(self, codes):
        decoded.append(len(codes))
        return inverse_transform(self, codes)

    monkeypatch.setattr(Autoencoder, "inverse_transform", spy)
    X, y = make_images((1, 8, 8), n_per_class=(30, 8))
    sampler = tiny()
    sampler.fit_resample(X.reshape(-1, 8, 8), y)
    assert sampler.fallback_sampler_ is not None
    assert decoded == []
    # the latent steps decode the minority class's residuals and its new codes
    sampler.set_params(fallback=None).fit_resample(X.reshape(-1, 8, 8), y)
    assert decoded == [8, 22]


@pytest.mark.parametrize(
    "params, tabular_rows",
    [({"fallback": None}, False), ({"latent_noise": 0.0}, False), ({}, True)],
    ids=["fallback=None", "latent_noise=0", "tabular rows"],
)
def test_the_latent_steps_run_without_noise_unless_auto_chose_no_noise_for_images(
    make_images, no_latent_noise_found, params, tabular_rows
):
    from imblearn.over_sampling import SMOTE

    X, y = make_images((1, 8, 8), n_per_class=(30, 8))
    sampler = tiny(**params)
    X_res, _ = sampler.fit_resample(X if tabular_rows else X.reshape(-1, 8, 8), y)
    assert sampler.fallback_sampler_ is None
    X_smote, _ = SMOTE(random_state=0).fit_resample(X, y)
    assert not np.allclose(X_res.reshape(len(X_res), -1), X_smote)


def test_latent_steps_run_when_auto_finds_a_latent_noise(make_images, monkeypatch):
    from imblearn_deepsmote.deepsmote._latent import LatentGenerator

    monkeypatch.setattr(
        LatentGenerator, "recognised_noise_scale", lambda self, n_new, rs: 0.5
    )
    X, y = make_images((1, 8, 8), n_per_class=(30, 8))
    sampler = tiny()
    sampler.fit_resample(X.reshape(-1, 8, 8), y)
    assert sampler.latent_noise_ == 0.5
    assert sampler.fallback_sampler_ is None


def test_a_given_fallback_sampler_is_cloned_and_run_on_the_rows(
    make_images, no_latent_noise_found
):
    from imblearn.over_sampling import RandomOverSampler

    X, y = make_images((1, 8, 8), n_per_class=(30, 8))
    given = RandomOverSampler()
    sampler = tiny(fallback=given)
    X_res, y_res = sampler.fit_resample(X.reshape(-1, 8, 8), y)
    assert sampler.fallback_sampler_ is not given
    assert not hasattr(given, "sampling_strategy_")
    rows = X_res.reshape(len(X_res), -1)
    for row in rows[len(X) :]:  # copies of real rows of the minority class
        assert np.any(np.all(X[y == 1] == row, axis=1))
    assert Counter(y_res) == {0: 30, 1: 30}


def test_after_a_fallback_integer_pixels_are_kept_and_generate_works(
    make_images, no_latent_noise_found
):
    X, y = make_images((1, 8, 8), n_per_class=(30, 8))
    images = np.clip(X * 40 + 100, 0, 255).astype(np.uint8).reshape(-1, 8, 8)
    sampler = tiny()
    X_res, _ = sampler.fit_resample(images, y)
    assert sampler.fallback_sampler_ is not None
    assert X_res.dtype == np.uint8 and np.array_equal(X_res[: len(images)], images)
    new = sampler.generate(20, target_class=1, random_state=0)
    assert new.shape == (20, 8, 8) and new.dtype == np.uint8
    members = images[y == 1]  # interpolations stay inside the class's range
    assert np.all(new >= members.min(axis=0)) and np.all(new <= members.max(axis=0))
    assert np.array_equal(new, sampler.generate(20, target_class=1, random_state=0))
