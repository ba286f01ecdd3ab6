"""FitData: the validated rows of one call of ``fit`` or ``partial_fit``."""

from dataclasses import dataclass
from typing import Any

__all__ = ["FitData"]


@dataclass
class FitData:
    """The data of one training call, validated and encoded.

    Attributes
    ----------
    X : {ndarray, sparse matrix} of shape (n_labeled, n_features)
        Features of the labeled rows.
    Y : ndarray of shape (n_labeled, n_outputs)
        Their targets as the loss takes them (one-hot or indicator columns
        for classification).
    labels : ndarray or None
        What validation scores compare with: the class labels of a
        classifier (1-D, or the indicator matrix of multilabel targets;
        also what stratifies the split), None for a regressor (``Y``).
    sample_weight : ndarray of shape (n_labeled,) or None
        Weights of the labeled rows (class weights multiplied in).
    X_all : {ndarray, sparse matrix} of shape (n_samples, n_features)
        Every row, the unlabeled ones too (for pre-training).
    sample_weight_all : ndarray of shape (n_samples,) or None
        Their weights, as given.
    """

    X: Any
    Y: Any
    labels: Any = None
    sample_weight: Any = None
    X_all: Any = None
    sample_weight_all: Any = None

    @property
    def n_outputs(self):
        """Number of target columns."""
        return self.Y.shape[1]
