"""The estimators' fitted state: rollback of failed calls, the assignable
``coefs_``/``intercepts_`` lists, and conversion of inputs to the model's
dtype."""

import copy
import functools

import numpy as np

from ._sklearn_callbacks import CALLBACK_ATTRIBUTES

__all__ = ["atomic_fit", "LayerList", "as_dtype", "no_bias", "bias_values"]


def atomic_fit(method):
    """Decorate ``fit``/``partial_fit`` so that a call that raises (bad input,
    divergence with nothing finite, a second Ctrl-C) rolls the estimator back.

    Before the call, every attribute that is not a constructor parameter is
    deep-copied; if the call raises, the estimator's ``__dict__`` is replaced
    by that backup. The fitted model (weights, history, classes) is then as
    it was, but in new arrays: arrays taken from ``coefs_`` before the call
    no longer share memory with the model. Constructor parameters are kept
    by reference, so a ``RandomState`` passed as ``random_state`` stays
    advanced by the failed call.
    """

    @functools.wraps(method)
    def wrapper(self, *args, **kwargs):
        params = self.get_params(deep=False)
        backup = {
            key: value
            if key in params or key in CALLBACK_ATTRIBUTES
            else copy.deepcopy(value)
            for key, value in self.__dict__.items()
        }
        try:
            return method(self, *args, **kwargs)
        except BaseException:
            self.__dict__.clear()
            self.__dict__.update(backup)
            raise

    return wrapper


class LayerList(list):
    """The list returned by ``coefs_`` and ``intercepts_``: views of the
    fitted parameters, one per layer.

    The arrays are views, so writing into them (``coefs_[0][:] = W``)
    changes the model. Replacing an item (``coefs_[0] = W``) writes the new
    array into the model too, after checking its shape, as replacing the
    whole list does (``est.coefs_ = [...]``). Pickled or copied, it is a
    plain list of arrays.

    Parameters
    ----------
    estimator : BaseMLP
        The fitted estimator.
    attribute : str
        ``"coefs_"`` or ``"intercepts_"``.
    """

    def __init__(self, estimator, attribute):
        super().__init__(estimator._layer_arrays(attribute))
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
        super().__setitem__(slice(None), self._estimator._layer_arrays(self._attribute))

    def __reduce__(self):
        return list, (list(self),)


def as_dtype(X, dtype):
    """Convert ``X`` to the network's dtype; values beyond its range are an
    error, not silent infinities."""
    if X.dtype == dtype:
        return X
    with np.errstate(over="ignore"):
        converted = X.astype(dtype)
    values = converted.data if hasattr(converted, "tocsr") else converted
    if not np.isfinite(values).all():
        raise ValueError(
            f"Input X contains values too large for {np.dtype(dtype).name}, the "
            "dtype of the model's computations. Scale the features, or use "
            "dtype='float64'."
        )
    return converted


def no_bias(W):
    """A read-only zero bias for a layer without one."""
    zeros = np.zeros(W.shape[1], dtype=W.dtype)
    zeros.flags.writeable = False
    return zeros


def bias_values(network, values):
    """The entries of ``values`` for the layers that have a bias; those for
    layers without one (batch normalization follows) must be zeros."""
    pairs = network.weights_and_biases()
    if len(values) != len(pairs):
        raise ValueError(f"expected {len(pairs)} arrays, got {len(values)}")
    kept = []
    for i, ((W, b), value) in enumerate(zip(pairs, values)):
        if b is not None:
            kept.append(value)
        elif np.shape(value) != (W.shape[1],) or np.any(np.asarray(value) != 0):
            raise ValueError(
                f"layer {i} has no bias (batch normalization follows it, and its "
                "beta in batch_norm_params_ is the shift): its entry must be "
                f"zeros of shape {(W.shape[1],)}"
            )
    return kept
