"""ONNX export of skdeep's estimators, through skl2onnx.

With the optional extra ``onnx`` (``pip install "scikit-deep[onnx]"``:
skl2onnx, onnx and onnxruntime), ``skl2onnx.to_onnx`` converts every
skdeep estimator, alone or inside a scikit-learn Pipeline, as it converts
scikit-learn's MLP::

    from skl2onnx import to_onnx
    onx = to_onnx(model, X[:1].astype("float32"))

Nothing is to be called: the converters are registered with skl2onnx when
both are imported, in any order (importing skdeep does not import
skl2onnx). :func:`register` does it by hand.

What converts: MLPClassifier (binary, multiclass, multilabel; the options
of scikit-learn's MLP converter: ``zipmap``, ``nocl``,
``output_class_labels``), MLPRegressor (squared error and Poisson), every
activation, dropout (the identity at prediction), batch normalization
(folded into the dense layer before it), the Autoencoder's ``transform``,
the tabular estimators with their preprocessing from the raw columns
(scaling, smooth clipping, missing indicators, one-hot codes and
embeddings, periodic and piecewise-linear embeddings, ensembles of heads
averaged), and the TabularPreprocessor alone. A DataFrame converts with one
input per column (numbers as float, double or int64 tensors; categories as
strings, ``'nan'`` or ``''`` for a missing one). The graph computes in the
input's dtype: float32 for float32 inputs, float64 for float64 ones.
"""

import importlib.abc
import importlib.util
import sys
import warnings

__all__ = ["register"]


def register():
    """Register skdeep's converters with skl2onnx (imported here).

    Returns
    -------
    aliases : list of str
        The skl2onnx aliases registered, one per estimator class.
    """
    from skl2onnx import update_registered_converter

    from ._converters import CONVERTERS

    aliases = []
    for cls, alias, shapes, convert, options in CONVERTERS:
        update_registered_converter(cls, alias, shapes, convert, options=options)
        aliases.append(alias)
    return aliases


def _register_quietly():
    try:
        register()
    except Exception as error:  # never break the user's import of skl2onnx
        warnings.warn(
            f"skdeep could not register its ONNX converters with skl2onnx: "
            f"{type(error).__name__}: {error}",
            RuntimeWarning,
        )


class _RegisterAfterImport(importlib.abc.MetaPathFinder):
    """Register the converters once skl2onnx is imported."""

    def find_spec(self, name, path=None, target=None):
        if name != "skl2onnx":
            return None
        sys.meta_path.remove(self)  # let the other finders find it
        try:
            spec = importlib.util.find_spec(name)
        finally:
            sys.meta_path.insert(0, self)
        if spec is None or spec.loader is None:
            return spec
        spec.loader = _Loader(spec.loader)
        return spec


class _Loader(importlib.abc.Loader):
    """skl2onnx's own loader, then the registration."""

    def __init__(self, loader):
        self.loader = loader

    def create_module(self, spec):
        return self.loader.create_module(spec)

    def exec_module(self, module):
        self.loader.exec_module(module)
        module.__spec__.loader = self.loader
        _register_quietly()

    def __getattr__(self, name):
        return getattr(self.loader, name)


def install():
    """Register now if skl2onnx is imported, else when it is."""
    if "skl2onnx" in sys.modules:
        _register_quietly()
    elif not any(isinstance(f, _RegisterAfterImport) for f in sys.meta_path):
        sys.meta_path.insert(0, _RegisterAfterImport())
