"""Numerical parity with scikit-learn's MLP: the drop-in promise, to 1e-12.

Both libraries start from the same weights (assigned through ``coefs_`` and
``intercepts_`` after a first ``fit`` that builds the model) and run one
epoch of mini-batches without shuffling, with ``warm_start=True`` so that the
second ``fit`` keeps the assigned weights and creates a fresh optimizer. The
resulting weights and ``loss_`` must agree with scikit-learn's to 1e-12
(absolute, float64) for Adam and Nesterov SGD, for softmax, logistic and
identity outputs, with and without sample weights, with an L2 penalty and a
short last batch. A two-epoch Adam variant checks that the optimizer state
carries over between epochs in the same way.

Run with ``pytest tests/test_parity.py -q -s`` to see the differences.
"""

import warnings

import numpy as np
import pytest
import sklearn.neural_network as sk
from sklearn.exceptions import ConvergenceWarning

import skdeep

TOL = 1e-12
N_SAMPLES = 53  # not a multiple of BATCH_SIZE: 6 batches, the last of 3 rows
BATCH_SIZE = 10
N_FEATURES = 4
HIDDEN = (7, 5)

SOLVERS = {
    "adam": dict(solver="adam", learning_rate_init=0.01),
    "sgd": dict(
        solver="sgd",
        learning_rate_init=0.05,
        momentum=0.9,
        nesterovs_momentum=True,
    ),
}
OUTPUTS = ("softmax", "logistic", "regression")

# (solver, output, sample_weight, activation, alpha, epochs)
CASES = [
    (solver, output, weighted, "relu", alpha, 1)
    for solver, alpha in (("adam", 0.01), ("sgd", 0.1))
    for output in OUTPUTS
    for weighted in (False, True)
]
CASES += [
    ("adam", "softmax", True, "tanh", 0.01, 1),
    ("sgd", "regression", True, "logistic", 0.1, 1),
]
CASES += [
    ("adam", output, weighted, "relu", 0.01, 2)
    for output in OUTPUTS
    for weighted in (False, True)
]


def _case_id(case):
    solver, output, weighted, activation, alpha, epochs = case
    sw = "sw" if weighted else "nosw"
    return f"{solver}-{output}-{sw}-{activation}-alpha{alpha}-{epochs}ep"


def _data(output, seed=0):
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(N_SAMPLES, N_FEATURES))
    X = (X - X.mean(axis=0)) / X.std(axis=0)
    if output == "softmax":
        y = np.arange(N_SAMPLES) % 3
        rng.shuffle(y)
    elif output == "logistic":
        y = (X[:, 0] + 0.5 * rng.normal(size=N_SAMPLES) > 0).astype(int)
    else:
        y = X @ rng.normal(size=N_FEATURES) + 0.1 * rng.normal(size=N_SAMPLES)
    sample_weight = rng.uniform(0.2, 3.0, size=N_SAMPLES)
    return X, y, sample_weight


def _starting_weights(n_outputs, seed=1):
    rng = np.random.default_rng(seed)
    units = [N_FEATURES, *HIDDEN, n_outputs]
    W0 = [rng.uniform(-0.5, 0.5, size=shape) for shape in zip(units, units[1:])]
    b0 = [rng.uniform(-0.5, 0.5, size=n) for n in units[1:]]
    return W0, b0


def _fit_from(module, case, X, y, sample_weight, W0, b0):
    """Build the model with one fit, assign ``W0, b0``, fit again."""
    solver, output, weighted, activation, alpha, epochs = case
    cls = module.MLPRegressor if output == "regression" else module.MLPClassifier
    est = cls(
        hidden_layer_sizes=HIDDEN,
        activation=activation,
        alpha=alpha,
        batch_size=BATCH_SIZE,
        learning_rate="constant",
        max_iter=1,
        warm_start=True,
        shuffle=False,
        random_state=0,
        **SOLVERS[solver],
    )
    fit_kw = {"sample_weight": sample_weight} if weighted else {}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        est.fit(X, y, **fit_kw)
        est.coefs_ = [W.copy() for W in W0]
        est.intercepts_ = [b.copy() for b in b0]
        for got, want in zip(est.coefs_, W0):
            np.testing.assert_array_equal(got, want)
        for got, want in zip(est.intercepts_, b0):
            np.testing.assert_array_equal(got, want)
        est.set_params(max_iter=epochs)
        est.fit(X, y, **fit_kw)
    return est


def _differences(case):
    """Run ``case`` in both libraries; return (weight diff, loss diff)."""
    solver, output, weighted, activation, alpha, epochs = case
    X, y, sample_weight = _data(output)
    n_outputs = 3 if output == "softmax" else 1
    W0, b0 = _starting_weights(n_outputs)
    ours = _fit_from(skdeep, case, X, y, sample_weight, W0, b0)
    theirs = _fit_from(sk, case, X, y, sample_weight, W0, b0)

    assert ours.out_activation_ == theirs.out_activation_
    expected_link = "identity" if output == "regression" else output
    assert theirs.out_activation_ == expected_link
    assert ours.n_iter_ == theirs.n_iter_ == epochs
    # t_ counts the samples of both fits (the first one built the model)
    assert ours.t_ == theirs.t_ == (1 + epochs) * N_SAMPLES
    assert len(ours.coefs_) == len(theirs.coefs_) == len(W0)
    assert len(ours.intercepts_) == len(theirs.intercepts_) == len(b0)

    ours_arrays = [*ours.coefs_, *ours.intercepts_]
    theirs_arrays = [*theirs.coefs_, *theirs.intercepts_]
    weight_diff = 0.0
    for a, b, start in zip(ours_arrays, theirs_arrays, [*W0, *b0]):
        assert a.shape == b.shape == start.shape
        assert a.dtype == b.dtype == np.float64
        weight_diff = max(weight_diff, float(np.max(np.abs(a - b))))
    # not vacuous: training moved every array away from the start
    for a, b, start in zip(ours_arrays, theirs_arrays, [*W0, *b0]):
        assert np.max(np.abs(a - start)) > 1e-4
        assert np.max(np.abs(b - start)) > 1e-4
    loss_diff = abs(float(ours.loss_) - float(theirs.loss_))
    assert np.isfinite(theirs.loss_) and theirs.loss_ > 0
    return weight_diff, loss_diff


@pytest.mark.parametrize("case", CASES, ids=_case_id)
def test_parity_with_sklearn(case):
    weight_diff, loss_diff = _differences(case)
    print(
        f"\n{_case_id(case)}: max |dW| = {weight_diff:.3e}, |d loss_| = {loss_diff:.3e}"
    )
    assert weight_diff <= TOL, f"weights differ by {weight_diff:.3e}"
    assert loss_diff <= TOL, f"loss_ differs by {loss_diff:.3e}"


def test_largest_difference_over_all_cases():
    """The worst case over all of CASES (recomputed: this test stands alone)."""
    results = {_case_id(case): _differences(case) for case in CASES}
    worst_weights = max(results.items(), key=lambda item: item[1][0])
    worst_loss = max(results.items(), key=lambda item: item[1][1])
    print(
        f"\nlargest weight difference over {len(CASES)} cases: "
        f"{worst_weights[1][0]:.3e} ({worst_weights[0]})"
        f"\nlargest loss_ difference over {len(CASES)} cases: "
        f"{worst_loss[1][1]:.3e} ({worst_loss[0]})"
    )
    assert worst_weights[1][0] <= TOL
    assert worst_loss[1][1] <= TOL
