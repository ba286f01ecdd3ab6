"""Search spaces for scikit-learn's hyperparameter searches.

:func:`param_distributions` returns the per-parameter distributions of the
classic recipe for ``RandomizedSearchCV`` and ``HalvingRandomSearchCV``
(or, with ``kind="optuna"``, the same space as ``optuna.distributions`` for
optuna's model-based ``OptunaSearchCV``); :class:`HiddenLayerSizes` is the
distribution of network shapes it uses.
"""

import warnings

from scipy.stats import loguniform, uniform

from ._hidden_layer_sizes import HiddenLayerSizes

__all__ = ["HiddenLayerSizes", "param_distributions"]

# learning_rate_init ranges, log-uniform, per solver. Adaptive solvers
# (Adam, RMSProp) divide each step by a running gradient scale, so their
# useful rates are about ten times smaller than those of plain SGD with
# momentum and of AdaGrad (whose effective rate decays as it accumulates
# squared gradients).
LEARNING_RATE_RANGES = {
    "adam": (1e-4, 1e-1),
    "rmsprop": (1e-4, 1e-1),
    "sgd": (1e-3, 3e-1),
    "adagrad": (1e-3, 3e-1),
}
ALPHA_RANGE = (1e-6, 1e-1)
DROPOUT_RANGE = (0.0, 0.5)
BATCH_SIZES = [32, 64, 128, 256]

KEYS = ("hidden_layer_sizes", "learning_rate_init", "alpha", "batch_size", "dropout")
# parameters the L-BFGS solver ignores (learning rate, batch size) or
# refuses (dropout)
STOCHASTIC_ONLY = ("learning_rate_init", "batch_size", "dropout")


def _find_mlp(estimator):
    """Return ``(path, mlp)``: the MLP in ``estimator`` and its parameter
    prefix (``""`` for the estimator itself, ``"mlpclassifier__"`` for a
    pipeline step, ``"pipeline__mlpclassifier__"`` when nested, ...)."""
    if not hasattr(estimator, "get_params"):
        raise TypeError(
            "estimator must be a scikit-learn estimator (an MLP or a pipeline "
            f"holding one), got {estimator!r}."
        )
    if _is_mlp(estimator):
        return "", estimator
    found = [
        (f"{name}__", value)
        for name, value in estimator.get_params(deep=True).items()
        if _is_mlp(value)
    ]
    if not found:
        raise ValueError(
            f"No MLP estimator (one with a 'hidden_layer_sizes' parameter) "
            f"found in {type(estimator).__name__}; pass the MLP itself, or "
            "give prefix explicitly."
        )
    if len(found) > 1:
        raise ValueError(
            "Several MLP estimators found "
            f"({', '.join(repr(p[:-2]) for p, _ in found)}); "
            "pass prefix to choose one, e.g. prefix=" + repr(found[0][0]) + "."
        )
    return found[0]


def _mlp_at(estimator, prefix):
    """The MLP that the parameter prefix ``prefix`` names in ``estimator``."""
    if not isinstance(prefix, str):
        raise TypeError(f"prefix must be a str, got {prefix!r}.")
    if prefix == "":
        target = estimator
    elif prefix.endswith("__"):
        target = estimator.get_params(deep=True).get(prefix[:-2])
    else:
        target = None
    if not _is_mlp(target):
        raise ValueError(
            f"prefix {prefix!r} does not name an MLP in "
            f"{type(estimator).__name__}: its parameters have no "
            f"{prefix + 'hidden_layer_sizes'!r}. A step's prefix is its name "
            "followed by '__'."
        )
    return target


def _is_mlp(obj):
    return (
        hasattr(obj, "get_params")
        and not isinstance(obj, type)
        and "hidden_layer_sizes" in obj.get_params(deep=False)
    )


def param_distributions(
    estimator=None,
    *,
    prefix=None,
    include=None,
    max_layers=3,
    min_units=16,
    max_units=512,
    kind="scipy",
):
    """Random-search distributions for an MLP's hyperparameters.

    Returns the ``param_distributions`` of scikit-learn's
    ``RandomizedSearchCV`` (or ``HalvingRandomSearchCV``) that the classic
    recipe for training deep networks recommends: a distribution for each
    hyperparameter that matters, log-uniform for those whose effect is
    multiplicative. Pass an :class:`~skdeep.MLPClassifier` or
    :class:`~skdeep.MLPRegressor` -- or a ``Pipeline`` holding one, whose
    step name then prefixes every key -- so that the learning-rate range
    matches its ``solver``.

    ==========================  ==========================================
    key                         distribution
    ==========================  ==========================================
    ``hidden_layer_sizes``      :class:`HiddenLayerSizes`: depth uniform
                                in 1 .. ``max_layers``, width log-uniform
                                in ``min_units`` .. ``max_units``
    ``learning_rate_init``      log-uniform, 1e-4 .. 1e-1 for ``'adam'``
                                and ``'rmsprop'``, 1e-3 .. 3e-1 for
                                ``'sgd'`` and ``'adagrad'``
    ``alpha``                   log-uniform, 1e-6 .. 1e-1
    ``batch_size``              one of 32, 64, 128, 256
    ``dropout``                 uniform, 0 .. 0.5
    ==========================  ==========================================

    With ``solver='lbfgs'``, which has no learning rate, no mini-batches and
    no dropout, only ``hidden_layer_sizes`` and ``alpha`` are returned; for
    an estimator without a ``dropout`` parameter (scikit-learn's MLP),
    ``dropout`` is left out. Leave the number of epochs to early stopping
    (``early_stopping=True``) rather than searching it.

    Parameters
    ----------
    estimator : estimator, default=None
        An MLP (skdeep's or scikit-learn's), or a ``Pipeline`` or other
        meta-estimator holding exactly one, found through
        ``get_params(deep=True)``. Its ``solver`` chooses the learning-rate
        range and which keys apply. None means the defaults
        (``solver='adam'``) and no prefix.
    prefix : str, default=None
        Prepended to every key, e.g. ``"mlpclassifier__"`` for the step of
        ``make_pipeline(StandardScaler(), MLPClassifier())``. None: the path
        of the MLP inside ``estimator`` (``""`` for an MLP or no
        estimator).
    include : iterable of str, default=None
        The keys to return, a subset of ``'hidden_layer_sizes'``,
        ``'learning_rate_init'``, ``'alpha'``, ``'batch_size'`` and
        ``'dropout'``, without the prefix. None: every one that applies to
        the estimator. Unknown keys, and keys that do not apply to it (a
        learning rate for ``solver='lbfgs'``, dropout for an estimator
        without it), raise a ValueError.
    max_layers : int, default=3
        Most hidden layers of a network (at least 1).
    min_units : int, default=16
        Fewest units in a hidden layer.
    max_units : int, default=512
        Most units in a hidden layer.
    kind : {"scipy", "optuna"}, default="scipy"
        The distributions' library. ``"scipy"``: scipy.stats distributions,
        :class:`HiddenLayerSizes` and lists, for scikit-learn's searches.
        ``"optuna"``: the same space as ``optuna.distributions``, for
        ``optuna_integration.OptunaSearchCV`` (model-based search, TPE by
        default); needs optuna (``pip install 'scikit-deep[search]'``). See the
        Notes.

    Returns
    -------
    distributions : dict
        Parameter name (with the prefix) to a scipy.stats distribution, a
        :class:`HiddenLayerSizes` or a list of values: the
        ``param_distributions`` argument of ``RandomizedSearchCV``. With
        ``kind="optuna"``, to an ``optuna.distributions`` distribution: the
        ``param_distributions`` argument of ``OptunaSearchCV``.

    Raises
    ------
    ValueError
        For an unknown or inapplicable ``include`` key, an unknown ``kind``,
        or an ``estimator`` holding no MLP or several (then pass
        ``prefix``).
    ImportError
        For ``kind="optuna"`` when optuna is not installed.

    See Also
    --------
    HiddenLayerSizes : The distribution of ``hidden_layer_sizes``.

    Notes
    -----
    **Why log-uniform.** The learning rate, the weight decay ``alpha`` and
    the number of units act multiplicatively: going from 1e-4 to 1e-3
    changes training as much as going from 1e-3 to 1e-2, while 0.091 and
    0.1 behave alike. A uniform distribution on 1e-4..1e-1 would spend 90 %
    of its draws above 1e-2; a log-uniform one gives each factor of ten the
    same share.

    **Why random rather than grid search.** Usually only a few of the
    hyperparameters matter much for a given data set, and which ones is not
    known in advance. A grid of ``n`` points tries only ``n ** (1/d)``
    distinct values of each of its ``d`` parameters, repeating each many
    times with the unimportant ones varied; ``n`` random draws try ``n``
    distinct values of every parameter, so on the important ones random
    search explores far more values for the same budget, and its budget can
    grow or stop at any point (Bergstra and Bengio, 2012).

    **Successive halving.** The distributions serve
    ``HalvingRandomSearchCV`` too (``from sklearn.experimental import
    enable_halving_search_cv``). With ``resource`` the MLP's ``max_iter``
    (``prefix + "max_iter"`` in a pipeline), the first rounds train few
    epochs; early stopping still applies within each budget.

    With ``resource='n_samples'``, a round with ``n_resources`` rows trains
    each candidate on ``int(n_resources / n_samples * len(train_fold))``
    rows, about ``n_resources * (n_splits - 1) / n_splits``. With
    ``early_stopping=True`` each fit holds out ``ceil(validation_fraction *
    n_train)`` of its ``n_train`` rows, and when that is fewer than 2
    (``n_train <= 10`` at the default ``validation_fraction=0.1``) skdeep
    raises scikit-learn's ``ValueError("The validation set is too small.
    Increase 'validation_fraction' or the size of your dataset.")``, as
    scikit-learn's MLP does. So set ``min_resources`` to at least 22 rows
    for ``cv=2``, 17 for ``cv=3`` and 14 for ``cv=5`` at the default
    fraction (more for a smaller one). scikit-learn's default
    ``min_resources='smallest'``, ``2 * n_splits * n_classes`` rows for a
    classifier and ``2 * n_splits`` for a regressor, is too small for every
    regressor and for binary classifiers with ``cv`` of 2 or 3. A fit that
    fails this way scores ``error_score``: with the default ``np.nan`` the
    search warns (``FitFailedWarning``), the candidate scores NaN, ranks
    last and is not carried to the next round; but all candidates of the
    first round train on the same number of rows, so usually every fit
    fails, and scikit-learn then raises ``ValueError("All the ... fits
    failed")`` (quoting the message above). With ``error_score='raise'``
    the first failure propagates. Rounds with fewer rows than
    ``batch_size`` train on full batches, with scikit-learn's ``batch_size``
    clipping ``UserWarning``.

    **Model-based search with optuna.** ``kind="optuna"`` returns
    ``FloatDistribution(log=True)`` for ``learning_rate_init`` and
    ``alpha``, ``FloatDistribution`` for ``dropout`` and
    ``CategoricalDistribution`` for ``batch_size``, over the ranges of the
    table. ``OptunaSearchCV`` passes each sampled value unchanged to the
    estimator's ``set_params``, so ``hidden_layer_sizes`` is a
    ``CategoricalDistribution`` over network shapes, tuples that skdeep's
    and scikit-learn's MLPs take as they are (and ``best_params_`` too):
    every depth from 1 to ``max_layers``, each with one width among
    ``min_units``, ``2 * min_units``, ``4 * min_units``, ... up to
    ``max_units`` (and ``max_units`` itself) -- 18 shapes by default, from
    ``(16,)`` to ``(512, 512, 512)``. It is the discrete counterpart of
    :class:`HiddenLayerSizes`: widths on a grid of factors of two rather
    than every integer. optuna recommends choices of type None, bool, int,
    float or str, which any storage can save; tuples work with the
    in-memory storage that ``OptunaSearchCV`` uses by default (and its
    warning about them is silenced here), but not with a database storage
    (``optuna.storages.RDBStorage``). Strings such as ``"64-64"`` would
    need converting back before ``set_params``: the MLPs reject them.

    References
    ----------
    J. Bergstra and Y. Bengio, "Random search for hyper-parameter
    optimization", *Journal of Machine Learning Research* 13:281-305, 2012.
    https://jmlr.org/papers/v13/bergstra12a.html

    Y. Bengio, "Practical recommendations for gradient-based training of
    deep architectures", in *Neural Networks: Tricks of the Trade*, 2nd ed.,
    Springer, 2012. https://arxiv.org/abs/1206.5533

    Examples
    --------
    >>> from sklearn.datasets import load_iris
    >>> from sklearn.model_selection import RandomizedSearchCV
    >>> from sklearn.pipeline import make_pipeline
    >>> from sklearn.preprocessing import StandardScaler
    >>> from skdeep import MLPClassifier
    >>> from skdeep.model_selection import param_distributions
    >>> pipe = make_pipeline(
    ...     StandardScaler(),
    ...     MLPClassifier(max_iter=20, early_stopping=True, random_state=0),
    ... )
    >>> distributions = param_distributions(pipe, max_units=64)
    >>> sorted(distributions)  # doctest: +NORMALIZE_WHITESPACE
    ['mlpclassifier__alpha', 'mlpclassifier__batch_size',
     'mlpclassifier__dropout', 'mlpclassifier__hidden_layer_sizes',
     'mlpclassifier__learning_rate_init']
    >>> distributions["mlpclassifier__hidden_layer_sizes"].rvs(random_state=3)
    (17, 17, 17)
    >>> X, y = load_iris(return_X_y=True)
    >>> search = RandomizedSearchCV(
    ...     pipe, distributions, n_iter=3, cv=3, random_state=0
    ... ).fit(X, y)
    >>> sorted(search.best_params_) == sorted(distributions)
    True

    The same space for optuna (``pip install 'scikit-deep[search]'``):

    >>> optuna_space = param_distributions(
    ...     pipe, max_units=64, kind="optuna"
    ... )  # doctest: +SKIP
    >>> optuna_space["mlpclassifier__alpha"]  # doctest: +SKIP
    FloatDistribution(high=0.1, log=True, low=1e-06, step=None)
    >>> optuna_space["mlpclassifier__hidden_layer_sizes"].choices  # doctest: +SKIP
    ((16,), (32,), (64,), (16, 16), (32, 32), (64, 64), (16, 16, 16), \
(32, 32, 32), (64, 64, 64))
    """
    if kind not in ("scipy", "optuna"):
        raise ValueError(f"kind must be 'scipy' or 'optuna', got {kind!r}.")
    solver = "adam"
    params = None
    if estimator is not None:
        if prefix is None:
            prefix, mlp = _find_mlp(estimator)
        else:
            mlp = _mlp_at(estimator, prefix)
        params = mlp.get_params(deep=False)
        solver = params.get("solver", "adam")
    elif prefix is None:
        prefix = ""
    if not isinstance(prefix, str):
        raise TypeError(f"prefix must be a str, got {prefix!r}.")

    applicable = [
        key
        for key in KEYS
        if (params is None or key in params)
        and not (solver == "lbfgs" and key in STOCHASTIC_ONLY)
    ]
    if include is None:
        keys = applicable
    else:
        requested = [include] if isinstance(include, str) else list(include)
        unknown = [key for key in requested if key not in KEYS]
        if unknown:
            raise ValueError(
                f"Unknown include key(s) {unknown}; the keys are {list(KEYS)} "
                "(without the prefix)."
            )
        inapplicable = [key for key in requested if key not in applicable]
        if inapplicable:
            why = (
                f"solver={solver!r} has no learning rate, mini-batches or dropout"
                if solver == "lbfgs"
                else "the estimator has no such parameter"
            )
            raise ValueError(
                f"include key(s) {inapplicable} do not apply: {why}. "
                f"Applicable keys: {applicable}."
            )
        keys = [key for key in KEYS if key in requested]

    lr_low, lr_high = LEARNING_RATE_RANGES.get(solver, LEARNING_RATE_RANGES["adam"])
    if kind == "optuna":
        make = _optuna_makers(lr_low, lr_high, max_layers, min_units, max_units)
        return {prefix + key: make[key]() for key in keys}
    make = {
        "hidden_layer_sizes": lambda: HiddenLayerSizes(
            max_layers=max_layers, min_units=min_units, max_units=max_units
        ),
        "learning_rate_init": lambda: loguniform(lr_low, lr_high),
        "alpha": lambda: loguniform(*ALPHA_RANGE),
        "batch_size": lambda: list(BATCH_SIZES),
        "dropout": lambda: uniform(
            DROPOUT_RANGE[0], DROPOUT_RANGE[1] - DROPOUT_RANGE[0]
        ),
    }
    return {prefix + key: make[key]() for key in keys}


def _network_shapes(max_layers, min_units, max_units):
    """The ``hidden_layer_sizes`` choices of the optuna space: every depth in
    1 .. ``max_layers`` times every width of ``min_units * 2 ** k`` up to
    ``max_units`` (and ``max_units`` itself)."""
    # the same checks, and messages, as the scipy space's
    HiddenLayerSizes(max_layers=max_layers, min_units=min_units, max_units=max_units)
    widths = []
    width = int(min_units)
    while width < max_units:
        widths.append(width)
        width *= 2
    widths.append(int(max_units))
    return [
        (width,) * depth for depth in range(1, int(max_layers) + 1) for width in widths
    ]


def _optuna_makers(lr_low, lr_high, max_layers, min_units, max_units):
    """Key to a factory of its ``optuna.distributions`` distribution."""
    try:
        from optuna.distributions import (
            CategoricalDistribution,
            FloatDistribution,
        )
    except ImportError as exc:
        raise ImportError(
            "param_distributions(kind='optuna') needs optuna; install it with "
            "pip install 'scikit-deep[search]'."
        ) from exc

    def shapes():
        choices = _network_shapes(max_layers, min_units, max_units)
        with warnings.catch_warnings():
            # tuples are fine in the in-memory storage (see the Notes)
            warnings.filterwarnings(
                "ignore", message="Choices for a categorical distribution"
            )
            return CategoricalDistribution(choices)

    return {
        "hidden_layer_sizes": shapes,
        "learning_rate_init": lambda: FloatDistribution(lr_low, lr_high, log=True),
        "alpha": lambda: FloatDistribution(*ALPHA_RANGE, log=True),
        "batch_size": lambda: CategoricalDistribution(list(BATCH_SIZES)),
        "dropout": lambda: FloatDistribution(*DROPOUT_RANGE),
    }
