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


# ------------------------------------------------------------- the layout
def _module_name(path):
    parts = list(path.relative_to(PACKAGE.parent).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


MODULES = {_module_name(p): p for p in sorted(PACKAGE.rglob("*.py"))}


def _is_package(name):
    return MODULES[name].name == "__init__.py"


def _imports_of(name):
    """The skdeep modules that module ``name`` imports, anywhere in it
    (functions included), each resolved to the module it names."""
    tree = ast.parse(MODULES[name].read_text())
    package = name if _is_package(name) else name.rpartition(".")[0]
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            targets = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join(anchor + ([base] if base else []))
            targets = [
                f"{base}.{alias.name}" if f"{base}.{alias.name}" in MODULES else base
                for alias in node.names
            ]
        else:
            continue
        found |= {t for t in targets if t in MODULES and t != name}
    return found


def test_no_import_circle():
    graph = {name: _imports_of(name) for name in MODULES}
    done, path = set(), []

    def visit(name):
        if name in path:
            cycle = path[path.index(name) :] + [name]
            raise AssertionError("import circle: " + " -> ".join(cycle))
        if name in done:
            return
        path.append(name)
        for target in sorted(graph[name]):
            visit(target)
        path.pop()
        done.add(name)

    for name in sorted(graph):
        visit(name)


@pytest.mark.parametrize("name", sorted(MODULES))
def test_modules_stay_short(name):
    assert len(MODULES[name].read_text().splitlines()) <= 460


# the layers: each imports only from the ones below it
LAYERS = ["backend", "nn", "train", "recipes", "data", "estimators"]
ALLOWED_BELOW = {
    "backend": set(),
    "nn": {"backend"},
    "train": {"backend", "nn"},
    "recipes": {"backend", "nn", "train"},
    "data": set(),
    "estimators": {"backend", "nn", "train", "recipes", "data", "preprocessing"},
}


@pytest.mark.parametrize("layer", LAYERS)
def test_layers_import_downwards_only(layer):
    for name in MODULES:
        if not name.startswith(f"skdeep.{layer}"):
            continue
        for target in _imports_of(name):
            other = target.split(".")[1]
            assert other == layer or other in ALLOWED_BELOW[layer], (name, target)


LAYER_CLASSES = set(__import__("skdeep.nn.layers", fromlist=["__all__"]).__all__)


@pytest.mark.parametrize(
    "name", sorted(n for n in MODULES if n.startswith("skdeep.estimators"))
)
def test_estimators_import_no_layer_class(name):
    tree = ast.parse(MODULES[name].read_text())
    names = {
        alias.name
        for node in ast.walk(tree)
        if isinstance(node, ast.ImportFrom)
        for alias in node.names
    }
    assert not names & LAYER_CLASSES, sorted(names & LAYER_CLASSES)
    assert "skdeep.nn.layers" not in _imports_of(name)


@pytest.mark.parametrize(
    "name", sorted(n for n in MODULES if n.startswith(("skdeep.recipes", "skdeep.nn")))
)
def test_recipes_and_core_know_nothing_of_scikit_learn(name):
    modules = set(_imported_modules(MODULES[name]))
    assert not {m for m in modules if m and m.split(".")[0] == "sklearn"}
