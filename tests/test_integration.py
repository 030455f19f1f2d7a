"""DeepSMOTE works everywhere SMOTE works: pipelines, searches, processes, pickles."""

import pickle
from collections import Counter

import joblib
import numpy as np
import pandas as pd
import pytest
import torch
from helpers import tiny_deepsmote
from imblearn.over_sampling import SMOTE
from imblearn.pipeline import Pipeline, make_pipeline
from sklearn.datasets import load_breast_cancer, load_digits
from sklearn.dummy import DummyClassifier
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import balanced_accuracy_score
from sklearn.model_selection import GridSearchCV, StratifiedKFold, cross_validate
from sklearn.preprocessing import MinMaxScaler

from imblearn_deepsmote import MAMixClassifier, TabularToImage


def tiny(**params):
    """A DeepSMOTE for 8 x 8 digits that trains in well under a second."""
    return tiny_deepsmote(**{"image_shape": (8, 8), "batch_size": 32, **params})


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
    assert pipe[0].autoencoder_.history_ and pipe[0].sampling_strategy_ == {
        1: 0,
        2: 30,
        3: 32,
    }
    # ...and prediction sees exactly the rows it is given
    assert pipe.predict(X[:7]).shape == (7,)


@pytest.mark.slow
def test_one_grid_swaps_smote_deepsmote_and_passthrough_and_ranks_them():
    X, y = imbalanced_digits()
    pipe = Pipeline([("sampler", "passthrough"), ("clf", classifier())])
    grid = [
        {"sampler": [SMOTE(k_neighbors=3, random_state=0), "passthrough"]},
        {"sampler": [tiny(k_neighbors=3)], "sampler__autoencoder__latent_dim": [4, 8]},
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
    assert list(results["param_sampler__autoencoder__latent_dim"][2:]) == [4, 8]
    scores = results["mean_test_score"]
    assert np.all(np.isfinite(scores)) and np.all(scores > 0.5)
    assert sorted(results["rank_test_score"])[0] == 1
    assert search.best_score_ == scores.max()
    assert search.predict(X[:5]).shape == (5,)


@pytest.mark.slow
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
        assert sampler.autoencoder_.device_ == torch.device("cpu")
        assert sampler.latent_codes_.shape[1] == sampler.autoencoder_.latent_dim_


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
    assert model[1].autoencoder_.image_shape_ == (1, 8, 8)
    assert list(model[-1].class_counts_) == [120, 120]
    # predicting the larger class always scores a balanced accuracy of 0.5
    assert balanced_accuracy_score(y, model.predict(X)) > 0.8
