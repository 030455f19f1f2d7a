"""A skorch classifier trained with margin-aware Mixup (MAMix) and DRW."""

from __future__ import annotations

import numbers
from collections.abc import Callable, Mapping, Sequence
from typing import Any

import numpy as np
import torch
from numpy.typing import ArrayLike
from sklearn.metrics import balanced_accuracy_score
from sklearn.utils._param_validation import Interval, RealNotInt, StrOptions
from sklearn.utils.multiclass import check_classification_targets
from sklearn.utils.validation import validate_data
from skorch import NeuralNetClassifier
from skorch.callbacks import Callback, EpochScoring
from skorch.dataset import unpack_data
from skorch.utils import is_dataset, to_tensor
from torch import nn

from .._base import SKORCH_PARAMETER_CONSTRAINTS, IntInterval, TorchEstimatorMixin
from ..augmentation import augment_rows, check_augment
from ..utils._batching import TensorBatches
from ..utils._images import ImageLayout
from ._callbacks import DeferredReweighting, drw_start_epoch
from ._losses import MAMixLoss
from ._networks import MLP, SmallCNN

__all__ = ["MAMixClassifier"]


def _balanced_accuracy_of_codes(net: MAMixClassifier, X, y) -> float:
    """Scoring for skorch callbacks, whose targets are the encoded labels."""
    return balanced_accuracy_score(y, net.predict_proba(X).argmax(axis=1))


class MAMixClassifier(TorchEstimatorMixin, NeuralNetClassifier):
    """A skorch neural-network classifier trained with margin-aware Mixup.

    Every training batch is mixed once: one ``lam ~ Beta(alpha, alpha)`` per
    batch and a random permutation ``perm`` give the inputs
    ``(1 - lam) * x + lam * x[perm]``, and one forward pass on them is
    scored with :class:`~imblearn_deepsmote.MAMixLoss`, whose label weights
    (:func:`~imblearn_deepsmote.mamix_weights`) depend on the class counts
    so that minority classes get wider margins (Cheng, Mai and Lin, "From
    SMOTE to Mixup for Deep Imbalanced Classification", TAAI 2023). With
    ``drw=True`` the loss is re-weighted by class-balanced weights for the
    last epochs (deferred re-weighting). Validation and prediction are not
    mixed.

    It is a scikit-learn classifier: ``X`` is a 2-d array-like (images as
    flattened rows) or an array of images (``(n, H, W)``, ``(n, C, H, W)``,
    or ``(n, H, W, C)`` with ``channels_last``), any numeric dtype (cast to
    float32); ``y`` holds any
    labels (strings too), ``classes_`` lists them sorted and ``predict``
    returns them. It fits in :class:`imblearn.pipeline.Pipeline`,
    ``GridSearchCV`` (``lr``, ``module__hidden_units``, ...), ``clone`` and
    pickle.

    .. warning::
       MAMix's margins come from the class counts. After a sampler that
       fully balances the data (e.g. ``SMOTE()`` in a pipeline) all counts
       are equal, MAMix reduces to plain Mixup and DRW to no re-weighting.
       To keep the margins, pass ``class_counts`` counted *before*
       resampling (e.g. ``dict(Counter(y_train))``), or use MAMix instead
       of resampling.

    Parameters
    ----------
    module : "auto", torch module class or instance, default="auto"
        ``"auto"`` builds :class:`~imblearn_deepsmote.mamix.SmallCNN`
        from ``image_shape`` when it is given, else an
        :class:`~imblearn_deepsmote.mamix.MLP`; both are sized from the
        data (``n_features``, ``n_classes``) and take ``module__*``
        parameters such as ``module__hidden_units``. A module class or
        instance is used as in skorch (it must return logits).
    image_shape : tuple of int, "square" or None, default=None
        ``(C, H, W)`` or ``(H, W)`` of the images in the rows of ``X``;
        "square" means ``(1, s, s)`` with ``s * s`` features, which is what
        :class:`~imblearn_deepsmote.TabularToImage` produces by default.
        ``None`` with image arrays takes the shape from ``X``.
    channels_last : bool, default=False
        Whether the channels of the images come last: ``(n, H, W, C)``
        arrays, or rows flattened from that order.
    augment : callable, list of callables or None, default=None
        Data augmentation of each training batch, before it is mixed: a
        callable taking a float32 tensor of images ``(n, C, H, W)`` and
        returning one of the same shape and dtype (e.g.
        :class:`~imblearn_deepsmote.RandomShift`,
        :class:`~imblearn_deepsmote.RandomHorizontalFlip`), or a list of
        them applied in order. Its random draws come from the fit's private
        stream (see ``random_state``). Never applied when predicting; images
        only (``image_shape`` or image arrays).
    class_counts : dict, pandas Series or array-like, default=None
        Class counts that set the MAMix margins: ``None`` counts the ``y``
        given to ``fit``; a dict or a :class:`pandas.Series` (e.g.
        ``y_train.value_counts()``) maps each label to its count, whatever
        its order; a plain array gives the counts in the order of the sorted
        labels (``classes_``). The DRW weights always come from the
        ``y`` given to ``fit``: re-weighting corrects the distribution the
        loss is averaged over, and re-weighting an already balanced set by
        the original counts over-corrects (:ref:`mamix_pitfall`).
    mamix_ratio : float, default=-0.25
        Exponent of the class counts in the MAMix pivot; ``0`` is Mixup.
    alpha : float, default=1.0
        Parameter of the Beta distribution of ``lam`` (1 is uniform).
    drw : bool, default=True
        Whether to add the :class:`DeferredReweighting` callback (named
        ``"drw"``).
    drw_start : int or float, default=0.8
        First re-weighted epoch (0-based int) or fraction of ``max_epochs``.
    drw_beta : float, default=0.9999
        ``beta`` of the class-balanced DRW weights.
    random_state : int, RandomState instance or None, default=None
        Seed of everything training draws (initialisation, shuffling,
        ``lam`` and permutations, dropout). An int gives the same fit every
        time on the CPU, in any thread; ``None`` draws a seed from numpy's
        global random state, as scikit-learn does. torch's global random
        state is never used.
    device : str or torch.device, default="auto"
        ``"auto"`` trains on CUDA when available, else on the CPU; or
        ``"cpu"``, ``"cuda"``, ``"cuda:N"``. The parameter keeps its value;
        the resolved device is ``device_`` (and what skorch reads as
        ``net.device``).
    n_threads : int or None, default=1
        torch CPU threads for this estimator's computations, set in the
        calling thread only and restored afterwards (never above torch's
        own setting); ``None`` uses torch's setting (see :ref:`speed`).
    criterion : torch criterion class, default=MAMixLoss
        Must accept ``(logits, target, partner_target=..., lam=...)``;
        ``class_counts`` and ``ratio`` are filled in for ``MAMixLoss``.
    optimizer : torch optimizer class, default=torch.optim.Adam
    lr : float, default=1e-3
    max_epochs : int, default=100
    batch_size : int, default=128
    train_split : callable or None, default=None
        No internal validation split by default: a split of resampled data
        holds synthetic rows and tiny classes. If one is set, the default
        callback ``valid_bacc`` logs the validation balanced accuracy.
    iterator_train, iterator_valid : callable, default=TensorBatches
        Batch iterators; :class:`~imblearn_deepsmote.utils.TensorBatches`
        slices whole tensors (a :class:`~torch.utils.data.DataLoader` works
        too).
    iterator_train__shuffle : bool, default=True
        Shuffling matters: samplers append synthetic rows class by class.
    verbose : int, default=0
        0 prints nothing, 1 one line per epoch, 2 also a progress bar within
        each epoch.
    **kwargs
        Other skorch parameters (``callbacks``, ``warm_start``,
        ``module__*``, ``optimizer__*``, ``iterator_train__*``, ...);
        ``classes`` lists all labels when ``y`` may lack some.

    Attributes
    ----------
    classes_ : ndarray of shape (n_classes,)
        The labels, sorted.
    class_counts_ : ndarray of shape (n_classes,)
        The class counts used for the margins.
    training_counts_ : ndarray of shape (n_classes,)
        The class counts of the ``y`` given to ``fit``, used by DRW.
    n_features_in_ : int
        Number of features seen in ``fit``.
    feature_names_in_ : ndarray of shape (`n_features_in_`,)
        Column names, when ``X`` was a DataFrame with string column names.
    device_ : torch.device
        The device trained on.
    module_, criterion_, optimizer_, history_, callbacks_
        As in skorch.

    Notes
    -----
    skorch callbacks see the targets encoded as ``0 .. n_classes - 1`` (the
    positions in ``classes_``); a scoring callable for them should compare
    with ``net.predict_proba(X).argmax(axis=1)``, not ``net.predict(X)``.
    With ``use_caching``, scores on the training set use the *mixed*
    batches.

    Examples
    --------
    >>> from sklearn.datasets import make_classification
    >>> from imblearn_deepsmote import MAMixClassifier
    >>> X, y = make_classification(n_samples=200, weights=[0.9], random_state=0)
    >>> clf = MAMixClassifier(max_epochs=5, random_state=0, device="cpu").fit(X, y)
    >>> clf.classes_, clf.class_counts_
    (array([0, 1]), array([179.,  21.]))
    >>> clf.predict_proba(X[:3]).sum(axis=1)
    array([1., 1., 1.])
    >>> [bool(drw) for drw in clf.history[:, "drw"]]
    [False, False, False, False, True]
    """

    _parameter_constraints: dict = {
        **SKORCH_PARAMETER_CONSTRAINTS,
        "module": [StrOptions({"auto"}), callable, nn.Module],
        "image_shape": [tuple, list, StrOptions({"square"}), None],
        "channels_last": ["boolean"],
        "augment": [callable, list, tuple, None],
        "class_counts": ["array-like", Mapping, None],
        "mamix_ratio": [Interval(numbers.Real, None, None, closed="neither")],
        "alpha": [Interval(numbers.Real, 0, None, closed="neither")],
        "drw": ["boolean"],
        "drw_start": [
            IntInterval(0, None, closed="left"),
            Interval(RealNotInt, 0, 1, closed="both"),
        ],
        "drw_beta": [Interval(numbers.Real, 0, 1, closed="left")],
        "classes": ["array-like", None],
    }

    def __init__(
        self,
        module: str | type[nn.Module] | nn.Module = "auto",
        *,
        image_shape: Sequence[int] | None = None,
        channels_last: bool = False,
        augment: Callable | Sequence[Callable] | None = None,
        class_counts: Sequence[float] | np.ndarray | Mapping[Any, float] | None = None,
        mamix_ratio: float = -0.25,
        alpha: float = 1.0,
        drw: bool = True,
        drw_start: int | float = 0.8,
        drw_beta: float = 0.9999,
        random_state: int | np.random.RandomState | None = None,
        device: str | torch.device = "auto",
        n_threads: int | None = 1,
        criterion: type[nn.Module] | nn.Module = MAMixLoss,
        optimizer: type[torch.optim.Optimizer] = torch.optim.Adam,
        lr: float = 1e-3,
        max_epochs: int = 100,
        batch_size: int = 128,
        iterator_train: Any = TensorBatches,
        iterator_valid: Any = TensorBatches,
        iterator_train__shuffle: bool = True,
        train_split=None,
        verbose: int = 0,
        **kwargs,
    ) -> None:
        super().__init__(
            module,
            criterion=criterion,
            optimizer=optimizer,
            lr=lr,
            max_epochs=max_epochs,
            batch_size=batch_size,
            iterator_train=iterator_train,
            iterator_valid=iterator_valid,
            train_split=train_split,
            verbose=verbose,
            device=device,
            **kwargs,
        )
        self.image_shape = image_shape
        self.channels_last = channels_last
        self.augment = augment
        self.class_counts = class_counts
        self.mamix_ratio = mamix_ratio
        self.alpha = alpha
        self.drw = drw
        self.drw_start = drw_start
        self.drw_beta = drw_beta
        self.random_state = random_state
        self.n_threads = n_threads
        self.iterator_train__shuffle = iterator_train__shuffle

    # ------------------------------------------------------------------ #
    # initialisation                                                      #
    # ------------------------------------------------------------------ #
    @property
    def _default_callbacks(self) -> list[tuple[str, Callback]]:
        callbacks = super()._default_callbacks
        position = [name for name, _ in callbacks].index("print_log")
        callbacks.insert(
            position,
            (
                "valid_bacc",
                EpochScoring(
                    _balanced_accuracy_of_codes,
                    name="valid_bacc",
                    lower_is_better=False,
                ),
            ),
        )
        if isinstance(self.drw, (bool, np.bool_)) and self.drw:  # validated in fit
            drw = DeferredReweighting(start=self.drw_start, beta=self.drw_beta)
            callbacks.insert(1, ("drw", drw))
        return callbacks

    def initialize_module(self) -> MAMixClassifier:
        """Build ``module_``: the default network when ``module="auto"``."""
        kwargs = self.get_params_for("module")
        module = self.module
        if isinstance(module, str):
            if module != "auto":
                raise ValueError(
                    f"module must be 'auto' or a torch module; got {module!r}."
                )
            module, kwargs = self._auto_module(kwargs)
        self.module_ = self.initialized_instance(module, kwargs)
        return self

    def _auto_module(
        self, kwargs: dict[str, Any]
    ) -> tuple[type[nn.Module], dict[str, Any]]:
        image_shape = self.__dict__.get("image_shape_", self.image_shape)
        if isinstance(image_shape, str):  # "square" is resolved by fit
            module, defaults = SmallCNN, {"image_shape": None}
        elif image_shape is not None:
            module, defaults = SmallCNN, {"image_shape": image_shape}
        else:
            module, defaults = (
                MLP,
                {"n_features": getattr(self, "n_features_in_", None)},
            )
        classes = self.__dict__.get("classes_inferred_")
        defaults["n_classes"] = None if classes is None else len(classes)
        kwargs = {**defaults, **kwargs}
        missing = [
            key for key, value in kwargs.items() if value is None and key in defaults
        ]
        if missing:
            raise ValueError(
                "module='auto' is sized from the data: call fit(X, y) or pass "
                + ", ".join(f"module__{key}" for key in missing)
                + "."
            )
        return module, kwargs

    def initialize_criterion(self) -> MAMixClassifier:
        """Build ``criterion_``; ``MAMixLoss`` gets the class counts and ratio."""
        kwargs = self.get_params_for("criterion")
        criterion = self.criterion
        if isinstance(criterion, type) and issubclass(criterion, MAMixLoss):
            defaults = {
                "class_counts": getattr(self, "class_counts_", None),
                "ratio": self.mamix_ratio,
            }
            kwargs = {**defaults, **kwargs}
        self.criterion_ = self.initialized_instance(criterion, kwargs)
        return self

    # ------------------------------------------------------------------ #
    # data                                                                #
    # ------------------------------------------------------------------ #
    @property
    def classes_(self) -> np.ndarray:
        try:
            return self.__dict__["classes_inferred_"]
        except KeyError:
            raise AttributeError(
                f"{type(self).__name__} has no classes_ before it is fitted."
            ) from None

    def check_data(self, X, y) -> None:
        """Data are validated in ``fit`` and ``partial_fit``; nothing to do."""

    def _resolve_class_counts(self) -> np.ndarray:
        """``class_counts`` as one positive count per class, in ``classes_`` order."""
        classes, given = self.classes_, self.class_counts
        if given is None:
            return self.training_counts_
        if hasattr(given, "index") and hasattr(given, "to_dict"):  # pandas Series
            given = given.to_dict()
        if isinstance(given, Mapping):
            labels = classes.tolist()
            missing = [label for label in labels if label not in given]
            unknown = [key for key in given if key not in set(labels)]
            if missing or unknown:
                raise ValueError(
                    "class_counts must give one count for each class of y; missing "
                    f"{missing}, not in y {unknown}."
                )
            values = [given[label] for label in labels]
        else:
            values = np.asarray(given)
            if values.shape != classes.shape:
                raise ValueError(
                    f"class_counts has shape {values.shape}; expected one count per "
                    f"class {classes.shape}, in the order of classes_ {classes}, or "
                    "a dict or pandas Series from label to count."
                )
        try:
            counts = np.asarray(values, dtype=float)
        except (TypeError, ValueError):
            raise ValueError(
                f"class_counts must be numbers; got {list(values)!r}."
            ) from None
        if not np.all(np.isfinite(counts)) or np.any(counts <= 0):
            raise ValueError(
                "class_counts must be positive, finite numbers; got "
                f"{dict(zip(classes.tolist(), counts.tolist(), strict=True))}."
            )
        return counts

    def _encode(self, y: np.ndarray) -> np.ndarray:
        classes = self.classes_
        codes = np.searchsorted(classes, y)
        known = (codes < len(classes)) & (
            classes[np.minimum(codes, len(classes) - 1)] == y
        )
        if not np.all(known):
            raise ValueError(
                f"y contains labels unknown to the classifier: {np.unique(y[~known])}; "
                f"classes_ is {classes}."
            )
        return codes.astype(np.int64)

    def _prepare_training_data(self, X, y, *, reset: bool, classes=None):
        """Validate ``X`` and ``y`` (classes and counts on a reset); encode ``y``."""
        if reset:
            self._layout = ImageLayout.from_data(
                X, self.image_shape, self.channels_last, min_side=1
            )
        X, y = validate_data(
            self, self._layout.to_rows(X), y, reset=reset, dtype=np.float32
        )
        check_classification_targets(y)
        check_augment(self.augment, self._layout.image_shape)
        if reset:
            labels = classes if classes is not None else self.classes
            labels = np.unique(y) if labels is None else np.unique(np.asarray(labels))
            if len(labels) < 2:
                raise ValueError(
                    f"{type(self).__name__} needs at least two classes; got "
                    f"{len(labels)} class."
                )
            self.classes_inferred_ = labels
        codes = self._encode(y)
        if reset:
            # labels declared via `classes` but absent from y count as 1
            self.training_counts_ = np.maximum(
                np.bincount(codes, minlength=len(self.classes_)), 1
            ).astype(float)
            self.class_counts_ = self._resolve_class_counts()
            if self.drw:
                drw_start_epoch(self.drw_start, self.max_epochs)
            self.image_shape_ = self._layout.image_shape
        return X, codes

    def _validate_prediction_data(self, X):
        if is_dataset(X):
            return X
        rows = self._layout.to_rows(X)
        return validate_data(self, rows, reset=False, dtype=np.float32)

    # ------------------------------------------------------------------ #
    # training (fit and partial_fit: TorchEstimatorMixin)                 #
    # ------------------------------------------------------------------ #
    def train_step_single(self, batch, **fit_params) -> dict[str, torch.Tensor]:
        """One MAMix step: mix the batch, one forward pass, backward."""
        self._set_training(True)
        Xi, yi = unpack_data(batch)
        Xi = to_tensor(Xi, device=self.device)
        yi = to_tensor(yi, device=self.device)
        if not isinstance(Xi, torch.Tensor):
            raise TypeError("MAMixClassifier mixes tensor inputs only.")
        if self.augment is not None:
            with self._private_draws():
                Xi = augment_rows(self.augment, Xi, self._layout.image_shape)
        lam = float(self._rng.beta(self.alpha, self.alpha))
        perm = torch.randperm(
            len(yi), device=yi.device, generator=self._generator(yi.device)
        )
        X_mixed = (1.0 - lam) * Xi + lam * Xi[perm]
        with self._private_draws():  # dropout, and any draw of the module
            y_pred = self.infer(X_mixed, **fit_params)
            loss = self.get_loss(
                y_pred, yi, X=X_mixed, training=True, partner_target=yi[perm], lam=lam
            )
        loss.backward()
        return {"loss": loss, "y_pred": y_pred}

    def get_loss(
        self,
        y_pred: torch.Tensor,
        y_true,
        X=None,
        training: bool = False,
        *,
        partner_target=None,
        lam: float | None = None,
    ) -> torch.Tensor:
        """The criterion's loss; mixed when ``partner_target`` and ``lam`` are given."""
        if partner_target is None and lam is None:
            return super().get_loss(y_pred, y_true, X=X, training=training)
        return self.criterion_(
            y_pred,
            to_tensor(y_true, device=self.device),
            partner_target=to_tensor(partner_target, device=self.device),
            lam=lam,
        )

    # ------------------------------------------------------------------ #
    # prediction                                                          #
    # ------------------------------------------------------------------ #
    def predict_proba(self, X: ArrayLike) -> np.ndarray:
        """Class probabilities (float64 rows summing to 1), unmixed.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)

        Returns
        -------
        ndarray of shape (n_samples, n_classes)
            Columns in the order of ``classes_``.
        """
        self.check_is_fitted()
        X = self._validate_prediction_data(X)
        with self._torch_context(training=False):
            proba = super().predict_proba(X)
        if self.predict_nonlinearity == "auto" and isinstance(
            self.criterion_, nn.CrossEntropyLoss
        ):
            proba = proba.astype(np.float64)
            proba /= proba.sum(axis=1, keepdims=True)
        return proba

    def predict(self, X: ArrayLike) -> np.ndarray:
        """Predicted labels (from ``classes_``).

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)

        Returns
        -------
        ndarray of shape (n_samples,)
        """
        indices = np.argmax(self.predict_proba(X), axis=1)
        return self.classes_[indices]
