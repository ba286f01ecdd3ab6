"""Compute backends: the operations seam of the numerical core.

Layers, losses, optimizers and the training loop do no arithmetic of their
own: they call the methods of a backend object, ``ops``, on the arrays it
holds. Two backends implement the same methods:

* :class:`NumpyBackend` (the default, ``device=None``): NumPy and SciPy on
  the host, with a one-pass compiled optimizer step when numba is
  installed (``pip install scikit-deep[fast]``);
* ``TorchBackend`` (``device='cuda'``, ``'cuda:1'``, ``'mps'``, ``'cpu'``):
  torch tensors on that device (``pip install scikit-deep[torch]``), imported
  only when a device is asked for.

The methods, grouped:

* arrays and transfers: ``asarray(X, dtype)`` (host to backend; the torch
  backend densifies sparse input), ``to_numpy``, ``zeros``, ``empty``,
  ``zeros_like``, ``empty_like``, ``copy``, ``index`` (host row indices),
  ``errstate`` (silence overflow on the way to divergence),
  ``synchronize``;
* reductions and checks: ``item`` (backend scalar to float), ``all_finite``,
  ``dot``, ``sum`` (backend scalars: floats on NumPy, device scalars on a
  *lazy* backend, read once per epoch), ``sum_rows(X, out)``,
  ``mean_rows``;
* linear algebra: ``matmul(A, B, out)``, ``matmul_tn(A, B, out)``
  (``A.T @ B``), ``matmul_nt(A, B)`` (``A @ B.T``), ``batch_matmul``;
* gathering and joining: ``hstack``, ``tile_rows(X, k)`` (``k`` copies of
  the rows, one after the other), ``as_indices``, ``index_add``;
* element-wise: ``sqrt``, ``exp``, ``log``, ``cos``, ``sin``,
  ``activation(name, X, out)`` and ``activation_grad(name, X, Y, dLdy)``
  (in place) for every hidden activation, ``link(name, Z)`` and
  ``link_and_loss(name, Z, y)`` for every output link, and
  ``ensemble_mean(name, Z)``: of ``k`` members' outputs, the output whose
  link is their mean (of the probabilities, for the classifiers' links);
* layers of element-wise passes, from the primitives above
  (``CompositeOps`` of ``skdeep.backend._composite``; the NumPy backend runs
  them in one-pass compiled kernels with numba): ``parametric_activation``
  and ``parametric_activation_grad``, ``dropout`` (mask and product);
* randomness, drawn on the host from the estimator's Generator so that a
  seed gives the same numbers on every backend: ``random``,
  ``dropout_mask``, ``keep_mask`` (masking noise);
* optimizer steps on the flat buffers, weight decay included:
  ``sgd_step``, ``adam_step``, ``adagrad_step``, ``rmsprop_step``.

Hand-written NumPy and torch classes fit this better than the array API
standard, which has no ``out=`` arguments and does not guarantee views: the
core keeps every parameter as a view of one flat buffer and computes in
place.
"""

from ._numpy import NUMPY, NumpyBackend

__all__ = ["NUMPY", "NumpyBackend", "get_backend"]


def get_backend(device=None):
    """Return the backend for ``device``.

    Parameters
    ----------
    device : str or None, default=None
        None for the NumPy backend; a torch device string (``'cpu'``,
        ``'cuda'``, ``'cuda:1'``, ``'mps'``) for the torch backend on it.

    Returns
    -------
    ops : backend

    Raises
    ------
    ImportError
        If a device is asked for and torch is not installed.
    ValueError
        If the device does not exist on this machine.
    """
    if device is None:
        return NUMPY
    if not isinstance(device, str):
        device = str(device)  # a torch.device
    try:
        from ._torch import get_torch_backend
    except ImportError as error:
        if getattr(error, "name", None) != "torch":
            raise
        raise ImportError(
            f"device={device!r} needs PyTorch, which is not installed; install it "
            "with `pip install scikit-deep[torch]`, or use device=None (NumPy)."
        ) from error
    return get_torch_backend(device)
