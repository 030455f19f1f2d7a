"""Plots of real next to synthetic images and of DeepSMOTE's training curves."""

import sys

import numpy as np
import pytest
import torch
from helpers import hide_package, tiny_deepsmote
from sklearn.datasets import load_digits
from sklearn.exceptions import NotFittedError

from imblearn_deepsmote import (
    Autoencoder,
    DeepSMOTE,
    MAMixClassifier,
    plot_history,
    plot_real_vs_synthetic,
)

matplotlib = pytest.importorskip("matplotlib")
matplotlib.use("Agg")
plt = pytest.importorskip("matplotlib.pyplot")


@pytest.fixture(autouse=True)
def close_figures():
    yield
    plt.close("all")


@pytest.fixture(scope="module")
def resampled_digits():
    """Digits 0 and 1 (1 is rare), over-sampled by a quickly trained DeepSMOTE."""
    X, y = load_digits(n_class=2, return_X_y=True)
    rare = np.flatnonzero(y == 1)[:12]
    X, y = np.r_[X[y == 0], X[rare]], np.r_[y[y == 0], y[rare]]
    sampler = tiny_deepsmote(image_shape=(8, 8), max_epochs=3)
    threads = torch.get_num_threads()
    torch.set_num_threads(1)  # tiny network: one thread is as fast, and robust
    try:
        X_res, y_res = sampler.fit_resample(X, y)
    finally:
        torch.set_num_threads(threads)
    return sampler, X, y, X_res[len(X) :], y_res[len(X) :]


def test_each_class_gets_a_row_of_real_images_above_a_row_of_synthetic_ones(
    resampled_digits,
):
    _, X, y, X_syn, y_syn = resampled_digits
    fig, axes = plot_real_vs_synthetic(
        X, y, X_syn, y_syn, image_shape=(8, 8), n_per_class=4, classes=[1, 0]
    )
    assert isinstance(fig, matplotlib.figure.Figure) and axes.shape == (4, 4)
    assert [ax.get_ylabel() for ax in axes[:, 0]] == [
        "1 real",
        "1 synthetic",
        "0 real",
        "0 synthetic",
    ]
    shown = axes[0, 2].get_images()[0].get_array()
    assert np.array_equal(shown, X[y == 1][2].reshape(8, 8))
    shown = axes[1, 3].get_images()[0].get_array()
    assert np.array_equal(shown, X_syn[3].reshape(8, 8))
    # class 0 got no synthetic images: its synthetic row stays empty
    assert all(not ax.get_images() for ax in axes[3])
    # one shared colour scale for real and synthetic images
    limits = {im.get_clim() for ax in axes.flat for im in ax.get_images()}
    assert limits == {(0.0, 16.0)}


def test_default_classes_are_those_with_synthetic_images(resampled_digits):
    _, X, y, X_syn, y_syn = resampled_digits
    _, axes = plot_real_vs_synthetic(X, y, X_syn, y_syn, image_shape="square")
    assert axes.shape == (2, 8)
    assert sum(bool(ax.get_images()) for ax in axes.flat) == 16


def test_images_are_drawn_into_a_given_figure():
    fig = plt.figure()
    X = np.random.default_rng(0).random((6, 3 * 8 * 8))
    y = np.array(["a", "a", "a", "b", "b", "b"])
    returned, axes = plot_real_vs_synthetic(
        X, y, X[:2], y[:2], image_shape=(3, 8, 8), n_per_class=3, fig=fig
    )
    assert returned is fig and set(fig.axes) == set(axes.flat)
    rgb = axes[0, 0].get_images()[0].get_array()
    assert rgb.shape == (8, 8, 3) and rgb.min() >= 0 and rgb.max() <= 1
    assert axes[1, 0].get_ylabel() == "a synthetic"


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"image_shape": (8, 4)}, "describes"),
        ({"image_shape": (4, 4, 4)}, "1 or 3 channels"),
        ({"X_synthetic": np.zeros((2, 32))}, r"same shape; got \(64,\) and \(32,\)"),
        ({"y_synthetic": np.zeros(3)}, "one label per image of X_synthetic"),
        ({"classes": []}, "No class to show"),
    ],
    ids=["shape", "channels", "width", "labels", "no-class"],
)
def test_inconsistent_inputs_get_a_clear_error(kwargs, message):
    args = {
        "X_real": np.zeros((4, 64)),
        "y_real": np.array([0, 0, 1, 1]),
        "X_synthetic": np.zeros((2, 64)),
        "y_synthetic": np.array([1, 1]),
        "image_shape": (8, 8),
        **kwargs,
    }
    with pytest.raises(ValueError, match=message):
        plot_real_vs_synthetic(**args)


def test_history_plot_without_penalty_draws_one_curve_for_reconstruction_and_total(
    resampled_digits,
):
    sampler = resampled_digits[0]
    ax = plot_history(sampler)
    (line,) = ax.get_lines()
    assert line.get_label() == "reconstruction (= total)"
    history = sampler.autoencoder_.history_
    assert list(line.get_xdata()) == history[:, "epoch"]
    assert list(line.get_ydata()) == history[:, "train_reconstruction_loss"]
    assert ax.get_title() == "DeepSMOTE training history"
    assert ax.get_xlabel() == "epoch" and ax.get_legend() is not None


def test_history_plot_draws_every_term_and_the_total_when_there_are_several():
    X, y = load_digits(n_class=3, return_X_y=True)
    autoencoder = Autoencoder(
        image_shape=(8, 8),
        penalty="paper",
        class_loss_weight=1.0,
        max_epochs=3,
        n_iter_no_change=None,
        random_state=0,
    ).fit(X, y)
    ax = plot_history(autoencoder)
    labels = [line.get_label() for line in ax.get_lines()]
    assert labels == ["reconstruction", "penalty", "class (latent classifier)", "total"]
    assert ax.get_title() == "Autoencoder training history"


def test_history_plot_of_a_classifier_and_of_a_bare_history(resampled_digits):
    X, y = resampled_digits[1], resampled_digits[2]
    classifier = MAMixClassifier(max_epochs=2, random_state=0).fit(X, y)
    ax = plot_history(classifier)
    assert [line.get_label() for line in ax.get_lines()] == ["train"]
    _, ax = plt.subplots()
    returned = plot_history(classifier.history_, ax=ax)
    assert returned is ax and ax.get_title() == "Training history"


def test_history_plot_uses_a_log_scale_when_losses_span_decades():
    history = [{"epoch": e, "train_loss": 10.0**-e} for e in range(1, 5)]
    assert plot_history(history).get_yscale() == "log"
    flat = [{"epoch": e, "train_loss": 1.0 + e / 10} for e in range(1, 5)]
    assert plot_history(flat).get_yscale() == "linear"


@pytest.mark.parametrize("estimator", [DeepSMOTE(), Autoencoder(), MAMixClassifier()])
def test_history_plot_of_an_unfitted_estimator_is_a_not_fitted_error(estimator):
    with pytest.raises(NotFittedError, match="fit it before plotting"):
        plot_history(estimator)


@pytest.mark.parametrize("history", [[], [{"epoch": 1, "accuracy": 0.5}], [1, 2]])
def test_history_without_losses_is_a_clear_error(history):
    with pytest.raises(ValueError, match="history"):
        plot_history(history)


def test_missing_matplotlib_is_an_import_error_naming_the_extra(monkeypatch):
    hide_package(monkeypatch, "matplotlib")
    monkeypatch.delitem(sys.modules, "matplotlib.pyplot")
    with pytest.raises(ImportError, match=r"pip install imblearn-deepsmote\[plot\]"):
        plot_history([{"epoch": 1, "train_loss": 1.0}])
