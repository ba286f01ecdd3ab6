"""Fit time of the tabular estimators on the real tables, one source tree
against others.

Each fit is a default ``TabularMLPClassifier`` / ``TabularMLPRegressor``
(``random_state`` = the split's seed) on the training rows of one split of
a real table (``_real_tables.py``; 75 %, stratified for classification, as
in ``bench_tabular.py``), run in a fresh process with the package imported
from one of ``--trees`` (folders holding a ``skdeep`` package: this
checkout, or ``git archive`` of another commit unpacked). The trees
alternate within each round, so a slower period of a shared machine falls on
all of them; the report gives each tree's median (and range) over the
rounds, its epochs (the selection's, then the refit's), its test score and
the ratio of the first tree's median to the others'.

Usage::

    python benchmarks/bench_tabular_fit.py                       # this checkout
    git archive 48dd58f | tar -x -C /tmp/before
    python benchmarks/bench_tabular_fit.py --trees . /tmp/before --rounds 3
"""

import argparse
import json
import os
import pathlib
import statistics
import subprocess
import sys
import time

HERE = pathlib.Path(__file__).resolve().parent
TABLES = [
    "bank_marketing",
    "credit_default",
    "magic_telescope",
    "bike_sharing",
    "brazilian_houses",
]


def child(table, seed):
    """Fit once in this process; print one JSON line."""
    import warnings

    import _real_tables as real
    import _tabular_suite as suite

    import skdeep

    dataset = getattr(real, table)()
    train, test = suite.split_rows(dataset, seed)
    X_train, X_test = suite.take(dataset.X, train), suite.take(dataset.X, test)
    y_train, y_test = dataset.y[train], dataset.y[test]
    regression = dataset.task == "regression"
    cls = skdeep.TabularMLPRegressor if regression else skdeep.TabularMLPClassifier
    model = cls(random_state=seed)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        start = time.perf_counter()
        model.fit(X_train, y_train)
        seconds = time.perf_counter() - start
    selection = sum(r.get("valid_score") is not None for r in model.history_)
    record = dict(
        fit_s=seconds,
        score=float(model.score(X_test, y_test)),
        epochs=f"{selection}+{len(model.history_) - selection}",
        package=str(pathlib.Path(skdeep.__file__).parents[1]),
    )
    print(json.dumps(record))


def fit_in(tree, table, seed):
    """One fit in a fresh process importing the package from ``tree``."""
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(
        [str(pathlib.Path(tree).resolve()), str(HERE), env.get("PYTHONPATH", "")]
    )
    command = [sys.executable, __file__, "--child", table, str(seed)]
    done = subprocess.run(command, env=env, capture_output=True, text=True)
    if done.returncode:
        raise RuntimeError(f"fit of {table} in {tree} failed:\n{done.stderr}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def report(tables, trees, results):
    """The table of medians, ranges, epochs, scores and ratios."""
    print(f"\n{'table':17} {'tree':>5} {'median s':>9} {'range s':>12} "
          f"{'epochs':>7} {'score':>7} {'ratio':>6}")
    for table in tables:
        first = None
        for i, tree in enumerate(trees):
            runs = results[table, tree]
            times = [r["fit_s"] for r in runs]
            median = statistics.median(times)
            first = median if first is None else first
            spread = f"{min(times):.1f}-{max(times):.1f}"
            print(f"{table:17} {i:>5} {median:9.1f} {spread:>12} "
                  f"{runs[0]['epochs']:>7} {runs[0]['score']:7.4f} "
                  f"{median / first:6.2f}")
    print("\nratio: the tree's median over tree 0's (above 1: tree 0 is faster)")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--child", nargs=2, metavar=("TABLE", "SEED"),
                        help=argparse.SUPPRESS)
    parser.add_argument("--trees", nargs="+", default=[str(HERE.parent)],
                        help="source trees, each holding a skdeep package")
    parser.add_argument("--tables", nargs="+", default=TABLES, choices=TABLES)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--seed", type=int, default=0, help="the split's seed")
    args = parser.parse_args()
    if args.child:
        return child(args.child[0], int(args.child[1]))
    from _common import machine_lines

    print("\n".join(machine_lines()))
    for i, tree in enumerate(args.trees):
        print(f"tree {i}: {pathlib.Path(tree).resolve()}")
    print(f"rounds: {args.rounds}, split seed: {args.seed}, default threads")
    results = {}
    for round_ in range(args.rounds):
        for table in args.tables:
            for tree in args.trees:
                record = fit_in(tree, table, args.seed)
                results.setdefault((table, tree), []).append(record)
                print(f"round {round_ + 1} {table:17} {record['fit_s']:6.1f} s "
                      f"epochs {record['epochs']:>6} ({record['package']})",
                      flush=True)
    report(args.tables, args.trees, results)


if __name__ == "__main__":
    main()
