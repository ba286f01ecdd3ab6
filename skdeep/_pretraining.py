"""Greedy layer-wise pre-training of an MLP's hidden layers, and the
semi-supervised convention for the rows it may use without a target."""

import warnings

import numpy as np
from scipy import sparse
from sklearn.exceptions import ConvergenceWarning
from sklearn.utils import check_array

from ._validation import STOCHASTIC_SOLVERS, take_rows

__all__ = [
    "check_pretraining",
    "drop_unlabeled",
    "fill_missing_targets",
    "labeled_rows",
    "pretrain_hidden_layers",
]

# the MLP's parameters that its pre-training autoencoders share
_SHARED = (
    "activation",
    "alpha",
    "batch_size",
    "learning_rate_init",
    "momentum",
    "nesterovs_momentum",
    "beta_1",
    "beta_2",
    "epsilon",
    "rho",
    "weight_init",
    "verbose",
    "progress_bar",
    "device",
)


def check_pretraining(estimator, X):
    """Raise when ``estimator``'s pre-training cannot run on ``X``."""
    if estimator.batch_norm:
        raise ValueError(
            "pretraining='autoencoder' needs batch_norm=False: a pre-trained "
            "layer's codes are not those of a batch-normalized layer."
        )
    if sparse.issparse(X):
        raise TypeError(
            "Sparse data was passed, but pretraining='autoencoder' needs dense "
            "data. Use X.toarray() to convert to a dense numpy array, or "
            "pretraining=None."
        )


def drop_unlabeled(y, marker):
    """The labeled part of classification targets ``y``.

    A row whose label is ``marker`` (all its labels, for 2-D targets) is
    unlabeled; -1 is scikit-learn's semi-supervised convention, as in
    SelfTrainingClassifier.

    Returns
    -------
    y : ndarray
        The labels of the labeled rows.
    labeled : ndarray of bool or None
        Which rows are labeled; None when all are (or ``marker`` is None).
    """
    if marker is None:
        return y, None
    unlabeled = _is_marker(y, marker)
    if y.ndim == 2:
        unlabeled = unlabeled.all(axis=1)
    return _labeled_part(y, unlabeled, marker)


def fill_missing_targets(y, marker):
    """Regression targets with the unlabeled rows (all targets equal to
    ``marker``, NaN included) marked.

    Returns
    -------
    y : array-like
        ``y`` unchanged when every row has a target, else a float copy in
        which the unlabeled rows' targets are 0 (so that the usual checks
        pass; they are dropped after them). A row with some but not all
        targets missing is left as it is, for the usual checks.
    labeled : ndarray of bool or None
        Which rows are labeled; None when all are (or ``marker`` is None).
    """
    if marker is None:
        return y, None
    values = check_array(
        y,
        ensure_2d=False,
        dtype="numeric",
        ensure_all_finite="allow-nan",
        input_name="y",
    )
    unlabeled = _is_marker(values, marker)
    if values.ndim == 2:
        unlabeled = unlabeled.all(axis=1)
    if not unlabeled.any():
        return y, None
    _, labeled = _labeled_part(values, unlabeled, marker)
    values = values.astype(np.float64)  # a copy: the caller's y is untouched
    values[unlabeled] = 0
    return values, labeled


def labeled_rows(X, sample_weight, labeled):
    """The rows of ``X`` and ``sample_weight`` that ``labeled`` marks (all
    of them when it is None)."""
    if labeled is None:
        return X, sample_weight
    X = take_rows(X, labeled)
    return X, None if sample_weight is None else sample_weight[labeled]


def _is_marker(y, marker):
    if isinstance(marker, float) and np.isnan(marker):
        if y.dtype.kind == "f":
            return np.isnan(y)
        return np.array([label != label for label in y.ravel()]).reshape(y.shape)
    if y.dtype.kind in "iufb":
        return y == marker
    return np.array([label == marker for label in y.ravel()], dtype=bool).reshape(
        y.shape
    )


def _labeled_part(y, unlabeled, marker):
    if not unlabeled.any():
        return y, None
    if unlabeled.all():
        raise ValueError(
            f"All {len(y)} samples are unlabeled (unlabeled={marker!r}): "
            "supervised training needs at least one labeled sample."
        )
    return y[~unlabeled], ~unlabeled


def _autoencoder_for(estimator, n_units, seed, codes):
    from ._autoencoder import Autoencoder

    # cross-entropy where the inputs are in [0, 1] (as in Vincent et al.):
    # squared error lets the codes of logistic layers collapse to constants
    loss = "cross_entropy" if codes.min() >= 0 and codes.max() <= 1 else "squared_error"

    solver = estimator.solver if estimator.solver in STOCHASTIC_SOLVERS else "adam"
    return Autoencoder(
        hidden_layer_sizes=(n_units,),
        corruption=estimator.pretraining_corruption,
        tied_weights=True,
        loss=loss,
        solver=solver,
        max_iter=estimator.pretraining_max_iter,
        n_iter_no_change=np.inf,  # a fixed budget of epochs
        random_state=seed,
        dtype=estimator._network.dtype.name,
        **{name: getattr(estimator, name) for name in _SHARED},
    )


def pretrain_hidden_layers(estimator, X, sample_weight, rng):
    """Initialize the hidden layers of ``estimator``'s fresh network from
    denoising autoencoders trained greedily, layer by layer.

    Layer k's autoencoder (one hidden layer of the layer's width, tied
    weights) learns to reconstruct the codes of layer k-1 (``X`` for the
    first); its encoder's weights and biases replace the layer's, and its
    codes feed the next layer. The output layer keeps its initialization.

    Parameters
    ----------
    estimator : MLPClassifier or MLPRegressor
        Estimator whose network was just initialized.
    X : ndarray of shape (n_samples, n_features)
        Every row, labeled or not, in the network's dtype.
    sample_weight : ndarray of shape (n_samples,) or None
        Weights of the rows in the reconstruction losses.
    rng : numpy.random.Generator
        Source of the autoencoders' seeds.

    Returns
    -------
    loss_curves : list of list of float
        Per hidden layer, the reconstruction loss of every epoch.
    """
    network = estimator._network
    pairs = network.weights_and_biases()
    weights = [W for W, _ in pairs]
    biases = [b for _, b in pairs]
    curves, codes = [], X
    for k, W in enumerate(weights[:-1]):
        autoencoder = _autoencoder_for(
            estimator, W.shape[1], int(rng.integers(np.iinfo(np.int32).max)), codes
        )
        with warnings.catch_warnings():  # a fixed budget is not a failure
            warnings.simplefilter("ignore", ConvergenceWarning)
            autoencoder.fit(codes, sample_weight=sample_weight)
        weights[k] = autoencoder.coefs_[0]
        biases[k] = autoencoder.intercepts_[0]
        curves.append([float(loss) for loss in autoencoder.loss_curve_])
        if k + 1 < len(weights) - 1:
            codes = autoencoder.transform(codes)
    network.set_layer_params("W", weights)
    network.set_layer_params("b", biases)
    return curves
