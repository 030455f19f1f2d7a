"""DeepSMOTE grid searches run on a Dask cluster through joblib's dask backend."""

import importlib.util
from pathlib import Path

import joblib
import numpy as np
import pytest
import torch
from imblearn.pipeline import make_pipeline
from sklearn.datasets import make_classification
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import GridSearchCV, StratifiedKFold

from imblearn_deepsmote import Autoencoder, DeepSMOTE

pytestmark = pytest.mark.slow

distributed = pytest.importorskip("distributed")

EXAMPLE = Path(__file__).parents[1] / "examples" / "dask_grid_search.py"


@pytest.fixture(scope="module")
def cluster():
    """Two single-threaded worker processes, reachable on the loopback only."""
    with distributed.LocalCluster(
        n_workers=2,
        threads_per_worker=1,
        processes=True,
        host="127.0.0.1",
        dashboard_address=None,
    ) as local_cluster:
        yield local_cluster


@pytest.fixture
def client(cluster):
    with distributed.Client(cluster) as dask_client:
        yield dask_client


def make_search():
    X, y = make_classification(
        n_samples=120,
        n_features=8,
        n_informative=4,
        weights=[0.8],
        random_state=0,
    )
    pipe = make_pipeline(
        DeepSMOTE(autoencoder=Autoencoder(max_epochs=2, device="cpu"), random_state=0),
        LogisticRegression(),
    )
    search = GridSearchCV(
        pipe,
        {
            "deepsmote__autoencoder__latent_dim": [2, 4],
            "deepsmote__autoencoder__penalty": ["paper", None],
        },
        cv=StratifiedKFold(2, shuffle=True, random_state=0),
        scoring="balanced_accuracy",
        n_jobs=-1,
    )
    return search, X, y


def test_grid_search_runs_on_the_dask_workers_and_matches_a_local_run(client):
    search, X, y = make_search()
    with (
        distributed.get_task_stream(client) as task_stream,
        joblib.parallel_backend("dask"),
    ):
        search.fit(X, y)
    workers = {task["worker"] for task in task_stream.data}
    assert workers and workers <= set(client.scheduler_info()["workers"])

    results = search.cv_results_
    assert len(results["params"]) == 4
    assert np.all(np.isfinite(results["mean_test_score"]))
    assert (
        search.best_estimator_[0].autoencoder_.latent_dim_
        == search.best_params_["deepsmote__autoencoder__latent_dim"]
    )

    # Dask workers run torch on one thread: so does the local reference run
    # (the one_torch_thread fixture of conftest.py).
    assert set(client.run(torch.get_num_threads).values()) == {1}
    assert torch.get_num_threads() == 1
    local, _, _ = make_search()
    local.set_params(n_jobs=1).fit(X, y)
    for key in ("mean_test_score", "split0_test_score", "split1_test_score"):
        assert np.array_equal(results[key], local.cv_results_[key]), key


def test_example_script_fits_its_grid_on_a_given_scheduler(cluster, capsys):
    spec = importlib.util.spec_from_file_location("dask_grid_search", EXAMPLE)
    example = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(example)
    search = example.main([cluster.scheduler_address, "--max-epochs", "1"])
    assert len(search.cv_results_["params"]) == 4
    assert np.all(np.isfinite(search.cv_results_["mean_test_score"]))
    output = capsys.readouterr().out
    assert "fitting on 2 workers" in output and "1. balanced accuracy" in output
