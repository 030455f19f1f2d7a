"""Shared helpers: image shapes, random streams, thread limits, batches."""

import re
import threading
import warnings

import numpy as np
import pytest
import torch

from imblearn_deepsmote.utils import (
    PrivateGeneratorMode,
    TensorBatches,
    limit_threads,
    resolve_image_shape,
)
from imblearn_deepsmote.utils._private_generator import (
    UNCOVERED_RANDOM_OPS,
    _plan,
    _warn_when_drawing,
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


def test_private_generators_serve_init_shuffles_and_dropout_not_the_global_rng():
    state = torch.random.get_rng_state()

    def draw(seed):
        with PrivateGeneratorMode(seed):
            layer = torch.nn.Linear(4, 4)
            mask = torch.nn.functional.dropout(torch.ones(100), p=0.5)
            order = torch.randperm(10)
        return layer.weight, mask, order

    first, second, other = draw(0), draw(0), draw(1)
    assert all(torch.equal(a, b) for a, b in zip(first, second, strict=True))
    assert not torch.equal(first[0], other[0])
    assert set(first[1].tolist()) == {0.0, 2.0}  # inverted dropout scaling
    assert torch.equal(state, torch.random.get_rng_state())


def test_private_generators_per_channel_dropout_drops_whole_channels():
    with PrivateGeneratorMode(0):
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
    batches = TensorBatches(
        Dataset(X, np.arange(21)),
        batch_size=4,
        shuffle=shuffle,
        generator=torch.Generator().manual_seed(0),
    )
    rows = [x for x, _ in batches]
    seen = torch.cat(rows).flatten().tolist()
    if shuffle:  # a last batch of one row is dropped: batch norm cannot train on it
        assert len(rows) == len(batches) == 5 and len(set(seen)) == len(seen) == 20
    else:
        assert len(rows) == len(batches) == 6 and seen == list(range(21))


def _every_kind_of_draw():
    """Random draws that Python-level functions make: all must be served."""
    F = torch.nn.functional
    x = torch.ones(6, 4, 3, 3)
    draws = [
        F.dropout(x, 0.3),
        F.alpha_dropout(x, 0.3, training=True),
        F.feature_alpha_dropout(x, 0.3, training=True),
        F.dropout2d(x, 0.3),
        F.rrelu(x - 2, training=True),
        F.gumbel_softmax(x),
        torch.distributions.Beta(torch.ones(5), torch.ones(5)).sample(),
        torch.distributions.Gamma(torch.ones(5), 1.0).sample(),
        torch.distributions.Dirichlet(torch.ones(5)).sample(),
        torch.randn(3),
        torch.rand(3),
        torch.randint(5, (3,)),
        torch.randint(2, 5, (3,)),
        torch.randperm(5),
        torch.rand_like(x),
        torch.randn_like(x),
        torch.randint_like(x, 5),
        torch.rand(3, out=torch.empty(3)),
        torch.multinomial(torch.ones(5), 3),
        torch.normal(torch.zeros(3), 1.0),
        torch.normal(0.0, 1.0, (3,)),
        torch.poisson(torch.ones(3)),
        torch.bernoulli(torch.full((3,), 0.5)),
        torch.binomial(torch.full((3,), 5.0), torch.full((3,), 0.5)),
        torch.empty(3).geometric_(0.3),
        torch.nn.Linear(3, 3).weight,
        torch.nn.init.xavier_normal_(torch.empty(3, 3)),
    ]
    for method in ("uniform_", "normal_", "exponential_", "cauchy_", "log_normal_"):
        draws.append(getattr(torch.empty(3), method)())
    draws.append(torch.empty(3).random_(100))
    kept, mask = torch.ops.aten.native_dropout(torch.ones(50), 0.4, True)
    return [d.detach().float() for d in (*draws, kept, mask)]


def test_private_generators_serve_draws_of_python_level_functions_in_any_thread():
    state = torch.random.get_rng_state()
    runs = []
    for global_seed in (1, 2):
        torch.manual_seed(global_seed)  # must not matter
        with PrivateGeneratorMode(0):
            runs.append(_every_kind_of_draw())
    with PrivateGeneratorMode(1):
        other = _every_kind_of_draw()
    torch.random.set_rng_state(state)
    first, second = runs
    assert all(torch.equal(a, b) for a, b in zip(first, second, strict=True))
    assert not any(
        torch.equal(a, b) for a, b in zip(first[:-2], other[:-2], strict=True)
    )
    # the global state is neither read nor changed
    with PrivateGeneratorMode(0):
        _every_kind_of_draw()
    assert torch.equal(state, torch.random.get_rng_state())

    results = [None] * 4
    stop = threading.Event()

    def draw_globally():  # a neighbour thread that uses the global generator
        while not stop.is_set():
            torch.rand(100)

    def draw_privately(i):
        with PrivateGeneratorMode(0):
            results[i] = _every_kind_of_draw()

    neighbour = threading.Thread(target=draw_globally)
    neighbour.start()
    threads = [threading.Thread(target=draw_privately, args=(i,)) for i in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    stop.set()
    neighbour.join()
    for result in results:
        assert all(torch.equal(a, b) for a, b in zip(first, result, strict=True))


def test_native_dropout_is_computed_with_the_private_generator():
    x = torch.randn(200, requires_grad=True)
    with PrivateGeneratorMode(0):
        out, mask = torch.ops.aten.native_dropout(x, 0.25, True)
        dropped, none_kept = torch.ops.aten.native_dropout(x, 1.0, True)
        same, all_kept = torch.ops.aten.native_dropout(x, 0.25, False)
    assert mask.dtype == torch.bool and 0 < mask.sum() < 200
    assert torch.allclose(out, x * mask / 0.75)
    out.sum().backward()
    assert torch.allclose(x.grad, mask / 0.75)
    assert not none_kept.any() and not dropped.any()
    assert all_kept.all() and torch.equal(same, x)


def test_an_operation_the_mode_cannot_serve_warns_when_it_drops_units():
    q = torch.randn(1, 2, 4, 8)
    flash = torch.ops.aten._scaled_dot_product_flash_attention_for_cpu.default
    with PrivateGeneratorMode(0), warnings.catch_warnings():
        warnings.simplefilter("error")
        flash(q, q, q, 0.0)  # no dropout: nothing drawn, no warning
        with pytest.warns(UserWarning, match="torch's default generator"):
            with pytest.raises(RuntimeError):  # the CPU kernel refuses dropout
                flash(q, q, q, 0.5)


# seeded operations that reach the mode without a generator but draw nothing
_DRAW_NOTHING = {
    "_flash_attention_forward_no_dropout_inplace",
    "_scaled_dot_product_flash_attention_for_cpu",  # refuses dropout_p > 0
}


def test_every_random_operation_is_served_or_listed_as_uncovered():
    """The documented list of operations the mode cannot serve is complete."""
    unserved = set()  # (name, overload) of seeded operations the mode warns on
    for name in dir(torch.ops.aten):
        packet = getattr(torch.ops.aten, name, None)
        if not isinstance(packet, torch._ops.OpOverloadPacket):
            continue
        for overload in packet.overloads():
            op = getattr(packet, overload)
            if torch.Tag.nondeterministic_seeded not in op.tags:
                continue
            if torch._C._dispatch_has_kernel_for_dispatch_key(
                op.name(), "CompositeImplicitAutograd"
            ):
                continue  # decomposes into operations that are served
            if _plan(op) is _warn_when_drawing and name not in _DRAW_NOTHING:
                unserved.add((name, overload))
    listed = set(UNCOVERED_RANDOM_OPS)  # "name" (every overload) or "name.overload"
    assert all(
        name in listed or f"{name}.{overload}" in listed for name, overload in unserved
    ), sorted(unserved)
    names = {name for name, _ in unserved} | {f"{n}.{o}" for n, o in unserved}
    assert listed <= names  # nothing listed that this torch lacks or serves
    assert ("native_dropout", "default") not in unserved  # computed by the mode


def test_modules_built_on_the_meta_device_need_no_generator():
    with PrivateGeneratorMode(0):
        layer = torch.nn.Linear(3, 2, device="meta")
        noise = torch.randn(4, device="meta")
    assert layer.weight.is_meta and noise.is_meta
