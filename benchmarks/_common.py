"""Pieces shared by ``bench_speed.py`` and ``bench_gpu.py``: the workloads,
their data, the estimators under test, the hand-written PyTorch loop they
are compared with, and the machine description printed atop each report."""

import importlib.metadata
import os
import platform

import numpy as np

WORKLOADS = {
    "W2": dict(
        n_samples=60000,
        n_features=784,
        n_informative=100,
        n_classes=10,
        hidden=(512, 256),
        batch_size=128,
        epochs=5,
    ),
    "W3": dict(
        n_samples=200000,
        n_features=20,
        n_informative=2,
        n_classes=2,
        hidden=(64, 64),
        batch_size=256,
        epochs=3,
    ),
}
ALPHA = 1e-4  # the estimators' default L2 penalty, reproduced in torch

# skdeep variants: library name -> (skdeep.backend.NUMPY.fused, device,
# skdeep.set_config(compiled_epoch=...))
SKDEEP = {
    "skdeep": ("auto", None, "auto"),  # the default path
    # NumPy backend, pure-NumPy optimizer step, batches in Python
    "skdeep-numpy": (False, None, False),
    # NumPy backend, numba-compiled optimizer step and epoch where they apply
    "skdeep-compiled": (True, None, True),
    "skdeep-torch": ("auto", "cpu", "auto"),  # torch backend on the CPU
}


def workload(name, quick=False, **changes):
    """The spec of workload ``name`` with ``changes``; ``quick`` shrinks it
    to a few batches and one epoch (to check that a script runs)."""
    spec = dict(WORKLOADS[name], **changes)
    if quick:
        spec["n_samples"] = min(spec["n_samples"], 4 * max(spec["batch_size"], 1024))
        spec["epochs"] = 1
    return spec


# ------------------------------------------------------------------ data
def generate(spec):
    """A workload's data: float32 features, integer labels."""
    from sklearn.datasets import make_classification

    X, y = make_classification(
        n_samples=spec["n_samples"],
        n_features=spec["n_features"],
        n_informative=spec["n_informative"],
        n_classes=spec["n_classes"],
        random_state=0,
    )
    return X.astype(np.float32), y


def make_data(name, spec, directory):
    """Generate a workload's data once into ``directory``; return the path."""
    path = os.path.join(directory, f"{name}-{spec['n_samples']}.npz")
    if not os.path.exists(path):
        X, y = generate(spec)
        np.savez(path, X=X, y=y)
    return path


# ------------------------------------------------------------- estimators
def estimator_params(spec, max_iter):
    """The parameters shared by scikit-learn's and skdeep's estimators."""
    return dict(
        hidden_layer_sizes=tuple(spec["hidden"]),
        solver="adam",
        batch_size=spec["batch_size"],
        max_iter=max_iter,
        alpha=ALPHA,
        early_stopping=False,
        n_iter_no_change=10**6,
        tol=0.0,
        random_state=0,
    )


def classifier(library, device=None, **params):
    """An unfitted ``MLPClassifier`` of ``library`` (``"sklearn"`` or a key
    of :data:`SKDEEP`). For skdeep this sets ``NUMPY.fused`` and the
    compiled epoch for the whole process; ``device`` overrides the
    variant's device."""
    if library == "sklearn":
        from sklearn.neural_network import MLPClassifier

        return MLPClassifier(**params)
    import skdeep
    from skdeep import MLPClassifier
    from skdeep.backend import NUMPY

    fused, default_device, compiled_epoch = SKDEEP[library]
    NUMPY.fused = fused
    skdeep.set_config(compiled_epoch=compiled_epoch)
    return MLPClassifier(**params, device=device or default_device)


def numba_available():
    """Whether skdeep's compiled optimizer steps can run here."""
    from skdeep.backend import _fused

    return _fused.available()


def torch_available():
    try:
        import torch  # noqa: F401
    except ImportError:
        return False
    return True


# ------------------------------------------------------ the PyTorch loop
def torch_model(spec, n_features, n_outputs, device="cpu"):
    """``nn.Sequential`` of Linear/ReLU, the workload's architecture."""
    import torch

    torch.manual_seed(0)
    sizes = [n_features, *spec["hidden"]]
    layers = []
    for n_in, n_out in zip(sizes[:-1], sizes[1:]):
        layers += [torch.nn.Linear(n_in, n_out), torch.nn.ReLU()]
    layers.append(torch.nn.Linear(sizes[-1], n_outputs))
    return torch.nn.Sequential(*layers).to(device)


def torch_fit(spec, X, y, device="cpu", epochs=None):
    """Hand-written PyTorch loop: the data moved to ``device`` once, a
    permutation drawn on the host each epoch, cross-entropy, fused Adam with
    the estimators' L2 penalty (alpha / batch size on the weights only)."""
    import torch

    n_classes = int(y.max()) + 1
    model = torch_model(spec, X.shape[1], n_classes, device)
    weights = [p for n, p in model.named_parameters() if n.endswith("weight")]
    biases = [p for n, p in model.named_parameters() if n.endswith("bias")]
    batch = spec["batch_size"]
    groups = [
        {"params": weights, "weight_decay": ALPHA / batch},
        {"params": biases, "weight_decay": 0.0},
    ]
    try:  # the fused kernel: PyTorch's fastest Adam
        optimizer = torch.optim.Adam(groups, lr=1e-3, fused=True)
    except (RuntimeError, TypeError):
        optimizer = torch.optim.Adam(groups, lr=1e-3)
    loss_fn = torch.nn.CrossEntropyLoss()
    Xt = torch.from_numpy(X).to(device)
    yt = torch.from_numpy(y.astype(np.int64)).to(device)
    generator = torch.Generator().manual_seed(0)
    for _ in range(spec["epochs"] if epochs is None else epochs):
        order = torch.randperm(X.shape[0], generator=generator).to(device)
        for start in range(0, X.shape[0], batch):
            rows = order[start : start + batch]
            optimizer.zero_grad(set_to_none=True)
            loss = loss_fn(model(Xt[rows]), yt[rows])
            loss.backward()
            optimizer.step()
    return model


def torch_accuracy(model, X, y, device="cpu"):
    import torch

    with torch.no_grad():
        scores = model(torch.from_numpy(X).to(device))
    return float((scores.argmax(1).cpu().numpy() == y).mean())


# ---------------------------------------------------------------- machine
def cpu_description():
    """``(model name, has AVX-512)`` from /proc/cpuinfo."""
    model, avx512 = None, None
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if model is None and line.startswith("model name"):
                    model = line.split(":", 1)[1].strip()
                elif avx512 is None and line.startswith("flags"):
                    avx512 = "avx512f" in line.split(":", 1)[1].split()
                if model is not None and avx512 is not None:
                    break
    except OSError:
        pass
    return model or platform.processor() or "unknown CPU", avx512


def version(package):
    """The installed version of ``package`` (skdeep: its own ``__version__``,
    whatever the distribution is called)."""
    if package == "skdeep":
        try:
            import skdeep
        except ImportError:
            return "not installed"
        return skdeep.__version__
    try:
        return importlib.metadata.version(package)
    except importlib.metadata.PackageNotFoundError:
        return "not installed"


def machine_lines():
    """The lines describing the machine and the software, atop a report."""
    model, avx512 = cpu_description()
    flag = {True: "yes", False: "no", None: "unknown"}[avx512]
    packages = ("skdeep", "numpy", "scikit-learn", "torch", "numba")
    return [
        f"CPU: {model}, {os.cpu_count()} cores, AVX-512 (avx512f): {flag}",
        ", ".join(f"{p} {version(p)}" for p in packages),
    ]
