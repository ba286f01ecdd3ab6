"""
Exporting a model to ONNX
=========================

A fitted skdeep model converts to ONNX with skl2onnx (``pip install
"scikit-deep[onnx]"``), as scikit-learn's MLP does, and runs in onnxruntime
without Python, NumPy or skdeep. This example converts a pipeline ending in
an :class:`skdeep.MLPClassifier` with batch normalization and dropout, and a
:class:`skdeep.TabularMLPClassifier` fitted on a DataFrame with categories
and missing values, checks that onnxruntime predicts what ``predict_proba``
predicts, and times both per call.
"""

# %%
# A pipeline on digits
# --------------------
import time
import warnings

import matplotlib.pyplot as plt
import numpy as np
import onnxruntime as ort
import pandas as pd
from skl2onnx import to_onnx
from sklearn.datasets import load_digits
from sklearn.exceptions import ConvergenceWarning
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

from skdeep import MLPClassifier, TabularMLPClassifier

warnings.simplefilter("ignore", ConvergenceWarning)
X, y = load_digits(return_X_y=True)
X = X.astype(np.float32)
pipe = make_pipeline(
    StandardScaler(),
    MLPClassifier((64,), batch_norm=True, dropout=0.2, max_iter=50, random_state=0),
).fit(X, y)


def session_of(model, rows):
    onx = to_onnx(model, rows[:1], options={"zipmap": False})
    return ort.InferenceSession(
        onx.SerializeToString(), providers=["CPUExecutionProvider"]
    )


session = session_of(pipe, X)
labels, proba = session.run(None, {"X": X})
print("largest difference of the probabilities:",
      np.abs(proba - pipe.predict_proba(X)).max())
print("same labels:", (labels == pipe.predict(X)).mean())

# %%
# A table with categories and missing values
# ------------------------------------------
# One ONNX input per column: numbers as floats, categories as strings in
# object columns ('nan' for a missing one).
rng = np.random.default_rng(0)
n = 2000
table = pd.DataFrame(
    {
        "age": rng.integers(18, 80, n).astype(float),
        "income": rng.lognormal(10, 1, n),
        "job": rng.choice(["clerk", "nurse", "driver", "cook"], n).astype(object),
    }
)
table.loc[rng.random(n) < 0.1, "income"] = np.nan
target = ((table["age"] > 45) ^ (table["job"] == "nurse")).astype(int)
tabular = TabularMLPClassifier(max_iter=10, random_state=0).fit(table, target)

tabular_session = session_of(tabular, table)
feeds = {c: table[[c]].to_numpy() for c in table.columns}
_, tabular_proba = tabular_session.run(None, feeds)
print("tabular, largest difference:",
      np.abs(tabular_proba - tabular.predict_proba(table)).max())

# %%
# Time per call
# -------------
# onnxruntime pays little per call: it matters most for one row at a time.


def per_call(call, repeat=200):
    call()
    start = time.perf_counter()
    for _ in range(repeat):
        call()
    return (time.perf_counter() - start) / repeat * 1e6


rows = {1: X[:1], 100: X[:100], 1000: X[:1000]}
python_us = [per_call(lambda r=r: pipe.predict_proba(r)) for r in rows.values()]
onnx_us = [per_call(lambda r=r: session.run(None, {"X": r})) for r in rows.values()]

fig, ax = plt.subplots(figsize=(6, 3.5))
positions = np.arange(len(rows))
ax.bar(positions - 0.2, python_us, 0.4, label="skdeep predict_proba")
ax.bar(positions + 0.2, onnx_us, 0.4, label="onnxruntime")
ax.set_xticks(positions, [f"{b} rows" for b in rows])
ax.set_yscale("log")
ax.set_ylabel("microseconds per call")
ax.set_title("The digits pipeline, per call")
ax.legend()
fig.tight_layout()
plt.show()
