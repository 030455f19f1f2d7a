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
