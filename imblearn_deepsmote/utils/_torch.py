"""Devices and CPU threads for the package's torch estimators."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator

import torch

__all__ = ["limit_threads", "resolve_device"]


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
