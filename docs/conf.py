"""Sphinx configuration of the imblearn-deepsmote documentation.

Build with ``make docs`` from the repository root (it installs the ``docs``
extras into ``.venv``), or ``make -C docs html`` with Sphinx on the PATH. The
build treats every warning as an error (``SPHINXOPTS=-W --keep-going`` in
``docs/Makefile``).
"""

from __future__ import annotations

import os
import shutil
import sys
from pathlib import Path

from docutils import nodes

DOCS_DIR = Path(__file__).resolve().parent
sys.path.insert(0, str(DOCS_DIR.parent))  # the package, when not installed
sys.path.insert(0, str(DOCS_DIR / "_ext"))  # gallery_order

# The example gallery runs every ``examples/plot_*.py`` during the build. In
# quick mode (``make docs``, CI) each example's hidden quick-mode block cuts
# its epochs, so the build takes a few minutes on a CPU, and every example
# page with such a block says so. ``make docs-full``
# (``IMBLEARN_DEEPSMOTE_QUICK=0``) runs the examples as their code reads: that
# build is the one to publish.
os.environ.setdefault("IMBLEARN_DEEPSMOTE_QUICK", "1")
os.environ.setdefault("MPLBACKEND", "Agg")
QUICK = os.environ["IMBLEARN_DEEPSMOTE_QUICK"] == "1"

# sphinx-gallery reruns an example only when its source changes, so a switch
# between quick and full mode would keep the other mode's outputs: the gallery
# folder records its mode and is cleared when the mode changes.
_GALLERY_DIR = DOCS_DIR / "auto_examples"
_GALLERY_MODE = _GALLERY_DIR / ".gallery-mode"
_mode = "quick" if QUICK else "full"
if _GALLERY_DIR.exists() and (
    not _GALLERY_MODE.exists() or _GALLERY_MODE.read_text().strip() != _mode
):
    shutil.rmtree(_GALLERY_DIR)
_GALLERY_DIR.mkdir(exist_ok=True)
_GALLERY_MODE.write_text(_mode + "\n")

import torch  # noqa: E402

import imblearn_deepsmote  # noqa: E402

# The examples' networks are tiny: one thread per operation is as fast on an
# idle machine and many times faster on a busy one (CI runners, parallel jobs),
# where several intra-op threads wait on each other.
torch.set_num_threads(1)

# -- Project information -----------------------------------------------------

project = "imblearn-deepsmote"
author = "imblearn-deepsmote developers"
copyright = "imblearn-deepsmote developers"  # noqa: A001
release = imblearn_deepsmote.__version__
version = ".".join(release.split(".")[:2])

# -- General configuration ---------------------------------------------------

extensions = [
    "sphinx.ext.autodoc",
    "sphinx.ext.autosummary",
    "sphinx.ext.intersphinx",
    "sphinx.ext.mathjax",
    "sphinx-mathjax-offline",  # MathJax bundled, not from a CDN: math renders offline
    "sphinx.ext.viewcode",
    "numpydoc",
    "sphinx_gallery.gen_gallery",
    "matplotlib.sphinxext.plot_directive",
]

templates_path = ["_templates"]
# docs/benchmarks/*.rst are tables written by the benchmark scripts; they are
# pulled into benchmarks.rst with ``.. include::``, not built as pages.
exclude_patterns = ["_build", "benchmarks/*.rst"]
root_doc = "index"
default_role = "literal"  # `x` renders as code, as ``x`` does
pygments_style = "sphinx"

# -- autodoc, autosummary, numpydoc ------------------------------------------

autosummary_generate = True
autodoc_default_options = {"members": True}
autodoc_typehints = "none"  # the numpydoc docstrings state the types
# One "Methods" list per class comes from the autosummary template; numpydoc
# would otherwise add a second one (and stub pages for every method).
numpydoc_show_class_members = False
numpydoc_class_members_toctree = False
# Parameter and return types link to their documentation: numpydoc's aliases
# (``int``, ``ndarray``, ``array-like``, ...), every fully qualified name in
# the intersphinx inventories (``torch.nn.Module``) and the short names below.
# Other words stay plain text ("all"), so no type turns into a dead link.
numpydoc_xref_param_type = True
numpydoc_xref_ignore = "all"

# -- intersphinx -------------------------------------------------------------
# Cross-references to other projects (``:class:`~imblearn.over_sampling.SMOTE```,
# numpydoc's parameter types, the names in the gallery's code) link to their
# published documentation. Sphinx finds the targets in each project's
# ``objects.inv``; the build reads small copies of our own from
# ``docs/_intersphinx/`` and never goes online. They list only the objects these
# docs refer to: add new ones to ``docs/_intersphinx/make_inventories.py`` and
# run it (``tests/test_docs.py`` fails on a reference that is not listed).
sys.path.insert(0, str(DOCS_DIR / "_intersphinx"))
from make_inventories import PROJECTS, entries  # noqa: E402

intersphinx_mapping = {
    key: (base_url, str(DOCS_DIR / "_intersphinx" / f"{key}.inv"))
    for key, (_name, base_url) in PROJECTS.items()
}
numpydoc_xref_aliases = {
    name: f":obj:`{name}`"
    for key in PROJECTS
    if key != "python"  # numpydoc's own aliases cover the builtins
    for name, role, _uri in entries(key)
    if role.startswith("py:")
}
numpydoc_xref_aliases |= {
    "callable": ":obj:`callable <python:callable>`",  # no "()" after a type
    "Axes": ":obj:`Axes <matplotlib.axes.Axes>`",
    "DataFrame": ":obj:`DataFrame <pandas.DataFrame>`",
    "Figure": ":obj:`Figure <matplotlib.figure.Figure>`",
}

# -- sphinx-gallery ----------------------------------------------------------

sphinx_gallery_conf = {
    "examples_dirs": "../examples",
    "gallery_dirs": "auto_examples",
    "filename_pattern": r"/plot_",
    # only plot_*.py are gallery scripts (demo_digits.py and dask_grid_search.py
    # are command-line scripts, run by hand)
    "ignore_pattern": r"^(?!plot_)",
    "within_subsection_order": "gallery_order.ExampleOrder",
    "doc_module": ("imblearn_deepsmote",),
    "backreferences_dir": "generated/backreferences",
    "download_all_examples": False,
    "remove_config_comments": True,
    "show_memory": False,
    # the page of execution times loads its table scripts from CDNs; each
    # example's page gives its own running time
    "write_computation_times": False,
}

# -- matplotlib plot directive (the figures of the user guide) ---------------

plot_include_source = False
plot_html_show_source_link = False
plot_html_show_formats = False
plot_formats = [("png", 150)]  # sharp when scaled to the text width
plot_rcparams = {"font.size": 9}

# -- HTML output -------------------------------------------------------------

html_theme = "pydata_sphinx_theme"
html_title = f"imblearn-deepsmote {release}"
html_theme_options = {
    "navigation_with_keys": False,
    "show_toc_level": 2,
    "header_links_before_dropdown": 7,
    "secondary_sidebar_items": ["page-toc", "sourcelink"],
}
# No primary sidebar on the home page; other pages lose it when its "Section
# Navigation" would be empty (see _drop_empty_sidebar).
html_sidebars = {"index": []}
html_show_sourcelink = True
html_static_path = ["_static"]
html_css_files = ["custom.css"]


# -- Hooks -------------------------------------------------------------------


def _skip_member(app, what, name, obj, skip, options):
    """Leave plumbing out of the class pages.

    - scikit-learn's generated ``set_{method}_request`` methods: it adds them
      to every estimator whose ``fit`` (or ``partial_fit``, ...) takes extra
      arguments; they are metadata routing, documented by scikit-learn, and
      their docstrings refer to scikit-learn's glossary.
    - Overrides without a docstring of their own (e.g. ``get_params`` of
      ``MAMixClassifier``): autodoc would show the parent's docstring, which
      describes the parent (skorch, PyTorch), not this package.
    """
    if what != "class":
        return None
    if name.startswith("set_") and name.endswith("_request"):
        return True
    function = getattr(obj, "fget", obj)  # a property's getter
    if callable(function) and getattr(function, "__doc__", None) is None:
        return True
    return None


def _drop_empty_sidebar(app, pagename, templatename, context, doctree):
    """Remove the primary sidebar of a top-level page without sub-pages.

    The theme's "Section Navigation" lists the pages under the current
    top-level page; for the user guide or the benchmarks there are none, and
    the empty sidebar would only take width from the text and the tables.
    """
    env = app.env
    top_level = env.toctree_includes.get(app.config.root_doc, [])
    if pagename in top_level and not env.toctree_includes.get(pagename):
        context["sidebars"] = []


_QUICK_NOTE = """\
.. admonition:: Quick build
   :class: warning

   This page was built in quick mode (``IMBLEARN_DEEPSMOTE_QUICK=1``, as in
   CI): the example trained for fewer epochs than its code says, so its
   numbers and images are not representative. ``make docs-full`` builds the
   examples as written.

"""


def _note_quick_mode(app, docname, source):
    """Say on the example pages of a quick build that cut their epochs so.

    Only examples that read ``IMBLEARN_DEEPSMOTE_QUICK`` run differently in
    quick mode; the others (``plot_judging_samples.py``) run as written.
    """
    if QUICK and docname.startswith("auto_examples/plot_"):
        script = DOCS_DIR.parent / "examples" / (docname.split("/")[-1] + ".py")
        if not script.exists() or "IMBLEARN_DEEPSMOTE_QUICK" in script.read_text(
            encoding="utf-8"
        ):
            source[0] = _QUICK_NOTE + source[0]


def _keep_mean_std_together(app, doctree):
    """Keep "0.879 ± 0.011" on one line in tables.

    Narrow columns otherwise break such cells after the "±"; non-breaking
    spaces make the table wrap its text columns instead.
    """
    for table in doctree.findall(nodes.table):
        for text in list(table.findall(nodes.Text)):
            if " ± " in text:
                text.parent.replace(
                    text, nodes.Text(text.replace(" ± ", "\u00a0±\u00a0"))
                )


def setup(app):
    app.connect("autodoc-skip-member", _skip_member)
    app.connect("doctree-read", _keep_mean_std_together)
    app.connect("html-page-context", _drop_empty_sidebar)
    app.connect("source-read", _note_quick_mode)
