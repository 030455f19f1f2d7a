"""One policy for the package's skorch estimators.

:class:`TorchEstimatorMixin` is the single place that decides, for both
:class:`~imblearn_deepsmote.Autoencoder` and
:class:`~imblearn_deepsmote.MAMixClassifier`:

- ``random_state``: an int makes fits reproducible on the CPU; ``None`` draws
  the seed from numpy's global random state, as scikit-learn does. Either way
  torch's and numpy's global random states are never used while training or
  predicting: the package's own draws (shuffling, penalty batches, Mixup
  permutations) take the fit's private :class:`torch.Generator`, and a
  dispatch mode (:class:`~imblearn_deepsmote.utils.PrivateGeneratorMode`)
  serves it to every other random operation of the network's
  initialisation and forward passes (dropout, any sampling in a user's
  module), in the fitting thread only, so fits in parallel threads
  reproduce sequential ones;
- one training path (``fit``, ``partial_fit``, ``warm_start``) around
  skorch's loop; each estimator prepares its data
  (:meth:`~TorchEstimatorMixin._prepare_training_data`);
- ``device="auto"``: CUDA when available, else the CPU; the parameter keeps
  its value and the device in use is ``device_``;
- ``n_threads``: torch CPU threads used by this estimator's computations,
  in its own thread only, restored afterwards;
- ``verbose``: 0 silent, 1 one line per epoch (and why training stopped),
  2 also a progress bar within each epoch;
- pickling through skorch (a net trained on a GPU loads on a CPU);
- parameters validated against ``_parameter_constraints`` at fit;
- one host-device synchronisation per epoch, not per batch.
"""

from __future__ import annotations

import contextlib
import numbers
from collections.abc import Iterator
from typing import Any

import numpy as np
import torch
from sklearn.utils._param_validation import (
    Interval,
    Options,
    StrOptions,
    validate_parameter_constraints,
)
from skorch.callbacks import EpochTimer, PassthroughScoring, PrintLog, ProgressBar

from .utils._batching import TensorBatches
from .utils._private_generator import PrivateGeneratorMode
from .utils._random import draw_seed
from .utils._torch import limit_threads, resolve_device

__all__ = ["SKORCH_PARAMETER_CONSTRAINTS", "IntInterval", "TorchEstimatorMixin"]


class IntInterval(Interval):
    """An interval of integers that rejects booleans.

    ``Interval(numbers.Integral, ...)`` accepts ``True`` (a bool is an
    ``int``), which then fails deep inside torch; this constraint makes
    ``max_epochs=True`` scikit-learn's usual ``InvalidParameterError``
    naming the parameter, as any other invalid value.
    """

    def __init__(self, left, right, *, closed: str) -> None:
        super().__init__(numbers.Integral, left, right, closed=closed)

    def is_satisfied_by(self, val) -> bool:
        return not isinstance(val, (bool, np.bool_)) and super().is_satisfied_by(val)


#: Constraints of the parameters that both estimators inherit from skorch.
SKORCH_PARAMETER_CONSTRAINTS: dict[str, list] = {
    "criterion": [callable, torch.nn.Module],
    "optimizer": [callable],
    "lr": [Interval(numbers.Real, 0, None, closed="neither")],
    "max_epochs": [IntInterval(1, None, closed="left")],
    "batch_size": [
        IntInterval(1, None, closed="left"),
        Options(numbers.Integral, {-1}),
    ],
    "iterator_train": [callable],
    "iterator_valid": [callable],
    "iterator_train__shuffle": ["boolean"],
    "dataset": [callable, torch.utils.data.Dataset],
    "train_split": [callable, None],
    "callbacks": [list, StrOptions({"disable"}), None],
    "predict_nonlinearity": [callable, StrOptions({"auto"}), None],
    "warm_start": ["boolean"],
    "verbose": ["verbose"],
    "device": [str, torch.device],
    "compile": ["boolean"],
    "use_caching": ["boolean", StrOptions({"auto"})],
    "torch_load_kwargs": [dict, None],
    "random_state": ["random_state"],
    "n_threads": [IntInterval(1, None, closed="left"), None],
}


class TorchEstimatorMixin:
    """The shared policy of the package's skorch nets (see the module docstring).

    Mixed in before skorch's :class:`~skorch.NeuralNet` subclass. It owns
    ``fit`` and ``partial_fit``; a subclass implements
    :meth:`_prepare_training_data` (validate ``X`` and ``y``, fit what is
    fitted on a reset, return what skorch trains on) and runs inference
    inside :meth:`_torch_context`.
    """

    # ------------------------------------------------------------------ #
    # device: the parameter stays as given; skorch reads the resolved one #
    # ------------------------------------------------------------------ #
    @property
    def device(self) -> str | torch.device | None:
        """The device skorch computes on: ``"auto"`` resolved."""
        device = self.__dict__.get("device")
        if isinstance(device, str) and device == "auto":
            resolved = self.__dict__.get("device_")
            return str(resolved if resolved is not None else resolve_device("auto"))
        return device

    @device.setter
    def device(self, value: str | torch.device | None) -> None:
        self.__dict__["device"] = value

    def _get_param_names(self) -> list[str]:
        # skorch lists every instance attribute not ending in "_" as a
        # parameter; private state (``_rng``, ``_params_to_validate``) is not.
        return [name for name in super()._get_param_names() if not name.startswith("_")]

    def get_params(self, deep: bool = True, **kwargs) -> dict[str, Any]:
        params = super().get_params(deep=deep, **kwargs)
        params["device"] = self.__dict__.get("device")
        return params

    def set_params(self, **params):
        # skorch initialises the *current* callbacks before it assigns new
        # ones, so one invalid ``callbacks`` value would break every later
        # set_params call; fit reports the invalid value instead.
        if "callbacks" in params and not (
            self.callbacks is None
            or isinstance(self.callbacks, list)
            or self.callbacks == "disable"
        ):
            self.callbacks = None
        return super().set_params(**params)

    def __getstate__(self) -> dict[str, Any]:
        state = super().__getstate__()
        state.pop("_training_generators", None)  # a fit's, pickled mid-training
        return state

    def __setstate__(self, state: dict[str, Any]) -> None:
        device = state.get("device")
        if isinstance(device, str) and device == "auto":
            resolved = resolve_device("auto")
            super().__setstate__({**state, "device": resolved})
            self.__dict__["device"] = "auto"
            if "device_" in state:
                self.__dict__["device_"] = resolved
            return
        super().__setstate__(state)
        if "device_" in state and self.__dict__.get("device") is not None:
            # skorch maps a CUDA net to the CPU when CUDA is missing
            self.__dict__["device_"] = torch.device(self.__dict__["device"])

    def load_params(self, *args, **kwargs) -> None:
        device = self.__dict__.get("device")
        try:
            super().load_params(*args, **kwargs)
        finally:
            if isinstance(device, str) and device == "auto":
                self.__dict__["device"] = device

    # ------------------------------------------------------------------ #
    # parameters, random streams, threads                                 #
    # ------------------------------------------------------------------ #
    def _validate_hyperparameters(self) -> None:
        """Check every constrained parameter; raise sklearn's usual message."""
        params = self.get_params(deep=False)  # "device" as given, not resolved
        validate_parameter_constraints(
            self._parameter_constraints, params, caller_name=type(self).__name__
        )

    def _start_training(self, *, reset: bool) -> None:
        """Validate the parameters; on a reset, resolve the device and seed."""
        self._validate_hyperparameters()
        if reset or not hasattr(self, "_rng"):
            self.device_ = resolve_device(self.__dict__.get("device"))
            self._seed_random_stream()

    def _seed_random_stream(self) -> None:
        """Start the estimator's random stream ``_rng`` from ``random_state``.

        Every random draw of training comes from it: a seed per training
        call for the fit's torch generators, and MAMix's ``lam``.
        """
        self._rng = np.random.default_rng(draw_seed(self.random_state))

    @contextlib.contextmanager
    def _torch_context(self, *, training: bool) -> Iterator[None]:
        """Threads limited, and torch's random draws from private generators.

        Inference runs inside a :class:`PrivateGeneratorMode` with a fixed
        seed, so predictions never touch a global random state, even with a
        network that samples in evaluation mode. Training seeds the fit's
        generators from the estimator's own random stream: the package's
        own draws take them explicitly (:meth:`_generator`), and the
        network's initialisation and forward passes (with the loss) run
        inside their mode (:meth:`_private_draws`). Backward passes replay
        what the forward pass drew (dropout masks, rrelu noise) and
        optimiser updates draw nothing: both run outside the mode, which
        spares their many small operations its dispatch.
        """
        if not training:
            with limit_threads(self.n_threads), PrivateGeneratorMode(0):
                yield
            return
        self._training_generators = PrivateGeneratorMode(draw_seed(self._rng))
        try:
            with limit_threads(self.n_threads):
                yield
        finally:
            self._training_generators = None

    def _generator(self, device: str | torch.device = "cpu") -> torch.Generator | None:
        """The fit's generator for ``device``; ``None`` outside training."""
        mode = self.__dict__.get("_training_generators")
        return None if mode is None else mode.generator(device)

    def _private_draws(self) -> contextlib.AbstractContextManager:
        """Serve the block's random torch operations from the fit's generators.

        Outside training (a step called by hand), nothing changes.
        """
        mode = self.__dict__.get("_training_generators")
        return contextlib.nullcontext() if mode is None else mode

    def initialize(self):
        """Initialise the net; its random draws come from private generators."""
        if self.__dict__.get("_training_generators") is not None:
            with self._private_draws():
                return super().initialize()
        if not hasattr(self, "_rng"):
            self._seed_random_stream()
        with self._torch_context(training=True), self._private_draws():
            return super().initialize()

    def validation_step(self, batch, **fit_params):
        """skorch's validation step, its random draws from the fit's generators."""
        with self._private_draws():
            return super().validation_step(batch, **fit_params)

    # ------------------------------------------------------------------ #
    # the training path                                                   #
    # ------------------------------------------------------------------ #
    def fit(self, X, y=None, **fit_params):
        """Train from scratch (with ``warm_start``, go on from the last fit).

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features) or (n_samples, ...)
            Training rows (flattened images with ``image_shape``), or images
            of shape ``(n, H, W)``, ``(n, C, H, W)`` or, with
            ``channels_last``, ``(n, H, W, C)``; any numeric dtype.
        y : array-like of shape (n_samples,) or None
            Class labels: required by a classifier; an autoencoder needs
            them only for its ``penalty`` and ``class_loss_weight``.
        **fit_params
            Passed to skorch's ``train_split`` and to the module's
            ``forward`` (the autoencoder's network takes only the inputs).

        Returns
        -------
        self
        """
        reset = not (self.warm_start and self._fitted_on_data())
        return self._train(X, y, reset=reset, routing_method="fit", **fit_params)

    def partial_fit(self, X, y=None, classes=None, **fit_params):
        """Train for ``max_epochs`` more epochs; the first call fits from scratch.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features) or (n_samples, ...)
            Training rows or images, as in ``fit``.
        y : array-like of shape (n_samples,) or None
            Class labels, as in ``fit``.
        classes : array-like or None, default=None
            A classifier's labels, on the first call when ``y`` may lack
            some; ignored by an autoencoder.
        **fit_params
            As in ``fit``.

        Returns
        -------
        self
        """
        fit_params.pop("_routing_method", None)
        reset = not self._fitted_on_data()
        return self._train(
            X,
            y,
            reset=reset,
            routing_method="partial_fit",
            classes=classes,
            **fit_params,
        )

    def _fitted_on_data(self) -> bool:
        return bool(self.initialized_) and "n_features_in_" in self.__dict__

    def _prepare_training_data(self, X, y, *, reset: bool, classes=None):
        """Validate ``X`` and ``y`` and return what skorch trains on.

        On a reset, also fit what is learnt from the data before the
        network (input scaling, the classes, the shapes the network is sized
        from).
        """
        raise NotImplementedError

    def _train(
        self, X, y, *, reset: bool, routing_method: str, classes=None, **fit_params
    ):
        self._start_training(reset=reset)
        X, y = self._prepare_training_data(X, y, reset=reset, classes=classes)
        with self._torch_context(training=True):
            if reset:
                self.initialize()
            super().partial_fit(X, y, _routing_method=routing_method, **fit_params)
        return self

    # ------------------------------------------------------------------ #
    # callbacks and verbosity                                             #
    # ------------------------------------------------------------------ #
    @property
    def _default_callbacks(self) -> list[tuple[str, Any]]:
        callbacks = [
            ("epoch_timer", EpochTimer()),
            ("train_loss", PassthroughScoring(name="train_loss", on_train=True)),
            ("valid_loss", PassthroughScoring(name="valid_loss")),
            ("print_log", PrintLog()),
        ]
        if isinstance(self.verbose, numbers.Integral) and self.verbose >= 2:
            callbacks.append(("progress_bar", ProgressBar()))
        return callbacks

    # ------------------------------------------------------------------ #
    # batches and the training loop                                       #
    # ------------------------------------------------------------------ #
    def get_iterator(self, dataset, training: bool = False):
        """A batch iterator; :class:`TensorBatches` is given the device."""
        prefix = "iterator_train" if training else "iterator_valid"
        iterator = getattr(self, prefix)
        kwargs = self.get_params_for(prefix)
        kwargs.setdefault("batch_size", self.batch_size)
        if kwargs["batch_size"] == -1:
            kwargs["batch_size"] = len(dataset)
        if iterator is TensorBatches:
            kwargs.setdefault("device", self.device)
            if training:
                kwargs.setdefault("generator", self._generator("cpu"))
        return iterator(dataset, **kwargs)

    def run_single_epoch(self, iterator, training, prefix, step_fn, **fit_params):
        """skorch's epoch, synchronising with the device once, at its end.

        skorch records ``step["loss"].item()`` after each batch, a host-device
        synchronisation per batch on a GPU. There, each step's loss is a
        :class:`_LossOnDevice`, whose ``item()`` is the loss tensor itself,
        and the tensors the epoch recorded become numbers together once it
        ends. On the CPU there is no device to wait for, and tensors kept to
        the end of a long epoch fragment the heap (resident memory that grows
        with each batch), so skorch's ``item()`` per batch is kept; so it is
        with a progress bar (``verbose >= 2``), which shows each batch's loss.
        """
        if iterator is None:  # no validation split
            return
        if self._defers_batch_losses():
            step_fn = _losses_on_device(step_fn)
        super().run_single_epoch(iterator, training, prefix, step_fn, **fit_params)
        n_batches = self.history[-1, f"{prefix}_batch_count"]
        self._tensors_to_numbers(n_batches)
        self._check_finite_losses(prefix, n_batches)

    def notify(self, method_name: str, **cb_kwargs) -> None:
        """skorch's ``notify``; callbacks get a batch's loss as its tensor."""
        loss = cb_kwargs.get("loss")
        if isinstance(loss, _LossOnDevice):
            cb_kwargs["loss"] = loss.loss
        super().notify(method_name, **cb_kwargs)

    def _defers_batch_losses(self) -> bool:
        """Whether batch losses stay on the device until the epoch ends."""
        shows_each = isinstance(self.verbose, numbers.Integral) and self.verbose >= 2
        return not shows_each and torch.device(self.device).type != "cpu"

    def _check_finite_losses(self, prefix: str, n_batches: int) -> None:
        """Stop with a clear error once training has diverged."""
        batches = self.history[-1]["batches"][-n_batches:] if n_batches else []
        losses = [batch[f"{prefix}_loss"] for batch in batches]
        if np.isfinite(losses).all():
            return
        raise FloatingPointError(
            f"Training of {type(self).__name__} diverged: the {prefix} loss became "
            f"{next(v for v in losses if not np.isfinite(v))} in epoch "
            f"{len(self.history)}, though X is finite. Lower the learning rate "
            f"(lr={self.lr!r}) or bring the features to a smaller scale."
        )

    def _tensors_to_numbers(self, n_batches: int) -> None:
        """Turn tensors recorded in the last ``n_batches`` batches into floats."""
        if n_batches == 0:
            return
        batches = self.history[-1]["batches"][-n_batches:]
        places = [
            (batch, key)
            for batch in batches
            for key, value in batch.items()
            if isinstance(value, torch.Tensor)
        ]
        if not places:
            return
        values = torch.stack([batch[key].float().reshape(()) for batch, key in places])
        for (batch, key), value in zip(places, values.tolist(), strict=True):
            batch[key] = value


class _LossOnDevice:
    """A step's loss whose ``item()`` stays on the device (no host sync).

    skorch's ``run_single_epoch`` records ``step["loss"].item()``;
    :meth:`TorchEstimatorMixin.run_single_epoch` hands it this wrapper, so
    the history holds the detached loss tensor until the epoch ends.
    """

    __slots__ = ("loss",)

    def __init__(self, loss: torch.Tensor) -> None:
        self.loss = loss

    def item(self) -> torch.Tensor:
        return self.loss.detach()


def _losses_on_device(step_fn):
    """``step_fn`` whose step's loss is a :class:`_LossOnDevice`."""

    def step(batch, **fit_params):
        result = step_fn(batch, **fit_params)
        return {**result, "loss": _LossOnDevice(result["loss"])}

    return step
