"""5-fold accuracy at default settings: skdeep vs scikit-learn's MLPClassifier.

Both estimators sit in a StandardScaler pipeline and see the same stratified
folds; each is run with several random_state values and the mean over seeds
and folds is reported, with the per-seed means.

Usage: python benchmarks/bench_accuracy.py [--seeds 0 1 2]
"""

import argparse
import time
import warnings

import numpy as np
from sklearn.datasets import load_breast_cancer, load_digits, load_wine
from sklearn.exceptions import ConvergenceWarning
from sklearn.model_selection import StratifiedKFold, cross_val_score
from sklearn.neural_network import MLPClassifier as SkMLPClassifier
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

from skdeep import MLPClassifier

DATASETS = {
    "digits": load_digits,
    "breast_cancer": load_breast_cancer,
    "wine": load_wine,
}


def cv_accuracy(estimator, X, y):
    """Mean 5-fold accuracy of ``estimator`` on fixed stratified folds."""
    folds = StratifiedKFold(n_splits=5, shuffle=True, random_state=0)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        return cross_val_score(
            make_pipeline(StandardScaler(), estimator), X, y, cv=folds
        ).mean()


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", type=int, nargs="+", default=[0, 1, 2])
    seeds = parser.parse_args().seeds
    print(
        f"{'dataset':<14}{'skdeep':>9}{'sklearn':>9}{'diff':>8}   per seed "
        "(skdeep/sklearn)"
    )
    for name, load in DATASETS.items():
        X, y = load(return_X_y=True)
        ours, theirs = [], []
        start = time.perf_counter()
        for seed in seeds:
            ours.append(cv_accuracy(MLPClassifier(random_state=seed), X, y))
            theirs.append(cv_accuracy(SkMLPClassifier(random_state=seed), X, y))
        per_seed = " ".join(f"{a:.4f}/{b:.4f}" for a, b in zip(ours, theirs))
        print(
            f"{name:<14}{np.mean(ours):>9.4f}{np.mean(theirs):>9.4f}"
            f"{np.mean(ours) - np.mean(theirs):>+8.4f}   {per_seed}"
            f"  ({time.perf_counter() - start:.0f}s)"
        )


if __name__ == "__main__":
    main()
