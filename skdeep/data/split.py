"""The validation split of early stopping."""

import hashlib

import numpy as np
import scipy.sparse as sp
from sklearn.model_selection import train_test_split

__all__ = ["digest", "split_indices"]


def split_indices(n_samples, fraction, labels, seed):
    """Random train/validation indices, stratified by class.

    Binary targets are always stratified, as scikit-learn does (so a class
    with a single member raises its error); multiclass targets are when
    every class has two members and each part room for every class.

    Parameters
    ----------
    n_samples : int
        Number of rows.
    fraction : float
        Fraction of them to validate on.
    labels : ndarray of shape (n_samples,) or (n_samples, n_outputs), or None
        Class labels (1-D: stratified), or None.
    seed : int
        Seed of the shuffle.

    Returns
    -------
    train, validation : ndarray of int
        Sorted row indices.
    """
    indices = np.arange(n_samples)
    n_val = int(np.ceil(fraction * n_samples))
    stratify = None
    if labels is not None and labels.ndim == 1:
        _, counts = np.unique(labels, return_counts=True)
        feasible = counts.min() >= 2 and min(n_val, n_samples - n_val) >= counts.size
        if counts.size == 2 or feasible:
            stratify = labels
    train, val = train_test_split(
        indices, test_size=fraction, random_state=seed, stratify=stratify
    )
    return np.sort(train), np.sort(val)


def digest(*arrays):
    """A fingerprint of the validation data (arrays, sparse matrices, None)."""
    hasher = hashlib.blake2b(digest_size=16)
    for array in arrays:
        if array is None:
            hasher.update(b"none")
            continue
        parts = (
            (array.data, array.indices, array.indptr)
            if sp.issparse(array)
            else (array,)
        )
        for part in parts:
            part = np.ascontiguousarray(part)
            hasher.update(str((part.dtype, part.shape)).encode())
            hasher.update(
                part.tobytes() if part.dtype != object else repr(part.tolist()).encode()
            )
    return hasher.hexdigest()
