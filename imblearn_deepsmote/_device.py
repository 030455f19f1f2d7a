"""Device resolution and seeding helpers shared by the sampler and the classifier."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator

import numpy as np
import torch
from sklearn.utils import check_random_state


def resolve_device(
    device: str | torch.device, *, param_name: str = "device"
) -> torch.device:
    """Turn a ``device`` parameter into a :class:`torch.device`.

    ``"auto"`` picks CUDA when it is available and the CPU otherwise. Any other
    value must be understood by :class:`torch.device`; asking for CUDA on a
    machine without it raises a :class:`ValueError` instead of a torch error
    deep inside training.
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
    """Draw a 63-bit seed for torch from a numpy random state specification."""
    return int(check_random_state(random_state).randint(np.iinfo(np.int32).max))


@contextlib.contextmanager
def seeded_torch(seed: int, device: torch.device) -> Iterator[None]:
    """Seed torch inside the block and restore its global RNG state afterwards."""
    devices = [device.index or 0] if device.type == "cuda" else []
    with torch.random.fork_rng(devices=devices):
        torch.manual_seed(seed)
        yield


def torch_generator(seed: int) -> torch.Generator:
    """A CPU :class:`torch.Generator` seeded with ``seed`` (for shuffles and draws)."""
    generator = torch.Generator()
    generator.manual_seed(seed)
    return generator
