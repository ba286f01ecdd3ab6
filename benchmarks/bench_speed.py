"""Training and prediction speed, and peak memory, of skdeep's backends
against scikit-learn's MLP and an equivalent hand-written PyTorch CPU loop.

Every fit runs in a fresh child process (so its peak resident memory is its
own), the libraries alternate within each repetition (so they share the
machine's load), and the report gives medians and the ratios of medians
measured in this run. The "roofline" is the time of only the matrix products
an epoch needs (forward, weight gradients, input gradients of all but the
first layer), timed with NumPy on the same shapes and dtype.

Libraries
---------
skdeep-numpy     skdeep, NumPy backend, pure-NumPy optimizer step, batches
                 run one by one in Python
skdeep-compiled  skdeep, NumPy backend, numba-compiled optimizer step, and
                 the compiled epoch where it applies (W1, W3)
skdeep-torch     skdeep, torch backend on the CPU (``device='cpu'``)
skdeep           skdeep's default path (with numba: the compiled step from
                 100,000 parameters, the compiled epoch for runs of 2,000
                 batches or more)
sklearn          scikit-learn's MLPClassifier
torch            a hand-written PyTorch loop with its fused Adam

Workloads
---------
W1  digits, StandardScaler, defaults, to convergence: the first fit in a
    fresh process (numba import and compile or cache load included), a
    second fit in the same process, accuracy.
    "skdeep-compiled (cold)" is that library with an empty numba cache.
W2  make_classification(60000, 784, n_informative=100, n_classes=10), float32;
    784-512-256-10 relu, Adam, batch 128, 5 epochs, no early stopping.
W3  make_classification(200000, 20, n_classes=2), float32; 20-64-64-2 relu,
    Adam, batch 256, 3 epochs.
P   predict_proba throughput on W2's data with a W2-shaped network.
T   the tabular estimators' fit time per 1,000 rows at their defaults
    (TabularMLPClassifier on make_classification(20000, 20)), beside
    HistGradientBoostingClassifier's.

``--threads 1`` gives the one-thread column; ``--busy`` runs everything
while another process keeps one core busy (a Python loop), the machine a
small network meets on a shared computer.

In W2 and W3 each child first runs a tiny fit of the library, untimed, so
that one-time costs (W1's subject) stay out of the training times; P times
predict_proba after one untimed call.

Usage::

    python benchmarks/bench_speed.py                 # everything, 3 repeats
    python benchmarks/bench_speed.py --workloads W3 --repeats 5
    python benchmarks/bench_speed.py --quick --repeats 1   # a smoke run
    python benchmarks/bench_speed.py --workloads W1 W3 --busy
    python benchmarks/bench_speed.py --workloads T --threads 1
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
from _common import (
    SKDEEP,
    classifier,
    estimator_params,
    machine_lines,
    make_data,
    numba_available,
    torch_accuracy,
    torch_available,
    torch_fit,
    torch_model,
    workload,
)

LIBRARIES = ("skdeep-numpy", "skdeep-compiled", "skdeep-torch", "sklearn", "torch")
COLD = "skdeep-compiled (cold)"  # W1 row: compiled with an empty numba cache


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


def set_torch_threads(library, threads):
    if library in ("torch", "skdeep-torch"):
        import torch

        torch.set_num_threads(threads)


# --------------------------------------------------------------- children
def child_fit(library, spec, data_path, threads):
    """Fit once; return seconds, peak RSS above the loaded data, accuracy.

    A tiny fit (64 rows, one hidden layer of 64 units) comes first, untimed:
    one-time costs (lazy imports, numba's cache load, first calls into
    torch) are W1's subject, and a tiny network leaves the allocator's state,
    hence the peak memory, as it was."""
    from threadpoolctl import threadpool_limits

    data = np.load(data_path)
    X, y = data["X"], data["y"]
    set_torch_threads(library, threads)
    params = estimator_params(spec, spec["epochs"])
    with threadpool_limits(threads), warnings.catch_warnings():
        warnings.simplefilter("ignore")
        tiny = dict(spec, hidden=(64,), batch_size=32)
        if library == "torch":
            torch_fit(tiny, X[:64], y[:64], epochs=1)
        else:
            import skdeep

            warm = classifier(library, **estimator_params(tiny, 1))
            if skdeep.get_config()["compiled_epoch"] == "auto":
                # load the compiled epoch if numba is there (W1's subject)
                with skdeep.config_context(compiled_epoch=True):
                    warm.fit(X[:64], y[:64])
            else:
                warm.fit(X[:64], y[:64])
            model = classifier(library, **params)
        peak_rss_reset()
        base = rss_kib("VmRSS")
        start = time.perf_counter()
        if library == "torch":
            model = torch_fit(spec, X, y)
        else:
            model.fit(X, y)
        seconds = time.perf_counter() - start
        peak = rss_kib("VmHWM") - base
    if library == "torch":
        accuracy = torch_accuracy(model, X, y)
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
    """Two fits of the digits demo in this fresh process: the first pays
    for what skdeep imports and compiles (or loads) lazily."""
    from sklearn.base import clone
    from sklearn.datasets import load_digits
    from sklearn.model_selection import train_test_split
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import StandardScaler
    from threadpoolctl import threadpool_limits

    X, y = load_digits(return_X_y=True)
    X_train, X_test, y_train, y_test = train_test_split(
        X, y, test_size=0.25, stratify=y, random_state=0
    )
    model = make_pipeline(StandardScaler(), classifier(library, random_state=0))
    seconds = []
    with threadpool_limits(threads), warnings.catch_warnings():
        warnings.simplefilter("ignore")
        for fitted in (model, clone(model)):
            start = time.perf_counter()
            fitted.fit(X_train, y_train)
            seconds.append(time.perf_counter() - start)
    return dict(
        first=seconds[0],
        later=seconds[1],
        accuracy=float(model.score(X_test, y_test)),
        n_iter=int(model[-1].n_iter_),
    )


def child_prime():
    """Compile (or load) the compiled Adam steps for both dtypes, so that
    the timed children find them in numba's cache."""
    if not numba_available():
        return dict(primed=False)
    rng = np.random.default_rng(0)
    for dtype in (np.float64, np.float32):
        X = rng.standard_normal((64, 50)).astype(dtype)
        y = np.arange(64) % 2
        classifier("skdeep-compiled", max_iter=1, batch_size=32).fit(X, y)
    return dict(primed=True)


def child_predict(library, spec, data_path, threads, repeats=5):
    """Time predict_proba on all of W2's rows with a W2-shaped network."""
    from threadpoolctl import threadpool_limits

    data = np.load(data_path)
    X, y = data["X"], data["y"]
    set_torch_threads(library, threads)
    with threadpool_limits(threads), warnings.catch_warnings():
        warnings.simplefilter("ignore")
        if library == "torch":
            import torch

            model = torch_model(spec, X.shape[1], spec["n_classes"]).eval()
            Xt = torch.from_numpy(X)

            def predict():
                with torch.no_grad():
                    return torch.softmax(model(Xt), dim=1).numpy()
        else:
            small = classifier(library, **estimator_params(spec, 1))
            small.fit(X[:2000], y[:2000])
            predict = lambda: small.predict_proba(X)  # noqa: E731
        predict()  # warm up
        times = []
        for _ in range(repeats):
            start = time.perf_counter()
            predict()
            times.append(time.perf_counter() - start)
    return dict(seconds=statistics.median(times), rows=X.shape[0])


def child_roofline(spec, threads, repeats=3):
    """Time only the matrix products of one epoch (float32, NumPy)."""
    from threadpoolctl import threadpool_limits

    sizes = [spec["n_features"], *spec["hidden"], spec["n_classes"]]
    batch = spec["batch_size"]
    rng = np.random.default_rng(0)
    W = [
        rng.standard_normal((a, b), dtype=np.float32)
        for a, b in zip(sizes[:-1], sizes[1:])
    ]
    full, last = divmod(spec["n_samples"], batch)

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


def child_tabular(library, threads, n_samples):
    """Fit the tabular workload once; return seconds per 1,000 rows."""
    from sklearn.datasets import make_classification
    from threadpoolctl import threadpool_limits

    X, y = make_classification(n_samples, 20, n_informative=10, random_state=0)
    if library == "hgb":
        from sklearn.ensemble import HistGradientBoostingClassifier

        model = HistGradientBoostingClassifier(random_state=0)
    else:
        import skdeep

        model = skdeep.TabularMLPClassifier(random_state=0, progress_bar=False)
    with threadpool_limits(threads), warnings.catch_warnings():
        warnings.simplefilter("ignore")
        start = time.perf_counter()
        model.fit(X, y)
        seconds = time.perf_counter() - start
    return dict(per_1000=seconds / (n_samples / 1000), seconds=seconds)


def run_tabular(repeats, threads, quick):
    n_samples = 2000 if quick else 20000
    runs = {lib: [] for lib in ("skdeep-tabular", "hgb")}
    for _ in range(repeats):
        for lib in runs:
            runs[lib].append(run_child(kind="tabular", library=lib,
                                       threads=threads, n_samples=n_samples))
    print(f"\nT: make_classification({n_samples}, 20), defaults; fit time")
    print(f"  {'library':16} {'fit s':>8} {'s / 1k rows':>11} {'/ hgb':>7}")
    hgb = median_of(runs["hgb"], "seconds")
    for lib, r in runs.items():
        seconds = median_of(r, "seconds")
        print(f"  {lib:16} {seconds:8.2f} {median_of(r, 'per_1000'):11.3f}"
              f" {ratio(seconds, hgb):>7}")


class busy_core:
    """A child process spinning on one core while the block runs."""

    def __init__(self, busy):
        self.busy, self.child = busy, None

    def __enter__(self):
        if self.busy:
            self.child = subprocess.Popen([sys.executable, "-c", "while True: pass"])
            time.sleep(0.5)
        return self

    def __exit__(self, *exc_info):
        if self.child is not None:
            self.child.kill()
            self.child.wait()
        return False


CHILDREN = {
    "tabular": child_tabular,
    "fit": child_fit,
    "digits": child_digits,
    "prime": child_prime,
    "predict": child_predict,
    "roofline": child_roofline,
}


# ----------------------------------------------------------------- parent
def run_child(env=None, **job):
    out = subprocess.run(
        [sys.executable, __file__, "--child", json.dumps(job)],
        check=True,
        capture_output=True,
        text=True,
        env=None if env is None else {**os.environ, **env},
    )
    return json.loads(out.stdout.strip().splitlines()[-1])


def usable_libraries(requested):
    """``requested`` (default: all) without those that cannot run here."""
    libs = []
    for lib in requested or LIBRARIES:
        if lib == "skdeep-compiled" and not numba_available():
            print("numba is not importable: skdeep-compiled skipped.")
        elif lib in ("torch", "skdeep-torch") and not torch_available():
            print(f"torch is not importable: {lib} skipped.")
        elif lib not in libs:
            libs.append(lib)
    return libs


def median_of(results, key):
    return statistics.median(r[key] for r in results)


def ratio(value, reference):
    return "-" if reference is None else f"{value / reference:.2f}"


def run_digits(libs, repeats, threads):
    runs = {lib: [] for lib in libs if lib != "torch"}
    if "skdeep-compiled" in runs:
        runs[COLD] = []
    for _ in range(repeats):
        for lib in runs:
            if lib == COLD:  # an empty cache: numba compiles in the first fit
                with tempfile.TemporaryDirectory(prefix="skdeep-numba-") as cache:
                    result = run_child(
                        dict(NUMBA_CACHE_DIR=cache),
                        kind="digits",
                        library="skdeep-compiled",
                        threads=threads,
                    )
            else:  # torch reads its thread count at import, inside the fit
                env = dict(OMP_NUM_THREADS=str(threads))
                result = run_child(
                    env if lib == "skdeep-torch" else None,
                    kind="digits",
                    library=lib,
                    threads=threads,
                )
            runs[lib].append(result)
    first = {lib: median_of(r, "first") for lib, r in runs.items()}
    print("\nW1: digits (75/25 split), StandardScaler + defaults, to convergence")
    print("  first fit: the first fit in a fresh process; later fit: a second")
    print("  fit in that process; ratios: first-fit time over the peer's")
    print(
        f"  {'library':23} {'first s':>8} {'later s':>8} {'test acc':>8}"
        f" {'n_iter':>6} {'/ numpy':>7} {'/ sklearn':>9}"
    )
    for lib, r in runs.items():
        print(
            f"  {lib:23} {first[lib]:8.3f} {median_of(r, 'later'):8.3f}"
            f" {median_of(r, 'accuracy'):8.4f} {median_of(r, 'n_iter'):6.0f}"
            f" {ratio(first[lib], first.get('skdeep-numpy')):>7}"
            f" {ratio(first[lib], first.get('sklearn')):>9}"
        )


def run_training(name, spec, libs, repeats, threads, directory):
    path = make_data(name, spec, directory)
    runs = {lib: [] for lib in libs}
    roof = []
    for _ in range(repeats):
        for lib in libs:
            runs[lib].append(
                run_child(
                    kind="fit", library=lib, spec=spec, data_path=path, threads=threads
                )
            )
        roof.append(run_child(kind="roofline", spec=spec, threads=threads)["seconds"])
    roofline = statistics.median(roof)
    epochs = spec["epochs"]
    epoch = {lib: median_of(r, "seconds") / epochs for lib, r in runs.items()}
    print(
        f"\n{name}: {spec['n_samples']} x {spec['n_features']} float32, "
        f"hidden {tuple(spec['hidden'])}, Adam, batch {spec['batch_size']}, "
        f"{epochs} epochs"
    )
    print("  epoch s: median seconds per epoch; ratios: epoch time over the peer's")
    print(
        f"  {'library':16} {'epoch s':>8} {'batches/s':>9} {'peak MiB':>8}"
        f" {'train acc':>9} {'/ sklearn':>9} {'/ torch':>7} {'/ roofline':>10}"
    )
    for lib, r in runs.items():
        print(
            f"  {lib:16} {epoch[lib]:8.3f}"
            f" {r[0]['n_batches'] / median_of(r, 'seconds'):9.0f}"
            f" {median_of(r, 'peak_rss_mib'):8.1f} {median_of(r, 'accuracy'):9.4f}"
            f" {ratio(epoch[lib], epoch.get('sklearn')):>9}"
            f" {ratio(epoch[lib], epoch.get('torch')):>7}"
            f" {epoch[lib] / roofline:10.2f}"
        )
    print(f"  {'roofline':16} {roofline:8.3f}  (matrix products only)")


def run_predict(spec, libs, repeats, threads, directory):
    path = make_data("W2", spec, directory)
    runs = {lib: [] for lib in libs}
    for _ in range(repeats):
        for lib in libs:
            runs[lib].append(
                run_child(
                    kind="predict",
                    library=lib,
                    spec=spec,
                    data_path=path,
                    threads=threads,
                )
            )
    seconds = {lib: median_of(r, "seconds") for lib, r in runs.items()}
    rows = spec["n_samples"]
    print(
        f"\nP: predict_proba on {rows} x {spec['n_features']} float32, "
        f"{spec['n_features']}-{'-'.join(map(str, spec['hidden']))}-"
        f"{spec['n_classes']}; ratios: time over the peer's"
    )
    print(f"  {'library':16} {'rows/s':>10} {'/ sklearn':>9} {'/ torch':>7}")
    for lib, s in seconds.items():
        print(
            f"  {lib:16} {rows / s:10.0f} {ratio(s, seconds.get('sklearn')):>9}"
            f" {ratio(s, seconds.get('torch')):>7}"
        )


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--workloads",
        nargs="+",
        default=["W1", "W2", "W3", "P"],
        choices=["W1", "W2", "W3", "P", "T"],
    )
    parser.add_argument(
        "--busy",
        action="store_true",
        help="keep one core busy with another process during the timings",
    )
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--threads", type=int, default=os.cpu_count())
    parser.add_argument(
        "--libraries", nargs="+", default=None, choices=[*SKDEEP, "sklearn", "torch"]
    )
    parser.add_argument(
        "--quick",
        action="store_true",
        help="shrink W2, W3 and P to a few batches and one epoch (a smoke run)",
    )
    parser.add_argument("--child", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        job = json.loads(args.child)
        print(json.dumps(CHILDREN[job.pop("kind")](**job)))
        return
    for line in machine_lines():
        print(line)
    libs = usable_libraries(args.libraries)
    print(
        f"threads: {args.threads}, repeats: {args.repeats}"
        f"{', quick' if args.quick else ''}, libraries: {', '.join(libs)}"
        f"{', busy: one core held by another process' if args.busy else ''}"
    )
    if {"skdeep", "skdeep-compiled"} & set(libs):
        run_child(kind="prime")  # later children load the compiled steps
    sys.stdout.flush()
    with tempfile.TemporaryDirectory(prefix="skdeep-bench-") as tmp, busy_core(
        args.busy
    ):
        for name in args.workloads:
            if name == "T":
                run_tabular(args.repeats, args.threads, args.quick)
            elif name == "W1":
                run_digits(libs, args.repeats, args.threads)
            elif name in ("W2", "W3"):
                spec = workload(name, args.quick)
                run_training(name, spec, libs, args.repeats, args.threads, tmp)
            else:
                spec = workload("W2", args.quick)
                run_predict(spec, libs, args.repeats, args.threads, tmp)
            sys.stdout.flush()


if __name__ == "__main__":
    main()
