"""The autoencoder of DeepSMOTE as a scikit-learn transformer built on skorch."""

from __future__ import annotations

import math
import numbers
from collections.abc import Sequence
from typing import Any

import numpy as np
import torch
from numpy.typing import ArrayLike
from sklearn.base import ClassNamePrefixFeaturesOutMixin, TransformerMixin, clone
from sklearn.preprocessing import LabelEncoder, MinMaxScaler, StandardScaler
from sklearn.utils._available_if import available_if
from sklearn.utils._param_validation import HasMethods, Interval, Options, StrOptions
from sklearn.utils.validation import check_is_fitted
from sklearn_compat.utils.validation import validate_data
from skorch import NeuralNet
from skorch.callbacks import EarlyStopping, PassthroughScoring
from skorch.dataset import unpack_data
from skorch.utils import to_tensor
from torch import nn

from .._base import SKORCH_PARAMETER_CONSTRAINTS, IntInterval, TorchEstimatorMixin
from ..utils._batching import TensorBatches
from ..utils._images import ImageLayout
from ..utils._items import CHUNK, ItemReader, label_value, widened_range
from ..utils._warnings import warn_user
from ._callbacks import SameClassBatches
from ._losses import PENALTY_MODES, AutoencoderLoss
from ._networks import NETWORKS, build_network

__all__ = ["Autoencoder", "auto_epochs"]

#: ``max_epochs="auto"``: rows seen in training, and the range of epochs.
AUTO_ROWS_SEEN = 180_000
AUTO_EPOCH_RANGE = (5, 20)


def auto_epochs(n_samples: int) -> int:
    """The epoch budget of ``max_epochs="auto"`` for ``n_samples`` training rows.

    ``ceil(AUTO_ROWS_SEEN / n_samples)`` clipped to ``AUTO_EPOCH_RANGE``: 20
    epochs up to 9,000 rows, then about 180,000 rows seen in all, and at
    least 5 epochs from 36,000 rows on.

    Examples
    --------
    >>> from imblearn_deepsmote.deepsmote import auto_epochs
    >>> [auto_epochs(n) for n in (300, 1_800, 9_000, 60_000)]
    [20, 20, 20, 5]
    """
    low, high = AUTO_EPOCH_RANGE
    return int(np.clip(-(-AUTO_ROWS_SEEN // n_samples), low, high))


def _never(estimator) -> bool:
    return False


def _warn_if_pixel_rows(X: np.ndarray, image_shape, module) -> None:
    """Warn when tabular rows look like flattened square images of pixels.

    Grey (``s * s`` columns) or RGB (``3 * s * s``), with ``s`` at least 8.
    """
    if image_shape is not None or module != "auto":
        return
    shapes = [
        (channels, math.isqrt(X.shape[1] // channels), X.shape[1] // channels)
        for channels in (1, 3)
        if X.shape[1] % channels == 0
    ]
    shapes = [(c, side) for c, side, area in shapes if side >= 8 and side**2 == area]
    if not shapes:
        return
    ((channels, side),) = shapes
    low, high = X.min(), X.max()
    integral = high > 1 and high <= 255 and np.array_equal(X, np.round(X))
    if low >= 0 and (high <= 1 or integral):
        size = f"{side}x{side}" if channels == 1 else f"{channels}x{side}x{side}"
        shape = f"{side}, {side}" if channels == 1 else f"{channels}, {side}, {side}"
        colour = "" if channels == 1 else " (channels_last=True if flattened (H, W, C))"
        warn_user(
            f"X has {X.shape[1]} columns of pixel-like values, as many as flattened "
            f"{size} images, but no image_shape: the rows are treated as "
            "tabular features, with a fully connected autoencoder. For images "
            f"pass image_shape=({shape}){colour} or X as an (n, {shape}) "
            "array; module='mlp' (DeepSMOTE(autoencoder=Autoencoder(module='mlp')) "
            "in DeepSMOTE) keeps the tabular treatment without this warning."
        )


class Autoencoder(
    TorchEstimatorMixin, ClassNamePrefixFeaturesOutMixin, TransformerMixin, NeuralNet
):
    """An autoencoder as a scikit-learn transformer: encode and decode rows.

    ``fit`` scales the inputs (``scaler``), then trains an encoder and a
    decoder (``module``) to reconstruct them, with mean squared error, Adam
    and shuffled mini-batches; ``transform`` encodes rows into latent codes
    and ``inverse_transform`` decodes codes back into rows of the original
    scale. It is the first half of :class:`~imblearn_deepsmote.DeepSMOTE`,
    which over-samples in its latent space, and it is useful on its own:
    as learned features for any classifier in a
    :class:`~sklearn.pipeline.Pipeline`, or fitted once and handed to
    several ``DeepSMOTE`` instances (see :ref:`reuse_autoencoder`).

    Images are rows of ``C * H * W`` values with ``image_shape``; they get a
    convolutional network. Tabular rows get a fully connected one. With
    labels ``y``, the loss can add DeepSMOTE's permutation penalty
    (``penalty``) and a classification loss on the latent code
    (``class_loss_weight``); without, it is plain reconstruction.

    ``fit`` also takes a map-style :class:`torch.utils.data.Dataset` of
    ``(x, y)`` items as ``X`` (skorch's convention; ``y`` may give the
    labels instead of the items): it reads the items a batch at a time, one
    pass to fit ``scaler`` (which needs ``partial_fit``) and then one per
    epoch, on the batches an array of the items would give, so it trains the
    same network without holding the data (no ``penalty``, which draws from
    every sample; see :ref:`torch_datasets`).

    It is a skorch :class:`~skorch.NeuralNet`: ``callbacks`` (an
    ``LRScheduler``, ``EarlyStopping`` on a validation split given as
    ``train_split``, ``Checkpoint``, ...), ``optimizer__*``, ``module__*``
    and ``history_`` work as in skorch.

    Read more in the :ref:`User Guide <autoencoder>`.

    Parameters
    ----------
    module : {"auto", "conv", "mlp", "paper"}, callable or torch module, \
default="auto"
        The network. ``"auto"`` is ``"conv"`` (a compact DCGAN-style
        :class:`~imblearn_deepsmote.deepsmote.ConvAutoencoder`) for images and
        ``"mlp"`` (:class:`~imblearn_deepsmote.deepsmote.MLPAutoencoder`) for
        tabular rows; ``"paper"`` is the DeepSMOTE paper's 28 x 28 network.
        ``module__*`` parameters reach the network's constructor (e.g.
        ``module__hidden_units=(128, 64)``). A factory function
        ``(input_shape, latent_dim) -> (encoder, decoder)``, or a module
        class or instance with ``encoder`` and ``decoder`` sub-modules, is
        used as it is; see :func:`~imblearn_deepsmote.deepsmote.build_network`.

    image_shape : tuple of int, "square" or None, default=None
        ``(channels, height, width)`` or ``(height, width)`` when each row of
        ``X`` is a flattened image (height and width at least 8); "square"
        means ``(1, s, s)`` with ``s * s`` features. ``None`` means tabular
        rows, or images whose shape ``X`` gives: ``(n, H, W)`` and
        ``(n, C, H, W)`` arrays are images, and ``inverse_transform`` returns
        them in the same layout.

    channels_last : bool, default=False
        Whether the channels of the images come last: ``(n, H, W, C)``
        arrays, or rows flattened from that order. ``image_shape`` is still
        ``(C, H, W)``.

    latent_dim : int or "auto", default="auto"
        Size of the latent code: 32 for images (300 for the paper's
        network) and ``ceil(n_features / 2)`` clipped to ``[1, 32]`` for
        tabular rows.

    scaler : "auto", transformer or None, default="auto"
        How inputs are scaled before the network sees them (the scaling is
        inverted on decoding): ``"auto"`` scales each pixel to ``[-1, 1]``
        for images (``MinMaxScaler``, to match the ``tanh`` output) and
        standardises tabular features (``StandardScaler``); a transformer
        with ``inverse_transform`` is cloned and fitted; ``None`` feeds the
        rows as they are. The fitted scaler is ``scaler_``.

    penalty : {"paper", "reference"} or None, default=None
        DeepSMOTE's permutation penalty on a same-class batch drawn for
        every training batch (needs ``y``; the batches come from the
        callback ``"penalty_batches"``): ``"paper"`` as in the paper's
        Algorithm 1, ``"reference"`` as in its released code; see
        :ref:`penalty`.

    penalty_weight : float, default=1.0
        Weight of the penalty in the training loss.

    class_loss_weight : float, default=0.0
        Weight of a cross-entropy loss of a linear classifier on the latent
        code (``class_head_``; needs ``y``), which shapes the latent space by
        the labels.

    tol : float, default=1e-3
        Relative improvement of the epoch's reconstruction loss that counts
        as progress for early stopping.

    n_iter_no_change : int or None, default=5
        Stop once the reconstruction loss has not improved by a relative
        ``tol`` for this many epochs (the callback ``"early_stopping"``);
        ``None`` always trains `max_epochs_` epochs.

    mixed_precision : bool, default=False
        Run the forward passes under bfloat16 autocast (GPUs, and CPUs with
        bfloat16 instructions).

    random_state : int, RandomState instance or None, default=None
        Seed of the weights, batches and penalty draws. An int gives the
        same fit every time on the CPU, in any thread; ``None`` draws a seed
        from numpy's global random state. torch's global random state is
        never used.

    device : str or torch.device, default="auto"
        ``"auto"`` trains on CUDA when available, else on the CPU; or
        ``"cpu"``, ``"cuda"``, ``"cuda:N"``. The device used is ``device_``.

    n_threads : int or None, default=1
        torch CPU threads for this estimator's computations, set in the
        calling thread only and restored afterwards (never above torch's
        own setting). One thread is the fastest on a busy machine and gives
        the same numbers on any number of cores; ``None`` uses torch's
        setting (:ref:`speed`).

    criterion : torch criterion class or instance, default=torch.nn.MSELoss
        The reconstruction loss, computed on scaled inputs (``criterion__*``
        parameters reach it). The training loss ``criterion_`` is an
        :class:`~imblearn_deepsmote.deepsmote.AutoencoderLoss` that adds the
        penalty and the class loss to it.

    optimizer : torch optimizer class, default=torch.optim.Adam

    lr : float, default=1e-3

    max_epochs : int or "auto", default="auto"
        ``"auto"``: ``ceil(180_000 / n_samples)`` epochs, at least 5 and at
        most 20 (:func:`~imblearn_deepsmote.deepsmote.auto_epochs`). The
        value used is `max_epochs_`.

    batch_size : int, default=64
        At least 2 (batch normalisation cannot train on a batch of one), or
        -1 for the whole data in one batch.

    iterator_train, iterator_valid : callable, default=TensorBatches
        Batch iterators; :class:`~imblearn_deepsmote.utils.TensorBatches`
        slices whole tensors (a :class:`~torch.utils.data.DataLoader` works
        too).

    iterator_train__shuffle : bool, default=True

    train_split : callable or None, default=None
        No internal validation split by default.

    verbose : int, default=0
        0 prints nothing, 1 one line per epoch and why training stopped, 2
        also a progress bar within each epoch.

    **kwargs
        Other skorch parameters (``callbacks``, ``warm_start``,
        ``module__*``, ``optimizer__*``, ...).

    Attributes
    ----------
    module_ : torch.nn.Module
        The trained network, with ``encoder`` and ``decoder`` sub-modules.
    criterion_ : AutoencoderLoss
        The training loss; ``criterion_.reconstruction`` is the initialised
        ``criterion``.
    scaler_ : transformer or None
        The fitted input scaler.
    image_shape_ : tuple of int or None
        ``(channels, height, width)`` of the images, ``None`` for tabular
        rows.
    latent_dim_ : int
        Size of the latent code.
    max_epochs_ : int
        The epoch budget of the last fit.
    device_ : torch.device
        The device trained on.
    history_ : skorch.callbacks.History
        Per epoch: ``train_loss`` (the weighted total),
        ``train_reconstruction_loss`` and, when used,
        ``train_penalty_loss`` and ``train_class_loss``.
    n_features_in_ : int
        Number of features seen during ``fit``.
    feature_names_in_ : ndarray of shape (`n_features_in_`,)
        Names of features seen during ``fit``, when ``X`` has string column
        names.

    See Also
    --------
    DeepSMOTE : Over-sampling in this autoencoder's latent space.

    Examples
    --------
    >>> from sklearn.datasets import load_digits
    >>> from imblearn_deepsmote import Autoencoder
    >>> X, y = load_digits(return_X_y=True)
    >>> autoencoder = Autoencoder(
    ...     image_shape=(8, 8), latent_dim=10, max_epochs=3, random_state=0
    ... ).fit(X)
    >>> codes = autoencoder.transform(X)
    >>> codes.shape
    (1797, 10)
    >>> autoencoder.inverse_transform(codes).shape
    (1797, 64)
    >>> len(autoencoder.history_)
    3
    """

    _parameter_constraints: dict = {
        **SKORCH_PARAMETER_CONSTRAINTS,
        "module": [StrOptions(set(NETWORKS)), callable, nn.Module],
        "image_shape": [tuple, list, StrOptions({"square"}), None],
        "channels_last": ["boolean"],
        "latent_dim": [IntInterval(1, None, closed="left"), StrOptions({"auto"})],
        "scaler": [
            StrOptions({"auto"}),
            HasMethods(["fit_transform", "inverse_transform"]),
            None,
        ],
        "penalty": [StrOptions(set(PENALTY_MODES)), None],
        "penalty_weight": [Interval(numbers.Real, 0, None, closed="left")],
        "class_loss_weight": [Interval(numbers.Real, 0, None, closed="left")],
        "tol": [Interval(numbers.Real, 0, None, closed="left")],
        "n_iter_no_change": [IntInterval(1, None, closed="left"), None],
        "mixed_precision": ["boolean"],
        "max_epochs": [IntInterval(1, None, closed="left"), StrOptions({"auto"})],
        # batch normalisation cannot train on a batch of one row
        "batch_size": [
            IntInterval(2, None, closed="left"),
            Options(numbers.Integral, {-1}),
        ],
    }

    def __init__(
        self,
        module: str | Any = "auto",
        *,
        image_shape: Sequence[int] | str | None = None,
        channels_last: bool = False,
        latent_dim: int | str = "auto",
        scaler: Any = "auto",
        penalty: str | None = None,
        penalty_weight: float = 1.0,
        class_loss_weight: float = 0.0,
        tol: float = 1e-3,
        n_iter_no_change: int | None = 5,
        mixed_precision: bool = False,
        random_state: int | np.random.RandomState | None = None,
        device: str | torch.device = "auto",
        n_threads: int | None = 1,
        criterion: Any = nn.MSELoss,
        optimizer: type[torch.optim.Optimizer] = torch.optim.Adam,
        lr: float = 1e-3,
        max_epochs: int | str = "auto",
        batch_size: int = 64,
        iterator_train: Any = TensorBatches,
        iterator_valid: Any = TensorBatches,
        iterator_train__shuffle: bool = True,
        train_split: Any = None,
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
        self.latent_dim = latent_dim
        self.scaler = scaler
        self.penalty = penalty
        self.penalty_weight = penalty_weight
        self.class_loss_weight = class_loss_weight
        self.tol = tol
        self.n_iter_no_change = n_iter_no_change
        self.mixed_precision = mixed_precision
        self.random_state = random_state
        self.n_threads = n_threads
        self.iterator_train__shuffle = iterator_train__shuffle

    # ------------------------------------------------------------------ #
    # callbacks                                                           #
    # ------------------------------------------------------------------ #
    def _loss_terms(self) -> list[str]:
        """The loss terms this configuration trains with, beyond the total.

        Robust to invalid parameters: skorch builds the default callbacks in
        ``get_params``, before ``fit`` validates them.
        """
        terms = ["reconstruction"]
        if self.penalty is not None:
            terms.append("penalty")
        weight = self.class_loss_weight
        if isinstance(weight, numbers.Real) and weight > 0:
            terms.append("class")
        return terms

    @property
    def _default_callbacks(self) -> list[tuple[str, Any]]:
        callbacks = super()._default_callbacks
        position = [name for name, _ in callbacks].index("print_log")
        terms = [
            (
                f"train_{term}_loss",
                PassthroughScoring(name=f"train_{term}_loss", on_train=True),
            )
            for term in self._loss_terms()
        ]
        callbacks[position:position] = terms
        if self.penalty is not None:
            callbacks.insert(1, ("penalty_batches", SameClassBatches()))
        if isinstance(self.n_iter_no_change, numbers.Integral):
            callbacks.insert(
                position + len(terms),
                (
                    "early_stopping",
                    EarlyStopping(
                        monitor="train_reconstruction_loss",
                        patience=self.n_iter_no_change,
                        threshold=self.tol,
                        threshold_mode="rel",
                        lower_is_better=True,
                    ),
                ),
            )
        return callbacks

    # ------------------------------------------------------------------ #
    # data                                                                #
    # ------------------------------------------------------------------ #
    def _input_shape(self) -> tuple[int, ...]:
        return self.image_shape_ or (self.n_features_in_,)

    def _validate_rows(self, X, *, reset: bool) -> np.ndarray:
        """``X`` (rows or image arrays) as validated float rows, channels first."""
        if reset:
            self._layout = ImageLayout.from_data(
                X, self.image_shape, self.channels_last
            )
        rows = self._layout.to_rows(X)
        # images of any numeric dtype (uint8, float16, ...) become float32
        return validate_data(self, rows, reset=reset, dtype=[np.float32, np.float64])

    def _to_network_input(self, X_scaled: np.ndarray) -> np.ndarray:
        inputs = np.ascontiguousarray(X_scaled, dtype=np.float32)
        if not np.isfinite(inputs).all():
            raise ValueError(
                f"Scaling X with {type(self.scaler_).__name__} gave values that are "
                "not finite in float32: some features are too large (the largest "
                f"magnitude seen in fit is {np.max(np.abs(self._data_range)):.3g}). "
                "Rescale those features before the autoencoder, or pass another "
                "scaler."
            )
        return inputs.reshape(-1, *self._input_shape())

    def _scale(self, X: np.ndarray) -> np.ndarray:
        with np.errstate(over="ignore", invalid="ignore"):
            return X if self.scaler_ is None else self.scaler_.transform(X)

    def _new_scaler(self):
        """``scaler_`` before fitting: ``scaler`` cloned, "auto" resolved."""
        if self.scaler == "auto":
            return MinMaxScaler((-1, 1)) if self.image_shape_ else StandardScaler()
        return None if self.scaler is None else clone(self.scaler)

    def _prepare_training_data(self, X, y, *, reset: bool, classes=None):
        """Validate and scale ``X`` (fitting the scaler on a reset); encode ``y``.

        A torch ``Dataset`` of ``(x, y)`` items is streamed instead
        (:meth:`_prepare_training_stream`).
        """
        if isinstance(X, torch.utils.data.Dataset):
            return self._prepare_training_stream(X, y, reset=reset)
        X = self._validate_rows(X, reset=reset)
        needs_labels = len(self._loss_terms()) > 1
        if reset:
            self.image_shape_ = self._layout.image_shape
            _warn_if_pixel_rows(X, self.image_shape_, self.module)
            self.max_epochs_ = (
                auto_epochs(len(X)) if self.max_epochs == "auto" else self.max_epochs
            )
            self._dtype = X.dtype
            self._data_range = np.stack([X.min(axis=0), X.max(axis=0)])
            self.scaler_ = self._new_scaler()
            if self.scaler_ is not None:
                # its output stays numpy whatever set_output says globally
                self.scaler_.set_output(transform="default")
                with np.errstate(over="ignore", invalid="ignore"):
                    self.scaler_.fit(X)
            self._labels = None
            if needs_labels:
                if y is None:
                    raise ValueError(
                        f"penalty={self.penalty!r} and class_loss_weight="
                        f"{self.class_loss_weight!r} need class labels: call "
                        "fit(X, y)."
                    )
                self._labels = LabelEncoder().fit(np.asarray(y))
        X_scaled = self._scale(X)
        codes = None
        if needs_labels:
            codes = self._labels.transform(np.asarray(y)).astype(np.int64)
        return self._to_network_input(X_scaled), codes

    def _prepare_training_stream(self, dataset, y, *, reset: bool):
        """A torch ``Dataset`` of ``(x, y)`` items, read a batch at a time.

        On a reset, one pass over the items fits the scaler with its
        ``partial_fit`` (``MinMaxScaler`` and ``StandardScaler`` have one)
        and the range of each feature; then each training batch is read and
        scaled on its own (:class:`_ScaledItems`), so no more than a batch
        of samples is ever held. Labels, when the loss needs them, come from
        ``y`` if given, else from the items.
        """
        items = ItemReader.of(dataset)
        if self.penalty is not None:
            raise ValueError(
                f"penalty={self.penalty!r} draws same-class batches from every "
                "training sample, so it needs them all in memory: it cannot train on "
                "a torch Dataset. Fit on an array, or set penalty=None."
            )
        if y is not None and len(y) != len(items):
            raise ValueError(
                f"y has {len(y)} labels but the dataset has {len(items)} items."
            )
        needs_labels = len(self._loss_terms()) > 1
        labels = None
        if reset:
            self._layout = ImageLayout.from_data(
                np.empty((0, *items.sample_shape)), self.image_shape, self.channels_last
            )
            self.image_shape_ = self._layout.image_shape
            self.__dict__.pop("feature_names_in_", None)
            self.n_features_in_ = self._layout.n_features
            self.max_epochs_ = (
                auto_epochs(len(items))
                if self.max_epochs == "auto"
                else self.max_epochs
            )
            self._dtype = np.dtype(
                np.float64 if items.dtype == np.float64 else np.float32
            )
            self.scaler_ = self._new_scaler()
            if self.scaler_ is not None and not hasattr(self.scaler_, "partial_fit"):
                raise ValueError(
                    f"scaler={self.scaler!r} has no partial_fit, so it cannot be "
                    "fitted a batch at a time on a torch Dataset: pass scaler='auto', "
                    "None or a scaler with partial_fit (MinMaxScaler, "
                    "StandardScaler), or fit on an array."
                )
            if self.scaler_ is not None:
                self.scaler_.set_output(transform="default")
            bounds, read = None, []
            for samples, item_labels in items.batches(CHUNK):
                rows = self._stream_rows(samples)
                bounds = widened_range(bounds, rows)
                if self.scaler_ is not None:
                    with np.errstate(over="ignore", invalid="ignore"):
                        self.scaler_.partial_fit(rows)
                if needs_labels and y is None:
                    read.extend(map(label_value, item_labels))
            self._data_range = np.stack(bounds)
            self._labels = None
            if needs_labels:
                labels = np.asarray(read if y is None else y)
                self._labels = LabelEncoder().fit(labels)
        elif items.sample_shape != self._layout.sample_shape:
            raise ValueError(
                f"The dataset holds samples of shape {items.sample_shape}; the "
                "autoencoder was fitted on samples of shape "
                f"{self._layout.sample_shape}."
            )
        if needs_labels:
            if labels is None:
                labels = np.asarray(items.labels() if y is None else y)
            codes = self._labels.transform(labels).astype(np.int64)
        else:
            codes = np.zeros(len(items), dtype=np.int64)
        return _ScaledItems(items, self._network_batch, codes), None

    def _stream_rows(self, samples: np.ndarray) -> np.ndarray:
        """Samples read from a dataset as finite rows of the training dtype."""
        rows = self._layout.to_rows(samples).astype(self._dtype, copy=False)
        if not np.isfinite(rows).all():
            raise ValueError(
                "The dataset has samples with NaN or infinite values; the "
                "autoencoder needs finite inputs."
            )
        return rows

    def _network_batch(self, samples: np.ndarray) -> torch.Tensor:
        """Samples read from a dataset, scaled, as a batch of network inputs."""
        return torch.from_numpy(
            self._to_network_input(self._scale(self._stream_rows(samples)))
        )

    # ------------------------------------------------------------------ #
    # initialisation                                                      #
    # ------------------------------------------------------------------ #
    def initialize_module(self) -> Autoencoder:
        """Build ``module_`` (and ``class_head_``) sized from the fitted data."""
        if "n_features_in_" not in self.__dict__:
            raise ValueError(
                "Autoencoder is sized from the data: call fit(X) instead of "
                "initialize()."
            )
        latent_dim = self.latent_dim
        if latent_dim == "auto":
            if self.image_shape_:
                latent_dim = 300 if self.module == "paper" else 32
            else:
                latent_dim = int(np.clip(np.ceil(self.n_features_in_ / 2), 1, 32))
        kwargs = self.get_params_for("module")
        self.module_, self.latent_dim_ = build_network(
            self.module, self._input_shape(), latent_dim, **kwargs
        )
        if self.class_loss_weight > 0:
            n_classes = len(self._labels.classes_)
            self.class_head_ = nn.Linear(self.latent_dim_, n_classes)
        elif "class_head_" in self.__dict__:
            del self.class_head_
        return self

    def initialize_criterion(self) -> Autoencoder:
        """Build ``criterion_``: the reconstruction loss, penalty and class loss."""
        reconstruction = self.initialized_instance(
            self.criterion, self.get_params_for("criterion")
        )
        self.criterion_ = AutoencoderLoss(
            reconstruction,
            penalty=self.penalty,
            penalty_weight=self.penalty_weight,
            class_loss_weight=self.class_loss_weight,
        )
        return self

    # ------------------------------------------------------------------ #
    # training (fit and partial_fit: TorchEstimatorMixin)                 #
    # ------------------------------------------------------------------ #
    def __sklearn_is_fitted__(self) -> bool:
        return self._fitted_on_data()

    def fit_loop(self, X, y=None, epochs=None, **fit_params):
        """skorch's loop, for `max_epochs_` epochs by default."""
        epochs = self.max_epochs_ if epochs is None else epochs
        return super().fit_loop(X, y, epochs=epochs, **fit_params)

    def get_loss(self, y_pred, y_true, X=None, training=False, **terms) -> torch.Tensor:
        """The training loss ``criterion_``: the reconstruction loss, plus what
        ``terms`` (``autoencoder`` and ``penalty_inputs``, ``class_logits`` and
        ``labels``: see :class:`AutoencoderLoss`) add.
        """
        return self.criterion_(y_pred, to_tensor(y_true, device=self.device), **terms)

    def train_step_single(self, batch, **fit_params) -> dict[str, torch.Tensor]:
        """Reconstruction loss, plus the penalty and the class loss when used."""
        self._set_training(True)
        Xi, yi = unpack_data(batch)
        Xi = to_tensor(Xi, device=self.device)
        terms = {}
        if self.penalty is not None:
            terms["autoencoder"] = self.module_
            batches = dict(self.callbacks_).get("penalty_batches")
            if batches is None:
                raise ValueError(
                    f"penalty={self.penalty!r} draws its batches with the callback "
                    "'penalty_batches', which was removed: keep it, or set "
                    "penalty=None."
                )
            terms["penalty_inputs"] = batches.next_inputs(self)
        autocast = torch.autocast(
            self.device_.type, torch.bfloat16, enabled=self.mixed_precision
        )
        with self._private_draws(), autocast:
            latent = self.module_.encoder(Xi)
            reconstruction = self.module_.decoder(latent).float()
            if self.class_loss_weight > 0:
                terms["class_logits"] = self.class_head_(latent)
                terms["labels"] = to_tensor(yi, device=self.device)
            loss = self.get_loss(reconstruction, Xi, training=True, **terms)
        loss.backward()
        for term, value in self.criterion_.last_terms.items():
            self.history.record_batch(f"train_{term}_loss", value.detach())
        return {"loss": loss, "y_pred": reconstruction}

    def validation_step(self, batch, **fit_params) -> dict[str, torch.Tensor]:
        """The reconstruction loss of a validation batch (eval mode, no grad)."""
        self._set_training(False)
        Xi, _ = unpack_data(batch)
        Xi = to_tensor(Xi, device=self.device)
        with torch.no_grad(), self._private_draws():
            reconstruction = self.module_(Xi).float()
            loss = self.get_loss(reconstruction, Xi, training=False)
        return {"loss": loss, "y_pred": reconstruction}

    # ------------------------------------------------------------------ #
    # encoding and decoding                                               #
    # ------------------------------------------------------------------ #
    @torch.no_grad()
    def _apply(self, function, inputs: np.ndarray, n_out: int) -> np.ndarray:
        """``function`` over ``inputs`` in batches, in evaluation mode."""
        self._set_training(False)
        out = np.empty((len(inputs), n_out), dtype=np.float32)
        with self._torch_context(training=False):
            for start in range(0, len(inputs), self.batch_size):
                batch = torch.from_numpy(inputs[start : start + self.batch_size])
                result = function(batch.to(self.device)).float().flatten(1)
                out[start : start + len(batch)] = result.cpu().numpy()
        return out

    def transform(self, X: ArrayLike) -> np.ndarray:
        """Encode rows into latent codes.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features) or (n_samples, ...)
            Rows in the original feature space, or images as in ``fit``.

        Returns
        -------
        ndarray of shape (n_samples, `latent_dim_`), dtype float32
        """
        check_is_fitted(self)
        X = self._validate_rows(X, reset=False)
        codes = self._encode_scaled(self._scale(X))
        if not np.isfinite(codes).all():
            raise FloatingPointError(
                "The encoder gave latent codes that are not finite for some rows "
                "of X: they are far outside the range seen in fit, or training "
                "diverged."
            )
        return codes

    def _encode_scaled(self, X_scaled: np.ndarray) -> np.ndarray:
        inputs = self._to_network_input(X_scaled)
        return self._apply(self.module_.encoder, inputs, self.latent_dim_)

    def inverse_transform(self, X: ArrayLike) -> np.ndarray:
        """Decode latent codes into rows of the original feature space.

        Parameters
        ----------
        X : array-like of shape (n_samples, `latent_dim_`)
            Latent codes, e.g. from :meth:`transform`.

        Returns
        -------
        ndarray of shape (n_samples, `n_features_in_`) or (n_samples, ...)
            Decoded samples, scaled back, clipped to each feature's range in
            the training data and laid out as the training data was (rows,
            or image arrays); float64 for float64 training data, float32
            otherwise.
        """
        check_is_fitted(self)
        codes = np.asarray(X, dtype=np.float32)
        if codes.ndim != 2 or codes.shape[1] != self.latent_dim_:
            raise ValueError(
                f"Latent codes must have shape (n_samples, {self.latent_dim_}); "
                f"got {codes.shape}."
            )
        if not np.isfinite(codes).all():
            raise ValueError(
                "Latent codes must be finite; got NaN or infinite values in rows "
                f"{np.flatnonzero(~np.isfinite(codes).all(axis=1))[:10].tolist()}."
            )
        decoded = self._apply(
            self.module_.decoder, np.ascontiguousarray(codes), self.n_features_in_
        ).astype(self._dtype, copy=False)
        if self.scaler_ is not None:
            decoded = self.scaler_.inverse_transform(decoded)
        return self._layout.from_rows(np.clip(decoded, *self._data_range))

    def score(self, X: ArrayLike, y=None) -> float:
        """Negative mean squared reconstruction error, on the scaled inputs.

        Higher is better, as scikit-learn's scorers expect.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
        y : None
            Ignored.

        Returns
        -------
        float
        """
        check_is_fitted(self)
        X = self._validate_rows(X, reset=False)
        inputs = self._to_network_input(self._scale(X))
        reconstructed = self._apply(self.module_, inputs, self.n_features_in_)
        return -float(np.mean((reconstructed - inputs.reshape(len(inputs), -1)) ** 2))

    @property
    def _n_features_out(self) -> int:
        return self.latent_dim_

    # skorch's NeuralNet predicts with the raw module: not a transformer's job
    @available_if(_never)
    def predict(self, X):  # pragma: no cover
        """Not available: use ``transform`` and ``inverse_transform``."""

    @available_if(_never)
    def predict_proba(self, X):  # pragma: no cover
        """Not available: use ``transform`` and ``inverse_transform``."""

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.allow_nan = False
        tags.transformer_tags.preserves_dtype = ["float32"]
        return tags


class _ScaledItems(torch.utils.data.Dataset):
    """The training items of a streamed fit: scaled samples and label codes.

    ``__getitems__`` (which :class:`~torch.utils.data.DataLoader` calls with
    a batch's indices) reads the batch and scales it in one go.
    """

    def __init__(self, items: ItemReader, to_inputs, codes: np.ndarray) -> None:
        self.items, self.to_inputs, self.codes = items, to_inputs, codes

    def __len__(self) -> int:
        return len(self.items)

    def __getitems__(self, indices: list[int]) -> list[tuple[torch.Tensor, int]]:
        samples, _ = self.items.read(indices)
        inputs = self.to_inputs(samples)
        return list(zip(inputs, self.codes[indices].tolist(), strict=True))

    def __getitem__(self, index: int) -> tuple[torch.Tensor, int]:
        return self.__getitems__([index])[0]
