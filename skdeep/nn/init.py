"""Weight initializers.

Each initializer takes ``(fan_in, fan_out, rng, dtype)`` and returns a new
array of shape ``(fan_in, fan_out)``. Biases are not handled here: they start
at zero.
"""

import numpy as np

__all__ = ["glorot_uniform", "INITIALIZERS"]


def glorot_uniform(fan_in, fan_out, rng, dtype=np.float64, gain=6.0):
    """Glorot/Xavier uniform initialization.

    Draws from ``U(-b, b)`` with ``b = sqrt(gain / (fan_in + fan_out))``.
    ``gain=6`` is Glorot and Bengio's value (derived for tanh); scikit-learn
    uses ``gain=2`` for logistic hidden units, which the caller may pass.

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
    bound = np.sqrt(gain / (fan_in + fan_out))
    return rng.uniform(-bound, bound, size=(fan_in, fan_out)).astype(dtype, copy=False)


INITIALIZERS = {"glorot_uniform": glorot_uniform}
