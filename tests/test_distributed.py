"""Hyperparameter search on a dask.distributed cluster, through joblib.

scikit-learn's searches parallelize with joblib, so a search runs on a dask
cluster by switching joblib's backend to ``"dask"``: the candidates and folds
become tasks on the workers. The results must not depend on where they ran.
"""

import joblib
import numpy as np
import pytest
from sklearn.datasets import load_digits
from sklearn.model_selection import RandomizedSearchCV
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

from skdeep import MLPClassifier
from skdeep.model_selection import param_distributions

distributed = pytest.importorskip("distributed")


def _blas_threads():
    """The thread count of every BLAS library loaded in this process."""
    import numpy  # noqa: F401  loads NumPy's BLAS
    import scipy.linalg  # noqa: F401  loads SciPy's BLAS
    from threadpoolctl import threadpool_info

    return sorted(
        {
            info["num_threads"]
            for info in threadpool_info()
            if info["user_api"] == "blas"
        }
    )


def _search(n_jobs=None):
    X, y = load_digits(return_X_y=True)
    X, y = X[:500], y[:500]
    pipe = make_pipeline(
        StandardScaler(),
        MLPClassifier(max_iter=20, early_stopping=True, random_state=0),
    )
    search = RandomizedSearchCV(
        pipe,
        # small networks keep the test quick
        param_distributions(pipe, max_layers=2, max_units=128),
        n_iter=4,
        cv=2,
        random_state=0,
        n_jobs=n_jobs,
        error_score="raise",
    )
    return search, X, y


@pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning")
@pytest.mark.filterwarnings("ignore:Got `batch_size`:UserWarning")
def test_search_on_local_cluster_matches_sequential():
    search, X, y = _search(n_jobs=1)
    search.fit(X, y)

    # processes=True: one Python process per worker, as on a real cluster;
    # everything listens on localhost, on free ports, without a dashboard.
    with (
        distributed.LocalCluster(
            n_workers=2,
            threads_per_worker=1,
            processes=True,
            host="127.0.0.1",
            dashboard_address=None,
        ) as cluster,
        distributed.Client(cluster) as client,
    ):
        # The nannies start each worker with OMP/MKL/OPENBLAS_NUM_THREADS=1
        # (distributed's "nanny.pre-spawn-environ"), so that two workers on
        # two cores do not each spawn a BLAS thread per core.
        threads = client.run(_blas_threads)
        assert len(threads) == 2
        assert all(t == [1] for t in threads.values()), threads

        on_dask, X, y = _search(n_jobs=-1)
        with joblib.parallel_config(backend="dask"):
            on_dask.fit(X, y)

    assert on_dask.best_params_ == search.best_params_
    np.testing.assert_array_equal(
        on_dask.cv_results_["mean_test_score"], search.cv_results_["mean_test_score"]
    )
    assert on_dask.best_estimator_.score(X, y) == search.best_estimator_.score(X, y)
