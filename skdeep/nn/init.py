"""Weight initializers.

Each initializer takes ``(fan_in, fan_out, rng, dtype, gain)`` and returns a
new array of shape ``(fan_in, fan_out)``. Uniform ones draw from
``U(-b, b)`` with ``b = sqrt(gain / fan)``, normal ones from
``N(0, gain / fan)``, where ``fan = fan_in + fan_out`` (Glorot/Xavier) or
``fan = fan_in`` (He/Kaiming). Biases are not handled here: they start at 0.
"""

import numpy as np

__all__ = ["glorot_uniform", "glorot_normal", "he_uniform", "he_normal", "INITIALIZERS"]


def _uniform(fan, gain, shape, rng, dtype):
    bound = np.sqrt(gain / fan)
    return rng.uniform(-bound, bound, size=shape).astype(dtype, copy=False)


def _normal(fan, gain, shape, rng, dtype):
    return (rng.standard_normal(size=shape) * np.sqrt(gain / fan)).astype(
        dtype, copy=False
    )


def glorot_uniform(fan_in, fan_out, rng, dtype=np.float64, gain=6.0):
    """Glorot/Xavier uniform: ``U(-b, b)``, ``b = sqrt(gain / (fan_in + fan_out))``.

    ``gain=6`` is Glorot and Bengio's value (derived for tanh); scikit-learn
    uses ``gain=2`` for logistic hidden units.

    Parameters
    ----------
    fan_in : int
        Number of inputs of the layer.
    fan_out : int
        Number of outputs of the layer.
    rng : numpy.random.Generator
        Source of randomness.
    dtype : dtype, default=np.float64
        dtype of the returned array.
    gain : float, default=6.0
        Numerator of the bound.

    Returns
    -------
    W : ndarray of shape (fan_in, fan_out)
        The initial weights.

    Examples
    --------
    >>> import numpy as np
    >>> W = glorot_uniform(3, 2, np.random.default_rng(0))
    >>> W.shape, bool(np.abs(W).max() <= np.sqrt(6 / 5))
    ((3, 2), True)
    """
    return _uniform(fan_in + fan_out, gain, (fan_in, fan_out), rng, dtype)


def glorot_normal(fan_in, fan_out, rng, dtype=np.float64, gain=2.0):
    """Glorot/Xavier normal: ``N(0, gain / (fan_in + fan_out))``.

    Parameters and return value as :func:`glorot_uniform`.
    """
    return _normal(fan_in + fan_out, gain, (fan_in, fan_out), rng, dtype)


def he_uniform(fan_in, fan_out, rng, dtype=np.float64, gain=6.0):
    """He/Kaiming uniform (for ReLU): ``U(-b, b)``, ``b = sqrt(gain / fan_in)``.

    Parameters and return value as :func:`glorot_uniform`.
    """
    return _uniform(fan_in, gain, (fan_in, fan_out), rng, dtype)


def he_normal(fan_in, fan_out, rng, dtype=np.float64, gain=2.0):
    """He/Kaiming normal (for ReLU): ``N(0, gain / fan_in)``.

    Parameters and return value as :func:`glorot_uniform`.
    """
    return _normal(fan_in, gain, (fan_in, fan_out), rng, dtype)


INITIALIZERS = {
    f.__name__: f for f in (glorot_uniform, glorot_normal, he_uniform, he_normal)
}
