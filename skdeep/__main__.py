"""Demo: ``python -m skdeep`` trains on scikit-learn's digits data.

skdeep's MLPClassifier and scikit-learn's, each at default settings in a
StandardScaler pipeline, on the same held-out split: accuracy, fit time and
epochs, side by side.
"""

import time
import warnings

from sklearn.datasets import load_digits
from sklearn.exceptions import ConvergenceWarning
from sklearn.model_selection import train_test_split
from sklearn.neural_network import MLPClassifier as SklearnMLPClassifier
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

from skdeep import MLPClassifier, __version__


def _run(estimator, X_train, X_test, y_train, y_test):
    model = make_pipeline(StandardScaler(), estimator)
    start = time.perf_counter()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        model.fit(X_train, y_train)
    seconds = time.perf_counter() - start
    return model.score(X_test, y_test), seconds, model[-1].n_iter_


def main():
    """Fit both classifiers on digits and print the comparison."""
    X, y = load_digits(return_X_y=True)
    split = train_test_split(X, y, test_size=0.25, stratify=y, random_state=0)
    print(
        f"digits: {X.shape[0]} samples, {X.shape[1]} features, "
        f"{len(set(y))} classes; held-out {len(split[1])} samples"
    )
    print(f"{'model':<34}{'accuracy':>10}{'fit time':>11}{'epochs':>8}")
    for name, estimator in [
        (f"skdeep {__version__} MLPClassifier", MLPClassifier(random_state=0)),
        ("sklearn MLPClassifier", SklearnMLPClassifier(random_state=0)),
    ]:
        accuracy, seconds, epochs = _run(estimator, *split)
        print(f"{name:<34}{accuracy:>10.4f}{seconds:>10.2f}s{epochs:>8d}")


if __name__ == "__main__":
    main()
