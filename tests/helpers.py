"""Small estimators for the tests (they train in well under a second), and fakes."""

import builtins

from imblearn_deepsmote import Autoencoder, DeepSMOTE
from imblearn_deepsmote.deepsmote._sampler import DEPRECATED_TRAINING_PARAMS


def tiny_deepsmote(**params) -> DeepSMOTE:
    """A DeepSMOTE whose autoencoder trains 2 epochs on the CPU, seeded 0.

    Training settings among ``params`` (``max_epochs``, ``batch_size``, ...)
    go to the autoencoder, and so does ``autoencoder`` when it names a network
    (a string or a factory); the other parameters go to DeepSMOTE.
    """
    training = {"max_epochs": 2, "device": "cpu"}
    training.update(
        {k: params.pop(k) for k in list(params) if k in DEPRECATED_TRAINING_PARAMS}
    )
    autoencoder = params.pop("autoencoder", params.pop("module", None))
    if not hasattr(autoencoder, "fit"):  # a network: a name or a factory
        autoencoder = Autoencoder(module=autoencoder or "auto", **training)
    return DeepSMOTE(autoencoder=autoencoder, **{"random_state": 0, **params})


def hide_package(monkeypatch, package: str) -> None:
    """Make ``import package`` (and its submodules) fail, as if not installed."""
    real_import = builtins.__import__

    def without(name, *args, **kwargs):
        if name.startswith(package):
            raise ImportError(f"No module named {name!r}")
        return real_import(name, *args, **kwargs)

    monkeypatch.setattr(builtins, "__import__", without)
