"""A compiled training epoch for small dense networks (numba, optional).

On a small network the cost of a mini-batch is the dispatch of its few
dozen NumPy calls, not their arithmetic: a 20-64-64-2 network spends about
two thirds of each step outside the matrix products. The kernel here runs
many batches of an epoch in one compiled call: the rows gathered in the
epoch's order, the forward pass of dense layers and activations, the loss
and its gradient, the backward pass into the network's flat gradient, the
L2 penalty and the optimizer's step (the one-pass kernels of
:mod:`~skdeep.backend._fused`). The matrix products are BLAS calls, as in
the NumPy path; the element-wise work runs in compiled loops. Results agree
with the NumPy path to rounding (sums and products accumulate in another
order), not bit for bit.

What it covers: a :class:`~skdeep.nn.Sequential` of Dense layers with
biases, each hidden one followed by an ``identity``, ``relu``, ``tanh`` or
``logistic`` activation; the softmax, logistic and squared-error losses
without label smoothing; sample weights; Adam and SGD (with or without
(Nesterov) momentum). :mod:`skdeep.train.compiled` decides when to use it.

Nothing is imported or compiled until :func:`load` is called; the compiled
code is cached on disk as the fused steps are.
"""

import threading

import numpy as np

from . import _fused

__all__ = ["ACTIVATIONS", "LINKS", "load"]

#: Hidden activations the kernel computes, by code.
ACTIVATIONS = {"identity": 0, "relu": 1, "tanh": 2, "logistic": 3}
#: Output links (with their losses) the kernel computes, by code.
LINKS = {"softmax": 0, "logistic": 1, "identity": 2}

_LOCK = threading.Lock()
_KERNEL = []
# the compiled helpers and fused optimizer steps the kernel calls, set by
# load() before the kernel is compiled
_ADAM = _SGD = _ACTIVATE = _DERIVE = _LOSS = None


def load():
    """The compiled epoch kernel, or None without numba (imports numba and
    loads the kernel from its cache, or compiles it, on the first call)."""
    global _ADAM, _SGD, _ACTIVATE, _DERIVE, _LOSS
    with _LOCK:
        if not _KERNEL:
            if not _fused.available():
                _KERNEL.append(None)
            else:
                import numba

                kernels = _fused._load()
                _ADAM, _SGD = kernels["adam"], kernels["sgd"]
                jit = numba.njit(
                    cache=True, fastmath=False, error_model="numpy", nogil=True
                )
                _ACTIVATE, _DERIVE = jit(_activate), jit(_derive)
                _LOSS = jit(_loss_and_gradient)
                _KERNEL.append(jit(_epoch_kernel))
        return _KERNEL[0]


# ---- the kernel (plain Python until compiled by load) -------------------------
def _activate(H, rows, code):
    """Apply hidden activation ``code`` to ``H[:rows]`` in place."""
    if code == 0:
        return
    zero, one = H.dtype.type(0), H.dtype.type(1)
    for i in range(rows):
        for j in range(H.shape[1]):
            x = H[i, j]
            if code == 1:
                H[i, j] = x if x > zero else zero
            elif code == 2:
                H[i, j] = np.tanh(x)
            else:
                H[i, j] = one / (one + np.exp(-x))


def _derive(D, H, rows, code):
    """Multiply ``D[:rows]`` in place by the activation's derivative, from
    its output ``H``."""
    if code == 0:
        return
    zero, one = D.dtype.type(0), D.dtype.type(1)
    for i in range(rows):
        for j in range(D.shape[1]):
            y = H[i, j]
            if code == 1:
                if not y > zero:
                    D[i, j] = zero
            elif code == 2:
                D[i, j] *= one - y * y
            else:
                D[i, j] *= y * (one - y)


def _loss_and_gradient(Z, Y, rows_index, weights, rows, link):
    """The batch's weighted mean loss (float64), and its gradient in ``Z``
    written over ``Z[:rows]``; ``weights`` sum to one."""
    total = 0.0
    m = Z.shape[1]
    zero, one, half = Z.dtype.type(0), Z.dtype.type(1), Z.dtype.type(0.5)
    for i in range(rows):
        r = rows_index[i]
        w = weights[i]
        value = 0.0
        if link == 0:  # softmax and cross-entropy
            top = Z[i, 0]
            for j in range(1, m):
                top = max(top, Z[i, j])
            # one exp per entry: -sum y (s - log norm) with s = z - top is
            # log norm * sum y - sum y s
            norm = target_sum = target_dot = zero
            for j in range(m):
                shifted = Z[i, j] - top
                y = Y[r, j]
                target_sum += y
                target_dot += y * shifted
                e = np.exp(shifted)
                norm += e
                Z[i, j] = e
            value = np.log(norm) * target_sum - target_dot
            for j in range(m):
                Z[i, j] = (Z[i, j] / norm - Y[r, j]) * w
        elif link == 1:  # logistic and binary cross-entropy
            for j in range(m):
                z, y = Z[i, j], Y[r, j]
                value += np.logaddexp(zero, z) - y * z
                Z[i, j] = (one / (one + np.exp(-z)) - y) * w
        else:  # identity and half squared error
            for j in range(m):
                residual = Z[i, j] - Y[r, j]
                value += half * residual * residual
                Z[i, j] = residual * w
        total += value * w
    return total


def _epoch_kernel(
    X, Y, sample_weight, order, starts, stops, weight_sums,
    Ws, bs, gWs, gbs, codes, link, report_scale,
    params, grads, n_decay, alpha, kind, state_1, state_2, hyper, t,
    losses,
):
    """Train on batches ``starts[k]:stops[k]`` of ``order``; return
    ``(batches done, Adam's step count)``. ``losses[k]`` receives each
    batch's reported loss with its penalty (NaN for a batch of zero weight);
    a non-finite loss stops before its step."""
    n_layers = len(Ws)
    dtype = X.dtype.type
    rows_max = 0
    for k in range(starts.size):
        rows_max = max(rows_max, stops[k] - starts[k])
    inputs = np.empty((rows_max, X.shape[1]), X.dtype)
    # per layer: its output, and the gradient at its input (contiguous rows)
    hidden = [np.empty((rows_max, W.shape[1]), X.dtype) for W in Ws]
    below = [np.empty((rows_max, W.shape[0]), X.dtype) for W in Ws]
    weights = np.empty(rows_max, X.dtype)
    for k in range(starts.size):
        index = order[starts[k] : stops[k]]
        rows = index.size
        if not weight_sums[k] > 0:
            losses[k] = np.nan
            continue
        for i in range(rows):
            inputs[i] = X[index[i]]
        if sample_weight.size:
            total_weight = dtype(0)
            for i in range(rows):
                total_weight += sample_weight[index[i]]
            for i in range(rows):
                weights[i] = sample_weight[index[i]] / total_weight
        else:
            weights[:rows] = dtype(1.0 / rows)
        # forward
        for layer in range(n_layers):
            source = inputs[:rows] if layer == 0 else hidden[layer - 1][:rows]
            out = hidden[layer][:rows]
            np.dot(source, Ws[layer], out)
            out += bs[layer]
            if layer < n_layers - 1:
                _ACTIVATE(out, rows, codes[layer])
        Z = hidden[n_layers - 1][:rows]
        value = _LOSS(Z, Y, index, weights, rows, link) * report_scale
        decay = alpha / weight_sums[k]
        if decay:
            w = params[:n_decay]
            value += 0.5 * decay * np.dot(w, w)
        losses[k] = value
        if not np.isfinite(value):
            return k, t
        # backward: the gradient in Z is the last layer's output delta
        D = Z
        for layer in range(n_layers - 1, -1, -1):
            source = inputs[:rows] if layer == 0 else hidden[layer - 1][:rows]
            np.dot(source.T, D, gWs[layer])
            gb = gbs[layer]
            gb[:] = 0
            for i in range(rows):
                gb += D[i]
            if layer:
                D_below = below[layer][:rows]
                np.dot(D, Ws[layer].T, D_below)
                _DERIVE(D_below, hidden[layer - 1], rows, codes[layer - 1])
                D = D_below
        # the optimizer's step, weight decay included
        if kind == 0:  # Adam
            t += 1
            b1, b2, lr, eps = hyper[0], hyper[1], hyper[2], hyper[3]
            root = np.sqrt(1 - b2)
            correction = np.sqrt(1 - b2**t) / (1 - b1**t)
            step = lr * correction * (1 - b1) / root
            _ADAM(params, grads, state_1, state_2, b1, b2, step, eps / root,
                  decay, n_decay if decay else 0)
        else:  # SGD: hyper = (learning rate, momentum, nesterov)
            _SGD(params, grads, state_1, hyper[0], hyper[1], hyper[2] != 0,
                 decay, n_decay if decay else 0)
    return starts.size, t


# ---- the host side -------------------------------------------------------------
class EpochProgram:
    """The compiled epoch of one network: its layers' parameter views, its
    hidden activations and output link, bound once per training run.

    Parameters
    ----------
    weights, biases, weight_grads, bias_grads : list of ndarray
        Views of each dense layer's ``W`` and ``b`` and of their gradients
        (C-contiguous, of the network's dtype).
    activations : list of str
        The activation after each hidden dense layer (keys of
        :data:`ACTIVATIONS`).
    link : str
        The output link (a key of :data:`LINKS`).
    report_scale : float
        Factor of the reported loss (``1 / n_outputs`` for a squared error
        averaged over the outputs, else 1).
    """

    def __init__(self, weights, biases, weight_grads, bias_grads, activations,
                 link, report_scale=1.0):
        self.layers = (tuple(weights), tuple(biases), tuple(weight_grads),
                       tuple(bias_grads))
        self.codes = np.array([ACTIVATIONS[a] for a in activations] or [0], np.int64)
        self.link = LINKS[link]
        self.report_scale = float(report_scale)

    def run(self, X, y, sample_weight, host_weight, order, bounds, params,
            grads, n_decay, alpha, optimizer, chunk=64, between=None):
        """Train on the batches ``bounds`` of the rows ``order``.

        Parameters
        ----------
        X, y : ndarray
            Training rows and targets, C-contiguous, of the network's dtype.
        sample_weight, host_weight : ndarray or None
            The weights in the network's dtype, and as given (their sums
            scale the penalty, as in the NumPy path).
        order : ndarray of int or None
            The epoch's order of the rows (None: as given).
        bounds : list of (int, int)
            Each batch's first and last-plus-one position in ``order``.
        params, grads : ndarray
            The network's flat parameters and gradient.
        n_decay : int
            Leading entries of ``params`` under the L2 penalty.
        alpha : float
            The L2 penalty.
        optimizer : tuple
            ``('adam', m, v, (beta_1, beta_2, lr, epsilon), t)`` or
            ``('sgd', velocity, (lr, momentum, nesterov))``.
        chunk : int, default=64
            Batches per compiled call.
        between : callable or None, default=None
            Called after each compiled call; True stops the epoch there
            (Ctrl-C).

        Returns
        -------
        total : float
            The sum over the batches of each one's reported loss times its
            rows (batches of no weight left out).
        counted : int
            The rows of the batches counted in ``total``.
        status : {'done', 'diverged', 'stopped'}
            Every batch trained; a batch's loss was not finite (no step was
            taken on it, and none after); ``between()`` asked to stop.
        t : int
            Adam's step count after the batches.
        """
        kernel = load()
        n = X.shape[0]
        order = np.arange(n) if order is None else np.ascontiguousarray(order)
        starts = np.array([b[0] for b in bounds], np.int64)
        stops = np.array([b[1] for b in bounds], np.int64)
        if host_weight is None:
            sums = (stops - starts).astype(np.float64)
        else:
            sums = np.add.reduceat(np.asarray(host_weight, np.float64)[order], starts)
        weight = np.zeros(0, X.dtype) if sample_weight is None else sample_weight
        kind, state_1, state_2, hyper, t = _optimizer_arguments(optimizer)
        losses = np.full(len(bounds), np.nan)
        status = "done"
        for first in range(0, len(bounds), chunk):
            last = min(first + chunk, len(bounds))
            done, t = kernel(
                X, y, weight, order, starts[first:last], stops[first:last],
                sums[first:last], *self.layers, self.codes, self.link,
                self.report_scale, params, grads, int(n_decay), float(alpha),
                kind, state_1, state_2, hyper, t, losses[first:last],
            )
            if done < last - first:
                status = "diverged"
                break
            if between is not None and between():
                status = "stopped"
                break
        counted = ~np.isnan(losses)
        sizes = stops - starts
        total = float(np.dot(losses[counted], sizes[counted]))
        return total, int(sizes[counted].sum()), status, t


def _optimizer_arguments(optimizer):
    if optimizer[0] == "adam":
        _, m, v, hyper, t = optimizer
        return 0, m, v, np.array(hyper, np.float64), int(t)
    _, velocity, (lr, momentum, nesterov) = optimizer
    hyper = np.array([lr, momentum, float(nesterov), 0.0], np.float64)
    return 1, velocity, velocity, hyper, 0
