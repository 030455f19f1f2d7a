"""Checks of the documentation's sources that need no documentation build.

- No absolute path of the machine that wrote a file (``/work/...``,
  ``/tmp/...``) in the README, the docs, the examples or the benchmarks.
- Every statement of a default agrees with the code: in the prose of the
  docs, the README and the examples (``penalty=None`` (default), "its
  default ``penalty="paper"``", "``lr`` (default 1e-3)"), and in the
  ``Parameters`` sections of the docstrings that the API reference shows.
- Every cross-reference to another project (``:class:`~imblearn.over_sampling.
  SMOTE```) is in the intersphinx inventories under ``docs/_intersphinx/``,
  which the offline docs build reads.
- The benchmarks' "Produced by" line shows placeholders for machine paths.
"""

from __future__ import annotations

import ast
import importlib
import importlib.util
import inspect
import re
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
DOCS = REPO / "docs"
# made by the docs build or by sphinx-gallery, not written by hand
GENERATED = ("_build", "auto_examples", "generated", "sg_execution_times.rst")


def _load(path: Path, name: str):
    """Import a file that is not part of the package (docs or benchmark helper)."""
    spec = importlib.util.spec_from_file_location(name, path)
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)
    return module


def _text_files(*roots: Path, suffixes: tuple[str, ...]) -> list[Path]:
    files = []
    for root in roots:
        candidates = [root] if root.is_file() else sorted(root.rglob("*"))
        for path in candidates:
            relative = path.relative_to(REPO).parts
            if (
                path.is_file()
                and path.suffix in suffixes
                and "__pycache__" not in relative
                and not (relative[0] == "docs" and relative[1] in GENERATED)
            ):
                files.append(path)
    return files


def _prose_files() -> list[Path]:
    return _text_files(
        REPO / "README.md", DOCS, REPO / "examples", suffixes=(".md", ".rst", ".py")
    ) + _text_files(REPO / "examples", suffixes=(".txt",))


# --------------------------------------------------------------------------- #
# Machine paths                                                               #
# --------------------------------------------------------------------------- #

MACHINE_PATH = re.compile(r"(?<![\w.~-])/(?:work|tmp|root|home|Users)/")
TEXT_SUFFIXES = (".md", ".rst", ".txt", ".py", ".css", ".js", ".html", ".toml")


def test_no_machine_paths():
    files = _text_files(
        REPO / "README.md",
        DOCS,
        REPO / "examples",
        REPO / "benchmarks",
        suffixes=TEXT_SUFFIXES,
    )
    assert len(files) > 20, files
    found = [
        f"{path.relative_to(REPO)}:{number}: {line.strip()[:120]}"
        for path in files
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
        if MACHINE_PATH.search(line)
    ]
    assert not found, "absolute paths of a machine:\n" + "\n".join(found)


def test_machine_path_pattern():
    assert MACHINE_PATH.search("--mnist-dir /work/shared/data")
    assert MACHINE_PATH.search("``--cache /tmp/levers.jsonl``")
    assert MACHINE_PATH.search("file:///home/me/docs")
    assert not MACHINE_PATH.search("https://example.org/home/index.html")
    assert not MACHINE_PATH.search("docs/benchmarks/tmp/x")


def test_benchmark_command_line_hides_machine_paths():
    common = _load(REPO / "benchmarks" / "_common.py", "_bench_common_for_docs")
    script = str(REPO / "benchmarks" / "bench_images.py")
    line = common.command_line(
        [
            script,
            "--data-dir",
            "/work/shared/data",
            "--cache=/tmp/scratch/cache.jsonl",
            "--seeds",
            "0",
            "1",
            "--output",
            "docs/benchmarks/images.rst",
            "--json",
            "/tmp/x/images.json",
        ]
    )
    assert line == (
        "python benchmarks/bench_images.py --data-dir DIR --cache=FILE "
        "--seeds 0 1 --output docs/benchmarks/images.rst --json FILE.json"
    )
    line = common.command_line([script, "--quick", "--output", "/tmp/x/out.rst"])
    assert line == "python benchmarks/bench_images.py --quick --output FILE.rst"
    assert not MACHINE_PATH.search(common.command_line([script, "/home/me/file"]))


# --------------------------------------------------------------------------- #
# Defaults                                                                    #
# --------------------------------------------------------------------------- #

# A literal: ``x`` or `x` (this project's default role is the literal), but not
# the `target` of a role such as :class:`x`.
_LITERAL = r"(?:``([^`]+?)``|(?<![:`])`([^`]+?)`(?!`))"
# A default value: a literal, a :math: expression or a bare token.
_VALUE = r"(?:``([^`]+?)``|:math:`([^`]+?)`|([^\s,;:)`]+))"
_PARAM_NAME = r"[a-z_][a-z0-9_]*"

# ``param=value`` with "default" right before it or right after it.
_ASSIGNMENT_PATTERNS = [
    # "its default ``penalty="paper"``", "by default (``drw=True``)",
    # "the default is ``penalty=None``", "defaults to ``x=1``"
    re.compile(
        r"\bdefaults?(?:\s+is|\s+to|,|:)?\s+\(?" + _LITERAL + r"",
        re.IGNORECASE,
    ),
    # "``penalty=None`` (default)", "``drw=True`` (the default)",
    # "``drw=True``, the default", "``x=1`` is the default"; not "``x=1`` (the
    # default, ``x=2``, ...)", where the default is the next literal
    re.compile(
        _LITERAL + r"\s*(?:\((?:the\s+)?default(?:\)|[,;](?!\s*`))|"
        r",\s+the\s+default\b(?!,?\s*`)|\s+is\s+the\s+default\b)",
        re.IGNORECASE,
    ),
]
# ``param`` with its default value stated next to it.
_NAMED_PATTERNS = [
    # "``penalty_weight`` (default 1, as in the paper)", "``x`` (default: ``1``)"
    re.compile(
        r"``(" + _PARAM_NAME + r")``\s*\(default[:=]?\s+" + _VALUE, re.IGNORECASE
    ),
    # "``max_epochs`` defaults to ``"auto"``"
    re.compile(r"``(" + _PARAM_NAME + r")``\s+defaults\s+to\s+" + _VALUE),
    # "the epoch budget ``max_epochs``. The default, ``"auto"``, sizes it"
    re.compile(
        r"``(" + _PARAM_NAME + r")``[.:;,]?\s+The\s+default(?:,|\s+is)\s+" + _VALUE
    ),
]


def default_statements(text: str) -> list[tuple[str, str, str]]:
    """Statements of a default in reStructuredText, Markdown or comments.

    Returns
    -------
    list of (param, value, excerpt)
        ``value`` is the source text of the stated default.
    """
    text = " ".join(text.split())
    found = []
    for pattern in _ASSIGNMENT_PATTERNS:
        for match in pattern.finditer(text):
            literal = next(group for group in match.groups() if group is not None)
            param, equals, value = literal.partition("=")
            if equals and re.fullmatch(_PARAM_NAME, param.strip()):
                found.append((param.strip(), value.strip(), match.group(0)))
    for pattern in _NAMED_PATTERNS:
        for match in pattern.finditer(text):
            param, *values = match.groups()
            value = next(v for v in values if v is not None)
            found.append((param, value.strip(), match.group(0)))
    return found


def _comment_text(path: Path) -> str:
    """The prose of a file: for Python, its docstrings and ``#`` comments."""
    source = path.read_text(encoding="utf-8")
    if path.suffix != ".py":
        return source
    lines = []
    for line in source.splitlines():
        stripped = line.strip()
        if stripped.startswith("#"):
            lines.append(stripped.lstrip("#"))
        elif not stripped:
            lines.append("")
    docstrings = [
        ast.get_docstring(node) or ""
        for node in ast.walk(ast.parse(source))
        if isinstance(node, ast.Module | ast.ClassDef | ast.FunctionDef)
    ]
    return "\n".join(lines + docstrings)


class _Unparsed(Exception):
    pass


def _literal(text: str):
    """The Python value of a stated default (``"paper"``, ``1e-3``, ``-1/4``)."""
    text = text.strip().rstrip(".")
    try:
        return ast.literal_eval(text)
    except (ValueError, SyntaxError):
        pass
    try:  # a small arithmetic expression such as -1/4
        tree = ast.parse(text, mode="eval")
    except SyntaxError as error:
        raise _Unparsed(text) from error
    allowed = (ast.Expression, ast.BinOp, ast.UnaryOp, ast.Constant, ast.operator)
    allowed += (ast.unaryop,)
    if all(isinstance(node, allowed) for node in ast.walk(tree)):
        return eval(compile(tree, "<default>", "eval"))  # numbers only
    raise _Unparsed(text)


def _same(stated: str, default) -> bool:
    """Whether the stated default text names the value ``default``."""
    try:
        value = _literal(stated)
    except _Unparsed:
        # a name: a class or function, e.g. "MAMixLoss" or "torch.optim.Adam"
        name = getattr(default, "__name__", None)
        return name is not None and stated.rsplit(".", 1)[-1] == name
    if isinstance(default, bool) or isinstance(value, bool):
        return value is default
    if isinstance(default, int | float) and isinstance(value, int | float):
        return float(value) == pytest.approx(float(default))
    if isinstance(default, tuple) and isinstance(value, list):
        value = tuple(value)
    return value == default


def _public_callables() -> dict[str, object]:
    """Every class and function that the API reference documents.

    Read from the ``autosummary`` lists of ``docs/api.rst`` (with their
    ``currentmodule``), so that the check follows the reference as it changes.
    """
    objects, module = {}, None
    lines = (DOCS / "api.rst").read_text(encoding="utf-8").splitlines()
    in_list = False
    for line in lines:
        if match := re.match(r"\.\. currentmodule:: (\S+)", line):
            module = match.group(1)
        elif line.startswith(".. autosummary::"):
            in_list = True
        elif in_list and re.match(r"\s+:\w+:", line):
            continue
        elif in_list and (name := line.strip()) and line.startswith("   "):
            target = importlib.import_module(module)
            for part in name.split("."):
                target = getattr(target, part)
            objects[f"{module}.{name}"] = target
        elif in_list and line.strip():
            in_list = False
    return objects


def _signature_defaults(obj) -> dict[str, object]:
    try:
        signature = inspect.signature(obj)
    except (TypeError, ValueError):
        return {}
    return {
        name: parameter.default
        for name, parameter in signature.parameters.items()
        if parameter.default is not inspect.Parameter.empty
    }


def _estimator_defaults() -> dict[str, list[tuple[str, object]]]:
    """``{param: [(owner, default), ...]}`` over the documented API."""
    defaults: dict[str, list[tuple[str, object]]] = {}
    for owner, obj in _public_callables().items():
        params = _signature_defaults(obj)
        if inspect.isclass(obj) and hasattr(obj, "get_params"):
            try:
                params |= obj().get_params(deep=False)
            except TypeError:  # needs arguments: the signature has to do
                pass
        for name, value in params.items():
            defaults.setdefault(name, []).append((owner, value))
    return defaults


def test_default_statements_found():
    """The scanner sees the phrasings used in these docs (and a stale one)."""
    text = """
    DeepSMOTE with its default ``penalty="paper"``, and ``penalty=None``
    (default) or ``drw=True`` (the default); training batches are shuffled by
    default (``iterator_train__shuffle=True``). ``penalty_weight`` (default 1,
    as in the paper) and ``mamix_ratio`` (default :math:`-1/4`). The epoch
    budget ``max_epochs``. The default, ``"auto"``, sizes it. But
    ``penalty="reference"`` (the default, ``penalty=None``, is off) and
    :class:`~imblearn.over_sampling.SMOTE` with ``k_neighbors=5``.
    """
    found = {(param, value) for param, value, _ in default_statements(text)}
    assert found == {
        ("penalty", '"paper"'),
        ("penalty", "None"),
        ("drw", "True"),
        ("iterator_train__shuffle", "True"),
        ("penalty_weight", "1"),
        ("mamix_ratio", "-1/4"),
        ("max_epochs", '"auto"'),
    }
    defaults = _estimator_defaults()
    stale = [
        (param, value)
        for param, value in found
        if not any(_same(value, default) for _, default in defaults[param])
    ]
    assert stale == [("penalty", '"paper"')]


def test_stated_defaults_match_the_code():
    defaults = _estimator_defaults()
    assert {"penalty", "max_epochs", "mamix_ratio", "drw"} <= defaults.keys()
    checked, wrong = 0, []
    for path in _prose_files():
        for param, value, excerpt in default_statements(_comment_text(path)):
            if param not in defaults:
                continue  # another library's parameter
            checked += 1
            if not any(_same(value, default) for _, default in defaults[param]):
                actual = ", ".join(f"{owner}: {d!r}" for owner, d in defaults[param])
                wrong.append(
                    f"{path.relative_to(REPO)}: {excerpt!r} but the default is {actual}"
                )
    assert checked >= 5, "the scanner found almost no statements of a default"
    assert not wrong, "stale defaults:\n" + "\n".join(wrong)


def _documented_defaults(doc: str | None) -> dict[str, str]:
    """``{param: default text}`` from a numpydoc ``Parameters`` section."""
    lines = inspect.cleandoc(doc or "").splitlines()
    documented, in_parameters = {}, False
    for i, line in enumerate(lines):
        if i + 1 < len(lines) and re.fullmatch(r"-{3,}", lines[i + 1].strip()):
            in_parameters = line.strip() == "Parameters"
            continue
        entry = re.match(r"(\*{0,2}\w+) : (.*)$", line) if in_parameters else None
        if entry and (default := re.search(r"\bdefault[=:]\s*(.+)$", entry[2])):
            documented[entry[1]] = default[1].strip()
    return documented


def _documented_callables():
    for name, obj in _public_callables().items():
        yield name, obj, obj.__doc__
        if inspect.isclass(obj):
            for method_name, method in vars(obj).items():
                if not method_name.startswith("_") and inspect.isfunction(method):
                    yield f"{name}.{method_name}", method, method.__doc__


def test_docstring_defaults_match_signatures():
    checked, wrong = 0, []
    for name, obj, doc in _documented_callables():
        signature = _signature_defaults(obj)
        for param, stated in _documented_defaults(doc).items():
            if param not in signature:
                continue  # e.g. a skorch parameter passed through **kwargs
            checked += 1
            if not _same(stated, signature[param]):
                wrong.append(
                    f"{name}: {param} documented as default={stated}, "
                    f"the signature says {signature[param]!r}"
                )
    assert checked >= 20, checked
    assert not wrong, "\n".join(wrong)


# --------------------------------------------------------------------------- #
# Intersphinx                                                                 #
# --------------------------------------------------------------------------- #

_ROLE = re.compile(r":(?:py:)?(?:class|func|meth|attr|obj|exc|data|mod):`([^`]+)`")


def _external_references() -> set[tuple[str, str]]:
    """``(project, target)`` of every reference to another project's object."""
    inventories = _load(DOCS / "_intersphinx" / "make_inventories.py", "_inv_docs")
    projects = set(inventories.PROJECTS) - {"python"}
    sources = _prose_files() + sorted((REPO / "imblearn_deepsmote").rglob("*.py"))
    references = set()
    for path in sources:
        for match in _ROLE.finditer(path.read_text(encoding="utf-8")):
            target = match.group(1)
            if "<" in target:
                target = target.rsplit("<", 1)[1].rstrip(">")
            target = target.lstrip("~!.")
            project = target.split(".")[0]
            if project in projects:
                references.add((project, target))
    return references


def test_external_references_are_in_the_inventories():
    inventories = _load(DOCS / "_intersphinx" / "make_inventories.py", "_inv_docs")
    references = _external_references()
    assert ("imblearn", "imblearn.over_sampling.SMOTE") in references
    missing = []
    for project, target in sorted(references):
        path = DOCS / "_intersphinx" / f"{project}.inv"
        listed = inventories.read_inventory(path.read_bytes())
        if target not in listed:
            missing.append(f"{project}: {target}")
    assert not missing, (
        "add these to docs/_intersphinx/make_inventories.py and run it:\n"
        + "\n".join(missing)
    )


def test_inventories_are_up_to_date():
    """The committed ``.inv`` files list what make_inventories.py lists."""
    inventories = _load(DOCS / "_intersphinx" / "make_inventories.py", "_inv_docs")
    stale = [
        key
        for key in inventories.PROJECTS
        if inventories.read_inventory(
            (DOCS / "_intersphinx" / f"{key}.inv").read_bytes()
        )
        != inventories.read_inventory(inventories.inventory_bytes(key))
    ]
    assert not stale, "run python docs/_intersphinx/make_inventories.py"


# --------------------------------------------------------------------------- #
# Figures: every number quoted comes from the benchmarks' JSON files          #
# --------------------------------------------------------------------------- #

#: The named figures (``docs/_numbers.py``) that README.md quotes: each value
#: must appear in the README, and the README may quote no other "x ± y".
README_FIGURES = [
    "augmented-digits-DeepSMOTE-MAMix-vs-SMOTE",
    "augmented-digits-DeepSMOTE-vs-SMOTE",
    "augmented-digits-MAMix-vs-SMOTE",
    "augmented-elpv-DeepSMOTE-MAMix-vs-SMOTE",
    "augmented-elpv-DeepSMOTE-vs-SMOTE",
    "augmented-elpv-MAMix-vs-SMOTE",
    "augmented-elpv-SMOTE-ba",
    "augmented-fashion-DeepSMOTE-MAMix-vs-SMOTE",
    "augmented-fashion-DeepSMOTE-vs-SMOTE",
    "augmented-fashion-MAMix-vs-SMOTE",
    "augmented-mnist-DeepSMOTE-MAMix-vs-SMOTE",
    "augmented-mnist-DeepSMOTE-vs-SMOTE",
    "augmented-mnist-MAMix-vs-SMOTE",
    "images-digits-DeepSMOTE-MAMix-vs-SMOTE",
    "images-digits-DeepSMOTE-vs-SMOTE",
    "images-digits-MAMix-vs-SMOTE",
    "images-elpv-DeepSMOTE-MAMix-vs-SMOTE",
    "images-elpv-DeepSMOTE-vs-SMOTE",
    "images-elpv-MAMix-vs-SMOTE",
    "images-elpv-SMOTE-ba",
    "images-fashion-DeepSMOTE-MAMix-vs-SMOTE",
    "images-fashion-DeepSMOTE-vs-SMOTE",
    "images-fashion-MAMix-vs-SMOTE",
    "images-mnist-DeepSMOTE-MAMix-vs-SMOTE",
    "images-mnist-DeepSMOTE-vs-SMOTE",
    "images-mnist-MAMix-vs-SMOTE",
    "speed-size-mnist-ir-100-28px-s",
    "tabular-DeepSMOTE-fit-s",
    "tabular-LogReg-DeepSMOTE-vs-SMOTE",
    "tabular-SMOTE-fit-s",
    "tabular-kNN-DeepSMOTE-vs-SMOTE",
]

# "91.1 ± 1.7", "+3.4 ± 2.6", "-0.1±0.7"
_PLUS_MINUS = re.compile(r"[+\-−]?\d+(?:[.,]\d+)?\s*±\s*\d+(?:[.,]\d+)?")


def _numbers():
    return _load(DOCS / "_numbers.py", "_docs_numbers")


def _write_json(folder: Path, name: str, data: dict) -> None:
    import json

    (folder / name).write_text(json.dumps(data), encoding="utf-8")


def _image_row(seeds, accuracy, resample_s=(0.0,), mib=(0.0,), classifier_s=(1.0,)):
    n = len(seeds)
    return {
        "seeds": list(seeds),
        "balanced_accuracy": list(accuracy),
        "resample_s": list(resample_s) * (n // len(resample_s)),
        "resample_mib": list(mib) * (n // len(mib)),
        "classifier_s": list(classifier_s) * (n // len(classifier_s)),
        "spec": {},
    }


def test_numbers_match_a_hand_computation(tmp_path):
    numbers = _numbers()
    _write_json(
        tmp_path,
        "images.json",
        {
            "command": "python benchmarks/bench_images.py",
            "datasets": {
                "toy": {
                    "SMOTE": _image_row([0, 1, 2], [0.80, 0.82, 0.84]),
                    "MAMix": _image_row([0, 1], [0.85, 0.81]),
                    # seeds in another order than SMOTE's: paired by seed
                    "DeepSMOTE + MAMix": _image_row(
                        [2, 0, 1],
                        [0.86, 0.83, 0.85],
                        resample_s=(20.0, 30.0, 40.0),
                        mib=(100.0, 200.0, 600.0),
                        classifier_s=(1.0, 2.0, 3.0),
                    ),
                    "oracle": _image_row([0, 1, 2], [0.90, 0.92, 0.94]),
                    "DeepSMOTE": _image_row([0, 1, 2], [0.84, 0.84, 0.84]),
                },
                "other": {
                    "SMOTE": _image_row([0, 1, 2], [0.60, 0.60, 0.60]),
                    "DeepSMOTE + MAMix": _image_row([0, 1, 2], [0.59, 0.58, 0.60]),
                },
            },
        },
    )
    _write_json(
        tmp_path,
        "ablations.json",
        {
            "command": "python benchmarks/bench_images.py --rows ...",
            "datasets": {
                "toy": {
                    "SMOTE": _image_row([0, 1], [0.80, 0.82]),
                    "no noise": _image_row([0, 1], [0.79, 0.80]),
                }
            },
        },
    )
    _write_json(
        tmp_path,
        "tabular.json",
        {
            "command": "python benchmarks/bench_tabular.py",
            "datasets": ["a", "b"],
            "samplers": ["none", "SMOTE", "DeepSMOTE"],
            "classifiers": ["kNN"],
            "seeds": [0, 1],
            "metrics": ["G-mean", "F1", "AUC"],
            # [dataset][sampler][classifier][seed][metric]; F1 and AUC 0.5
            "values": [
                [
                    [[[0.5, 0.5, 0.5], [0.5, 0.5, 0.5]]],
                    [[[0.70, 0.5, 0.5], [0.80, 0.5, 0.5]]],
                    [[[0.73, 0.5, 0.5], [0.79, 0.5, 0.5]]],
                ],
                [
                    [[[0.5, 0.5, 0.5], [0.5, 0.5, 0.5]]],
                    [[[0.60, 0.5, 0.5], [0.60, 0.5, 0.5]]],
                    [[[0.602, 0.5, 0.5], [0.60, 0.5, 0.5]]],
                ],
            ],
            # [dataset][sampler][seed]: only the first seed counts
            "fit_seconds": [
                [[0.0, 0.0], [1.0, 9.0], [10.0, 99.0]],
                [[0.0, 0.0], [2.0, 9.0], [20.0, 99.0]],
            ],
        },
    )
    run = {"rows": 1800, "features": 784, "epochs": 20, "generated": 6200}
    _write_json(
        tmp_path,
        "speed.json",
        {
            "command": "python benchmarks/bench_speed.py",
            "images": [{**run, "seconds": 21.6, "rss_delta_mib": 87.9}],
            "tabular": [
                {"rows": 1000, "features": 20, "seconds": 1.86, "rss_delta_mib": 80.4}
            ],
            "sizes": [
                {
                    "images": "ELPV mono",
                    "runs": [
                        {
                            **run,
                            "rows": 1074,
                            "features": 1024,
                            "seconds": s,
                            "cpu_seconds": s,
                            "rss_delta_mib": m,
                        }
                        for s, m in ((10.0, 50.0), (12.0, 70.0), (11.0, 60.0))
                    ],
                }
            ],
        },
    )
    _write_json(
        tmp_path,
        "diagnostics.json",
        {
            "command": "python benchmarks/bench_images.py --diagnose FILE.json",
            "columns": {
                "precision": {"pooled": 0.1, "within": {"toy": 0.2}, "n_pairs": 12},
                "recognised": {"pooled": 0.62, "within": {"toy": 0.5}, "n_pairs": 12},
                "recall": {"pooled": -0.3, "within": {"toy": None}, "n_pairs": 12},
            },
            "values": {
                "toy": {"SMOTE": {"1": {"recognised": 0.904}, "all": {"recall": None}}}
            },
        },
    )
    figures = numbers.figures(tmp_path)
    expected = {
        # [80, 82, 84] %: mean 82, sample std 2
        "images-toy-SMOTE-ba": "82.0 ± 2.0",
        "images-toy-seeds": "3",
        # seeds 0, 1, 2: 83, 85, 86
        "images-toy-DeepSMOTE-MAMix-ba": "84.7 ± 1.5",
        # 83 - 80, 85 - 82, 86 - 84 = 3, 3, 2
        "images-toy-DeepSMOTE-MAMix-vs-SMOTE": "+2.7 ± 0.6 (3/3 seeds ahead)",
        # MAMix has seeds 0 and 1 only: 83 - 85, 85 - 81 = -2, 4
        "images-toy-DeepSMOTE-MAMix-vs-MAMix": "+1.0 ± 4.2 (1/2 seeds ahead)",
        # 83 - 84, 85 - 84, 86 - 84 = -1, 1, 2
        "images-toy-DeepSMOTE-MAMix-vs-DeepSMOTE": "+0.7 ± 1.5 (2/3 seeds ahead)",
        # (84.67 - 82) / (92 - 82)
        "images-toy-DeepSMOTE-MAMix-gap-closed": "27",
        "images-toy-DeepSMOTE-MAMix-resample-s": "30.0",
        "images-toy-DeepSMOTE-MAMix-resample-mib": "300",
        "images-toy-DeepSMOTE-MAMix-classifier-s": "2.0",
        "images-toy-oracle-vs-SMOTE": "+10.0 ± 0.0 (3/3 seeds ahead)",
        # over the data sets: toy +2.67, other -1.0
        "images-all-DeepSMOTE-MAMix-vs-SMOTE": "+0.8 (ahead on 1/2 data sets)",
        # the same names, from the ablations' file
        "ablations-toy-no-noise-vs-SMOTE": "-1.5 ± 0.7 (0/2 seeds ahead)",
        "ablations-all-no-noise-vs-SMOTE": "-1.5 (ahead on 0/1 data sets)",
        # per seed, the mean over the sets: SMOTE 65, 70
        "tabular-kNN-SMOTE-gmean": "67.5 ± 3.5",
        "tabular-kNN-none-f1": "50.0 ± 0.0",
        # DeepSMOTE 66.6, 69.5: differences 1.6, -0.5
        "tabular-kNN-DeepSMOTE-vs-SMOTE": "+0.55 ± 1.48 (1/2 seeds ahead)",
        # per set, the mean difference: a +0.01 (ahead), b +0.001 (level)
        "tabular-kNN-DeepSMOTE-wtl": "1 / 1 / 0",
        "tabular-SMOTE-fit-s": "3.0",
        "tabular-DeepSMOTE-fit-s": "30.0",
        "tabular-datasets": "2",
        "tabular-seeds": "2",
        "speed-images-1800-s": "22",
        "speed-images-1800-mib": "88",
        "speed-images-1800-epochs": "20",
        "speed-tabular-1000x20-s": "1.9",
        # medians of three runs
        "speed-size-elpv-mono-32px-s": "11.0",
        "speed-size-elpv-mono-32px-mib": "60",
        "speed-size-elpv-mono-32px-rows": "1,074",
        "diagnostics-recognised-spearman": "+0.62",
        "diagnostics-precision-within-toy": "+0.20",
        "diagnostics-toy-SMOTE-1-recognised": "0.90",
        "diagnostics-best-column": "recognised",
        "diagnostics-best-spearman": "+0.62",
        "diagnostics-best-pairs": "12",
        "diagnostics-worst-column": "recall",
        "diagnostics-worst-spearman": "-0.30",
    }
    assert {name: figures.get(name) for name in expected} == expected
    # no comparison of a row with itself, no gap for SMOTE or the oracle, no
    # correlation where it is missing
    for absent in (
        "images-toy-SMOTE-vs-SMOTE",
        "images-toy-MAMix-vs-MAMix",
        "images-toy-DeepSMOTE-vs-DeepSMOTE",
        # DeepSMOTE is not in every data set
        "images-all-DeepSMOTE-vs-SMOTE",
        "images-toy-SMOTE-gap-closed",
        "images-toy-oracle-gap-closed",
        # not every data set has an oracle
        "images-all-oracle-vs-SMOTE",
        "tabular-kNN-SMOTE-vs-SMOTE",
        "diagnostics-recall-within-toy",
        "diagnostics-toy-SMOTE-all-recall",
    ):
        assert absent not in figures, absent


def test_torch_data_figures_match_a_hand_computation(tmp_path):
    numbers = _numbers()
    row = {
        "sampler": "DeepSMOTE",
        "seconds": 648.7,
        "peak_added_mib": 393.6,
        "after_added_mib": 287.5,
        "new_items": 4500,
        "new_pixels_mib": 70.3125,
    }
    _write_json(
        tmp_path,
        "torch_data.json",
        {
            "counts": [38500, 750, 750],
            "side": 64,
            "target": 3000,
            "majority_mib": 601.5625,
            "rows": [row],
        },
    )
    figures = numbers.figures(tmp_path)
    assert figures["torch-data-images"] == "40,000"
    assert figures["torch-data-majority-mib"] == "602"
    assert figures["torch-data-DeepSMOTE-peak-mib"] == "394"
    assert figures["torch-data-DeepSMOTE-after-mib"] == "288"
    assert figures["torch-data-DeepSMOTE-s"] == "649"
    assert figures["torch-data-DeepSMOTE-new-pixels-mib"] == "70"


def test_numbers_without_json_files_define_nothing(tmp_path):
    numbers = _numbers()
    assert numbers.figures(tmp_path) == {}
    assert numbers.rst_prolog({"b-x": "2", "a-y": "1 ± 0"}) == (
        ".. |a-y| replace:: 1 ± 0\n.. |b-x| replace:: 2\n"
    )
    assert numbers.slug("DeepSMOTE + MAMix") == "DeepSMOTE-MAMix"
    assert numbers.slug("latent_noise=0.5") == "latent-noise-0.5"


def test_readme_setup_commands_and_cpu_torch_note_are_on_the_first_screen():
    first_screen = "\n".join(
        (REPO / "README.md").read_text(encoding="utf-8").splitlines()[:40]
    )
    for command in ("make demo", "make test", "download.pytorch.org/whl/cpu"):
        assert command in first_screen, command


def test_readme_figures_come_from_the_benchmarks():
    figures = _numbers().figures()
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    missing = [name for name in README_FIGURES if name not in figures]
    assert not missing, f"not computed (is its JSON file there?): {missing}"
    absent = [
        f"{name}: {figures[name]}"
        for name in README_FIGURES
        if figures[name] not in readme
    ]
    assert not absent, "README.md does not quote:\n" + "\n".join(absent)
    allowed = {
        match.group(0)
        for name in README_FIGURES
        for match in _PLUS_MINUS.finditer(figures[name])
    }
    other = sorted({m.group(0) for m in _PLUS_MINUS.finditer(readme)} - allowed)
    assert not other, f"README.md quotes figures that are not computed: {other}"


def test_docs_quote_no_figures_by_hand():
    """A "mean ± std" in the docs' sources is a substitution, never typed in.

    The benchmark scripts' own tables (``docs/benchmarks/*.rst``) and code that
    formats a computed value (``f"{mean:.3f} ± {std:.3f}"``) are not figures.
    """
    sources = [
        path
        for path in _prose_files()
        if path.suffix in (".rst", ".txt")
        or (path.suffix == ".py" and path.parent.name == "examples")
    ]
    sources = [p for p in sources if p.parent != DOCS / "benchmarks"]
    found = []
    for path in sources:
        text = (
            _comment_text(path)
            if path.suffix == ".py"
            else path.read_text(encoding="utf-8")
        )
        for match in _PLUS_MINUS.finditer(text):
            found.append(f"{path.relative_to(REPO)}: {match.group(0)}")
    assert not found, "figures typed by hand:\n" + "\n".join(found)
