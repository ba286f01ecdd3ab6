"""Losses, each owning its output link.

A loss works on ``Z``, the pre-activation of the output layer, of shape
(n_samples, n_outputs). ``output(Z)`` applies the link (softmax, logistic,
identity, exp); ``forward(Z, y, sample_weight)`` returns the (weighted) mean
loss over samples, summed over outputs, and caches what ``backward()`` needs;
``backward()`` returns dL/dZ, which for every canonical link is
``(output(Z) - y) * w / sum(w)``.
"""

import numpy as np
from scipy.special import expit, logsumexp, xlogy

__all__ = [
    "Loss",
    "SoftmaxCrossEntropy",
    "BinaryCrossEntropy",
    "SquaredError",
    "PoissonDeviance",
    "LOSSES",
]


def _weights(y, sample_weight, dtype):
    """Return per-sample weights normalized to sum 1, shape (n_samples, 1)."""
    n = y.shape[0]
    if sample_weight is None:
        return np.full((n, 1), 1.0 / n, dtype=dtype)
    w = np.asarray(sample_weight, dtype=dtype).reshape(-1, 1)
    return w / w.sum()


class Loss:
    """Base class: a link ``output`` plus a loss with its gradient in ``Z``.

    Attributes
    ----------
    link : str
        Name of the output link (``out_activation_`` in the estimators).
    """

    link = None

    def output(self, Z):
        """Apply the output link to ``Z`` (new array)."""
        raise NotImplementedError

    def pointwise(self, Z, y):
        """Return the per-sample, per-output loss of shape (n_samples, n_out)."""
        raise NotImplementedError

    def forward(self, Z, y, sample_weight=None):
        """Return the weighted mean loss; cache what ``backward`` needs.

        Parameters
        ----------
        Z : ndarray of shape (n_samples, n_outputs)
            Output-layer pre-activations.
        y : ndarray of shape (n_samples, n_outputs)
            Targets (one-hot or indicator for classification).
        sample_weight : ndarray of shape (n_samples,), default=None
            Weights of the samples; None means equal weights.

        Returns
        -------
        loss : float
        """
        w = _weights(y, sample_weight, Z.dtype)
        self._cache = (Z, y, w)
        return float(np.sum(w * self.pointwise(Z, y)))

    def backward(self):
        """Return dL/dZ of the last ``forward`` call, shape of ``Z``."""
        Z, y, w = self._cache
        dLdz = self.output(Z)
        dLdz -= y
        dLdz *= w
        return dLdz

    def __getstate__(self):
        state = self.__dict__.copy()
        state.pop("_cache", None)
        return state


class SoftmaxCrossEntropy(Loss):
    """Softmax output with the negative log-likelihood ``-log p_y``."""

    link = "softmax"

    def output(self, Z):
        P = Z - Z.max(axis=1, keepdims=True)
        np.exp(P, out=P)
        P /= P.sum(axis=1, keepdims=True)
        return P

    def pointwise(self, Z, y):
        log_p = Z - logsumexp(Z, axis=1, keepdims=True)
        return -(y * log_p)


class BinaryCrossEntropy(Loss):
    """Logistic output per column with binary cross-entropy (binary or
    multilabel): ``log(1 + exp(z)) - y z``."""

    link = "logistic"

    def output(self, Z):
        return expit(Z)

    def pointwise(self, Z, y):
        return np.logaddexp(0, Z) - y * Z


class SquaredError(Loss):
    """Identity output with half squared error ``(z - y)^2 / 2``."""

    link = "identity"

    def output(self, Z):
        return np.array(Z, copy=True)

    def pointwise(self, Z, y):
        return 0.5 * (Z - y) ** 2


class PoissonDeviance(Loss):
    """Exponential output with half Poisson deviance
    ``y log(y / exp(z)) - y + exp(z)``."""

    link = "exp"

    def output(self, Z):
        return np.exp(Z)

    def pointwise(self, Z, y):
        return xlogy(y, y) - y * Z - y + np.exp(Z)


LOSSES = {
    cls.link: cls
    for cls in (SoftmaxCrossEntropy, BinaryCrossEntropy, SquaredError, PoissonDeviance)
}
