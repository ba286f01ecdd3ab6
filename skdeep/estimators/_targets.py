"""What a classifier and a regressor make of their targets and outputs.

:class:`ClassifierNet`: labels encoded by scikit-learn's LabelBinarizer,
softmax (multiclass) or logistic (binary, multilabel) outputs, class
weights, ``predict``/``predict_proba``/``predict_log_proba``.
:class:`RegressorNet`: 2-D float targets, identity or exponential outputs,
``predict``.
"""

import numpy as np
from sklearn.base import ClassifierMixin, RegressorMixin
from sklearn.metrics import accuracy_score, r2_score
from sklearn.preprocessing import LabelBinarizer
from sklearn.utils.multiclass import type_of_target, unique_labels
from sklearn.utils.validation import column_or_1d

from ..data.unlabeled import drop_marker
from ..data.weights import check_sample_weight, class_sample_weight
from ..nn import LOSSES
from ._base import NeuralEstimator

__all__ = ["ClassifierNet", "RegressorNet"]


def _one_class_error(classes, name):
    label = classes[0].item() if hasattr(classes[0], "item") else classes[0]
    return ValueError(
        f"{name} needs samples of at least 2 classes in the data, but the "
        f"data contains only one class: {label!r}."
    )


class ClassifierNet(ClassifierMixin, NeuralEstimator):
    """A classifier's targets and outputs (with a ``class_weight``)."""

    _numeric_targets = False

    def _encode_targets(self, y, labeled, incremental, first_pass):
        """The 2-D training target and the labels of the labeled rows of
        validated targets ``y``; fits the label encoding on a first fit."""
        if y.ndim == 2 and y.shape[1] == 1:
            y = column_or_1d(y, warn=True)
        if labeled is not None:
            y = y[labeled]
        if first_pass and not incremental:
            self._label_binarizer = LabelBinarizer().fit(y)
            self.classes_ = self._label_binarizer.classes_
            if self._label_binarizer.y_type_ != "multilabel-indicator":
                if len(self.classes_) < 2:
                    raise _one_class_error(self.classes_, type(self).__name__)
        else:
            self._check_known_classes(y)
        return self._label_binarizer.transform(y), y

    def _check_known_classes(self, y):
        classes = unique_labels(y)
        if not self._warm_start():
            if len(np.setdiff1d(classes, self.classes_, assume_unique=True)):
                raise ValueError(
                    "`y` has classes not in `self.classes_`. "
                    f"`self.classes_` has {self.classes_}. 'y' has {classes}."
                )
        elif set(classes) != set(self.classes_):
            raise ValueError(
                "warm_start can only be used where `y` has the same classes as "
                "in the previous call to fit. Previously got "
                f"{self.classes_}, `y` has {classes}"
            )

    def _start_partial_fit(self, y, classes, marker=None):
        """On the first ``partial_fit`` call, fit the label encoding on
        ``classes`` (required then, the same afterwards; ``marker``, the
        target of unlabeled rows, names no class)."""
        known = getattr(self, "classes_", None)
        if known is None and classes is None:
            raise ValueError("classes must be passed on the first call to partial_fit.")
        if classes is None:
            return
        classes = unique_labels(drop_marker(classes, marker))
        if known is not None:
            if not np.array_equal(known, classes):
                raise ValueError(
                    "`classes=%r` is not the same as on last call to partial_fit, "
                    "was: %r" % (classes, known)
                )
            return
        self.classes_ = classes
        self._label_binarizer = LabelBinarizer()
        if type_of_target(y).startswith("multilabel"):
            self._label_binarizer.fit(y)
        else:
            self._label_binarizer.fit(classes)

    def _weigh_samples(self, labels, sample_weight, incremental, dtype):
        """``sample_weight`` times the weights of ``class_weight``."""
        if self.class_weight is None:
            return sample_weight
        weights = class_sample_weight(
            self.class_weight, labels, self.classes_, incremental
        )
        if sample_weight is not None:
            weights = weights * sample_weight
        return check_sample_weight(weights, labels.shape[0], dtype)

    def _output_link(self):
        multiclass = self._label_binarizer.y_type_ == "multiclass"
        return "softmax" if multiclass else "logistic"

    def _make_loss(self):
        return LOSSES[self._output_link()]()

    def _labels_from_output(self, P):
        if self.n_outputs_ == 1:
            P = P.ravel()
        return self._label_binarizer.inverse_transform(P)

    def _score_output(self, Z, y, sample_weight):
        P = LOSSES[self.out_activation_]().output(Z)
        return accuracy_score(
            y, self._labels_from_output(P), sample_weight=sample_weight
        )

    def predict(self, X):
        """Predict class labels.

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)
            The input data.

        Returns
        -------
        y : ndarray of shape (n_samples,) or (n_samples, n_classes)
            The predicted classes.
        """
        return self._labels_from_output(self._forward(X))

    def predict_proba(self, X):
        """Probability estimates.

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)
            The input data.

        Returns
        -------
        y_prob : ndarray of shape (n_samples, n_classes)
            Probability of each class, in the order of ``classes_``. With
            logistic outputs (binary, multilabel) they are clipped to
            ``[eps, 1 - eps]`` of their dtype, so never exactly 0 or 1.
        """
        P = self._forward(X)
        if self.out_activation_ == "logistic":
            # keep probabilities strictly inside (0, 1): expit rounds to 1.0
            eps = np.finfo(P.dtype).eps
            np.clip(P, eps, 1 - eps, out=P)
        if self.n_outputs_ == 1:
            P = P.ravel()
            return np.column_stack([1 - P, P])
        return P

    def predict_log_proba(self, X):
        """Logarithm of the probability estimates.

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)
            The input data.

        Returns
        -------
        log_y_prob : ndarray of shape (n_samples, n_classes)
            ``log(predict_proba(X))``.
        """
        proba = self.predict_proba(X)
        with np.errstate(divide="ignore"):
            return np.log(proba, out=proba)

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.classifier_tags.multi_label = True
        return tags


class RegressorNet(RegressorMixin, NeuralEstimator):
    """A regressor's targets and outputs."""

    _numeric_targets = True

    def _encode_targets(self, y, labeled, incremental, first_pass):
        """The 2-D training target of the labeled rows of validated
        targets ``y``, and no labels."""
        if y.ndim == 2 and y.shape[1] == 1:
            y = column_or_1d(y, warn=True)
        if self._output_link() == "exp" and np.any(y < 0):
            raise ValueError(
                "Some value(s) of y are negative which is not allowed for "
                "Poisson regression."
            )
        if labeled is not None:
            y = y[labeled]
        return y.reshape(y.shape[0], -1), None

    def _weigh_samples(self, labels, sample_weight, incremental, dtype):
        return sample_weight

    def _output_link(self):
        return "identity"

    def _make_loss(self):
        if self._output_link() == "identity":
            # averaged over the outputs as reported, as scikit-learn's
            return LOSSES["identity"](average_outputs=True)
        return LOSSES[self._output_link()]()

    def _score_output(self, Z, y, sample_weight):
        y_pred = LOSSES[self.out_activation_]().output(Z)
        return r2_score(y, y_pred, sample_weight=sample_weight)

    def predict(self, X):
        """Predict using the multi-layer perceptron.

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)
            The input data.

        Returns
        -------
        y : ndarray of shape (n_samples,) or (n_samples, n_outputs)
            The predicted values.
        """
        y_pred = self._forward(X)
        return y_pred.ravel() if y_pred.shape[1] == 1 else y_pred

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.target_tags.multi_output = True
        return tags
