"""The module paths of skdeep 0.1.0, for the models pickled with it.

A pickle (or a skops file) names each object's class by its module. In
0.1.0 the estimators lived in flat private modules (``skdeep._mlp``, ...),
which are now modules of :mod:`skdeep.estimators` and
:mod:`skdeep.model_selection`. Importing an old path gives the module that
holds its classes now, so those files load unchanged.
"""

import importlib
import importlib.abc
import importlib.util
import sys

__all__ = ["MOVED"]

#: dict: each module path of 0.1.0 that moved, to its module now.
MOVED = {
    "skdeep._mlp": "skdeep.estimators.mlp_classifier",
    "skdeep._mlp_regressor": "skdeep.estimators.mlp_regressor",
    "skdeep._autoencoder": "skdeep.estimators.autoencoder",
    "skdeep._tabular": "skdeep.estimators.tabular",
    "skdeep._distributions": "skdeep.model_selection._hidden_layer_sizes",
}


class _MovedModules(importlib.abc.MetaPathFinder, importlib.abc.Loader):
    """Import an old path as the module that replaced it."""

    def find_spec(self, name, path=None, target=None):
        if name not in MOVED:
            return None
        return importlib.util.spec_from_loader(name, self)

    def __init__(self):
        self._specs = {}

    def create_module(self, spec):
        module = importlib.import_module(MOVED[spec.name])
        self._specs[module.__name__] = module.__spec__
        return module

    def exec_module(self, module):
        """The module is already executed: only give it back its own spec
        (the import system set the old path's)."""
        module.__spec__ = self._specs.pop(module.__name__, module.__spec__)


def install():
    """Put the finder of the old paths on ``sys.meta_path`` (once)."""
    if not any(isinstance(finder, _MovedModules) for finder in sys.meta_path):
        sys.meta_path.append(_MovedModules())
