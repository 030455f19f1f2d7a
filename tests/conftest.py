"""Shared test settings."""

import pytest
import torch


@pytest.fixture(autouse=True)
def one_torch_thread():
    """Train the tests' tiny networks on one thread.

    On a 2-core machine, thread hand-offs cost more than they save for such
    networks, and a second busy process makes them much slower still.
    """
    threads = torch.get_num_threads()
    torch.set_num_threads(1)
    yield
    torch.set_num_threads(threads)
