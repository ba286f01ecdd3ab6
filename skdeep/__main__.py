"""Demo: ``python -m skdeep`` trains on scikit-learn's digits data.

skdeep's MLPClassifier and scikit-learn's, each at default settings but for
early stopping (``early_stopping=True``), in a StandardScaler pipeline, on
the same held-out split. skdeep's training is shown epoch by epoch
(``verbose=True``: loss, validation loss and score, learning rate, seconds,
best epoch marked); then accuracy, fit time and epochs of both, side by
side; and, when matplotlib is installed, skdeep's training curves are saved
to a PNG file (``--figure`` to choose where).
"""

import argparse
import time
import warnings

from sklearn.datasets import load_digits
from sklearn.exceptions import ConvergenceWarning
from sklearn.model_selection import train_test_split
from sklearn.neural_network import MLPClassifier as SklearnMLPClassifier
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

from skdeep import MLPClassifier, TrainingHistoryDisplay, __version__


def _run(estimator, X_train, X_test, y_train, y_test):
    model = make_pipeline(StandardScaler(), estimator)
    start = time.perf_counter()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        model.fit(X_train, y_train)
    seconds = time.perf_counter() - start
    return model.score(X_test, y_test), seconds, model[-1].n_iter_


def _save_figure(estimator, path):
    """Save the training curves of ``estimator`` to ``path`` if matplotlib
    is installed; return a sentence saying what happened."""
    try:
        import matplotlib
    except ImportError:
        return "Install matplotlib (pip install 'scikit-deep[plot]') for the figure."
    matplotlib.use("Agg")
    display = TrainingHistoryDisplay.from_estimator(estimator)
    display.figure_.savefig(path, dpi=100, bbox_inches="tight")
    return f"Training curves saved to {path}"


def main(argv=None):
    """Fit both classifiers on digits and print the comparison."""
    parser = argparse.ArgumentParser(prog="python -m skdeep", description=__doc__)
    parser.add_argument(
        "--figure",
        default="skdeep-training-curves.png",
        help="where to save skdeep's training curves (default: %(default)s)",
    )
    args = parser.parse_args(argv)
    X, y = load_digits(return_X_y=True)
    split = train_test_split(X, y, test_size=0.25, stratify=y, random_state=0)
    print(
        f"digits: {X.shape[0]} samples, {X.shape[1]} features, "
        f"{len(set(y))} classes; held-out {len(split[1])} samples\n"
    )
    ours = MLPClassifier(
        early_stopping=True, random_state=0, verbose=True, progress_bar=False
    )
    print(
        f"skdeep {__version__} MLPClassifier, epoch by epoch. Each row: the "
        "training loss; the loss\nand accuracy ('valid score') on the 10% of "
        "the training rows held out for early\nstopping; the learning rate; "
        "the epoch's seconds; '*' marks the best validation\nscore so far, "
        "whose weights are kept at the end.\n"
    )
    results = [("skdeep MLPClassifier", *_run(ours, *split))]
    theirs = SklearnMLPClassifier(early_stopping=True, random_state=0)
    results.append(("sklearn MLPClassifier", *_run(theirs, *split)))
    print(
        "\nBoth on the held-out digits (accuracy), with their fit times and "
        "epochs run:"
    )
    print(f"{'model':<26}{'accuracy':>10}{'fit time':>11}{'epochs':>8}")
    for name, accuracy, seconds, epochs in results:
        print(f"{name:<26}{accuracy:>10.4f}{seconds:>10.2f}s{epochs:>8d}")
    print("\n" + _save_figure(ours, args.figure))


if __name__ == "__main__":
    main()
