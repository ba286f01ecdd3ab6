"""Tabular estimators at their defaults on a development suite of datasets.

The suite (``_tabular_suite.py``) is built from scikit-learn's bundled and
generated datasets and the ``mnist1d`` package: binary, multiclass and
regression tasks, some with categorical columns and missing values; beside
it, five real tables (``_real_tables.py``, ``--suite real``). Each
dataset is split at random ``--splits`` times (seeds 0, 1, ...; 25% test,
stratified for classification); every model sees the same splits and gets
``random_state`` equal to the split's seed, all else at its defaults.

Models (``--models``; one that cannot run here is skipped with a message)
------
hgb             HistGradientBoostingClassifier/Regressor,
                categorical_features="from_dtype" (object columns are made
                ``category`` once per dataset, before the splits)
lightgbm        LGBMClassifier/Regressor (category columns as categorical)
catboost        CatBoostClassifier/Regressor, the categorical columns as
                ``cat_features`` (strings, missing as "nan")
sk-mlp          scikit-learn's MLPClassifier/MLPRegressor after a
                ColumnTransformer: numeric -> SimpleImputer(median) +
                StandardScaler; categorical -> SimpleImputer("missing") +
                OneHotEncoder(handle_unknown="ignore")
skdeep-mlp      skdeep.MLPClassifier/MLPRegressor after the same transformer
skdeep-tabular  skdeep.TabularMLPClassifier/Regressor given the raw X
realmlp         pytabkit's RealMLP_TD_Classifier/Regressor, given the raw X
                (numeric NaN imputed with the median, fitted on the train part)

Metrics
-------
Per dataset, split and model: accuracy and log-loss (classification), R2 and
RMSE (regression), fit and predict wall-clock seconds (predict: ``predict``
on the test part; machines are shared, so times are noisy). Summary:

- normalised error: per dataset and split, the error (1 - accuracy, or RMSE)
  of each model mapped to (err - min) / (max - min) over the models that ran
  (0 when all are equal); its mean over datasets and splits;
- relative error: per dataset and split, the error over the best model's
  (1 for the best); its mean over datasets and splits;
- mean rank: per dataset, models ranked by the mean primary metric over the
  splits (accuracy or R2, best = 1, equal values share the average rank);
  its mean over datasets;
- wins/ties/losses against hgb: per dataset, on the mean primary metric over
  the splits; a tie when the means differ by less than 0.001 (0.1% absolute
  accuracy, or 0.001 R2).

A fit that raises is reported and left out of that split's figures; ranks
and W/T/L then use the splits that every model completed on that dataset.

Usage::

    python benchmarks/bench_tabular.py                       # all, 3 splits
    python benchmarks/bench_tabular.py --quick --models hgb sk-mlp skdeep-mlp
    python benchmarks/bench_tabular.py --datasets wine digits --splits 5
    python benchmarks/bench_tabular.py --max-rows 10000 --json results.json
    python benchmarks/bench_tabular.py --threads 1   # BLAS/OpenMP threads
    python benchmarks/bench_tabular.py --suite real --threads 1 \\
        --models hgb lightgbm catboost skdeep-tabular

On a loaded machine, OpenMP (hgb) can be several times slower with more
threads than free cores: ``--threads 1`` gives steadier times there.
"""

import argparse
import json
import statistics
import sys
import time
import warnings

import _tabular_suite as suite
import pandas as pd
from _common import machine_lines, version
from _tabular_models import MODELS, Unavailable, usable_models
from threadpoolctl import threadpool_limits

TIE = 0.001  # |difference of mean primary metrics| below this: a tie
QUICK_ROWS = 3000


# ------------------------------------------------------------ measuring
def evaluate(name, dataset, X, train, test, seed, threads=None):
    """Fit model ``name`` on rows ``train`` of ``X``, measure on ``test``."""
    from sklearn.exceptions import ConvergenceWarning
    from sklearn.metrics import (
        accuracy_score,
        log_loss,
        r2_score,
        root_mean_squared_error,
    )

    X_train, X_test = suite.take(X, train), suite.take(X, test)
    y_train, y_test = dataset.y[train], dataset.y[test]
    record = dict(dataset=dataset.name, task=dataset.task, split=seed, model=name)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", ConvergenceWarning)
            model = MODELS[name].build(dataset.task, X_train, seed, threads)
            start = time.perf_counter()
            model.fit(X_train, y_train)
            record["fit_s"] = time.perf_counter() - start
            start = time.perf_counter()
            predicted = model.predict(X_test)
            record["predict_s"] = time.perf_counter() - start
            if dataset.is_classification:
                record["accuracy"] = float(accuracy_score(y_test, predicted))
                record["error"] = 1.0 - record["accuracy"]
                try:
                    proba = model.predict_proba(X_test)
                    record["log_loss"] = float(
                        log_loss(y_test, proba, labels=model.classes_)
                    )
                except AttributeError:
                    record["log_loss"] = float("nan")
            else:
                record["r2"] = float(r2_score(y_test, predicted))
                record["rmse"] = float(root_mean_squared_error(y_test, predicted))
                record["error"] = record["rmse"]
    except Unavailable:
        raise
    except Exception as error:  # report and carry on with the others
        record["failed"] = f"{type(error).__name__}: {error}"[:300]
        print(f"  {name} on {dataset.name}, split {seed} failed: {record['failed']}")
    return record


def normalise(records):
    """Add ``norm_error`` to every successful record: per dataset and split,
    (err - min) / (max - min) over the models, 0 when they are all equal."""
    groups = {}
    for r in records:
        if "failed" not in r:
            groups.setdefault((r["dataset"], r["split"]), []).append(r)
    for group in groups.values():
        errors = [r["error"] for r in group]
        low, high = min(errors), max(errors)
        for r in group:
            r["norm_error"] = 0.0 if high == low else (r["error"] - low) / (high - low)
            r["rel_error"] = 1.0 if low <= 0 else r["error"] / low


def primary(record):
    return record["accuracy"] if "accuracy" in record else record["r2"]


def mean_of(records, key):
    values = [r[key] for r in records if key in r]
    return statistics.fmean(values) if values else float("nan")


def dataset_means(records, models):
    """``{dataset: {model: mean primary metric}}``, the means over the splits
    that every model with a result on that dataset completed."""
    out = {}
    for r in records:
        if "failed" not in r and r["model"] in models:
            per = out.setdefault(r["dataset"], {}).setdefault(r["model"], {})
            per[r["split"]] = primary(r)
    means = {}
    for d, per in out.items():
        if common := set.intersection(*(set(v) for v in per.values())):
            means[d] = {
                m: statistics.fmean(v[s] for s in common) for m, v in per.items()
            }
    return means


def summarise(records, models):
    """Per model: mean normalised error, mean rank, W/T/L against hgb, total
    fit seconds, failures."""
    means = dataset_means(records, models)
    ranks = {m: [] for m in models}
    for per in means.values():
        ranked = pd.Series(per).rank(ascending=False, method="average")
        for m, rank in ranked.items():
            ranks[m].append(float(rank))
    summary = {}
    for m in models:
        mine = [r for r in records if r["model"] == m]
        wtl = None
        if m != "hgb" and "hgb" in models:
            wtl = [0, 0, 0]
            for per in means.values():
                if m in per and "hgb" in per:
                    diff = per[m] - per["hgb"]
                    wtl[0 if diff >= TIE else 2 if diff <= -TIE else 1] += 1
        summary[m] = dict(
            norm_error=mean_of(mine, "norm_error"),
            rel_error=mean_of(mine, "rel_error"),
            mean_rank=statistics.fmean(ranks[m]) if ranks[m] else float("nan"),
            wins_ties_losses_vs_hgb=wtl,
            fit_s=sum(r.get("fit_s", 0.0) for r in mine),
            failures=sum("failed" in r for r in mine),
        )
    return summary


# ------------------------------------------------------------- printing
def print_dataset(dataset, records, models):
    """One table: each model's means over the splits."""
    first, second = ("accuracy", "log_loss")
    if not dataset.is_classification:
        first, second = ("r2", "rmse")
    print(
        f"  {'model':15} {first:>8} {'± std':>7} {second:>9} {'norm err':>8}"
        f" {'fit s':>8} {'predict s':>9}"
    )
    for m in models:
        mine = [r for r in records if r["model"] == m and "failed" not in r]
        if not mine:
            print(f"  {m:15} {'failed':>8}")
            continue
        values = [r[first] for r in mine]
        spread = statistics.stdev(values) if len(values) > 1 else 0.0
        print(
            f"  {m:15} {statistics.fmean(values):8.4f} {spread:7.4f}"
            f" {mean_of(mine, second):9.4f} {mean_of(mine, 'norm_error'):8.3f}"
            f" {mean_of(mine, 'fit_s'):8.2f} {mean_of(mine, 'predict_s'):9.3f}"
        )


def print_matrix(title, datasets, records, models, key, fmt):
    print(f"\n{title}")
    print(f"  {'dataset':14} {'task':10}" + "".join(f" {m:>14}" for m in models))
    for d in datasets:
        row = f"  {d.name:14} {d.task:10}"
        for m in models:
            mine = [
                r
                for r in records
                if r["dataset"] == d.name and r["model"] == m and "failed" not in r
            ]
            value = statistics.fmean(key(r) for r in mine) if mine else None
            row += f" {'-' if value is None else format(value, fmt):>14}"
        print(row)


def print_summary(summary, n_datasets, splits):
    print(
        f"\nSummary over {n_datasets} datasets x {splits} splits"
        f" (primary metric: accuracy / R2; tie vs hgb: |diff| < {TIE})"
    )
    print(
        f"  {'model':15} {'norm err':>8} {'rel err':>7} {'mean rank':>9}"
        f" {'vs hgb W/T/L':>12} {'fit s total':>11} {'failures':>8}"
    )
    for m, s in summary.items():
        wtl = s["wins_ties_losses_vs_hgb"]
        wtl = "-" if wtl is None else "/".join(map(str, wtl))
        print(
            f"  {m:15} {s['norm_error']:8.3f} {s['rel_error']:7.3f}"
            f" {s['mean_rank']:9.2f} {wtl:>12} {s['fit_s']:11.1f}"
            f" {s['failures']:8d}"
        )


# ----------------------------------------------------------------- main
def run(datasets, models, args):
    """Every model on every split of every dataset: the records."""
    records = []
    for dataset in datasets:
        print(f"\n{dataset.describe()}")
        sys.stdout.flush()
        prepared = {
            m: MODELS[m].prepare(dataset.X) if MODELS[m].prepare else dataset.X
            for m in models
        }
        mine = []
        for seed in range(args.splits):
            train, test = suite.split_rows(dataset, seed, args.test_size)
            for m in models:
                record = evaluate(
                    m, dataset, prepared[m], train, test, seed, args.threads
                )
                if args.verbose and "failed" not in record:
                    print(
                        f"    split {seed} {m:15} error {record['error']:.4f}"
                        f" fit {record['fit_s']:.2f} s"
                    )
                    sys.stdout.flush()
                mine.append(record)
        normalise(mine)
        print_dataset(dataset, mine, models)
        sys.stdout.flush()
        records += mine
    return records


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--models", nargs="+", default=list(MODELS), choices=list(MODELS)
    )
    parser.add_argument(
        "--datasets", nargs="+", default=None, choices=suite.available_names()
    )
    parser.add_argument(
        "--suite",
        choices=["generated", "real", "all"],
        default="all",
        help="which datasets when --datasets is not given (real: the tables "
        "of _real_tables.py)",
    )
    parser.add_argument(
        "--splits", type=int, default=3, help="random splits (seeds 0..N-1)"
    )
    parser.add_argument("--test-size", type=float, default=0.25)
    parser.add_argument(
        "--max-rows", type=int, default=None, help="subsample larger datasets"
    )
    parser.add_argument(
        "--quick",
        action="store_true",
        help=f"subsample datasets to at most {QUICK_ROWS} rows (a smoke run)",
    )
    parser.add_argument(
        "--threads", type=int, default=None, help="BLAS and OpenMP threads"
    )
    parser.add_argument("--json", metavar="PATH", help="write all records here")
    parser.add_argument("--verbose", action="store_true", help="print a line per fit")
    return parser.parse_args()


def main():
    args = parse_args()
    max_rows = args.max_rows
    if args.quick:
        max_rows = min(QUICK_ROWS, max_rows or QUICK_ROWS)
    for line in machine_lines():
        print(line)
    print(", ".join(f"{p} {version(p)}" for p in ("pandas", "mnist1d", "pytabkit")))
    models = usable_models(args.models)
    datasets = suite.build(args.datasets or suite.available_names(args.suite), max_rows)
    print(
        f"splits: {args.splits} (test {args.test_size:.0%}), max rows: {max_rows},"
        f" threads: {args.threads or 'default'}, models: {', '.join(models)}"
    )
    with threadpool_limits(args.threads):
        records = run(datasets, models, args)
    for title, key, fmt in (
        ("Primary metric (accuracy / R2), mean over splits", primary, ".4f"),
        ("Fit seconds, mean over splits", lambda r: r["fit_s"], ".2f"),
    ):
        print_matrix(title, datasets, records, models, key, fmt)
    summary = summarise(records, models)
    print_summary(summary, len(datasets), args.splits)
    if args.json:
        with open(args.json, "w") as f:
            json.dump(
                dict(
                    machine=machine_lines(),
                    args=vars(args),
                    datasets=[d.describe() for d in datasets],
                    records=records,
                    summary=summary,
                ),
                f,
                indent=1,
            )
        print(f"\nrecords written to {args.json}")


if __name__ == "__main__":
    main()
