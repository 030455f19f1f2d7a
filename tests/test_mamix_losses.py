"""MAMix label weights, DRW weights and the MAMix loss."""

import numpy as np
import pytest
import torch
from numpy.testing import assert_allclose, assert_array_equal
from torch.nn import functional as F

from imblearn_deepsmote import MAMixLoss, drw_weights, mamix_weights

LAMBDAS = [0.10, 0.25, 0.50, 0.75, 0.90]

# (n_anchor, n_partner, mu, weights at LAMBDAS): the worked table of mamix.md
WORKED_TABLE = [
    (5000, 50, 0.240, [0.792, 0.494, 0.329, 0.165, 0.066]),
    (5000, 500, 0.360, [0.861, 0.653, 0.391, 0.195, 0.078]),
    (700, 700, 0.500, [0.90, 0.75, 0.50, 0.25, 0.10]),
    (50, 5000, 0.760, [0.934, 0.835, 0.671, 0.506, 0.208]),
]


def pivot(n_anchor, n_partner, ratio=-0.25):
    return 1 / (1 + (n_anchor / n_partner) ** (-ratio))


@pytest.mark.parametrize(("n_anchor", "n_partner", "mu", "expected"), WORKED_TABLE)
def test_mamix_weights_reproduce_the_worked_table(n_anchor, n_partner, mu, expected):
    assert pivot(n_anchor, n_partner) == pytest.approx(mu, abs=5e-4)
    weights = mamix_weights(LAMBDAS, n_anchor, n_partner)
    assert_allclose(weights, expected, atol=5e-4)


@pytest.mark.parametrize("count", [1, 7, 50, 123456])
def test_mamix_weights_equal_mixup_exactly_for_equal_counts(count):
    lam = np.linspace(0, 1, 101)
    assert_array_equal(mamix_weights(lam, count, count), 1 - lam)
    lam_t = torch.linspace(0, 1, 101, dtype=torch.float64)
    assert torch.equal(mamix_weights(lam_t, count, count), 1 - lam_t)


def test_mamix_weights_are_one_half_at_the_pivot():
    for n_anchor, n_partner in [(5000, 50), (50, 5000), (3, 11), (8, 8)]:
        mu = pivot(np.float64(n_anchor), np.float64(n_partner))
        assert mamix_weights(mu, n_anchor, n_partner) == 0.5
        assert mamix_weights(torch.tensor(mu), n_anchor, n_partner).item() == 0.5


def test_mamix_weights_lie_in_unit_interval_and_decrease_in_lambda():
    lam = np.linspace(0, 1, 1001)
    for n_anchor, n_partner in [(5000, 50), (50, 5000), (1, 10**6), (10**6, 1)]:
        weights = mamix_weights(lam, n_anchor, n_partner)
        assert weights[0] == 1.0 and weights[-1] == 0.0
        assert np.all((weights >= 0) & (weights <= 1))
        assert np.all(np.diff(weights) <= 0)


def test_mamix_weights_give_the_minority_anchor_the_larger_label_share():
    lam = np.linspace(0.01, 0.99, 99)
    assert np.all(mamix_weights(lam, 50, 5000) > mamix_weights(lam, 5000, 50))


def test_mamix_weights_numpy_and_torch_agree_elementwise():
    rng = np.random.default_rng(0)
    lam = rng.uniform(size=64)
    n_anchor = rng.integers(1, 5000, size=64)
    n_partner = rng.integers(1, 5000, size=64)
    expected = mamix_weights(lam, n_anchor, n_partner)
    got = mamix_weights(torch.from_numpy(lam), torch.from_numpy(n_anchor), n_partner)
    assert isinstance(got, torch.Tensor) and got.dtype == torch.float64
    assert_allclose(got.numpy(), expected, rtol=1e-12)
    got32 = mamix_weights(torch.from_numpy(lam).float(), n_anchor, n_partner)
    assert got32.dtype == torch.float32
    assert_allclose(got32.numpy(), expected, rtol=1e-5, atol=1e-6)


def test_mamix_weights_ratio_zero_is_mixup_whatever_the_counts():
    lam = np.linspace(0, 1, 11)
    assert_allclose(mamix_weights(lam, 5000, 50, ratio=0.0), 1 - lam)


def test_drw_weights_are_ones_for_equal_counts():
    assert_array_equal(drw_weights([37, 37, 37, 37]), np.ones(4))
    assert_array_equal(drw_weights([10, 500], beta=0.0), np.ones(2))


@pytest.mark.parametrize("beta", [0.9, 0.999, 0.9999])
def test_drw_weights_sum_to_the_number_of_classes_and_never_favour_big_classes(beta):
    counts = np.array([5000, 500, 50, 5])
    weights = drw_weights(counts, beta=beta)
    assert weights.sum() == pytest.approx(len(counts))
    assert np.all(np.diff(weights) >= 0) and weights[-1] > weights[0]
    effective_number = (1 - beta**counts) / (1 - beta)
    assert_allclose(weights, (1 / effective_number) * 4 / (1 / effective_number).sum())


@pytest.mark.parametrize("counts", [[0, 5], [-1, 3], [np.nan, 3], []])
def test_drw_weights_reject_non_positive_counts(counts):
    with pytest.raises(ValueError, match="class_counts"):
        drw_weights(counts)


def _batch(seed=0, n=16, n_classes=3):
    generator = torch.Generator().manual_seed(seed)
    logits = torch.randn(n, n_classes, generator=generator, dtype=torch.float64)
    target = torch.randint(n_classes, (n,), generator=generator)
    perm = torch.randperm(n, generator=generator)
    return logits, target, perm


@pytest.mark.parametrize("lam", [0.0, 0.3, 0.5, 0.8, 1.0])
def test_mamix_loss_with_equal_counts_equals_the_mixup_loss(lam):
    logits, target, perm = _batch()
    criterion = MAMixLoss(class_counts=[40, 40, 40])
    loss = criterion(logits, target, partner_target=target[perm], lam=lam)
    mixup = (1 - lam) * F.cross_entropy(logits, target) + lam * F.cross_entropy(
        logits, target[perm]
    )
    assert loss.item() == pytest.approx(mixup.item(), rel=1e-12)
    without_counts = MAMixLoss()(logits, target, partner_target=target[perm], lam=lam)
    assert without_counts.item() == pytest.approx(mixup.item(), rel=1e-12)


def test_mamix_loss_weights_each_sample_by_mamix_weights():
    logits, target, perm = _batch(seed=1)
    counts = torch.tensor([900.0, 90.0, 9.0])
    lam = 0.35
    criterion = MAMixLoss(class_counts=counts, reduction="none")
    loss = criterion(logits, target, partner_target=target[perm], lam=lam)
    w = mamix_weights(lam, counts[target].numpy(), counts[target[perm]].numpy())
    ce_anchor = F.cross_entropy(logits, target, reduction="none").numpy()
    ce_partner = F.cross_entropy(logits, target[perm], reduction="none").numpy()
    assert_allclose(loss.numpy(), w * ce_anchor + (1 - w) * ce_partner, rtol=1e-12)
    mean = MAMixLoss(class_counts=counts)(
        logits, target, partner_target=target[perm], lam=lam
    )
    assert mean.item() == pytest.approx(loss.mean().item(), rel=1e-12)


def test_mamix_loss_counts_passed_per_call_override_the_buffer():
    logits, target, perm = _batch(seed=2)
    counts = [900, 90, 9]
    stored = MAMixLoss(class_counts=counts)(
        logits, target, partner_target=target[perm], lam=0.4
    )
    per_call = MAMixLoss(class_counts=[1, 1, 1])(
        logits,
        target,
        partner_target=target[perm],
        lam=0.4,
        class_counts=torch.tensor(counts),
    )
    assert per_call.item() == pytest.approx(stored.item(), rel=1e-12)


def test_mamix_loss_without_mixing_is_the_weighted_cross_entropy():
    logits, target, _ = _batch(seed=3)
    weight = torch.tensor([0.2, 1.0, 1.8], dtype=torch.float64)
    criterion = MAMixLoss(class_counts=[900, 90, 9], weight=weight.numpy())
    criterion = criterion.double()
    expected = F.cross_entropy(logits, target, weight=weight)
    assert criterion(logits, target).item() == pytest.approx(expected.item(), rel=1e-6)
    # a CrossEntropyLoss, so skorch's predict_proba applies a softmax
    assert isinstance(criterion, torch.nn.CrossEntropyLoss)


def test_mamix_loss_drw_weights_multiply_each_term_by_its_own_class_weight():
    logits, target, perm = _batch(seed=4)
    weight = np.array([0.5, 1.0, 1.5])
    lam = 0.6
    criterion = MAMixLoss(weight=weight, reduction="none").double()
    loss = criterion(logits, target, partner_target=target[perm], lam=lam)
    ce = F.cross_entropy(logits, target, reduction="none").numpy()
    ce_perm = F.cross_entropy(logits, target[perm], reduction="none").numpy()
    expected = (1 - lam) * weight[target] * ce + lam * weight[target[perm]] * ce_perm
    assert_allclose(loss.detach().numpy(), expected, rtol=1e-12)


def test_mamix_loss_set_class_weights_replaces_the_buffer_in_place():
    criterion = MAMixLoss(class_counts=[10, 20, 30], weight=[1.0, 1.0, 1.0])
    buffer = criterion.weight
    criterion.set_class_weights([0.5, 1.0, 1.5])
    assert criterion.weight is buffer
    assert_allclose(criterion.weight.numpy(), [0.5, 1.0, 1.5])
    assert "weight" in dict(criterion.named_buffers())
    assert list(criterion.parameters()) == []
    criterion.set_class_weights(None)
    assert criterion.weight is None
    criterion.set_class_weights([2.0, 1.0, 0.0])
    assert_allclose(criterion.weight.numpy(), [2.0, 1.0, 0.0])


def test_mamix_loss_needs_both_partner_target_and_lambda():
    logits, target, perm = _batch()
    with pytest.raises(ValueError, match="both"):
        MAMixLoss()(logits, target, partner_target=target[perm])
    with pytest.raises(ValueError, match="both"):
        MAMixLoss()(logits, target, lam=0.5)


def test_mamix_loss_backpropagates_to_the_logits_only():
    logits, target, perm = _batch()
    logits.requires_grad_(True)
    criterion = MAMixLoss(class_counts=[900, 90, 9])
    criterion(logits, target, partner_target=target[perm], lam=0.3).backward()
    assert logits.grad is not None and torch.isfinite(logits.grad).all()
