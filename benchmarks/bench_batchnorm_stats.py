"""How well batch normalization's running variance estimates the variance of
its input, when the last batch of an epoch is short (n = 401 in batches of
200 ends with one row) and when partial_fit streams one-row chunks.

Prints, per setting, the median over units of ``running_var / true var``
(true: the variance of the normalized layer's input over the training set)
for five seeds.

Usage::

    python benchmarks/bench_batchnorm_stats.py
"""

import warnings

import numpy as np

from skdeep import MLPRegressor


def _ratio(reg, X):
    pre = X @ reg.coefs_[0]
    return float(np.median(reg.batch_norm_params_[0]["running_var"] / pre.var(axis=0)))


def main():
    warnings.simplefilter("ignore")
    rng = np.random.default_rng(0)
    for n in (400, 401):
        ratios = []
        for seed in range(5):
            X = rng.standard_normal((n, 5)) * 3
            y = X @ rng.standard_normal(5)
            reg = MLPRegressor(
                hidden_layer_sizes=(16,),
                batch_norm=True,
                batch_size=200,
                max_iter=50,
                random_state=seed,
            ).fit(X, y)
            ratios.append(_ratio(reg, X))
        print(f"fit, n={n}, batch 200: running_var / true var", np.round(ratios, 3))
    X = rng.standard_normal((1000, 5)) * 3
    y = X @ rng.standard_normal(5)
    # alpha=0: one-row batches give the layers before batch norm no gradient,
    # so their output distribution stays fixed and has a true variance
    reg = MLPRegressor(
        hidden_layer_sizes=(16,), batch_norm=True, alpha=0.0, random_state=0
    )
    for i in range(X.shape[0]):
        reg.partial_fit(X[i : i + 1], y[i : i + 1])
    print(f"partial_fit, 1000 one-row chunks: {_ratio(reg, X):.3f}")


if __name__ == "__main__":
    main()
