"""Losses, each owning its output link.

A loss works on ``Z``, the pre-activation of the output layer, of shape
(n_samples, n_outputs). ``output(Z)`` applies the link (softmax, logistic,
identity, exp); ``forward(Z, y, sample_weight)`` returns the (weighted) mean
loss over samples, summed over outputs, and caches what ``backward()`` needs;
``backward()`` returns dL/dZ, which for every canonical link is
``(output(Z) - y) * w / sum(w)``. The arithmetic of the links and losses
is the backend's (``ops.link`` and ``ops.link_and_loss``).

What is reported (the history's losses, the value that the tolerances of
early stopping compare) is ``reported(forward(...), n_outputs)``: the loss
itself, or, for a squared error built with ``average_outputs=True``, its
mean over the outputs, as scikit-learn's MLPRegressor reports it (its
gradient stays that of the sum).

The classification losses accept ``label_smoothing=eps``: ``forward`` then
trains on the targets ``y (1 - eps) + eps / K``, ``K`` the number of classes
(``n_outputs`` for softmax, 2 for each logistic output), and ``backward``
returns ``(output(Z) - y_smoothed) * w / sum(w)``. ``eps = 0`` (the default)
leaves the targets untouched.
"""

from ..backend import NUMPY

__all__ = [
    "Loss",
    "SoftmaxCrossEntropy",
    "BinaryCrossEntropy",
    "SquaredError",
    "PoissonDeviance",
    "EnsembleLoss",
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
    label_smoothing = 0.0
    average_outputs = False

    def reported(self, value, n_outputs):
        """The loss to report for ``value``, a result of :meth:`forward`
        on ``n_outputs`` outputs: ``value``, or ``value / n_outputs`` when
        ``average_outputs``."""
        if self.average_outputs and n_outputs > 1:
            return value / n_outputs
        return value

    def output(self, Z):
        """Apply the output link to ``Z`` (new array)."""
        return self.ops.link(self.link, Z)

    def evaluate(self, Z, y):
        """Return ``(output(Z), loss)``, the loss of shape (n_samples, n_out)."""
        return self.ops.link_and_loss(self.link, Z, y)

    def smooth(self, y, dtype=None):
        """The training targets of ``y``: ``y`` itself, or with label
        smoothing ``eps``, ``y (1 - eps) + eps / K`` (in ``dtype``)."""
        return y

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
            With label smoothing, the loss of the smoothed targets
            (:meth:`smooth`); ``evaluate`` takes its targets as given.
        """
        if self.label_smoothing:
            y = self.smooth(y, Z.dtype)
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


class _ClassificationLoss(Loss):
    """A loss of class probabilities, with optional label smoothing.

    Parameters
    ----------
    label_smoothing : float, default=0.0
        ``eps`` in [0, 1]: the targets become ``y (1 - eps) + eps / K``.
    """

    def __init__(self, label_smoothing=0.0):
        label_smoothing = float(label_smoothing)
        if not 0.0 <= label_smoothing <= 1.0:
            raise ValueError(
                f"label_smoothing must be in [0, 1], got {label_smoothing!r}"
            )
        self.label_smoothing = label_smoothing

    def _n_classes(self, y):
        raise NotImplementedError

    def smooth(self, y, dtype=None):
        eps = self.label_smoothing
        if not eps:
            return y
        y = self.ops.asarray(y, dtype=dtype)
        return y * (1.0 - eps) + eps / self._n_classes(y)

    def __repr__(self):
        eps = self.label_smoothing
        args = f"label_smoothing={eps!r}" if eps else ""
        return f"{type(self).__name__}({args})"


class SoftmaxCrossEntropy(_ClassificationLoss):
    """Softmax output with the negative log-likelihood ``-log p_y``
    (``-sum_k y_k log p_k`` for soft targets).

    Parameters
    ----------
    label_smoothing : float, default=0.0
        ``eps`` in [0, 1]: the one-hot targets become
        ``y (1 - eps) + eps / K``, ``K`` the number of columns.

    Examples
    --------
    >>> import numpy as np
    >>> loss = SoftmaxCrossEntropy(label_smoothing=0.1)
    >>> loss.smooth(np.array([[0.0, 1.0, 0.0, 0.0]]))
    array([[0.025, 0.925, 0.025, 0.025]])
    """

    link = "softmax"

    def _n_classes(self, y):
        return y.shape[1]


class BinaryCrossEntropy(_ClassificationLoss):
    """Logistic output per column with binary cross-entropy (binary or
    multilabel): ``log(1 + exp(z)) - y z``.

    Parameters
    ----------
    label_smoothing : float, default=0.0
        ``eps`` in [0, 1]: each 0/1 target becomes ``y (1 - eps) + eps / 2``
        (each column is a two-class problem).

    Examples
    --------
    >>> import numpy as np
    >>> BinaryCrossEntropy(label_smoothing=0.2).smooth(np.array([[0.0, 1.0]]))
    array([[0.1, 0.9]])
    """

    link = "logistic"

    def _n_classes(self, y):
        return 2


class SquaredError(Loss):
    """Identity output with half squared error ``(z - y)^2 / 2``.

    Parameters
    ----------
    average_outputs : bool, default=False
        Report the loss averaged over the outputs instead of summed (see
        :meth:`Loss.reported`); the gradient is that of the sum either way.
    """

    link = "identity"

    def __init__(self, average_outputs=False):
        self.average_outputs = bool(average_outputs)


class PoissonDeviance(Loss):
    """Exponential output with half Poisson deviance
    ``y log(y / exp(z)) - y + exp(z)``."""

    link = "exp"


class EnsembleLoss(Loss):
    """The mean of ``k`` ensemble members' losses, for a network whose
    training output stacks the members' rows (see
    :class:`~skdeep.nn.EnsembleInput`).

    Given outputs ``Z`` of ``k * n`` rows for ``n`` targets, the targets and
    sample weights are repeated for each member and ``loss`` evaluates all
    rows at once: its weighted mean over the ``k * n`` rows is the mean of
    the members' losses. Given ``n`` rows (the ensemble's prediction, as in
    validation) it is ``loss`` itself.

    Parameters
    ----------
    loss : Loss
        The members' loss (its link, label smoothing and reporting are
        kept).
    k : int
        Number of members.
    """

    def __init__(self, loss, k):
        self.loss = loss
        self.k = int(k)

    @property
    def link(self):
        return self.loss.link

    @property
    def ops(self):
        return self.loss.ops

    @ops.setter
    def ops(self, ops):
        self.loss.ops = ops

    @property
    def label_smoothing(self):
        return self.loss.label_smoothing

    def output(self, Z):
        return self.loss.output(Z)

    def evaluate(self, Z, y):
        return self.loss.evaluate(Z, y)

    def reported(self, value, n_outputs):
        return self.loss.reported(value, n_outputs)

    def forward(self, Z, y, sample_weight=None):
        if Z.shape[0] != y.shape[0]:
            ops = self.loss.ops
            y = ops.tile_rows(ops.asarray(y), self.k)
            if sample_weight is not None:
                sample_weight = ops.tile_rows(ops.asarray(sample_weight), self.k)
        return self.loss.forward(Z, y, sample_weight)

    def backward(self):
        return self.loss.backward()

    def __repr__(self):
        return f"EnsembleLoss({self.loss!r}, k={self.k})"


#: dict of str to Loss class: the losses by output link name.
LOSSES = {
    cls.link: cls
    for cls in (SoftmaxCrossEntropy, BinaryCrossEntropy, SquaredError, PoissonDeviance)
}
