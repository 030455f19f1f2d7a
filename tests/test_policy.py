"""One policy for the torch estimators: random streams, threads, devices, verbosity.

Every estimator that trains a network follows the same rules: an int
``random_state`` reproduces a fit exactly, in any thread; ``None`` follows
numpy's global seed; torch's and numpy's global random states are never used;
``n_threads`` applies to the estimator's own thread and is restored; ``device``
keeps its value; ``verbose`` means the same.
"""

import numpy as np
import pytest
import torch
from helpers import tiny_deepsmote
from joblib import Parallel, delayed
from skorch.callbacks import Callback
from torch.distributions import Beta
from torch.nn import functional as F

from imblearn_deepsmote import Autoencoder, DeepSMOTE, MAMixClassifier


def _deepsmote(seed, **params):
    return tiny_deepsmote(max_epochs=3, random_state=seed, **params)


def _autoencoder(seed, **params):
    return Autoencoder(max_epochs=3, random_state=seed, device="cpu", **params)


def _mamix(seed, **params):
    # dropout makes the forward pass random too
    return MAMixClassifier(
        max_epochs=3, random_state=seed, device="cpu", module__dropout=0.3, **params
    )


def _outcome(kind, seed, X, y):
    """What a fit of ``kind`` with ``seed`` produces, as one array."""
    if kind == "DeepSMOTE":
        return _deepsmote(seed).fit_resample(X, y)[0]
    if kind == "Autoencoder":
        return _autoencoder(seed).fit(X).transform(X)
    return _mamix(seed).fit(X, y).predict_proba(X)


KINDS = ["DeepSMOTE", "Autoencoder", "MAMixClassifier"]


@pytest.mark.parametrize("kind", KINDS)
def test_fits_in_parallel_threads_give_exactly_the_sequential_results(kind, tabular):
    X, y = tabular
    sequential = [_outcome(kind, seed, X, y) for seed in range(8)]
    threaded = Parallel(n_jobs=4, backend="threading")(
        delayed(_outcome)(kind, seed, X, y) for seed in range(8)
    )
    assert all(np.array_equal(a, b) for a, b in zip(sequential, threaded, strict=True))
    assert not np.array_equal(sequential[0], sequential[1])


def test_no_global_random_state_is_touched_by_fitting_or_predicting(tabular):
    X, y = tabular
    torch_state, numpy_state = torch.random.get_rng_state(), np.random.get_state()
    sampler = _deepsmote(0)
    sampler.fit_resample(X, y)
    sampler.generate(5, target_class=1, random_state=0)
    sampler.decode(sampler.encode(X))
    autoencoder = _autoencoder(0).fit(X)
    autoencoder.inverse_transform(autoencoder.transform(X))
    classifier = _mamix(0).fit(X, y)
    classifier.predict_proba(X)
    classifier.predict(X)
    assert torch.equal(torch_state, torch.random.get_rng_state())
    after = np.random.get_state()
    assert np.array_equal(numpy_state[1], after[1]) and numpy_state[2] == after[2]


@pytest.mark.parametrize("kind", KINDS)
def test_random_state_none_follows_numpys_global_seed(kind, tabular):
    X, y = tabular
    build = {"DeepSMOTE": _deepsmote, "Autoencoder": _autoencoder}.get(kind, _mamix)
    results = []
    for _ in range(2):
        np.random.seed(123)
        estimator = build(None)
        if kind == "DeepSMOTE":
            results.append(estimator.fit_resample(X, y)[0])
        elif kind == "Autoencoder":
            results.append(estimator.fit(X).transform(X))
        else:
            results.append(estimator.fit(X, y).predict_proba(X))
    assert np.array_equal(*results)


class _RecordThreads(Callback):
    def initialize(self):
        self.seen = []
        return self

    def on_epoch_end(self, net, **kwargs):
        self.seen.append(torch.get_num_threads())


@pytest.mark.parametrize("build", [_autoencoder, _mamix], ids=["Autoencoder", "MAMix"])
def test_n_threads_applies_during_fit_and_is_restored_after(build, tabular):
    X, y = tabular
    torch.set_num_threads(2)
    recorder = _RecordThreads()
    build(0, n_threads=1, callbacks=[recorder]).fit(X, y)
    assert recorder.seen == [1, 1, 1] and torch.get_num_threads() == 2
    recorder = _RecordThreads()
    build(0, n_threads=None, callbacks=[recorder]).fit(X, y)
    assert recorder.seen == [2, 2, 2]
    recorder = _RecordThreads()
    build(0, n_threads=8, callbacks=[recorder]).fit(X, y)  # never above torch's
    assert recorder.seen == [2, 2, 2]


@pytest.mark.parametrize("build", [_autoencoder, _mamix], ids=["Autoencoder", "MAMix"])
def test_device_auto_is_resolved_without_changing_the_parameter(build, tabular):
    X, y = tabular
    estimator = build(0).set_params(device="auto").fit(X, y)
    assert estimator.get_params()["device"] == "auto"
    expected = "cuda" if torch.cuda.is_available() else "cpu"
    assert estimator.device_.type == expected


@pytest.mark.parametrize("build", [_autoencoder, _mamix], ids=["Autoencoder", "MAMix"])
def test_verbose_zero_is_silent_one_prints_a_line_per_epoch_two_adds_a_bar(
    build, tabular, capsys
):
    X, y = tabular
    build(0, verbose=0).fit(X, y)
    assert capsys.readouterr() == ("", "")
    build(0, verbose=1).fit(X, y)
    out, err = capsys.readouterr()
    rows = [line for line in out.splitlines() if line.strip()[:1].isdigit()]
    assert len(rows) == 3 and "train_loss" in out and err == ""
    build(0, verbose=2).fit(X, y)
    out, err = capsys.readouterr()
    assert len([line for line in out.splitlines() if line.strip()[:1].isdigit()]) == 3
    assert "it/s" in err or "s/it" in err  # tqdm's bar within each epoch


def test_verbose_deepsmote_shows_only_the_losses_it_trains_and_why_it_stopped(
    tabular, capsys
):
    X, y = tabular
    autoencoder = Autoencoder(max_epochs=300, tol=0.5, n_iter_no_change=2, verbose=1)
    DeepSMOTE(autoencoder=autoencoder, random_state=0).fit_resample(X, y)
    out = capsys.readouterr().out
    assert "train_reconstruction_loss" in out and "penalty" not in out
    assert "Stopping since train_reconstruction_loss has not improved" in out


class _Stochastic(torch.nn.Module):
    """Draws through Python-level functions, in training and in evaluation."""

    def forward(self, x):
        x = F.alpha_dropout(x, 0.2, training=self.training)
        x = F.rrelu(x, training=self.training)
        x = x + F.gumbel_softmax(x, tau=1.0)
        concentration = torch.full_like(x, 2.0)
        return x * (0.5 + Beta(concentration, concentration).sample())


def _stochastic_autoencoder(input_shape, latent_dim):
    n_features = input_shape[0]
    encoder = torch.nn.Sequential(torch.nn.Linear(n_features, 8), _Stochastic())
    encoder.append(torch.nn.Linear(8, latent_dim))
    decoder = torch.nn.Sequential(torch.nn.Linear(latent_dim, 8), _Stochastic())
    decoder.append(torch.nn.Linear(8, n_features))
    return encoder, decoder


class _StochasticClassifier(torch.nn.Module):
    def __init__(self, n_features=6, n_classes=3):
        super().__init__()
        self.hidden = torch.nn.Linear(n_features, 8)
        self.stochastic = _Stochastic()
        self.out = torch.nn.Linear(8, n_classes)

    def forward(self, x):
        return self.out(self.stochastic(self.hidden(x)))


def _stochastic_outcome(kind, seed, X, y):
    if kind == "Autoencoder":
        estimator = _autoencoder(seed, module=_stochastic_autoencoder)
        return estimator.fit(X, y).transform(X)
    estimator = MAMixClassifier(
        module=_StochasticClassifier, max_epochs=3, random_state=seed, device="cpu"
    )
    return estimator.fit(X, y).predict_proba(X)


@pytest.mark.parametrize("kind", ["Autoencoder", "MAMixClassifier"])
def test_a_module_drawing_through_python_functions_is_reproducible_in_any_thread(
    kind, tabular
):
    """alpha_dropout, rrelu, gumbel_softmax and a Beta sample in a user's forward."""
    X, y = tabular
    results = []
    for global_seed in (1, 2):
        torch.manual_seed(global_seed)
        state = torch.random.get_rng_state()
        results.append(_stochastic_outcome(kind, 0, X, y))
        assert torch.equal(state, torch.random.get_rng_state())
    assert np.array_equal(*results)
    sequential = [_stochastic_outcome(kind, seed, X, y) for seed in range(4)]
    assert np.array_equal(sequential[0], results[0])
    assert not np.array_equal(sequential[0], sequential[1])
    threaded = Parallel(n_jobs=4, backend="threading")(
        delayed(_stochastic_outcome)(kind, seed, X, y) for seed in range(4)
    )
    assert all(np.array_equal(a, b) for a, b in zip(sequential, threaded, strict=True))


class _RecordBatchLosses(Callback):
    """What a callback sees after each batch: its loss, and what history holds."""

    def on_train_begin(self, net, **kwargs):
        self.given, self.recorded = [], []

    def on_batch_end(self, net, batch=None, training=None, loss=None, **kwargs):
        self.given.append(loss)
        self.recorded.append(net.history[-1, "batches", -1, "train_loss"])


@pytest.mark.parametrize("deferred", [True, False], ids=["on-a-gpu", "on-the-cpu"])
@pytest.mark.parametrize("kind", ["Autoencoder", "MAMixClassifier"])
def test_batch_losses_become_numbers_once_per_epoch_and_callbacks_get_tensors(
    kind, deferred, tabular, monkeypatch
):
    """No host sync per batch on a device: the history holds its tensors until
    the epoch ends (tests/test_cuda.py counts the syncs on a GPU); on the CPU,
    each batch's loss is a number at once (kept tensors fragment the heap).
    Callbacks get each batch's loss as the tensor skorch gives them."""
    X, y = tabular
    build = _autoencoder if kind == "Autoencoder" else _mamix
    assert not build(0)._defers_batch_losses()  # these nets train on the CPU
    if deferred:  # what a CUDA device does, checked on the CPU
        net_type = type(build(0))
        monkeypatch.setattr(net_type, "_defers_batch_losses", lambda self: True)
    record = _RecordBatchLosses()
    net = build(0, batch_size=16, callbacks=[("record", record)]).fit(X, y)
    assert all(isinstance(loss, torch.Tensor) for loss in record.given)
    kept = torch.Tensor if deferred else float
    assert all(isinstance(value, kept) for value in record.recorded)
    batches = [
        batch["train_loss"] for epoch in net.history for batch in epoch["batches"]
    ]
    assert all(type(value) is float for value in batches)
    assert batches == [loss.item() for loss in record.given]
