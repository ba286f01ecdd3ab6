"""The torch backend's optimizer steps: torch's fused one-pass kernels
(``torch._fused_adam_``, ``_fused_sgd_``, ``_fused_adagrad_``) on CPU and
CUDA, driven so as to keep this package's optimizer state exactly (see each
step's docstring), with in-place torch operations where a kernel is missing
(older torch, MPS)."""

import math

import torch

__all__ = ["TorchOptimizerSteps"]


class TorchOptimizerSteps:
    """The ``*_step`` methods of :class:`~skdeep.backend._torch.TorchBackend`
    (a mixin: it needs ``device``, and ``_step``/``_fused`` set to None)."""

    # torch's fused kernels (one pass over the arrays, on CPU and CUDA) keep
    # their own state: Adam's moments are ``(1 - b) * ours``. They are driven
    # here so that our state goes in and comes out, and the update is ours
    # up to rounding: the step count is 2**60, so that the bias corrections
    # ``1 - b**step`` are exactly 1 (for ``0 <= b < 1``); weight decay is the
    # kernel's, on ``params[:n_decay]`` only (two calls).
    def _step_count(self):
        """The fused kernels' step count: a float32 2**60 on the device."""
        if self._step is None:
            self._step = torch.full((), 2**60, dtype=torch.float32, device=self.device)
        return self._step

    def _use_fused(self, kernel, params, *betas):
        """Whether to call torch's fused ``kernel`` (betas in [0, 1))."""
        if self._fused is None:
            self._fused = _fused_kernels(self.device, self._step_count())
        floats = params.dtype in (torch.float32, torch.float64)
        return floats and kernel in self._fused and all(0 <= b < 1 for b in betas)

    def _fused_adam(self, params, grads, m, v, decay, n_decay, **kwargs):
        """torch's fused Adam, with weight decay on ``params[:n_decay]``."""
        for part, wd in _parts(params.shape[0], decay, n_decay):
            torch._fused_adam_(
                [params[part]], [grads[part]], [m[part]], [v[part]], [],
                [self._step_count()], weight_decay=wd, amsgrad=False,
                maximize=False, **kwargs,
            )  # fmt: skip

    def sgd_step(
        self, params, grads, buf, velocity, lr, momentum, nesterov, decay=0.0, n_decay=0
    ):
        """SGD with (Nesterov) momentum; ``grads`` and ``buf`` are scratch.

        ``velocity <- momentum * velocity - lr * grads; params += velocity``
        (Nesterov: ``params += momentum * velocity - lr * grads``). With
        momentum, torch's fused SGD on ``-lr * grads`` (weight decay
        ``-lr * decay``), ``lr=-1``, keeps this velocity: two passes.
        """
        if momentum > 0 and self._use_fused("sgd", params):
            grads.mul_(-lr)
            for part, wd in _parts(params.shape[0], -lr * decay, n_decay):
                torch._fused_sgd_(
                    [params[part]], [grads[part]], [velocity[part]],
                    weight_decay=wd, momentum=momentum, lr=-1.0, dampening=0.0,
                    nesterov=nesterov, maximize=False, is_first_step=False,
                )  # fmt: skip
            return
        _add_decay(params, grads, decay, n_decay)
        grads.mul_(lr)
        velocity.mul_(momentum).sub_(grads)
        if nesterov:
            torch.mul(velocity, momentum, out=buf)
            params.add_(buf.sub_(grads))
        else:
            params.add_(velocity)

    def adam_step(
        self, params, grads, buf, m, v, beta_1, beta_2, step_size, epsilon,
        decay=0.0, n_decay=0,
    ):  # fmt: skip
        """Adam on unnormalized moments (``m <- b1 m + g``, ``v <- b2 v +
        g^2``, ``params -= step_size * m / (sqrt(v) + epsilon)``).

        The fused kernel's ``m <- b1 m + (1 - b1) g'``, ``v <- b2 v + (1 - b2)
        g'^2``, given ``g' = c g`` (``c = 1 / sqrt(1 - b2)``), keeps our ``v``
        and ``a = (1 - b1) c`` times our ``m``: three passes, scaling ``grads``
        and ``m`` before, ``m`` after (``m``, whose rounding fades faster).
        """
        if self._use_fused("adam", params, beta_1, beta_2):
            c = 1.0 / math.sqrt(1.0 - beta_2)
            a = (1.0 - beta_1) * c
            torch._foreach_mul_([grads, m], [c, a])
            self._fused_adam(
                params, grads, m, v, decay * c, n_decay, lr=step_size / a,
                beta1=beta_1, beta2=beta_2, eps=epsilon,
            )  # fmt: skip
            m.div_(a)
            return
        _add_decay(params, grads, decay, n_decay)
        torch.add(grads, m, alpha=beta_1, out=m)
        v.mul_(beta_2).addcmul_(grads, grads)
        torch.sqrt(v, out=buf).add_(epsilon)
        params.addcdiv_(m, buf, value=-step_size)

    def adagrad_step(
        self, params, grads, buf, sum_squares, lr, epsilon, decay=0.0, n_decay=0
    ):
        """AdaGrad: ``G += g^2``, ``params -= lr g / (sqrt(G) + eps)``; the
        fused kernel (``lr_decay=0``) computes exactly this, in one pass."""
        if self._use_fused("adagrad", params):
            for part, wd in _parts(params.shape[0], decay, n_decay):
                torch._fused_adagrad_(
                    [params[part]], [grads[part]], [sum_squares[part]],
                    [self._step_count()], lr=lr, lr_decay=0.0, weight_decay=wd,
                    eps=epsilon, maximize=False,
                )  # fmt: skip
            return
        _add_decay(params, grads, decay, n_decay)
        sum_squares.addcmul_(grads, grads)
        _scaled_step(params, grads, sum_squares, buf, lr, epsilon)

    def rmsprop_step(
        self, params, grads, buf, mean_squares, lr, rho, epsilon, decay=0.0,
        n_decay=0,
    ):  # fmt: skip
        """RMSProp: ``v += (1 - rho)(g^2 - v)``, ``params -= lr g /
        (sqrt(v) + eps)``.

        This is the fused Adam kernel with ``beta1=0`` (its first moment is
        the gradient: kept in ``grads``) and ``beta2=rho``: one pass.
        """
        if self._use_fused("adam", params, rho):
            self._fused_adam(
                params, grads, grads, mean_squares, decay, n_decay, lr=lr,
                beta1=0.0, beta2=rho, eps=epsilon,
            )  # fmt: skip
            return
        _add_decay(params, grads, decay, n_decay)
        mean_squares.mul_(rho).addcmul_(grads, grads, value=1 - rho)
        _scaled_step(params, grads, mean_squares, buf, lr, epsilon)


def _fused_kernels(device, step):
    """The names of torch's fused optimizer kernels that run on ``device``
    (CPU and CUDA only; which, depends on the torch version): tried once."""
    if device.type not in ("cpu", "cuda"):
        return frozenset()

    def one():
        return torch.ones(1, device=device)

    tries = {
        "sgd": lambda: torch._fused_sgd_(
            [one()], [one()], [one()], weight_decay=0.0, momentum=0.5, lr=0.1,
            dampening=0.0, nesterov=False, maximize=False, is_first_step=False,
        ),
        "adam": lambda: torch._fused_adam_(
            [one()], [one()], [one()], [one()], [], [step], lr=0.1, beta1=0.9,
            beta2=0.9, weight_decay=0.0, eps=1e-8, amsgrad=False, maximize=False,
        ),
        "adagrad": lambda: torch._fused_adagrad_(
            [one()], [one()], [one()], [step], lr=0.1, lr_decay=0.0,
            weight_decay=0.0, eps=1e-8, maximize=False,
        ),
    }  # fmt: skip
    found = set()
    for name, call in tries.items():
        try:
            call()
        except (AttributeError, NotImplementedError, RuntimeError, TypeError):
            continue
        found.add(name)
    return frozenset(found)


def _parts(n, decay, n_decay):
    """``(slice, weight decay)`` of the parts of a parameter vector of size
    ``n``: ``decay`` on the first ``n_decay``, 0 on the rest (empty left out)."""
    n_decay = min(n_decay, n) if decay else 0
    parts = ((slice(0, n_decay), decay), (slice(n_decay, n), 0.0))
    return [(part, wd) for part, wd in parts if part.stop > part.start]


def _add_decay(params, grads, decay, n_decay):
    """``grads[:n_decay] += decay * params[:n_decay]``."""
    if decay and n_decay:
        grads[:n_decay].add_(params[:n_decay], alpha=decay)


def _scaled_step(params, grads, squares, buf, learning_rate, epsilon):
    """``params -= lr * grads / (sqrt(squares) + eps)``, using ``buf``."""
    torch.sqrt(squares, out=buf).add_(epsilon)
    params.addcdiv_(grads, buf, value=-learning_rate)
