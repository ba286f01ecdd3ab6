"""
Activation functions and saturation
===================================

A hidden unit computes ``h = g(a)`` from its pre-activation ``a``, and
backpropagation multiplies the gradient that reaches it by ``g'(a)``. Where
``g'`` is near zero the unit is *saturated*: it passes almost no gradient to
the layers below, and a deep stack of such units learns slowly or not at all.

This example plots the hidden activations of :class:`skdeep.MLPClassifier`
with their derivatives, then trains the same five-hidden-layer network with
the logistic sigmoid, tanh and the rectified linear unit and compares their
learning curves and how many of their units are saturated.
"""

# %%
# The activations and their derivatives
# -------------------------------------
# The activations are the layer objects of :mod:`skdeep.nn`
# (:data:`skdeep.nn.ACTIVATIONS`): ``function`` computes ``g(a)`` and
# ``derivative`` multiplies an incoming gradient by ``g'(a)``, exactly as in
# the backward pass of a network.
import warnings

import matplotlib.pyplot as plt
import numpy as np
from sklearn.datasets import load_digits
from sklearn.exceptions import ConvergenceWarning
from sklearn.model_selection import train_test_split
from sklearn.preprocessing import StandardScaler

from skdeep import MLPClassifier
from skdeep.nn import ACTIVATIONS

a = np.linspace(-5, 5, 401)
NAMES = ["logistic", "tanh", "relu", "leaky_relu", "elu", "gelu", "silu"]

fig, (ax_g, ax_d) = plt.subplots(1, 2, figsize=(10, 4), layout="constrained")
for name in NAMES:
    g = ACTIVATIONS[name]()
    h = g.function(a.copy())
    dh = g.derivative(a.copy(), h.copy(), np.ones_like(a))
    style = "-" if name in ("logistic", "tanh", "relu") else ":"
    ax_g.plot(a, h, style, label=name)
    ax_d.plot(a, dh, style, label=name)
ax_g.set(xlabel="pre-activation a", ylabel="g(a)", title="Activation", ylim=(-1.5, 3))
ax_d.set(xlabel="pre-activation a", ylabel="g'(a)", title="Derivative")
ax_d.legend(ncol=2, fontsize="small")
for ax in (ax_g, ax_d):
    ax.grid(alpha=0.3)
    ax.axvline(0, color="0.6", linewidth=0.8)

# %%
# The logistic sigmoid's derivative ``g(1 - g)`` is at most 0.25 and tanh's
# ``1 - g**2`` at most 1; both vanish for large ``|a|``. The rectifier's is
# exactly 1 for ``a > 0`` and 0 below: a unit whose pre-activation is
# negative for every input is *dead*. The dotted variants (leaky ReLU, ELU,
# GELU, SiLU) keep a small gradient for negative ``a``.
#
# The same network with three activations
# ---------------------------------------
# Five hidden layers of 64 units on the standardized digits, trained by
# SGD with momentum for 30 epochs. With ``early_stopping=True`` and a
# patience longer than the run, every epoch is scored on a held-out 20 %
# without stopping early, and the scores land in ``history_``.
X, y = load_digits(return_X_y=True)
X_train, X_test, y_train, y_test = train_test_split(
    X, y, test_size=0.3, stratify=y, random_state=0
)
scaler = StandardScaler().fit(X_train)
X_train, X_test = scaler.transform(X_train), scaler.transform(X_test)

models = {}
for name in ["logistic", "tanh", "relu"]:
    clf = MLPClassifier(
        hidden_layer_sizes=(64,) * 5,
        activation=name,
        solver="sgd",
        learning_rate_init=0.05,
        momentum=0.9,
        max_iter=30,
        early_stopping=True,
        validation_fraction=0.2,
        n_iter_no_change=100,
        random_state=0,
    )
    with warnings.catch_warnings():
        # 30 epochs are not convergence; that is the point
        warnings.simplefilter("ignore", ConvergenceWarning)
        clf.fit(X_train, y_train)
    models[name] = clf
    print(f"{name:>8}: test accuracy {clf.score(X_test, y_test):.3f}")

fig, (ax_loss, ax_score) = plt.subplots(1, 2, figsize=(10, 4), layout="constrained")
for name, clf in models.items():
    epochs = [record["epoch"] for record in clf.history_]
    ax_loss.plot(epochs, [r["train_loss"] for r in clf.history_], label=name)
    ax_score.plot(epochs, [r["valid_score"] for r in clf.history_], label=name)
ax_loss.set(xlabel="epoch", ylabel="training loss", yscale="log", title="Training loss")
ax_score.set(xlabel="epoch", ylabel="accuracy", title="Validation accuracy")
ax_score.legend()
for ax in (ax_loss, ax_score):
    ax.grid(alpha=0.3)

# %%
# The logistic network does not learn at all in 30 epochs: its loss stays at
# ``log(10)``, chance level for ten classes. Each logistic layer multiplies
# the backpropagated gradient by at most 0.25, so after five layers the first
# layers receive almost nothing. tanh and ReLU train at once.
#
# How many units are saturated?
# -----------------------------
# We recompute the hidden pre-activations of the test set from the fitted
# ``coefs_`` and ``intercepts_`` and look at ``g'(a)`` for every (example,
# unit) pair: the fraction where it is below 5 % of its maximum (a logistic
# unit outside about ``0.026 < h < 0.974``, a tanh unit with ``|h| > 0.97``,
# a ReLU unit with ``a <= 0``), and its mean, the factor by which the layer
# scales the gradients passing through it.


def slopes_per_layer(clf, X):
    """g'(a) of every hidden layer on X, and the largest value g' takes."""
    g = ACTIVATIONS[clf.activation]()
    grid = np.linspace(-10, 10, 2001)
    max_slope = g.derivative(grid, g.function(grid.copy()), np.ones_like(grid)).max()
    slopes, h = [], X
    for W, b in zip(clf.coefs_[:-1], clf.intercepts_[:-1]):
        pre = h @ W + b
        h = g.function(pre.copy())
        slopes.append(g.derivative(pre, h.copy(), np.ones_like(pre)))
    return slopes, max_slope


fig, (ax_sat, ax_mean) = plt.subplots(1, 2, figsize=(10, 3.8), layout="constrained")
layers = np.arange(1, 6)
width = 0.27
for i, (name, clf) in enumerate(models.items()):
    slopes, max_slope = slopes_per_layer(clf, X_test)
    saturated = [np.mean(s < 0.05 * max_slope) for s in slopes]
    mean_slope = [np.mean(s) for s in slopes]
    ax_sat.bar(layers + (i - 1) * width, saturated, width, label=name)
    ax_mean.bar(layers + (i - 1) * width, mean_slope, width, label=name)
    print(
        f"{name:>8}: saturated {np.round(saturated, 2)}, "
        f"mean g' {np.round(mean_slope, 2)}"
    )
ax_sat.set(
    xlabel="hidden layer",
    ylabel="fraction of (example, unit) pairs",
    title="Saturated: g'(a) < 5 % of its maximum",
    xticks=layers,
    ylim=(0, 1),
)
ax_mean.set(
    xlabel="hidden layer",
    ylabel="mean g'(a)",
    title="Mean derivative (gradient scaling per layer)",
    xticks=layers,
)
ax_mean.legend()
plt.show()

# %%
# The logistic units are not in their tails: they sit near ``a = 0``, where
# ``g'`` is at its maximum of 0.25, and the network still fails. Five such
# layers scale the gradient by about ``0.25 ** 5 ~ 0.001`` on its way down
# (the weights multiply it too): the vanishing gradient. The ReLU units'
# "saturation" is their sparsity -- about half are inactive on a given
# example, while the active ones pass the gradient unchanged; that is
# harmless as long as each unit is active on some examples (one inactive on
# all of them is dead and never recovers).
#
# Initializations scaled to the fan-in and fan-out (``weight_init``, see the
# :ref:`user guide <user_guide>`) keep pre-activations in the sensitive range
# at the start, and batch normalization (``batch_norm=True``) keeps them there
# during training.
