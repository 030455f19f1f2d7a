"""A torch dispatch mode that serves random draws from private generators.

The package's own random draws (shuffling, penalty batches, Mixup
permutations) take a :class:`torch.Generator` explicitly. Code the package
does not own (a network's weight initialisation and forward passes: dropout
of any kind, ``rrelu``, ``gumbel_softmax``, ``torch.distributions``, ...)
draws from torch's global generators; :class:`PrivateGeneratorMode`, active
only in the thread that entered it, hands that code the private generators
instead, whatever Python code called the random aten operation. Fits in
parallel threads therefore draw exactly what they draw one after the other,
and the global random states of torch and numpy stay untouched.
"""

from __future__ import annotations

import warnings
from collections.abc import Callable

import torch
from torch.utils._python_dispatch import TorchDispatchMode

__all__ = ["UNCOVERED_RANDOM_OPS", "PrivateGeneratorMode"]

#: Random aten operations that take no generator, so that
#: :class:`PrivateGeneratorMode` cannot serve them: dropout inside fused GPU
#: kernels, whose seed comes from torch's default generator of the device.
#: The mode warns when one of them draws (a positive dropout probability
#: while training).
UNCOVERED_RANDOM_OPS = (
    # scaled_dot_product_attention with dropout_p > 0 on CUDA (and other
    # accelerators) kernels; on the CPU it decomposes into covered operations
    "_efficient_attention_forward",
    "_flash_attention_forward",
    "_scaled_dot_product_attention_math_for_mps",
    "_scaled_dot_product_cudnn_attention",
    "_scaled_dot_product_efficient_attention",
    "_scaled_dot_product_flash_attention",
    "_scaled_dot_product_fused_attention_overrideable",
    # the dropout between the layers of nn.LSTM, nn.GRU and nn.RNN on cuDNN
    # and MIOpen; on the CPU it decomposes into covered operations
    "_cudnn_rnn",
    "miopen_rnn",
    # the out= form of native_dropout (the usual form is covered)
    "native_dropout.out",
)


def _generator_index(op) -> int | None:
    """Position of the ``generator`` argument in ``op``'s schema, if any."""
    for index, argument in enumerate(op._schema.arguments):
        if argument.name == "generator":
            return index
    return None


def _signature(op, *, without: str) -> tuple:
    schema = op._schema
    arguments = tuple(
        (a.name, str(a.type), a.kwarg_only)
        for a in schema.arguments
        if a.name != without
    )
    return arguments, tuple(str(r.type) for r in schema.returns)


def _generator_overload(op):
    """The overload of ``op`` that takes a generator and the same other arguments.

    ``aten.randn.default`` has ``aten.randn.generator``, ``aten.randint.low``
    has ``aten.randint.low_generator``, ``aten.rand.out`` has
    ``aten.rand.generator_out``, ...
    """
    packet = op.overloadpacket
    wanted = _signature(op, without="generator")
    for name in packet.overloads():
        sibling = getattr(packet, name)
        if sibling is not op and _generator_index(sibling) is not None:
            if _signature(sibling, without="generator") == wanted:
                return sibling
    return None


def _device_of(args, kwargs) -> torch.device:
    """The device a random operation draws on: its first tensor's, or ``device=``."""
    for value in (*args, *kwargs.values()):
        if isinstance(value, torch.Tensor):
            return value.device
    device = kwargs.get("device")
    return torch.device("cpu") if device is None else torch.device(device)


def _argument(op, name: str, args, kwargs, default=None):
    """The value of argument ``name`` of a call of ``op`` (defaults are left out)."""
    for index, argument in enumerate(op._schema.arguments):
        if argument.name == name:
            if not argument.kwarg_only and index < len(args):
                return args[index]
            return kwargs.get(name, default)
    return default


# How the mode serves each aten operation, decided once per operation: pass it
# on (most operations draw nothing), or a function of (mode, op, args, kwargs).
_PASS = object()
_PLANS: dict = {}


def _plan(op):
    index = _generator_index(op)
    if index is not None:
        return _with_generator(index, op._schema.arguments[index].kwarg_only)
    if torch.Tag.nondeterministic_seeded not in op.tags:
        return _PASS
    if op is torch.ops.aten.native_dropout.default:
        return _native_dropout
    sibling = _generator_overload(op)
    if sibling is not None:
        return _via_overload(sibling)
    if op._schema.name.endswith("_backward"):  # replays the forward's random state
        return _PASS
    return _warn_when_drawing


def _with_generator(index: int, kwarg_only: bool) -> Callable:
    def serve(mode, op, args, kwargs):
        if not kwarg_only and index < len(args):
            if args[index] is None:
                device = _device_of(args, kwargs)
                args = (*args[:index], mode.generator(device), *args[index + 1 :])
        elif kwargs.get("generator") is None:
            kwargs = {**kwargs, "generator": mode.generator(_device_of(args, kwargs))}
        return op(*args, **kwargs)

    return serve


def _via_overload(sibling) -> Callable:
    def serve(mode, op, args, kwargs):
        generator = mode.generator(_device_of(args, kwargs))
        return sibling(*args, **kwargs, generator=generator)

    return serve


def _native_dropout(mode, op, args, kwargs):
    """``aten.native_dropout`` (the fused dropout of CUDA) with the mode's generator."""
    input, p, *rest = args
    train = rest[0] if rest else kwargs.get("train")
    if train is False or input.numel() == 0:
        return op(*args, **kwargs)
    keep = 1.0 - p
    generator = mode.generator(input.device)
    mask = torch.empty_like(input).bernoulli_(keep, generator=generator)
    scale = mask.div(keep) if keep > 0 else mask  # zeros when every unit drops
    return input * scale, mask.bool()


def _warn_when_drawing(mode, op, args, kwargs):
    names = ("dropout_p", "dropout", "p")
    probability = next(
        (v for v in (_argument(op, n, args, kwargs) for n in names) if v is not None),
        0.0,
    )
    train = _argument(op, "train", args, kwargs, default=True)
    if probability and train:
        warnings.warn(
            f"{op} draws its random numbers from torch's default generator of the "
            "device, which PrivateGeneratorMode cannot replace: this fit is not "
            "reproducible from random_state, and torch's global random state "
            "changes. Set the dropout probability of this operation to 0, or train "
            "on the CPU.",
            UserWarning,
            stacklevel=2,
        )
    return op(*args, **kwargs)


class PrivateGeneratorMode(TorchDispatchMode):
    """A torch dispatch mode that serves random draws from private generators.

    While active (``with PrivateGeneratorMode(seed):``, in the thread that
    entered it), every random aten operation called without a ``generator``
    gets one of the mode's own generators: one per device, seeded from
    ``seed`` and created on first use. It works below Python, so it serves
    draws made by any code: weight initialisation, dropout of every kind,
    ``rrelu``, ``gumbel_softmax``, ``torch.distributions`` samples,
    ``torch.rand*`` and in-place samplers such as ``uniform_``. Results then
    depend on ``seed`` only, torch's global random state is neither read nor
    changed, and other threads are not affected.

    Operations with a ``generator`` argument get the generator; those
    without one get their overload that takes it (``aten.randn.default``
    becomes ``aten.randn.generator``); ``aten.native_dropout`` (the fused
    dropout of CUDA) is computed with the generator. Fused GPU kernels
    that seed their dropout internally cannot be served, and the mode warns
    when one of them drops units: ``scaled_dot_product_attention`` with
    ``dropout_p > 0`` on CUDA (flash, memory-efficient and cuDNN
    attention), and the dropout between the layers of ``nn.LSTM``,
    ``nn.GRU`` and ``nn.RNN`` on cuDNN (and MIOpen); on the CPU both
    decompose into operations that are served.

    Parameters
    ----------
    seed : int
        Seed of the generators.

    Examples
    --------
    >>> import torch
    >>> from imblearn_deepsmote.utils import PrivateGeneratorMode
    >>> state = torch.random.get_rng_state()
    >>> with PrivateGeneratorMode(0):
    ...     first = torch.nn.Linear(3, 2).weight
    >>> with PrivateGeneratorMode(0):
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

    def generator(self, device: torch.device | str = "cpu") -> torch.Generator | None:
        """The mode's generator for ``device`` (created on first use).

        The package's own draws (shuffling, penalty batches, Mixup
        permutations) take it explicitly. ``None`` for the ``meta`` device,
        whose tensors hold no data and draw nothing.
        """
        device = torch.device(device)
        if device.type == "meta":
            return None
        if device.type == "cuda" and device.index is None:
            device = torch.device("cuda", torch.cuda.current_device())
        if device not in self._generators:
            generator = torch.Generator(device=device)
            generator.manual_seed(self.seed)
            self._generators[device] = generator
        return self._generators[device]

    def __torch_dispatch__(self, func, types, args=(), kwargs=None):
        plan = _PLANS.get(func)
        if plan is None:
            plan = _PLANS[func] = _plan(func)
        if plan is _PASS:
            return func(*args, **(kwargs or {}))
        return plan(self, func, args, kwargs or {})
