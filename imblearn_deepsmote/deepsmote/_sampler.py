"""DeepSMOTE: an autoencoder, an over-sampler in its latent space, and the decoder."""

from __future__ import annotations

import numbers
import warnings

import numpy as np
import torch
from imblearn.over_sampling import SMOTE
from imblearn.over_sampling.base import BaseOverSampler
from imblearn.utils import Substitution, check_neighbors_object, check_target_type
from imblearn.utils._docstring import _random_state_docstring
from sklearn.base import clone
from sklearn.exceptions import NotFittedError
from sklearn.frozen import FrozenEstimator
from sklearn.neighbors import NearestNeighbors
from sklearn.utils import check_random_state
from sklearn.utils._param_validation import HasMethods, Interval, StrOptions
from sklearn.utils.validation import check_is_fitted
from sklearn_compat.utils.validation import validate_data

from ..utils._images import array_shape
from ..utils._torch import draw_seed
from ._autoencoder import Autoencoder
from ._losses import PENALTY_MODES
from ._networks import NETWORKS

__all__ = ["DeepSMOTE"]

_MAX_LATENT_ROUNDS = 10
#: Rows decoded at a time into the output array.
_DECODE_CHUNK = 4096
#: ``latent_noise="auto"`` for images (tabular rows get none).
AUTO_LATENT_NOISE = 0.75
#: The parameters DeepSMOTE hands to the Autoencoder it builds.
_AUTOENCODER_PARAMS = (
    "image_shape",
    "channels_last",
    "latent_dim",
    "max_epochs",
    "batch_size",
    "lr",
    "penalty",
    "penalty_weight",
    "class_loss_weight",
    "tol",
    "n_iter_no_change",
    "device",
    "n_threads",
    "mixed_precision",
    "verbose",
)


@Substitution(
    sampling_strategy=BaseOverSampler._sampling_strategy_docstring,
    random_state=_random_state_docstring,
)
class DeepSMOTE(BaseOverSampler):
    """Over-sample with SMOTE in the latent space of an autoencoder (DeepSMOTE).

    ``fit_resample`` trains an :class:`~imblearn_deepsmote.Autoencoder` on
    all classes (``autoencoder_``; reconstruction loss, plus the same-class
    permutation penalty if ``penalty`` is set), encodes the data,
    over-samples each minority class in latent space with
    ``latent_sampler`` (SMOTE by default: interpolation between a point and
    one of its ``k_neighbors`` nearest same-class neighbours) and decodes
    the new latent points. The original rows are returned unchanged,
    followed by the synthetic rows, class by class.

    Images arrive as arrays of shape ``(n, H, W)`` or ``(n, C, H, W)``, or as
    flattened rows together with ``image_shape``; they get a convolutional
    autoencoder sized from the shape, and the resampled images keep the
    input's layout and dtype (integer pixels are rounded). Tabular rows get
    an MLP autoencoder. Inputs are scaled inside the autoencoder (each pixel to
    ``[-1, 1]`` for images, standardised for tabular rows), the scaling is
    inverted on decoding and decoded values are clipped to each feature's
    training range.

    ``autoencoder`` also takes an :class:`~imblearn_deepsmote.Autoencoder`:
    an unfitted one is cloned and trained (its own parameters then replace
    DeepSMOTE's ``image_shape`` ... ``verbose``), a fitted one (or one
    wrapped in :class:`~sklearn.frozen.FrozenEstimator`, which survives the
    cloning done by grid searches) is used as it is, without training.

    Read more in the :ref:`User Guide <user_guide>`.

    Parameters
    ----------
    {sampling_strategy}

    {random_state}

        An int makes ``fit_resample`` deterministic on CPU, in any thread;
        torch's global random state is never used. It also seeds the
        autoencoder that DeepSMOTE trains (its ``random_state`` is set).

    k_neighbors : int or object, default=5
        The nearest neighbours used by the default latent sampler, exactly as
        in :class:`~imblearn.over_sampling.SMOTE`: an int, or an object with
        ``kneighbors`` and ``kneighbors_graph``. A class with no more than
        ``k_neighbors`` samples uses ``n_class - 1`` neighbours, with a
        warning. Ignored when ``latent_sampler`` is given.

    image_shape : tuple of int, "square" or None, default=None
        ``(channels, height, width)`` or ``(height, width)`` when each row of
        ``X`` is a flattened image (height and width at least 8); "square"
        means ``(1, s, s)`` with ``s * s`` features. ``None`` means tabular
        rows, or images whose shape ``X`` gives: ``(n, H, W)`` and
        ``(n, C, H, W)`` arrays are images, and the resampled ``X`` comes
        back in the same layout.

    channels_last : bool, default=False
        Whether the channels of the images come last: ``(n, H, W, C)``
        arrays, or rows flattened from that order (``image_shape`` is still
        ``(C, H, W)``). DeepSMOTE never guesses the order.

    autoencoder : {{"auto", "conv", "mlp", "paper"}}, callable or Autoencoder, \
default="auto"
        The autoencoder. A name or a callable is the network of the
        :class:`~imblearn_deepsmote.Autoencoder` that DeepSMOTE builds from
        its own parameters (its ``module``): ``"auto"`` is a compact
        convolutional autoencoder for images and an MLP for tabular rows;
        ``"paper"`` is the paper's 28 x 28 architecture (13.1M weights); a
        callable ``(input_shape, latent_dim) -> (encoder, decoder)`` supplies
        your own modules (see
        :func:`~imblearn_deepsmote.deepsmote.build_network`). An
        ``Autoencoder`` estimator is cloned and trained, or reused as it is
        when already fitted.

    latent_dim : int or "auto", default="auto"
        Size of the latent code. ``"auto"`` is 32 for images (300 for the
        paper's architecture) and ``ceil(n_features / 2)`` clipped to
        ``[1, 32]`` for tabular rows.

    latent_sampler : imblearn over-sampler or None, default=None
        The over-sampler run in latent space, one minority class at a time
        (``BorderlineSMOTE``, ``ADASYN``, ``SVMSMOTE``, ``KMeansSMOTE``,
        ``RandomOverSampler(shrinkage=...)``, ...). Its ``sampling_strategy``
        and ``random_state`` are set by DeepSMOTE. ``None`` is
        ``SMOTE(k_neighbors=k_neighbors)``, which is DeepSMOTE; DeepSMOTE
        then runs SMOTE's interpolation itself, so that it knows the two
        codes each new one is made from (see ``decoding``).

    latent_noise : float or "auto", default="auto"
        Gaussian noise added to every new latent code, per dimension, as a
        multiple of the spread of the training codes around their class
        means (their within-class standard deviation, pooled over classes).
        It adds variation that interpolation between a class's few samples
        cannot reach: decoded, it varies stroke and style the way the other
        classes vary. ``"auto"`` is 0.75 for images and 0 for tabular rows,
        where noise of the majority's spread moves new rows away from their
        class (see :ref:`quality_levers`); the value used is
        ``latent_noise_``.

    decoding : {{"residual", "direct"}}, default="residual"
        How new codes become samples. ``"direct"`` decodes them, as in the
        paper. ``"residual"`` adds to each decoded sample the reconstruction
        residuals ``x - decode(encode(x))`` of the real samples it was made
        from, interpolated as its code was (with the default latent sampler;
        with another one, the residual of the real sample of its class whose
        code is nearest): detail that the autoencoder does not reconstruct
        is kept, so a poor autoencoder cannot pull new samples towards the
        majority (with one that reconstructs nothing, the samples are
        pixel-space SMOTE's). Values are then clipped to each feature's
        training range. :meth:`decode` always decodes directly.

    max_epochs : int or "auto", default="auto"
        Maximum number of training epochs. ``"auto"`` sizes the budget by the
        number of rows ``n``: ``ceil(180_000 / n)`` epochs, at least 5 and at
        most 20 (see :ref:`training_budget`); the value used is
        ``autoencoder_.max_epochs_``.

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
        trains on the reconstruction loss alone. See :ref:`penalty` for how
        the three compare.

    penalty_weight : float, default=1.0
        Weight of the penalty in the training loss.

    class_loss_weight : float, default=0.0
        Weight of an auxiliary cross-entropy loss from a linear classifier
        on the latent code, which shapes the latent space by the labels
        so that a point's nearest same-class neighbours, and the segment
        between them, stay inside its class. ``0`` trains the plain
        DeepSMOTE loss.

    tol : float, default=1e-3
        Relative improvement of the reconstruction loss that counts as
        progress.

    n_iter_no_change : int or None, default=5
        Stop once the epoch's reconstruction loss has not improved by a
        relative ``tol`` for this many epochs; ``None`` always trains the
        whole epoch budget.

    device : str, default="auto"
        ``"auto"`` uses CUDA when available and the CPU otherwise; ``"cpu"``,
        ``"cuda"`` and ``"cuda:N"`` are accepted.

    n_threads : int or None, default=1
        torch CPU threads used while training and decoding, in the calling
        thread only; ``None`` uses torch's setting (see :ref:`speed`).

    mixed_precision : bool, default=False
        Train under ``torch.autocast`` with bfloat16: for GPUs with bfloat16
        support, and CPUs with native bfloat16 instructions (AVX-512 BF16 or
        AMX); elsewhere on a CPU it can be slower (see :ref:`speed`).

    verbose : int, default=0
        0 prints nothing, 1 one line per training epoch and why training
        stopped, 2 also a progress bar within each epoch.

    Attributes
    ----------
    sampling_strategy_ : dict
        Number of samples generated per class.

    autoencoder_ : Autoencoder
        The trained (or reused) autoencoder; its ``history_``,
        ``max_epochs_``, ``latent_dim_``, ``image_shape_`` and ``device_``
        describe the training.

    latent_sampler_ : imblearn over-sampler
        The latent sampler as configured (before per-class settings).

    latent_codes_ : ndarray of shape (n_samples, latent_dim)
        Latent codes of the training rows, reused by :meth:`generate`.

    latent_noise_ : float
        The latent noise used (``latent_noise`` with ``"auto"`` resolved).

    n_features_in_ : int
        Number of features in the input dataset.

    feature_names_in_ : ndarray of shape (`n_features_in_`,)
        Names of features seen during ``fit``, when ``X`` has string column
        names.

    See Also
    --------
    Autoencoder : The autoencoder, as a transformer of its own.
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
        "channels_last": ["boolean"],
        "autoencoder": [
            StrOptions(set(NETWORKS)),
            HasMethods(["fit", "transform", "inverse_transform"]),
            callable,
        ],
        "latent_dim": [
            Interval(numbers.Integral, 1, None, closed="left"),
            StrOptions({"auto"}),
        ],
        "latent_sampler": [HasMethods(["fit_resample"]), None],
        "latent_noise": [
            Interval(numbers.Real, 0, None, closed="left"),
            StrOptions({"auto"}),
        ],
        "decoding": [StrOptions({"direct", "residual"})],
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
        "n_threads": [Interval(numbers.Integral, 1, None, closed="left"), None],
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
        channels_last=False,
        autoencoder="auto",
        latent_dim="auto",
        latent_sampler=None,
        latent_noise="auto",
        decoding="residual",
        max_epochs="auto",
        batch_size=64,
        lr=1e-3,
        penalty=None,
        penalty_weight=1.0,
        class_loss_weight=0.0,
        tol=1e-3,
        n_iter_no_change=5,
        device="auto",
        n_threads=1,
        mixed_precision=False,
        verbose=0,
    ):
        super().__init__(sampling_strategy=sampling_strategy)
        self.random_state = random_state
        self.k_neighbors = k_neighbors
        self.image_shape = image_shape
        self.channels_last = channels_last
        self.autoencoder = autoencoder
        self.latent_dim = latent_dim
        self.latent_sampler = latent_sampler
        self.latent_noise = latent_noise
        self.decoding = decoding
        self.max_epochs = max_epochs
        self.batch_size = batch_size
        self.lr = lr
        self.penalty = penalty
        self.penalty_weight = penalty_weight
        self.class_loss_weight = class_loss_weight
        self.tol = tol
        self.n_iter_no_change = n_iter_no_change
        self.device = device
        self.n_threads = n_threads
        self.mixed_precision = mixed_precision
        self.verbose = verbose

    def _check_X_y(self, X, y):
        y, binarize_y = check_target_type(y, indicate_one_vs_all=True)
        shape = array_shape(X)
        images = len(shape) > 2  # (n, H, W), (n, C, H, W) or (n, H, W, C) arrays
        rows = np.asarray(X).reshape(shape[0], -1) if images else X
        # any numeric dtype is kept: originals come back bit for bit
        rows, y = validate_data(
            self, X=rows, y=y, reset=True, accept_sparse=False, dtype="numeric"
        )
        return (rows.reshape(shape) if images else rows), y, binarize_y

    def _fit_resample(self, X, y):
        X = np.ascontiguousarray(X)  # same floating-point sums for any memory layout
        counts = dict(zip(*np.unique(y, return_counts=True), strict=True))
        for label, n_new in self.sampling_strategy_.items():
            if n_new > 0 and counts[label] < 2:
                raise ValueError(
                    f"Class {_python(label)!r} has {counts[label]} sample; DeepSMOTE "
                    "needs at least 2 samples of each class it over-samples."
                )
        random_state = check_random_state(self.random_state)
        self.autoencoder_ = self._fitted_autoencoder(X, y, draw_seed(random_state))
        self.latent_sampler_ = self._default_latent_sampler()
        self.latent_codes_ = np.asarray(self.autoencoder_.transform(X), np.float32)
        self._y_fit, self._dtype, self._sample_shape = y, X.dtype, X.shape[1:]
        self._latent_spread = _within_class_std(self.latent_codes_, y)
        self.latent_noise_ = self.latent_noise
        if self.latent_noise == "auto":
            images = self.autoencoder_.image_shape_ is not None
            self.latent_noise_ = AUTO_LATENT_NOISE if images else 0.0
        self._data_range = (X.min(axis=0), X.max(axis=0))
        blocks = [
            (label, *self._new_codes(label, n_new, random_state))
            for label, n_new in self.sampling_strategy_.items()
            if n_new > 0
        ]
        self._residuals = {}
        if self.decoding == "residual":
            for label, *_ in blocks:
                members = y == label
                decoded = np.asarray(
                    self.autoencoder_.inverse_transform(self.latent_codes_[members])
                )
                self._residuals[label] = X[members].astype(
                    np.float32
                ) - decoded.reshape(X[members].shape)
        new_labels = [np.full(len(codes), label, y.dtype) for label, codes, _ in blocks]
        n_new = sum(map(len, new_labels))
        X_resampled = np.empty((len(X) + n_new, *X.shape[1:]), dtype=X.dtype)
        X_resampled[: len(X)] = X
        self._decode_into(blocks, X_resampled[len(X) :])
        return X_resampled, np.concatenate([y, *new_labels])

    def _fitted_autoencoder(self, X, y, seed: int) -> Autoencoder:
        """The autoencoder to over-sample with: reused when fitted, else trained."""
        autoencoder = self.autoencoder
        if not hasattr(autoencoder, "inverse_transform"):
            params = {name: getattr(self, name) for name in _AUTOENCODER_PARAMS}
            return Autoencoder(module=autoencoder, random_state=seed, **params).fit(
                X, y
            )
        try:
            check_is_fitted(autoencoder)
        except NotFittedError:
            return clone(autoencoder).set_params(random_state=seed).fit(X, y)
        if isinstance(autoencoder, FrozenEstimator):
            autoencoder = autoencoder.estimator
        n_features = getattr(autoencoder, "n_features_in_", X.shape[1])
        if n_features != X.shape[1]:
            raise ValueError(
                f"The fitted autoencoder was trained on {n_features} features but X "
                f"has {X.shape[1]}."
            )
        return autoencoder

    def _default_latent_sampler(self):
        if self.latent_sampler is None:
            return SMOTE(k_neighbors=self.k_neighbors)
        return self.latent_sampler

    def _new_codes(self, label, n_new: int, random_state):
        """``n_new`` latent codes of class ``label``, noised, and their sources.

        The sources ``(anchors, partners, gaps)`` say which two codes of the
        class (indices among its members) each new code is made from, and
        where between them it lies: with the default latent sampler,
        DeepSMOTE runs SMOTE's interpolation itself and knows them. With
        another sampler, and residual decoding, both ends are the real code
        nearest to the new one (gap 0); otherwise the sources are ``None``.
        """
        members = self.latent_codes_[self._y_fit == label]
        if self.latent_sampler is None:
            neighbors = _class_neighbors(self.k_neighbors, len(members), label)
            codes, *sources = _interpolate(members, n_new, neighbors, random_state)
        else:
            codes, sources = self._sample_latent(label, n_new, random_state), None
        if self.latent_noise_ > 0:
            noise = random_state.standard_normal(codes.shape).astype(np.float32)
            codes += self.latent_noise_ * self._latent_spread * noise
        if sources is None and self.decoding == "residual":
            nearest = (
                NearestNeighbors(n_neighbors=1)
                .fit(members)
                .kneighbors(codes, return_distance=False)[:, 0]
            )
            sources = (nearest, nearest, np.zeros(len(codes), np.float32))
        return codes, sources

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

    def _decode_into(self, blocks, out: np.ndarray) -> None:
        """Decode ``(label, codes, sources)`` blocks in chunks into ``out``.

        Values are cast to ``out``'s dtype. With ``decoding="residual"``, the
        classes whose residuals were kept at fit get them added (see
        :meth:`_add_residuals`).
        """
        start = 0
        for label, codes, sources in blocks:
            for offset in range(0, len(codes), _DECODE_CHUNK):
                part = slice(offset, offset + _DECODE_CHUNK)
                chunk = codes[part]
                decoded = np.asarray(self.autoencoder_.inverse_transform(chunk))
                decoded = decoded.reshape(len(chunk), *out.shape[1:])
                if label in self._residuals:
                    chunk_sources = [source[part] for source in sources]
                    decoded = self._add_residuals(decoded, label, *chunk_sources)
                out[start : start + len(chunk)] = _as_dtype(decoded, out.dtype)
                start += len(chunk)

    def _add_residuals(self, decoded, label, anchors, partners, gaps) -> np.ndarray:
        """``decoded`` plus its sources' reconstruction residuals, clipped.

        The residuals of the two real samples a code is made from are
        interpolated as the code was (see :meth:`_new_codes`).
        """
        residuals = self._residuals[label]
        gaps = gaps.reshape(-1, *[1] * (residuals.ndim - 1))
        residual = (1 - gaps) * residuals[anchors] + gaps * residuals[partners]
        return np.clip(decoded + residual, *self._data_range)

    def _check_fitted(self) -> None:
        if "autoencoder_" not in self.__dict__:
            raise NotFittedError(
                f"This {type(self).__name__} has no trained autoencoder yet: call "
                "fit_resample(X, y) first (fit only checks the data, as for every "
                "imbalanced-learn sampler)."
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
        ndarray of shape (n_samples, latent_dim), dtype float32
            The latent codes (``autoencoder_.transform(X)``).
        """
        self._check_fitted()
        return self.autoencoder_.transform(X)

    def decode(self, latent) -> np.ndarray:
        """Decode latent codes into rows of the original feature space.

        Parameters
        ----------
        latent : array-like of shape (n_samples, latent_dim)
            Latent codes, e.g. from :meth:`encode`.

        Returns
        -------
        ndarray of shape (n_samples, `n_features_in_`)
            Decoded rows, in the dtype of the data seen by ``fit_resample``
            and clipped to each feature's training range.
        """
        self._check_fitted()
        latent = np.asarray(latent, dtype=np.float32)
        out = np.empty((len(latent), *self._sample_shape), dtype=self._dtype)
        self._decode_into([(None, latent, None)], out)
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
        self._check_fitted()
        n_class = int(np.sum(self._y_fit == target_class))
        if n_class < 2:
            raise ValueError(
                f"target_class={_python(target_class)!r} has {n_class} training "
                "samples; generate needs a class seen by fit_resample with at least 2."
            )
        if not isinstance(n_samples, numbers.Integral) or n_samples < 1:
            raise ValueError(f"n_samples must be a positive int; got {n_samples!r}.")
        codes, sources = self._new_codes(
            target_class, n_samples, check_random_state(random_state)
        )
        out = np.empty((n_samples, *self._sample_shape), dtype=self._dtype)
        self._decode_into([(target_class, codes, sources)], out)
        return out

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.sparse = False
        tags.input_tags.allow_nan = False
        return tags


def _clip_neighbors(sampler, n_class: int, label) -> None:
    """Use fewer neighbours than asked for when a class is too small, with a warning."""
    k = sampler.get_params().get("k_neighbors")
    if k is not None:
        sampler.set_params(k_neighbors=_class_neighbors(k, n_class, label))


def _class_neighbors(k, n_class: int, label):
    """``k_neighbors`` (an int or a neighbours object) usable on ``n_class`` codes.

    A class too small for it gets fewer neighbours, with a warning.
    """
    if isinstance(k, numbers.Integral) and k >= n_class:
        warnings.warn(
            f"Class {_python(label)!r} has {n_class} samples, fewer than "
            f"k_neighbors + 1 = {k + 1}; using k_neighbors={n_class - 1} for it.",
            UserWarning,
            stacklevel=5,
        )
        return n_class - 1
    if hasattr(k, "n_neighbors") and k.n_neighbors > n_class:
        warnings.warn(
            f"Class {_python(label)!r} has {n_class} samples, fewer than the "
            f"{k.n_neighbors} neighbours asked for; using {n_class} for it.",
            UserWarning,
            stacklevel=5,
        )
        return clone(k).set_params(n_neighbors=n_class)
    return k


def _interpolate(codes: np.ndarray, n_new: int, k_neighbors, random_state):
    """SMOTE among ``codes`` (one class): ``n_new`` points and what made them.

    As in SMOTE, each new point lies at a uniform ``gap`` in ``[0, 1)`` on
    the segment from a uniformly drawn anchor to one of the anchor's
    ``k_neighbors`` nearest codes, drawn uniformly (``k_neighbors`` an int,
    or a neighbours object as imbalanced-learn takes it).

    Returns
    -------
    new : ndarray of shape (n_new, latent_dim), float32
    anchors, partners : ndarray of shape (n_new,)
        Indices into ``codes`` of the two ends of each segment.
    gaps : ndarray of shape (n_new,), float32
    """
    neighbors = check_neighbors_object("k_neighbors", k_neighbors, 1).fit(codes)
    nearest = neighbors.kneighbors(codes, return_distance=False)[:, 1:]
    anchors = random_state.randint(len(codes), size=n_new)
    partners = nearest[anchors, random_state.randint(nearest.shape[1], size=n_new)]
    gaps = random_state.uniform(size=n_new).astype(np.float32)
    new = codes[anchors] + gaps[:, None] * (codes[partners] - codes[anchors])
    return new.astype(np.float32, copy=False), anchors, partners, gaps


def _within_class_std(codes: np.ndarray, y: np.ndarray) -> np.ndarray:
    """Per-dimension standard deviation of the codes around their class means."""
    deviations = codes.copy()
    for label in np.unique(y):
        members = y == label
        deviations[members] -= codes[members].mean(axis=0)
    return deviations.std(axis=0).astype(np.float32)


def _as_dtype(values: np.ndarray, dtype: np.dtype) -> np.ndarray:
    """Decoded float values in the input's dtype: integers rounded and clipped."""
    if dtype.kind == "f":
        return values.astype(dtype)
    if dtype.kind == "b":
        return values >= 0.5
    info = np.iinfo(dtype)
    return np.clip(np.rint(values), info.min, info.max).astype(dtype)


def _python(label):
    """A numpy scalar label as the plain Python value users wrote."""
    return label.item() if isinstance(label, np.generic) else label
