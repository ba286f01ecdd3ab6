"""NeuralEstimator: the scikit-learn side of every skdeep estimator.

``fit`` and ``partial_fit`` read as validate -> plan -> run -> store:

1. validate: ``_validate_fit`` (the estimator family's) turns ``X``, ``y``
   and ``sample_weight`` into a :class:`~skdeep.data.rows.FitData`, with
   scikit-learn's checks and messages;
2. plan: ``_plan``, the one hook of each estimator, turns its parameters
   and the data into a :class:`~skdeep.train.TrainingPlan` with the pieces
   of its recipe (:mod:`skdeep.recipes`): the network, new or continued, the
   loss, the optimizer, the policies, the epochs and batches;
3. run: :func:`skdeep.train.run` carries it out, continuing the one
   :class:`~skdeep.train.TrainState`;
4. store: the outcome becomes the fitted attributes, scikit-learn's
   warnings and errors.

The estimator itself never computes on weights.
"""

import multiprocessing
import warnings
from numbers import Integral

import numpy as np
from sklearn.base import BaseEstimator
from sklearn.exceptions import ConvergenceWarning
from sklearn.utils import check_random_state

from ..data.split import digest, split_indices
from ..train import NON_FINITE_MESSAGE, TrainingData, TrainState, Validation, run
from ..train.progress import ProgressBar, interactive, load_tqdm
from ._fitted import FittedModel
from ._sklearn_callbacks import CALLBACK_MIXIN, epoch_callback, fit_task

__all__ = ["NeuralEstimator", "resolve_batch_size"]


class NeuralEstimator(FittedModel, CALLBACK_MIXIN, BaseEstimator):
    """Base class of the estimators: the fit template and its outcome.

    A subclass provides ``_validate_fit`` (the data), ``_plan`` (the
    training), ``_initial_network`` (the network before training, also for
    the diagnostics) and ``_score_output`` (the validation score). Not to be
    used directly.
    """

    # ------------------------------------------------------------- hooks
    def _validate_fit(self, X, y, sample_weight, incremental, first_pass):
        """Return the :class:`~skdeep.data.rows.FitData` of a call."""
        raise NotImplementedError

    def _plan(self, data, rng, first_pass, incremental):
        """Return the :class:`~skdeep.train.TrainingPlan` of a call."""
        raise NotImplementedError

    def _initial_network(self, data, rng, dtype, for_check=False):
        """Return the initialized network for ``data`` in ``dtype``
        (``for_check``: for a gradient check)."""
        raise NotImplementedError

    def _score_output(self, Z, y, sample_weight):
        """Return the validation score of network outputs ``Z``."""
        raise NotImplementedError

    def _warm_start(self):
        """Whether ``fit`` continues the fitted network."""
        return False

    def _training_loss(self):
        """The loss that training minimizes (``_make_loss``'s by default)."""
        return self._make_loss()

    # ---------------------------------------------------------- template
    def _fit(self, X, y, sample_weight=None, incremental=False):
        first_pass = "_network" not in self.__dict__ or (
            not self._warm_start() and not incremental
        )
        data = self._validate_fit(X, y, sample_weight, incremental, first_pass)
        # as given, for scikit-learn's callbacks
        fit_data = {"X": X, "y": y, "sample_weight": data.sample_weight_all}
        rng = self._make_rng(0 if first_pass else self.__dict__.get("t_", 0))
        plan = self._plan(data, rng, first_pass, incremental)
        self._adopt(plan, first_pass)
        if plan.solver == "lbfgs":
            with fit_task(self, **fit_data):  # its end sees the stored outcome
                self._store_lbfgs(run(plan, None, rng), plan)
        else:
            self._run_stochastic(plan, rng, incremental, fit_data)
        self._refresh()
        if not np.isfinite(self._network.params).all():
            raise ValueError(NON_FINITE_MESSAGE)
        return self

    def _adopt(self, plan, first_pass):
        """Make the plan's network the fitted one; a new network starts a
        new training record, a rebuilt one forgets its best epoch."""
        previous = self.__dict__.get("_network")
        self._network = plan.network
        self._invalidate()
        self.out_activation_ = plan.loss.link
        if first_pass:
            self.n_iter_ = 0
            self.t_ = 0
            self.n_outputs_ = plan.data.y.shape[1]
            self.n_layers_ = len(self.coefs_) + 1
            self.__dict__.pop("_train_state", None)
        elif plan.network is not previous and "_train_state" in self.__dict__:
            self._train_state.reset_best()  # its snapshot has another layout

    def _make_rng(self, samples_seen=0):
        """One Generator per call, derived from ``random_state``.

        With an int seed, a call that continues training (``partial_fit``,
        warm start) also mixes in the number of samples seen, so successive
        calls draw new shuffles and dropout masks, reproducibly.
        """
        if isinstance(self.random_state, Integral):
            if samples_seen:
                return np.random.default_rng([self.random_state, samples_seen])
            return np.random.default_rng(self.random_state)
        seed = check_random_state(self.random_state).randint(np.iinfo(np.int32).max)
        return np.random.default_rng(seed)

    def _unfitted(self, X, y, sample_weight=None):
        """For the diagnostics: the initialized, untrained float64 network of
        ``(X, y)`` (its randomness seeded) with the data in float64.

        Returns
        -------
        network, X, Y, sample_weight
        """
        data = self._validate_fit(X, y, sample_weight, False, True)
        network, Y, sw = self._unfitted_network(data)
        return network, data.X.astype(np.float64, copy=False), Y, sw

    def _unfitted_network(self, data):
        """The float64 network of :meth:`_unfitted` for validated ``data``,
        with its float64 targets and sample weights."""
        rng = self._make_rng()
        network = self._initial_network(data, rng, np.float64, for_check=True)
        network.set_rng(rng)
        sw = data.sample_weight
        return (
            network,
            data.Y.astype(np.float64, copy=False),
            None if sw is None else sw.astype(np.float64, copy=False),
        )

    # ------------------------------------------------------ plan helpers
    def _split_rows(self, n_samples, labels, rng, fraction=None):
        """The rows to train and to validate on, with ``fraction`` of them
        held out (stratified by ``labels``): ``(train, validation, seed)``,
        or None when ``fraction`` is None.

        With an int ``random_state`` every fit on the same data validates
        on the same rows.
        """
        if fraction is None:
            return None
        if isinstance(self.random_state, Integral):
            seed = self.random_state
        else:
            seed = int(rng.integers(np.iinfo(np.int32).max))
        train, val = split_indices(n_samples, fraction, labels, seed)
        if val.size < 2:
            raise ValueError(
                "The validation set is too small. Increase 'validation_fraction' "
                "or the size of your dataset."
            )
        return train, val, seed

    def _training_data(self, X, Y, labels, sample_weight, rows=None):
        """The :class:`~skdeep.train.TrainingData` of a run: all rows, or
        the ``rows`` of :meth:`_split_rows` with the held-out ones scored
        after each epoch. The validation set's ``key`` identifies it (scores
        compare only within one set)."""
        if rows is None:
            return TrainingData(X, Y, sample_weight)
        train, val, seed = rows
        sw_train = sw_val = None
        if sample_weight is not None:
            sw_train, sw_val = sample_weight[train], sample_weight[val]
            if not sw_val.any():
                sw_val = None  # all-zero validation weights: score unweighted
        X_val = X[val]
        y_val = labels[val] if labels is not None else Y[val]
        validation = Validation(
            X_val,
            Y[val],
            sw_val,
            score=lambda Z: self._score_output(Z, y_val, sw_val),
            key=(seed, X.shape[0], digest(X_val, y_val, sw_val)),
        )
        return TrainingData(X[train], Y[train], sw_train, validation)

    def _progress_callbacks(self):
        """A progress bar, if one is to be shown."""
        return [ProgressBar(type(self).__name__)] if self._shows_progress() else []

    def _shows_progress(self):
        if self.progress_bar is True:
            load_tqdm()  # a clear ImportError when tqdm is missing
            return True
        if self.progress_bar != "auto" or not interactive():
            return False
        if "_skl_callbacks" in self.__dict__ or "_parent_callback_ctx" in self.__dict__:
            return False  # scikit-learn's callbacks report the progress
        if multiprocessing.current_process().name != "MainProcess":
            return False  # a search's worker: the parent shows the progress
        try:
            load_tqdm()
        except ImportError:
            return False
        return True

    # ------------------------------------------------------------ outcome
    def _run_stochastic(self, plan, rng, incremental, fit_data):
        state = self.__dict__.get("_train_state")
        if state is None:
            state = self._train_state = TrainState(None)
        sklearn_epochs = epoch_callback(
            self,
            plan.max_epochs,
            task_name="partial_fit" if incremental else "fit",
            **fit_data,
        )
        if sklearn_epochs is not None:  # last: it must see the final trainer.stop
            plan.callbacks.append(sklearn_epochs)
        trainer = run(plan, state, rng)
        self.n_iter_ = trainer.epoch
        self.t_ = state.n_samples_seen
        if state.history:
            self.loss_ = state.history[-1]["train_loss"]
        if trainer.diverged and trainer.restored_epoch:
            # the loss of the weights kept, not of the last epoch
            self.loss_ = state.history[trainer.restored_epoch - 1]["train_loss"]
        self._warn_outcome(trainer, plan, incremental)

    def _warn_outcome(self, trainer, plan, incremental):
        if trainer.diverged:
            if trainer.epoch == 0:
                # nothing finite in this call: it fails and is rolled back
                raise ValueError(NON_FINITE_MESSAGE)
            warnings.warn(
                "Training diverged: the loss became non-finite after %d epoch(s); "
                "the parameters of the best epoch were restored. Consider a lower "
                "learning_rate_init (it is %g) or scaling the input."
                % (trainer.epoch, self.learning_rate_init),
                ConvergenceWarning,
            )
        elif trainer.interrupted:
            warnings.warn(
                "Training interrupted by user after %d complete epoch(s); the "
                "model keeps its parameters so far." % trainer.epoch,
                UserWarning,
            )
        elif (
            not incremental
            and not plan.fixed_budget
            and not trainer.stop
            and trainer.epoch == plan.max_epochs
        ):
            warnings.warn(
                "Stochastic Optimizer: Maximum iterations (%d) reached and the "
                "optimization hasn't converged yet." % plan.max_epochs,
                ConvergenceWarning,
            )

    def _store_lbfgs(self, result, plan):
        if result.interrupted:
            self.n_iter_ = result.nit
            warnings.warn(
                "Training interrupted by user after %d L-BFGS iteration(s); the "
                "model keeps the best parameters evaluated so far." % result.nit,
                UserWarning,
            )
        else:
            self.n_iter_ = _check_optimize_result(result, plan.max_epochs)
        self.loss_ = result.loss
        if not np.isfinite(self.loss_):
            raise ValueError(NON_FINITE_MESSAGE)


def resolve_batch_size(batch_size, n_samples):
    """The mini-batch size of scikit-learn's MLP: ``'auto'`` is
    ``min(200, n_samples)``; a larger int is clipped, with its warning."""
    if batch_size == "auto":
        return min(200, n_samples)
    if batch_size > n_samples:
        warnings.warn(
            "Got `batch_size` less than 1 or larger than "
            "sample size. It is going to be clipped"
        )
    return int(np.clip(batch_size, 1, n_samples))


def _check_optimize_result(result, max_iter):
    """Return the iterations of an L-BFGS ``result``; warn if it stopped
    before converging (scikit-learn's ConvergenceWarning and wording)."""
    n_iter = min(result.nit, max_iter)
    if result.status != 0:
        message = (
            f"lbfgs failed to converge after {n_iter} iteration(s) "
            f"(status={result.status}):\n{result.message}\n"
        )
        if n_iter == max_iter:
            message += (
                "\nIncrease the number of iterations to improve the convergence "
                f"(max_iter={max_iter})."
            )
        message += (
            "\nYou might also want to scale the data as shown in:\n"
            "    https://scikit-learn.org/stable/modules/preprocessing.html"
        )
        warnings.warn(message, ConvergenceWarning, stacklevel=4)
    return n_iter
