"""Cost of one ``partial_fit`` call along a long stream.

A stream of 32-row chunks into a (16,)-unit MLPRegressor: the cost of a call
must not grow with the number of calls made before it (no copy of the
training history, nor of anything else that grows, per call). The report
gives the mean time of the first and of the last ``--window`` calls and
their ratio, the median over ``--repeats`` streams.

Usage::

    python benchmarks/bench_partial_fit.py                 # 3,000 calls, 3 streams
    python benchmarks/bench_partial_fit.py --calls 500 --repeats 1
"""

import argparse
import statistics
import time
import warnings

import numpy as np
from _common import machine_lines

from skdeep import MLPRegressor


def stream_times(n_calls, chunk, seed=0):
    """Seconds of each of ``n_calls`` partial_fit calls on ``chunk`` rows."""
    rng = np.random.default_rng(seed)
    X = rng.standard_normal((n_calls * chunk, 8))
    y = X @ rng.standard_normal(8) + 0.1 * rng.standard_normal(X.shape[0])
    reg = MLPRegressor(hidden_layer_sizes=(16,), random_state=seed)
    times = np.empty(n_calls)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        for i in range(n_calls):
            rows = slice(i * chunk, (i + 1) * chunk)
            start = time.perf_counter()
            reg.partial_fit(X[rows], y[rows])
            times[i] = time.perf_counter() - start
    return times


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--calls", type=int, default=3000)
    parser.add_argument("--chunk", type=int, default=32)
    parser.add_argument("--window", type=int, default=100)
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args()
    firsts, lasts, ratios = [], [], []
    for seed in range(args.repeats):
        times = stream_times(args.calls, args.chunk, seed)
        first = times[: args.window].mean()
        last = times[-args.window :].mean()
        firsts.append(first)
        lasts.append(last)
        ratios.append(last / first)
    print("\n".join(machine_lines()))
    print(
        f"{args.calls} partial_fit calls of {args.chunk} rows, (16,) units, "
        f"median of {args.repeats} streams:"
    )
    print(f"  mean of the first {args.window} calls: "
          f"{statistics.median(firsts) * 1e3:.3f} ms")
    print(f"  mean of the last {args.window} calls:  "
          f"{statistics.median(lasts) * 1e3:.3f} ms")
    print(f"  last / first: {statistics.median(ratios):.2f}")


if __name__ == "__main__":
    main()
