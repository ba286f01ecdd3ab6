"""skdeep on a GPU against a hand-written PyTorch loop on the same GPU.

Both sides train the same network on the same data: skdeep's
``MLPClassifier(device=...)`` (the torch backend) and the loop of
``_common.torch_fit`` (``nn.Sequential`` of Linear/ReLU, cross-entropy,
``torch.optim.Adam(fused=True)`` with the estimators' L2 penalty, the data
moved to the device once per fit, a permutation drawn on the host each epoch).

Configurations: W2 at batch 128 and at batch 4096, W3 (see
``bench_speed.py``), and predict_proba throughput on W2's data with a
W2-shaped network (host array in, host array out, on both sides). Everything
runs in this process: each configuration is run once untimed first (CUDA
initialization, cuBLAS handles, first-call compilation), then the two sides
alternate ``--repeats`` times (the order swapped every repetition) and the
report gives medians. The device is synchronized before each clock reading.
Seconds per epoch are a whole fit's time (transfer of the data included)
over its number of epochs.

For W2 at batch 4096 the report adds skdeep on the CPU (NumPy backend,
``--cpu-threads`` BLAS threads, default 2), measured in the same run on one
epoch (``--cpu-repeats`` fits, default 1), which is enough at that batch
size: its epochs take the same time.

Usage::

    python benchmarks/bench_gpu.py                       # device 'cuda'
    python benchmarks/bench_gpu.py --device cuda:1 --repeats 7
    python benchmarks/bench_gpu.py --device cpu --quick --repeats 1  # smoke
"""

import argparse
import os
import statistics
import sys
import time
import warnings

from _common import (
    classifier,
    estimator_params,
    generate,
    machine_lines,
    torch_accuracy,
    torch_fit,
    torch_model,
    workload,
)

CONFIGS = (  # label, workload, changes to its spec
    ("W2, batch 128", "W2", {}),
    ("W2, batch 4096", "W2", {"batch_size": 4096}),
    ("W3", "W3", {}),
)
CPU_REFERENCE = "W2, batch 4096"


def resolve_device(name):
    """The ``torch.device`` for ``name``, or exit with the reason."""
    try:
        import torch
    except ImportError:
        sys.exit("bench_gpu.py needs PyTorch: pip install scikit-deep[torch]")
    if name.startswith("cuda") and not torch.cuda.is_available():
        sys.exit(
            f"CUDA is not available here (torch {torch.__version__}, CUDA build: "
            f"{torch.version.cuda or 'none'}); run on a machine with an NVIDIA "
            "GPU, or pass --device cpu to run the same comparison on the CPU."
        )
    from skdeep.backend import get_backend

    try:
        return get_backend(name).device
    except ValueError as error:
        sys.exit(str(error))


def synchronize(device):
    import torch

    if device.type == "cuda":
        torch.cuda.synchronize(device)
    elif device.type == "mps":
        torch.mps.synchronize()


def timed(device, fn):
    """``(seconds, fn())``, with the device idle at both clock readings."""
    synchronize(device)
    start = time.perf_counter()
    result = fn()
    synchronize(device)
    return time.perf_counter() - start, result


def skdeep_fit(spec, X, y, device, epochs=None):
    epochs = spec["epochs"] if epochs is None else epochs
    model = classifier("skdeep", device=device, **estimator_params(spec, epochs))
    return model.fit(X, y)


def alternate(repeats, sides):
    """Run ``sides`` (name -> callable returning seconds) ``repeats`` times,
    alternating, the order reversed every other repetition; return the
    medians."""
    times = {name: [] for name in sides}
    for r in range(repeats):
        for name in list(sides)[:: 1 if r % 2 == 0 else -1]:
            times[name].append(sides[name]())
    return {name: statistics.median(t) for name, t in times.items()}


def bench_training(spec, X, y, device, repeats):
    """Median seconds per epoch and train accuracy of both sides."""
    str_device = str(device)
    skdeep_fit(spec, X, y, str_device, epochs=1)  # warm up
    timed(device, lambda: torch_fit(spec, X, y, device, epochs=1))
    fitted = {}

    def run(name, fit):
        def once():
            seconds, fitted[name] = timed(device, fit)
            return seconds / spec["epochs"]

        return once

    epoch = alternate(
        repeats,
        {
            "skdeep": run("skdeep", lambda: skdeep_fit(spec, X, y, str_device)),
            "torch": run("torch", lambda: torch_fit(spec, X, y, device)),
        },
    )
    accuracy = {
        "skdeep": float(fitted["skdeep"].score(X, y)),
        "torch": torch_accuracy(fitted["torch"], X, y, device),
    }
    return epoch, accuracy


def bench_cpu(spec, X, y, threads, repeats):
    """Seconds per epoch of skdeep on the NumPy backend (one-epoch fits)."""
    from threadpoolctl import threadpool_limits

    rows = slice(0, 2 * spec["batch_size"])
    with threadpool_limits(threads, user_api="blas"):
        skdeep_fit(spec, X[rows], y[rows], None, epochs=1)  # warm up
        times = []
        for _ in range(repeats):
            start = time.perf_counter()
            skdeep_fit(spec, X, y, None, epochs=1)
            times.append(time.perf_counter() - start)
    return statistics.median(times)


def bench_predict(spec, X, y, device, repeats):
    """Median seconds of predict_proba on all rows of ``X``, both sides."""
    import torch

    small = skdeep_fit(spec, X[:2000], y[:2000], str(device), epochs=1)
    net = torch_model(spec, X.shape[1], spec["n_classes"], device).eval()

    def torch_predict():
        with torch.no_grad():
            scores = net(torch.from_numpy(X).to(device))
            return torch.softmax(scores, dim=1).cpu().numpy()

    sides = {
        "skdeep": lambda: timed(device, lambda: small.predict_proba(X))[0],
        "torch": lambda: timed(device, torch_predict)[0],
    }
    for side in sides.values():  # warm up
        side()
    return alternate(repeats, sides)


def describe(device):
    import torch

    if device.type == "cuda":
        name = torch.cuda.get_device_name(device)
        return f"{device} ({name}), CUDA {torch.version.cuda}"
    return str(device)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--device", default="cuda")
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument(
        "--threads",
        type=int,
        default=os.cpu_count(),
        help="torch's host threads (both sides)",
    )
    parser.add_argument("--cpu-threads", type=int, default=2)
    parser.add_argument("--cpu-repeats", type=int, default=1)
    parser.add_argument(
        "--quick",
        action="store_true",
        help="shrink every workload to a few batches and one epoch (a smoke run)",
    )
    args = parser.parse_args()
    device = resolve_device(args.device)
    import torch

    torch.set_num_threads(args.threads)
    warnings.simplefilter("ignore")  # convergence warnings of short fits
    for line in machine_lines():
        print(line)
    print(
        f"device: {describe(device)}; repeats: {args.repeats}, torch host "
        f"threads: {args.threads}{', quick' if args.quick else ''}"
    )
    print(
        "epoch s: median of fit seconds / epochs (data transfer included); "
        "ratio: skdeep time / torch time"
    )
    print(
        f"\n  {'configuration':16} {'epochs':>6} {'skdeep s':>9} {'torch s':>9}"
        f" {'ratio':>6} {'skdeep acc':>10} {'torch acc':>9}"
    )
    data, cpu_lines = {}, []
    for label, name, changes in CONFIGS:
        spec = workload(name, args.quick, **changes)
        key = (name, spec["n_samples"])
        if key not in data:
            data[key] = generate(spec)
        X, y = data[key]
        epoch, accuracy = bench_training(spec, X, y, device, args.repeats)
        print(
            f"  {label:16} {spec['epochs']:6d} {epoch['skdeep']:9.4f}"
            f" {epoch['torch']:9.4f} {epoch['skdeep'] / epoch['torch']:6.2f}"
            f" {accuracy['skdeep']:10.4f} {accuracy['torch']:9.4f}"
        )
        sys.stdout.flush()
        if label == CPU_REFERENCE:
            cpu = bench_cpu(spec, X, y, args.cpu_threads, args.cpu_repeats)
            cpu_lines = [
                f"\n{label} on the CPU: skdeep, NumPy backend, {args.cpu_threads}"
                f" BLAS threads, {args.cpu_repeats} fit(s) of 1 epoch (enough: "
                "its epochs take the same time)",
                f"  CPU epoch s {cpu:.4f}; skdeep on {device} / skdeep on the "
                f"CPU: {epoch['skdeep'] / cpu:.3f}",
            ]
    print("\n".join(cpu_lines))
    spec = workload("W2", args.quick)
    X, y = data[("W2", spec["n_samples"])]
    seconds = bench_predict(spec, X, y, device, args.repeats)
    print(
        f"\nP: predict_proba on {X.shape[0]} x {X.shape[1]} float32 "
        "(host in, host out); ratio: skdeep time / torch time"
    )
    for side, s in seconds.items():
        print(f"  {side:8} {X.shape[0] / s:12.0f} rows/s  ({s:.4f} s)")
    print(f"  ratio {seconds['skdeep'] / seconds['torch']:.2f}")


if __name__ == "__main__":
    main()
