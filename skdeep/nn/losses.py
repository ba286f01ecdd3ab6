"""Losses, each owning its output link.

A loss works on ``Z``, the pre-activation of the output layer, of shape
(n_samples, n_outputs). ``output(Z)`` applies the link (softmax, logistic,
identity, exp); ``forward(Z, y, sample_weight)`` returns the (weighted) mean
loss over samples, summed over outputs, and caches what ``backward()`` needs;
``backward()`` returns dL/dZ, which for every canonical link is
``(output(Z) - y) * w / sum(w)``.
"""

import numpy as np
from scipy.special import expit, xlogy

__all__ = [
    "Loss",
    "SoftmaxCrossEntropy",
    "BinaryCrossEntropy",
    "SquaredError",
    "PoissonDeviance",
    "LOSSES",
]


def _weights(n, sample_weight, dtype):
    """Per-sample weights summing to 1: the scalar ``1 / n`` without sample
    weights, else a column of shape (n_samples, 1)."""
    if sample_weight is None:
        return 1.0 / n
    w = np.asarray(sample_weight, dtype=dtype).reshape(-1, 1)
    return w / w.sum()


def _weighted_sum(values, w):
    """``sum(w * values)`` for a scalar or column ``w``, as a float."""
    if np.ndim(w) == 0:
        return float(values.sum()) * w
    return float(np.sum(values * w))


class Loss:
    """Base class: a link ``output`` plus a loss with its gradient in ``Z``.

    Subclasses define ``output(Z)`` (the link) and ``evaluate(Z, y)``, which
    returns the link's output together with the per-sample, per-output loss,
    sharing whatever the two have in common (one exponential for softmax).

    Attributes
    ----------
    link : str
        Name of the output link (``out_activation_`` in the estimators).
    """

    link = None

    def output(self, Z):
        """Apply the output link to ``Z`` (new array)."""
        raise NotImplementedError

    def evaluate(self, Z, y):
        """Return ``(output(Z), loss)``, the loss of shape (n_samples, n_out)."""
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
        w = _weights(y.shape[0], sample_weight, Z.dtype)
        P, values = self.evaluate(Z, y)
        self._cache = (P, y, w)
        return _weighted_sum(values, w)

    def backward(self):
        """Return dL/dZ of the last ``forward`` call, shape of ``Z``."""
        P, y, w = self._cache
        dLdz = P - y
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

    def evaluate(self, Z, y):
        log_p = Z - Z.max(axis=1, keepdims=True)
        P = np.exp(log_p)
        total = P.sum(axis=1, keepdims=True)
        P /= total
        log_p -= np.log(total)
        log_p *= y
        np.negative(log_p, out=log_p)
        return P, log_p


class BinaryCrossEntropy(Loss):
    """Logistic output per column with binary cross-entropy (binary or
    multilabel): ``log(1 + exp(z)) - y z``."""

    link = "logistic"

    def output(self, Z):
        return expit(Z)

    def evaluate(self, Z, y):
        values = np.logaddexp(0, Z)
        values -= y * Z
        return expit(Z), values


class SquaredError(Loss):
    """Identity output with half squared error ``(z - y)^2 / 2``."""

    link = "identity"

    def output(self, Z):
        return np.array(Z, copy=True)

    def evaluate(self, Z, y):
        residual = Z - y
        return Z, 0.5 * residual * residual


class PoissonDeviance(Loss):
    """Exponential output with half Poisson deviance
    ``y log(y / exp(z)) - y + exp(z)``."""

    link = "exp"

    def output(self, Z):
        return np.exp(Z)

    def evaluate(self, Z, y):
        P = np.exp(Z)
        return P, xlogy(y, y) - y * Z - y + P


#: dict of str to Loss class: the losses by output link name.
LOSSES = {
    cls.link: cls
    for cls in (SoftmaxCrossEntropy, BinaryCrossEntropy, SquaredError, PoissonDeviance)
}
