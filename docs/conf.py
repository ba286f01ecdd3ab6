"""Sphinx configuration of skdeep's documentation.

Build (offline: scikit-learn's inventory is a shipped copy, MathJax is
copied into the site, no remote assets)::

    pip install ".[docs]"
    python -m sphinx -W --keep-going -b html docs docs/_build/html

The build runs every example of ``examples/`` (sphinx-gallery) and checks that
``api.rst`` lists every public name of ``skdeep``, ``skdeep.nn`` and
``skdeep.train``.
"""

import os
import re
from pathlib import Path

# The examples run in this process and train small networks, for which one
# BLAS thread is fastest; several threads spin and slow down by an order of
# magnitude on a loaded (shared CI) machine. Set before NumPy is imported;
# the environment still wins.
for _var in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_var, "1")

import matplotlib  # noqa: E402

matplotlib.use("Agg")

import skdeep  # noqa: E402
import skdeep.backend  # noqa: E402
import skdeep.model_selection  # noqa: E402
import skdeep.nn  # noqa: E402
import skdeep.train  # noqa: E402

HERE = Path(__file__).resolve().parent

# -- Project ----------------------------------------------------------------

project = "skdeep"
author = "skdeep developers"
copyright = "skdeep developers, BSD-3-Clause"
release = skdeep.__version__
version = ".".join(release.split(".")[:2])

# -- General ----------------------------------------------------------------

extensions = [
    "sphinx.ext.autodoc",
    "sphinx.ext.autosummary",
    "sphinx.ext.intersphinx",
    "sphinx.ext.viewcode",
    "sphinx.ext.mathjax",
    # MathJax copied into the site: formulas render offline
    "sphinx-mathjax-offline",
    "numpydoc",
    "sphinx_gallery.gen_gallery",
    "myst_parser",
]

# Links into scikit-learn's documentation from a copy of its inventory
# (docs/_intersphinx/make_sklearn_inventory.py writes it): no network.
intersphinx_mapping = {
    "sklearn": (
        "https://scikit-learn.org/stable/",
        str(HERE / "_intersphinx" / "sklearn.inv"),
    ),
}

source_suffix = {".rst": "restructuredtext", ".md": "markdown"}
root_doc = "index"
exclude_patterns = [
    "_build",
    "Thumbs.db",
    ".DS_Store",
    # sphinx-gallery writes these; they are not pages of their own
    "auto_examples/*.ipynb",
    "auto_examples/*.py",
    "auto_examples/*.zip",
    "auto_examples/*.md5",
    "auto_examples/*.json",
    "auto_examples/*.pickle",
]
templates_path = ["_templates"]
default_role = "literal"
nitpicky = False

# Signatures without type hints: the numpydoc sections give the types.
autodoc_default_options = {"members": True}
autodoc_typehints = "none"
autosummary_generate = True
autosummary_imported_members = True

# numpydoc renders the Parameters/Returns/... sections. The class template
# (_templates/autosummary/class.rst) documents the members with autodoc, so
# numpydoc must not add its own member tables (they would duplicate them and
# point at missing stubs).
numpydoc_show_class_members = False
numpydoc_show_inherited_class_members = False
numpydoc_class_members_toctree = False
numpydoc_xref_param_type = False
numpydoc_attributes_as_param_list = True
# Conservative validation, on the API most users read (the estimators, the
# diagnostics, the display): only mistakes that make a page wrong or
# incomplete -- a parameter that is not documented, a documented parameter
# that does not exist or is out of order, a malformed parameter line, an
# unknown or misplaced section. Style checks (summaries, periods, See Also,
# Examples) are left to the package. skdeep.nn, skdeep.train and
# skdeep.backend document
# their lower-level methods in prose, so PR01 would flag most of them: they
# get the same checks but PR01 (check_lower_level_docstrings below).
DOCSTRING_CHECKS = {"PR02", "PR03", "PR10", "GL06", "GL07", "GL10"}
numpydoc_validation_checks = DOCSTRING_CHECKS | {"PR01"}
numpydoc_validation_exclude = {
    r"^skdeep\.(nn|train|backend)\.",
    # a dataclass: its fields are documented as Attributes
    r"^skdeep\.OverfitReport$",
    # inherited from scikit-learn and documented there
    r"\.set_\w+_request$",
    r"\.get_metadata_routing$",
    r"\.get_params$",
    r"\.set_params$",
}
# Inherited from scikit-learn, not rendered: their docstrings point into
# scikit-learn's own user guide and glossary (metadata routing works as
# there).
SKIPPED_MEMBERS = re.compile(r"^(set_\w+_request|get_metadata_routing)$")

# myst-parser (docs/benchmarks.md is Markdown, also linked from README.md)
myst_heading_anchors = 3
suppress_warnings = ["myst.header"]

# -- sphinx-gallery -----------------------------------------------------------

sphinx_gallery_conf = {
    "examples_dirs": "../examples",
    "gallery_dirs": "auto_examples",
    "filename_pattern": "/plot_",
    "within_subsection_order": "FileNameSortKey",
    "backreferences_dir": "generated/backreferences",
    "doc_module": ("skdeep",),
    "reference_url": {"skdeep": None},
    "remove_config_comments": True,
    "download_all_examples": False,
    "show_memory": False,
    # the execution-times pages load jQuery and DataTables from CDNs, which
    # an offline build cannot serve; sphinx-gallery still prints the times
    "write_computation_times": False,
    "min_reported_time": 1,
    "image_scrapers": ("matplotlib",),
    "capture_repr": ("_repr_html_", "__repr__"),
    # show DataFrames, not the reprs of estimators and matplotlib artists
    "ignore_repr_types": r"skdeep\.|sklearn\.|matplotlib\.",
}

# -- HTML ---------------------------------------------------------------------

html_theme = "pydata_sphinx_theme"
html_title = f"skdeep {release}"
html_static_path = ["_static"]
html_css_files = ["skdeep.css"]
html_theme_options = {
    # Everything the theme shows must come from the build itself: no
    # analytics, no remote logo or icon links, no version switcher JSON.
    "navbar_align": "left",
    "navbar_end": ["theme-switcher", "navbar-icon-links"],
    "icon_links": [],
    "show_toc_level": 2,
    "navigation_depth": 3,
    "show_prev_next": True,
    "secondary_sidebar_items": ["page-toc", "sourcelink"],
    "footer_start": ["copyright"],
    "footer_end": ["sphinx-version", "theme-version"],
    "use_edit_page_button": False,
    "pygments_light_style": "tango",
    "pygments_dark_style": "monokai",
}
# Single pages need no section navigation; the example pages give its width
# to the code (formatted to 88 columns) and link to each other at the bottom.
html_sidebars = {
    "index": [],
    "user_guide": [],
    "tabular": [],
    "backends": [],
    "scaling": [],
    "onnx": [],
    "auto_examples/plot_*": [],
    "migration": [],
    "benchmarks": [],
}
html_show_sourcelink = False
html_copy_source = False
html_last_updated_fmt = None

# -- Checks -------------------------------------------------------------------

PUBLIC_MODULES = {
    "skdeep": skdeep,
    "skdeep.model_selection": skdeep.model_selection,
    "skdeep.nn": skdeep.nn,
    "skdeep.train": skdeep.train,
    "skdeep.backend": skdeep.backend,
    "skdeep.onnx": skdeep.onnx,
}
UNDOCUMENTED_OK = {"skdeep.__version__"}


def _documented_names(api_text):
    """``module.name`` for every entry of the autosummary tables and every
    ``.. data::`` of api.rst, each under a ``.. currentmodule::``."""
    documented = set()
    module = None
    for line in api_text.splitlines():
        match = re.match(r"\.\. currentmodule:: (\S+)", line.strip())
        if match:
            module = match.group(1)
            continue
        entry = line.strip()
        data = re.fullmatch(r"\.\. (?:auto)?data:: ([A-Za-z_][A-Za-z0-9_]*)", entry)
        if data:
            entry = data.group(1)
        if module and re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]*", entry):
            documented.add(f"{module}.{entry}")
    return documented


def check_api_complete(app):
    """Warn (an error under ``-W``) for every public name api.rst misses."""
    from sphinx.util import logging

    logger = logging.getLogger("skdeep.docs")
    documented = _documented_names((HERE / "api.rst").read_text())
    for module_name, module in PUBLIC_MODULES.items():
        for name in module.__all__:
            full = f"{module_name}.{name}"
            if full not in documented and full not in UNDOCUMENTED_OK:
                logger.warning(
                    f"{full} is public (in {module_name}.__all__) but not "
                    "listed in docs/api.rst",
                    location="api",
                )


def check_lower_level_docstrings(app):
    """Validate the docstrings of skdeep.nn and skdeep.train (and of their
    classes' methods) with ``DOCSTRING_CHECKS``."""
    import inspect

    from numpydoc.validate import validate
    from sphinx.util import logging

    logger = logging.getLogger("skdeep.docs")
    for module_name in ("skdeep.nn", "skdeep.train", "skdeep.backend"):
        module = PUBLIC_MODULES[module_name]
        for name in module.__all__:
            obj = getattr(module, name)
            if not (inspect.isclass(obj) or inspect.isfunction(obj)):
                continue
            targets = [f"{obj.__module__}.{obj.__qualname__}"]
            if inspect.isclass(obj):
                targets += [
                    f"{obj.__module__}.{obj.__qualname__}.{member}"
                    for member, value in vars(obj).items()
                    if not member.startswith("_") and inspect.isfunction(value)
                ]
            for target in targets:
                for code, message in validate(target)["errors"]:
                    if code in DOCSTRING_CHECKS:
                        logger.warning(f"{target}: {code}: {message}", location="api")


def skip_member(app, what, name, obj, skip, options):
    if SKIPPED_MEMBERS.match(name):
        return True
    # Fitted attributes that are properties (views of the training state)
    # are documented as members too: the Attributes section links to them.
    return None


SKLEARN_XREF = re.compile(r":(?:ref|term):`([^`<]*?)\s*(?:<([^>]*)>)?`")


def unlink_sklearn_xrefs(app, what, name, obj, options, lines):
    """Methods inherited from scikit-learn (``score``, ``get_params``, ...)
    refer to labels and glossary terms of scikit-learn's own documentation,
    which the shipped inventory (classes and functions only) cannot
    resolve: keep their text only."""
    if getattr(obj, "__module__", "").startswith("sklearn."):
        lines[:] = [
            SKLEARN_XREF.sub(lambda m: m.group(1) or m.group(2), line)
            for line in lines
        ]


REMOTE_ASSET = re.compile(
    r"<(?:script|link|img)\b[^>]*\b(?:src|href)=\"(?:https?:)?//[^\"]*\"", re.I
)


def check_offline(app, exception):
    """Warn (an error under ``-W``) for every page that loads a script, a
    stylesheet or an image from the network: the site must work offline."""
    if exception is not None or app.builder.format != "html":
        return
    from sphinx.util import logging

    logger = logging.getLogger("skdeep.docs")
    for page in sorted(Path(app.outdir).rglob("*.html")):
        for match in sorted(set(REMOTE_ASSET.findall(page.read_text("utf-8")))):
            logger.warning(
                f"{page.relative_to(app.outdir)} loads a remote asset: {match}"
            )


def setup(app):
    app.connect("autodoc-process-docstring", unlink_sklearn_xrefs)
    app.connect("builder-inited", check_api_complete)
    app.connect("builder-inited", check_lower_level_docstrings)
    app.connect("autodoc-skip-member", skip_member)
    app.connect("build-finished", check_offline)
