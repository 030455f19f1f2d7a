"""How DeepSMOTE makes new samples of a class from its autoencoder's latent codes.

Three steps, each a small function, tied together by :class:`LatentGenerator`:

1. **New codes** (:func:`interpolate`): SMOTE's interpolation among the
   latent codes of one class. A uniformly drawn anchor, one of its
   ``k_neighbors`` nearest codes of the same class drawn uniformly as its
   partner, and a uniform gap ``g`` in ``[0, 1)`` give the new code
   ``z_a + g (z_b - z_a)``. Any imbalanced-learn over-sampler can replace
   this step (:func:`resample_codes`); the anchors are then unknown.
2. **Noise**: variation that interpolation between a class's few samples
   cannot reach, added to every new code at a scale ``noise``. By default
   (``noise_kind="deviations"``) it is the deviation of a randomly drawn
   training code from the mean of its own class, whatever that class: the
   ways real samples vary around their class, mostly learnt from the large
   classes, transferred to the small one
   (:func:`within_class_deviations`). ``"gaussian"`` draws independent
   Gaussian noise per dimension with the pooled within-class standard
   deviation instead. :meth:`LatentGenerator.recognised_noise_scale` picks
   the scale from the data.
3. **Decoding**: the decoder maps the codes back to samples. With
   ``decoding="residual"`` the reconstruction residuals ``x - D(E(x))`` of
   the two real samples a code was made from are added back, interpolated
   as the code was: ``D(z) + (1 - g) r_a + g r_b``. Detail the autoencoder
   does not reconstruct is kept, and with an autoencoder that reconstructs
   nothing the samples are pixel-space SMOTE's. Codes made by another
   sampler take the residual of the nearest real code of their class.
   Decoded values are clipped to each feature's range in the training data.
"""

from __future__ import annotations

import numbers
import warnings
from dataclasses import dataclass

import numpy as np
from imblearn.utils import check_neighbors_object
from sklearn.base import clone
from sklearn.neighbors import KNeighborsClassifier, NearestNeighbors

from ..utils._random import draw_seed
from ..utils._warnings import warn_user

__all__ = [
    "LatentGenerator",
    "NewCodes",
    "interpolate",
    "resample_codes",
    "within_class_deviations",
]

#: Rows decoded at a time.
DECODE_CHUNK = 4096
#: Calls of a latent sampler whose counts are approximate (ADASYN, KMeansSMOTE).
MAX_SAMPLER_ROUNDS = 10
#: The noise scales :meth:`LatentGenerator.recognised_noise_scale` tries.
NOISE_SCALES = (0.0, 0.25, 0.5, 0.75, 1.0)
#: How much of the no-noise recognition a chosen scale may lose (relative).
RECOGNITION_TOLERANCE = 0.1
#: New codes per class drawn to measure recognition.
N_PROBE = 256


@dataclass
class NewCodes:
    """New latent codes of one class and the real codes they were made from.

    Attributes
    ----------
    codes : ndarray of shape (n, latent_dim), float32
    anchors, partners : ndarray of shape (n,) or None
        Indices, among the class's real codes, of the two ends of the
        segment each code was drawn on (the same index for codes assigned
        to their nearest real code); ``None`` when unknown.
    gaps : ndarray of shape (n,), float32, or None
        Where on the segment: 0 at the anchor, 1 at the partner.
    """

    codes: np.ndarray
    anchors: np.ndarray | None = None
    partners: np.ndarray | None = None
    gaps: np.ndarray | None = None

    def __len__(self) -> int:
        return len(self.codes)


def interpolate(codes: np.ndarray, n_new: int, k_neighbors, random_state) -> NewCodes:
    """SMOTE among the codes of one class: ``n_new`` codes and their sources.

    Parameters
    ----------
    codes : ndarray of shape (n_class, latent_dim)
    n_new : int
    k_neighbors : int or neighbours object
        As imbalanced-learn's SMOTE takes it (at most ``n_class - 1``).
    random_state : numpy.random.RandomState

    Returns
    -------
    NewCodes

    Examples
    --------
    >>> import numpy as np
    >>> from imblearn_deepsmote.deepsmote._latent import interpolate
    >>> codes = np.array([[0.0, 0.0], [1.0, 0.0], [0.0, 1.0]], dtype=np.float32)
    >>> new = interpolate(codes, 4, 1, np.random.RandomState(0))
    >>> bool(np.allclose(
    ...     new.codes,
    ...     codes[new.anchors] + new.gaps[:, None] * (codes[new.partners]
    ...                                               - codes[new.anchors]),
    ... ))
    True
    """
    neighbors = check_neighbors_object("k_neighbors", k_neighbors, 1).fit(codes)
    nearest = neighbors.kneighbors(codes, return_distance=False)[:, 1:]
    anchors = random_state.randint(len(codes), size=n_new)
    partners = nearest[anchors, random_state.randint(nearest.shape[1], size=n_new)]
    gaps = random_state.uniform(size=n_new).astype(np.float32)
    new = codes[anchors] + gaps[:, None] * (codes[partners] - codes[anchors])
    return NewCodes(new.astype(np.float32, copy=False), anchors, partners, gaps)


def resample_codes(
    sampler, codes: np.ndarray, y: np.ndarray, label, n_new: int, random_state
) -> np.ndarray:
    """Up to ``n_new`` codes of class ``label`` made by an imbalanced-learn sampler.

    SMOTE-like samplers make exactly the number asked for. Samplers whose
    counts are approximate (ADASYN and KMeansSMOTE round per sample or per
    cluster; ADASYN makes nothing for tiny requests) are asked again for at
    least a class's worth, up to :data:`MAX_SAMPLER_ROUNDS` calls, and a
    random subset in drawing order is kept. A sampler that cannot make
    enough (BorderlineSMOTE without borderline codes in a class) gives what
    it made, with a warning, as imbalanced-learn's samplers do.

    Parameters
    ----------
    sampler : imblearn over-sampler
        Cloned; its ``sampling_strategy`` and ``random_state`` are set here.
    codes : ndarray of shape (n_samples, latent_dim)
        The codes of every class (samplers look at the other classes too).
    y : ndarray of shape (n_samples,)
    label : the class to over-sample
    n_new : int
    random_state : numpy.random.RandomState

    Returns
    -------
    ndarray of shape (n_made, latent_dim), float32, with ``n_made <= n_new``
    """
    n_class = int(np.sum(y == label))
    sampler = clone(sampler)
    k = sampler.get_params().get("k_neighbors")
    if k is not None:
        sampler.set_params(k_neighbors=class_neighbors(k, n_class, label))
    drawn, n_drawn = [], 0
    for round_ in range(MAX_SAMPLER_ROUNDS):
        request = n_new if round_ == 0 else max(n_new - n_drawn, n_class)
        sampler.set_params(
            sampling_strategy={label: n_class + request},
            random_state=draw_seed(random_state),
        )
        try:
            resampled, _ = sampler.fit_resample(codes, y)
        except ValueError as exc:  # ADASYN rounds small requests to nothing
            if "No samples will be generated" not in str(exc):
                raise
            continue
        drawn.append(resampled[len(codes) :])
        n_drawn += len(drawn[-1])
        if n_drawn >= n_new:
            break
    else:
        warn_user(
            f"The latent sampler {type(sampler).__name__} made {n_drawn} of the "
            f"{n_new} samples asked for class {_python(label)!r}; DeepSMOTE returns "
            "those. Samplers that only generate near other classes (e.g. "
            "BorderlineSMOTE, where a class has no borderline points in the latent "
            "space) can make few or none; latent_sampler=None (SMOTE) makes them all."
        )
    if not drawn:
        return np.empty((0, codes.shape[1]), dtype=np.float32)
    new = np.concatenate(drawn).astype(np.float32, copy=False)
    if len(new) > n_new:
        new = new[np.sort(random_state.choice(len(new), n_new, replace=False))]
    return new


def class_neighbors(
    k, n_class: int, label, *, param: str = "k_neighbors", rows: str = "samples"
):
    """``k`` neighbours (an int or a neighbours object) usable among ``n_class`` rows.

    A class too small for ``k`` gets fewer neighbours (all its other rows),
    with a warning naming the parameter ``param`` and the class's ``rows``.
    DeepSMOTE's interpolation and the diagnostics' manifolds both use it.
    """
    if isinstance(k, numbers.Integral) and k >= n_class:
        warn_user(  # the same text for every size: shown once per grid search
            f"Class {_python(label)!r} has fewer {rows} than {param} + 1 = {k + 1}; "
            f"using {param} = its number of {rows} - 1."
        )
        return n_class - 1
    if hasattr(k, "n_neighbors") and k.n_neighbors > n_class:
        warn_user(
            f"Class {_python(label)!r} has fewer samples than the {k.n_neighbors} "
            "neighbours asked for; it is over-sampled with as many as it has."
        )
        return clone(k).set_params(n_neighbors=n_class)
    return k


def within_class_deviations(codes: np.ndarray, y: np.ndarray) -> np.ndarray:
    """Each code minus the mean code of its class."""
    deviations = codes.copy()
    for label in np.unique(y):
        members = y == label
        deviations[members] -= codes[members].mean(axis=0)
    return deviations


class LatentGenerator:
    """New samples of any class from a fitted autoencoder and the training data.

    Built once by :class:`~imblearn_deepsmote.DeepSMOTE` after its
    autoencoder is trained; :meth:`new_codes` then :meth:`decode_into` make
    samples of a class (see the module docstring for the three steps), with
    the residuals of the classes given to :meth:`keep_residuals`.

    Parameters
    ----------
    autoencoder : fitted Autoencoder
    X : ndarray of shape (n_samples, ...) or None
        The training samples, in the layout the autoencoder decodes to (only
        their range is kept); ``None`` with ``data_range``.
    y : ndarray of shape (n_samples,)
    codes : ndarray of shape (n_samples, latent_dim)
        ``autoencoder.transform(X)``.
    latent_sampler : imblearn over-sampler or None
        ``None`` runs :func:`interpolate` with ``k_neighbors``.
    k_neighbors : int or neighbours object
    noise : float
        Scale of the latent noise (see ``noise_kind``).
    decoding : {"residual", "direct"}
    noise_kind : {"deviations", "gaussian"}, default="deviations"
        Deviations of random training codes from their class means, or
        Gaussian noise per dimension with their pooled standard deviation.
    data_range : tuple of two ndarrays or None, default=None
        The smallest and largest value of each feature of the training
        samples, when ``X`` is not given (samples streamed from a dataset).
    """

    def __init__(
        self,
        autoencoder,
        X: np.ndarray | None,
        y: np.ndarray,
        codes: np.ndarray,
        *,
        latent_sampler,
        k_neighbors,
        noise: float,
        decoding: str,
        noise_kind: str = "deviations",
        data_range: tuple[np.ndarray, np.ndarray] | None = None,
    ) -> None:
        self.autoencoder = autoencoder
        self.y, self.codes = y, codes
        self.latent_sampler, self.k_neighbors = latent_sampler, k_neighbors
        self.noise, self.noise_kind, self.decoding = noise, noise_kind, decoding
        self.deviations = within_class_deviations(codes, y)
        self.spread = self.deviations.std(axis=0).astype(np.float32)
        self.data_range = (
            (X.min(axis=0), X.max(axis=0)) if data_range is None else data_range
        )
        self.residuals = {}

    def keep_residuals(self, X: np.ndarray, labels) -> None:
        """Keep the reconstruction residuals of classes ``labels`` of ``X``.

        With ``decoding="residual"``, :meth:`decode_into` adds them to the
        decoded samples of those classes (DeepSMOTE's over-sampled ones);
        other classes, and ``decoding="direct"``, decode without them.
        """
        for label in labels:
            self.keep_class_residuals(label, X[self.y == label])

    def keep_class_residuals(self, label, samples: np.ndarray) -> None:
        """Keep the reconstruction residuals of class ``label``'s ``samples``.

        ``samples`` are the training samples of that class, in order.
        """
        if self.decoding != "residual":
            return
        decoded = self.autoencoder.inverse_transform(self.codes[self.y == label])
        decoded = np.asarray(decoded)
        self.residuals[label] = samples.astype(np.float32) - (
            decoded.reshape(samples.shape)
        )

    def new_codes(self, label, n_new: int, random_state) -> NewCodes:
        """Up to ``n_new`` new codes of class ``label``, noised, with their sources."""
        members = self.codes[self.y == label]
        if self.latent_sampler is None:
            k = class_neighbors(self.k_neighbors, len(members), label)
            new = interpolate(members, n_new, k, random_state)
        else:
            new = NewCodes(
                resample_codes(
                    self.latent_sampler, self.codes, self.y, label, n_new, random_state
                )
            )
        if self.noise > 0:
            new.codes += self._noise(len(new), self.noise, random_state)
        if new.anchors is None and label in self.residuals and len(new):
            nearest = NearestNeighbors(n_neighbors=1).fit(members)
            new.anchors = nearest.kneighbors(new.codes, return_distance=False)[:, 0]
            new.partners, new.gaps = new.anchors, np.zeros(len(new), np.float32)
        return new

    def _noise(self, n: int, scale: float, random_state) -> np.ndarray:
        """``n`` draws of the latent noise at ``scale``."""
        if self.noise_kind == "deviations":
            picks = random_state.randint(len(self.deviations), size=n)
            return scale * self.deviations[picks]
        noise = random_state.standard_normal((n, self.codes.shape[1]))
        return scale * self.spread * noise.astype(np.float32)

    def recognised_noise_scale(self, n_new: dict, random_state) -> float:
        """The largest noise scale at which new codes still look like their class.

        For every over-sampled class, :data:`N_PROBE` new codes are drawn
        (interpolation, or the latent sampler when there is one, then the
        noise at each scale of :data:`NOISE_SCALES`,
        the same draws for every scale), and a 5-nearest-neighbour vote among
        all the real codes says which class each looks like. The scale chosen
        is the largest whose share of codes given to their own class, pooled
        over the classes in proportion to ``n_new`` (label: number of new
        samples), is at most :data:`RECOGNITION_TOLERANCE` (relative) below
        the share without noise. Where the classes vary alike, as strokes do,
        new codes keep their class under much noise; where the variation of
        the large classes crosses into the small ones, as in subtle defects,
        the scale stays low.
        """
        probe = np.random.RandomState(draw_seed(random_state))
        vote = KNeighborsClassifier(5).fit(self.codes, self.y)
        shares = np.zeros(len(NOISE_SCALES))
        for label, n in n_new.items():
            base = self._probe_codes(label, probe)
            if not len(base):  # a latent sampler that makes nothing for the class
                continue
            unit = self._noise(len(base), 1.0, probe)
            for i, scale in enumerate(NOISE_SCALES):
                shares[i] += n * np.mean(vote.predict(base + scale * unit) == label)
        kept = shares >= (1 - RECOGNITION_TOLERANCE) * shares[0]
        return float(np.max(np.asarray(NOISE_SCALES)[kept]))

    def _probe_codes(self, label, probe) -> np.ndarray:
        """:data:`N_PROBE` noiseless new codes of ``label``, made as :meth:`new_codes`
        makes them (by the latent sampler when there is one), warning of nothing."""
        members = self.codes[self.y == label]
        with warnings.catch_warnings():  # new_codes gives the same warnings
            warnings.simplefilter("ignore", UserWarning)
            if self.latent_sampler is None:
                k = class_neighbors(self.k_neighbors, len(members), label)
                return interpolate(members, N_PROBE, k, probe).codes
            return resample_codes(
                self.latent_sampler, self.codes, self.y, label, N_PROBE, probe
            )

    def decode_into(self, blocks, out: np.ndarray) -> None:
        """Decode ``(label, NewCodes)`` blocks, one after the other, into ``out``.

        Decoded in chunks of :data:`DECODE_CHUNK` rows; residuals are added
        for classes that keep them; values are cast to ``out``'s dtype
        (integers rounded and clipped).
        """
        start = 0
        for label, new in blocks:
            for offset in range(0, len(new), DECODE_CHUNK):
                part = slice(offset, offset + DECODE_CHUNK)
                decoded = self.autoencoder.inverse_transform(new.codes[part])
                decoded = np.asarray(decoded).reshape(len(decoded), *out.shape[1:])
                if label in self.residuals:
                    decoded = self._add_residuals(decoded, label, new, part)
                stop = start + len(decoded)
                out[start:stop] = as_dtype(decoded, out.dtype)
                start = stop

    def _add_residuals(self, decoded, label, new: NewCodes, part: slice):
        residuals = self.residuals[label]
        gaps = new.gaps[part].reshape(-1, *[1] * (residuals.ndim - 1))
        residual = (1 - gaps) * residuals[new.anchors[part]]
        residual += gaps * residuals[new.partners[part]]
        return np.clip(decoded + residual, *self.data_range)


def as_dtype(values: np.ndarray, dtype: np.dtype) -> np.ndarray:
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
