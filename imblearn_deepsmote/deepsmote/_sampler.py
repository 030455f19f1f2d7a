"""DeepSMOTE: train an autoencoder, over-sample in its latent space, decode."""

from __future__ import annotations

import numbers
from typing import Any

import numpy as np
from imblearn.over_sampling import SMOTE
from imblearn.over_sampling.base import BaseOverSampler
from imblearn.utils import Substitution, check_sampling_strategy, check_target_type
from imblearn.utils._docstring import _random_state_docstring
from sklearn.base import clone
from sklearn.exceptions import NotFittedError
from sklearn.frozen import FrozenEstimator
from sklearn.utils import check_random_state
from sklearn.utils._param_validation import (
    HasMethods,
    Hidden,
    Interval,
    StrOptions,
    make_constraint,
)
from sklearn.utils.validation import check_is_fitted
from sklearn_compat.utils.validation import validate_data

from ..utils._images import ImageLayout, array_shape
from ..utils._items import CHUNK, ItemReader, samples_needed, widened_range
from ..utils._random import draw_seed
from ..utils._warnings import warn_user
from ._autoencoder import Autoencoder
from ._latent import (
    LatentGenerator,
    _python,
    as_dtype,
    class_neighbors,
    resample_codes,
)

__all__ = ["DeepSMOTE"]


#: Training settings DeepSMOTE used to forward to its autoencoder. They
#: belong to :class:`Autoencoder`; deprecated in 0.3.0, removed in 0.5.0.
DEPRECATED_TRAINING_PARAMS = (
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
_DEPRECATED = "deprecated"


def _deprecated(name: str) -> list:
    """The autoencoder's constraints of ``name``, plus the hidden "deprecated"."""
    constraints = Autoencoder._parameter_constraints[name]
    if any(make_constraint(c).is_satisfied_by(_DEPRECATED) for c in constraints):
        return constraints  # e.g. any str
    return [*constraints, Hidden(StrOptions({_DEPRECATED}))]


@Substitution(
    sampling_strategy=BaseOverSampler._sampling_strategy_docstring,
    random_state=_random_state_docstring,
)
class DeepSMOTE(BaseOverSampler):
    """Over-sample with SMOTE in the latent space of an autoencoder (DeepSMOTE).

    ``fit_resample`` trains an :class:`~imblearn_deepsmote.Autoencoder` on
    all classes (``autoencoder_``), encodes the data, makes new latent codes
    for each minority class (SMOTE's interpolation between a code and one of
    its ``k_neighbors`` nearest codes of the class, plus ``latent_noise``)
    and decodes them (``decoding``). The original rows are returned
    unchanged, followed by the synthetic rows, class by class.

    Images arrive as arrays of shape ``(n, H, W)`` or ``(n, C, H, W)``, or as
    flattened rows together with ``image_shape``; the autoencoder is then
    convolutional, and the resampled images keep the input's layout and
    dtype (integer pixels are rounded). Tabular rows get a fully connected
    autoencoder. Decoded values are clipped to each feature's training
    range.

    How the autoencoder is trained (its network, size, epochs, learning
    rate, device, ...) is set on the :class:`~imblearn_deepsmote.Autoencoder`
    passed as ``autoencoder``, which is cloned into ``autoencoder_`` and
    trained, as imbalanced-learn does with its helper estimators; a fitted
    one wrapped in :class:`~sklearn.frozen.FrozenEstimator` is used as it
    is, without training.

    Read more in the :ref:`User Guide <user_guide>`.

    Parameters
    ----------
    {sampling_strategy}

    {random_state}

        An int makes ``fit_resample`` deterministic on CPU, in any thread,
        without touching torch's or numpy's global random state. It also
        seeds the autoencoder DeepSMOTE trains, unless that autoencoder has
        an int ``random_state`` of its own.

    k_neighbors : int or object, default=5
        The nearest neighbours of SMOTE's interpolation in the latent space,
        exactly as in :class:`~imblearn.over_sampling.SMOTE`: an int, or an
        object with ``kneighbors`` and ``kneighbors_graph``. A class with no
        more than ``k_neighbors`` samples uses ``n_class - 1`` neighbours,
        with a warning. Ignored when ``latent_sampler`` is given.

    autoencoder : Autoencoder, FrozenEstimator or None, default=None
        The autoencoder, cloned into ``autoencoder_`` and trained with its
        own settings (``Autoencoder(max_epochs=50)``, and
        ``autoencoder__max_epochs`` in a grid search), seeded by
        ``random_state`` unless it has an int ``random_state`` of its own.
        ``None`` is ``Autoencoder()`` (a compact convolutional network for
        images, a fully connected one for tabular rows, at most 20 epochs).
        ``FrozenEstimator(fitted)`` (:class:`~sklearn.frozen.FrozenEstimator`,
        which survives the cloning of grid searches) is used as it is,
        without training.

        .. deprecated:: 0.3
           A bare fitted Autoencoder is used as it is, with a
           ``FutureWarning``, until 0.5; from then on it is cloned and
           trained like any other. Wrap it in ``FrozenEstimator`` to reuse
           it.

    latent_sampler : imblearn over-sampler or None, default=None
        The over-sampler run in latent space, one minority class at a time
        (``BorderlineSMOTE``, ``ADASYN``, ``SVMSMOTE``, ``KMeansSMOTE``,
        ``RandomOverSampler(shrinkage=...)``, ...); its ``sampling_strategy``
        and ``random_state`` are set by DeepSMOTE. A sampler that cannot make
        as many samples as asked (BorderlineSMOTE for a class without
        borderline points) gives what it made, with a warning. ``None`` is
        SMOTE's interpolation with ``k_neighbors``, which is DeepSMOTE.

    latent_noise : float or "auto", default="auto"
        The scale of the variation added to every new latent code
        (``latent_noise_kind``): what interpolation between a class's few
        samples cannot reach. ``"auto"``, for images, is the largest scale
        among 0, 0.25, 0.5, 0.75 and 1 at which new codes (made as the
        samples are, by ``latent_sampler`` when given) are still recognised
        as their class by a 5-nearest-neighbour vote among the
        real codes about as often (within 10 %) as without noise: high where
        classes vary alike (strokes), low where the large classes' variation
        crosses into the small ones (subtle defects); for tabular rows it is
        0. The value used is ``latent_noise_``. Where ``"auto"`` finds no
        scale above 0 for images, see ``fallback``.

    latent_noise_kind : {{"deviations", "gaussian"}}, default="deviations"
        ``"deviations"``: the deviation of a randomly drawn training code
        from the mean code of its own class, whatever the class (the ways
        real samples vary, transferred to the new one). ``"gaussian"``:
        independent Gaussian noise per dimension with the standard deviation
        of those deviations (0.2's noise).

    fallback : imblearn over-sampler, "auto" or None, default="auto"
        What over-samples the images when ``latent_noise="auto"`` finds no
        noise scale above 0 (no latent variation keeps new codes in their
        class): the over-sampler is then run on the input rows instead of
        the latent codes, since the latent steps without noise add nothing
        measurable over it (:ref:`evidence_defaults`). ``"auto"`` is the
        latent sampler itself, ``SMOTE(k_neighbors=k_neighbors)`` by default:
        DeepSMOTE then returns what that SMOTE would with the same int
        ``random_state``. ``None`` keeps the latent steps without noise. The
        sampler used is ``fallback_sampler_``.

    decoding : {{"residual", "direct"}}, default="residual"
        How new codes become samples. ``"direct"`` decodes them, as in the
        paper. ``"residual"`` adds to each decoded sample the reconstruction
        residuals ``x - decode(encode(x))`` of the real samples it was made
        from, interpolated as its code was (with another latent sampler,
        the residual of the real sample of its class whose code is
        nearest): detail that the autoencoder does not reconstruct is kept.
        :meth:`decode` always decodes directly.

    image_shape : tuple of int, "square" or None, default=None
        ``(channels, height, width)`` or ``(height, width)`` when each row of
        ``X`` is a flattened image (height and width at least 8); "square"
        means ``(1, s, s)`` with ``s * s`` features. ``None`` means tabular
        rows, or images whose shape ``X`` gives (``(n, H, W)`` and
        ``(n, C, H, W)`` arrays), or the ``image_shape`` of the autoencoder
        given. It must agree with that autoencoder's.

    channels_last : bool, default=False
        Whether the channels of the images come last: ``(n, H, W, C)``
        arrays, or rows flattened from that order (``image_shape`` is still
        ``(C, H, W)``). DeepSMOTE never guesses the order.

    latent_dim, max_epochs, batch_size, lr, penalty, penalty_weight, \
class_loss_weight, tol, n_iter_no_change, device, n_threads, \
mixed_precision, verbose : deprecated
        Training settings, deprecated in 0.3.0 and to be removed in 0.5.0:
        set them on the autoencoder, e.g. ``DeepSMOTE(autoencoder=Autoencoder(
        max_epochs=50))``. Until then a value given here is passed to the
        autoencoder DeepSMOTE builds, with a ``FutureWarning``; it is an
        error together with an ``Autoencoder`` instance.

    Attributes
    ----------
    sampling_strategy_ : dict
        Number of samples generated per class.

    autoencoder_ : Autoencoder
        The trained autoencoder (the frozen one, unwrapped); its ``history_``,
        ``max_epochs_``, ``latent_dim_``, ``image_shape_`` and ``device_``
        describe the training.

    latent_sampler_ : imblearn over-sampler
        The latent sampler (``SMOTE(k_neighbors=k_neighbors)`` when
        ``latent_sampler`` is None), before the settings of each class.

    latent_codes_ : ndarray of shape (n_samples, latent_dim)
        Latent codes of the training rows, reused by :meth:`generate`.

    latent_noise_ : float
        The latent noise used (``latent_noise`` with ``"auto"`` resolved).

    fallback_sampler_ : imblearn over-sampler or None
        The over-sampler that made the samples from the input rows (see
        ``fallback``), with its settings; ``None`` when the latent steps
        made them.

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
    The latent steps (interpolation, noise, residual decoding) are in
    ``imblearn_deepsmote/deepsmote/_latent.py``.

    Examples
    --------
    >>> from collections import Counter
    >>> from sklearn.datasets import make_classification
    >>> from imblearn_deepsmote import Autoencoder, DeepSMOTE
    >>> X, y = make_classification(n_samples=300, weights=[0.9], random_state=0)
    >>> sorted(Counter(y.tolist()).items())
    [(0, 269), (1, 31)]
    >>> sampler = DeepSMOTE(
    ...     autoencoder=Autoencoder(max_epochs=5, device="cpu"), random_state=0
    ... )
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
        "autoencoder": [
            HasMethods(["fit", "transform", "inverse_transform"]),
            None,
            Hidden(StrOptions({"auto", "conv", "mlp", "paper"})),
            Hidden(callable),
        ],
        "latent_sampler": [HasMethods(["fit_resample"]), None],
        "latent_noise": [
            Interval(numbers.Real, 0, None, closed="left"),
            StrOptions({"auto"}),
        ],
        "latent_noise_kind": [StrOptions({"deviations", "gaussian"})],
        "fallback": [HasMethods(["fit_resample"]), StrOptions({"auto"}), None],
        "decoding": [StrOptions({"direct", "residual"})],
        "image_shape": [tuple, list, StrOptions({"square"}), None],
        "channels_last": ["boolean"],
        # the deprecated training settings: the autoencoder's constraints
        **{name: _deprecated(name) for name in DEPRECATED_TRAINING_PARAMS},
    }

    def __init__(
        self,
        *,
        sampling_strategy="auto",
        random_state=None,
        k_neighbors=5,
        autoencoder=None,
        latent_sampler=None,
        latent_noise="auto",
        latent_noise_kind="deviations",
        fallback="auto",
        decoding="residual",
        image_shape=None,
        channels_last=False,
        latent_dim=_DEPRECATED,
        max_epochs=_DEPRECATED,
        batch_size=_DEPRECATED,
        lr=_DEPRECATED,
        penalty=_DEPRECATED,
        penalty_weight=_DEPRECATED,
        class_loss_weight=_DEPRECATED,
        tol=_DEPRECATED,
        n_iter_no_change=_DEPRECATED,
        device=_DEPRECATED,
        n_threads=_DEPRECATED,
        mixed_precision=_DEPRECATED,
        verbose=_DEPRECATED,
    ):
        super().__init__(sampling_strategy=sampling_strategy)
        self.random_state = random_state
        self.k_neighbors = k_neighbors
        self.autoencoder = autoencoder
        self.latent_sampler = latent_sampler
        self.latent_noise = latent_noise
        self.latent_noise_kind = latent_noise_kind
        self.fallback = fallback
        self.decoding = decoding
        self.image_shape = image_shape
        self.channels_last = channels_last
        self.latent_dim = latent_dim
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
        counts, n_new = self._counts_and_new(y)
        random_state = check_random_state(self.random_state)
        self.autoencoder_ = self._fitted_autoencoder(X, y, draw_seed(random_state))
        self.latent_codes_ = np.asarray(
            self.autoencoder_.transform(self._autoencoder_input(X)), np.float32
        )
        self._start_generator(X, y, n_new, random_state)
        self._dtype, self._sample_shape = X.dtype, X.shape[1:]
        if self.fallback_sampler_ is not None:
            return self._resample_rows(X, y, counts, n_new, random_state)
        self._generator.keep_residuals(X, n_new)
        blocks = self._new_blocks(n_new, random_state)
        labels = [np.full(len(new), label, y.dtype) for label, new in blocks]
        X_resampled = np.empty(
            (len(X) + sum(map(len, labels)), *X.shape[1:]), dtype=X.dtype
        )
        X_resampled[: len(X)] = X
        self._generator.decode_into(blocks, X_resampled[len(X) :])
        return X_resampled, np.concatenate([y, *labels])

    def _counts_and_new(self, y) -> tuple[dict, dict]:
        """Samples per class, and new samples per over-sampled class (checked)."""
        counts = dict(zip(*np.unique(y, return_counts=True), strict=True))
        n_new = {label: n for label, n in self.sampling_strategy_.items() if n > 0}
        for label in n_new:
            if counts[label] < 2:
                raise ValueError(
                    f"Class {_python(label)!r} has {counts[label]} sample; DeepSMOTE "
                    "needs at least 2 samples of each class it over-samples."
                )
        return counts, n_new

    def _start_generator(self, X, y, n_new: dict, random_state, data_range=None):
        """The latent steps on `latent_codes_`: sampler, noise (rule), fallback."""
        self.latent_sampler_ = (
            SMOTE(k_neighbors=self.k_neighbors)
            if self.latent_sampler is None
            else clone(self.latent_sampler)
        )
        self._generator = LatentGenerator(
            self.autoencoder_,
            X,
            y,
            self.latent_codes_,
            latent_sampler=None
            if self.latent_sampler is None
            else self.latent_sampler_,
            k_neighbors=self.k_neighbors,
            noise=0.0 if self.latent_noise == "auto" else self.latent_noise,
            noise_kind=self.latent_noise_kind,
            decoding=self.decoding,
            data_range=data_range,
        )
        noise_rule = (
            self.latent_noise == "auto" and self.autoencoder_.image_shape_ is not None
        )
        if noise_rule:
            self._generator.noise = self._generator.recognised_noise_scale(
                n_new, random_state
            )
        self.latent_noise_ = self._generator.noise
        self.fallback_sampler_ = (
            self._fallback_sampler() if noise_rule and self.latent_noise_ == 0 else None
        )

    def _resample_items(self, items: ItemReader, y: np.ndarray):
        """The new samples and labels for a torch dataset's items.

        What :class:`~imblearn_deepsmote.OverSampledDataset` runs: as
        ``fit_resample``, but the autoencoder trains on the items a batch at
        a time, they are encoded a batch at a time (only the codes are
        kept), and only the over-sampled classes' samples are read whole (for
        their residuals, or for a ``fallback`` SMOTE).
        """
        self._validate_params()
        self.sampling_strategy_ = check_sampling_strategy(
            self.sampling_strategy, y, self._sampling_type
        )
        self.n_features_in_ = int(np.prod(items.sample_shape))
        counts, n_new = self._counts_and_new(y)
        self._check_streamable()
        random_state = check_random_state(self.random_state)
        self.autoencoder_ = self._fitted_autoencoder(items, y, draw_seed(random_state))
        codes, bounds = [], None
        for samples, _ in items.batches(CHUNK):
            codes.append(np.asarray(self.autoencoder_.transform(samples), np.float32))
            bounds = widened_range(bounds, samples)
        self.latent_codes_ = np.concatenate(codes)
        self._start_generator(None, y, n_new, random_state, data_range=bounds)
        self._dtype, self._sample_shape = items.dtype, items.sample_shape
        if self.fallback_sampler_ is not None:
            chosen = samples_needed(self.fallback_sampler_, y, n_new)
            samples, _ = items.read(chosen)
            X_res, y_res = self._resample_rows(
                samples, y[chosen], counts, n_new, random_state
            )
            return X_res[len(chosen) :], y_res[len(chosen) :]
        for label in n_new:
            samples, _ = items.read(np.flatnonzero(y == label))
            self._generator.keep_class_residuals(label, samples)
        blocks = self._new_blocks(n_new, random_state)
        X_new = np.empty(
            (sum(len(new) for _, new in blocks), *items.sample_shape), items.dtype
        )
        self._generator.decode_into(blocks, X_new)
        return X_new, np.concatenate(
            [np.full(len(new), label, y.dtype) for label, new in blocks]
        )

    def _new_blocks(self, n_new: dict, random_state) -> list:
        """``(label, NewCodes)`` for each over-sampled class, in order."""
        return [
            (label, self._generator.new_codes(label, n, random_state))
            for label, n in n_new.items()
        ]

    def _check_streamable(self) -> None:
        """An autoencoder to train must be able to train a batch at a time."""
        autoencoder = self.autoencoder
        if autoencoder is None or isinstance(autoencoder, (str, Autoencoder)):
            return  # Autoencoder checks its own settings (penalty, scaler)
        if not _is_fitted(autoencoder):
            raise TypeError(
                f"DeepSMOTE's autoencoder, a {type(autoencoder).__name__}, cannot be "
                "trained on a torch Dataset a batch at a time: only an Autoencoder "
                "can. Pass autoencoder=Autoencoder(...), or fit yours first (and "
                "wrap it in FrozenEstimator): a fitted one only encodes and decodes."
            )

    def _fallback_sampler(self):
        """The over-sampler for the input rows (no noise found), or None."""
        if self.fallback is None:
            return None
        return clone(self.latent_sampler_ if self.fallback == "auto" else self.fallback)

    def _resample_rows(self, X, y, counts: dict, n_new: dict, random_state):
        """``fit_resample``'s output made by ``fallback_sampler_`` on the rows.

        One call for every class, as the sampler alone would be run: with an
        int ``random_state``, its samples are those of the sampler given that
        ``random_state``. Integer pixels are interpolated as floats and
        rounded, as decoded ones are.
        """
        sampler = self.fallback_sampler_
        k = sampler.get_params().get("k_neighbors")
        if k is not None:  # the smallest class bounds the neighbours of all
            smallest = min(n_new, key=counts.get)
            sampler.set_params(
                k_neighbors=class_neighbors(k, counts[smallest], smallest)
            )
        seed = self.random_state
        if not isinstance(seed, numbers.Integral):
            seed = draw_seed(random_state)
        sampler.set_params(
            sampling_strategy={
                _python(label): int(counts[label] + n) for label, n in n_new.items()
            },
            random_state=seed,
        )
        rows = self._rows(X)
        rows_res, y_res = sampler.fit_resample(rows, y)
        self._training_rows, self._training_labels = rows, y
        X_new = as_dtype(rows_res[len(X) :], X.dtype).reshape(-1, *X.shape[1:])
        return np.concatenate([X, X_new]), np.concatenate([y, y_res[len(y) :]])

    @staticmethod
    def _rows(X) -> np.ndarray:
        """Samples as rows, floating point (integers become float64)."""
        rows = X.reshape(len(X), -1)
        return rows if rows.dtype.kind == "f" else rows.astype(np.float64)

    # ------------------------------------------------------------------ #
    # the autoencoder                                                     #
    # ------------------------------------------------------------------ #
    def _training_params(self) -> dict[str, Any]:
        """The deprecated training settings given to DeepSMOTE."""
        return {
            name: getattr(self, name)
            for name in DEPRECATED_TRAINING_PARAMS
            if not (
                isinstance(getattr(self, name), str)
                and getattr(self, name) == _DEPRECATED
            )
        }

    def _fitted_autoencoder(self, X, y, seed: int) -> Autoencoder:
        """``autoencoder_``: the autoencoder given, cloned and trained.

        A :class:`~sklearn.frozen.FrozenEstimator` is used as it is; a bare
        fitted Autoencoder too, with a FutureWarning, until 0.5.
        """
        autoencoder, given = self.autoencoder, self._training_params()
        if autoencoder is None or not hasattr(autoencoder, "inverse_transform"):
            return self._built_autoencoder(given, seed).fit(X, y)
        if given:
            raise ValueError(
                f"{', '.join(given)} {'is' if len(given) == 1 else 'are'} set on "
                "DeepSMOTE and autoencoder is an Autoencoder: set "
                f"{'it' if len(given) == 1 else 'them'} on the Autoencoder instead."
            )
        if isinstance(autoencoder, FrozenEstimator):
            return self._reused_autoencoder(autoencoder.estimator, X)
        if _is_fitted(autoencoder):
            autoencoder = self._reused_autoencoder(autoencoder, X)
            warn_user(
                "Passing a fitted Autoencoder as autoencoder, which DeepSMOTE uses "
                "without training it, is deprecated in 0.3.0: from 0.5.0 on DeepSMOTE "
                "clones and trains every autoencoder it is given, as "
                "imbalanced-learn does with its helper estimators. To keep using "
                "this one without training, pass autoencoder=FrozenEstimator("
                "autoencoder) (from sklearn.frozen import FrozenEstimator).",
                FutureWarning,
            )
            return autoencoder
        autoencoder = clone(autoencoder)
        if not isinstance(
            autoencoder.get_params().get("random_state"), numbers.Integral
        ):
            autoencoder.set_params(random_state=seed)
        return autoencoder.set_params(**self._data_params(autoencoder)).fit(X, y)

    def _reused_autoencoder(self, autoencoder, X) -> Autoencoder:
        """A fitted autoencoder, checked against ``X``, to use without training."""
        try:
            check_is_fitted(autoencoder)
        except NotFittedError:
            raise ValueError(
                "autoencoder is a FrozenEstimator of an unfitted autoencoder: fit "
                "it before freezing it, or pass it unwrapped for DeepSMOTE to "
                "train."
            ) from None
        self._check_fitted_layout(autoencoder, X)
        return autoencoder

    def _built_autoencoder(self, given: dict[str, Any], seed: int) -> Autoencoder:
        """``Autoencoder()`` with DeepSMOTE's data settings (and deprecated ones)."""
        module = "auto" if self.autoencoder is None else self.autoencoder
        if self.autoencoder is not None:
            warn_user(
                f"autoencoder={self.autoencoder!r} is deprecated in 0.3.0 and will be "
                "removed in 0.5.0: pass autoencoder=Autoencoder(module=...).",
                FutureWarning,
            )
        if given:
            example = ", ".join(f"{k}={v!r}" for k, v in given.items())
            warn_user(
                f"DeepSMOTE's {', '.join(given)} "
                f"{'is' if len(given) == 1 else 'are'} deprecated in 0.3.0 and will be "
                "removed in 0.5.0: training settings belong to the autoencoder, "
                f"DeepSMOTE(autoencoder=Autoencoder({example})).",
                FutureWarning,
            )
        return Autoencoder(
            module=module,
            image_shape=self.image_shape,
            channels_last=self.channels_last,
            random_state=seed,
            **given,
        )

    def _data_params(self, autoencoder) -> dict[str, Any]:
        """``image_shape`` / ``channels_last`` for an unfitted autoencoder.

        DeepSMOTE's values fill in the autoencoder's defaults; two different
        values are an error.
        """
        params = autoencoder.get_params()
        data = {}
        for name, default in (("image_shape", None), ("channels_last", False)):
            mine, theirs = getattr(self, name), params.get(name, default)
            if mine is default or _same_shape(mine, theirs):
                continue
            if theirs is not default and theirs is not None:
                raise ValueError(
                    f"{name}={mine!r} on DeepSMOTE disagrees with {name}={theirs!r} "
                    "on its autoencoder; set it on one of them."
                )
            data[name] = mine
        return data

    def _check_fitted_layout(self, autoencoder, X) -> None:
        """A fitted autoencoder must have been trained on samples like ``X``'s."""
        n_values = int(np.prod(X.shape[1:]))
        n_features = getattr(autoencoder, "n_features_in_", n_values)
        if n_features != n_values:
            raise ValueError(
                f"The fitted autoencoder was trained on {n_features} features but X "
                f"has {n_values} values per sample."
            )
        if self.image_shape is None and not self.channels_last:
            return
        layout = ImageLayout.from_data(X, self.image_shape, self.channels_last)
        trained = getattr(autoencoder, "image_shape_", layout.image_shape)
        if trained != layout.image_shape:
            raise ValueError(
                f"DeepSMOTE reads X as images of shape {layout.image_shape} (C, H, W) "
                f"but the fitted autoencoder was trained on {trained}."
            )

    # ------------------------------------------------------------------ #
    # after fit_resample                                                  #
    # ------------------------------------------------------------------ #
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
        X : array-like of shape (n_samples, n_features) or (n_samples, ...)
            Samples as ``fit_resample`` took them.

        Returns
        -------
        ndarray of shape (n_samples, latent_dim), dtype float32
            The latent codes (``autoencoder_.transform(X)``).
        """
        self._check_fitted()
        if len(array_shape(X)) == 2:  # DeepSMOTE checks the feature names
            X = validate_data(self, X, reset=False, dtype="numeric")
        return self.autoencoder_.transform(self._autoencoder_input(X))

    def _autoencoder_input(self, X):
        """Validated ``X`` in the form the autoencoder was fitted on.

        The autoencoder gets feature names only if it was fitted with them (a
        user's autoencoder fitted on a DataFrame).
        """
        names = getattr(self.autoencoder_, "feature_names_in_", None)
        if names is None:
            return X
        import pandas as pd

        return pd.DataFrame(X, columns=names)

    def decode(self, latent) -> np.ndarray:
        """Decode latent codes into samples (directly, without residuals).

        Parameters
        ----------
        latent : array-like of shape (n_samples, latent_dim)
            Latent codes, e.g. from :meth:`encode`.

        Returns
        -------
        ndarray of shape (n_samples, ...)
            Decoded samples in the layout and dtype of the data seen by
            ``fit_resample``, clipped to each feature's training range.
        """
        self._check_fitted()
        decoded = np.asarray(self.autoencoder_.inverse_transform(latent))
        decoded = decoded.reshape(len(decoded), *self._sample_shape)
        return as_dtype(decoded, self._dtype)

    def generate(self, n_samples: int, target_class, random_state=None) -> np.ndarray:
        """Generate new samples of one class from the fitted autoencoder.

        The latent steps run again on the latent codes of the training data,
        so this costs no retraining: ask for as many samples as you need.
        Classes that ``fit_resample`` did not over-sample are decoded
        without residuals. After a ``fallback``, ``fallback_sampler_`` makes
        them from the training rows instead.

        Parameters
        ----------
        n_samples : int
            Number of samples to generate.
        target_class : label
            A class seen by ``fit_resample``, with at least 2 samples.
        random_state : int, RandomState instance or None, default=None
            Seed of the draws.

        Returns
        -------
        ndarray of shape (n_samples, ...)
            New samples, in the layout and dtype of the data seen by
            ``fit_resample`` (fewer with a latent sampler that cannot make
            them all, with a warning).

        Examples
        --------
        >>> from sklearn.datasets import make_classification
        >>> from imblearn_deepsmote import Autoencoder, DeepSMOTE
        >>> X, y = make_classification(n_samples=100, weights=[0.9], random_state=0)
        >>> sampler = DeepSMOTE(
        ...     autoencoder=Autoencoder(max_epochs=2, device="cpu"), random_state=0
        ... )
        >>> _ = sampler.fit_resample(X, y)
        >>> sampler.generate(7, target_class=1, random_state=0).shape
        (7, 20)
        """
        self._check_fitted()
        n_class = int(np.sum(self._generator.y == target_class))
        if n_class < 2:
            raise ValueError(
                f"target_class={_python(target_class)!r} has {n_class} training "
                "samples; generate needs a class seen by fit_resample with at least 2."
            )
        if not isinstance(n_samples, numbers.Integral) or n_samples < 1:
            raise ValueError(f"n_samples must be a positive int; got {n_samples!r}.")
        random_state = check_random_state(random_state)
        if self.fallback_sampler_ is not None:  # on the rows, as codes would be
            rows = resample_codes(
                self.fallback_sampler_,
                self._training_rows,
                self._training_labels,
                target_class,
                n_samples,
                random_state,
            )
            return as_dtype(rows, self._dtype).reshape(-1, *self._sample_shape)
        new = self._generator.new_codes(target_class, n_samples, random_state)
        out = np.empty((len(new), *self._sample_shape), dtype=self._dtype)
        self._generator.decode_into([(target_class, new)], out)
        return out

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.sparse = False
        tags.input_tags.allow_nan = False
        return tags


def _is_fitted(estimator) -> bool:
    try:
        check_is_fitted(estimator)
    except NotFittedError:
        return False
    return True


def _same_shape(first, second) -> bool:
    """Whether two ``image_shape`` values are equal, ``(H, W)`` being ``(1, H, W)``."""

    def normal(shape):
        if isinstance(shape, (tuple, list)):
            return (1, *shape) if len(shape) == 2 else tuple(shape)
        return shape

    return normal(first) == normal(second)
