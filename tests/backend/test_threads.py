"""The thread policy: one BLAS thread for small products, scoped, overridable."""

import numpy as np
import pytest
from threadpoolctl import threadpool_info, threadpool_limits

import skdeep
from skdeep.backend import threads
from skdeep.backend.threads import SMALL_PRODUCT, blas_threads_for

BLAS = [lib for lib in threadpool_info() if lib["user_api"] == "blas"]
pytestmark = pytest.mark.skipif(not BLAS, reason="no BLAS library threadpoolctl sees")


def blas_threads():
    counts = {lib["filepath"]: lib["num_threads"] for lib in threadpool_info()
              if lib["user_api"] == "blas"}
    return max(counts.values())


@pytest.fixture
def two_threads():
    """Every BLAS library at two threads for the test (as on a 2-core
    machine), whatever the environment set."""
    with threadpool_limits(2, user_api="blas"):
        if blas_threads() < 2:
            pytest.skip("the BLAS library runs one thread only")
        yield


def test_small_products_run_on_one_thread_and_restore(two_threads):
    with blas_threads_for(256 * 64 * 64):
        assert blas_threads() == 1
    assert blas_threads() == 2


def test_large_and_tiny_products_keep_the_threads(two_threads):
    with blas_threads_for(SMALL_PRODUCT):
        assert blas_threads() == 2
    with blas_threads_for(20):  # unthreaded in BLAS anyway: nothing set
        assert blas_threads() == 2


def test_auto_never_raises_the_users_limit():
    with threadpool_limits(1, user_api="blas"), blas_threads_for(10**6):
        assert blas_threads() == 1
    with skdeep.config_context(blas_threads=2), threadpool_limits(1, "blas"):
        with blas_threads_for(10**6):  # an int is what the user asked for
            assert blas_threads() == 2
        assert blas_threads() == 1


def test_settings_choose_the_threads(two_threads):
    with skdeep.config_context(blas_threads=None), blas_threads_for(10**6):
        assert blas_threads() == 2
    with skdeep.config_context(blas_threads=1), blas_threads_for(10**9):
        assert blas_threads() == 1
    assert skdeep.get_config()["blas_threads"] == "auto"
    assert blas_threads() == 2


@pytest.mark.parametrize("bad", [0, -1, 1.5, "all", True])
def test_bad_settings_are_refused(bad):
    with pytest.raises(ValueError, match="blas_threads must be 'auto'"):
        skdeep.set_config(blas_threads=bad)
    assert skdeep.get_config()["blas_threads"] == "auto"


def test_a_small_networks_fit_and_predict_run_on_one_thread(two_threads, monkeypatch):
    """Training and prediction see one thread; the caller's two come back."""
    seen = []
    run, forward = skdeep.train.plan._run, skdeep.nn.Dense.forward

    def recording_run(*args):
        seen.append(("fit", blas_threads()))
        return run(*args)

    def recording_forward(self, X, training=False):
        seen.append(("forward", blas_threads()))
        return forward(self, X, training)

    monkeypatch.setattr(skdeep.train.plan, "_run", recording_run)
    monkeypatch.setattr(skdeep.nn.Dense, "forward", recording_forward)
    rng = np.random.default_rng(0)
    X, y = rng.normal(size=(600, 20)), rng.integers(0, 2, 600)
    model = skdeep.MLPClassifier((64, 64), max_iter=2, batch_size=256, random_state=0)
    with pytest.warns(Warning):  # not converged in 2 epochs
        model.fit(X, y)
    model.predict_proba(X)
    assert {threads for _, threads in seen} == {1}
    assert {kind for kind, _ in seen} == {"fit", "forward"}
    assert blas_threads() == 2


def test_the_controller_is_made_once():
    assert threads._controller() is threads._controller()
