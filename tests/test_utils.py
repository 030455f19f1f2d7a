"""Shared helpers: image shapes, random streams, thread limits, batches."""

import re

import numpy as np
import pytest
import torch

from imblearn_deepsmote.utils import (
    PrivateRNG,
    TensorBatches,
    limit_threads,
    resolve_image_shape,
)


@pytest.mark.parametrize(
    "image_shape, n_features, expected",
    [
        (None, 30, None),
        ("square", 64, (1, 8, 8)),
        ("square", 784, (1, 28, 28)),
        ((28, 28), 784, (1, 28, 28)),
        ((3, 8, 10), 240, (3, 8, 10)),
        ([1, 9, 9], 81, (1, 9, 9)),
        ((np.int64(1), np.int64(8), np.int64(8)), 64, (1, 8, 8)),
    ],
)
def test_resolve_image_shape_accepts_valid_shapes(image_shape, n_features, expected):
    resolved = resolve_image_shape(image_shape, n_features)
    assert resolved == expected
    assert resolved is None or all(type(v) is int for v in resolved)


@pytest.mark.parametrize(
    "image_shape, n_features, message",
    [
        (
            (1, 8, 8),
            30,
            "image_shape=(1, 8, 8) describes 1*8*8=64 values per row but X has 30",
        ),
        (
            (8, 9),
            64,
            "image_shape=(1, 8, 9) describes 1*8*9=72 values per row but X has 64",
        ),
        (
            (1, 5, 5),
            25,
            "image_shape=(1, 5, 5) has height=5 and width=5; both must be at least 8",
        ),
        ((4, 16), 64, "image_shape=(1, 4, 16) has height=4"),
        (
            "square",
            30,
            "image_shape='square' needs a perfect-square number of features; X has 30",
        ),
        ("square", 49, "image_shape=(1, 7, 7) has height=7 and width=7"),
        ((1, 0, 8), 0, "image_shape must be None, 'square' or a tuple"),
        ((1, -8, -8), 64, "image_shape must be None, 'square' or a tuple"),
        ((1, 8.0, 8), 64, "image_shape must be None, 'square' or a tuple"),
        ((True, 8, 8), 64, "image_shape must be None, 'square' or a tuple"),
        ((64,), 64, "image_shape must be None, 'square' or a tuple"),
        ((1, 1, 8, 8), 64, "image_shape must be None, 'square' or a tuple"),
        ("rectangle", 64, "image_shape must be None, 'square' or a tuple"),
        (64, 64, "image_shape must be None, 'square' or a tuple"),
    ],
)
def test_resolve_image_shape_rejects_invalid_shapes(image_shape, n_features, message):
    with pytest.raises(ValueError, match=re.escape(message)):
        resolve_image_shape(image_shape, n_features)


def test_resolve_image_shape_min_side_is_configurable():
    assert resolve_image_shape((4, 4), 16, min_side=4) == (1, 4, 4)
    assert resolve_image_shape("square", 16, min_side=1) == (1, 4, 4)


def test_private_rng_serves_init_shuffles_and_dropout_without_the_global_rng():
    state = torch.random.get_rng_state()

    def draw(seed):
        with PrivateRNG(seed):
            layer = torch.nn.Linear(4, 4)
            mask = torch.nn.functional.dropout(torch.ones(100), p=0.5)
            order = torch.randperm(10)
        return layer.weight, mask, order

    first, second, other = draw(0), draw(0), draw(1)
    assert all(torch.equal(a, b) for a, b in zip(first, second, strict=True))
    assert not torch.equal(first[0], other[0])
    assert set(first[1].tolist()) == {0.0, 2.0}  # inverted dropout scaling
    assert torch.equal(state, torch.random.get_rng_state())


def test_private_rng_per_channel_dropout_drops_whole_channels():
    with PrivateRNG(0):
        out = torch.nn.functional.dropout2d(torch.ones(4, 8, 3, 3), p=0.5)
    per_channel = out.flatten(2)
    assert torch.all(per_channel.min(dim=2).values == per_channel.max(dim=2).values)


def test_limit_threads_lowers_the_count_in_the_block_and_restores_it():
    torch.set_num_threads(2)
    with limit_threads(1):
        assert torch.get_num_threads() == 1
    assert torch.get_num_threads() == 2
    with limit_threads(None), limit_threads(4):
        assert torch.get_num_threads() == 2


@pytest.mark.parametrize("shuffle", [False, True])
def test_tensor_batches_cover_every_row_once(shuffle):
    from skorch.dataset import Dataset

    X = np.arange(21, dtype=np.float32).reshape(-1, 1)
    batches = TensorBatches(Dataset(X, np.arange(21)), batch_size=4, shuffle=shuffle)
    with PrivateRNG(0):
        rows = [x for x, _ in batches]
    seen = torch.cat(rows).flatten().tolist()
    if shuffle:  # a last batch of one row is dropped: batch norm cannot train on it
        assert len(rows) == len(batches) == 5 and len(set(seen)) == len(seen) == 20
    else:
        assert len(rows) == len(batches) == 6 and seen == list(range(21))
