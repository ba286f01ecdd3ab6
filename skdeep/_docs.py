"""Parameter and attribute documentation shared by both estimators."""

COMMON_PARAMETERS = """\
hidden_layer_sizes : array-like of shape (n_layers - 2,), default=(100,)
        The ith element is the number of units in the ith hidden layer.

    activation : {'identity', 'logistic', 'tanh', 'relu'}, default='relu'
        Activation of the hidden layers: ``f(x) = x``, ``1 / (1 + exp(-x))``,
        ``tanh(x)`` or ``max(0, x)``.

    solver : {'lbfgs', 'sgd', 'adam'}, default='adam'
        Weight optimizer: L-BFGS-B (full batch, via ``scipy.optimize``),
        mini-batch SGD with momentum, or Adam.

    alpha : float, default=0.0001
        Strength of the L2 penalty ``alpha / 2 * ||W||^2`` on the weights (not
        the biases), divided by the (weighted) number of samples in the batch.

    batch_size : int, default='auto'
        Mini-batch size of the stochastic solvers; ``'auto'`` means
        ``min(200, n_samples)``. Ignored by 'lbfgs'.

    learning_rate : {'constant', 'invscaling', 'adaptive'}, default='constant'
        Step-size schedule of 'sgd': constant; ``learning_rate_init /
        (t + 1) ** power_t`` with ``t`` the samples seen; or divided by 5 each
        time ``n_iter_no_change`` epochs fail to improve by ``tol``.

    learning_rate_init : float, default=0.001
        Initial step size of 'sgd' and 'adam'.

    power_t : float, default=0.5
        Exponent of the 'invscaling' schedule.

    max_iter : int, default=200
        Maximum number of epochs (stochastic solvers) or iterations ('lbfgs').

    shuffle : bool, default=True
        Whether to shuffle the samples before each epoch.

    random_state : int, RandomState instance or None, default=None
        Seeds the one ``numpy.random.Generator`` that draws the initial
        weights, the shuffling and the validation split. Pass an int for
        reproducible results.

    tol : float, default=1e-4
        Minimum improvement of the loss or validation score; for 'lbfgs', the
        gradient tolerance.

    verbose : bool or int, default=False
        Print the loss (and validation score) after each epoch.

    warm_start : bool, default=False
        Reuse the previous solution as the starting point of ``fit``.

    momentum : float, default=0.9
        Momentum of 'sgd', in [0, 1].

    nesterovs_momentum : bool, default=True
        Whether 'sgd' uses Nesterov's momentum.

    early_stopping : bool, default=False
        Hold out ``validation_fraction`` of the training data (stratified for
        classification), stop when its score has not improved by ``tol`` for
        ``n_iter_no_change`` epochs, and restore the weights of the best
        epoch. Data too small to split trains without a validation set, with
        a warning. Has no effect in ``partial_fit``.

    validation_fraction : float, default=0.1
        Fraction of the training data held out for early stopping.

    beta_1 : float, default=0.9
        Decay rate of Adam's first-moment estimate, in [0, 1).

    beta_2 : float, default=0.999
        Decay rate of Adam's second-moment estimate, in [0, 1).

    epsilon : float, default=1e-8
        Numerical stability term of Adam.

    n_iter_no_change : int, default=10
        Number of epochs without improvement tolerated (stochastic solvers).

    max_fun : int, default=15000
        Maximum number of loss evaluations of 'lbfgs'."""

COMMON_ATTRIBUTES = """\
loss_ : float
        Loss (with the L2 penalty) of the last epoch or of the final 'lbfgs'
        iterate.

    best_loss_ : float or None
        Minimum training loss reached (stochastic solvers without early
        stopping; None with early stopping).

    loss_curve_ : list of float
        Training loss of every epoch (stochastic solvers).

    validation_scores_ : list of float or None
        Validation score of every epoch with early stopping, else None.

    best_validation_score_ : float or None
        Best validation score with early stopping, else None.

    t_ : int
        Number of training samples seen by the stochastic solver.

    coefs_ : list of ndarray of shape (n_in, n_out)
        Weight matrix of each layer (views of the fitted parameters).

    intercepts_ : list of ndarray of shape (n_out,)
        Bias vector of each layer.

    n_features_in_ : int
        Number of features seen during fit.

    feature_names_in_ : ndarray of shape (n_features_in_,)
        Names of features seen during fit (only when X has string column
        names).

    n_iter_ : int
        Number of epochs (or 'lbfgs' iterations) run by the last fit.

    n_layers_ : int
        Number of layers, input and output included.

    n_outputs_ : int
        Number of output units."""


def fill_doc(cls):
    """Substitute the shared sections into ``cls.__doc__``."""
    cls.__doc__ = cls.__doc__.format(
        parameters=COMMON_PARAMETERS, attributes=COMMON_ATTRIBUTES
    )
    return cls
