"""
A neural network on a table with categories and missing values
===============================================================

:class:`skdeep.TabularMLPRegressor` takes a pandas DataFrame as it is:
numeric columns with missing values, categorical columns of few and of many
categories. This example builds such a table, whose target depends on a
periodic function of one feature, a threshold on another, and the
categories, and compares the tabular network with scikit-learn's
HistGradientBoostingRegressor and with a plain MLP behind the usual
preprocessing pipeline.
"""

# sphinx_gallery_thumbnail_number = 2

# %%
# A table like real ones
# ----------------------
import time
import warnings

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from sklearn.compose import make_column_transformer
from sklearn.ensemble import HistGradientBoostingRegressor
from sklearn.exceptions import ConvergenceWarning
from sklearn.impute import SimpleImputer
from sklearn.model_selection import train_test_split
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import OneHotEncoder, StandardScaler

from skdeep import MLPRegressor, TabularMLPRegressor

rng = np.random.default_rng(0)
n = 4000
hour = rng.uniform(0, 24, n)
size = rng.lognormal(3, 1, n)  # heavy-tailed
weather = rng.choice(["sun", "rain", "snow", "fog"], n, p=[0.5, 0.3, 0.1, 0.1])
store = rng.choice([f"store {i:02d}" for i in range(60)], n)
store_effect = dict(zip(sorted(set(store)), rng.normal(0, 1, 60)))
y = (
    2 * np.sin(2 * np.pi * hour / 24)
    + np.log(size)
    + 1.5 * (size > 40)
    - 1.0 * (weather == "snow")
    + np.array([store_effect[s] for s in store])
    + rng.normal(0, 0.3, n)
)
X = pd.DataFrame(
    {
        "hour": hour,
        "size": size,
        "weather": pd.Categorical(weather),
        "store": store.astype(object),
    }
)
X.loc[rng.random(n) < 0.15, "size"] = np.nan  # missing values
X.loc[rng.random(n) < 0.05, "weather"] = np.nan
X_train, X_test, y_train, y_test = train_test_split(X, y, random_state=0)
X.head()

# %%
# Three models at their defaults
# ------------------------------
# The tabular network and boosting take the DataFrame directly; the plain MLP
# needs the classic preprocessing pipeline in front of it.
plain = make_pipeline(
    make_column_transformer(
        (
            make_pipeline(SimpleImputer(add_indicator=True), StandardScaler()),
            ["hour", "size"],
        ),
        (
            make_pipeline(
                SimpleImputer(strategy="most_frequent"),
                OneHotEncoder(handle_unknown="ignore"),
            ),
            ["weather", "store"],
        ),
    ),
    MLPRegressor(random_state=0),
)
models = {
    "TabularMLPRegressor": TabularMLPRegressor(random_state=0),
    "HistGradientBoosting": HistGradientBoostingRegressor(
        categorical_features="from_dtype", random_state=0
    ),
    "MLPRegressor + pipeline": plain,
}
results = {}
for name, model in models.items():
    X_fit = X_train
    if name == "HistGradientBoosting":  # it needs category dtypes
        X_fit = X_train.astype({"store": "category"})
    start = time.perf_counter()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        model.fit(X_fit, y_train)
    seconds = time.perf_counter() - start
    X_eval = X_test if X_fit is X_train else X_test.astype({"store": "category"})
    results[name] = (model.score(X_eval, y_test), seconds)
    print(f"{name:>24}: test R2 {results[name][0]:.3f}, fit {seconds:.1f} s")

# %%
# What the network learned over its budget
# ----------------------------------------
# A fixed budget of epochs; the validation R2 of every epoch, and the epoch
# whose weights were kept (the best).
tabular = models["TabularMLPRegressor"]
scores = tabular.validation_scores_
fig, (ax1, ax2) = plt.subplots(1, 2, figsize=(9, 3.4))
ax1.plot(np.arange(1, len(scores) + 1), scores)
best = int(np.argmax(scores))
ax1.plot(best + 1, scores[best], "o", label=f"kept: epoch {best + 1}")
ax1.set_xlabel("epoch")
ax1.set_ylabel("validation R2")
ax1.set_ylim(max(0, min(scores)), 1)
ax1.legend(loc="lower right")
ax2.plot(tabular.learning_rate_curve_)
ax2.set_xlabel("epoch")
ax2.set_ylabel("learning rate (first batch)")
fig.tight_layout()

# %%
# Test scores
# -----------
fig, ax = plt.subplots(figsize=(6, 2.6))
names = list(results)
ax.barh(names, [results[name][0] for name in names], color="tab:blue")
for i, name in enumerate(names):
    r2, seconds = results[name]
    ax.text(0.02, i, f"{r2:.3f} ({seconds:.1f} s)", va="center", color="white")
ax.set_xlim(0, 1)
ax.set_xlabel("test R2")
fig.tight_layout()
plt.show()
