"""
Learning-rate decay on a plateau
================================

Start with a large learning rate, and divide it by a factor each time the
validation performance stops improving: large steps make fast progress
early, small steps settle into a minimum late.

``learning_rate='plateau'`` does this for every stochastic solver
(``'sgd'``, ``'adam'``, ``'adagrad'``, ``'rmsprop'``): each time more than
``plateau_patience`` epochs in a row fail to improve the validation score
(with ``early_stopping=True``; the training loss otherwise) by ``tol``, the
rate is divided by ``plateau_factor`` (2 by default). This example trains
the same regressor with a constant rate and with plateau decay.
"""

# %%
# Data and models
# ---------------
# Friedman's regression problem #1 (10 features, 5 of them informative),
# standardized. SGD with momentum, starting at a learning rate that is too
# large to converge at.
import warnings

import matplotlib.pyplot as plt
from sklearn.base import clone
from sklearn.datasets import make_friedman1
from sklearn.exceptions import ConvergenceWarning
from sklearn.model_selection import train_test_split
from sklearn.preprocessing import StandardScaler

from skdeep import MLPRegressor, TrainingHistoryDisplay

X, y = make_friedman1(n_samples=2000, noise=0.5, random_state=0)
X_train, X_test, y_train, y_test = train_test_split(
    X, y, test_size=0.25, random_state=0
)
scaler = StandardScaler().fit(X_train)
X_train, X_test = scaler.transform(X_train), scaler.transform(X_test)

constant = MLPRegressor(
    hidden_layer_sizes=(64, 64),
    solver="sgd",
    learning_rate_init=0.05,
    momentum=0.9,
    batch_size=32,
    early_stopping=True,
    n_iter_no_change=20,
    max_iter=300,
    random_state=0,
)
plateau = clone(constant).set_params(
    learning_rate="plateau", plateau_factor=2.0, plateau_patience=3
)
with warnings.catch_warnings(record=True) as caught:
    warnings.simplefilter("always", ConvergenceWarning)
    constant.fit(X_train, y_train)
print("constant rate:", *[str(w.message) for w in caught])
plateau.fit(X_train, y_train)

for name, model in [("constant", constant), ("plateau", plateau)]:
    print(
        f"{name:>8}: {model.n_iter_:3d} epochs, best validation R^2 "
        f"{model.best_validation_score_:.4f}, test R^2 "
        f"{model.score(X_test, y_test):.4f}"
    )

# %%
# The plateau schedule
# --------------------
# The rate of every epoch is in ``history_`` (and ``learning_rate_curve_``).
# :class:`~skdeep.TrainingHistoryDisplay` draws it on a log scale, with a
# marker at each drop, under the losses and the validation R^2.
display = TrainingHistoryDisplay.from_estimator(plateau)
display.ax_[0].set_yscale("log")
display.ax_[1].set_ylim(0.8, 1.0)
plt.show()

print("learning-rate drops at epochs", display.rate_drops.tolist())
print("final rate", plateau.learning_rate_curve_[-1])

# %%
# Each drop follows ``plateau_patience + 1 = 4`` epochs in a row that did not
# improve the best validation R^2 by at least ``tol``, and lets the loss fall
# further. Early stopping works as without decay: it counts the same
# non-improving epochs (but is not reset by a drop), stops after more than
# ``n_iter_no_change`` of them and restores the weights of the best epoch.
#
# Constant rate against plateau decay
# -----------------------------------
fig, ax = plt.subplots(figsize=(6.4, 3.6), layout="constrained")
for name, model in [("constant rate", constant), ("plateau decay", plateau)]:
    epochs = [record["epoch"] for record in model.history_]
    ax.plot(epochs, [r["valid_score"] for r in model.history_], label=name)
ax.set(
    xlabel="epoch",
    ylabel="validation R^2",
    ylim=(0.5, 1.0),
    title="SGD, initial learning rate 0.05",
)
ax.grid(alpha=0.3)
ax.legend()
plt.show()

# %%
# At the constant rate the steps are too large: the validation R^2 jumps
# around well below its optimum until the loss overflows after 18 epochs;
# skdeep then stops, warns and keeps the weights of the best epoch. The same
# start with plateau decay survives its noisy first epochs and reaches a much
# better fit. Halving is
# the classic choice; a larger ``plateau_factor`` decays faster, a larger
# ``plateau_patience`` waits longer before each drop. scikit-learn's own
# ``learning_rate='adaptive'`` (``'sgd'`` only) is the same idea with a
# factor of 5 and a patience of ``n_iter_no_change``.
