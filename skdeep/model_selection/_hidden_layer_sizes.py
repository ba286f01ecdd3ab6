"""``HiddenLayerSizes``: random network shapes for hyperparameter search
(public as :class:`skdeep.model_selection.HiddenLayerSizes`)."""

import math
from numbers import Integral

import numpy as np
from sklearn.utils import check_random_state

__all__ = ["HiddenLayerSizes"]


class HiddenLayerSizes:
    """Random network shapes: a ``hidden_layer_sizes`` distribution.

    Each draw picks a depth uniformly in ``[min_layers, max_layers]`` and a
    width log-uniformly among the integers of ``[min_units, max_units]``
    (every factor of two in width is equally likely), and returns the tuple
    that ``hidden_layer_sizes`` takes, e.g. ``(181, 181)``. It has the
    ``rvs`` method of scipy.stats distributions, so ``RandomizedSearchCV``
    and ``ParameterSampler`` sample it like any of them: reproducibly with
    their ``random_state``, and it pickles for parallel searches.

    Parameters
    ----------
    min_layers : int, default=1
        Fewest hidden layers.
    max_layers : int, default=3
        Most hidden layers.
    min_units : int, default=16
        Fewest units in a hidden layer.
    max_units : int, default=512
        Most units in a hidden layer.
    same_units : bool, default=True
        Whether every hidden layer of a draw has the same width (one width
        drawn per network) or each layer its own (one draw per layer). Equal
        widths work as well as or better than shrinking or growing ones
        (Bengio, 2012), and one width per network keeps the space small.

    See Also
    --------
    param_distributions : The search space that uses this distribution.

    References
    ----------
    Y. Bengio, "Practical recommendations for gradient-based training of
    deep architectures", in *Neural Networks: Tricks of the Trade*, 2nd ed.,
    Springer, 2012. https://arxiv.org/abs/1206.5533

    Examples
    --------
    >>> from skdeep.model_selection import HiddenLayerSizes
    >>> sizes = HiddenLayerSizes(max_layers=2, min_units=8, max_units=64)
    >>> sizes.rvs(random_state=0)
    (27,)
    >>> sizes.rvs(size=3, random_state=1)
    [(64, 64), (8,), (64, 64)]
    """

    def __init__(
        self, min_layers=1, max_layers=3, min_units=16, max_units=512, same_units=True
    ):
        for name, value, low in (
            ("min_layers", min_layers, 1),
            ("max_layers", max_layers, 1),
            ("min_units", min_units, 1),
            ("max_units", max_units, 1),
        ):
            if not isinstance(value, Integral) or isinstance(value, bool):
                raise TypeError(f"{name} must be an int, got {value!r}.")
            if value < low:
                raise ValueError(f"{name} must be >= {low}, got {value}.")
        if max_layers < min_layers:
            raise ValueError(
                f"max_layers ({max_layers}) must be >= min_layers ({min_layers})."
            )
        if max_units < min_units:
            raise ValueError(
                f"max_units ({max_units}) must be >= min_units ({min_units})."
            )
        self.min_layers = int(min_layers)
        self.max_layers = int(max_layers)
        self.min_units = int(min_units)
        self.max_units = int(max_units)
        self.same_units = bool(same_units)

    def rvs(self, size=None, random_state=None):
        """Draw network shapes.

        Parameters
        ----------
        size : int, default=None
            Number of draws. None draws one shape and returns it; an int
            returns a list of that many shapes.
        random_state : int, RandomState instance, Generator or None, \
default=None
            Source of randomness; an int gives the same draws every time.

        Returns
        -------
        sizes : tuple of int, or list of tuple of int
            ``hidden_layer_sizes`` values: one per hidden layer, the number
            of its units.
        """
        if isinstance(random_state, np.random.Generator):
            rng = random_state
            integers = rng.integers
        else:
            rng = check_random_state(random_state)
            integers = rng.randint
        if size is None:
            return self._draw(rng, integers)
        return [self._draw(rng, integers) for _ in range(int(size))]

    def _draw(self, rng, integers):
        depth = int(integers(self.min_layers, self.max_layers + 1))
        n_widths = 1 if self.same_units else depth
        # Log-uniform over the integers of [min_units, max_units]: floor of a
        # log-uniform real on [min_units, max_units + 1), so that the top
        # width is as likely as its neighbours.
        log_low = math.log(self.min_units)
        log_high = math.log(self.max_units + 1)
        widths = [
            min(int(math.exp(rng.uniform(log_low, log_high))), self.max_units)
            for _ in range(n_widths)
        ]
        if self.same_units:
            widths = widths * depth
        return tuple(widths)

    def __repr__(self):
        return (
            f"HiddenLayerSizes(min_layers={self.min_layers}, "
            f"max_layers={self.max_layers}, min_units={self.min_units}, "
            f"max_units={self.max_units}, same_units={self.same_units})"
        )

    def __eq__(self, other):
        if not isinstance(other, HiddenLayerSizes):
            return NotImplemented
        return vars(self) == vars(other)

    __hash__ = None


HiddenLayerSizes.__module__ = "skdeep.model_selection"
