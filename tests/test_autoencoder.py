"""The Autoencoder estimator: networks, losses, training, callbacks, pipelines."""

import pickle

import numpy as np
import pytest
import torch
from sklearn.datasets import make_classification
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import make_pipeline
from skorch.callbacks import Checkpoint, EarlyStopping, LRScheduler
from skorch.dataset import ValidSplit
from torch import nn

from imblearn_deepsmote import Autoencoder
from imblearn_deepsmote.deepsmote import AutoencoderLoss, EncoderDecoder, auto_epochs
from imblearn_deepsmote.deepsmote._callbacks import SameClassBatches


def tiny(**params):
    defaults = {"max_epochs": 2, "random_state": 0, "device": "cpu"}
    return Autoencoder(**{**defaults, **params})


@pytest.mark.slow
def test_transform_encodes_and_inverse_transform_decodes_in_the_input_scale(tabular):
    X, _ = tabular
    autoencoder = tiny(max_epochs=30).fit(X)
    codes = autoencoder.transform(X)
    assert codes.shape == (len(X), 3) and codes.dtype == np.float32
    decoded = autoencoder.inverse_transform(codes)
    assert decoded.shape == X.shape and decoded.dtype == X.dtype
    assert np.mean((decoded - X) ** 2) < np.var(X)
    assert np.array_equal(tiny(max_epochs=30).fit_transform(X), codes)


def test_score_is_the_negative_reconstruction_error_and_improves_with_training(
    tabular,
):
    X, _ = tabular
    short = tiny(max_epochs=1, n_iter_no_change=None).fit(X).score(X)
    longer = tiny(max_epochs=40, n_iter_no_change=None).fit(X).score(X)
    assert short < longer < 0


@pytest.mark.parametrize(
    ("image_shape", "expected"),
    [((1, 28, 28), (1, 28, 28)), ((3, 32, 32), (3, 32, 32)), ((8, 8), (1, 8, 8))]
    + [((2, 9, 13), (2, 9, 13))],
    ids=lambda s: "x".join(map(str, s)),
)
def test_images_get_a_conv_network_sized_from_the_shape(
    make_images, image_shape, expected
):
    X, _ = make_images(image_shape)
    autoencoder = tiny(image_shape=image_shape).fit(X)
    assert autoencoder.image_shape_ == expected and autoencoder.latent_dim_ == 32
    assert any(isinstance(m, nn.Conv2d) for m in autoencoder.module_.modules())
    assert autoencoder.inverse_transform(autoencoder.transform(X)).shape == X.shape


def test_tabular_rows_get_an_mlp_with_half_as_many_latent_dimensions(tabular):
    autoencoder = tiny().fit(tabular[0])
    assert autoencoder.image_shape_ is None and autoencoder.latent_dim_ == 3
    assert not any(isinstance(m, nn.Conv2d) for m in autoencoder.module_.modules())


def test_module_parameters_reach_the_network(tabular):
    autoencoder = tiny(module="mlp", module__hidden_units=(16,), latent_dim=2)
    autoencoder.fit(tabular[0])
    encoder = autoencoder.module_.encoder
    widths = [m.out_features for m in encoder if isinstance(m, nn.Linear)]
    assert widths == [16, 2]


def test_paper_network_reproduces_the_paper_architecture(make_images):
    X, _ = make_images((1, 28, 28), n_per_class=(12, 6))
    autoencoder = tiny(image_shape=(28, 28), module="paper", max_epochs=1).fit(X)
    assert autoencoder.latent_dim_ == 300
    assert sum(p.numel() for p in autoencoder.module_.parameters()) == 13_085_357


@pytest.mark.parametrize("name", ["conv", "paper"])
def test_a_convolutional_network_without_images_is_a_clear_error(tabular, name):
    with pytest.raises(ValueError, match=f"The '{name}' autoencoder is convolutional"):
        tiny(module=name).fit(tabular[0])


class _Linear(nn.Module):
    def __init__(self, n_features=6, latent=2):
        super().__init__()
        self.encoder = nn.Linear(n_features, latent)
        self.decoder = nn.Linear(latent, n_features)


@pytest.mark.parametrize(
    "module",
    [
        lambda shape, dim: (nn.Linear(shape[0], dim), nn.Linear(dim, shape[0])),
        _Linear,
        _Linear(latent=4),
    ],
    ids=["factory", "class", "instance"],
)
def test_a_factory_a_module_class_or_an_instance_is_trained(tabular, module):
    X, _ = tabular
    autoencoder = tiny(module=module, max_epochs=3).fit(X)
    assert autoencoder.transform(X).shape[1] == autoencoder.latent_dim_
    if isinstance(module, (type, nn.Module)):  # the module decides the latent size
        assert autoencoder.latent_dim_ == (4 if isinstance(module, nn.Module) else 2)
    else:  # a factory is asked for latent_dim ("auto": 3 for 6 features)
        assert autoencoder.latent_dim_ == 3
        assert isinstance(autoencoder.module_, EncoderDecoder)


@pytest.mark.parametrize(
    ("module", "error", "message"),
    [
        (
            lambda shape, dim: (nn.Linear(6, dim + 1), nn.Linear(dim + 1, 6)),
            ValueError,
            r"encoder must return shape \(n, 3\) \(latent_dim\)",
        ),
        (
            lambda shape, dim: nn.Linear(6, dim),
            TypeError,
            r"tuple \(encoder, decoder\)",
        ),
        (nn.Linear(6, 2), TypeError, "must have 'encoder' and 'decoder'"),
    ],
    ids=["wrong-shape", "not-a-tuple", "no-encoder"],
)
def test_a_network_that_breaks_the_contract_is_a_clear_error(
    tabular, module, error, message
):
    with pytest.raises(error, match=message):
        tiny(module=module).fit(tabular[0])


@pytest.mark.parametrize("penalty", ["paper", "reference", None])
def test_each_penalty_mode_trains_and_is_recorded_in_history(tabular, penalty):
    X, y = tabular
    autoencoder = tiny(penalty=penalty, max_epochs=3, n_iter_no_change=None).fit(X, y)
    history = autoencoder.history_
    assert history[:, "epoch"] == [1, 2, 3]
    if penalty is None:
        assert "train_penalty_loss" not in history[-1]
        assert history[:, "train_loss"] == history[:, "train_reconstruction_loss"]
    else:
        for epoch in history:
            assert epoch["train_penalty_loss"] > 0
            assert epoch["train_loss"] == pytest.approx(
                epoch["train_reconstruction_loss"] + epoch["train_penalty_loss"]
            )


def test_criterion_is_the_reconstruction_loss_composed_into_autoencoder_loss(
    tabular,
):
    X, y = tabular
    autoencoder = tiny(
        criterion=nn.L1Loss,
        criterion__reduction="sum",
        penalty="paper",
        penalty_weight=0.5,
        class_loss_weight=2.0,
    ).fit(X, y)
    loss = autoencoder.criterion_
    assert isinstance(loss, AutoencoderLoss)
    assert isinstance(loss.reconstruction, nn.L1Loss)
    assert loss.reconstruction.reduction == "sum"
    assert (loss.penalty, loss.penalty_weight, loss.class_loss_weight) == (
        "paper",
        0.5,
        2.0,
    )
    inputs = torch.from_numpy(autoencoder._to_network_input(autoencoder._scale(X)))
    with torch.no_grad():
        reconstruction = autoencoder.module_(inputs)
    expected = nn.functional.l1_loss(reconstruction, inputs, reduction="sum")
    assert torch.isclose(loss(reconstruction, inputs), expected)  # validation
    assert list(loss.last_terms) == ["reconstruction"]
    for epoch in autoencoder.history_:
        assert epoch["train_loss"] == pytest.approx(
            epoch["train_reconstruction_loss"]
            + 0.5 * epoch["train_penalty_loss"]
            + 2.0 * epoch["train_class_loss"],
            rel=1e-5,
        )


def test_class_loss_trains_a_latent_classifier_and_records_its_loss(tabular):
    X, y = tabular
    autoencoder = tiny(class_loss_weight=2.0, max_epochs=20, n_iter_no_change=None)
    autoencoder.fit(X, y)
    class_losses = autoencoder.history_[:, "train_class_loss"]
    assert class_losses[-1] < class_losses[0]
    assert autoencoder.class_head_.out_features == 3
    for epoch in autoencoder.history_:
        expected = epoch["train_reconstruction_loss"] + 2 * epoch["train_class_loss"]
        assert epoch["train_loss"] == pytest.approx(expected)


@pytest.mark.parametrize("params", [{"penalty": "paper"}, {"class_loss_weight": 1.0}])
def test_losses_that_need_labels_without_labels_are_a_clear_error(tabular, params):
    with pytest.raises(ValueError, match=r"need class labels: call fit\(X, y\)"):
        tiny(**params).fit(tabular[0])


def test_early_stopping_watches_the_reconstruction_loss(tabular):
    X, _ = tabular
    autoencoder = tiny(max_epochs=300, tol=1e-2, n_iter_no_change=3).fit(X)
    losses = autoencoder.history_[:, "train_reconstruction_loss"]
    assert len(losses) < 300
    best_before = min(losses[:-3])
    assert all(loss >= best_before * (1 - 1e-2) for loss in losses[-3:])


@pytest.mark.parametrize(
    ("n_samples", "epochs"),
    [(2, 20), (3_600, 20), (9_000, 20), (9_001, 20), (10_000, 18), (36_000, 5)]
    + [(10**6, 5)],
)
def test_auto_epoch_budget_shrinks_with_the_number_of_rows(n_samples, epochs):
    assert auto_epochs(n_samples) == epochs
    assert auto_epochs(n_samples) * n_samples >= min(180_000, 20 * n_samples)


def test_auto_max_epochs_is_resolved_at_fit_and_an_int_overrides_it(tabular):
    X, _ = tabular
    autoencoder = tiny(max_epochs="auto", n_iter_no_change=None).fit(X)
    assert autoencoder.max_epochs_ == auto_epochs(len(X)) == len(autoencoder.history_)
    assert autoencoder.get_params()["max_epochs"] == "auto"
    autoencoder.set_params(max_epochs=3).fit(X)
    assert autoencoder.max_epochs_ == len(autoencoder.history_) == 3


def test_decoded_values_stay_inside_the_training_range(make_images):
    X, _ = make_images((1, 8, 8))
    X = np.clip(X, -0.5, 0.5)
    X[:, 0] = 0.25  # a constant pixel must stay constant
    autoencoder = tiny(image_shape=(8, 8)).fit(X)
    rng = np.random.default_rng(0)
    decoded = autoencoder.inverse_transform(rng.normal(scale=10, size=(50, 32)))
    assert np.all(decoded >= X.min(axis=0)) and np.all(decoded <= X.max(axis=0))
    assert np.all(decoded[:, 0] == 0.25)


def test_scaler_none_feeds_the_rows_unscaled_and_a_given_scaler_is_cloned(tabular):
    from sklearn.preprocessing import MaxAbsScaler

    X, _ = tabular
    assert tiny(scaler=None).fit(X).scaler_ is None
    scaler = MaxAbsScaler()
    autoencoder = tiny(scaler=scaler).fit(X)
    assert isinstance(autoencoder.scaler_, MaxAbsScaler)
    assert autoencoder.scaler_ is not scaler and not hasattr(scaler, "max_abs_")


def test_a_user_lr_scheduler_callback_changes_the_learning_rate(tabular):
    X, _ = tabular
    scheduler = LRScheduler(
        policy=torch.optim.lr_scheduler.StepLR, step_size=1, gamma=0.5
    )
    autoencoder = tiny(max_epochs=3, lr=0.1, callbacks=[("lr", scheduler)]).fit(X)
    assert autoencoder.optimizer_.param_groups[0]["lr"] == pytest.approx(0.0125)


def test_early_stopping_on_a_validation_split_is_a_user_callback(tabular):
    X, _ = tabular
    autoencoder = tiny(
        max_epochs=200,
        n_iter_no_change=None,
        train_split=ValidSplit(0.25, random_state=0),
        callbacks=[EarlyStopping(monitor="valid_loss", patience=2, threshold=0.05)],
    ).fit(X)
    assert len(autoencoder.history_) < 200
    assert all("valid_loss" in epoch for epoch in autoencoder.history_)


def test_a_checkpoint_callback_saves_the_best_parameters(tabular, tmp_path):
    X, _ = tabular
    checkpoint = Checkpoint(monitor="train_loss_best", dirname=str(tmp_path))
    tiny(max_epochs=3, callbacks=[checkpoint]).fit(X)
    assert (tmp_path / "params.pt").exists()


def test_in_a_pipeline_its_codes_are_features_for_a_classifier():
    from sklearn.datasets import make_blobs
    from sklearn.metrics import balanced_accuracy_score

    # three separable classes, 140 / 40 / 20 rows: predicting the largest
    # class scores a balanced accuracy of 1/3, codes that keep the classes ~1
    X, y = make_blobs([140, 40, 20], n_features=6, cluster_std=2.0, random_state=0)
    model = make_pipeline(tiny(max_epochs=20), LogisticRegression()).fit(X, y)
    assert balanced_accuracy_score(y, model.predict(X)) > 0.9
    assert model[:-1].get_feature_names_out().tolist() == [
        "autoencoder0",
        "autoencoder1",
        "autoencoder2",
    ]


def test_pickled_autoencoder_transforms_identically(tabular):
    X, _ = tabular
    autoencoder = tiny().fit(X)
    restored = pickle.loads(pickle.dumps(autoencoder))
    assert np.array_equal(restored.transform(X), autoencoder.transform(X))
    codes = autoencoder.transform(X[:5])
    assert np.array_equal(
        restored.inverse_transform(codes), autoencoder.inverse_transform(codes)
    )


def test_warm_start_and_partial_fit_continue_training(tabular):
    from skorch.callbacks import Callback

    starts = []  # the weights each training starts from

    class StartingWeights(Callback):
        def on_train_begin(self, net, **kwargs):
            starts.append([p.detach().clone() for p in net.module_.parameters()])

    def weights(autoencoder):
        return [p.detach().clone() for p in autoencoder.module_.parameters()]

    X, _ = tabular
    autoencoder = tiny(
        max_epochs=2, n_iter_no_change=None, callbacks=[StartingWeights()]
    ).fit(X)
    trained = weights(autoencoder)
    autoencoder.partial_fit(X)
    assert len(autoencoder.history_) == 4
    assert all(torch.equal(a, b) for a, b in zip(starts[-1], trained, strict=True))
    trained = weights(autoencoder)
    autoencoder.set_params(warm_start=True).fit(X)
    assert len(autoencoder.history_) == 6
    assert all(torch.equal(a, b) for a, b in zip(starts[-1], trained, strict=True))
    losses = autoencoder.history_[:, "train_loss"]
    assert losses[2] < losses[1] and losses[4] < losses[3]  # no fresh start


def test_mixed_precision_trains_with_finite_losses(make_images):
    X, _ = make_images((1, 8, 8))
    autoencoder = tiny(image_shape=(8, 8), mixed_precision=True).fit(X)
    assert np.isfinite(autoencoder.history_[:, "train_loss"]).all()
    assert np.isfinite(autoencoder.transform(X)).all()


def test_it_has_no_predict_methods_to_confuse_with_decoding():
    assert not hasattr(Autoencoder(), "predict")
    assert not hasattr(Autoencoder(), "predict_proba")


def test_latent_codes_of_the_wrong_width_are_a_clear_error(tabular):
    autoencoder = tiny().fit(tabular[0])
    with pytest.raises(ValueError, match=r"shape \(n_samples, 3\)"):
        autoencoder.inverse_transform(np.zeros((2, 5)))


def test_fit_accepts_labels_it_does_not_need():
    X, y = make_classification(n_samples=50, n_features=4, random_state=0)
    assert tiny().fit(X, y).transform(X).shape == (50, 2)


def test_the_penalty_takes_one_class_batches_from_its_callback(tabular, monkeypatch):
    X, y = tabular
    drawn = []
    original = SameClassBatches.next_inputs

    def next_inputs(self, net):
        inputs = original(self, net)
        drawn.append(inputs)
        return inputs

    monkeypatch.setattr(SameClassBatches, "next_inputs", next_inputs)
    autoencoder = tiny(penalty="paper", batch_size=16, scaler=None).fit(X, y)
    callback = dict(autoencoder.callbacks_)["penalty_batches"]
    assert isinstance(callback, SameClassBatches)
    assert callback.inputs_ is None  # the training data is not kept (pickling)
    rows = {
        row.tobytes(): label for row, label in zip(X.astype(np.float32), y, strict=True)
    }
    assert len(drawn) == sum(len(e["batches"]) for e in autoencoder.history_)
    for inputs in drawn:
        labels = {rows[row.tobytes()] for row in inputs.numpy()}
        assert len(labels) == 1 and 2 <= len(inputs) <= 16


def test_removing_the_penalty_callback_is_a_clear_error(tabular):
    X, y = tabular
    with pytest.raises(ValueError, match="'penalty_batches', which was removed"):
        tiny(penalty="paper", callbacks__penalty_batches=None).fit(X, y)
