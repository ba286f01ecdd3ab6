"""Fit time of the tabular estimators against rows and features.

Default ``TabularMLPClassifier`` fits on ``make_classification`` tables of
``--rows`` rows and ``--features`` numeric features (one fit per cell,
median of ``--repeats``), with the 'auto' epoch budget, its epochs and the
seconds per epoch, and HistGradientBoostingClassifier on the same table.

Usage::

    python benchmarks/bench_tabular_scaling.py
    python benchmarks/bench_tabular_scaling.py --rows 30000 --features 10 50
"""

import argparse
import statistics
import time
import warnings

from _common import machine_lines
from sklearn.datasets import make_classification
from sklearn.ensemble import HistGradientBoostingClassifier
from threadpoolctl import threadpool_limits

from skdeep import TabularMLPClassifier


def timed_fit(model, X, y):
    start = time.perf_counter()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        model.fit(X, y)
    return time.perf_counter() - start


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, nargs="+", default=[1000, 5000, 30000])
    parser.add_argument("--features", type=int, nargs="+", default=[10, 50])
    parser.add_argument("--repeats", type=int, default=1)
    parser.add_argument("--threads", type=int, default=None)
    args = parser.parse_args()
    print("\n".join(machine_lines()))
    print(f"threads: {args.threads or 'default'}, repeats: {args.repeats}")
    header = ("rows", "features", "epochs", "fit s", "s/epoch", "hgb s")
    print(" ".join(f"{name:>8}" for name in header))
    with threadpool_limits(args.threads):
        for n_features in args.features:
            for n_rows in args.rows:
                X, y = make_classification(
                    n_rows, n_features, n_informative=n_features // 2, random_state=0
                )
                times, epochs = [], 0
                for seed in range(args.repeats):
                    model = TabularMLPClassifier(random_state=seed)
                    times.append(timed_fit(model, X, y))
                    epochs = model.n_iter_
                hgb = timed_fit(HistGradientBoostingClassifier(random_state=0), X, y)
                fit = statistics.median(times)
                row = (n_rows, n_features, epochs, f"{fit:.1f}", f"{fit / epochs:.3f}")
                print(" ".join(f"{v:>8}" for v in (*row, f"{hgb:.2f}")), flush=True)


if __name__ == "__main__":
    main()
