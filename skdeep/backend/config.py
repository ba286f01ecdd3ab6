"""skdeep's global settings: the BLAS threads and the compiled epoch."""

import contextlib
from numbers import Integral

__all__ = ["config_context", "get_config", "set_config"]

_CONFIG = {"blas_threads": "auto", "compiled_epoch": "auto"}
_UNSET = object()


def _check_threads(value):
    if value is None or value == "auto":
        return value
    if isinstance(value, Integral) and not isinstance(value, bool) and value >= 1:
        return int(value)
    raise ValueError(
        f"blas_threads must be 'auto', None or an int >= 1; got {value!r} instead."
    )


def _check_compiled(value):
    if value == "auto" or isinstance(value, bool):
        return value
    raise ValueError(
        f"compiled_epoch must be 'auto', True or False; got {value!r} instead."
    )


def get_config():
    """Return skdeep's global settings.

    Returns
    -------
    config : dict
        ``{'blas_threads': ..., 'compiled_epoch': ...}``: see
        :func:`set_config`.
    """
    return dict(_CONFIG)


def set_config(*, blas_threads=_UNSET, compiled_epoch=_UNSET):
    """Set skdeep's global settings (those not given stay as they are).

    Parameters
    ----------
    blas_threads : 'auto', int or None, default='auto'
        BLAS threads of skdeep's training and predictions: ``'auto'``, one
        thread for networks whose largest matrix product of a batch is
        small (under 2**25 multiply-adds),
        the threads as they are otherwise; an int, that many for every
        network; None, never change them.
    compiled_epoch : 'auto', bool, default='auto'
        Train small dense networks with the compiled epoch (``pip install
        "scikit-deep[fast]"``; see the benchmarks page): ``'auto'``
        where it is faster, True wherever it applies, False never.

    Examples
    --------
    >>> import skdeep
    >>> skdeep.set_config(blas_threads=None)
    >>> skdeep.get_config()["blas_threads"] is None
    True
    >>> skdeep.set_config(blas_threads="auto")
    """
    if blas_threads is not _UNSET:
        _CONFIG["blas_threads"] = _check_threads(blas_threads)
    if compiled_epoch is not _UNSET:
        _CONFIG["compiled_epoch"] = _check_compiled(compiled_epoch)


@contextlib.contextmanager
def config_context(*, blas_threads=_UNSET, compiled_epoch=_UNSET):
    """Set skdeep's global settings inside a ``with`` block.

    Parameters
    ----------
    blas_threads, compiled_epoch
        See :func:`set_config`; those not given stay as they are.

    Examples
    --------
    >>> import skdeep
    >>> with skdeep.config_context(blas_threads=1):
    ...     skdeep.get_config()["blas_threads"]
    1
    """
    before = get_config()
    set_config(blas_threads=blas_threads, compiled_epoch=compiled_epoch)
    try:
        yield
    finally:
        _CONFIG.update(before)
