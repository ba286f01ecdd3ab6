"""Layers of a parameter-efficient ensemble (after TabM, Gorishniy et al.,
ICLR 2025, and BatchEnsemble, Wen et al., 2020).

``k`` members share every layer between :class:`EnsembleInput` and
:class:`EnsembleHeads`: the input layer gives each member its own copy of
each row, scaled elementwise by the member's adapter, the shared layers
compute on the ``k * n`` rows at once (member-major: rows ``m * n`` to
``(m + 1) * n - 1`` are member ``m``'s), and each member has an output
head of its own. In training the ``k * n`` outputs go to the loss, which
averages the members' losses (:class:`~skdeep.nn.losses.EnsembleLoss`); in
prediction :class:`EnsembleMean` returns, for each row, the output whose
link is the mean of the members' (their mean probability, for a
classifier).
"""

import math

from .base import Layer

__all__ = ["EnsembleInput", "EnsembleHeads", "EnsembleMean"]


class EnsembleInput(Layer):
    """``k`` scaled copies of the input: ``out[m * n + i] = X[i] * r[m]``.

    Parameters
    ----------
    n_features : int
        Width of the input (and output).
    k : int
        Number of members.
    init : {"signs", "ones"}, default="signs"
        The adapters ``r`` (k, n_features) start as random signs (the
        members differ from the start, as in TabM) or ones.
    """

    fresh_output = True

    def __init__(self, n_features, k, init="signs"):
        super().__init__()
        self.n_features = int(n_features)
        self.k = int(k)
        if init not in ("signs", "ones"):
            raise ValueError(f"init must be 'signs' or 'ones', got {init!r}")
        self.init = init

    def param_specs(self):
        return [("r", (self.k, self.n_features), False)]

    def initialize(self, rng):
        r = self.params["r"]
        if self.init == "ones":
            r[...] = 1
        else:
            r[...] = 2.0 * rng.integers(0, 2, r.shape) - 1.0

    def forward(self, X, training=False):
        n = X.shape[0]
        out = X[None, :, :] * self.params["r"][:, None, :]
        if training:
            self._cache = X
        return out.reshape(self.k * n, self.n_features)

    def backward(self, dLdy):
        X = self._cache
        n = X.shape[0]
        G = dLdy.reshape(self.k, n, self.n_features)
        self.ops.sum_rows((G * X[None, :, :]).swapaxes(0, 1), out=self.grads["r"])
        if not self.needs_input_grad:
            return None
        return self.ops.sum_rows(G * self.params["r"][:, None, :])


class EnsembleHeads(Layer):
    """An affine output head per member: ``out[m * n + i] = X[m * n + i] @
    weight[m] + bias[m]``.

    Parameters
    ----------
    n_in : int
        Width of each member's input.
    n_out : int
        Outputs of each head.
    k : int
        Number of members.
    init : {"he_uniform", "zeros"}, default="he_uniform"
        The weights start He-uniform, ``U(-b, b)`` with ``b = sqrt(6 /
        n_in)``, or at zero (every member's prediction starts at its bias,
        0); biases start at zero.

    Notes
    -----
    The parameters are named ``weight`` (k, n_in, n_out), under weight
    decay, and ``bias`` (k, n_out), not ``W`` and ``b``: the heads are not
    among a network's ``weights_and_biases`` (nor an estimator's
    ``coefs_``).
    """

    fresh_output = True

    def __init__(self, n_in, n_out, k, init="he_uniform"):
        super().__init__()
        self.n_in, self.n_out, self.k = int(n_in), int(n_out), int(k)
        if init not in ("he_uniform", "zeros"):
            raise ValueError(f"init must be 'he_uniform' or 'zeros', got {init!r}")
        self.init = init

    def param_specs(self):
        return [
            ("weight", (self.k, self.n_in, self.n_out), True),
            ("bias", (self.k, self.n_out), False),
        ]

    def initialize(self, rng):
        weight = self.params["weight"]
        if self.init == "zeros":
            weight[...] = 0
        else:
            bound = math.sqrt(6.0 / self.n_in)
            weight[...] = rng.uniform(-bound, bound, weight.shape)
        self.params["bias"][...] = 0

    def forward(self, X, training=False):
        n = X.shape[0] // self.k
        H = X.reshape(self.k, n, self.n_in)
        Z = self.ops.batch_matmul(H, self.params["weight"])
        Z += self.params["bias"][:, None, :]
        if training:
            self._cache = H
        return Z.reshape(self.k * n, self.n_out)

    def backward(self, dLdy):
        H = self._cache
        n = H.shape[1]
        dZ = dLdy.reshape(self.k, n, self.n_out)
        ops = self.ops
        ops.batch_matmul(H.swapaxes(1, 2), dZ, out=self.grads["weight"])
        ops.sum_rows(dZ.swapaxes(0, 1), out=self.grads["bias"])
        if not self.needs_input_grad:
            return None
        dX = ops.batch_matmul(dZ, self.params["weight"].swapaxes(1, 2))
        return dX.reshape(self.k * n, self.n_in)


class EnsembleMean(Layer):
    """The members' outputs averaged through the output link, in prediction.

    In training the ``k * n`` member rows pass unchanged (the loss averages
    the members' losses). In prediction the (k * n, m) input becomes the
    (n, m) output ``A`` with ``link(A)`` the mean over the members of
    ``link(Z_m)`` (``ops.ensemble_mean``): the mean of the probabilities of
    a classifier, of the outputs of a regressor.

    Parameters
    ----------
    k : int
        Number of members.
    link : {"softmax", "logistic", "identity", "exp"}
        The output link of the loss that follows.
    """

    def __init__(self, k, link):
        super().__init__()
        self.k = int(k)
        self.link = link

    def forward(self, X, training=False):
        if training:
            return X
        n = X.shape[0] // self.k
        return self.ops.ensemble_mean(self.link, X.reshape(self.k, n, X.shape[1]))

    def backward(self, dLdy):
        return dLdy
