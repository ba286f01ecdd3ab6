"""Out-of-core training: partial_fit on chunks that do not fit in memory.

The data live in a file (a ``numpy.memmap``) and the network sees them one
chunk at a time, one ``partial_fit`` call (one epoch over the chunk) per
chunk. Early stopping is then the user's loop: a held-out chunk, scored after
every pass, and a copy of the best model.
"""

import copy

import numpy as np
import pytest
from sklearn.datasets import load_digits

from skdeep import MLPClassifier

CHUNK = 250
CLASSES = np.arange(10)


def _write_memmap(tmp_path):
    """Digits written to disk, reopened read-only as memory maps."""
    X, y = load_digits(return_X_y=True)
    X = (X / 16).astype(np.float64)
    X_file = np.memmap(tmp_path / "X.dat", dtype=np.float64, mode="w+", shape=X.shape)
    X_file[:] = X
    X_file.flush()
    np.save(tmp_path / "y.npy", y)
    del X_file
    X_mm = np.memmap(tmp_path / "X.dat", dtype=np.float64, mode="r", shape=X.shape)
    y_mm = np.load(tmp_path / "y.npy", mmap_mode="r")
    return X_mm, y_mm, X, y


def _chunks(n_samples, chunk=CHUNK):
    return [
        slice(start, min(start + chunk, n_samples))
        for start in range(0, n_samples, chunk)
    ]


def _model():
    return MLPClassifier(
        hidden_layer_sizes=(64,),
        batch_size=32,
        learning_rate_init=0.01,
        random_state=0,
    )


def _stream(model, X, y, chunks):
    for rows in chunks:
        model.partial_fit(X[rows], y[rows], classes=CLASSES)
    return model


def fit_out_of_core(model, X, y, chunks, X_val, y_val, patience=3, max_passes=50):
    """Pass over the chunks until the held-out score has not improved for
    ``patience`` passes; return the best model and the score of every pass."""
    best, best_score, scores = None, -np.inf, []
    for _ in range(max_passes):
        _stream(model, X, y, chunks)
        scores.append(model.score(X_val, y_val))
        if scores[-1] > best_score:
            best, best_score = copy.deepcopy(model), scores[-1]
        elif len(scores) - 1 - int(np.argmax(scores)) >= patience:
            break
    return best, scores


def test_memmap_stream_equals_in_memory(tmp_path):
    X_mm, y_mm, X, y = _write_memmap(tmp_path)
    assert isinstance(X_mm[:CHUNK], np.memmap)
    chunks = _chunks(1500)

    from_disk = _stream(_model(), X_mm, y_mm, chunks)
    in_memory = _stream(_model(), X, y, chunks)

    # one history record per partial_fit call
    assert len(from_disk.history_) == len(chunks)
    assert [r["epoch"] for r in from_disk.history_] == list(range(1, len(chunks) + 1))
    np.testing.assert_array_equal(
        from_disk.predict_proba(X[1500:]), in_memory.predict_proba(X[1500:])
    )
    assert from_disk.score(X[1500:], y[1500:]) > 0.8


def test_user_early_stopping_loop_restores_best(tmp_path):
    X_mm, y_mm, _, _ = _write_memmap(tmp_path)
    # the first 1500 rows are streamed in 6 chunks; the rest is held out
    chunks = _chunks(1500)
    X_val, y_val = np.asarray(X_mm[1500:]), np.asarray(y_mm[1500:])
    patience = 2

    model = _model()
    best, scores = fit_out_of_core(
        model, X_mm, y_mm, chunks, X_val, y_val, patience=patience, max_passes=50
    )

    best_pass = int(np.argmax(scores))
    # it stopped ``patience`` passes after the best one, well before the cap
    assert len(scores) == best_pass + 1 + patience < 50
    # the copy is the model of the best pass, not the last one
    assert best.score(X_val, y_val) == max(scores)
    assert len(best.history_) == (best_pass + 1) * len(chunks)
    assert len(model.history_) == len(scores) * len(chunks)
    # the copy is independent of the model that went on training
    assert best.coefs_[0] is not model.coefs_[0]


def test_dask_ml_incremental_one_partial_fit_per_chunk():
    da = pytest.importorskip("dask.array")
    wrappers = pytest.importorskip("dask_ml.wrappers")
    X, y = load_digits(return_X_y=True)
    X = X / 16
    dX = da.from_array(X[:1500], chunks=CHUNK)
    dy = da.from_array(y[:1500], chunks=CHUNK)
    assert dX.numblocks[0] == 6

    inc = wrappers.Incremental(_model(), scoring="accuracy", shuffle_blocks=False)
    inc.fit(dX, dy, classes=CLASSES)

    assert len(inc.estimator_.history_) == dX.numblocks[0]
    X_test = da.from_array(X[1500:], chunks=CHUNK)
    assert inc.score(X_test, da.from_array(y[1500:], chunks=CHUNK)) > 0.8
    np.testing.assert_array_equal(
        inc.predict(X_test).compute(), inc.estimator_.predict(X[1500:])
    )
    # without block shuffling it is the plain partial_fit loop over the chunks
    manual = _stream(_model(), X, y, _chunks(1500))
    np.testing.assert_array_equal(
        inc.estimator_.predict_proba(X[1500:]), manual.predict_proba(X[1500:])
    )
