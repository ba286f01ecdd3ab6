"""Losses, each owning its output link.

A loss works on ``Z``, the pre-activation of the output layer, of shape
(n_samples, n_outputs). ``output(Z)`` applies the link (softmax, logistic,
identity, exp); ``forward(Z, y, sample_weight)`` returns the (weighted) mean
loss over samples, summed over outputs, and caches what ``backward()`` needs;
``backward()`` returns dL/dZ, which for every canonical link is
``(output(Z) - y) * w / sum(w)``. The arithmetic of the links and losses
is the backend's (``ops.link`` and ``ops.link_and_loss``).
"""

from ..backend import NUMPY

__all__ = [
    "Loss",
    "SoftmaxCrossEntropy",
    "BinaryCrossEntropy",
    "SquaredError",
    "PoissonDeviance",
    "LOSSES",
]


def _weights(n, sample_weight, dtype, ops):
    """Per-sample weights summing to 1: the float ``1 / n`` without sample
    weights, else a column of shape (n_samples, 1)."""
    if sample_weight is None:
        return 1.0 / n
    w = ops.asarray(sample_weight, dtype=dtype).reshape(-1, 1)
    return w / w.sum()


def _weighted_sum(values, w, ops):
    """``sum(w * values)`` for a float or column ``w``: a backend scalar."""
    if isinstance(w, float):
        return ops.sum(values) * w
    return ops.sum(values * w)


class Loss:
    """Base class: a link ``output`` plus a loss with its gradient in ``Z``.

    Subclasses define ``output(Z)`` (the link) and ``evaluate(Z, y)``, which
    returns the link's output together with the per-sample, per-output loss,
    sharing whatever the two have in common (one exponential for softmax).

    Attributes
    ----------
    link : str
        Name of the output link (``out_activation_`` in the estimators).
    ops : backend
        The operations it computes with (the NumPy backend by default).
    """

    link = None
    ops = NUMPY

    def output(self, Z):
        """Apply the output link to ``Z`` (new array)."""
        return self.ops.link(self.link, Z)

    def evaluate(self, Z, y):
        """Return ``(output(Z), loss)``, the loss of shape (n_samples, n_out)."""
        return self.ops.link_and_loss(self.link, Z, y)

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
        loss : float or backend scalar
            A float on the NumPy backend; a device scalar on a lazy one.
        """
        w = _weights(y.shape[0], sample_weight, Z.dtype, self.ops)
        P, values = self.evaluate(Z, y)
        self._cache = (P, y, w)
        return _weighted_sum(values, w, self.ops)

    def backward(self):
        """Return dL/dZ of the last ``forward`` call, shape of ``Z``."""
        P, y, w = self._cache
        dLdz = P - y
        dLdz *= w
        return dLdz

    def __getstate__(self):
        state = self.__dict__.copy()
        state.pop("_cache", None)
        state.pop("ops", None)
        return state


class SoftmaxCrossEntropy(Loss):
    """Softmax output with the negative log-likelihood ``-log p_y``."""

    link = "softmax"


class BinaryCrossEntropy(Loss):
    """Logistic output per column with binary cross-entropy (binary or
    multilabel): ``log(1 + exp(z)) - y z``."""

    link = "logistic"


class SquaredError(Loss):
    """Identity output with half squared error ``(z - y)^2 / 2``."""

    link = "identity"


class PoissonDeviance(Loss):
    """Exponential output with half Poisson deviance
    ``y log(y / exp(z)) - y + exp(z)``."""

    link = "exp"


#: dict of str to Loss class: the losses by output link name.
LOSSES = {
    cls.link: cls
    for cls in (SoftmaxCrossEntropy, BinaryCrossEntropy, SquaredError, PoissonDeviance)
}
