"""Full-batch training with SciPy's L-BFGS-B."""

import copy

import numpy as np
import scipy.optimize

__all__ = ["fit_lbfgs"]


def fit_lbfgs(
    net,
    loss,
    X,
    y,
    sample_weight=None,
    *,
    alpha=0.0,
    max_iter=200,
    max_fun=15000,
    tol=1e-4,
    verbose=False,
    backend=None,
):
    """Minimize ``loss(net(X), y) + alpha / 2 * ||W||^2 / sum(w)`` with L-BFGS-B.

    The flat parameter vector of ``net`` is the optimization variable; it
    holds the solution on return. A KeyboardInterrupt (Ctrl-C) ends the
    optimization with the best parameters evaluated so far; the result then
    has ``interrupted=True``.

    Parameters
    ----------
    net : Sequential
        Initialized network.
    loss : Loss
        Loss with its output link.
    X : {ndarray, sparse matrix} of shape (n_samples, n_features)
        Inputs.
    y : ndarray of shape (n_samples, n_outputs)
        Targets.
    sample_weight : ndarray of shape (n_samples,), default=None
        Sample weights.
    alpha : float, default=0.0
        L2 penalty on the weights.
    max_iter, max_fun : int, default=200, 15000
        Bounds on iterations and function evaluations.
    tol : float, default=1e-4
        Gradient tolerance (``gtol``).
    verbose : bool, default=False
        Print ``Iteration N, loss = ...`` after each iteration.
    backend : backend, default=None
        Where the loss and gradient are computed (None: where the network
        is). SciPy's optimizer runs on the host; the data move once, the
        parameters and gradient at each evaluation.

    Returns
    -------
    result : scipy.optimize.OptimizeResult
        SciPy's result (``fun``, ``nit``, ``status``, ``message``), with
        ``loss``: ``fun`` with its data term as the loss reports it
        (:meth:`skdeep.nn.Loss.reported`: averaged over the outputs for a
        squared error with ``average_outputs=True``).
    """
    weight_sum = X.shape[0] if sample_weight is None else float(sample_weight.sum())
    coef = float(alpha) / weight_sum
    best = scipy.optimize.OptimizeResult(fun=np.inf, x=None, nit=0)
    home = net.ops
    ops = home if backend is None else backend
    net.to(ops)
    loss = copy.copy(loss)
    loss.ops = ops
    X, y = ops.asarray(X), ops.asarray(y)
    weights = None if sample_weight is None else ops.asarray(sample_weight)

    def objective(theta):
        net.params[...] = ops.asarray(theta.astype(net.dtype, copy=False))
        Z = net.forward(X, training=True, sample_weight=weights)
        value = loss.forward(Z, y, weights) + 0.5 * coef * net.l2_penalty()
        value = ops.item(value)
        net.backward(loss.backward())
        net.add_weight_decay(coef)
        if value < best.fun:
            best.fun, best.x = value, theta.copy()
        best.last = value
        return value, ops.to_numpy(net.grads).astype(np.float64)

    def count_iteration(*_):
        best.nit += 1
        if verbose:  # the last evaluation is the accepted iterate
            print("Iteration %d, loss = %.8f" % (best.nit, best.last))

    try:
        result = scipy.optimize.minimize(
            objective,
            ops.to_numpy(net.params).astype(np.float64),
            method="L-BFGS-B",
            jac=True,
            callback=count_iteration,
            options={"maxfun": max_fun, "maxiter": max_iter, "gtol": tol},
        )
        result.interrupted = False
    except KeyboardInterrupt:
        if best.x is None:
            raise
        result = best
        result.update(interrupted=True, status=-1, message="interrupted by user")
    finally:
        net.to(home)
    net.params[...] = result.x
    net.clear_caches()
    net.release_grads()
    result.loss = float(result.fun)
    if loss.reported(1.0, y.shape[1]) != 1.0:  # the data term as reported
        penalty = 0.5 * coef * float(net.ops.item(net.l2_penalty()))
        result.loss = float(loss.reported(result.fun - penalty, y.shape[1]) + penalty)
    return result
