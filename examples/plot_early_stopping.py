"""
Early stopping and the restored best epoch
==========================================

The number of epochs is a hyperparameter like any other, and early stopping
chooses it on held-out data: track the validation score after every epoch,
stop when it has not improved for ``n_iter_no_change`` epochs (the "look
ahead"), and go back to the parameters of the best epoch.

With ``early_stopping=True``, :class:`skdeep.MLPClassifier` holds out
``validation_fraction`` of the training data (stratified by class), records
every epoch in ``history_`` and, when it stops, restores the weights of the
epoch with the best validation score. This example lets a large network
overfit noisy data, plots its history with
:class:`skdeep.TrainingHistoryDisplay` and checks that the fitted weights are
those of the best epoch.
"""

# %%
# A network that overfits
# -----------------------
# 1000 samples with 15 % of the labels flipped, a 256-256 network without
# weight decay (``alpha=0``): it will fit the noise if it trains long enough.
import warnings

import matplotlib.pyplot as plt
import numpy as np
from sklearn.base import clone
from sklearn.datasets import make_classification
from sklearn.exceptions import ConvergenceWarning
from sklearn.model_selection import train_test_split

from skdeep import MLPClassifier, TrainingHistoryDisplay

X, y = make_classification(
    n_samples=1000,
    n_features=20,
    n_informative=8,
    flip_y=0.15,
    class_sep=0.8,
    random_state=0,
)
X_train, X_test, y_train, y_test = train_test_split(X, y, test_size=0.3, random_state=0)

clf = MLPClassifier(
    hidden_layer_sizes=(256, 256),
    alpha=0.0,
    learning_rate_init=0.003,
    early_stopping=True,
    validation_fraction=0.2,
    n_iter_no_change=25,
    max_iter=300,
    random_state=0,
)
clf.fit(X_train, y_train)

# %%
# The history
# -----------
# ``history_`` has one record per epoch: ``epoch``, ``train_loss``,
# ``valid_loss``, ``valid_score``, ``learning_rate`` and ``seconds``.
keys = list(clf.history_[0])
print("  ".join(keys))
for record in clf.history_[:5]:
    print("  ".join(f"{record[key]:>{len(key)}.4g}" for key in keys))

# %%
# :meth:`TrainingHistoryDisplay.from_estimator
# <skdeep.TrainingHistoryDisplay.from_estimator>` draws the losses, the
# validation score and the learning rate, and marks the best epoch -- the
# one whose weights the estimator kept -- with a dashed line.
display = TrainingHistoryDisplay.from_estimator(clf)
plt.show()

# %%
# The training loss keeps falling while the validation loss turns up after a
# dozen epochs: from there on the network learns the flipped labels of its
# training rows. The validation accuracy peaks early and then wanders; after
# ``n_iter_no_change`` epochs without an improvement of at least ``tol``,
# training stops.
best_epoch = display.best_epoch
print(f"epochs run: {clf.n_iter_}, best epoch: {best_epoch}")
print(f"best validation accuracy: {clf.best_validation_score_:.4f}")
print(f"test accuracy of the restored model: {clf.score(X_test, y_test):.4f}")

# %%
# The fitted weights are the best epoch's
# ---------------------------------------
# Training is deterministic for a fixed ``random_state``, so a clone trained
# for exactly ``best_epoch`` epochs (with a patience that never triggers)
# ends with the same weights as the early-stopped model, bit for bit.
stopped_at_best = clone(clf).set_params(max_iter=best_epoch, n_iter_no_change=1000)
with warnings.catch_warnings():  # max_iter reached: "not converged"
    warnings.simplefilter("ignore", ConvergenceWarning)
    stopped_at_best.fit(X_train, y_train)
same = all(np.array_equal(a, b) for a, b in zip(clf.coefs_, stopped_at_best.coefs_))
print(f"weights identical to {best_epoch} epochs of training: {same}")

# %%
# Without early stopping, the same network trained for as many epochs as the
# early-stopped run (on all of its training rows, so slightly more data)
# ends in the overfitted state:
overfit = clone(clf).set_params(early_stopping=False, max_iter=clf.n_iter_)
with warnings.catch_warnings():
    warnings.simplefilter("ignore", ConvergenceWarning)
    overfit.fit(X_train, y_train)
print(f"test accuracy after {clf.n_iter_} epochs: {overfit.score(X_test, y_test):.4f}")

# %%
# ``n_iter_no_change`` trades time for safety: a short look-ahead may stop
# on a noisy dip, a long one costs epochs that are thrown away (here the 25
# after the best). ``tol`` sets how much better a score must be to count as
# an improvement. Early stopping is only available with the stochastic
# solvers (``'sgd'``, ``'adam'``, ``'adagrad'``, ``'rmsprop'``).
