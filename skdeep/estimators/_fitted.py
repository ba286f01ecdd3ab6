"""The estimators' fitted state: the rollback of failed calls, the
assignable ``coefs_``/``intercepts_`` lists, the training record read from
the training state, and the cached predictor."""

import functools

import numpy as np

from ..backend import NUMPY, get_backend
from ..nn import LOSSES, Predictor
from ..recipes.affine import affine_arrays, set_affine_arrays

__all__ = ["FittedModel", "LayerList", "atomic_fit"]

# caches kept on an estimator: never pickled, dropped whenever the fitted
# network changes
_CACHES = ("_cached_predictor", "_layer_lists")


def atomic_fit(method):
    """Decorate ``fit``/``partial_fit`` so that a call that raises (bad input,
    divergence with nothing finite, a second Ctrl-C) rolls the estimator back.

    Before the call the estimator's attributes are copied (the dictionary,
    not what it holds), with a checkpoint of the fitted network's parameters
    and of the training state (:meth:`skdeep.train.TrainState.checkpoint`):
    a cost that does not grow with the training done before. If the call
    raises, the attributes, the parameters and the training state are put
    back. Constructor parameters are kept by reference, so a
    ``RandomState`` passed as ``random_state`` stays advanced by the failed
    call.
    """

    @functools.wraps(method)
    def wrapper(self, *args, **kwargs):
        backup = dict(self.__dict__)
        network = backup.get("_network")
        state = backup.get("_train_state")
        saved_network = None if network is None else network.get_state()
        saved_state = None if state is None else state.checkpoint()
        try:
            return method(self, *args, **kwargs)
        except BaseException:
            self.__dict__.clear()
            self.__dict__.update(backup)
            if network is not None:
                network.set_state(saved_network)
            if state is not None:
                state.rollback(saved_state)
            raise

    return wrapper


class LayerList(list):
    """The list returned by ``coefs_`` and ``intercepts_``: views of the
    fitted parameters, one per layer.

    The arrays are views, so writing into them (``coefs_[0][:] = W``)
    changes the model. Replacing an item (``coefs_[0] = W``) writes the new
    array into the model too, after checking its shape, as replacing the
    whole list does (``est.coefs_ = [...]``). The number of layers is the
    network's: methods that would change it (``append``, ``pop``, ...)
    raise a TypeError. Pickled or copied, it is a plain list of arrays.

    Parameters
    ----------
    estimator : estimator
        The fitted estimator.
    attribute : str
        ``"coefs_"`` or ``"intercepts_"``.
    """

    def __init__(self, estimator, attribute):
        super().__init__(affine_arrays(estimator._fitted_network(), attribute))
        self._estimator = estimator
        self._attribute = attribute

    def __setitem__(self, index, value):
        values = list(self)
        values[index] = value
        if len(values) != len(self):
            raise ValueError(
                f"{self._attribute} has {len(self)} arrays; slice assignment "
                "must keep that number."
            )
        self._estimator._set_layer_arrays(self._attribute, values)

    def _fixed_length(self, *args, **kwargs):
        raise TypeError(
            f"{self._attribute} has one array per layer of the fitted network: "
            "its length cannot change. Change hidden_layer_sizes and fit again "
            "to get other layers."
        )

    append = extend = insert = pop = remove = clear = _fixed_length
    sort = reverse = __delitem__ = __iadd__ = __imul__ = _fixed_length

    def __reduce__(self):
        return list, (list(self),)


class FittedModel:
    """What every estimator reads off its fitted network and training
    state: ``coefs_``, ``intercepts_``, the training record
    (``history_``, ``loss_curve_``, ...) and predictions."""

    # ----------------------------------------------------------- weights
    @property
    def coefs_(self):
        """The weight matrix of each layer, of shape (n_in, n_out).

        list of ndarray: views of the model's weights (the same list at each
        access until the model changes). Assigning a list of arrays of the
        same shapes (or one item) replaces the weights, e.g. to load weights
        or set a custom initialization before a warm start.
        """
        return self._layer_list("coefs_")

    @coefs_.setter
    def coefs_(self, values):
        self._set_layer_arrays("coefs_", values)

    @property
    def intercepts_(self):
        """The bias vector of each layer, of shape (n_out,).

        list of ndarray: views of the model's biases; assignable like
        ``coefs_``. A layer followed by batch normalization has no bias: its
        entry is a read-only zero vector.
        """
        return self._layer_list("intercepts_")

    @intercepts_.setter
    def intercepts_(self, values):
        self._set_layer_arrays("intercepts_", values)

    def _layer_list(self, attribute):
        network = self._fitted_network()
        lists = self.__dict__.get("_layer_lists")
        if lists is None or lists["network"] is not network:
            lists = self._layer_lists = {"network": network}
        if attribute not in lists:
            lists[attribute] = LayerList(self, attribute)
        return lists[attribute]

    def _set_layer_arrays(self, attribute, values):
        """Write ``values`` into the network (all or nothing); the weights
        are then the caller's, so no earlier best snapshot may replace them."""
        network = self._fitted_network()
        if isinstance(values, np.ndarray) or not hasattr(values, "__iter__"):
            raise ValueError(
                f"{attribute} must be a list of arrays, got {type(values).__name__}."
            )
        try:
            set_affine_arrays(network, attribute, list(values))
        except ValueError as error:
            raise ValueError(f"Cannot set {attribute}: {error}.") from None
        self._cached_predictor = Predictor(  # the lists' views stay valid
            network, self._prediction_backend(), self._prediction_dtype()
        )
        state = self.__dict__.get("_train_state")
        if state is not None:
            state.reset_best()
            state.validation_key = None

    def _fitted_network(self):
        if "_network" not in self.__dict__:
            raise AttributeError(
                f"This {type(self).__name__} instance is not fitted yet: fit it "
                "(max_iter=1 is enough) before reading or assigning its weights."
            )
        return self._network

    def _invalidate(self):
        """Drop what was computed from the fitted network (the predictor's
        copy, the ``coefs_`` lists): it changed."""
        for name in _CACHES:
            self.__dict__.pop(name, None)

    def _refresh(self):
        """After the fitted network changed: drop what was computed from
        it, and make the predictor (so that predicting leaves the
        estimator's attributes as they are)."""
        self._invalidate()
        if "_network" in self.__dict__:
            self._cached_predictor = Predictor(
                self._network, self._prediction_backend(), self._prediction_dtype()
            )

    def __getstate__(self):
        state = dict(super().__getstate__())  # it may be the __dict__ itself
        for name in _CACHES:
            state.pop(name, None)
        return state

    def __setstate__(self, state):
        super().__setstate__(state)
        self._refresh()

    # ------------------------------------------------------- predictions
    def _predict_output(self, X, start=0, stop=None, link=False):
        """Output of the fitted network's layers ``start:stop`` (all by
        default) for validated features ``X`` in the prediction dtype,
        through the output link ``out_activation_`` if ``link``."""
        predictor = self._predictor()
        output = None
        if link:
            loss = LOSSES[self.out_activation_]()
            loss.ops = predictor.ops
            output = loss.output
        out = predictor.run(X, start, stop, output)
        if not np.isfinite(out).all():
            raise ValueError(
                "The network's output is not finite for some samples: the input "
                f"has values too large for {predictor.dtype} arithmetic. "
                "Scale the features, for example with StandardScaler."
            )
        return out

    def _predictor(self):
        predictor = self.__dict__.get("_cached_predictor")
        if predictor is None or predictor.network is not self._network:
            self._refresh()  # e.g. a copy given another network
        return self._cached_predictor

    def _prediction_dtype(self):
        """The dtype predictions compute in (the network's by default)."""
        return self._network.dtype

    def _prediction_backend(self):
        """The fitted device's backend where it is available, else NumPy."""
        try:
            return get_backend(self.device)
        except (ImportError, ValueError):
            return NUMPY

    # -------------------------------------------------- training record
    def _fitted_state(self, name):
        state = self.__dict__.get("_train_state")
        if state is None:
            raise AttributeError(
                f"'{type(self).__name__}' object has no attribute '{name}' (it "
                "exists after fitting with a stochastic solver)"
            )
        return state

    @property
    def history_(self):
        """One record per epoch of every call, as a dict.

        list of dict: ``epoch``, ``train_loss``, ``valid_loss`` and
        ``valid_score`` (None when not validating), ``learning_rate`` and
        ``seconds``.
        """
        return [dict(record) for record in self._fitted_state("history_").history]

    @property
    def loss_curve_(self):
        """The training loss of every epoch."""
        return self._fitted_state("loss_curve_").column("train_loss")

    @property
    def learning_rate_curve_(self):
        """The learning rate in effect during each epoch."""
        return self._fitted_state("learning_rate_curve_").column("learning_rate")

    @property
    def validation_scores_(self):
        """The validation score of every validated epoch, None without
        validation."""
        state = self._fitted_state("validation_scores_")
        if state.monitor != "valid_score":
            return None
        return [v for v in state.column("valid_score") if v is not None]

    @property
    def best_validation_score_(self):
        """The best validation score, None without validation."""
        state = self._fitted_state("best_validation_score_")
        if state.monitor != "valid_score":
            return None
        return -np.inf if state.best_value is None else state.best_value

    @property
    def best_loss_(self):
        """The lowest training loss, None with validation."""
        state = self._fitted_state("best_loss_")
        if state.monitor != "train_loss":
            return None
        return np.inf if state.best_value is None else state.best_value
