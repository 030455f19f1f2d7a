"""The ``measured`` directive: a passage that needs benchmark results.

::

    .. measured:: benchmarks/tabular.json

       With kNN, DeepSMOTE's G-mean differs from SMOTE's by
       |tabular-kNN-DeepSMOTE-vs-SMOTE| points.

Each argument is a file under ``docs/`` (a path with a ``/``) or the name of
a figure of ``docs/_numbers.py``; the option ``:missing:`` says what makes
the results, in the note shown without them. When all of them exist the content is
parsed as if it stood there; otherwise the page shows a note naming what is
missing instead, and the build lists the passages that wait for results. The
benchmark scripts' tables and figures are included this way
(``docs/benchmarks.rst``), so that a checkout without them still builds and
says so; a substitution used *outside* such a passage still fails the build
when its JSON file is absent.
"""

from __future__ import annotations

from pathlib import Path

from docutils.parsers.rst import Directive, directives
from sphinx.util import logging

logger = logging.getLogger(__name__)


class Measured(Directive):
    """Parse the content only if every file and figure named exists."""

    required_arguments = 1
    optional_arguments = 20
    has_content = True
    #: ``:missing:`` replaces the note's pointer to the commands
    option_spec = {"missing": directives.unchanged}

    def run(self):
        env = self.state.document.settings.env
        figures = env.config.measured_figures
        files, figures_missing = [], []
        for name in self.arguments:
            if "/" in name:
                path = Path(env.srcdir) / name
                env.note_dependency(str(path))
                if not path.is_file():
                    files.append(f"``docs/{name}``")
            elif name not in figures:
                figures_missing.append(f"``{name}``")
        if files or figures_missing:
            env.measured_missing = getattr(env, "measured_missing", {})
            env.measured_missing.setdefault(env.docname, []).extend(
                files + figures_missing
            )
            what = []
            if files:
                what.append(f"{_join(files)} {'is' if len(files) == 1 else 'are'}")
            if figures_missing:
                noun = "figure" if len(figures_missing) == 1 else "figures"
                verb = "is" if len(figures_missing) == 1 else "are"
                what.append(f"the {noun} {_join(figures_missing)} {verb}")
            where = self.options.get("missing") or (
                "the command above makes it"
                if env.docname == "benchmarks"
                else "the :ref:`benchmarks` page gives the commands"
            )
            lines = [
                ".. note::",
                "",
                f"   Not in this build: {' and '.join(what)} missing here; {where}.",
                "",
            ]
        else:
            lines = [*self.content, ""]
        # as ``.. include::`` does: the lines are read as if they stood here,
        # so that they may hold section titles
        self.state_machine.insert_input(lines, self.state.document.current_source)
        return []


def _join(names: list[str]) -> str:
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]


def _purge(app, env, docname):
    getattr(env, "measured_missing", {}).pop(docname, None)


def _merge(app, env, docnames, other):
    mine = env.measured_missing = getattr(env, "measured_missing", {})
    for docname, names in getattr(other, "measured_missing", {}).items():
        if docname in docnames:
            mine[docname] = names


def _report(app, exception):
    missing = getattr(app.env, "measured_missing", {})
    for docname, names in sorted(missing.items()):
        logger.info(f"measured: {docname} waits for {', '.join(names)}")


def setup(app):
    app.add_config_value("measured_figures", {}, "env")
    app.add_directive("measured", Measured)
    app.connect("env-purge-doc", _purge)
    app.connect("env-merge-info", _merge)
    app.connect("build-finished", _report)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
