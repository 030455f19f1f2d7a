"""Write the intersphinx inventories that the documentation build reads offline.

Sphinx's intersphinx extension turns ``:class:`~imblearn.over_sampling.SMOTE```
(and numpydoc's parameter types, and the names in the gallery's code) into
links to other projects' documentation. It finds the targets in each
project's ``objects.inv``, which it normally downloads at build time. The build
must work without network access, and none of the installed packages ships
its inventory, so this folder holds small inventories of our own: the objects
that these docs refer to, with their addresses in each project's published
documentation (the ``PROJECTS`` base URL plus the relative address below).

Run from the repository root after adding an object::

    python docs/_intersphinx/make_inventories.py

which rewrites ``docs/_intersphinx/<key>.inv`` (``<key>`` as in
``intersphinx_mapping``; the output is deterministic, so unchanged lists give
unchanged files). Where the network is available,
``python docs/_intersphinx/make_inventories.py --check-online`` downloads each
project's published inventory and reports every object listed here that it
lacks or places at another address. ``tests/test_docs.py`` checks that every
reference to these projects in the docs and docstrings is listed.

Only the standard library is needed.
"""

from __future__ import annotations

import argparse
import re
import sys
import urllib.request
import zlib
from pathlib import Path

HERE = Path(__file__).resolve().parent

#: intersphinx key: (project name, base URL of its published documentation).
PROJECTS: dict[str, tuple[str, str]] = {
    "python": ("Python", "https://docs.python.org/3/"),
    "numpy": ("NumPy", "https://numpy.org/doc/stable/"),
    "sklearn": ("scikit-learn", "https://scikit-learn.org/stable/"),
    "imblearn": ("imbalanced-learn", "https://imbalanced-learn.org/stable/"),
    "skorch": ("skorch", "https://skorch.readthedocs.io/en/stable/"),
    "torch": ("PyTorch", "https://docs.pytorch.org/docs/stable/"),
    "pandas": ("pandas", "https://pandas.pydata.org/docs/"),
    "matplotlib": ("Matplotlib", "https://matplotlib.org/stable/"),
}


def _page(prefix: str, role: str, names: str) -> list[tuple[str, str, str]]:
    """Objects that each have a page ``<prefix><name>.html`` (autosummary style)."""
    return [(name, role, f"{prefix}{name}.html#$") for name in names.split()]


def _on(page: str, role: str, names: str) -> list[tuple[str, str, str]]:
    """Objects documented on one page, each at the anchor of its full name."""
    return [(name, role, f"{page}#$") for name in names.split()]


def _methods(page_of, cls: str, role: str, names: str) -> list[tuple[str, str, str]]:
    """Methods of ``cls``, on the page ``page_of(cls, method)``."""
    return [
        (f"{cls}.{name}", role, f"{page_of(cls, name)}#$") for name in names.split()
    ]


def _sklearn_page(cls: str, method: str) -> str:
    return f"modules/generated/{cls}.html"


def _imblearn_page(cls: str, method: str) -> str:
    return f"references/generated/{cls}.html"


def _mpl_page(cls: str, method: str) -> str:
    return f"api/_as_gen/{cls}.{method}.html"


def _pandas_page(cls: str, method: str) -> str:
    return f"reference/api/{cls}.{method}.html"


def _numpy_random_page(cls: str, method: str) -> str:
    return f"reference/random/generated/{cls}.{method}.html"


#: intersphinx key: (name, "domain:role", address relative to the base URL;
#: a trailing ``$`` stands for the name, as in Sphinx's own inventories).
OBJECTS: dict[str, list[tuple[str, str, str]]] = {
    "python": [
        *_on("library/functions.html", "py:class", "bool float int object"),
        *_on("library/stdtypes.html", "py:class", "dict list range str tuple"),
        *_on(
            "library/functions.html",
            "py:function",
            "callable enumerate isinstance len print round sorted zip",
        ),
        *_on("library/constants.html", "py:data", "None True False"),
        *_on(
            "library/exceptions.html",
            "py:exception",
            "RuntimeError TypeError ValueError",
        ),
        ("collections.Counter", "py:class", "library/collections.html#$"),
        ("pathlib.Path", "py:class", "library/pathlib.html#$"),
        ("os.environ", "py:data", "library/os.html#$"),
        # numpydoc's default aliases for parameter types use these three
        ("generator", "std:term", "glossary.html#term-generator"),
        ("iterable", "std:term", "glossary.html#term-iterable"),
        ("sequence", "std:term", "glossary.html#term-sequence"),
        ("bltin-boolean-values", "std:label", "library/stdtypes.html#$"),
    ],
    "numpy": [
        *_page(
            "reference/generated/",
            "py:class",
            "numpy.ndarray numpy.dtype",
        ),
        *_page(
            "reference/generated/",
            "py:function",
            "numpy.arange numpy.array numpy.array_equal numpy.asarray "
            "numpy.bincount numpy.concatenate numpy.flatnonzero numpy.full "
            "numpy.geomspace numpy.linspace numpy.mean numpy.sort numpy.std "
            "numpy.unique numpy.zeros",
        ),
        *_on(
            "reference/arrays.scalars.html",
            "py:class",
            "numpy.float32 numpy.float64 numpy.int64",
        ),
        ("numpy.random.Generator", "py:class", "reference/random/generator.html#$"),
        (
            "numpy.random.default_rng",
            "py:function",
            "reference/random/generator.html#$",
        ),
        *_methods(
            _numpy_random_page,
            "numpy.random.Generator",
            "py:method",
            "choice integers normal permutation",
        ),
        ("numpy.random.RandomState", "py:class", "reference/random/legacy.html#$"),
        # numpydoc's default aliases for parameter types use these two
        ("array_like", "std:term", "glossary.html#term-array_like"),
        ("arrays.scalars", "std:label", "reference/arrays.scalars.html#arrays-scalars"),
    ],
    "sklearn": [
        *_page(
            "modules/generated/",
            "py:class",
            "sklearn.base.BaseEstimator sklearn.base.ClassifierMixin "
            "sklearn.base.TransformerMixin sklearn.decomposition.PCA "
            "sklearn.frozen.FrozenEstimator "
            "sklearn.linear_model.LogisticRegression "
            "sklearn.model_selection.GridSearchCV "
            "sklearn.model_selection.StratifiedKFold "
            "sklearn.neighbors.KNeighborsClassifier "
            "sklearn.pipeline.Pipeline sklearn.preprocessing.FunctionTransformer "
            "sklearn.preprocessing.StandardScaler "
            "sklearn.svm.LinearSVC "
            "sklearn.utils.Bunch",
        ),
        *_page(
            "modules/generated/",
            "py:function",
            "sklearn.datasets.load_breast_cancer sklearn.datasets.load_digits "
            "sklearn.datasets.load_sample_images "
            "sklearn.metrics.balanced_accuracy_score sklearn.metrics.f1_score "
            "sklearn.metrics.recall_score "
            "sklearn.model_selection.cross_val_score "
            "sklearn.model_selection.cross_validate "
            "sklearn.model_selection.train_test_split "
            "sklearn.pipeline.make_pipeline",
        ),
        *_methods(
            _sklearn_page,
            "sklearn.pipeline.Pipeline",
            "py:method",
            "fit predict score",
        ),
        *_methods(
            _sklearn_page,
            "sklearn.model_selection.GridSearchCV",
            "py:method",
            "fit predict score",
        ),
        *_methods(
            _sklearn_page,
            "sklearn.linear_model.LogisticRegression",
            "py:method",
            "fit predict",
        ),
        *_methods(
            _sklearn_page,
            "sklearn.base.BaseEstimator",
            "py:method",
            "get_params set_params",
        ),
    ],
    "imblearn": [
        *_page(
            "references/generated/",
            "py:class",
            "imblearn.over_sampling.ADASYN imblearn.over_sampling.BorderlineSMOTE "
            "imblearn.over_sampling.KMeansSMOTE "
            "imblearn.over_sampling.RandomOverSampler "
            "imblearn.over_sampling.SMOTE imblearn.over_sampling.SVMSMOTE "
            "imblearn.pipeline.Pipeline",
        ),
        *_page(
            "references/generated/",
            "py:function",
            "imblearn.datasets.make_imbalance "
            "imblearn.metrics.geometric_mean_score "
            "imblearn.pipeline.make_pipeline",
        ),
        *_methods(
            _imblearn_page, "imblearn.over_sampling.SMOTE", "py:method", "fit_resample"
        ),
        *_methods(
            _imblearn_page,
            "imblearn.pipeline.Pipeline",
            "py:method",
            "fit fit_resample predict score",
        ),
    ],
    "skorch": [
        *_on(
            "classifier.html",
            "py:class",
            "skorch.classifier.NeuralNetClassifier",
        ),
        *_on(
            "classifier.html",
            "py:method",
            "skorch.classifier.NeuralNetClassifier.fit "
            "skorch.classifier.NeuralNetClassifier.predict "
            "skorch.classifier.NeuralNetClassifier.predict_proba",
        ),
        *_on("net.html", "py:class", "skorch.net.NeuralNet"),
        *_on(
            "net.html",
            "py:method",
            "skorch.net.NeuralNet.fit skorch.net.NeuralNet.initialize "
            "skorch.net.NeuralNet.partial_fit",
        ),
        *_on(
            "callbacks.html",
            "py:class",
            "skorch.callbacks.Callback skorch.callbacks.EarlyStopping "
            "skorch.callbacks.LRScheduler",
        ),
        *_on("history.html", "py:class", "skorch.history.History"),
        *_on("dataset.html", "py:class", "skorch.dataset.ValidSplit"),
    ],
    "torch": [
        *_page(
            "generated/",
            "py:class",
            "torch.Generator torch.nn.BatchNorm2d torch.nn.Conv2d "
            "torch.nn.ConvTranspose2d torch.nn.CrossEntropyLoss torch.nn.Linear "
            "torch.nn.Module torch.nn.MSELoss torch.nn.Sequential "
            "torch.optim.Adam torch.optim.SGD",
        ),
        *_page(
            "generated/",
            "py:function",
            "torch.compile torch.cuda.is_available torch.manual_seed "
            "torch.nn.functional.cross_entropy torch.nn.functional.pad "
            "torch.set_num_threads",
        ),
        ("torch.Tensor", "py:class", "tensors.html#$"),
        ("torch.device", "py:class", "tensor_attributes.html#$"),
        ("torch.dtype", "py:class", "tensor_attributes.html#$"),
        ("torch.autocast", "py:class", "amp.html#$"),
        ("torch.optim.Optimizer", "py:class", "optim.html#$"),
        *_on(
            "data.html",
            "py:class",
            "torch.utils.data.DataLoader torch.utils.data.Dataset",
        ),
    ],
    "pandas": [
        ("pandas.DataFrame", "py:class", "reference/api/pandas.DataFrame.html#$"),
        ("pandas.Series", "py:class", "reference/api/pandas.Series.html#$"),
        *_methods(
            _pandas_page,
            "pandas.DataFrame",
            "py:method",
            "groupby rename round tail to_string",
        ),
    ],
    "matplotlib": [
        *_page(
            "api/_as_gen/",
            "py:function",
            "matplotlib.pyplot.figure matplotlib.pyplot.show "
            "matplotlib.pyplot.subplots",
        ),
        *_page(
            "api/_as_gen/", "py:class", "matplotlib.axes.Axes matplotlib.figure.Figure"
        ),
        *_methods(
            _mpl_page,
            "matplotlib.axes.Axes",
            "py:method",
            "axhline bar errorbar imshow legend plot set_axis_off set_title "
            "set_xlabel set_xticks set_ylabel set_yticks set_ylim set_yscale",
        ),
    ],
}


#: Names that the published inventories do not list, as our docs write them,
#: and the listed name whose address they share (skorch's top-level names).
ALIASES: dict[str, str] = {
    "skorch.NeuralNetClassifier": "skorch.classifier.NeuralNetClassifier",
    "skorch.NeuralNet": "skorch.net.NeuralNet",
}


def entries(key: str) -> list[tuple[str, str, str]]:
    """The sorted ``(name, domain:role, address)`` of one project, with aliases."""
    objects = {name: (role, uri) for name, role, uri in OBJECTS[key]}
    for alias, name in ALIASES.items():
        if name in objects:
            role, uri = objects[name]
            objects[alias] = (role, uri.replace("#$", f"#{name}"))
    return sorted((name, role, uri) for name, (role, uri) in objects.items())


def inventory_bytes(key: str) -> bytes:
    """The ``objects.inv`` of one project (format version 2, sorted entries)."""
    name, _ = PROJECTS[key]
    lines = []
    for obj, role, uri in entries(key):
        priority = "-1" if role.startswith("std:") else "1"
        lines.append(f"{obj} {role} {priority} {uri} -\n")
    header = (
        "# Sphinx inventory version 2\n"
        f"# Project: {name}\n"
        "# Version: stable\n"
        "# The remainder of this file is compressed using zlib.\n"
    )
    return header.encode() + zlib.compress("".join(lines).encode(), 9)


def read_inventory(data: bytes) -> dict[str, tuple[str, str]]:
    """Parse an ``objects.inv`` (version 2) into ``{name: (domain:role, uri)}``.

    A ``$`` at the end of an address is expanded to the name. The first entry
    of a name wins, as in Sphinx.
    """
    lines = data.split(b"\n", 4)
    if not lines[0].startswith(b"# Sphinx inventory version 2"):
        raise ValueError("not a version 2 Sphinx inventory")
    objects: dict[str, tuple[str, str]] = {}
    for line in zlib.decompress(lines[4]).decode().splitlines():
        match = _ENTRY.match(line.rstrip())
        if match is None:
            continue
        name, role, _priority, uri, _display = match.groups()
        if uri.endswith("$"):
            uri = uri[:-1] + name
        objects.setdefault(name, (role, uri))
    return objects


# the pattern of sphinx.util.inventory: names may contain spaces (terms)
_ENTRY = re.compile(r"(.+?)\s+(\S+)\s+(-?\d+)\s+?(\S*)\s+(.*)")


def write_all(folder: Path = HERE) -> list[Path]:
    """Write every inventory into ``folder``; return the paths."""
    paths = []
    for key in PROJECTS:
        path = folder / f"{key}.inv"
        path.write_bytes(inventory_bytes(key))
        paths.append(path)
    return paths


def check_online(timeout: float = 30.0) -> int:
    """Compare the lists with the published inventories; return the problem count."""
    problems = 0
    for key, (name, base_url) in PROJECTS.items():
        ours = read_inventory(inventory_bytes(key))
        try:
            with urllib.request.urlopen(base_url + "objects.inv", timeout=timeout) as r:
                theirs = read_inventory(r.read())
        except OSError as error:
            print(f"{name}: cannot download its inventory ({error})")
            problems += 1
            continue
        for obj, (role, uri) in sorted(ours.items()):
            obj = ALIASES.get(obj, obj)
            if obj not in theirs:
                print(f"{name}: {obj} ({role}) is not in the published inventory")
                problems += 1
            elif theirs[obj][1] != uri:
                print(f"{name}: {obj} is at {theirs[obj][1]}, not {uri}")
                problems += 1
        print(f"{name}: {len(ours)} objects checked")
    return problems


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--check-online",
        action="store_true",
        help="compare with the published inventories instead of writing",
    )
    args = parser.parse_args(argv)
    if args.check_online:
        return 1 if check_online() else 0
    for path in write_all():
        print(f"wrote {path.relative_to(HERE.parents[1])}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
