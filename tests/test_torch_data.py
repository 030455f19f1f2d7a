"""OverSampledDataset; the autoencoder trained on a torch Dataset a batch at a time."""

import pickle

import numpy as np
import pytest
import torch
from imblearn.over_sampling import ADASYN, SMOTE, RandomOverSampler
from imblearn.under_sampling import RandomUnderSampler
from sklearn.decomposition import PCA
from sklearn.preprocessing import QuantileTransformer

from imblearn_deepsmote import Autoencoder, DeepSMOTE
from imblearn_deepsmote.torch import OverSampledDataset
from imblearn_deepsmote.utils._items import CHUNK, ItemReader

COUNTS = (300, 12, 8)  # the majority is larger than a read of CHUNK items


class Images(torch.utils.data.Dataset):
    """(tensor image, int label) items, recording every index read."""

    def __init__(self, X, y):
        self.X, self.y, self.reads = X, y, []

    def __len__(self):
        return len(self.X)

    def __getitem__(self, index):
        self.reads.append(int(index))
        return torch.from_numpy(self.X[index]), int(self.y[index])


def make_images(counts=COUNTS, shape=(1, 8, 8), dtype=np.float32, seed=0):
    rng = np.random.default_rng(seed)
    y = np.repeat(np.arange(len(counts)), counts)
    X = rng.random((len(y), *shape)) + y.reshape(-1, *[1] * len(shape))
    if np.dtype(dtype).kind == "u":
        X = X * 60
    return X.astype(dtype), y


def tiny_deepsmote(**autoencoder):
    return DeepSMOTE(
        autoencoder=Autoencoder(max_epochs=2, device="cpu", **autoencoder),
        random_state=0,
    )


# --------------------------------------------------------------------------- #
# the dataset contract                                                        #
# --------------------------------------------------------------------------- #
@pytest.mark.parametrize("sampler", [SMOTE(random_state=0), tiny_deepsmote()])
def test_original_items_come_first_untouched_then_new_items_of_the_same_form(sampler):
    X, y = make_images()
    dataset = Images(X.copy(), y)
    balanced = OverSampledDataset(dataset, sampler, labels=y)
    n_new = 2 * COUNTS[0] - COUNTS[1] - COUNTS[2]
    assert len(balanced) == len(y) + n_new
    for index in (0, 5, len(y) - 1):
        x, label = balanced[index]
        assert torch.equal(x, torch.from_numpy(X[index])) and label == y[index]
    np.testing.assert_array_equal(dataset.X, X)  # the data is never written
    new_labels = [balanced[i][1] for i in range(len(y), len(balanced))]
    assert new_labels == [1] * (COUNTS[0] - COUNTS[1]) + [2] * (COUNTS[0] - COUNTS[2])
    np.testing.assert_array_equal(balanced.targets, np.r_[y, new_labels])
    x_new, label_new = balanced[len(balanced) - 1]
    assert isinstance(x_new, torch.Tensor) and x_new.dtype == torch.float32
    assert x_new.shape == (1, 8, 8) and isinstance(label_new, int)
    assert torch.equal(balanced[-1][0], x_new)
    with pytest.raises(IndexError):
        balanced[len(balanced)]


def test_new_items_keep_the_form_of_numpy_samples_and_tensor_labels():
    X, y = make_images(dtype=np.uint8)
    dataset = torch.utils.data.TensorDataset(torch.from_numpy(X), torch.from_numpy(y))
    balanced = OverSampledDataset(dataset, SMOTE(random_state=0))
    x, label = balanced[len(y)]
    assert x.dtype == torch.uint8 and label.dtype == torch.int64 and label.ndim == 0

    class Arrays(Images):
        def __getitem__(self, index):
            return self.X[index], self.y[index]

    balanced = OverSampledDataset(Arrays(X, y), SMOTE(random_state=0), labels=y)
    x, _ = balanced[len(y)]
    assert isinstance(x, np.ndarray) and x.dtype == np.uint8


def test_labels_come_from_the_parameter_then_targets_then_the_items():
    X, y = make_images()
    dataset = Images(X, y)
    dataset.targets = y.tolist()
    OverSampledDataset(dataset, RandomOverSampler(random_state=0))
    assert dataset.reads == [0]  # targets given: only item 0, for its form
    del dataset.targets
    dataset.reads.clear()
    balanced = OverSampledDataset(dataset, RandomOverSampler(random_state=0))
    assert sorted(set(dataset.reads)) == list(range(len(y)))
    # labels= wins over the items' own labels
    relabelled = OverSampledDataset(
        dataset, RandomOverSampler(random_state=0), labels=np.where(y == 0, 0, 1)
    )
    assert len(balanced) == 900 and len(relabelled) == 600


# --------------------------------------------------------------------------- #
# what each kind of sampler reads and keeps                                   #
# --------------------------------------------------------------------------- #
def test_random_over_sampling_reads_no_sample_and_adds_no_pixels():
    X, y = make_images()
    dataset = Images(X, y)
    balanced = OverSampledDataset(dataset, RandomOverSampler(random_state=0), labels=y)
    assert dataset.reads == [0]  # item 0 gives the form of the items
    assert balanced.new_samples is None
    sources = balanced.new_sources
    assert len(sources) == len(balanced) - len(y)
    reference = RandomOverSampler(random_state=0)
    reference.fit_resample(X.reshape(len(y), -1), y)
    np.testing.assert_array_equal(sources, reference.sample_indices_[len(y) :])
    x, label = balanced[len(y) + 3]
    assert torch.equal(x, torch.from_numpy(X[sources[3]])) and label == y[sources[3]]


def test_smote_reads_only_the_classes_it_over_samples_and_makes_what_it_would():
    X, y = make_images()
    dataset = Images(X, y)
    balanced = OverSampledDataset(dataset, SMOTE(random_state=0), labels=y)
    majority_reads = [i for i in dataset.reads if y[i] == 0]
    assert len(majority_reads) <= 2  # item 0, and one item of another class
    rows, y_res = SMOTE(random_state=0).fit_resample(X.reshape(len(y), -1), y)
    np.testing.assert_array_equal(
        balanced.new_samples.reshape(len(balanced.new_samples), -1), rows[len(y) :]
    )
    np.testing.assert_array_equal(balanced.targets, y_res)


def test_samplers_that_look_at_other_classes_see_every_item():
    X, y = make_images(counts=(60, 30))
    X = np.random.default_rng(0).random(X.shape).astype(np.float32)  # overlapping
    dataset = Images(X, y)
    OverSampledDataset(dataset, ADASYN(random_state=0), labels=y)
    assert sorted(set(dataset.reads)) == list(range(len(y)))


def test_deepsmote_streams_the_majority_a_batch_at_a_time(monkeypatch):
    X, y = make_images()
    reads = []
    original_read = ItemReader.read

    def recording_read(self, indices):
        reads.append(np.asarray(indices).copy())
        return original_read(self, indices)

    monkeypatch.setattr(ItemReader, "read", recording_read)
    dataset = Images(X, y)
    sampler = tiny_deepsmote(batch_size=16)
    OverSampledDataset(dataset, sampler, labels=y)
    majority_per_read = [np.sum(y[indices] == 0) for indices in reads]
    assert max(majority_per_read) <= CHUNK < COUNTS[0]
    # training batches are batches: 16 items at most
    assert sum(1 for indices in reads if 1 < len(indices) <= 16) >= 2 * COUNTS[0] // 16
    # each majority item: the scaling pass, 2 epochs, the encoding pass
    counts = np.bincount(dataset.reads, minlength=len(y))
    assert set(counts[1 : COUNTS[0]]) == {4}
    # the over-sampled classes are read once more, whole, for their residuals
    assert set(counts[COUNTS[0] :]) == {5}


@pytest.mark.parametrize("dtype", [np.float32, np.uint8])
def test_deepsmote_over_a_dataset_makes_what_fit_resample_makes_on_the_array(dtype):
    X, y = make_images(dtype=dtype)
    balanced = OverSampledDataset(Images(X, y), tiny_deepsmote(), labels=y)
    X_res, y_res = tiny_deepsmote().fit_resample(X, y)
    np.testing.assert_array_equal(balanced.new_samples, X_res[len(y) :])
    np.testing.assert_array_equal(balanced.targets, y_res)
    assert balanced.sampler_.latent_noise_ > 0  # the latent steps ran


def test_deepsmote_after_a_fallback_gives_the_samples_of_smote(monkeypatch):
    # no latent noise found (as on the ELPV cells): SMOTE on the rows
    from imblearn_deepsmote.deepsmote._latent import LatentGenerator

    monkeypatch.setattr(
        LatentGenerator, "recognised_noise_scale", lambda self, n_new, rs: 0.0
    )
    X, y = make_images()
    sampler = tiny_deepsmote()
    X_res, _ = sampler.fit_resample(X, y)
    assert sampler.fallback_sampler_ is not None
    balanced = OverSampledDataset(Images(X, y), sampler, labels=y)
    np.testing.assert_array_equal(balanced.new_samples, X_res[len(y) :])
    refreshed = balanced.refresh(0).new_samples
    assert refreshed.shape == X_res[len(y) :].shape
    assert not np.array_equal(refreshed, X_res[len(y) :])


def test_autoencoder_trains_on_a_dataset_exactly_as_on_the_array():
    X, y = make_images(counts=(90, 40))
    streamed = Autoencoder(max_epochs=2, random_state=0, device="cpu")
    streamed.fit(Images(X, y))
    whole = Autoencoder(max_epochs=2, random_state=0, device="cpu").fit(X)
    assert streamed.history_[:, "train_loss"] == whole.history_[:, "train_loss"]
    np.testing.assert_array_equal(streamed.transform(X), whole.transform(X))
    assert streamed.image_shape_ == (1, 8, 8) and streamed.n_features_in_ == 64


def test_autoencoder_class_loss_reads_the_labels_of_the_items():
    X, y = make_images(counts=(90, 40))
    params = {"max_epochs": 2, "random_state": 0, "device": "cpu"}
    streamed = Autoencoder(class_loss_weight=1.0, **params).fit(Images(X, y))
    whole = Autoencoder(class_loss_weight=1.0, **params).fit(X, y)
    assert streamed.history_[:, "train_loss"] == whole.history_[:, "train_loss"]


# --------------------------------------------------------------------------- #
# pickling, randomness, fresh items                                           #
# --------------------------------------------------------------------------- #
def test_dataloader_workers_see_the_same_items():
    X, y = make_images(counts=(40, 10))
    balanced = OverSampledDataset(Images(X, y), SMOTE(random_state=0), labels=y)
    in_process = [balanced[i] for i in range(len(balanced))]
    loader = torch.utils.data.DataLoader(balanced, batch_size=16, num_workers=2)
    xs, labels = zip(*loader, strict=True)
    assert torch.equal(torch.cat(xs), torch.stack([x for x, _ in in_process]))
    assert torch.cat(labels).tolist() == [label for _, label in in_process]


def test_a_deepsmote_dataset_pickles_with_its_new_items():
    X, y = make_images()
    balanced = OverSampledDataset(Images(X, y), tiny_deepsmote(), labels=y)
    copy = pickle.loads(pickle.dumps(balanced))
    np.testing.assert_array_equal(copy.new_samples, balanced.new_samples)
    assert torch.equal(copy[len(balanced) - 1][0], balanced[len(balanced) - 1][0])


@pytest.mark.parametrize("sampler", [SMOTE, RandomOverSampler])
def test_an_int_random_state_builds_the_same_dataset(sampler):
    X, y = make_images()
    first = OverSampledDataset(Images(X, y), sampler(random_state=3), labels=y)
    again = OverSampledDataset(Images(X, y), sampler(random_state=3), labels=y)
    other = OverSampledDataset(Images(X, y), sampler(random_state=4), labels=y)
    same = [torch.equal(first[i][0], again[i][0]) for i in range(len(first))]
    assert all(same)
    assert not all(torch.equal(first[i][0], other[i][0]) for i in range(len(first)))


@pytest.mark.parametrize(
    "sampler", [SMOTE(random_state=0), RandomOverSampler(random_state=0)]
)
def test_refresh_draws_new_items_and_keeps_the_originals(sampler):
    X, y = make_images()
    balanced = OverSampledDataset(Images(X, y), sampler, labels=y)
    before = [balanced[i][0] for i in range(len(balanced))]
    targets = balanced.targets.copy()
    balanced.refresh()
    after = [balanced[i][0] for i in range(len(balanced))]
    assert all(torch.equal(a, b) for a, b in zip(before[: len(y)], after, strict=False))
    assert not all(
        torch.equal(a, b)
        for a, b in zip(before[len(y) :], after[len(y) :], strict=True)
    )
    np.testing.assert_array_equal(balanced.targets, targets)
    # a seed gives the same fresh items every time; refreshes from an int
    # random_state follow the same sequence
    first = OverSampledDataset(Images(X, y), sampler, labels=y).refresh()
    second = OverSampledDataset(Images(X, y), sampler, labels=y).refresh()
    assert all(torch.equal(first[i][0], second[i][0]) for i in range(len(first)))
    first.refresh(7), second.refresh().refresh(7)
    assert all(torch.equal(first[i][0], second[i][0]) for i in range(len(first)))


def test_refresh_of_a_deepsmote_dataset_decodes_new_codes_without_training():
    X, y = make_images()
    balanced = OverSampledDataset(Images(X, y), tiny_deepsmote(), labels=y)
    autoencoder = balanced.sampler_.autoencoder_
    history, before = len(autoencoder.history_), balanced.new_samples.copy()
    balanced.refresh(1)
    assert balanced.sampler_.autoencoder_ is autoencoder
    assert len(autoencoder.history_) == history
    assert balanced.new_samples.shape == before.shape
    assert not np.array_equal(balanced.new_samples, before)
    np.testing.assert_array_equal(
        balanced.targets[len(y) :].astype(int),
        np.repeat([1, 2], [COUNTS[0] - COUNTS[1], COUNTS[0] - COUNTS[2]]),
    )


# --------------------------------------------------------------------------- #
# bad input                                                                   #
# --------------------------------------------------------------------------- #
class Listed(torch.utils.data.Dataset):
    def __init__(self, items):
        self.items = items

    def __len__(self):
        return len(self.items)

    def __getitem__(self, index):
        return self.items[index]


def test_items_that_are_not_pairs_are_an_error_naming_the_item():
    items = [(torch.zeros(4), 0)] * 3 + [torch.zeros(4)]
    with pytest.raises(TypeError, match=r"Item 3 .* not an \(x, y\) pair"):
        OverSampledDataset(Listed(items), SMOTE(k_neighbors=1))
    with pytest.raises(TypeError, match=r"Item 0 .* a tuple of 3 values"):
        OverSampledDataset(Listed([(torch.zeros(4), 0, 1)]), SMOTE())


def test_items_of_another_shape_are_an_error_naming_the_item_and_both_shapes():
    items = [(torch.zeros(1, 8, 8), label) for label in (0, 0, 0, 1, 1)]
    items[4] = (torch.zeros(1, 8, 9), 1)
    with pytest.raises(
        ValueError, match=r"Item 4 .* \(1, 8, 9\), item 0 .* \(1, 8, 8\)"
    ):
        OverSampledDataset(Listed(items), SMOTE(k_neighbors=1))
    with pytest.raises(ValueError, match=r"Item 4 .* \(1, 8, 9\)"):
        Autoencoder(max_epochs=1, device="cpu").fit(Listed(items))


def test_labels_of_the_wrong_length_are_an_error():
    X, y = make_images()
    with pytest.raises(ValueError, match="labels must hold one label per item"):
        OverSampledDataset(Images(X, y), SMOTE(), labels=y[:-1])
    dataset = Images(X, y)
    dataset.targets = y[1:]
    with pytest.raises(ValueError, match="dataset.targets must hold one label"):
        OverSampledDataset(dataset, SMOTE())


def test_a_sampler_that_is_not_an_over_sampler_is_an_error():
    X, y = make_images()
    with pytest.raises(TypeError, match="with fit_resample"):
        OverSampledDataset(Images(X, y), PCA(), labels=y)
    with pytest.raises(ValueError, match="under-sampling sampler.*over-samplers only"):
        OverSampledDataset(Images(X, y), RandomUnderSampler(), labels=y)


def test_a_deepsmote_whose_autoencoder_cannot_stream_says_how_to_fix_it():
    X, y = make_images()
    with pytest.raises(TypeError, match="cannot be trained on a torch Dataset.*Pass"):
        OverSampledDataset(Images(X, y), DeepSMOTE(autoencoder=PCA()), labels=y)
    with pytest.raises(ValueError, match="penalty='paper'.*set penalty=None"):
        OverSampledDataset(Images(X, y), tiny_deepsmote(penalty="paper"), labels=y)
    scaler = QuantileTransformer(n_quantiles=10)
    with pytest.raises(ValueError, match="has no partial_fit.*scaler='auto'"):
        OverSampledDataset(Images(X, y), tiny_deepsmote(scaler=scaler), labels=y)


def test_a_map_style_dataset_is_required():
    class Stream(torch.utils.data.IterableDataset):
        def __iter__(self):
            yield torch.zeros(4), 0

    with pytest.raises(TypeError, match="map-style torch Dataset"):
        OverSampledDataset(Stream(), SMOTE())
    with pytest.raises(ValueError, match="dataset is empty"):
        OverSampledDataset(Listed([]), SMOTE())


def test_original_items_and_copies_are_what_the_dataset_returns():
    items = [(torch.full((1, 8, 8), float(i)), int(i >= 6)) for i in range(8)]
    balanced = OverSampledDataset(Listed(items), RandomOverSampler(random_state=0))
    assert all(balanced[i] is items[i] for i in range(8))
    assert all(
        balanced[8 + k] is items[source]
        for k, source in enumerate(balanced.new_sources)
    )
