"""Ablation of the tabular recipe: each ingredient's contribution.

Fits ``TabularMLPClassifier``/``TabularMLPRegressor`` at their defaults
("full") and, for each variant, with one ingredient removed or changed, on
the real tables of ``bench_tabular.py`` (``--suite real``, the default; or
the generated suite, or all), with the same splits.
Reports, per variant, the mean change of the primary metric against the full
recipe (accuracy or R2, in points: x100), on how many datasets it is better
or worse than the full recipe (beyond 0.1 point), the mean normalised error
over the variants, and the total fit time. A negative change means the
ingredient helps.

Variants that flip a fixed choice of the recipe (not a parameter) fit with
``skdeep.recipes.tabular.RECIPE`` replaced by a recipe with that field
changed (``feature_scale``, ``parametric``, ``zero_output``, ``missing``,
``budget_steps``; see :class:`skdeep.recipes.tabular.TabularRecipe`).

Usage::

    python benchmarks/ablate_tabular.py --splits 2       # every variant
    python benchmarks/ablate_tabular.py --variants full no-refit piecewise
    python benchmarks/ablate_tabular.py --suite generated --max-rows 5000
"""

import argparse
import contextlib
import dataclasses
import json
import statistics
import time
import warnings

import _tabular_suite as suite
from _common import machine_lines
from threadpoolctl import threadpool_limits

TIE = 0.001

# name -> (parameters, recipe fields, what it removes or changes)
VARIANTS = {
    "full": ({}, {}, "the recipe at its defaults"),
    "no-smooth-clip": ({"smooth_clip": False}, {}, "robust scaling without clipping"),
    "no-periodic": ({"numerical_embedding": None}, {}, "no periodic embeddings"),
    "no-feature-scale": ({}, {"feature_scale": False}, "no learned input scaling"),
    "no-parametric": ({}, {"parametric": False}, "plain SiLU activations"),
    "no-label-smoothing": ({"label_smoothing": 0.0}, {}, "label_smoothing=0"),
    "no-schedules": ({"schedules": False}, {}, "constant lr, dropout, decay"),
    "beta2-0.999": ({"beta_2": 0.999}, {}, "Adam's usual beta_2"),
    "no-best-epoch": ({"validation_fraction": 0.0}, {}, "last epoch, all rows"),
    "no-zero-output": ({}, {"zero_output": False}, "He-initialized output"),
    "no-missing-indicator": ({}, {"missing": "impute"}, "imputation only"),
    "no-dropout": ({"dropout": 0.0}, {}, "dropout=0"),
    "all-onehot": ({"max_onehot": 10**6}, {}, "no category embeddings"),
    "budget-4000": ({}, {"budget_steps": 4000}, "'auto' = 4,000 steps"),
    # the ingredients added for real tables
    "no-refit": ({"refit": False}, {}, "no refit: 20% of the rows never train"),
    "refit-same": ({}, {"refit_schedule": "same"}, "refit along the schedule"),
    "piecewise": (
        {"numerical_embedding": "piecewise_linear"},
        {},
        "piecewise-linear embeddings",
    ),
    "heads-4": ({"n_heads": 4}, {}, "an ensemble of 4 heads"),
    "heads-8-no-refit": ({"n_heads": 8, "refit": False}, {}, "8 heads, no refit"),
}


def make_estimator(task, variant, seed):
    from skdeep import TabularMLPClassifier, TabularMLPRegressor

    cls = TabularMLPRegressor if task == "regression" else TabularMLPClassifier
    params, _, _ = VARIANTS[variant]
    if task == "regression":
        params = {k: v for k, v in params.items() if k != "label_smoothing"}
    return cls(random_state=seed, **params)


@contextlib.contextmanager
def recipe_of(variant):
    """Fit with the variant's recipe (the default one restored after)."""
    from skdeep.recipes import tabular

    default = tabular.RECIPE
    tabular.RECIPE = dataclasses.replace(default, **VARIANTS[variant][1])
    try:
        yield
    finally:
        tabular.RECIPE = default


def fit_one(dataset, train, test, variant, seed):
    from sklearn.metrics import accuracy_score, r2_score, root_mean_squared_error

    X_train, X_test = suite.take(dataset.X, train), suite.take(dataset.X, test)
    y_train, y_test = dataset.y[train], dataset.y[test]
    model = make_estimator(dataset.task, variant, seed)
    start = time.perf_counter()
    with warnings.catch_warnings(), recipe_of(variant):
        warnings.simplefilter("ignore")
        model.fit(X_train, y_train)
    seconds = time.perf_counter() - start
    predicted = model.predict(X_test)
    if dataset.is_classification:
        primary = accuracy_score(y_test, predicted)
        error = 1 - primary
    else:
        primary = r2_score(y_test, predicted)
        error = root_mean_squared_error(y_test, predicted)
    return dict(
        dataset=dataset.name,
        split=seed,
        variant=variant,
        primary=float(primary),
        error=float(error),
        fit_s=seconds,
    )


def summarize(records, variants):
    by_key = {(r["dataset"], r["split"], r["variant"]): r for r in records}
    keys = sorted({(r["dataset"], r["split"]) for r in records})
    for key in keys:  # normalised error over the variants
        errors = [by_key[(*key, v)]["error"] for v in variants]
        low, high = min(errors), max(errors)
        for v in variants:
            r = by_key[(*key, v)]
            r["norm_error"] = 0.0 if high == low else (r["error"] - low) / (high - low)
    datasets = sorted({d for d, _ in keys})
    print(
        f"\n{'variant':22s} {'change (pts)':>12s} {'better':>6s} {'worse':>6s} "
        f"{'norm err':>8s} {'fit s':>8s}  what"
    )
    for v in variants:
        deltas, better, worse = [], 0, 0
        for d in datasets:
            splits = [s for dd, s in keys if dd == d]
            mean = statistics.fmean(by_key[(d, s, v)]["primary"] for s in splits)
            ref = statistics.fmean(by_key[(d, s, "full")]["primary"] for s in splits)
            deltas.append(100 * (mean - ref))
            better += mean - ref > TIE
            worse += ref - mean > TIE
        norm = statistics.fmean(by_key[(*k, v)]["norm_error"] for k in keys)
        fit = sum(by_key[(*k, v)]["fit_s"] for k in keys)
        print(
            f"{v:22s} {statistics.fmean(deltas):+12.2f} {better:6d} {worse:6d} "
            f"{norm:8.3f} {fit:8.1f}  {VARIANTS[v][2]}"
        )


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--variants", nargs="+", default=list(VARIANTS))
    parser.add_argument("--datasets", nargs="+", default=None)
    parser.add_argument(
        "--suite", choices=["generated", "real", "all"], default="real"
    )
    parser.add_argument("--splits", type=int, default=1)
    parser.add_argument("--max-rows", type=int, default=None)
    parser.add_argument("--threads", type=int, default=1)
    parser.add_argument("--json", default=None)
    args = parser.parse_args()
    variants = ["full"] + [v for v in args.variants if v != "full"]
    print("\n".join(machine_lines()))
    print(f"splits: {args.splits}, max rows: {args.max_rows}, threads: {args.threads}")
    records = []
    with threadpool_limits(args.threads):
        names = args.datasets or suite.available_names(args.suite)
        for dataset in suite.build(names, args.max_rows):
            for seed in range(args.splits):
                train, test = suite.split_rows(dataset, seed)
                row = []
                for v in variants:
                    records.append(fit_one(dataset, train, test, v, seed))
                    row.append(f"{v} {records[-1]['primary']:.4f}")
                print(
                    f"{dataset.name:14s} split {seed}: " + " | ".join(row), flush=True
                )
    summarize(records, variants)
    if args.json:
        with open(args.json, "w") as f:
            json.dump(records, f, indent=1)


if __name__ == "__main__":
    main()
