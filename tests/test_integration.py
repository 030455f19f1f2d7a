"""DeepSMOTE works everywhere SMOTE works: pipelines, searches, processes, pickles."""

import copy
import pickle
from collections import Counter

import joblib
import numpy as np
import pandas as pd
import pytest
import torch
from imblearn.over_sampling import SMOTE
from imblearn.pipeline import Pipeline, make_pipeline
from sklearn.datasets import load_breast_cancer, load_digits
from sklearn.dummy import DummyClassifier
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import GridSearchCV, StratifiedKFold, cross_validate
from sklearn.preprocessing import MinMaxScaler
from torch.utils._pytree import tree_map

from imblearn_deepsmote import DeepSMOTE, MAMixClassifier, TabularToImage


def tiny(**params):
    """A DeepSMOTE for 8 x 8 digits that trains in well under a second."""
    defaults = {
        "image_shape": (8, 8),
        "max_epochs": 2,
        "batch_size": 32,
        "random_state": 0,
        "device": "cpu",
    }
    return DeepSMOTE(**{**defaults, **params})


def imbalanced_digits(counts=None):
    """Flattened 8 x 8 digits in [0, 1], cut to an imbalanced subset (float64)."""
    counts = counts or {0: 40, 1: 40, 2: 10, 3: 8}
    X, y = load_digits(return_X_y=True)
    keep = np.concatenate([np.flatnonzero(y == c)[:n] for c, n in counts.items()])
    return X[keep] / 16, y[keep]


def classifier():
    return LogisticRegression()


@pytest.mark.parametrize(
    "build",
    [
        lambda: Pipeline([("os", tiny()), ("clf", DummyClassifier())]),
        lambda: make_pipeline(tiny(), DummyClassifier()),
    ],
    ids=["Pipeline", "make_pipeline"],
)
def test_pipeline_resamples_for_the_classifier_and_not_at_predict_time(build):
    X, y = imbalanced_digits()
    pipe = build().fit(X, y)
    # the classifier was fitted on balanced data...
    assert np.allclose(pipe[-1].class_prior_, 0.25)
    assert pipe[0].history_ and pipe[0].sampling_strategy_ == {1: 0, 2: 30, 3: 32}
    # ...and prediction sees exactly the rows it is given
    assert pipe.predict(X[:7]).shape == (7,)


def test_one_grid_swaps_smote_deepsmote_and_passthrough_and_ranks_them():
    X, y = imbalanced_digits()
    pipe = Pipeline([("sampler", "passthrough"), ("clf", classifier())])
    grid = [
        {"sampler": [SMOTE(k_neighbors=3, random_state=0), "passthrough"]},
        {"sampler": [tiny(k_neighbors=3)], "sampler__latent_dim": [4, 8]},
    ]
    search = GridSearchCV(
        pipe,
        grid,
        cv=StratifiedKFold(2, shuffle=True, random_state=0),
        scoring="balanced_accuracy",
        n_jobs=2,
    ).fit(X, y)
    results = search.cv_results_
    names = [
        p if isinstance(p, str) else type(p).__name__ for p in results["param_sampler"]
    ]
    assert names == ["SMOTE", "passthrough", "DeepSMOTE", "DeepSMOTE"]
    assert list(results["param_sampler__latent_dim"][2:]) == [4, 8]
    scores = results["mean_test_score"]
    assert np.all(np.isfinite(scores)) and np.all(scores > 0.5)
    assert sorted(results["rank_test_score"])[0] == 1
    assert search.best_score_ == scores.max()
    assert search.predict(X[:5]).shape == (5,)


def test_cross_validate_in_two_processes_matches_one_process():
    X, y = imbalanced_digits()
    pipe = make_pipeline(tiny(k_neighbors=3), classifier())
    cv = StratifiedKFold(2, shuffle=True, random_state=0)
    # torch's results depend on its thread count: one thread everywhere
    with joblib.parallel_config(backend="loky", inner_max_num_threads=1):
        parallel = cross_validate(
            pipe, X, y, cv=cv, n_jobs=2, return_estimator=True, scoring="f1_macro"
        )
    serial = cross_validate(pipe, X, y, cv=cv, n_jobs=1, scoring="f1_macro")
    assert np.array_equal(parallel["test_score"], serial["test_score"])
    for fitted in parallel["estimator"]:
        sampler = fitted[0]
        assert sampler.device_ == torch.device("cpu")
        assert sampler.latent_codes_.shape[1] == sampler.latent_dim_


def test_dataframe_and_string_labels_flow_through_a_pipeline_as_pandas():
    X, y = imbalanced_digits()
    names = np.array(["zero", "one", "two", "three"])
    X_df = pd.DataFrame(X, columns=[f"px{i}" for i in range(64)]).astype(np.float32)
    y_sr = pd.Series(names[y], name="digit")
    resampling = make_pipeline(MinMaxScaler().set_output(transform="pandas"), tiny())
    X_res, y_res = resampling.fit_resample(X_df, y_sr)
    assert isinstance(X_res, pd.DataFrame) and list(X_res.columns) == list(X_df.columns)
    assert set(X_res.dtypes) == {np.dtype(np.float32)}
    assert isinstance(y_res, pd.Series) and y_res.name == "digit"
    assert Counter(y_res) == dict.fromkeys(names, 40)
    assert list(resampling[-1].feature_names_in_) == list(X_df.columns)

    model = make_pipeline(tiny(), classifier()).fit(X_df, y_sr)
    assert set(model.predict(X_df)) <= set(names)
    assert list(model.classes_) == sorted(names)


@pytest.mark.parametrize(
    "round_trip",
    [
        lambda obj, path: pickle.loads(pickle.dumps(obj)),
        lambda obj, path: joblib.load(joblib.dump(obj, path / "model.joblib")[0]),
    ],
    ids=["pickle", "joblib"],
)
def test_saved_and_reloaded_sampler_encodes_decodes_and_generates_identically(
    tmp_path, round_trip
):
    X, y = imbalanced_digits()
    sampler = tiny()
    sampler.fit_resample(X, y)
    restored = round_trip(sampler, tmp_path)
    latent = sampler.encode(X[:6])
    assert np.array_equal(restored.encode(X[:6]), latent)
    assert np.array_equal(restored.decode(latent), sampler.decode(latent))
    assert np.array_equal(
        restored.generate(9, target_class=3, random_state=1),
        sampler.generate(9, target_class=3, random_state=1),
    )


def test_saved_and_reloaded_pipeline_predicts_identically(tmp_path):
    X, y = imbalanced_digits()
    model = make_pipeline(tiny(), classifier()).fit(X, y)
    restored = joblib.load(joblib.dump(model, tmp_path / "model.joblib")[0])
    assert np.array_equal(restored.predict_proba(X), model.predict_proba(X))


class _OnAnotherDevice(torch.Tensor):
    """A tensor that reports another device but keeps its data on the CPU.

    It stands in for a GPU tensor on a machine without a GPU: every operation
    runs on the wrapped CPU data, and only a copy *to the CPU* returns a plain
    tensor. A module made of these is "on" ``device`` as far as
    ``next(module.parameters()).device`` can tell.
    """

    @staticmethod
    def __new__(cls, data, device):
        return torch.Tensor._make_wrapper_subclass(
            cls,
            data.shape,
            strides=data.stride(),
            dtype=data.dtype,
            device=device,
            requires_grad=data.requires_grad,
        )

    def __init__(self, data, device):
        self.cpu_data = data

    @classmethod
    def __torch_dispatch__(cls, func, types, args=(), kwargs=None):
        kwargs = kwargs or {}
        devices = []

        def unwrap(t):
            if isinstance(t, _OnAnotherDevice):
                devices.append(t.device)
                return t.cpu_data
            return t

        args, kwargs = tree_map(unwrap, args), tree_map(unwrap, kwargs)
        to_cpu = func is torch.ops.aten._to_copy.default and (
            torch.device(kwargs.get("device", devices[0])).type == "cpu"
        )
        out = func(*args, **kwargs)
        if to_cpu:
            return out
        return tree_map(
            lambda t: cls(t, devices[0]) if isinstance(t, torch.Tensor) else t, out
        )


def test_pickling_moves_an_autoencoder_on_another_device_to_the_cpu():
    X, y = imbalanced_digits()
    sampler = tiny()
    sampler.fit_resample(X, y)
    latent = sampler.encode(X[:4])
    expected = sampler.decode(latent)
    elsewhere = copy.copy(sampler)
    elsewhere.autoencoder_ = copy.deepcopy(sampler.autoencoder_)._apply(
        lambda t: _OnAnotherDevice(t, torch.device("meta"))
    )
    assert {p.device.type for p in elsewhere.autoencoder_.parameters()} == {"meta"}

    restored = pickle.loads(pickle.dumps(elsewhere))

    tensors = [*restored.autoencoder_.parameters(), *restored.autoencoder_.buffers()]
    assert {t.device.type for t in tensors} == {"cpu"}
    assert {type(t) for t in tensors} <= {torch.Tensor, torch.nn.Parameter}
    assert np.array_equal(restored.decode(latent), expected)
    # pickling copies: the original stays on its device
    assert next(elsewhere.autoencoder_.parameters()).device.type == "meta"


@pytest.mark.skipif(not torch.cuda.is_available(), reason="needs a CUDA device")
def test_sampler_trained_on_cuda_unpickles_on_the_cpu():  # pragma: no cover
    X, y = imbalanced_digits()
    sampler = tiny(device="cuda")
    sampler.fit_resample(X, y)
    restored = pickle.loads(pickle.dumps(sampler))
    assert next(restored.autoencoder_.parameters()).device.type == "cpu"
    assert next(sampler.autoencoder_.parameters()).device.type == "cuda"
    latent = sampler.encode(X[:4])
    assert np.allclose(restored.decode(latent), sampler.decode(latent), atol=1e-5)


def tiny_mamix(**params):
    defaults = {"max_epochs": 2, "batch_size": 32, "random_state": 0, "device": "cpu"}
    return MAMixClassifier(**{**defaults, **params})


def test_deepsmote_feeds_a_mamix_classifier_on_flattened_digits():
    X, y = imbalanced_digits()
    model = Pipeline([("os", tiny()), ("clf", tiny_mamix(image_shape=(8, 8)))]).fit(
        X, y
    )
    assert list(model.classes_) == [0, 1, 2, 3]
    # the classifier saw the balanced, resampled data
    assert list(model[-1].class_counts_) == [40, 40, 40, 40]
    proba = model.predict_proba(X[:5])
    assert proba.shape == (5, 4) and np.allclose(proba.sum(axis=1), 1)


def test_tabular_rows_become_images_for_deepsmote_and_a_mamix_classifier():
    X, y = load_breast_cancer(return_X_y=True)
    keep = np.r_[np.flatnonzero(y == 0)[:30], np.flatnonzero(y == 1)[:120]]
    X, y = X[keep], y[keep]
    model = make_pipeline(
        TabularToImage(arrangement="correlation"),
        tiny(image_shape="square"),
        tiny_mamix(image_shape="square"),
    ).fit(X, y)
    assert model[0].image_shape_ == (1, 8, 8)
    assert model[1].input_shape_ == (1, 8, 8)
    assert list(model[-1].class_counts_) == [120, 120]
    assert model.predict(X).shape == (150,)
    assert model.score(X, y) > 0.5
