"""Reports on synthetic samples: known answers, chunking, inputs, the plot."""

import numpy as np
import pytest
from helpers import hide_package
from imblearn.combine import SMOTEENN
from imblearn.over_sampling import SMOTE
from sklearn.datasets import make_classification
from sklearn.decomposition import PCA
from sklearn.preprocessing import StandardScaler

from imblearn_deepsmote import (
    Autoencoder,
    DeepSMOTE,
    plot_synthetic_reports,
    resampled_report,
    synthetic_report,
)

pd = pytest.importorskip("pandas")

K = 5  # the default n_neighbors


def _blobs(n_per_class=(60, 20, 12), n_features=2, seed=0):
    """Gaussian blobs of unit spread, 20 apart: one per class, 0, 1, 2, ..."""
    rng = np.random.default_rng(seed)
    X = np.concatenate(
        [rng.normal(20 * c, 1, (n, n_features)) for c, n in enumerate(n_per_class)]
    )
    return X, np.repeat(np.arange(len(n_per_class)), n_per_class)


def _minority_copies(X, y):
    """The rows of classes 1 and 2, as synthetic copies."""
    return X[y > 0], y[y > 0]


# --------------------------------------------------------------------------- #
# Known answers                                                               #
# --------------------------------------------------------------------------- #


def test_copies_of_real_rows_are_memorised_inside_every_neighbour_ball():
    X, y = _blobs()
    report = synthetic_report(X, y, *_minority_copies(X, y), random_state=0)
    assert list(report.index) == [1, 2, "all"]
    for column in ("precision", "recall", "coverage", "memorised", "recognised"):
        assert (report[column] == 1).all(), column
    assert (report["nearest_real_ratio"] == 0).all()
    # a copy lies in its own ball and, on the surface or inside, in the balls
    # of the k real rows that have it among their k nearest: (1 + k) / k
    assert report["density"].to_numpy() == pytest.approx((K + 1) / K)
    assert report["n_real"].tolist() == [20, 12, 32]
    assert report["n_synthetic"].tolist() == [20, 12, 32]


def test_copies_count_where_duplicated_real_rows_make_a_radius_zero():
    X, y = _blobs(n_per_class=(30, 4))
    X = np.r_[X, np.repeat(X[y == 1], K, axis=0)]  # 6 of each: radius 0
    y = np.r_[y, np.ones(4 * K, int)]
    copies = np.repeat(X[y == 1][:2], 3, axis=0)
    report = synthetic_report(X, y, np.r_[copies, copies + 1e-9], [1] * 12)
    assert report.loc[1, "precision"] == 0.5  # the copies, not the near-copies
    assert report.loc[1, "memorised"] == 0.5
    assert report.loc[1, "coverage"] == 0.5  # 2 of the 4 rows, 6 times each


def test_gaussian_noise_far_from_the_data_is_off_every_manifold():
    X, y = _blobs(n_per_class=(40, 40))
    X_noise = np.random.default_rng(1).normal(200, 1, (40, 2))
    report = synthetic_report(X, y, X_noise, np.repeat([0, 1], 20))
    for column in ("precision", "recall", "density", "coverage", "memorised"):
        assert (report[column] == 0).all(), column
    assert (report["nearest_real_ratio"] > 50).all()
    # all noise lands on one side of the classifier: chance, pooled
    assert sorted(report["recognised"][:2]) == [0, 1]
    assert report.loc["all", "recognised"] == 0.5
    assert (report["recognised_real"] == 1).all()


def test_smote_on_separated_blobs_is_recognised_with_full_precision():
    X, y = _blobs()
    X_res, y_res = SMOTE(k_neighbors=K, random_state=0).fit_resample(X, y)
    report = resampled_report(X, y, X_res, y_res, features="raw")
    # SMOTE interpolates towards one of the k nearest, in the space it ran in:
    # inside the real ball
    assert (report["precision"] == 1).all()
    assert (report["recognised"] == 1).all() and (report["recognised_real"] == 1).all()
    assert report["n_synthetic"].tolist() == [40, 48, 88]


def test_density_is_about_one_when_synthetic_rows_follow_the_real_distribution():
    X, y = _blobs(n_per_class=(200, 1500))
    X_same, _ = _blobs(n_per_class=(0, 1500), seed=1)
    report = synthetic_report(X, y, X_same, np.ones(1500, int))
    row = report.loc[1]
    assert row["density"] == pytest.approx(1, abs=0.05)
    assert row["precision"] > 0.9 and row["recall"] > 0.9
    # coverage of identical distributions tends to 1 - 2**-k
    assert row["coverage"] == pytest.approx(1 - 2.0**-K, abs=0.03)
    assert row["nearest_real_ratio"] == pytest.approx(1, abs=0.2)
    assert row["memorised"] < 0.8


def test_a_collapsed_generator_has_no_recall_or_coverage():
    X, y = _blobs()
    one_point = np.repeat(X[y == 1][:1], 20, axis=0)
    report = synthetic_report(X, y, one_point, np.ones(20, int))
    row = report.loc[1]
    assert row["precision"] == 1 and row["memorised"] == 1
    # its radius is 0: only the copied real row lies in a synthetic ball
    assert row["recall"] == 1 / 20
    assert row["coverage"] < 0.5


def test_the_all_row_pools_the_synthetic_rows_of_every_class():
    X, y = _blobs()
    X_far = np.full((30, 2), 200.0)
    X_syn = np.r_[X[y == 1][:10], X_far]
    y_syn = np.r_[np.ones(10, int), np.full(30, 2)]
    report = synthetic_report(X, y, X_syn, y_syn)
    assert report.loc[[1, 2], "precision"].tolist() == [1, 0]
    assert report.loc["all", "precision"] == 10 / 40  # over synthetic rows
    assert report.loc["all", "coverage"] == pytest.approx(
        20 / 32 * report.loc[1, "coverage"]  # over the real rows of both
    )
    assert report.loc["all", ["n_real", "n_synthetic"]].tolist() == [32, 40]
    assert report.loc["all", "nearest_real_ratio"] > 1  # median: a far row


def test_small_blocks_give_exactly_the_same_report():
    X, y = _blobs()
    X_res, y_res = SMOTE(random_state=0).fit_resample(X, y)
    X_syn, y_syn = X_res[len(X) :], y_res[len(X) :]
    X_syn[::3] += 4  # some rows off the real balls
    whole = synthetic_report(X, y, X_syn, y_syn, random_state=0)
    one_row_blocks = synthetic_report(
        X, y, X_syn, y_syn, random_state=0, working_memory=1e-9
    )
    pd.testing.assert_frame_equal(whole, one_row_blocks, check_exact=True)
    assert 0 < whole.loc["all", "precision"] < 1


def test_random_state_makes_the_report_deterministic():
    X, y = make_classification(
        n_samples=120, n_features=4, flip_y=0.2, weights=[0.7], random_state=0
    )
    X_res, y_res = SMOTE(random_state=0).fit_resample(X, y)
    reports = [
        resampled_report(X, y, X_res, y_res, random_state=seed) for seed in (0, 0, 1)
    ]
    pd.testing.assert_frame_equal(reports[0], reports[1], check_exact=True)
    # the seed is used: other folds, other cross-validated recall
    assert not reports[0]["recognised_real"].equals(reports[2]["recognised_real"])


def test_resampled_report_is_synthetic_report_on_the_new_rows():
    X, y = _blobs()
    X_res, y_res = SMOTE(random_state=0).fit_resample(X, y)
    pd.testing.assert_frame_equal(
        resampled_report(X, y, X_res, y_res, random_state=0),
        synthetic_report(X, y, X_res[len(X) :], y_res[len(X) :], random_state=0),
        check_exact=True,
    )


def test_resampled_report_takes_dataframes():
    X, y = _blobs()
    X_res, y_res = SMOTE(random_state=0).fit_resample(X, y)
    frame, frame_res = pd.DataFrame(X), pd.DataFrame(X_res)
    pd.testing.assert_frame_equal(
        resampled_report(frame, y, frame_res, y_res, random_state=0),
        resampled_report(X, y, X_res, y_res, random_state=0),
    )


@pytest.mark.parametrize("change", ["reordered", "relabelled", "cleaned", "cut"])
def test_resampled_report_rejects_output_that_does_not_start_with_the_input(change):
    X, y = _blobs()
    if change == "cleaned":
        X_res, y_res = SMOTEENN(random_state=0).fit_resample(X, y)
    else:
        X_res, y_res = SMOTE(random_state=0).fit_resample(X, y)
        if change == "reordered":
            X_res[[0, 1]] = X_res[[1, 0]]
        elif change == "relabelled":
            y_res[0] = 2
        else:
            X_res, y_res = X_res[:50], y_res[:50]
    with pytest.raises(ValueError, match="must start with the rows of X, in order"):
        resampled_report(X, y, X_res, y_res)


# --------------------------------------------------------------------------- #
# Feature spaces                                                              #
# --------------------------------------------------------------------------- #


@pytest.mark.parametrize("shape", [(8, 8), (1, 8, 8)])
def test_image_arrays_are_measured_in_the_pca_space_of_their_pixels(
    imbalanced_digits, shape
):
    X, y = imbalanced_digits
    X_syn, y_syn = X[y >= 2] * 0.9, y[y >= 2]
    rows = synthetic_report(X, y, X_syn, y_syn, features="pca", random_state=0)
    images = synthetic_report(
        X.reshape(-1, *shape),
        y,
        X_syn.reshape(-1, *shape),
        y_syn,
        random_state=0,
    )
    pd.testing.assert_frame_equal(images, rows, check_exact=True)


def test_rows_are_standardised_by_default():
    X, y = _blobs()
    X_syn, y_syn = X[y > 0] + 0.3, y[y > 0]
    scaler = StandardScaler().fit(X)
    pd.testing.assert_frame_equal(
        synthetic_report(X, y, X_syn, y_syn, features=scaler, random_state=0),
        synthetic_report(X, y, X_syn, y_syn, random_state=0),
    )


def test_a_fitted_transformer_is_used_as_it_is():
    X, y = _blobs()
    X_syn, y_syn = X[y > 0] + 0.3, y[y > 0]
    pca = PCA(n_components=1).fit(X[y == 0])  # not the data reported on
    components = pca.components_.copy()
    by_object = synthetic_report(X, y, X_syn, y_syn, features=pca, random_state=0)
    by_hand = synthetic_report(
        pca.transform(X), y, pca.transform(X_syn), y_syn, features="raw", random_state=0
    )
    pd.testing.assert_frame_equal(by_object, by_hand)
    assert np.array_equal(pca.components_, components)


def test_a_callable_chooses_the_space_where_rows_are_compared():
    X, y = _blobs()
    X_syn, y_syn = X[y > 0] + [0, 100], y[y > 0]  # far off in the 2nd feature
    first = synthetic_report(X, y, X_syn, y_syn, features=lambda X: X[:, :1])
    assert (first["memorised"] == 1).all() and (first["precision"] == 1).all()
    both = synthetic_report(X, y, X_syn, y_syn)
    assert (both["precision"] == 0).all()


def test_a_fitted_deepsmote_measures_in_its_latent_space():
    X, y = _blobs(n_per_class=(40, 12), n_features=4)
    sampler = DeepSMOTE(
        autoencoder=Autoencoder(max_epochs=2, device="cpu"), random_state=0
    )
    X_res, y_res = sampler.fit_resample(X, y)
    X_syn, y_syn = X_res[len(X) :], y_res[len(X) :]
    latent, latent_syn = sampler.encode(X), sampler.encode(X_syn)
    in_latent = synthetic_report(
        latent, y, latent_syn, y_syn, features="raw", random_state=0
    )
    for features in (sampler, sampler.autoencoder_):
        report = synthetic_report(X, y, X_syn, y_syn, features=features, random_state=0)
        pd.testing.assert_frame_equal(report, in_latent)


# --------------------------------------------------------------------------- #
# Small classes and bad input                                                 #
# --------------------------------------------------------------------------- #


def test_too_few_rows_for_n_neighbors_use_fewer_with_a_warning():
    X, y = _blobs(n_per_class=(30, 8))
    X_syn, y_syn = X[y == 1][:6] + 0.2, np.ones(6, int)
    with pytest.warns(UserWarning) as record:
        clipped = synthetic_report(X, y, X_syn, y_syn, n_neighbors=20)
    assert [str(w.message).split("; ")[1] for w in record] == [
        "using n_neighbors = its number of real rows - 1.",
        "using n_neighbors = its number of synthetic rows - 1.",
    ]
    with pytest.warns(UserWarning, match="its number of synthetic rows - 1"):
        explicit = synthetic_report(X, y, X_syn, y_syn, n_neighbors=7)
    pd.testing.assert_frame_equal(clipped, explicit)


def test_a_class_of_one_real_row_gets_nan_and_a_warning():
    X, y = _blobs(n_per_class=(30, 8, 1))
    X_syn, y_syn = np.r_[X[y == 1][:1], X[y == 2]], [1, 2]
    with pytest.warns(UserWarning) as record:
        report = synthetic_report(X, y, X_syn, y_syn)
    assert [str(w.message).split(":")[0] for w in record] == [
        "Class 1 has 1 synthetic row",
        "Class 2 has 1 real row",
    ]
    assert report.loc[2, ["precision", "density", "recognised_real"]].isna().all()
    assert np.isnan(report.loc[1, "recall"]) and report.loc[1, "precision"] == 1
    assert report.loc[1, "recognised_real"] == 1
    # the pooled row is over the rows where a measure is defined
    assert report.loc["all", "precision"] == 1
    assert report.loc["all", "n_synthetic"] == 2


def test_a_single_real_class_has_no_recognition():
    X, y = _blobs(n_per_class=(0, 20))
    with pytest.warns(UserWarning, match="single class"):
        report = synthetic_report(X, y, X[:6], y[:6])
    assert report[["recognised", "recognised_real"]].isna().all(axis=None)
    assert (report["precision"] == 1).all()


def _call(**changes):
    X, y = _blobs(n_per_class=(10, 10))
    args = {
        "X_real": X,
        "y_real": y,
        "X_synthetic": X[y == 1] + 0.1,
        "y_synthetic": np.ones(10, int),
        **changes,
    }
    return synthetic_report(**args)


class _NoTransform:
    pass


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"X_synthetic": np.zeros((4, 3))}, r"same shape; got \(2,\) and \(3,\)"),
        ({"X_real": np.zeros(20)}, r"X_real must hold rows .* got shape \(20,\)"),
        ({"y_real": np.zeros(19)}, "y_real must hold one label per row of X_real"),
        ({"y_synthetic": [1] * 9}, "y_synthetic must hold one label per row"),
        ({"X_synthetic": np.zeros((0, 2)), "y_synthetic": []}, "holds no rows"),
        ({"y_synthetic": np.full(10, 7)}, r"classes \[7\] that y_real lacks"),
        ({"X_real": np.full((20, 2), np.nan)}, "X_real contains NaN"),
        ({"X_synthetic": np.full((10, 2), np.inf)}, "X_synthetic contains inf"),
        ({"n_neighbors": 0}, r"'n_neighbors' .* an int in the range \[1, inf\). Got 0"),
        ({"n_neighbors": True}, r"'n_neighbors' .* range \[1, inf\). Got True"),
        ({"features": "pixels"}, "features must be None, one of"),
        ({"features": _NoTransform()}, r"'features' .* implementing 'transform'"),
        ({"features": lambda X: np.asarray(X)[:3]}, "features returned 3 rows"),
        ({"features": lambda X: X * np.nan}, r"features\(X_real\) contains NaN"),
        ({"classifier": StandardScaler()}, r"'classifier' .* implementing 'fit' and"),
        ({"working_memory": 0}, r"'working_memory' .* range \(0.0, inf\). Got 0"),
    ],
    ids=[
        "width",
        "1-D",
        "y_real",
        "y_synthetic",
        "empty",
        "absent-class",
        "nan",
        "inf",
        "k=0",
        "k=True",
        "space-name",
        "space-object",
        "space-rows",
        "space-nan",
        "classifier",
        "memory",
    ],
)
def test_bad_input_gets_a_clear_error_naming_it(changes, message):
    with pytest.raises(ValueError, match=message):
        _call(**changes)


def test_missing_pandas_is_an_import_error_naming_the_extra(monkeypatch):
    hide_package(monkeypatch, "pandas")
    with pytest.raises(ImportError, match=r"imblearn-deepsmote\[diagnostics\]"):
        _call()


# --------------------------------------------------------------------------- #
# The plot                                                                    #
# --------------------------------------------------------------------------- #


@pytest.fixture
def pyplot():
    matplotlib = pytest.importorskip("matplotlib")
    matplotlib.use("Agg")
    plt = pytest.importorskip("matplotlib.pyplot")
    yield plt
    plt.close("all")


@pytest.fixture(scope="module")
def reports():
    X, y = _blobs()
    return {
        "copies": synthetic_report(X, y, *_minority_copies(X, y)),
        "SMOTE": resampled_report(X, y, *SMOTE(random_state=0).fit_resample(X, y)),
        "noise": synthetic_report(X, y, np.full((6, 2), 99.0), [2] * 6),
    }


def test_synthetic_reports_plot_a_heat_map_per_column(pyplot, reports):
    fig, axes = plot_synthetic_reports(reports, columns=["precision", "density"])
    assert isinstance(fig, pyplot.Figure) and axes.shape == (2,)
    assert [ax.get_title() for ax in axes] == ["precision", "density"]
    ax = axes[1]
    assert [t.get_text() for t in ax.get_xticklabels()] == ["1", "2", "all"]
    samplers = [t.get_text() for t in axes[0].get_yticklabels()]
    assert samplers == ["copies", "SMOTE", "noise"]
    shown = ax.get_images()[0].get_array()
    assert shown[0].tolist() == reports["copies"]["density"].tolist()
    assert shown.mask[2, 0]  # the noise report has no class 1: blank
    highest = max(report["density"].max() for report in reports.values())
    assert ax.get_images()[0].get_clim() == (0, highest) and highest > 1
    assert axes[0].get_images()[0].get_clim() == (0, 1)
    assert len(ax.texts) == 8  # the values, but for the blank cell


def test_synthetic_reports_plot_wraps_many_classes_onto_lines(pyplot):
    X, y = _blobs()
    report = synthetic_report(X, y, X, y)  # 3 classes
    many = report.rename(index=lambda label: f"class {label}").reindex(
        [f"class {i}" for i in range(20)]
    )
    columns = ["precision", "recall", "density", "coverage"]
    fig, axes = plot_synthetic_reports({"a": many, "b": many}, columns)
    lines = {ax.get_subplotspec().rowspan.start for ax in axes}
    assert lines == {0, 1, 2, 3}  # 21 classes each: one heat map per line
    assert fig.get_figwidth() < 15 and len(fig.axes) == 4
    fig, axes = plot_synthetic_reports({"a": report}, columns[:3])
    assert {ax.get_subplotspec().rowspan.start for ax in axes} == {0}  # 4 classes
    fig, axes = plot_synthetic_reports({"a": report}, columns, n_cols=3)
    assert [ax.get_subplotspec().rowspan.start for ax in axes] == [0, 0, 0, 1]
    assert len(fig.axes) == 4  # the unused sixth place is removed


@pytest.mark.parametrize(
    ("args", "message"),
    [
        ({"reports": {}}, "non-empty mapping"),
        ({"n_cols": 0}, "n_cols must be a positive integer"),
        ({"reports": [1]}, "non-empty mapping"),
        ({"reports": {"a": np.zeros((2, 2))}}, r"reports\['a'\] must be a DataFrame"),
        ({"columns": ["fidelity"]}, "has no column 'fidelity'"),
        ({"columns": []}, "at least one report column"),
    ],
    ids=["empty", "n_cols", "list", "array", "column", "no-column"],
)
def test_synthetic_reports_plot_rejects_bad_input(pyplot, reports, args, message):
    with pytest.raises(ValueError, match=message):
        plot_synthetic_reports(**{"reports": reports, **args})
