"""
Unsupervised pre-training with few labels
=========================================

A deep network of narrow logistic (sigmoid) layers is hard to train from a
random start, and harder still with few labels. Greedy layer-wise
pre-training (Bengio et al. 2007; Vincent et al. 2010) initializes each
hidden layer from a denoising autoencoder trained on the codes of the layer
below, using only the inputs, so that every unlabeled row helps; the whole
network is then fine-tuned with the labels.

With ``pretraining='autoencoder'``, :class:`skdeep.MLPClassifier` does this
before its usual training. ``unlabeled=-1`` marks the rows without a label,
scikit-learn's convention for semi-supervised data (as in
:class:`~sklearn.semi_supervised.SelfTrainingClassifier`): they serve the
pre-training only. This example compares a 4-layer sigmoid network trained
on 100 labeled digits alone with the same network pre-trained on those and
1,200 more unlabeled ones, over several random draws of the labeled rows.
"""

# %%
# Few labels, many unlabeled rows
# -------------------------------
# The digits are split once into a training part and a test part that no
# model sees. Of the training part, ``n_labeled`` random rows keep their
# label; the others are marked -1.
import warnings

import matplotlib.pyplot as plt
import numpy as np
from sklearn.datasets import load_digits
from sklearn.exceptions import ConvergenceWarning
from sklearn.model_selection import train_test_split

from skdeep import MLPClassifier

X, y = load_digits(return_X_y=True)
X = X / 16.0  # pixels in [0, 1]: the first autoencoder uses cross-entropy
X_train, X_test, y_train, y_test = train_test_split(
    X, y, test_size=0.25, stratify=y, random_state=0
)


def hide_labels(y, n_labeled, seed):
    """``y`` with all but ``n_labeled`` random rows marked -1."""
    keep = np.random.default_rng(seed).permutation(len(y))[:n_labeled]
    y_semi = np.full_like(y, -1)
    y_semi[keep] = y[keep]
    return y_semi


# %%
# The network and the two ways to train it
# ----------------------------------------
# Four hidden layers of 64 logistic units. Without pre-training it sees the
# labeled rows only; with it, every training row first trains the four
# autoencoders (15 epochs each, 20 % of each layer's inputs masked).
network = dict(
    hidden_layer_sizes=(64, 64, 64, 64),
    activation="logistic",
    learning_rate_init=0.01,
    batch_size=32,
    max_iter=400,
    n_iter_no_change=30,
    unlabeled=-1,
)


def test_accuracy(n_labeled, seed, pretraining):
    clf = MLPClassifier(
        **network,
        pretraining=pretraining,
        pretraining_max_iter=15,
        pretraining_corruption=0.2,
        random_state=seed,
    )
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        clf.fit(X_train, hide_labels(y_train, n_labeled, seed))
    return clf.score(X_test, y_test), clf


seeds = range(5)
label_counts = [100, 300]
scores = {
    (n, pretraining): [test_accuracy(n, seed, pretraining)[0] for seed in seeds]
    for n in label_counts
    for pretraining in (None, "autoencoder")
}
for (n, pretraining), values in scores.items():
    print(
        f"{n} labels, pretraining={pretraining!s:>11}: test accuracy "
        f"{np.mean(values):.3f} +- {np.std(values):.3f} "
        f"(min {np.min(values):.3f}, max {np.max(values):.3f})"
    )

# %%
# Accuracy with and without pre-training
# --------------------------------------
# Each dot is one draw of the labeled rows; the bars show the mean and one
# standard deviation over the draws.
fig, ax = plt.subplots(figsize=(6.4, 4))
for i, n in enumerate(label_counts):
    for j, (pretraining, color) in enumerate(
        [(None, "tab:gray"), ("autoencoder", "tab:blue")]
    ):
        values = scores[n, pretraining]
        x = 2 * i + j
        ax.bar(
            x,
            np.mean(values),
            yerr=np.std(values),
            color=color,
            alpha=0.5,
            capsize=4,
            label=f"pretraining={pretraining}" if i == 0 else None,
        )
        ax.plot(np.full(len(values), x), values, "o", color=color, ms=4)
ax.set_xticks([0.5, 2.5], [f"{n} labels" for n in label_counts])
ax.set_ylabel(f"test accuracy ({len(y_test)} digits)")
ax.set_ylim(0.5, 1)
ax.set_title("4 x 64 logistic units, the rest of 1,347 digits unlabeled")
ax.legend(loc="lower right")
fig.tight_layout()

# %%
# What the pre-training optimized
# -------------------------------
# ``pretraining_loss_curves_`` holds each layer's reconstruction loss per
# epoch (cross-entropy summed over the layer's inputs: its floor is their
# entropy, not 0). Every layer learns to reconstruct its input from a
# corrupted copy.
_, clf = test_accuracy(100, 0, "autoencoder")
fig, ax = plt.subplots(figsize=(6.4, 3.6))
for k, curve in enumerate(clf.pretraining_loss_curves_, start=1):
    ax.plot(np.arange(1, len(curve) + 1), curve, marker=".", label=f"layer {k}")
ax.set_xlabel("pre-training epoch")
ax.set_ylabel("reconstruction loss")
ax.legend()
fig.tight_layout()
plt.show()

# %%
# Where it helps
# --------------
# Pre-training matters where a random start is poor and labels are few: deep
# stacks of saturating units, as here. With ReLU units, batch normalization
# (which pre-training does not combine with) and plenty of labels, a network
# trained from a random start usually does as well.
