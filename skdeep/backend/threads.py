"""The BLAS threads of skdeep's own work: a thread policy.

A matrix product too small to gain from threads runs faster on one: the
threads' start and join cost more than they save, and when another process
holds a core, each product waits for the descheduled thread (a small
network then trains 30-50 times slower). So training and prediction run
with one BLAS thread when the largest product of one batch is below
:data:`SMALL_PRODUCT` multiply-adds (measured by
``benchmarks/bench_threads.py``), and with the threads as they are
otherwise. The limit is scoped: set for skdeep's work (through
threadpoolctl) and restored after it; it never raises a limit the user set.

``skdeep.set_config(blas_threads=...)`` chooses: ``'auto'`` (the policy,
the default), an int (that many threads for skdeep's work, whatever its
size) or None (leave the threads alone).
"""

import contextlib
import math
import threading

from .config import _CONFIG

__all__ = ["SMALL_PRODUCT", "blas_threads_for", "largest_product"]

#: int: multiply-adds of a batch's largest matrix product under which one
#: BLAS thread is used ('auto'). Measured crossover on two cores: a
#: 20-256-256-2 network with 256-row batches (16.8 million) still trains
#: faster on one thread; 784-512-256 with 128-row batches (51 million) on two.
SMALL_PRODUCT = 2**25

# products under this size run on one thread in the BLAS libraries anyway:
# no limit to set (and none of its cost per call)
_UNTHREADED = 2**16

_CONTROLLER = []
_LOCK = threading.Lock()


def _controller():
    """threadpoolctl's controller of the loaded BLAS libraries (made once:
    finding the libraries costs milliseconds), or None without threadpoolctl."""
    with _LOCK:
        if not _CONTROLLER:
            try:
                from threadpoolctl import ThreadpoolController
            except ImportError:  # pragma: no cover - scikit-learn needs it
                _CONTROLLER.append(None)
            else:
                _CONTROLLER.append(ThreadpoolController().select(user_api="blas"))
        return _CONTROLLER[0]


def _wanted(product):
    """The BLAS threads for a batch whose largest product is ``product``
    multiply-adds, or None to leave them."""
    setting = _CONFIG["blas_threads"]
    if setting == "auto":
        return 1 if _UNTHREADED <= product < SMALL_PRODUCT else None
    return setting


@contextlib.contextmanager
def blas_threads_for(product):
    """Run the block with the BLAS threads the policy gives ``product``.

    Parameters
    ----------
    product : int
        Multiply-adds of the largest matrix product of one batch.
    """
    threads = _wanted(product)
    controller = None if threads is None else _controller()
    libraries = [] if controller is None else controller.lib_controllers
    # the libraries' own calls: microseconds ('auto' asks for one thread,
    # so it never raises a limit the user set)
    changed = [(lib, lib.get_num_threads()) for lib in libraries]
    changed = [(lib, n) for lib, n in changed if n is not None and n != threads]
    for lib, _ in changed:
        lib.set_num_threads(threads)
    try:
        yield
    finally:
        for lib, n in changed:
            lib.set_num_threads(n)


def largest_product(network, rows):
    """Multiply-adds of the largest matrix product of ``network`` on a
    batch of ``rows`` rows."""
    sizes = [math.prod(W.shape) for W, _ in network.weights_and_biases()]
    return rows * max(sizes, default=0)
