"""scikit-learn's and imbalanced-learn's estimator checks on every estimator."""

import pytest
from imblearn.utils.estimator_checks import (
    check_param_validation,
)
from imblearn.utils.estimator_checks import (
    parametrize_with_checks as imblearn_parametrize_with_checks,
)
from sklearn.utils.estimator_checks import parametrize_with_checks

from imblearn_deepsmote import DeepSMOTE


def _tiny_deepsmote():
    return DeepSMOTE(max_epochs=2, random_state=0, device="cpu")


def _imblearn_expected_failures(estimator):
    return {
        "check_samplers_pandas_sparse": (
            "DeepSMOTE takes dense input only (a torch autoencoder); a sparse "
            "DataFrame is converted to a scipy sparse matrix and rejected."
        ),
    }


@parametrize_with_checks([_tiny_deepsmote()])
def test_sklearn_compatible_estimator(estimator, check):
    check(estimator)


@imblearn_parametrize_with_checks(
    [_tiny_deepsmote()], expected_failed_checks=_imblearn_expected_failures
)
def test_imblearn_compatible_sampler(estimator, check):
    check(estimator)


@pytest.mark.parametrize(
    "estimator", [_tiny_deepsmote()], ids=lambda e: type(e).__name__
)
def test_param_validation(estimator):
    check_param_validation(type(estimator).__name__, estimator)
