"""Devices, random streams and CPU threads for the package's torch estimators.

Seeding never goes through torch's global random state: :class:`PrivateRNG`
is a torch function mode, active only in the thread that entered it, which
hands a private :class:`torch.Generator` to every random draw made without
one (weight initialisation, shuffling, dropout). Fits in parallel threads
therefore draw exactly what they draw one after the other, and the global
random states of torch and numpy stay untouched.
"""

from __future__ import annotations

import contextlib
import inspect
from collections.abc import Iterator

import numpy as np
import torch
from sklearn.utils import check_random_state
from torch.nn import functional as F
from torch.overrides import TorchFunctionMode

__all__ = [
    "PrivateRNG",
    "draw_seed",
    "limit_threads",
    "resolve_device",
]

_SEED_BOUND = np.iinfo(np.int32).max

# Random tensor methods and functions whose signature inspect cannot read.
_BUILTIN_RANDOM = frozenset(
    {
        "bernoulli",
        "bernoulli_",
        "cauchy_",
        "exponential_",
        "geometric_",
        "log_normal_",
        "multinomial",
        "normal",
        "normal_",
        "poisson",
        "rand",
        "randint",
        "randn",
        "randperm",
        "random_",
        "uniform_",
    }
)
_DROPOUTS = {F.dropout: None, F.dropout1d: 1, F.dropout2d: 2, F.dropout3d: 3}


def resolve_device(
    device: str | torch.device, *, param_name: str = "device"
) -> torch.device:
    """Turn a ``device`` parameter into a :class:`torch.device`.

    ``"auto"`` picks CUDA when it is available and the CPU otherwise. Any other
    value must be understood by :class:`torch.device`; asking for CUDA on a
    machine without it raises a :class:`ValueError` instead of a torch error
    deep inside training.

    Examples
    --------
    >>> from imblearn_deepsmote.utils import resolve_device
    >>> resolve_device("cpu")
    device(type='cpu')
    """
    if isinstance(device, str) and device == "auto":
        return torch.device("cuda" if torch.cuda.is_available() else "cpu")
    try:
        resolved = torch.device(device)
    except (RuntimeError, TypeError) as exc:
        raise ValueError(
            f"Unknown {param_name}={device!r}: use 'auto', 'cpu', 'cuda' or 'cuda:N'."
        ) from exc
    if resolved.type == "cuda":
        if not torch.cuda.is_available():
            raise ValueError(
                f"{param_name}={device!r} was requested but CUDA is not available on "
                "this machine; use device='auto' or device='cpu'."
            )
        if resolved.index is not None and resolved.index >= torch.cuda.device_count():
            raise ValueError(
                f"{param_name}={device!r} was requested but only "
                f"{torch.cuda.device_count()} CUDA device(s) are visible."
            )
    elif resolved.type != "cpu":
        raise ValueError(
            f"Unsupported {param_name}={device!r}: use 'auto', 'cpu', 'cuda' or "
            "'cuda:N'."
        )
    return resolved


def draw_seed(random_state) -> int:
    """Draw a seed from a scikit-learn ``random_state`` specification.

    An int always gives the same seed; ``None`` draws from numpy's global
    random state, as scikit-learn estimators do (so ``np.random.seed``
    makes it repeatable); a :class:`numpy.random.RandomState` is advanced by
    one draw.

    Examples
    --------
    >>> from imblearn_deepsmote.utils import draw_seed
    >>> draw_seed(0) == draw_seed(0)
    True
    """
    return int(check_random_state(random_state).randint(_SEED_BOUND))


# What the mode does with each torch function it sees, decided once per function.
_PASS, _DROPOUT, _SEED = 0, 1, 2
_ACTIONS: dict = {}


def _action(func) -> int:
    if func in _DROPOUTS:
        return _DROPOUT
    if getattr(func, "__name__", None) in _BUILTIN_RANDOM:
        return _SEED
    try:
        takes_generator = "generator" in inspect.signature(func).parameters
    except (TypeError, ValueError):
        takes_generator = False
    return _SEED if takes_generator else _PASS


def _tensor_device(args, kwargs) -> torch.device:
    for value in (*args, *kwargs.values()):
        if isinstance(value, torch.Tensor):
            return value.device
    device = kwargs.get("device")
    return torch.device(device) if device is not None else torch.device("cpu")


class PrivateRNG(TorchFunctionMode):
    """A torch function mode that draws random numbers from private generators.

    While active (``with PrivateRNG(seed):``, in the thread that entered it),
    every random torch call made without a ``generator`` gets one of the
    mode's own generators (one per device, seeded from ``seed``), and the
    dropout functions are computed with them. Weight initialisation,
    shuffling by :class:`~torch.utils.data.DataLoader` and dropout then
    depend on ``seed`` only, and torch's global random state is neither read
    nor changed. Other threads are not affected.

    Parameters
    ----------
    seed : int
        Seed of the generators.

    Examples
    --------
    >>> import torch
    >>> from imblearn_deepsmote.utils import PrivateRNG
    >>> state = torch.random.get_rng_state()
    >>> with PrivateRNG(0):
    ...     first = torch.nn.Linear(3, 2).weight
    >>> with PrivateRNG(0):
    ...     second = torch.nn.Linear(3, 2).weight
    >>> bool(torch.equal(first, second))
    True
    >>> bool(torch.equal(state, torch.random.get_rng_state()))
    True
    """

    def __init__(self, seed: int) -> None:
        super().__init__()
        self.seed = int(seed)
        self._generators: dict[torch.device, torch.Generator] = {}

    def generator(self, device: torch.device | str = "cpu") -> torch.Generator:
        """The mode's generator for ``device`` (created on first use)."""
        device = torch.device(device)
        if device.type == "cuda" and device.index is None:
            device = torch.device("cuda", torch.cuda.current_device())
        if device not in self._generators:
            generator = torch.Generator(device=device)
            generator.manual_seed(self.seed)
            self._generators[device] = generator
        return self._generators[device]

    def __torch_function__(self, func, types, args=(), kwargs=None):
        try:
            action = _ACTIONS[func]
        except (KeyError, TypeError):  # first sight, or an unhashable callable
            action = _action(func)
            with contextlib.suppress(TypeError):
                _ACTIONS[func] = action
        kwargs = kwargs or {}
        if action == _PASS:
            return func(*args, **kwargs)
        if action == _DROPOUT:
            return self._dropout(func, *args, **kwargs)
        if kwargs.get("generator") is None:
            kwargs = {
                **kwargs,
                "generator": self.generator(_tensor_device(args, kwargs)),
            }
        return func(*args, **kwargs)

    @contextlib.contextmanager
    def suspended(self) -> Iterator[None]:
        """Leave the mode for the block, for code that draws no random numbers.

        Dispatching every torch call through the mode costs a few
        microseconds; an optimiser step makes hundreds of calls and no random
        draw. The mode must be the innermost one.
        """
        self.__exit__(None, None, None)
        try:
            yield
        finally:
            self.__enter__()

    def _dropout(self, func, input, p=0.5, training=True, inplace=False):
        if not training or p == 0:
            return input
        if p == 1:
            return input.mul_(0) if inplace else input * 0
        feature_dims = _DROPOUTS[func]
        if feature_dims is None:
            mask_shape = input.shape
        else:  # one draw per channel: (N, C, 1, ...) or (C, 1, ...) unbatched
            mask_shape = (*input.shape[: input.dim() - feature_dims],) + (
                1,
            ) * feature_dims
        mask = torch.empty(mask_shape, dtype=input.dtype, device=input.device)
        mask.bernoulli_(1 - p, generator=self.generator(input.device))
        mask.div_(1 - p)
        return input.mul_(mask) if inplace else input * mask


@contextlib.contextmanager
def limit_threads(n_threads: int | None) -> Iterator[None]:
    """Run the block with at most ``n_threads`` torch CPU threads.

    The limit applies to the calling thread only (torch keeps its OpenMP
    thread count per thread) and is lifted when the block ends. It never
    raises the count above what torch would use anyway, so limits set by
    joblib, threadpoolctl or ``OMP_NUM_THREADS`` are respected. ``None``
    changes nothing.
    """
    if n_threads is None:
        yield
        return
    before = torch.get_num_threads()
    torch.set_num_threads(max(1, min(int(n_threads), before)))
    try:
        yield
    finally:
        torch.set_num_threads(before)
