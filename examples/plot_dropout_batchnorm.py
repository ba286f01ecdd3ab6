"""
Dropout and batch normalization: training and validation curves
===============================================================

Four networks of the same shape are trained on scikit-learn's digits data
(standardized, 60% training / 40% validation): plain, with dropout, with
batch normalization, and with both. Each epoch we record the training loss
and the validation accuracy (``partial_fit``, one epoch per call), then plot
the curves side by side when matplotlib is installed (``pip install
matplotlib``); the final numbers are printed either way.
"""

# %%
import numpy as np
from sklearn.datasets import load_digits
from sklearn.model_selection import train_test_split
from sklearn.preprocessing import StandardScaler

from skdeep import MLPClassifier

X, y = load_digits(return_X_y=True)
X_train, X_val, y_train, y_val = train_test_split(
    X, y, test_size=0.4, stratify=y, random_state=0
)
scaler = StandardScaler().fit(X_train)
X_train, X_val = scaler.transform(X_train), scaler.transform(X_val)
classes = np.unique(y)

CONFIGS = {
    "plain": {},
    "dropout 0.5": {"dropout": 0.5},
    "batch norm": {"batch_norm": True},
    "dropout + batch norm": {"dropout": 0.5, "batch_norm": True},
}
N_EPOCHS = 60

# %%
curves = {}
for name, params in CONFIGS.items():
    clf = MLPClassifier(
        hidden_layer_sizes=(256, 128), alpha=0.0, random_state=0, **params
    )
    train_loss, val_acc = [], []
    for _ in range(N_EPOCHS):
        clf.partial_fit(X_train, y_train, classes=classes)
        train_loss.append(clf.loss_)
        val_acc.append(clf.score(X_val, y_val))
    curves[name] = (train_loss, val_acc, clf.score(X_train, y_train))

print(
    f"{'configuration':<22}{'train loss':>11}{'train acc':>10}{'val acc':>9}"
    f"{'best val acc (epoch)':>22}"
)
for name, (loss, acc, train_acc) in curves.items():
    best = int(np.argmax(acc))
    print(
        f"{name:<22}{loss[-1]:>11.4f}{train_acc:>10.4f}{acc[-1]:>9.4f}"
        f"{acc[best]:>15.4f} ({best + 1})"
    )

# %%
try:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
except ImportError:
    plt = None

if plt is not None:
    fig, (ax_loss, ax_acc) = plt.subplots(1, 2, figsize=(11, 4))
    for name, (loss, acc, _) in curves.items():
        epochs = np.arange(1, N_EPOCHS + 1)
        ax_loss.plot(epochs, loss, label=name)
        ax_acc.plot(epochs, acc, label=name)
    ax_loss.set(
        xlabel="epoch", ylabel="training loss", yscale="log", title="Training loss"
    )
    ax_acc.set(
        xlabel="epoch",
        ylabel="validation accuracy",
        title="Validation accuracy",
        ylim=(0.9, 1.0),
    )
    ax_acc.legend(loc="lower right")
    fig.tight_layout()
    fig.savefig("dropout_batchnorm.png", dpi=80)
    print("saved dropout_batchnorm.png")
