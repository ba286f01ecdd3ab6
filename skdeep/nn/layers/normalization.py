"""Batch normalization layer and its weighted-moment helpers."""

from .base import Layer

__all__ = ["BatchNorm"]


class BatchNorm(Layer):
    """Batch normalization of each unit, then a learned scale and shift.

    Training: ``x_hat = (x - mu_B) / sqrt(var_B + eps)`` with the (sample-
    weighted) mean and biased variance of the batch, ``y = gamma * x_hat +
    beta``; the backward pass goes through ``mu_B`` and ``var_B``.
    Prediction uses the running statistics (or population statistics set by
    :meth:`set_statistics`).

    The running statistics follow the rows seen, not the batches: after a
    batch they are the mean and variance of a mixture of their old values
    (weight ``1 - r``) and of the batch (weight ``r``), so with ``d = mu_B -
    mean``: ``mean <- mean + r d`` and ``var <- (1 - r) var + r (var_B +
    (1 - r) d^2)``. A batch of ``batch_rows`` rows has ``r = momentum``, a
    batch of ``n`` rows ``r = 1 - (1 - momentum) ** (n / batch_rows)``: a
    short trailing batch (even of one row, whose own variance is 0) moves
    them by its share only, and the estimates do not depend on how the rows
    were cut into batches.

    Parameters
    ----------
    n_units : int
        Number of units normalized.
    momentum : float, default=0.1
        Update rate of the running statistics for a batch of ``batch_rows``
        rows.
    eps : float, default=1e-5
        Added to the variance.
    batch_rows : int, default=None
        Batch size at which one batch moves the statistics by ``momentum``;
        None means every batch does, whatever its size.
    """

    uses_sample_weight = True
    fresh_output = True
    batch_rows = None

    def __init__(self, n_units, momentum=0.1, eps=1e-5, batch_rows=None):
        super().__init__()
        self.n_units = n_units
        self.momentum = momentum
        self.eps = eps
        self.batch_rows = batch_rows

    def param_specs(self):
        return [("gamma", (self.n_units,), False), ("beta", (self.n_units,), False)]

    def buffer_specs(self):
        return [("running_mean", (self.n_units,)), ("running_var", (self.n_units,))]

    def initialize(self, rng):
        self.params["gamma"][...] = 1
        self.params["beta"][...] = 0
        self.buffers["running_mean"][...] = 0
        self.buffers["running_var"][...] = 1

    def forward(self, X, training=False, sample_weight=None):
        ops = self.ops
        if not training:
            mean, var = self.buffers["running_mean"], self.buffers["running_var"]
            scale = self.params["gamma"] / ops.sqrt(var + self.eps)
            return (X - mean) * scale + self.params["beta"]
        w = _normalized_weights(sample_weight, X, ops)
        mean, var = _weighted_moments(X, w, ops)
        inv_std = 1.0 / ops.sqrt(var + self.eps)
        X_hat = (X - mean) * inv_std
        self._update_statistics(mean, var, X.shape[0])
        self._cache = (X_hat, inv_std, 1.0 / X.shape[0] if w is None else w)
        return X_hat * self.params["gamma"] + self.params["beta"]

    def backward(self, dLdy):
        X_hat, inv_std, w = self._cache
        ops = self.ops
        ops.sum_rows(dLdy * X_hat, out=self.grads["gamma"])
        ops.sum_rows(dLdy, out=self.grads["beta"])
        dX_hat = dLdy * self.params["gamma"]
        # dx_i = inv_std * (dxh_i - w_i sum_j dxh_j - w_i xh_i sum_j dxh_j xh_j)
        return inv_std * (
            dX_hat
            - w * (ops.sum_rows(dX_hat) + X_hat * ops.sum_rows(dX_hat * X_hat))
        )

    def _update_statistics(self, mean, var, n_rows):
        """Mix the batch's moments into the running statistics."""
        rate = self.momentum
        if self.batch_rows:
            rate = 1.0 - (1.0 - rate) ** (n_rows / self.batch_rows)
        running_mean = self.buffers["running_mean"]
        running_var = self.buffers["running_var"]
        diff = mean - running_mean
        running_var *= 1.0 - rate
        running_var += rate * (var + (1.0 - rate) * diff * diff)
        running_mean += rate * diff

    def set_statistics(self, X, sample_weight=None):
        """Set the running statistics to the (weighted) moments of ``X``."""
        w = _normalized_weights(sample_weight, X, self.ops)
        mean, var = _weighted_moments(X, w, self.ops)
        self.buffers["running_mean"][...] = mean
        self.buffers["running_var"][...] = var


def _normalized_weights(sample_weight, X, ops):
    """Weights summing to 1, shape (n_samples, 1), or None for the equal
    weights ``1/n``."""
    if sample_weight is None:
        return None
    w = ops.asarray(sample_weight, dtype=X.dtype).reshape(-1, 1)
    return w / w.sum()


def _weighted_moments(X, w, ops):
    """Weighted mean and biased variance of the columns of ``X`` (equal
    weights when ``w`` is None)."""
    if w is None:
        mean = ops.mean_rows(X)
        centered = X - mean
        return mean, ops.mean_rows(centered * centered)
    mean = ops.sum_rows(w * X)
    centered = X - mean
    return mean, ops.sum_rows(w * centered * centered)
