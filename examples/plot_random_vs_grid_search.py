"""
Random search versus grid search
================================

A grid search of ``n`` candidates over ``d`` hyperparameters tries only
about ``n ** (1/d)`` distinct values of each; a random search of ``n``
candidates tries ``n`` distinct values of every one. When only a few
hyperparameters matter -- usually the learning rate first -- random search
explores them much more densely for the same budget (Bergstra and Bengio,
2012).

This example tunes a :class:`skdeep.MLPClassifier` on the digits data both
ways, with the same budget of 12 candidates and 3-fold cross-validation:
a random search over the distributions of
:func:`skdeep.model_selection.param_distributions` (log-uniform learning rate
and weight decay, random depth and width, dropout, batch size), and a grid
of textbook values of the learning rate, the weight decay and the width.
"""

# %%
# The model
# ---------
# Standardized inputs, then the network, with early stopping choosing the
# number of epochs of each candidate (at most 30 here, to keep the example
# fast).
import time
import warnings

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from joblib import Parallel, delayed
from sklearn.base import clone
from sklearn.datasets import load_digits
from sklearn.exceptions import ConvergenceWarning
from sklearn.model_selection import GridSearchCV, ParameterSampler, RandomizedSearchCV
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

from skdeep import MLPClassifier
from skdeep.model_selection import param_distributions

# candidates stopped at max_iter=30 warn; that is intended here
warnings.filterwarnings("ignore", category=ConvergenceWarning)

X, y = load_digits(return_X_y=True)
pipe = make_pipeline(
    StandardScaler(),
    MLPClassifier(max_iter=30, early_stopping=True, n_iter_no_change=5, random_state=0),
)
N_CANDIDATES = 12

# %%
# The random search
# -----------------
# :func:`~skdeep.model_selection.param_distributions` finds the classifier
# in the pipeline and prefixes every key with its step name.
distributions = param_distributions(pipe, max_units=256)
sorted(distributions)

# %%
# Five draws, as the search samples them:
pd.DataFrame(ParameterSampler(distributions, n_iter=5, random_state=0)).rename(
    columns=lambda key: key.removeprefix("mlpclassifier__")
)

# %%
# Both searches run on two worker processes; start them once, so that
# neither search's wall time includes starting them.
Parallel(n_jobs=2)(delayed(clone)(pipe) for _ in range(2))

random_search = RandomizedSearchCV(
    pipe, distributions, n_iter=N_CANDIDATES, cv=3, n_jobs=2, random_state=0
)
start = time.perf_counter()
random_search.fit(X, y)
random_seconds = time.perf_counter() - start

# %%
# The grid search
# ---------------
# Three learning rates, two weight decays and two widths: 12 candidates. The
# other hyperparameters keep their defaults (no dropout, batches of 200).
grid = {
    "mlpclassifier__learning_rate_init": [1e-3, 1e-2, 1e-1],
    "mlpclassifier__alpha": [1e-5, 1e-2],
    "mlpclassifier__hidden_layer_sizes": [(64,), (256,)],
}
grid_search = GridSearchCV(pipe, grid, cv=3, n_jobs=2)
start = time.perf_counter()
grid_search.fit(X, y)
grid_seconds = time.perf_counter() - start

# %%
# Results
# -------
# The best mean cross-validated accuracy of each search, its wall time (two
# workers) and the total training time of its fits, and how many distinct
# learning rates it tried.
searches = {"random": random_search, "grid": grid_search}
seconds = {"random": random_seconds, "grid": grid_seconds}
summary = pd.DataFrame.from_dict(
    {
        name: {
            "candidates": len(search.cv_results_["params"]),
            "best CV accuracy": search.best_score_,
            "wall time (s)": seconds[name],
            "fit time, all fits (s)": search.cv_results_["mean_fit_time"].sum() * 3,
            "distinct learning rates": len(
                np.unique(search.cv_results_["param_mlpclassifier__learning_rate_init"])
            ),
        }
        for name, search in searches.items()
    },
    orient="index",
)
summary.round(3)

# %%
# The best candidate of each search (the grid's keeps the defaults of what it
# does not search):
defaults = {key: pipe.get_params()[key] for key in distributions}
pd.DataFrame(
    {name: {**defaults, **search.best_params_} for name, search in searches.items()}
).rename(index=lambda key: key.removeprefix("mlpclassifier__"))

# %%
# Where the searches looked
# -------------------------
# Each point is a candidate, at its learning rate and weight decay, coloured
# by its cross-validated accuracy; the star is the best. The grid spends its
# 12 candidates on 6 points of this plane (each tried with two widths) and 3
# learning rates, the random search on 12 points and 12 learning rates.
scores = np.concatenate(
    [search.cv_results_["mean_test_score"] for search in searches.values()]
)
fig, axes = plt.subplots(
    1, 2, figsize=(10, 4.2), sharex=True, sharey=True, layout="constrained"
)
for ax, (name, search) in zip(axes, searches.items()):
    results = search.cv_results_
    lr = np.array(results["param_mlpclassifier__learning_rate_init"], dtype=float)
    alpha = np.array(results["param_mlpclassifier__alpha"], dtype=float)
    score = results["mean_test_score"]
    order = np.argsort(score)  # the better of overlapping points on top
    points = ax.scatter(
        lr[order],
        alpha[order],
        c=score[order],
        s=70,
        cmap="viridis",
        vmin=scores.min(),
        vmax=scores.max(),
        edgecolors="k",
        linewidths=0.5,
    )
    best = search.best_index_
    ax.scatter(lr[best], alpha[best], marker="*", s=400, c="none", edgecolors="r")
    # the distinct learning rates tried, as ticks along the bottom
    for value in np.unique(lr):
        ax.axvline(value, ymax=0.04, color="0.3")
    ax.set(
        xscale="log",
        yscale="log",
        xlabel="learning_rate_init",
        title=f"{name} search: best CV accuracy {search.best_score_:.3f}",
    )
axes[0].set_ylabel("alpha")
fig.colorbar(points, ax=axes, label="mean CV accuracy")
plt.show()

# %%
# With one seed and 12 candidates the comparison is noisy: another
# ``random_state`` gives another random search. What does not change is the
# coverage -- the grid tried three learning rates, the random search twelve
# -- which is why random search finds a good learning rate more reliably as
# the number of hyperparameters grows. Successive halving
# (``HalvingRandomSearchCV``) takes the same distributions; see the Notes of
# :func:`~skdeep.model_selection.param_distributions`.
