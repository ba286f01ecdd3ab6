"""Fit time of the tabular estimators on the real tables, one source tree
against others.

Each fit is a default ``TabularMLPClassifier`` / ``TabularMLPRegressor``
(``random_state`` = the split's seed) on the training rows of one split of
a real table (``_real_tables.py``; 75 %, stratified for classification, as
in ``bench_tabular.py``), run in a fresh process with the package imported
from one of ``--trees`` (folders holding a ``skdeep`` package: this
checkout, or ``git archive`` of another commit unpacked). The trees
alternate within each round, so a slower period of a shared machine falls on
all of them. For each split (``--seeds``) the report takes each tree's
median over the rounds; it gives their mean over the splits (and the range
of the single fits), the epochs of each split (the selection's, then the
refit's), the mean test score and the ratio of the others' time to the
first tree's. The epochs depend on the path of each fit, which a change of
rounding or of random stream moves: give several splits.

Usage::

    python benchmarks/bench_tabular_fit.py                       # this checkout
    git archive 48dd58f | tar -x -C /tmp/before
    python benchmarks/bench_tabular_fit.py --trees . /tmp/before --seeds 0 1 2
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


def report(tables, trees, seeds, results):
    """The table of times, ranges, epochs, scores and ratios."""
    print(f"\n{'table':17} {'tree':>4} {'mean s':>7} {'range s':>11} "
          f"{'score':>7} {'ratio':>6}  epochs by split")
    for table in tables:
        first = None
        for i, tree in enumerate(trees):
            runs = [results[table, tree, seed] for seed in seeds]
            medians = [statistics.median(r["fit_s"] for r in split) for split in runs]
            mean = statistics.fmean(medians)
            first = mean if first is None else first
            times = [r["fit_s"] for split in runs for r in split]
            score = statistics.fmean(split[0]["score"] for split in runs)
            epochs = " ".join(split[0]["epochs"] for split in runs)
            print(f"{table:17} {i:>4} {mean:7.1f} "
                  f"{min(times):5.1f}-{max(times):<5.1f} {score:7.4f} "
                  f"{mean / first:6.2f}  {epochs}")
    print("\nratio: the tree's mean over tree 0's (above 1: tree 0 is faster)")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--child", nargs=2, metavar=("TABLE", "SEED"),
                        help=argparse.SUPPRESS)
    parser.add_argument("--trees", nargs="+", default=[str(HERE.parent)],
                        help="source trees, each holding a skdeep package")
    parser.add_argument("--tables", nargs="+", default=TABLES, choices=TABLES)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--seeds", type=int, nargs="+", default=[0],
                        help="the splits' seeds")
    args = parser.parse_args()
    if args.child:
        return child(args.child[0], int(args.child[1]))
    from _common import machine_lines

    print("\n".join(machine_lines()))
    for i, tree in enumerate(args.trees):
        print(f"tree {i}: {pathlib.Path(tree).resolve()}")
    print(f"rounds: {args.rounds}, split seeds: {args.seeds}, default threads")
    results = {}
    for round_ in range(args.rounds):
        for table in args.tables:
            for seed in args.seeds:
                for tree in args.trees:
                    record = fit_in(tree, table, seed)
                    results.setdefault((table, tree, seed), []).append(record)
                    print(f"round {round_ + 1} {table:17} split {seed} "
                          f"{record['fit_s']:6.1f} s epochs {record['epochs']:>6} "
                          f"({record['package']})", flush=True)
    report(args.tables, args.trees, args.seeds, results)


if __name__ == "__main__":
    main()
