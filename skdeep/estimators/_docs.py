"""Parameter and attribute documentation shared by the estimators: the
MLPs' (:func:`fill_doc`) and the tabular estimators' (:func:`fill_tabular_doc`)."""

COMMON_PARAMETERS = """\
hidden_layer_sizes : array-like of shape (n_layers - 2,), default=(100,)
        The ith element is the number of units in the ith hidden layer.

    activation : {'identity', 'logistic', 'tanh', 'relu', 'leaky_relu', 'elu', \
'gelu', 'silu'}, default='relu'
        Activation of the hidden layers: ``x``, ``1 / (1 + exp(-x))``,
        ``tanh(x)``, ``max(0, x)``, ``max(0.01 x, x)``, ``x if x > 0 else
        exp(x) - 1``, ``x * Phi(x)`` (exact GELU) or ``x * sigmoid(x)``.

    solver : {'lbfgs', 'sgd', 'adam', 'adagrad', 'rmsprop'}, default='adam'
        Weight optimizer: L-BFGS-B (full batch, via ``scipy.optimize``),
        mini-batch SGD with momentum, Adam, AdaGrad (steps divided by the
        root of the summed squared gradients; it usually wants
        ``learning_rate_init`` around 0.01 to 0.1) or RMSProp (divided by the
        root of their moving average, decay ``rho``).

    alpha : float, default=0.0001
        Strength of the L2 penalty ``alpha / 2 * ||W||^2`` on the weights (not
        the biases), divided by the (weighted) number of samples in the batch.

    batch_size : int, default='auto'
        Mini-batch size of the stochastic solvers; ``'auto'`` means
        ``min(200, n_samples)``. Ignored by 'lbfgs'.

    learning_rate : {'constant', 'invscaling', 'adaptive', 'plateau'}, \
default='constant'
        Step-size schedule. 'invscaling' and 'adaptive' act on 'sgd' only, as
        in scikit-learn: ``learning_rate_init / (t + 1) ** power_t`` with
        ``t`` the samples seen, or divided by 5 each time more than
        ``n_iter_no_change`` epochs fail to improve the training loss (the
        validation score with early stopping) by ``tol``, training stopping
        once the rate is at most 1e-6. 'plateau' works with every
        stochastic solver: the rate is divided by ``plateau_factor`` each
        time more than
        ``plateau_patience`` epochs fail to improve the validation score
        (with early stopping) or the training loss by ``tol``. The rate of
        every epoch is recorded in ``learning_rate_curve_``.

    learning_rate_init : float, default=0.001
        Initial step size of every stochastic solver ('sgd', 'adam',
        'adagrad', 'rmsprop'); schedules change it from there. Ignored by
        'lbfgs'.

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
        Print ``Iteration N, loss = ...`` after each epoch (and ``Validation
        score: ...`` with early stopping) or, with 'lbfgs', after each L-BFGS
        iteration.

    warm_start : bool, default=False
        Reuse the previous solution as the starting point of ``fit``.

    momentum : float, default=0.9
        Momentum of 'sgd', in [0, 1].

    nesterovs_momentum : bool, default=True
        Whether 'sgd' uses Nesterov's momentum.

    early_stopping : bool, default=False
        Hold out ``validation_fraction`` of the training data (stratified by
        class for classification), stop when its score has not improved by
        ``tol`` for ``n_iter_no_change`` epochs, and restore the weights of
        the best epoch. With an int ``random_state`` every fit (warm starts
        included) validates on the same rows; scores are compared only within
        one validation set. A validation set of fewer than 2 rows raises a
        ValueError, and so does ``partial_fit`` (as in scikit-learn).

    validation_fraction : float, default=0.1
        Fraction of the training data held out for early stopping.

    beta_1 : float, default=0.9
        Decay rate of Adam's first-moment estimate, in [0, 1).

    beta_2 : float, default=0.999
        Decay rate of Adam's second-moment estimate, in [0, 1).

    epsilon : float, default=1e-8
        Added to the root of the second-moment estimate of 'adam', 'adagrad'
        and 'rmsprop' for numerical stability.

    n_iter_no_change : int, default=10
        Number of epochs without improvement tolerated (stochastic solvers).

    max_fun : int, default=15000
        Maximum number of loss evaluations of 'lbfgs'.

    dropout : float or array-like of float, default=0.0
        Probability of dropping each hidden unit during training, in [0, 1):
        one value for all hidden layers or one per hidden layer. A fresh
        mask is drawn per example and unit at every training pass (inverted
        dropout, so prediction is deterministic and needs no rescaling).
        Requires a stochastic solver.

    batch_norm : bool, default=False
        Normalize each hidden layer's pre-activations with the (sample-
        weighted) mini-batch mean and variance, then scale and shift them by
        learned ``gamma`` and ``beta`` (which replace the layer's bias).

    batch_norm_stats : {'running', 'full'}, default='running'
        Statistics used at prediction: running averages kept during training
        (a full batch moves them by 0.1, a shorter one by its share, so a
        short last batch does not bias them), or the population moments from
        one pass over the training data at the end of ``fit``. 'lbfgs' always
        uses the full pass; ``partial_fit`` refuses 'full' (it never sees the
        whole training set).

    weight_init : {'glorot_uniform', 'glorot_normal', 'he_uniform', \
'he_normal'}, default='glorot_uniform'
        Weight initializer. 'glorot_uniform' is scikit-learn's: weights and
        biases from ``U(-b, b)``, ``b = sqrt(6 / (fan_in + fan_out))``
        (``sqrt(2 / ...)`` for logistic units). With the others, biases
        start at zero.

    rho : float, default=0.9
        Decay rate of RMSProp's moving average of squared gradients.

    plateau_factor : float, default=2.0
        Divisor of the learning rate of the 'plateau' schedule (> 1).

    plateau_patience : int, default=5
        Number of non-improving epochs tolerated by the 'plateau' schedule.

    dtype : {None, 'float32', 'float64'}, default=None
        Floating point type of the weights and of every computation. None
        follows the training input (float32 stays float32, anything else is
        float64). 'float32' on float64 input converts the data once and
        trains in single precision, usually much faster (see
        docs/benchmarks.md). Parameters, optimizer state and predictions
        keep this type; prediction inputs are converted to it.

    progress_bar : {'auto'} or bool, default='auto'
        Show a progress bar over the epochs (and over the batches of slow
        epochs) of the stochastic solvers, drawn with tqdm (``pip install
        'scikit-deep[progress]'``). 'auto' shows it when tqdm is installed and the
        output is watched (a terminal or a Jupyter kernel) in the main
        process, and stays silent otherwise; True always shows it (and needs
        tqdm); False never does.

    device : str or None, default=None
        Where training runs. None: NumPy on the host (with a compiled
        optimizer step when numba is installed, ``pip install
        'scikit-deep[fast]'``). A torch device string (``'cuda'``, ``'cuda:1'``,
        ``'mps'``, ``'cpu'``): torch on that device (``pip install
        'scikit-deep[torch]'``); the data move there once per fit, batches and
        dropout masks are drawn from the same seeded generator as with
        NumPy, and the fitted attributes are NumPy arrays, so the model
        pickles and predicts without torch. Prediction runs on the device
        when it is available, else with NumPy. Sparse input is densified on
        a device.

    pretraining : {None, 'autoencoder'}, default=None
        'autoencoder': greedy layer-wise unsupervised pre-training before
        the supervised training. Hidden layer k is trained as a denoising
        autoencoder with tied weights (an :class:`Autoencoder` of one layer
        with this estimator's activation, solver, learning rate, batch size,
        alpha and device) on the codes of layer k-1, the inputs for the
        first; its reconstruction loss is the cross-entropy where its inputs
        lie in [0, 1] (logistic codes, or X scaled so), else the squared
        error. Its encoder then initializes the layer, and training goes on
        with all the layers and the targets. Pre-training uses every row of
        ``X``, the rows marked ``unlabeled`` included. It runs when the
        network is initialized (``fit``, or the first ``partial_fit``
        call); a warm start keeps the trained weights. Needs dense ``X`` and
        ``batch_norm=False``.

    pretraining_max_iter : int, default=10
        Epochs of pre-training per hidden layer (all of them are run).

    pretraining_corruption : float, default=0.2
        Fraction of each pre-trained layer's inputs set to 0 at each
        presentation (masking noise, in [0, 1)); 0 pre-trains plain
        autoencoders.

    unlabeled : object, default=None
        The target value that marks a row without a target, e.g. -1
        (scikit-learn's semi-supervised convention, as in
        SelfTrainingClassifier) or ``np.nan``: such rows serve pre-training
        only and are left out of the supervised training (and of
        ``class_weight``'s counts). For several targets, a row is unlabeled
        when all its targets are. None: every row has a target, and -1 is
        an ordinary label."""

COMMON_ATTRIBUTES = """\
loss_ : float
        Loss (with the L2 penalty) of the last epoch (its mean over the
        epoch's batches, as in scikit-learn) or of the final 'lbfgs' iterate.
        After divergence, the loss of the epoch whose weights were kept.

    best_loss_ : float or None
        Minimum training loss reached (stochastic solvers without early
        stopping; None with early stopping).

    loss_curve_ : list of float
        Training loss of every epoch (stochastic solvers).

    validation_scores_ : list of float or None
        Validation score of every epoch with early stopping, else None.

    best_validation_score_ : float or None
        Best validation score with early stopping, else None.

    learning_rate_curve_ : list of float
        Learning rate in effect during each epoch (stochastic solvers).

    batch_norm_params_ : list of dict
        With ``batch_norm=True``: per hidden layer, views of ``gamma``,
        ``beta``, ``running_mean`` and ``running_var``.

    t_ : int
        Number of training samples seen by the stochastic solver.

    coefs_ : list of ndarray of shape (n_in, n_out)
        Weight matrix of each layer (views of the fitted parameters).
        Assignable: a list of arrays of the same shapes replaces the weights.

    intercepts_ : list of ndarray of shape (n_out,)
        Bias vector of each layer (views; assignable like ``coefs_``). With
        ``batch_norm=True`` the normalized hidden layers have no bias: their
        entries are read-only zeros.

    n_features_in_ : int
        Number of features seen during fit.

    feature_names_in_ : ndarray of shape (`n_features_in_`,)
        Names of features seen during fit (only when X has string column
        names).

    n_iter_ : int
        Number of epochs (or 'lbfgs' iterations) run by the last fit.

    n_layers_ : int
        Number of layers, input and output included.

    n_outputs_ : int
        Number of output units.

    pretraining_loss_curves_ : list of list of float
        With ``pretraining='autoencoder'``: per hidden layer, the
        reconstruction loss of every pre-training epoch."""


def fill_doc(cls):
    """Substitute the shared sections into ``cls.__doc__``."""
    cls.__doc__ = cls.__doc__.format(
        parameters=COMMON_PARAMETERS, attributes=COMMON_ATTRIBUTES
    )
    return cls


TABULAR_PARAMETERS = """\
hidden_layer_sizes : array-like of shape (n_layers,), default=(256, 256, 256)
        Widths of the hidden layers.

    activation : {'silu', 'relu', 'gelu', 'elu', 'tanh', 'leaky_relu'}, \
default='silu'
        Base ``g`` of the parametric activations ``x + a (g(x) - x)``, one
        learned ``a`` per unit (starting at 1: ``g``).

    numerical_embedding : {'periodic', 'piecewise_linear'} or None, \
default='periodic'
        'periodic': each continuous feature enters as itself and
        ``embedding_size`` ReLU units of a learned linear map of
        ``cos(2 pi (c x + b))`` for ``n_frequencies`` learned frequencies
        ``c`` (initialized with standard deviation ``frequency_scale``).
        'piecewise_linear': as itself and ``embedding_size`` outputs of a
        learned linear map of its piecewise-linear encoding over ``n_bins``
        quantile bins of the training rows. None: the scaled feature only.

    n_frequencies : int, default=16
        Frequencies per continuous feature.

    frequency_scale : float, default=0.1
        Standard deviation of the initial frequencies, on the scale of the
        preprocessed features (robust-scaled, smoothly clipped to (-3, 3)).

    n_bins : int, default=16
        Quantile bins of each continuous feature's piecewise-linear
        embedding (fewer where the feature has fewer distinct values).

    embedding_size : int, default=8
        Outputs of each continuous feature's embedding.

    n_heads : int, default=1
        Members of a parameter-efficient ensemble (TabM's, in BatchEnsemble
        form): the members share every hidden layer, each scales the input
        by its own learned factors (starting as random signs) and has an
        output head of its own; training minimizes the mean of their losses
        and predictions average their probabilities (classifier) or outputs
        (regressor). 1: a single network. Fit and prediction cost grow
        about linearly with the members (see the user guide's "Neural
        networks on tables").

    max_onehot : int, default=256
        Categorical columns with at most this many categories (missing
        counted as one) are one-hot encoded; others get learned embeddings.

    smooth_clip : bool, default=True
        Bound the robust-scaled numeric features smoothly with
        ``x / sqrt(1 + (x / 3)^2)``.

    dropout : float, default=0.15
        Dropout rate after every hidden layer (at the start of training;
        with ``schedules=True`` it decays to 0 along a cosine).

    alpha : float, default=0.0
        L2 penalty (weight decay) on the weights (at the start of training;
        with ``schedules=True`` it decays like the dropout rate).

    batch_size : int, default=256
        Rows per mini-batch (clipped to the number of rows).

    learning_rate_init : float, default=0.002
        Peak learning rate of Adam.

    max_iter : 'auto' or int, default='auto'
        The budget in epochs, over which the schedules run. 'auto': about
        2,000 optimizer steps, between 16 and 256 epochs. With a validation
        split, training stops once a quarter of the budget (of its epochs
        and of 2,000 steps, whichever is longer) has brought no better
        validation score; without one, every epoch runs.

    schedules : bool, default=True
        Follow the recipe's schedules over the epoch budget: the learning
        rate warms up then decays along a cosine; dropout and weight decay
        decay to 0. False: all three constant.

    validation_fraction : float, default=0.2
        Fraction of the rows held out (stratified for classification) to
        choose the best epoch; the preprocessing is fitted on the other
        rows. 0: no validation, every row trains and the last epoch's
        weights are kept.

    refit : bool, default=True
        After choosing the best epoch ``e`` on the validation rows, fit the
        preprocessing and a new network on every row for ``e`` epochs (the
        schedules over those epochs) and keep the last: no row is wasted.
        False: keep the best epoch's weights, trained without the
        validation rows. ``history_`` records both runs, the refit's epochs
        last (without validation).

    beta_1 : float, default=0.9
        Adam's decay rate of the first moment.

    beta_2 : float, default=0.95
        Adam's decay rate of the second moment (lower than Adam's usual
        0.999: the steps follow the gradients' scale faster).

    epsilon : float, default=1e-8
        Adam's numerical stability constant.

    random_state : int, RandomState instance or None, default=None
        Seeds the weights, the shuffling, the dropout masks and the
        validation split.

    verbose : bool, default=False
        Print one row per epoch.

    dtype : {'float32', 'float64'}, default='float32'
        Floating point type of the preprocessed features and of training.
        Predictions run in float64 (a float64 copy of the weights), so that
        a row's prediction does not depend on the other rows of the call.

    progress_bar : {'auto'} or bool, default='auto'
        As in :class:`MLPClassifier`.

    device : str or None, default=None
        As in :class:`MLPClassifier`."""

TABULAR_ATTRIBUTES = """\
preprocessor_ : TabularPreprocessor
        The fitted preprocessing of the columns.

    n_features_in_ : int
        Number of columns seen during fit.

    feature_names_in_ : ndarray of shape (`n_features_in_`,)
        Names of the columns seen during fit (only when X has string column
        names).

    n_iter_ : int
        Number of epochs run.

    loss_, loss_curve_, history_, validation_scores_, \
best_validation_score_, learning_rate_curve_, t_ : \
float, list, list, list or None, float or None, list, int
        As in :class:`MLPClassifier`.

    n_layers_ : int
        Number of layers of the MLP part, input and output included.

    n_outputs_ : int
        Number of output units."""


def fill_tabular_doc(cls):
    """Substitute the tabular estimators' shared sections into
    ``cls.__doc__``."""
    cls.__doc__ = cls.__doc__.format(
        parameters=TABULAR_PARAMETERS, attributes=TABULAR_ATTRIBUTES
    )
    return cls
