"""
Debugging a network: gradient check and small-data overfit
==========================================================

Two tricks of the trade catch most mistakes before a long training run:

* **Gradient checking** compares the analytic gradients of backpropagation
  with central finite differences ``(f(w + eps) - f(w - eps)) / (2 eps)``.
  :func:`skdeep.check_gradients` does it for an estimator's network and loss,
  :func:`skdeep.nn.check_layer_gradients` for one layer.
* **Overfitting a small dataset**: a network with enough capacity must learn
  about 50 training examples perfectly. If it cannot, the problem is not the
  data: suspect saturated units, wrong gradients, unnormalized inputs or a
  learning rate that is too large. :func:`skdeep.overfit_small` runs the test
  and reports what to suspect.
"""

# %%
# Gradient checking an estimator
# ------------------------------
# :func:`~skdeep.check_gradients` builds the estimator's network (without
# training it) and returns the largest relative error ``||a - n|| / (||a|| +
# ||n||)`` over its parameter arrays. In float64, below 1e-6 means the
# gradients are right. It covers every feature: dropout masks are drawn once
# and frozen, batch normalization backpropagates through the batch
# statistics.
import matplotlib.pyplot as plt
import numpy as np
from scipy.special import expit
from sklearn.datasets import load_digits
from sklearn.preprocessing import StandardScaler

from skdeep import MLPClassifier, MLPRegressor, check_gradients, overfit_small
from skdeep.nn import Activation, check_layer_gradients

X, y = load_digits(return_X_y=True)
X_scaled = StandardScaler().fit_transform(X)
X_few, y_few = X_scaled[:30], y[:30]  # two network evaluations per parameter

configurations = {
    "tanh": MLPClassifier(hidden_layer_sizes=(8, 8), activation="tanh"),
    "logistic, alpha=0.1": MLPClassifier(
        hidden_layer_sizes=(8, 8), activation="logistic", alpha=0.1
    ),
    "gelu": MLPClassifier(hidden_layer_sizes=(8, 8), activation="gelu"),
    "tanh + dropout": MLPClassifier(
        hidden_layer_sizes=(8, 8), activation="tanh", dropout=0.3
    ),
    "tanh + batch norm": MLPClassifier(
        hidden_layer_sizes=(8, 8), activation="tanh", batch_norm=True
    ),
    "regressor": MLPRegressor(hidden_layer_sizes=(8, 8), activation="tanh"),
}
for name, estimator in configurations.items():
    error = check_gradients(estimator, X_few, y_few)
    print(f"{name:>20}: relative error {error:.1e}")

# %%
# (The rectifiers are checked the same way, but their kink at 0 lets a
# finite difference straddle it now and then, so their error is not always
# as small.)
#
# Choosing the step
# -----------------
# Too large a step measures the curvature (the error of a central difference
# shrinks as ``eps**2``); too small a step drowns the difference in rounding
# (which grows as ``1e-16 / eps``). The default ``eps=1e-6`` sits in the
# valley between the two, where a correct float64 gradient checks to well
# below 1e-6.
steps = np.logspace(-10, -1, 19)
tanh_net = configurations["tanh"]
errors = [check_gradients(tanh_net, X_few, y_few, eps=eps) for eps in steps]

fig, ax = plt.subplots(figsize=(6.4, 3.8), layout="constrained")
ax.loglog(steps, errors, "o-")
ax.axvline(1e-6, color="0.5", linestyle="--", label="default eps=1e-6")
ax.set(
    xlabel="finite-difference step eps",
    ylabel="largest relative error",
    title="check_gradients: error against step size",
)
ax.grid(alpha=0.3, which="both")
ax.legend()

# %%
# Catching a wrong gradient
# -------------------------
# A layer of :mod:`skdeep.nn` computes ``forward`` and ``backward``; an
# activation only needs ``function`` and ``derivative``. Here is a softplus
# ``g(a) = log(1 + exp(a))`` whose derivative was copied from the logistic
# sigmoid's ``g(1 - g)`` -- a plausible slip, since softplus' true
# derivative is the sigmoid ``1 / (1 + exp(-a))``.


class BuggySoftplus(Activation):
    cache_input = True  # derivative() reads the input a

    def function(self, X, out=None):
        return np.logaddexp(0, X, out=out)

    def derivative(self, X, Y, dLdy):
        dLdy *= Y * (1 - Y)  # wrong: that is the sigmoid's derivative
        return dLdy


class Softplus(BuggySoftplus):
    def derivative(self, X, Y, dLdy):
        dLdy *= expit(X)
        return dLdy


rng = np.random.default_rng(0)
inputs = rng.standard_normal((20, 5))
for layer in (BuggySoftplus(), Softplus()):
    error = check_layer_gradients(layer, inputs, np.random.default_rng(0))
    print(f"{type(layer).__name__:>13}: relative error {error:.1e}")

# %%
# The buggy layer's error is of order 1; the fixed one's is at rounding
# level.
#
# Overfitting 50 examples
# -----------------------
# :func:`~skdeep.overfit_small` fits a clone of the estimator on a random
# subset of 50 examples and reports the training score, with diagnostics at
# initialization: the fraction of saturated (or dead) units per hidden
# layer, the norm of each layer's weight gradient, and the scale of the
# inputs. A sound configuration passes:
report = overfit_small(MLPClassifier(random_state=0), X_scaled, y)
print(report)

# %%
# Three broken configurations fail, each with its hints:
#
# * a learning rate far too large,
# * a deep stack of logistic units trained by plain SGD (vanishing
#   gradients, see :ref:`sphx_glr_auto_examples_plot_activations.py`),
# * raw inputs in the thousands with logistic units that saturate.
broken = {
    "learning_rate_init=10": (
        MLPClassifier(solver="sgd", learning_rate_init=10.0, random_state=0),
        X_scaled,
    ),
    "5 logistic layers, SGD": (
        MLPClassifier(
            hidden_layer_sizes=(32,) * 5,
            activation="logistic",
            solver="sgd",
            momentum=0.0,
            learning_rate_init=0.01,
            random_state=0,
        ),
        X_scaled,
    ),
    "unscaled inputs (x 100)": (
        MLPClassifier(
            activation="logistic",
            weight_init="glorot_normal",
            solver="sgd",
            random_state=0,
        ),
        X * 100,
    ),
}
reports = {"default, standardized": report}
for name, (estimator, inputs) in broken.items():
    reports[name] = overfit_small(estimator, inputs, y)
    print(f"--- {name}")
    print(reports[name])

# %%
# Each report points at its cause. The large rate makes the loss explode.
# The logistic stack's weight-gradient norms at initialization shrink by
# about a factor of 5 per layer towards the input (the vanishing gradient),
# so its loss barely moves. The unscaled inputs saturate 99 % of the first
# layer's units at once.
#
# The training loss on the 50 examples (``report.loss_curve``) tells the
# same story:
fig, ax = plt.subplots(figsize=(6.4, 3.8), layout="constrained")
for name, rep in reports.items():
    label = f"{name} ({'ok' if rep.succeeded else 'FAILED'})"
    ax.plot(np.arange(1, len(rep.loss_curve) + 1), rep.loss_curve, label=label)
ax.set(
    xlabel="epoch",
    ylabel="training loss",
    yscale="log",
    ylim=(1e-3, 1e2),
    title="overfit_small: 50 digits",
)
ax.grid(alpha=0.3)
ax.legend(fontsize="small")
plt.show()
