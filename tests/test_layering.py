"""The layering rules: the core never imports scikit-learn."""

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
