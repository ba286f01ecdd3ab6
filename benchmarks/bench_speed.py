"""Training and prediction speed, and peak memory, against scikit-learn's MLP
and an equivalent hand-written PyTorch CPU loop (when torch is importable).

Every fit runs in a fresh child process (so its peak resident memory is its
own), the libraries alternate within each repetition (so they share the
machine's load), and the report gives medians and the ratios of medians
measured in this run. The "roofline" is the time of only the matrix products
an epoch needs (forward, weight gradients, input gradients of all but the
first layer), timed with NumPy on the same shapes and dtype.

Workloads
---------
W1  digits, StandardScaler, defaults, to convergence: fit time and accuracy.
W2  make_classification(60000, 784, n_informative=100, n_classes=10), float32;
    784-512-256-10 relu, Adam, batch 128, 5 epochs, no early stopping.
W3  make_classification(200000, 20, n_classes=2), float32; 20-64-64-2 relu,
    Adam, batch 256, 3 epochs.
P   predict_proba throughput on W2's data with a W2-shaped network.

Usage::

    python benchmarks/bench_speed.py                 # everything, 3 repeats
    python benchmarks/bench_speed.py --workloads W3 --repeats 5
"""

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
import warnings

import numpy as np

LIBRARIES = ("skdeep", "sklearn", "torch")

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


# ------------------------------------------------------------------ data
def make_data(name, directory):
    """Generate a workload's float32 data once; return the .npz path."""
    path = os.path.join(directory, f"{name}.npz")
    if not os.path.exists(path):
        from sklearn.datasets import make_classification

        spec = WORKLOADS[name]
        X, y = make_classification(
            n_samples=spec["n_samples"],
            n_features=spec["n_features"],
            n_informative=spec["n_informative"],
            n_classes=spec["n_classes"],
            random_state=0,
        )
        np.savez(path, X=X.astype(np.float32), y=y)
    return path


def peak_rss_reset():
    """Reset the kernel's peak-RSS counter of this process (Linux)."""
    try:
        with open("/proc/self/clear_refs", "w") as f:
            f.write("5")
    except OSError:
        pass


def rss_kib(field):
    with open("/proc/self/status") as f:
        for line in f:
            if line.startswith(field):
                return int(line.split()[1])
    return 0


# --------------------------------------------------------------- children
def estimator(library, spec, max_iter):
    params = dict(
        hidden_layer_sizes=spec["hidden"],
        solver="adam",
        batch_size=spec["batch_size"],
        max_iter=max_iter,
        alpha=ALPHA,
        early_stopping=False,
        n_iter_no_change=10**6,
        tol=0.0,
        random_state=0,
    )
    if library == "skdeep":
        from skdeep import MLPClassifier
    else:
        from sklearn.neural_network import MLPClassifier
    return MLPClassifier(**params)


def torch_model(spec, n_features, n_outputs):
    import torch

    torch.manual_seed(0)
    sizes = [n_features, *spec["hidden"]]
    layers = []
    for n_in, n_out in zip(sizes[:-1], sizes[1:]):
        layers += [torch.nn.Linear(n_in, n_out), torch.nn.ReLU()]
    layers.append(torch.nn.Linear(sizes[-1], n_outputs))
    return torch.nn.Sequential(*layers)


def torch_fit(spec, X, y, threads):
    """Hand-written PyTorch loop: shuffled batches, cross-entropy, fused Adam
    with the estimators' L2 penalty (alpha / batch size on the weights only)."""
    import torch

    torch.set_num_threads(threads)
    n_classes = int(y.max()) + 1
    model = torch_model(spec, X.shape[1], n_classes)
    weights = [p for n, p in model.named_parameters() if n.endswith("weight")]
    biases = [p for n, p in model.named_parameters() if n.endswith("bias")]
    batch = spec["batch_size"]
    groups = [
        {"params": weights, "weight_decay": ALPHA / batch},
        {"params": biases, "weight_decay": 0.0},
    ]
    try:  # the fused CPU kernel: PyTorch's fastest Adam (about 1.7x on W2)
        optimizer = torch.optim.Adam(groups, lr=1e-3, fused=True)
    except (RuntimeError, TypeError):
        optimizer = torch.optim.Adam(groups, lr=1e-3)
    loss_fn = torch.nn.CrossEntropyLoss()
    Xt, yt = torch.from_numpy(X), torch.from_numpy(y.astype(np.int64))
    generator = torch.Generator().manual_seed(0)
    for _ in range(spec["epochs"]):
        order = torch.randperm(X.shape[0], generator=generator)
        for start in range(0, X.shape[0], batch):
            rows = order[start : start + batch]
            optimizer.zero_grad(set_to_none=True)
            loss = loss_fn(model(Xt[rows]), yt[rows])
            loss.backward()
            optimizer.step()
    return model


def child_fit(library, name, data_path, threads):
    """Fit once; return seconds, peak RSS above the loaded data, accuracy."""
    from threadpoolctl import threadpool_limits

    spec = WORKLOADS[name]
    data = np.load(data_path)
    X, y = data["X"], data["y"]
    if library == "torch":
        import torch  # noqa: F401  (imports stay outside time and memory)
    else:
        model = estimator(library, spec, spec["epochs"])
    with threadpool_limits(threads), warnings.catch_warnings():
        warnings.simplefilter("ignore")
        peak_rss_reset()
        base = rss_kib("VmRSS")
        start = time.perf_counter()
        if library == "torch":
            model = torch_fit(spec, X, y, threads)
        else:
            model.fit(X, y)
        seconds = time.perf_counter() - start
        peak = rss_kib("VmHWM") - base
    if library == "torch":
        import torch

        with torch.no_grad():
            accuracy = float((model(torch.from_numpy(X)).argmax(1).numpy() == y).mean())
    else:
        accuracy = float(model.score(X, y))
    n_batches = spec["epochs"] * -(-X.shape[0] // spec["batch_size"])
    return dict(
        seconds=seconds,
        peak_rss_mib=peak / 1024,
        accuracy=accuracy,
        n_batches=n_batches,
    )


def child_digits(library, threads):
    from sklearn.datasets import load_digits
    from sklearn.model_selection import train_test_split
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import StandardScaler
    from threadpoolctl import threadpool_limits

    if library == "skdeep":
        from skdeep import MLPClassifier
    else:
        from sklearn.neural_network import MLPClassifier
    X, y = load_digits(return_X_y=True)
    X_train, X_test, y_train, y_test = train_test_split(
        X, y, test_size=0.25, stratify=y, random_state=0
    )
    model = make_pipeline(StandardScaler(), MLPClassifier(random_state=0))
    with threadpool_limits(threads), warnings.catch_warnings():
        warnings.simplefilter("ignore")
        start = time.perf_counter()
        model.fit(X_train, y_train)
        seconds = time.perf_counter() - start
    return dict(
        seconds=seconds,
        accuracy=float(model.score(X_test, y_test)),
        n_iter=int(model[-1].n_iter_),
    )


def child_predict(library, data_path, threads, repeats=5):
    """Time predict_proba on all of W2's rows with a W2-shaped network."""
    from threadpoolctl import threadpool_limits

    spec = WORKLOADS["W2"]
    data = np.load(data_path)
    X, y = data["X"], data["y"]
    with threadpool_limits(threads), warnings.catch_warnings():
        warnings.simplefilter("ignore")
        if library == "torch":
            import torch

            torch.set_num_threads(threads)
            model = torch_model(spec, X.shape[1], 10).eval()
            Xt = torch.from_numpy(X)

            def predict():
                with torch.no_grad():
                    return torch.softmax(model(Xt), dim=1).numpy()
        else:
            small = estimator(library, spec, 1).fit(X[:2000], y[:2000])
            predict = lambda: small.predict_proba(X)  # noqa: E731
        times = []
        for _ in range(repeats):
            start = time.perf_counter()
            predict()
            times.append(time.perf_counter() - start)
    return dict(seconds=statistics.median(times), rows=X.shape[0])


def child_roofline(name, threads, repeats=3):
    """Time only the matrix products of one epoch (float32, NumPy)."""
    from threadpoolctl import threadpool_limits

    spec = WORKLOADS[name]
    sizes = [spec["n_features"], *spec["hidden"], spec["n_classes"]]
    batch = spec["batch_size"]
    rng = np.random.default_rng(0)
    W = [
        rng.standard_normal((a, b), dtype=np.float32)
        for a, b in zip(sizes[:-1], sizes[1:])
    ]
    n = spec["n_samples"]
    full, last = divmod(n, batch)

    def timed(rows, count):
        # allocate inputs outside the timing: products only
        A = [rng.standard_normal((rows, s), dtype=np.float32) for s in sizes]
        D = [a.copy() for a in A]
        G = [np.empty_like(w) for w in W]
        start = time.perf_counter()
        for _ in range(count):
            for i, w in enumerate(W):
                np.matmul(A[i], w, out=A[i + 1])
            for i in reversed(range(len(W))):
                np.matmul(A[i].T, D[i + 1], out=G[i])
                if i:
                    np.matmul(D[i + 1], W[i].T, out=D[i])
        return time.perf_counter() - start

    times = []
    with threadpool_limits(threads):
        timed(batch, 5)  # warm up
        for _ in range(repeats):
            times.append(timed(batch, full) + (timed(last, 1) if last else 0.0))
    return dict(seconds=statistics.median(times))


# ----------------------------------------------------------------- parent
def run_child(args):
    out = subprocess.run(
        [sys.executable, __file__, "--child", json.dumps(args)],
        check=True,
        capture_output=True,
        text=True,
    )
    return json.loads(out.stdout.strip().splitlines()[-1])


def available_libraries():
    libs = ["skdeep", "sklearn"]
    try:
        import torch  # noqa: F401

        libs.append("torch")
    except ImportError:
        print("torch is not importable: PyTorch columns skipped.")
    return libs


def median_of(results, key):
    return statistics.median(r[key] for r in results)


def report_training(name, results, roofline):
    spec = WORKLOADS[name]
    print(
        f"\n{name}: {spec['n_samples']} x {spec['n_features']} float32, "
        f"hidden {spec['hidden']}, Adam, batch {spec['batch_size']}, "
        f"{spec['epochs']} epochs"
    )
    print(
        f"  {'library':8} {'epoch s':>9} {'batches/s':>10} {'peak MiB':>9}"
        f" {'train acc':>9}"
    )
    summary = {}
    for lib, runs in results.items():
        epoch = median_of(runs, "seconds") / spec["epochs"]
        rate = runs[0]["n_batches"] / median_of(runs, "seconds")
        summary[lib] = epoch
        print(
            f"  {lib:8} {epoch:9.3f} {rate:10.0f} "
            f"{median_of(runs, 'peak_rss_mib'):9.1f} "
            f"{median_of(runs, 'accuracy'):9.4f}"
        )
    print(f"  {'roofline':8} {roofline:9.3f}   (matrix products only)")
    base = summary["skdeep"]
    for lib in summary:
        if lib != "skdeep":
            print(
                f"  skdeep / {lib} epoch time: {base / summary[lib]:.2f}"
                f"  (batches/s ratio {summary[lib] / base:.2f})"
            )
    print(f"  skdeep / roofline: {base / roofline:.2f}")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--workloads", nargs="+", default=["W1", "W2", "W3", "P"])
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--threads", type=int, default=os.cpu_count())
    parser.add_argument("--libraries", nargs="+", default=None)
    parser.add_argument("--child", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        job = json.loads(args.child)
        kind = job.pop("kind")
        result = {
            "fit": child_fit,
            "digits": child_digits,
            "predict": child_predict,
            "roofline": child_roofline,
        }[kind](**job)
        print(json.dumps(result))
        return
    libs = args.libraries or available_libraries()
    print(
        f"threads: {args.threads}, repeats: {args.repeats}, numpy "
        f"{np.__version__}, libraries: {', '.join(libs)}"
    )
    tmp = tempfile.mkdtemp(prefix="skdeep-bench-")
    threads = args.threads
    for name in args.workloads:
        if name == "W1":
            runs = {lib: [] for lib in libs if lib != "torch"}
            for _ in range(args.repeats):
                for lib in runs:
                    runs[lib].append(
                        run_child(dict(kind="digits", library=lib, threads=threads))
                    )
            print(
                "\nW1: digits (75/25 split), StandardScaler + defaults, to convergence"
            )
            for lib, r in runs.items():
                print(
                    f"  {lib:8} fit {median_of(r, 'seconds'):7.3f} s  "
                    f"test acc {median_of(r, 'accuracy'):.4f}  "
                    f"n_iter {median_of(r, 'n_iter'):.0f}"
                )
            if "sklearn" in runs and "skdeep" in runs:
                ratio = median_of(runs["skdeep"], "seconds") / median_of(
                    runs["sklearn"], "seconds"
                )
                print(f"  skdeep / sklearn fit time: {ratio:.2f}")
        elif name in ("W2", "W3"):
            path = make_data(name, tmp)
            runs = {lib: [] for lib in libs}
            roof = []
            for _ in range(args.repeats):
                for lib in libs:
                    runs[lib].append(
                        run_child(
                            dict(
                                kind="fit",
                                library=lib,
                                name=name,
                                data_path=path,
                                threads=threads,
                            )
                        )
                    )
                roof.append(
                    run_child(dict(kind="roofline", name=name, threads=threads))[
                        "seconds"
                    ]
                )
            report_training(name, runs, statistics.median(roof))
        elif name == "P":
            path = make_data("W2", tmp)
            runs = {lib: [] for lib in libs}
            for _ in range(args.repeats):
                for lib in libs:
                    runs[lib].append(
                        run_child(
                            dict(
                                kind="predict",
                                library=lib,
                                data_path=path,
                                threads=threads,
                            )
                        )
                    )
            print("\nP: predict_proba on 60000 x 784 float32, 784-512-256-10")
            rates = {}
            for lib, r in runs.items():
                rates[lib] = r[0]["rows"] / median_of(r, "seconds")
                print(f"  {lib:8} {rates[lib]:12.0f} rows/s")
            for lib in rates:
                if lib != "skdeep":
                    print(
                        f"  skdeep / {lib} throughput: "
                        f"{rates['skdeep'] / rates[lib]:.2f}"
                    )
        sys.stdout.flush()


if __name__ == "__main__":
    main()
