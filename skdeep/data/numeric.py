"""Numeric columns of a table: their robust scale, smooth clipping and
quantile bins."""

import warnings

import numpy as np

__all__ = ["quantile_bins", "robust_scale", "smooth_clip"]


def robust_scale(X, quantile_range=(25.0, 75.0)):
    """The scale of each column of ``X`` (NaN for missing): the first
    positive one of the spread between the ``quantile_range`` percentiles,
    between the wider ``(min(q_min, 5), max(q_max, 95))`` ones, the standard
    deviation, 1."""
    lo, hi = quantile_range
    wide = (min(lo, 5.0), max(hi, 95.0))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)  # all-missing columns
        q = np.nanpercentile(X, [lo, hi, *wide], axis=0).reshape(4, -1)
        std = np.nanstd(X, axis=0)
    scale = np.ones(X.shape[1])
    found = np.zeros(X.shape[1], dtype=bool)
    for candidate in (q[1] - q[0], q[3] - q[2], std):
        take = ~found & (candidate > 0)
        scale[take] = candidate[take]
        found |= take
    return scale


def smooth_clip(X):
    """RealMLP's smooth clipping ``x / sqrt(1 + (x / 3) ** 2)``, into (-3, 3)."""
    return X / np.sqrt(1.0 + (X / 3.0) ** 2)


def quantile_bins(values, n_bins):
    """Increasing edges of at most ``n_bins`` quantile bins of ``values``
    (NaN left out): the quantiles at ``0, 1 / n_bins, ..., 1``, repeats
    removed; two edges around the value of a constant (or empty) column."""
    values = values[~np.isnan(values)]
    edges = np.zeros(0)
    if values.size:
        edges = np.unique(np.quantile(values, np.linspace(0, 1, n_bins + 1)))
    if edges.size < 2:
        center = float(edges[0]) if edges.size else 0.0
        edges = np.array([center - 1.0, center + 1.0])
    return edges
