"""Any imbalanced-learn over-sampler can work in DeepSMOTE's latent space."""

from collections import Counter

import numpy as np
import pytest
from helpers import tiny_deepsmote
from imblearn.over_sampling import (
    ADASYN,
    SMOTE,
    SVMSMOTE,
    BorderlineSMOTE,
    KMeansSMOTE,
    RandomOverSampler,
)
from sklearn.base import clone
from sklearn.cluster import KMeans
from sklearn.datasets import make_classification
from torch import nn

from imblearn_deepsmote.deepsmote import EncoderDecoder

TARGET = 91  # size of the majority class of `data`


@pytest.fixture(scope="module")
def data():
    """Three overlapping classes of 91, 37 and 22 rows, so borderlines exist."""
    X, y = make_classification(
        n_samples=150,
        n_features=6,
        n_informative=4,
        n_classes=3,
        weights=[0.6, 0.25, 0.15],
        class_sep=0.8,
        random_state=0,
    )
    assert Counter(y.tolist()) == {0: TARGET, 1: 37, 2: 22}
    return X, y


def tiny(**params):
    return tiny_deepsmote(**params)


# (latent sampler, whether it hits the requested counts exactly). ADASYN and
# KMeansSMOTE only approximate them, as they do in the input space: ADASYN
# rounds a per-sample share, KMeansSMOTE rounds up a per-cluster share.
LATENT_SAMPLERS = {
    "BorderlineSMOTE": (BorderlineSMOTE(k_neighbors=3, m_neighbors=6), True),
    "SVMSMOTE": (SVMSMOTE(k_neighbors=3, m_neighbors=6), True),
    "RandomOverSampler-shrinkage": (RandomOverSampler(shrinkage=0.5), True),
    "ADASYN": (ADASYN(n_neighbors=3), False),
    "KMeansSMOTE": (
        KMeansSMOTE(
            k_neighbors=2,
            cluster_balance_threshold=0.0,
            kmeans_estimator=KMeans(n_clusters=2, n_init=1, random_state=0),
        ),
        False,
    ),
}


@pytest.mark.parametrize(
    ("latent_sampler", "exact"),
    LATENT_SAMPLERS.values(),
    ids=LATENT_SAMPLERS.keys(),
)
def test_latent_sampler_balances_keeps_originals_and_is_reproducible(
    data, latent_sampler, exact
):
    X, y = data
    params_before = latent_sampler.get_params()
    sampler = tiny(latent_sampler=latent_sampler)
    X_res, y_res = sampler.fit_resample(X, y)

    counts = Counter(y_res.tolist())
    assert counts[0] == TARGET
    for label in (1, 2):
        if exact:
            assert counts[label] == TARGET
        else:
            assert abs(counts[label] - TARGET) <= 0.1 * TARGET
    assert np.array_equal(X_res[: len(X)], X) and np.array_equal(y_res[: len(y)], y)
    synthetic = X_res[len(X) :]
    assert np.all(np.isfinite(synthetic))
    assert not (synthetic[:, None, :] == X[None, :, :]).all(axis=2).any()

    X_again, y_again = tiny(latent_sampler=clone(latent_sampler)).fit_resample(X, y)
    assert np.array_equal(X_again, X_res) and np.array_equal(y_again, y_res)
    assert sampler.latent_sampler_ is not latent_sampler  # cloned, as imblearn does
    assert repr(sampler.latent_sampler_.get_params()) == repr(params_before)
    assert latent_sampler.get_params() == params_before


def test_default_latent_sampling_is_smote_interpolation_among_k_neighbors():
    from sklearn.neighbors import NearestNeighbors

    from imblearn_deepsmote.deepsmote._latent import interpolate

    codes = np.random.default_rng(0).normal(size=(12, 4)).astype(np.float32)
    made = interpolate(codes, 500, 3, np.random.RandomState(0))
    new, anchors, partners, gaps = made.codes, made.anchors, made.partners, made.gaps
    nearest = NearestNeighbors(n_neighbors=4).fit(codes).kneighbors(codes)[1][:, 1:]
    assert all(p in nearest[a] for a, p in zip(anchors, partners, strict=True))
    assert np.all((gaps >= 0) & (gaps < 1))
    expected = codes[anchors] + gaps[:, None] * (codes[partners] - codes[anchors])
    assert np.allclose(new, expected, atol=1e-6)
    assert set(anchors) == set(range(12))  # every code gets to be an anchor


def test_default_latent_sampler_is_smote_with_k_neighbors(data):
    X, y = data
    default = tiny(k_neighbors=3)
    X_default, _ = default.fit_resample(X, y)
    assert isinstance(default.latent_sampler_, SMOTE)
    assert default.latent_sampler_.k_neighbors == 3
    assert np.array_equal(X_default, tiny(k_neighbors=3).fit_resample(X, y)[0])


class _SmallEncoder(nn.Module):
    def __init__(self, input_shape, latent_dim):
        super().__init__()
        self.net = nn.Sequential(
            nn.Flatten(), nn.Linear(int(np.prod(input_shape)), 16), nn.Tanh()
        )
        self.head = nn.Linear(16, latent_dim)

    def forward(self, x):
        return self.head(self.net(x))


def small_autoencoder(input_shape, latent_dim):
    """A user factory following ``build_autoencoder``'s contract."""
    decoder = nn.Sequential(
        nn.Linear(latent_dim, 16),
        nn.Tanh(),
        nn.Linear(16, int(np.prod(input_shape))),
        nn.Unflatten(1, tuple(input_shape)),
    )
    return _SmallEncoder(input_shape, latent_dim), decoder


@pytest.mark.filterwarnings("ignore:Class .* has fewer samples")
def test_k_neighbors_does_not_change_the_output_of_a_latent_sampler(
    imbalanced_digits,
):
    X, y = imbalanced_digits  # images: the noise rule probes the new codes
    made = [
        tiny(image_shape=(8, 8), k_neighbors=k, latent_sampler=RandomOverSampler())
        for k in (1, 7)
    ]
    (X_1, y_1), (X_7, y_7) = (sampler.fit_resample(X, y) for sampler in made)
    assert made[0].latent_noise_ == made[1].latent_noise_ > 0
    assert np.array_equal(X_1, X_7) and np.array_equal(y_1, y_7)


@pytest.mark.parametrize(
    ("image_shape", "input_shape"),
    [(None, (6,)), ((8, 8), (1, 8, 8))],
    ids=["tabular", "image"],
)
def test_user_autoencoder_factory_is_trained_and_resamples(image_shape, input_shape):
    n_features = int(np.prod(input_shape))
    X, y = make_classification(
        n_samples=60, n_features=n_features, weights=[0.75], random_state=0
    )
    sampler = tiny(
        autoencoder=small_autoencoder,
        image_shape=image_shape,
        latent_dim=4,
        max_epochs=3,
        n_iter_no_change=None,
    )
    X_res, y_res = sampler.fit_resample(X, y)

    network = sampler.autoencoder_.module_
    assert isinstance(network, EncoderDecoder)
    assert isinstance(network.encoder, _SmallEncoder)
    assert (sampler.autoencoder_.image_shape_ or (6,)) == input_shape
    assert sampler.encode(X[:3]).shape == (3, 4)
    losses = sampler.autoencoder_.history_[:, "train_loss"]
    assert len(losses) == 3 and losses[-1] < losses[0]
    counts = Counter(y_res.tolist())
    assert counts[0] == counts[1] == Counter(y.tolist())[0]
    assert X_res.shape == (len(y_res), n_features)


@pytest.mark.parametrize("name", ["ADASYN", "KMeansSMOTE"])
def test_generate_returns_exactly_n_samples_with_an_approximate_latent_sampler(
    data, name
):
    X, y = data
    sampler = tiny(latent_sampler=LATENT_SAMPLERS[name][0])
    sampler.fit_resample(X, y)
    shapes = [
        sampler.generate(n, target_class=1, random_state=0).shape for n in (7, 50)
    ]
    assert shapes == [(7, X.shape[1]), (50, X.shape[1])]


class _MakesNothing(RandomOverSampler):
    """A latent sampler that returns its input: it never makes a sample."""

    def _fit_resample(self, X, y):
        return X, y


def test_a_latent_sampler_that_makes_nothing_returns_the_originals_with_a_warning(
    data,
):
    X, y = data
    with pytest.warns(UserWarning, match="_MakesNothing made 0 of the") as caught:
        X_res, y_res = tiny(latent_sampler=_MakesNothing()).fit_resample(X, y)
    messages = [str(w.message) for w in caught]
    assert len(messages) == 2  # one per minority class
    assert "0 of the 54 samples asked for class 1" in messages[0]
    assert np.array_equal(X_res, X) and np.array_equal(y_res, y)


def test_borderline_smote_without_borderline_codes_makes_what_it_can_and_says_so():
    from imblearn.over_sampling import BorderlineSMOTE

    # two far-apart blobs: no minority code has majority neighbours
    rng = np.random.default_rng(0)
    X = np.concatenate([rng.normal(0, 1, (40, 4)), rng.normal(30, 1, (8, 4))])
    y = np.repeat([0, 1], [40, 8])
    sampler = tiny(latent_sampler=BorderlineSMOTE(k_neighbors=3), latent_noise=0.0)
    with pytest.warns(UserWarning, match="BorderlineSMOTE made 0 of the 32 .* class 1"):
        X_res, y_res = sampler.fit_resample(X, y)
    assert len(X_res) == len(X) and np.array_equal(y_res, y)
