"""The estimators' parameters: scikit-learn's declarative constraints, and
the checks that the constraints cannot express."""

from numbers import Integral, Real

import numpy as np
from sklearn.utils._param_validation import (
    Interval,
    InvalidParameterError,
    Options,
    StrOptions,
)

from ..recipes.mlp import ACTIVATION_NAMES, WEIGHT_INITS

__all__ = [
    "PARAMETER_CONSTRAINTS",
    "STOCHASTIC_SOLVERS",
    "check_dropout",
    "check_hidden_layer_sizes",
]

STOCHASTIC_SOLVERS = ("sgd", "adam", "adagrad", "rmsprop")

# The constructor parameters of the MLPs, for scikit-learn's parameter
# validation (``_fit_context``); the other estimators take theirs from here.
PARAMETER_CONSTRAINTS = {
    "hidden_layer_sizes": [
        "array-like",
        Interval(Integral, 1, None, closed="left"),
    ],
    "activation": [StrOptions(set(ACTIVATION_NAMES))],
    "solver": [StrOptions({"lbfgs", *STOCHASTIC_SOLVERS})],
    "alpha": [Interval(Real, 0, None, closed="left")],
    "batch_size": [
        StrOptions({"auto"}),
        Interval(Integral, 1, None, closed="left"),
    ],
    "learning_rate": [StrOptions({"constant", "invscaling", "adaptive", "plateau"})],
    "learning_rate_init": [Interval(Real, 0, None, closed="neither")],
    "power_t": [Interval(Real, 0, None, closed="left")],
    "max_iter": [Interval(Integral, 1, None, closed="left")],
    "shuffle": ["boolean"],
    "random_state": ["random_state"],
    "tol": [Interval(Real, 0, None, closed="left")],
    "verbose": ["verbose"],
    "warm_start": ["boolean"],
    "momentum": [Interval(Real, 0, 1, closed="both")],
    "nesterovs_momentum": ["boolean"],
    "early_stopping": ["boolean"],
    "validation_fraction": [Interval(Real, 0, 1, closed="left")],
    "beta_1": [Interval(Real, 0, 1, closed="left")],
    "beta_2": [Interval(Real, 0, 1, closed="left")],
    "epsilon": [Interval(Real, 0, None, closed="neither")],
    "n_iter_no_change": [
        Interval(Integral, 1, None, closed="left"),
        Options(Real, {np.inf}),
    ],
    "max_fun": [Interval(Integral, 1, None, closed="left")],
    "dropout": [Interval(Real, 0, 1, closed="left"), "array-like"],
    "batch_norm": ["boolean"],
    "batch_norm_stats": [StrOptions({"running", "full"})],
    "weight_init": [StrOptions(set(WEIGHT_INITS))],
    "rho": [Interval(Real, 0, 1, closed="left")],
    "plateau_factor": [Interval(Real, 1, None, closed="neither")],
    "plateau_patience": [Interval(Integral, 0, None, closed="left")],
    "dtype": [
        None,
        StrOptions({"float32", "float64"}),
        Options(type, {np.float32, np.float64}),
    ],
    "progress_bar": [StrOptions({"auto"}), "boolean"],
    "device": [None, str],
    "pretraining": [None, StrOptions({"autoencoder"})],
    "pretraining_max_iter": [Interval(Integral, 1, None, closed="left")],
    "pretraining_corruption": [Interval(Real, 0, 1, closed="left")],
    "unlabeled": "no_validation",
}


def check_hidden_layer_sizes(estimator, min_layers=0):
    """The validated ``hidden_layer_sizes`` of ``estimator``, as a list.

    An int means one hidden layer. Non-positive sizes raise scikit-learn's
    ``ValueError``; other values that are not integers raise
    ``InvalidParameterError`` (a ValueError and a TypeError).

    Parameters
    ----------
    estimator : estimator
        Its ``hidden_layer_sizes`` is checked.
    min_layers : int, default=0
        Fewest hidden layers allowed (the Autoencoder needs its code).

    Returns
    -------
    sizes : list of int
    """
    sizes = estimator.hidden_layer_sizes
    sizes = list(sizes) if hasattr(sizes, "__iter__") else [sizes]
    name = type(estimator).__name__
    invalid = InvalidParameterError(
        f"The 'hidden_layer_sizes' parameter of {name} must be an int in the "
        "range [1, inf) or an array-like of such ints. Got "
        f"{estimator.hidden_layer_sizes!r} instead."
    )
    if not all(isinstance(s, Real) for s in sizes):
        raise invalid
    if any(s <= 0 for s in sizes):  # scikit-learn's check and message
        raise ValueError("hidden_layer_sizes must be > 0, got %s." % sizes)
    if not all(isinstance(s, Integral) for s in sizes):
        raise invalid
    if len(sizes) < min_layers:
        raise ValueError(
            f"{name} needs at least {min_layers} hidden layer(s) in "
            f"hidden_layer_sizes, got {estimator.hidden_layer_sizes!r}."
        )
    return [int(s) for s in sizes]


def check_dropout(dropout, n_hidden, solver):
    """One dropout rate per hidden layer, validated.

    Parameters
    ----------
    dropout : float or array-like of float
        One rate for every hidden layer, or one per hidden layer.
    n_hidden : int
        Number of hidden layers.
    solver : str
        The solver; 'lbfgs' refuses dropout.

    Returns
    -------
    rates : tuple of float
    """
    rates = dropout
    if np.ndim(rates) == 0:
        rates = [rates] * n_hidden
    rates = [float(r) for r in rates]
    if len(rates) != n_hidden or not all(0 <= r < 1 for r in rates):
        raise ValueError(
            "dropout must be a float in [0, 1) or one such value per hidden "
            f"layer ({n_hidden}), got {dropout!r}."
        )
    if solver == "lbfgs" and any(rates):
        raise ValueError(
            "dropout needs a stochastic solver ('sgd', 'adam', 'adagrad', "
            "'rmsprop'); solver='lbfgs' requires dropout=0."
        )
    return tuple(rates)
