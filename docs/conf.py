"""Sphinx configuration of the imblearn-deepsmote documentation.

Build with ``make docs`` from the repository root (it installs the ``docs``
extras into ``.venv``), or ``make -C docs html`` with Sphinx on the PATH. The
build treats every warning as an error (``SPHINXOPTS=-W --keep-going`` in
``docs/Makefile``).
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

DOCS_DIR = Path(__file__).resolve().parent
sys.path.insert(0, str(DOCS_DIR.parent))  # the package, when not installed
sys.path.insert(0, str(DOCS_DIR / "_ext"))  # gallery_order

# The example gallery runs every ``examples/plot_*.py`` during the build. Quick
# mode trains for a few epochs only, so the build takes a few minutes on a CPU;
# ``IMBLEARN_DEEPSMOTE_QUICK=0 make docs`` runs the examples in full.
os.environ.setdefault("IMBLEARN_DEEPSMOTE_QUICK", "1")
os.environ.setdefault("MPLBACKEND", "Agg")

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
numpydoc_xref_param_type = False

# -- intersphinx -------------------------------------------------------------
# Cross-references to numpy, scikit-learn, imbalanced-learn, skorch, torch and
# the Python standard library (``:class:`torch.nn.Module```, ...). Sphinx must
# download each project's ``objects.inv`` at build time; without network
# access every download fails with a warning, and ``-W`` turns those warnings
# into a failed build. There is no offline fallback: the inventories are not
# shipped with the installed packages, and hand-written ones would invent
# URLs. So the mapping is only active when ``DOCS_INTERSPHINX=1`` is set
# (``DOCS_INTERSPHINX=1 make docs``, e.g. on a docs-hosting service). Without
# it, references to those projects render as plain code text: Sphinx does not
# warn about an unresolved Python reference unless ``nitpicky`` is on.
_INTERSPHINX = {
    "python": ("https://docs.python.org/3/", None),
    "numpy": ("https://numpy.org/doc/stable/", None),
    "sklearn": ("https://scikit-learn.org/stable/", None),
    "imblearn": ("https://imbalanced-learn.org/stable/", None),
    "skorch": ("https://skorch.readthedocs.io/en/stable/", None),
    "torch": ("https://docs.pytorch.org/docs/stable/", None),
    "pandas": ("https://pandas.pydata.org/docs/", None),
    "matplotlib": ("https://matplotlib.org/stable/", None),
}
intersphinx_mapping = _INTERSPHINX if os.environ.get("DOCS_INTERSPHINX") == "1" else {}
intersphinx_timeout = 10

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
}

# -- matplotlib plot directive (the figures of the user guide) ---------------

plot_include_source = False
plot_html_show_source_link = False
plot_html_show_formats = False
plot_formats = [("png", 110)]
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
html_sidebars = {
    "index": [],
    "getting_started": [],
    "changelog": [],
    "citation": [],
}
html_show_sourcelink = True


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


def setup(app):
    app.connect("autodoc-skip-member", _skip_member)
