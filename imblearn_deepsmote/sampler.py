"""DeepSMOTE: an autoencoder, an over-sampler in its latent space, and the decoder."""

from __future__ import annotations

import copy
import numbers
import warnings

import numpy as np
import torch
from imblearn.over_sampling import SMOTE
from imblearn.over_sampling.base import BaseOverSampler
from imblearn.utils import Substitution, check_target_type
from imblearn.utils._docstring import _random_state_docstring
from sklearn.base import clone
from sklearn.preprocessing import LabelEncoder, MinMaxScaler, StandardScaler
from sklearn.utils import check_random_state
from sklearn.utils._param_validation import HasMethods, Interval, StrOptions
from sklearn.utils.validation import check_is_fitted
from sklearn_compat.utils.validation import validate_data

from ._device import draw_seed, resolve_device, seeded_torch, torch_generator
from ._training import train_autoencoder
from .autoencoders import AUTOENCODERS, build_autoencoder
from .losses import PENALTY_MODES
from .transformers import resolve_image_shape

_MAX_LATENT_ROUNDS = 10
#: ``max_epochs="auto"``: rows seen in training, and the range of epochs.
AUTO_ROWS_SEEN = 180_000
AUTO_EPOCH_RANGE = (5, 50)


@Substitution(
    sampling_strategy=BaseOverSampler._sampling_strategy_docstring,
    random_state=_random_state_docstring,
)
class DeepSMOTE(BaseOverSampler):
    """Over-sample with SMOTE in the latent space of an autoencoder (DeepSMOTE).

    ``fit_resample`` trains an autoencoder on all classes (reconstruction loss,
    plus the same-class permutation penalty if ``penalty`` is set), encodes the data,
    over-samples each minority class in latent space with ``latent_sampler``
    (SMOTE by default: interpolation between a point and one of its
    ``k_neighbors`` nearest same-class neighbours) and decodes the new latent
    points. The original rows are returned unchanged, followed by the
    synthetic rows, class by class.

    Images arrive as flattened rows together with ``image_shape``; they get a
    convolutional autoencoder sized from the shape. Tabular rows get an MLP
    autoencoder. Inputs are scaled internally (each feature to ``[-1, 1]``
    for images, standardised for tabular rows), the scaling is inverted on
    decoding and decoded values are clipped to each feature's training range.

    Read more in the :ref:`User Guide <user_guide>`.

    Parameters
    ----------
    {sampling_strategy}

    {random_state}

        An int makes ``fit_resample`` deterministic on CPU; torch's global
        random state is left untouched.

    k_neighbors : int or object, default=5
        The nearest neighbours used by the default latent sampler, exactly as
        in :class:`~imblearn.over_sampling.SMOTE`: an int, or an object with
        ``kneighbors`` and ``kneighbors_graph``. A class with no more than
        ``k_neighbors`` samples uses ``n_class - 1`` neighbours, with a
        warning. Ignored when ``latent_sampler`` is given.

    image_shape : tuple of int, "square" or None, default=None
        ``(channels, height, width)`` or ``(height, width)`` when each row of
        ``X`` is a flattened image (height and width at least 8); "square"
        means ``(1, s, s)`` with ``s * s`` features. ``None`` means tabular rows.

    autoencoder : {{"auto", "conv", "mlp", "paper"}} or callable, default="auto"
        ``"auto"`` is a compact convolutional autoencoder for images and an
        MLP for tabular rows; ``"paper"`` is the paper's 28 x 28 architecture
        (13.1M weights). A callable ``(input_shape, latent_dim) -> (encoder,
        decoder)`` supplies your own modules; see
        :func:`~imblearn_deepsmote.autoencoders.build_autoencoder` for the
        contract.

    latent_dim : int or "auto", default="auto"
        Size of the latent code. ``"auto"`` is 32 for images (300 for the
        paper's architecture) and ``ceil(n_features / 2)`` clipped to
        ``[1, 32]`` for tabular rows.

    latent_sampler : imblearn over-sampler or None, default=None
        The over-sampler run in latent space, one minority class at a time
        (``BorderlineSMOTE``, ``ADASYN``, ``SVMSMOTE``, ``KMeansSMOTE``,
        ``RandomOverSampler(shrinkage=...)``, ...). Its ``sampling_strategy``
        and ``random_state`` are set by DeepSMOTE. ``None`` is
        ``SMOTE(k_neighbors=k_neighbors)``, which is DeepSMOTE.

    max_epochs : int or "auto", default="auto"
        Maximum number of training epochs. ``"auto"`` sizes the budget by the
        number of rows ``n``: ``ceil(180_000 / n)`` epochs, at least 5 and at
        most 50, so that small datasets train 50 epochs and larger ones see
        about 180,000 rows in all (see :ref:`training_budget`). The resolved
        value is `max_epochs_`.

    batch_size : int, default=64
        Mini-batch size for training, encoding and decoding.

    lr : float, default=1e-3
        Learning rate of the Adam optimiser.

    penalty : {{"paper", "reference"}} or None, default=None
        The permutation penalty: ``"paper"`` compares decoded permuted latent
        codes of a same-class batch with the images in their original order
        (the paper's Algorithm 1); ``"reference"`` is the released code's
        reading (both sides shifted and latent codes detached, so a
        decoder-only reconstruction loss on a same-class batch); ``None``
        trains on the reconstruction loss alone. ``None`` is the default
        because it measured best and trains twice as fast: on MNIST at
        imbalance ratio 100 (1,800 images, 5 seeds, a small CNN downstream)
        balanced accuracy was 0.876 with ``None``, 0.864 with
        ``"reference"``, 0.821 with ``"paper"`` (3 seeds; it pulls decoded
        images towards the class mean, so they blur) and 0.855 for pixel
        SMOTE. ``penalty="paper"`` or ``"reference"`` reproduce the paper or
        its released code.

    penalty_weight : float, default=1.0
        Weight of the penalty in the training loss.

    class_loss_weight : float, default=0.0
        Weight of an auxiliary cross-entropy loss from a linear classifier
        on the latent code, which shapes the latent space by the labels so
        that a point's nearest same-class neighbours, and the segment between
        them, stay inside its class. ``0`` trains the plain DeepSMOTE loss.

    tol : float, default=1e-3
        Relative improvement of the reconstruction loss that counts as
        progress.

    n_iter_no_change : int or None, default=5
        Stop once the epoch's reconstruction loss has not improved by a
        relative ``tol`` for this many epochs; ``None`` always trains
        `max_epochs_` epochs.

    device : str, default="auto"
        ``"auto"`` uses CUDA when available and the CPU otherwise; ``"cpu"``,
        ``"cuda"`` and ``"cuda:N"`` are accepted.

    mixed_precision : bool, default=False
        Train under ``torch.autocast`` with bfloat16: for GPUs with bfloat16
        support, and CPUs with native bfloat16 instructions (AVX-512 BF16 or
        AMX), where the default image autoencoder trained 1.4 times faster
        (:ref:`benchmarks`); elsewhere on a CPU it can be slower.

    verbose : int, default=0
        Show a progress bar over epochs with the current losses.

    Attributes
    ----------
    sampling_strategy_ : dict
        Number of samples generated per class.

    autoencoder_ : torch.nn.Module
        The trained autoencoder, with ``encoder`` and ``decoder`` sub-modules.

    latent_sampler_ : imblearn over-sampler
        The latent sampler as configured (before per-class settings).

    max_epochs_ : int
        The epoch budget of the last fit (``max_epochs``, resolved).

    history_ : list of dict
        Per-epoch mean ``reconstruction_loss``, ``penalty_loss``,
        ``class_loss`` and their weighted sum ``loss``.

    latent_dim_ : int
        The resolved latent size.

    latent_codes_ : ndarray of shape (n_samples, `latent_dim_`)
        Latent codes of the training rows, reused by :meth:`generate`.

    input_shape_ : tuple of int
        Shape of one sample as the autoencoder sees it.

    device_ : torch.device
        The device the autoencoder was trained on.

    n_features_in_ : int
        Number of features in the input dataset.

    feature_names_in_ : ndarray of shape (`n_features_in_`,)
        Names of features seen during ``fit``, when ``X`` has string column
        names.

    See Also
    --------
    imblearn.over_sampling.SMOTE : SMOTE in the input space.

    Notes
    -----
    Dablain, Krawczyk, Chawla, "DeepSMOTE: Fusing Deep Learning and SMOTE for
    Imbalanced Data", IEEE TNNLS 34(9), 2023, doi:10.1109/TNNLS.2021.3136503.

    Examples
    --------
    >>> from collections import Counter
    >>> from sklearn.datasets import make_classification
    >>> from imblearn_deepsmote import DeepSMOTE
    >>> X, y = make_classification(n_samples=300, weights=[0.9], random_state=0)
    >>> sorted(Counter(y.tolist()).items())
    [(0, 269), (1, 31)]
    >>> sampler = DeepSMOTE(max_epochs=5, random_state=0, device="cpu")
    >>> X_res, y_res = sampler.fit_resample(X, y)
    >>> sorted(Counter(y_res.tolist()).items())
    [(0, 269), (1, 269)]
    >>> bool((X_res[:300] == X).all())
    True
    """

    _parameter_constraints: dict = {
        **BaseOverSampler._parameter_constraints,
        "k_neighbors": [
            Interval(numbers.Integral, 1, None, closed="left"),
            HasMethods(["kneighbors", "kneighbors_graph"]),
        ],
        "image_shape": [tuple, list, StrOptions({"square"}), None],
        "autoencoder": [StrOptions(set(AUTOENCODERS)), callable],
        "latent_dim": [
            Interval(numbers.Integral, 1, None, closed="left"),
            StrOptions({"auto"}),
        ],
        "latent_sampler": [HasMethods(["fit_resample"]), None],
        "max_epochs": [
            Interval(numbers.Integral, 1, None, closed="left"),
            StrOptions({"auto"}),
        ],
        "batch_size": [Interval(numbers.Integral, 2, None, closed="left")],
        "lr": [Interval(numbers.Real, 0, None, closed="neither")],
        "penalty": [StrOptions(set(PENALTY_MODES)), None],
        "penalty_weight": [Interval(numbers.Real, 0, None, closed="left")],
        "class_loss_weight": [Interval(numbers.Real, 0, None, closed="left")],
        "tol": [Interval(numbers.Real, 0, None, closed="left")],
        "n_iter_no_change": [Interval(numbers.Integral, 1, None, closed="left"), None],
        "device": [str, torch.device],
        "mixed_precision": ["boolean"],
        "verbose": ["verbose"],
    }

    def __init__(
        self,
        *,
        sampling_strategy="auto",
        random_state=None,
        k_neighbors=5,
        image_shape=None,
        autoencoder="auto",
        latent_dim="auto",
        latent_sampler=None,
        max_epochs="auto",
        batch_size=64,
        lr=1e-3,
        penalty=None,
        penalty_weight=1.0,
        class_loss_weight=0.0,
        tol=1e-3,
        n_iter_no_change=5,
        device="auto",
        mixed_precision=False,
        verbose=0,
    ):
        super().__init__(sampling_strategy=sampling_strategy)
        self.random_state = random_state
        self.k_neighbors = k_neighbors
        self.image_shape = image_shape
        self.autoencoder = autoencoder
        self.latent_dim = latent_dim
        self.latent_sampler = latent_sampler
        self.max_epochs = max_epochs
        self.batch_size = batch_size
        self.lr = lr
        self.penalty = penalty
        self.penalty_weight = penalty_weight
        self.class_loss_weight = class_loss_weight
        self.tol = tol
        self.n_iter_no_change = n_iter_no_change
        self.device = device
        self.mixed_precision = mixed_precision
        self.verbose = verbose

    def _check_X_y(self, X, y):
        y, binarize_y = check_target_type(y, indicate_one_vs_all=True)
        X, y = validate_data(
            self,
            X=X,
            y=y,
            reset=True,
            accept_sparse=False,
            dtype=[np.float64, np.float32],
        )
        return X, y, binarize_y

    def _fit_resample(self, X, y):
        X = np.ascontiguousarray(X)  # same floating-point sums for any memory layout
        counts = dict(zip(*np.unique(y, return_counts=True), strict=True))
        for label, n_new in self.sampling_strategy_.items():
            if n_new > 0 and counts[label] < 2:
                raise ValueError(
                    f"Class {_python(label)!r} has {counts[label]} sample; DeepSMOTE "
                    "needs at least 2 samples of each class it over-samples."
                )
        image_shape = resolve_image_shape(self.image_shape, X.shape[1])
        self.input_shape_ = image_shape or (X.shape[1],)
        self.device_ = resolve_device(self.device)
        self.latent_dim_ = self._resolve_latent_dim()
        self.max_epochs_ = (
            auto_epochs(len(X)) if self.max_epochs == "auto" else self.max_epochs
        )
        self.latent_sampler_ = self._default_latent_sampler()
        self._dtype = X.dtype

        random_state = check_random_state(self.random_state)
        seed = draw_seed(random_state)
        self._scaler = MinMaxScaler((-1, 1)) if image_shape else StandardScaler()
        X_scaled = self._scaler.fit_transform(X)
        self._feature_min, self._feature_max = X.min(axis=0), X.max(axis=0)
        self._fit_autoencoder(X_scaled, LabelEncoder().fit_transform(y), seed)
        self.latent_codes_, self._y_fit = self._encode_scaled(X_scaled), y
        new_latent, new_labels = [], []
        for label, n_new in self.sampling_strategy_.items():
            if n_new > 0:
                new_latent.append(self._sample_latent(label, n_new, random_state))
                new_labels.append(np.full(len(new_latent[-1]), label, dtype=y.dtype))
        new_latent = np.concatenate(
            [np.empty((0, self.latent_dim_), np.float32), *new_latent]
        )
        X_resampled = np.empty((len(X) + len(new_latent), X.shape[1]), dtype=X.dtype)
        X_resampled[: len(X)] = X
        self._decode_into(new_latent, X_resampled[len(X) :])
        return X_resampled, np.concatenate([y, *new_labels])

    def _fit_autoencoder(self, X_scaled, y_codes, seed) -> None:
        """Build and train ``autoencoder_`` (and its latent class head, if any)."""
        with seeded_torch(seed, self.device_):
            self.autoencoder_ = build_autoencoder(
                self.autoencoder, self.input_shape_, self.latent_dim_
            ).to(self.device_)
            class_head = None
            if self.class_loss_weight > 0:
                n_classes = int(y_codes.max()) + 1
                class_head = torch.nn.Linear(self.latent_dim_, n_classes)
                class_head = class_head.to(self.device_)
        self.history_ = train_autoencoder(
            self.autoencoder_,
            self._as_model_input(X_scaled),
            y_codes,
            penalty=self.penalty,
            penalty_weight=self.penalty_weight,
            class_head=class_head,
            class_loss_weight=self.class_loss_weight,
            max_epochs=self.max_epochs_,
            batch_size=self.batch_size,
            lr=self.lr,
            tol=self.tol,
            n_iter_no_change=self.n_iter_no_change,
            mixed_precision=self.mixed_precision,
            generator=torch_generator(seed),
            device=self.device_,
            verbose=self.verbose,
        )

    def _resolve_latent_dim(self) -> int:
        if self.latent_dim != "auto":
            return self.latent_dim
        if len(self.input_shape_) == 3:
            return 300 if self.autoencoder == "paper" else 32
        return int(np.clip(np.ceil(self.input_shape_[0] / 2), 1, 32))

    def _default_latent_sampler(self):
        if self.latent_sampler is None:
            return SMOTE(k_neighbors=self.k_neighbors)
        return self.latent_sampler

    def _sample_latent(self, label, n_new, random_state) -> np.ndarray:
        """Draw exactly ``n_new`` latent points of class ``label``.

        SMOTE-like samplers make exactly the number asked for. Samplers whose
        count is approximate (ADASYN and KMeansSMOTE round per sample or per
        cluster, and ADASYN makes nothing for tiny requests) are asked for at
        least a class's worth per round, until there are enough; a random
        subset, in drawing order, is kept.
        """
        latent, y = self.latent_codes_, self._y_fit
        n_class = int(np.sum(y == label))
        sampler = clone(self.latent_sampler_).set_params(sampling_strategy={})
        _clip_neighbors(sampler, n_class, label)
        drawn, n_drawn = [], 0
        for round_ in range(_MAX_LATENT_ROUNDS):
            # the first round asks for exactly n_new; top-ups ask for enough
            request = n_new if round_ == 0 else max(n_new - n_drawn, n_class)
            sampler.set_params(
                sampling_strategy={label: n_class + request},
                random_state=random_state.randint(np.iinfo(np.int32).max),
            )
            try:
                latent_resampled, _ = sampler.fit_resample(latent, y)
            except ValueError as exc:  # ADASYN rounds small requests to nothing
                if "No samples will be generated" not in str(exc):
                    raise
                continue
            drawn.append(latent_resampled[len(latent) :])
            n_drawn += len(drawn[-1])
            if n_drawn >= n_new:
                break
        else:
            raise RuntimeError(
                f"The latent sampler {type(sampler).__name__} made {n_drawn} of the "
                f"{n_new} samples asked for class {_python(label)!r} in "
                f"{_MAX_LATENT_ROUNDS} rounds. Samplers that only generate near "
                "other classes (e.g. BorderlineSMOTE, when a class has no "
                "borderline points in the latent space) can make none; use SMOTE "
                "(latent_sampler=None) or sampling_strategy to skip that class."
            )
        new = np.concatenate(drawn).astype(np.float32, copy=False)
        if len(new) > n_new:
            new = new[np.sort(random_state.choice(len(new), n_new, replace=False))]
        return new

    def _as_model_input(self, X_scaled: np.ndarray) -> np.ndarray:
        return np.ascontiguousarray(X_scaled, dtype=np.float32).reshape(
            -1, *self.input_shape_
        )

    def _module_device(self) -> torch.device:
        return next(self.autoencoder_.parameters()).device

    @torch.no_grad()
    def _encode_scaled(self, X_scaled: np.ndarray) -> np.ndarray:
        self.autoencoder_.eval()
        inputs = self._as_model_input(X_scaled)
        latent = np.empty((len(inputs), self.latent_dim_), dtype=np.float32)
        device = self._module_device()
        for start in range(0, len(inputs), self.batch_size):
            batch = torch.from_numpy(inputs[start : start + self.batch_size]).to(device)
            latent[start : start + len(batch)] = (
                self.autoencoder_.encoder(batch).cpu().numpy()
            )
        return latent

    @torch.no_grad()
    def _decode_into(self, latent: np.ndarray, out: np.ndarray) -> None:
        """Decode ``latent`` in batches into the rows of ``out``, in original scale."""
        self.autoencoder_.eval()
        device = self._module_device()
        latent = np.ascontiguousarray(latent, dtype=np.float32)
        for start in range(0, len(latent), self.batch_size):
            batch = torch.from_numpy(latent[start : start + self.batch_size]).to(device)
            decoded = self.autoencoder_.decoder(batch).flatten(1).cpu().numpy()
            rows = self._scaler.inverse_transform(
                decoded.astype(self._dtype, copy=False)
            )
            out[start : start + len(batch)] = np.clip(
                rows, self._feature_min, self._feature_max
            )

    def encode(self, X) -> np.ndarray:
        """Encode rows of ``X`` into the latent space of the fitted autoencoder.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            Rows in the original feature space (flattened images when
            ``image_shape`` is set).

        Returns
        -------
        ndarray of shape (n_samples, `latent_dim_`), dtype float32
            The latent codes.
        """
        check_is_fitted(self, "autoencoder_")
        X = validate_data(self, X=X, reset=False, dtype=[np.float64, np.float32])
        return self._encode_scaled(self._scaler.transform(X))

    def decode(self, latent) -> np.ndarray:
        """Decode latent codes into rows of the original feature space.

        Parameters
        ----------
        latent : array-like of shape (n_samples, `latent_dim_`)
            Latent codes, e.g. from :meth:`encode`.

        Returns
        -------
        ndarray of shape (n_samples, `n_features_in_`)
            Decoded rows, in the dtype of the data seen by ``fit_resample``
            and clipped to each feature's training range.
        """
        check_is_fitted(self, "autoencoder_")
        latent = np.asarray(latent, dtype=np.float32)
        if latent.ndim != 2 or latent.shape[1] != self.latent_dim_:
            raise ValueError(
                f"latent must have shape (n_samples, {self.latent_dim_}); "
                f"got {latent.shape}."
            )
        out = np.empty((len(latent), self.n_features_in_), dtype=self._dtype)
        self._decode_into(latent, out)
        return out

    def generate(self, n_samples: int, target_class, random_state=None) -> np.ndarray:
        """Generate new samples of one class from the fitted autoencoder.

        The latent sampler runs again on the latent codes of the training data,
        so this costs no retraining: ask for as many samples as you need.

        Parameters
        ----------
        n_samples : int
            Number of samples to generate.
        target_class : label
            A class seen by ``fit_resample``, with at least 2 samples.
        random_state : int, RandomState instance or None, default=None
            Seed of the latent sampler's draws.

        Returns
        -------
        ndarray of shape (n_samples, `n_features_in_`)
            New rows, in the dtype of the data seen by ``fit_resample``.

        Examples
        --------
        >>> from sklearn.datasets import make_classification
        >>> from imblearn_deepsmote import DeepSMOTE
        >>> X, y = make_classification(n_samples=100, weights=[0.9], random_state=0)
        >>> sampler = DeepSMOTE(max_epochs=2, random_state=0, device="cpu")
        >>> _ = sampler.fit_resample(X, y)
        >>> sampler.generate(7, target_class=1, random_state=0).shape
        (7, 20)
        """
        check_is_fitted(self, "autoencoder_")
        n_class = int(np.sum(self._y_fit == target_class))
        if n_class < 2:
            raise ValueError(
                f"target_class={_python(target_class)!r} has {n_class} training "
                "samples; generate needs a class seen by fit_resample with at least 2."
            )
        if not isinstance(n_samples, numbers.Integral) or n_samples < 1:
            raise ValueError(f"n_samples must be a positive int; got {n_samples!r}.")
        latent = self._sample_latent(
            target_class, n_samples, check_random_state(random_state)
        )
        return self.decode(latent)

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.sparse = False
        tags.input_tags.allow_nan = False
        return tags

    def __getstate__(self):
        """Pickle the autoencoder on the CPU so that it loads on any machine."""
        state = self.__dict__.copy()
        if "autoencoder_" in state and self._module_device().type != "cpu":
            state["autoencoder_"] = _cpu_copy(self.autoencoder_)
        return state


def auto_epochs(n_samples: int) -> int:
    """The epoch budget of ``max_epochs="auto"`` for ``n_samples`` training rows.

    ``ceil(AUTO_ROWS_SEEN / n_samples)`` clipped to ``AUTO_EPOCH_RANGE``: 50
    epochs up to 3,600 rows, then about 180,000 rows seen in all, and at
    least 5 epochs from 36,000 rows on.

    Examples
    --------
    >>> from imblearn_deepsmote.sampler import auto_epochs
    >>> [auto_epochs(n) for n in (300, 1_800, 9_000, 60_000)]
    [50, 50, 20, 5]
    """
    low, high = AUTO_EPOCH_RANGE
    return int(np.clip(-(-AUTO_ROWS_SEEN // n_samples), low, high))


def _cpu_copy(module: torch.nn.Module) -> torch.nn.Module:
    """A CPU copy of ``module``, made without a second copy on its device."""
    memo = {
        id(p): torch.nn.Parameter(p.detach().cpu(), requires_grad=p.requires_grad)
        for p in module.parameters()
    }
    memo.update({id(b): b.cpu() for b in module.buffers()})
    return copy.deepcopy(module, memo)


def _clip_neighbors(sampler, n_class: int, label) -> None:
    """Use fewer neighbours than asked for when a class is too small, with a warning."""
    k = sampler.get_params().get("k_neighbors")
    if isinstance(k, numbers.Integral) and k >= n_class:
        warnings.warn(
            f"Class {_python(label)!r} has {n_class} samples, fewer than "
            f"k_neighbors + 1 = {k + 1}; using k_neighbors={n_class - 1} for it.",
            UserWarning,
            stacklevel=4,
        )
        sampler.set_params(k_neighbors=n_class - 1)
    elif hasattr(k, "n_neighbors") and k.n_neighbors > n_class:
        warnings.warn(
            f"Class {_python(label)!r} has {n_class} samples, fewer than the "
            f"{k.n_neighbors} neighbours asked for; using {n_class} for it.",
            UserWarning,
            stacklevel=4,
        )
        sampler.set_params(k_neighbors=clone(k).set_params(n_neighbors=n_class))


def _python(label):
    """A numpy scalar label as the plain Python value users wrote."""
    return label.item() if isinstance(label, np.generic) else label
