"""The layering rules: the core never imports scikit-learn, and its
arithmetic goes through the backends (the operations seam)."""

import ast
import pathlib

import pytest

PACKAGE = pathlib.Path(__file__).resolve().parents[1] / "skdeep"


def _imported_modules(path):
    tree = ast.parse(path.read_text())
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            yield from (alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.level == 0:
            yield node.module


@pytest.mark.parametrize(
    "path",
    sorted((PACKAGE / "nn").rglob("*.py")) + sorted((PACKAGE / "train").rglob("*.py")),
    ids=lambda p: f"{p.parent.name}/{p.name}",
)
def test_core_and_training_loop_do_not_import_sklearn(path):
    modules = set(_imported_modules(path))
    assert not {m for m in modules if m.split(".")[0] == "sklearn"}
    assert modules <= {
        "numpy",
        "scipy",
        "scipy.special",
        "scipy.optimize",
        "math",
        "copy",
        "signal",  # Ctrl-C handling in the training loop
        "threading",
        "time",  # seconds per epoch in the history
        "os",  # is the output a terminal (progress bar)
        "sys",
        "tqdm.auto",  # the optional progress bar, imported when shown
        "dataclasses",
        "typing",
        "__future__",
        None,
    } | {m for m in modules if m is None}


CORE = sorted((PACKAGE / "nn").rglob("*.py"))
CORE += sorted((PACKAGE / "train").rglob("*.py"))

# Modules that work on the host by design: weight initialization (drawn on
# the host, then moved), the gradient checker and the diagnostics (NumPy
# tools), the predictor (it compares the host network with its device copy
# and joins the host blocks of output), L-BFGS (SciPy's optimizer), the
# policies and the progress bar (Python scalars).
HOST_SIDE = {
    "nn/init.py",
    "nn/predictor.py",
    "nn/gradcheck.py",
    "nn/diagnostics.py",
    "train/lbfgs.py",
    "train/callbacks.py",
    "train/progress.py",
}

# NumPy names that are types, not arithmetic.
NUMPY_TYPES = {"dtype", "float64", "float32", "ndarray"}


def _relative(path):
    return path.relative_to(PACKAGE).as_posix()


@pytest.mark.parametrize(
    "path",
    [p for p in CORE if _relative(p) not in HOST_SIDE],
    ids=_relative,
)
def test_core_arithmetic_goes_through_the_backend(path):
    tree = ast.parse(path.read_text())
    modules = set(_imported_modules(path))
    assert not {m for m in modules if m and m.split(".")[0] == "scipy"}
    numpy_names = {
        node.attr
        for node in ast.walk(tree)
        if isinstance(node, ast.Attribute)
        and isinstance(node.value, ast.Name)
        and node.value.id in ("np", "numpy")
    }
    assert numpy_names <= NUMPY_TYPES, sorted(numpy_names - NUMPY_TYPES)


def test_host_side_modules_exist():
    names = {_relative(p) for p in CORE}
    assert HOST_SIDE <= names
