"""BLAS threads for small networks: one thread against all, idle and busy.

For a grid of networks (one hidden width, a batch size), the seconds per
epoch of skdeep's MLPClassifier (Adam, float32, no early stopping) with the
BLAS threads limited to one and with every core, first on an idle machine
and then while a busy process (a Python loop) holds one core. Each cell is
the median of ``--repeats`` fits in this process, the two settings
alternating. The largest matrix product of one batch (rows x fan-in x
fan-out, multiply-adds) is printed beside each network: it is what skdeep's
thread policy (``skdeep.set_config(blas_threads='auto')``) decides on.

Usage::

    python benchmarks/bench_threads.py
    python benchmarks/bench_threads.py --widths 64 256 1024 --repeats 5
"""

import argparse
import contextlib
import os
import statistics
import subprocess
import sys
import time
import warnings

import numpy as np
from _common import machine_lines
from threadpoolctl import threadpool_limits


@contextlib.contextmanager
def busy_core(busy):
    """A child process spinning on one core while the block runs."""
    if not busy:
        yield
        return
    child = subprocess.Popen([sys.executable, "-c", "while True: pass"])
    time.sleep(0.5)
    try:
        yield
    finally:
        child.kill()
        child.wait()


def epoch_seconds(X, y, width, batch, epochs, threads):
    import skdeep

    model = skdeep.MLPClassifier(
        hidden_layer_sizes=(width, width), batch_size=batch, max_iter=epochs,
        tol=0.0, n_iter_no_change=10**6, dtype="float32", random_state=0,
        progress_bar=False,
    )
    with skdeep.config_context(blas_threads=None), threadpool_limits(threads):
        start = time.perf_counter()
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            model.fit(X, y)
        return (time.perf_counter() - start) / epochs


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--widths", type=int, nargs="+", default=[32, 64, 128, 256, 512]
    )
    parser.add_argument("--batches", type=int, nargs="+", default=[64, 256])
    parser.add_argument("--features", type=int, default=20)
    parser.add_argument("--rows", type=int, default=20000)
    parser.add_argument("--epochs", type=int, default=2)
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args()
    from sklearn.datasets import make_classification

    X, y = make_classification(args.rows, args.features, random_state=0)
    X = X.astype(np.float32)
    cores = len(os.sched_getaffinity(0))
    print("\n".join(machine_lines()))
    print(f"{args.rows} rows x {args.features} features, {args.epochs} epochs,"
          f" median of {args.repeats}; s/epoch with 1 and {cores} BLAS threads")
    header = (f"{'network':>18s} {'batch':>6s} {'matmul':>9s}"
              f" {'idle 1':>8s} {f'idle {cores}':>8s} {'busy 1':>8s}"
              f" {f'busy {cores}':>8s}")
    print(header)
    for width in args.widths:
        for batch in args.batches:
            cells = []
            for busy in (False, True):
                times = {1: [], cores: []}
                with busy_core(busy):
                    for _ in range(args.repeats):
                        for threads in times:
                            times[threads].append(epoch_seconds(
                                X, y, width, batch, args.epochs, threads))
                cells += [statistics.median(times[t]) for t in times]
            work = batch * max(args.features, width) * width
            name = f"{args.features}-{width}-{width}-2"
            print(f"{name:>18s} {batch:6d} {work:9.2e}"
                  + "".join(f" {c:8.4f}" for c in cells), flush=True)


if __name__ == "__main__":
    main()
