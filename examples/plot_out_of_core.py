"""
Out-of-core training from a memory-mapped file
==============================================

When the training set does not fit in memory, keep it on disk and let the
network see it one chunk at a time: :meth:`skdeep.MLPClassifier.partial_fit`
runs one epoch over the chunk it is given, so a pass over all chunks is one
epoch over the data set, read from disk a chunk at a time.

``early_stopping=True`` needs the whole training set in memory to hold out
its validation fraction, so out of core the early stopping is your own loop:
keep a held-out chunk, score it after every pass, copy the best model, and
stop when the score has not improved for a few passes.
"""

# %%
# A data set on disk
# ------------------
# 6 000 samples of 20 features are written to a ``numpy.memmap`` file and
# reopened read-only; slicing the memmap reads only the rows of the slice.
# The last 1 000 rows are held out for early stopping.
import copy
import tempfile
from pathlib import Path

import matplotlib.pyplot as plt
import numpy as np
from sklearn.datasets import make_classification

from skdeep import MLPClassifier

X, y = make_classification(
    n_samples=6_000,
    n_features=20,
    n_informative=10,
    n_classes=3,
    flip_y=0.1,
    random_state=0,
)
X = X.astype(np.float32)

folder = tempfile.TemporaryDirectory()
path = Path(folder.name)
X_file = np.memmap(path / "X.dat", dtype=np.float32, mode="w+", shape=X.shape)
X_file[:] = X
X_file.flush()
np.save(path / "y.npy", y)
del X_file, X, y  # from here on, the data are on disk only

X_disk = np.memmap(path / "X.dat", dtype=np.float32, mode="r", shape=(6_000, 20))
y_disk = np.load(path / "y.npy", mmap_mode="r")

n_train, chunk = 5_000, 1_000
chunks = [slice(start, start + chunk) for start in range(0, n_train, chunk)]
X_val, y_val = np.asarray(X_disk[n_train:]), np.asarray(y_disk[n_train:])
classes = np.unique(y_val)

# %%
# The training loop
# -----------------
# Each pass calls ``partial_fit`` once per chunk (``classes`` is required on
# the first call). After the pass, the held-out chunk is scored; the best
# model so far is kept with ``copy.deepcopy`` (``pickle`` works too), and
# the loop stops after ``patience`` passes without improvement.
model = MLPClassifier(
    hidden_layer_sizes=(128, 128),
    alpha=0.0,
    batch_size=64,
    learning_rate_init=3e-3,
    random_state=0,
)
patience, max_passes = 3, 40
best, best_score, scores = None, -np.inf, []
for _ in range(max_passes):
    for rows in chunks:
        model.partial_fit(X_disk[rows], y_disk[rows], classes=classes)
    scores.append(model.score(X_val, y_val))
    if scores[-1] > best_score:
        best, best_score = copy.deepcopy(model), scores[-1]
    elif len(scores) - 1 - int(np.argmax(scores)) >= patience:
        break

best_pass = int(np.argmax(scores)) + 1
print(f"stopped after {len(scores)} passes; best pass {best_pass}")
print(f"held-out accuracy of the kept model: {best.score(X_val, y_val):.3f}")

# %%
# ``history_`` has one record per ``partial_fit`` call, here one per chunk:
# its ``train_loss`` is the loss of the epoch over that chunk. The kept
# model's history ends at the best pass.
print(len(model.history_), "partial_fit calls;", len(best.history_), "in the kept one")
assert len(model.history_) == len(scores) * len(chunks)
assert len(best.history_) == best_pass * len(chunks)

# %%
# The curves
# ----------
# The training loss per chunk keeps falling as the network fits the noisy
# labels, while the held-out accuracy per pass levels off and drops; the
# loop keeps the model of the best pass.
calls = np.arange(1, len(model.history_) + 1) / len(chunks)
train_loss = [record["train_loss"] for record in model.history_]

fig, (ax_loss, ax_score) = plt.subplots(1, 2, figsize=(9, 3.5), layout="constrained")
ax_loss.plot(calls, train_loss)
ax_loss.set(xlabel="pass over the chunks", ylabel="training loss (per chunk)")
ax_score.plot(np.arange(1, len(scores) + 1), scores, marker="o")
ax_score.axvline(best_pass, color="gray", linestyle="--", label="kept model")
ax_score.set(xlabel="pass over the chunks", ylabel="held-out accuracy")
ax_score.legend()
plt.show()

folder.cleanup()
