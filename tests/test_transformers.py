import numpy as np
import pytest
from sklearn.datasets import load_breast_cancer

from imblearn_deepsmote import TabularToImage
from imblearn_deepsmote.transformers import _correlation_order
from imblearn_deepsmote.utils import resolve_image_shape

ARRANGEMENTS = ["original", "correlation"]


@pytest.mark.parametrize("arrangement", ARRANGEMENTS)
@pytest.mark.parametrize("scale", [True, False])
def test_inverse_transform_recovers_the_original_features(arrangement, scale):
    X = np.random.default_rng(0).normal(size=(40, 13)) * np.arange(1, 14) + 5
    X[:, 4] = 3.0  # a constant feature
    to_image = TabularToImage(arrangement=arrangement, scale=scale).fit(X)
    np.testing.assert_allclose(to_image.inverse_transform(to_image.transform(X)), X)


@pytest.mark.parametrize("arrangement", ARRANGEMENTS)
def test_float32_input_gives_float32_pixels_and_round_trips(arrangement):
    X = np.random.default_rng(0).uniform(-3, 7, size=(20, 10)).astype(np.float32)
    to_image = TabularToImage(arrangement=arrangement).fit(X)
    X_pixels = to_image.transform(X)
    assert X_pixels.dtype == np.float32
    X_back = to_image.inverse_transform(X_pixels)
    assert X_back.dtype == np.float32
    np.testing.assert_allclose(X_back, X, rtol=1e-5, atol=1e-5)


def test_integer_input_gives_float64_pixels():
    X = np.arange(20).reshape(4, 5)
    assert TabularToImage().fit_transform(X).dtype == np.float64


def test_original_arrangement_fills_rows_in_order_and_pads_with_fill_value():
    X = np.arange(30.0).reshape(3, 10)
    to_image = TabularToImage(grid_shape=(3, 4), scale=False, fill_value=-1.0).fit(X)
    images = to_image.transform(X).reshape(-1, 3, 4)
    np.testing.assert_array_equal(images[0, :2].ravel(), X[0, :8])
    np.testing.assert_array_equal(images[:, 2, :2], X[:, 8:])
    np.testing.assert_array_equal(images[:, 2, 2:], -1.0)
    np.testing.assert_array_equal(to_image.feature_positions_[9], [2, 1])


def test_scaled_pixels_lie_in_unit_interval_and_padding_is_fill_value():
    X = np.random.default_rng(0).normal(size=(50, 30)) * 100
    to_image = TabularToImage(arrangement="correlation").fit(X)
    X_pixels = to_image.transform(X)
    used = np.zeros((8, 8), dtype=bool)
    used[tuple(to_image.feature_positions_.T)] = True
    used = used.ravel()
    assert X_pixels[:, used].min() == pytest.approx(0.0)
    assert X_pixels[:, used].max() == pytest.approx(1.0)
    np.testing.assert_array_equal(X_pixels[:, ~used], 0.0)


@pytest.mark.parametrize(
    "n_features, params, image_shape",
    [
        (30, {}, (1, 8, 8)),
        (64, {}, (1, 8, 8)),
        (65, {}, (1, 9, 9)),
        (100, {}, (1, 10, 10)),
        (1, {}, (1, 8, 8)),
        (30, {"min_side": 1}, (1, 6, 6)),
        (30, {"grid_shape": (5, 7)}, (1, 5, 7)),
        (30, {"grid_shape": [3, 10]}, (1, 3, 10)),
    ],
)
def test_grid_shape_default_and_explicit(n_features, params, image_shape):
    X = np.random.default_rng(0).normal(size=(5, n_features))
    to_image = TabularToImage(**params).fit(X)
    assert to_image.image_shape_ == image_shape
    assert all(type(v) is int for v in to_image.image_shape_)
    assert to_image.transform(X).shape == (5, image_shape[1] * image_shape[2])
    assert to_image.feature_positions_.shape == (n_features, 2)
    cells = {tuple(p) for p in to_image.feature_positions_}
    assert len(cells) == n_features


def test_explicit_grid_too_small_raises():
    X = np.zeros((3, 30))
    with pytest.raises(
        ValueError, match=r"grid_shape=\(5, 5\) has 25 cells.*30 features"
    ):
        TabularToImage(grid_shape=(5, 5)).fit(X)


@pytest.mark.parametrize("grid_shape", [(8,), (8, 0), (8, 2.5), (True, 8), (1, 8, 8)])
def test_malformed_grid_shape_raises(grid_shape):
    with pytest.raises(ValueError, match="grid_shape must be None or a tuple"):
        TabularToImage(grid_shape=grid_shape).fit(np.zeros((3, 4)))


@pytest.mark.parametrize("sign", [1, -1])
def test_correlation_arrangement_puts_correlated_features_next_to_each_other(sign):
    rng = np.random.default_rng(0)
    X = rng.normal(size=(200, 30))
    X[:, 27] = sign * 3 * X[:, 2] + 1  # perfectly (anti-)correlated, far apart
    X[:, 15] = 7.0  # a constant feature must not break the ordering
    original = TabularToImage().fit(X).feature_positions_
    assert np.abs(original[2] - original[27]).sum() > 1
    positions = TabularToImage(arrangement="correlation").fit(X).feature_positions_
    assert np.abs(positions[2] - positions[27]).sum() == 1


def test_correlation_arrangement_places_consecutive_features_in_adjacent_cells():
    rng = np.random.default_rng(0)
    X = rng.normal(size=(50, 30)) @ rng.normal(size=(30, 30))  # mixed correlations
    positions = TabularToImage(arrangement="correlation").fit(X).feature_positions_
    steps = np.abs(np.diff(positions[_correlation_order(X)], axis=0)).sum(axis=1)
    np.testing.assert_array_equal(steps, 1)


def test_dataframe_input_sets_feature_names_and_pandas_output():
    pd = pytest.importorskip("pandas")
    X = pd.DataFrame(
        np.random.default_rng(0).normal(size=(6, 3)), columns=["a", "b", "c"]
    )
    to_image = TabularToImage(grid_shape=(2, 2)).fit(X)
    np.testing.assert_array_equal(to_image.feature_names_in_, ["a", "b", "c"])
    names = ["pixel_0_0", "pixel_0_1", "pixel_1_0", "pixel_1_1"]
    np.testing.assert_array_equal(to_image.get_feature_names_out(), names)
    out = to_image.set_output(transform="pandas").transform(X)
    assert list(out.columns) == names
    with pytest.raises(ValueError):
        to_image.get_feature_names_out(["x", "y", "z"])


def test_breast_cancer_becomes_an_8x8_image():
    X, _ = load_breast_cancer(return_X_y=True)
    to_image = TabularToImage(arrangement="correlation").fit(X)
    X_pixels = to_image.transform(X)
    assert X_pixels.shape == (569, 64)
    assert to_image.image_shape_ == (1, 8, 8)
    assert resolve_image_shape("square", X_pixels.shape[1]) == to_image.image_shape_
    np.testing.assert_allclose(to_image.inverse_transform(X_pixels), X)


def test_inverse_transform_rejects_wrong_number_of_pixels():
    to_image = TabularToImage().fit(np.zeros((3, 5)))
    with pytest.raises(ValueError, match="expects 64 pixels"):
        to_image.inverse_transform(np.zeros((3, 5)))
