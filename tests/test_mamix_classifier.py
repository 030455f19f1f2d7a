"""MAMixClassifier: scikit-learn contract, skorch integration and learning."""

import pickle
from collections import Counter

import numpy as np
import pandas as pd
import pytest
import torch
from imblearn.over_sampling import SMOTE
from imblearn.pipeline import Pipeline
from numpy.testing import assert_allclose, assert_array_equal
from sklearn.base import clone
from sklearn.datasets import load_digits, make_classification
from sklearn.metrics import balanced_accuracy_score
from sklearn.model_selection import GridSearchCV
from skorch.callbacks import Callback
from skorch.dataset import ValidSplit

from imblearn_deepsmote import MAMixClassifier, MAMixLoss, drw_weights
from imblearn_deepsmote.mamix import MLP, SmallCNN


def fast_classifier(**params):
    defaults = {"max_epochs": 10, "lr": 1e-2, "random_state": 0, "device": "cpu"}
    return MAMixClassifier(**{**defaults, **params})


@pytest.fixture(scope="module")
def imbalanced_data():
    X, y = make_classification(
        n_samples=240,
        n_features=6,
        n_informative=4,
        n_classes=3,
        weights=[0.7, 0.2, 0.1],
        class_sep=2.0,
        random_state=0,
    )
    return X, y


# --------------------------------------------------------------------------- #
# data handling                                                               #
# --------------------------------------------------------------------------- #
def test_string_labels_are_predicted_back_as_strings(imbalanced_data):
    X, y = imbalanced_data
    labels = np.array(["cat", "dog", "emu"])[y]
    clf = fast_classifier().fit(X, labels)
    assert_array_equal(clf.classes_, ["cat", "dog", "emu"])
    predicted = clf.predict(X)
    # the same network fitted on the integer labels, its predictions named back
    as_integers = fast_classifier().fit(X, y).predict(X)
    assert_array_equal(predicted, np.array(["cat", "dog", "emu"])[as_integers])
    # far above predicting the majority "cat" always (balanced accuracy 1/3)
    assert balanced_accuracy_score(labels, predicted) > 0.8


def test_non_contiguous_integer_labels_map_to_proba_columns(imbalanced_data):
    X, y = imbalanced_data
    labels = np.array([-3, 10, 42])[y]
    clf = fast_classifier().fit(X, labels)
    assert_array_equal(clf.classes_, [-3, 10, 42])
    proba = clf.predict_proba(X)
    assert_array_equal(clf.predict(X), clf.classes_[proba.argmax(axis=1)])


def test_float64_input_is_cast_to_float32_and_probabilities_sum_to_one(imbalanced_data):
    X, y = imbalanced_data
    assert X.dtype == np.float64
    clf = fast_classifier().fit(X, y)
    assert next(clf.module_.parameters()).dtype == torch.float32
    proba = clf.predict_proba(X)
    assert proba.shape == (len(X), 3) and proba.dtype == np.float64
    assert_allclose(proba.sum(axis=1), 1.0, rtol=1e-12)
    assert np.all(proba >= 0)


def test_pandas_input_sets_feature_names_and_predicts(imbalanced_data):
    X, y = imbalanced_data
    frame = pd.DataFrame(X, columns=[f"f{i}" for i in range(X.shape[1])])
    target = pd.Series(np.array(["a", "b", "c"])[y], name="target")
    clf = fast_classifier().fit(frame, target)
    assert_array_equal(clf.feature_names_in_, frame.columns)
    from_numpy = fast_classifier().fit(X, target.to_numpy())
    assert_array_equal(clf.predict_proba(frame), from_numpy.predict_proba(X))
    assert_array_equal(clf.predict(frame), from_numpy.predict(X))


def test_class_counts_default_to_the_counts_of_y(imbalanced_data):
    X, y = imbalanced_data
    clf = fast_classifier(max_epochs=1).fit(X, y)
    assert_array_equal(clf.class_counts_, np.bincount(y))
    assert_array_equal(clf.criterion_.class_counts.numpy(), np.bincount(y))


@pytest.mark.parametrize("as_dict", [True, False])
def test_class_counts_given_as_dict_or_array_are_aligned_with_classes(as_dict):
    X, y = make_classification(n_samples=60, n_classes=2, random_state=0)
    labels = np.where(y == 1, "yes", "no")
    counts = {"yes": 500, "no": 20} if as_dict else [20, 500]  # classes_: no, yes
    clf = fast_classifier(max_epochs=1, class_counts=counts).fit(X, labels)
    assert_array_equal(clf.classes_, ["no", "yes"])
    assert_array_equal(clf.class_counts_, [20, 500])
    assert_array_equal(clf.criterion_.class_counts.numpy(), [20, 500])


@pytest.mark.parametrize(
    ("counts", "match"),
    [
        ({0: 5}, "missing"),
        ({0: 5, 1: 5, 2: 5}, "not in y"),
        ([5, 5, 5], "one count per class"),
        ([5, 0], "positive"),
    ],
)
def test_invalid_class_counts_are_rejected(counts, match):
    X, y = make_classification(n_samples=40, n_classes=2, random_state=0)
    with pytest.raises(ValueError, match=match):
        fast_classifier(class_counts=counts).fit(X, y)


@pytest.mark.parametrize(
    ("params", "match"),
    [
        ({"alpha": 0.0}, "alpha"),
        ({"drw_start": 1.5}, "drw_start"),
        ({"drw_beta": 1.0}, "drw_beta"),
        ({"image_shape": (3, 3)}, "image_shape"),
        ({"device": "tpu"}, "device"),
    ],
)
def test_invalid_parameters_raise_at_fit(imbalanced_data, params, match):
    X, y = imbalanced_data
    clf = fast_classifier(**params)  # no validation in __init__
    with pytest.raises(ValueError, match=match):
        clf.fit(X, y)


@pytest.mark.skipif(torch.cuda.is_available(), reason="needs a machine without CUDA")
def test_cuda_without_cuda_is_a_clear_error(imbalanced_data):
    X, y = imbalanced_data
    with pytest.raises(ValueError, match="CUDA is not available"):
        fast_classifier(device="cuda").fit(X, y)


def test_pickled_classifier_predicts_the_same(imbalanced_data):
    X, y = imbalanced_data
    clf = fast_classifier(device="auto").fit(X, np.array(["x", "y", "z"])[y])
    restored = pickle.loads(pickle.dumps(clf))
    assert_array_equal(restored.predict_proba(X), clf.predict_proba(X))
    assert_array_equal(restored.classes_, clf.classes_)
    assert restored.get_params()["device"] == "auto"


def test_clone_keeps_parameters_and_drops_the_fit(imbalanced_data):
    X, y = imbalanced_data
    clf = fast_classifier(module__hidden_units=(16, 8), class_counts=[7, 2, 1]).fit(
        X, y
    )
    cloned = clone(clf)
    assert not hasattr(cloned, "module_")
    assert cloned.get_params()["module__hidden_units"] == (16, 8)
    assert cloned.get_params()["class_counts"] == [7, 2, 1]
    assert_array_equal(cloned.fit(X, y).predict_proba(X), clf.predict_proba(X))


def test_grid_search_over_lr_and_a_module_parameter(imbalanced_data):
    X, y = imbalanced_data
    grid = GridSearchCV(
        fast_classifier(max_epochs=5),
        {"lr": [1e-3, 1e-2], "module__hidden_units": [8, (32, 32)]},
        cv=2,
        scoring="balanced_accuracy",
    ).fit(X, y)
    assert len(grid.cv_results_["params"]) == 4
    assert np.all(np.isfinite(grid.cv_results_["mean_test_score"]))
    best = grid.best_estimator_
    widths = [
        m.out_features for m in best.module_.modules() if isinstance(m, torch.nn.Linear)
    ]
    hidden = grid.best_params_["module__hidden_units"]
    assert widths[:-1] == ([hidden] if isinstance(hidden, int) else list(hidden))


# --------------------------------------------------------------------------- #
# modules                                                                     #
# --------------------------------------------------------------------------- #
def test_auto_module_is_an_mlp_sized_from_the_data(imbalanced_data):
    X, y = imbalanced_data
    clf = fast_classifier(max_epochs=1, module__hidden_units=(12,)).fit(X, y)
    assert isinstance(clf.module_, MLP)
    linears = [m for m in clf.module_.modules() if isinstance(m, torch.nn.Linear)]
    assert (linears[0].in_features, linears[0].out_features) == (X.shape[1], 12)
    assert linears[-1].out_features == 3


@pytest.mark.parametrize("image_shape", [(8, 8), (1, 8, 8), (4, 4, 4)])
def test_auto_module_with_image_shape_is_a_cnn_on_flattened_rows(image_shape):
    X, y = make_classification(n_samples=60, n_features=64, random_state=0)
    clf = fast_classifier(max_epochs=1, image_shape=image_shape).fit(X, y)
    assert isinstance(clf.module_, SmallCNN)
    assert clf.predict_proba(X).shape == (60, 2)


def test_a_torch_module_class_is_used_as_in_skorch(imbalanced_data):
    X, y = imbalanced_data
    clf = fast_classifier(
        module=torch.nn.Linear,
        module__in_features=6,
        module__out_features=3,
        max_epochs=2,
    ).fit(X, y)
    assert type(clf.module_) is torch.nn.Linear
    assert clf.predict_proba(X).shape == (len(X), 3)


# --------------------------------------------------------------------------- #
# training: mixing, randomness, DRW                                           #
# --------------------------------------------------------------------------- #
class RecordModuleInputs(Callback):
    """Record what the module sees, in training and in evaluation mode."""

    def initialize(self):
        self.train_inputs, self.eval_inputs = [], []
        return self

    def on_train_begin(self, net, **kwargs):
        net.module_.register_forward_hook(self.record)

    def record(self, module, args, output):
        inputs = self.train_inputs if module.training else self.eval_inputs
        inputs.append(args[0].detach().clone())


def test_training_batches_are_mixed_in_one_forward_pass_and_validation_is_not(
    imbalanced_data, monkeypatch
):
    X, y = imbalanced_data
    recorder = RecordModuleInputs()
    clf = fast_classifier(
        max_epochs=2,
        batch_size=64,
        train_split=ValidSplit(4),
        callbacks=[("inputs", recorder)],
    )
    loss_calls = []
    forward = MAMixLoss.forward

    def spy(self, input, target, partner_target=None, lam=None, class_counts=None):
        loss_calls.append((len(target), partner_target is not None, lam))
        return forward(self, input, target, partner_target, lam, class_counts)

    monkeypatch.setattr(MAMixLoss, "forward", spy)
    clf.fit(X, y)

    n_valid = len(X) // 4
    n_train = len(X) - n_valid
    batches = 2 * int(np.ceil(n_train / 64))
    # one forward pass per training batch, on mixed rows (fixed points of the
    # permutation aside, no row of X reaches the module unchanged)
    assert len(recorder.train_inputs) == batches
    train_rows = torch.cat(recorder.train_inputs).numpy()
    assert len(train_rows) == 2 * n_train
    rows = {row.tobytes() for row in X.astype(np.float32)}
    unchanged = np.mean([row.tobytes() in rows for row in train_rows])
    assert unchanged < 0.2
    # validation sees the rows of X as they are
    eval_rows = torch.cat(recorder.eval_inputs).numpy()
    assert len(eval_rows) == 2 * n_valid
    assert all(row.tobytes() in rows for row in eval_rows)
    # each training batch: one mixed loss call with its own lambda
    train_calls = [call for call in loss_calls if call[1]]
    assert [n for n, _, _ in train_calls] == [len(x) for x in recorder.train_inputs]
    lams = [lam for _, _, lam in train_calls]
    assert all(0.0 <= lam <= 1.0 for lam in lams) and len(set(lams)) == len(lams)
    assert sum(n for n, mixed, _ in loss_calls if not mixed) == 2 * n_valid
    assert "valid_bacc" in clf.history[-1]


def test_int_random_state_is_reproducible_and_leaves_torch_rng_alone(imbalanced_data):
    X, y = imbalanced_data
    state = torch.random.get_rng_state()
    first = fast_classifier(random_state=7, module__dropout=0.2).fit(X, y)
    second = fast_classifier(random_state=7, module__dropout=0.2).fit(X, y)
    assert torch.equal(state, torch.random.get_rng_state())
    assert_array_equal(first.history[:, "train_loss"], second.history[:, "train_loss"])
    assert_array_equal(first.predict_proba(X), second.predict_proba(X))
    other = fast_classifier(random_state=8, module__dropout=0.2).fit(X, y)
    assert not np.array_equal(
        first.history[:, "train_loss"], other.history[:, "train_loss"]
    )


class RecordDRW(Callback):
    """At each epoch's end: the criterion weights and the optimizer in use."""

    def initialize(self):
        self.weights, self.optimizers, self.steps = [], [], []
        return self

    def on_epoch_end(self, net, **kwargs):
        weight = net.criterion_.weight
        self.weights.append(None if weight is None else weight.detach().clone())
        self.optimizers.append(net.optimizer_)
        first_param = next(net.module_.parameters())
        self.steps.append(int(net.optimizer_.state[first_param]["step"]))


@pytest.mark.parametrize(("drw_start", "first_drw_epoch"), [(0.6, 6), (3, 3), (0.0, 0)])
def test_drw_switches_weights_at_the_start_epoch_and_keeps_the_optimizer(
    imbalanced_data, drw_start, first_drw_epoch
):
    X, y = imbalanced_data
    recorder = RecordDRW()
    clf = fast_classifier(
        max_epochs=10, batch_size=64, drw_start=drw_start, callbacks=[("rec", recorder)]
    ).fit(X, y)
    expected = torch.as_tensor(drw_weights(np.bincount(y)), dtype=torch.float32)
    for epoch, weight in enumerate(recorder.weights):
        if epoch < first_drw_epoch:
            assert weight is None
        else:
            assert_allclose(weight.numpy(), expected.numpy(), rtol=1e-6)
    assert clf.history[:, "drw"] == [epoch >= first_drw_epoch for epoch in range(10)]
    assert all(optimizer is clf.optimizer_ for optimizer in recorder.optimizers)
    batches_per_epoch = int(np.ceil(len(X) / 64))
    # Adam's state is never reset: the step count runs on across the switch
    assert recorder.steps == [batches_per_epoch * (e + 1) for e in range(10)]


def test_drw_false_never_reweights(imbalanced_data):
    X, y = imbalanced_data
    clf = fast_classifier(drw=False).fit(X, y)
    assert clf.criterion_.weight is None
    assert "drw" not in dict(clf.callbacks_)
    assert "drw" not in clf.history[-1]


def test_drw_weights_follow_the_fitted_y_not_the_margin_class_counts():
    X, y = make_classification(
        n_samples=80, n_classes=2, weights=[0.75], random_state=0
    )
    clf = fast_classifier(max_epochs=2, drw_start=0, class_counts=[900, 100]).fit(X, y)
    assert_allclose(clf.class_counts_, [900, 100])
    assert_allclose(clf.criterion_.class_counts.numpy(), [900, 100])
    expected = drw_weights(np.bincount(y))
    assert_allclose(clf.criterion_.weight.numpy(), expected, rtol=1e-6)


def test_drw_after_full_balancing_leaves_the_weights_uniform():
    X, y = make_classification(n_samples=80, n_classes=2, weights=[0.5], random_state=0)
    y = np.r_[np.zeros(40, int), np.ones(40, int)]
    clf = fast_classifier(max_epochs=2, drw_start=0, class_counts=[900, 100]).fit(X, y)
    assert_allclose(clf.criterion_.weight.numpy(), [1.0, 1.0], rtol=1e-6)


def test_warm_start_continues_training_with_the_same_optimizer(imbalanced_data):
    X, y = imbalanced_data
    clf = fast_classifier(max_epochs=3, warm_start=True).fit(X, y)
    optimizer = clf.optimizer_
    clf.fit(X, y)
    assert clf.optimizer_ is optimizer
    assert len(clf.history) == 6


# --------------------------------------------------------------------------- #
# imbalanced-learn pipeline                                                   #
# --------------------------------------------------------------------------- #
@pytest.fixture(scope="module")
def imbalanced_digits():
    """Digits with 140 down to 10 training images per class and 30 test images each."""
    X, y = load_digits(return_X_y=True)
    X = X / 16.0
    rng = np.random.RandomState(0)
    test = np.concatenate(
        [rng.choice(np.flatnonzero(y == c), 30, replace=False) for c in range(10)]
    )
    train = np.setdiff1d(np.arange(len(y)), test)
    keep = np.concatenate(
        [
            rng.choice(
                train[y[train] == c], round(140 * (10 / 140) ** (c / 9)), replace=False
            )
            for c in range(10)
        ]
    )
    return X[keep], y[keep], X[test], y[test]


def test_pipeline_with_smote_fits_and_predicts_flattened_images(imbalanced_digits):
    X, y, X_test, y_test = imbalanced_digits
    counts = dict(Counter(y))
    pipeline = Pipeline(
        [
            ("os", SMOTE(random_state=0)),
            (
                "clf",
                fast_classifier(image_shape=(8, 8), max_epochs=3, class_counts=counts),
            ),
        ]
    ).fit(X, y)
    clf = pipeline.named_steps["clf"]
    assert isinstance(clf.module_, SmallCNN)
    assert_array_equal(clf.class_counts_, [counts[c] for c in range(10)])
    assert set(pipeline.predict(X_test)) <= set(range(10))
    assert pipeline.predict_proba(X_test).shape == (len(X_test), 10)


def test_pipeline_without_class_counts_sees_balanced_counts(imbalanced_digits):
    X, y, _, _ = imbalanced_digits
    pipeline = Pipeline(
        [("os", SMOTE(random_state=0)), ("clf", fast_classifier(max_epochs=1))]
    )
    pipeline.fit(X, y)
    counts = pipeline.named_steps["clf"].class_counts_
    # all equal: MAMix reduced to Mixup, the pitfall the docstring warns about
    assert np.all(counts == counts.max())


# --------------------------------------------------------------------------- #
# learning                                                                    #
# --------------------------------------------------------------------------- #
@pytest.mark.slow
def test_learns_imbalanced_digits_to_high_balanced_accuracy(imbalanced_digits):
    X, y, X_test, y_test = imbalanced_digits
    counts = np.bincount(y)
    assert counts.max() >= 100 and counts.max() / counts.min() >= 10
    assert_array_equal(np.bincount(y_test), np.full(10, 30))
    clf = MAMixClassifier(random_state=0, device="cpu").fit(X, y)
    score = balanced_accuracy_score(y_test, clf.predict(X_test))
    assert score >= 0.85, score


def test_square_image_shape_is_resolved_from_the_number_of_features():
    X, y = load_digits(return_X_y=True)
    clf = fast_classifier(max_epochs=1, image_shape="square").fit(X[:200], y[:200])
    assert clf.image_shape_ == (1, 8, 8)
    assert clf.image_shape == "square"
    assert isinstance(clf.module_, SmallCNN)
