"""A training plan, and the function that runs it.

An estimator turns its parameters into one :class:`TrainingPlan` per call of
``fit`` or ``partial_fit``: the network (new, or the fitted one continued),
the loss, the data with its validation rows, the solver with a new
optimizer or none (``partial_fit`` continues the state's), the policies
(callbacks), the number of epochs and the batches. :func:`run` carries it
out, continuing a :class:`~skdeep.train.TrainState`; what the outcome means
for the estimator (its attributes, warnings and errors) is the estimator's.
"""

import math
from dataclasses import dataclass, field
from typing import Any

from ..backend.threads import blas_threads_for, largest_product
from .lbfgs import fit_lbfgs
from .loop import TrainingData, train

__all__ = ["NON_FINITE_MESSAGE", "TrainingPlan", "run"]

#: str: the error of a run that reached nothing finite (scikit-learn's).
NON_FINITE_MESSAGE = (
    "Solver produced non-finite parameter weights. The input data may"
    " contain large values and need to be preprocessed."
)


@dataclass
class TrainingPlan:
    """Everything one training run needs.

    Attributes
    ----------
    network : Sequential
        The network to train, initialized, on the host.
    loss : Loss
        The loss with its output link.
    data : TrainingData
        Training rows in the network's dtype, and the validation data.
    solver : str, default="adam"
        'lbfgs' (full batch), or the name of the stochastic optimizer.
    optimizer : Optimizer or None, default=None
        With a stochastic solver: a new optimizer, initialized for the
        network's parameters, or None to continue the state's.
    callbacks : list of Callback
        The policies of the run, in order.
    max_epochs : int, default=1
        Bound on the epochs (stochastic) or iterations (L-BFGS).
    fixed_budget : bool, default=False
        Whether all ``max_epochs`` epochs are meant to run (reaching them is
        then no sign of a failure to converge).
    batch_size : int, default=200
        Rows per mini-batch.
    shuffle : bool, default=True
        Whether to shuffle the rows before each epoch.
    alpha : float, default=0.0
        L2 penalty (scikit-learn's scaling).
    full_batch : int or None, default=None
        Rows of a full batch for the running statistics of normalization
        layers (see :class:`~skdeep.train.Trainer`).
    min_batch : int, default=1
        Rows under which a trailing batch joins the one before it.
    backend : backend or None, default=None
        Where to train (None: the host).
    population_statistics : bool, default=False
        After training, set the normalization layers' statistics from one
        pass over the training rows.
    keep_work_buffers : bool, default=False
        Keep the gradient and scratch buffers for the next run
        (``partial_fit`` streams); else they are freed.
    max_fun : int, default=15000
        L-BFGS: bound on the loss evaluations.
    tol : float, default=1e-4
        L-BFGS: the gradient tolerance.
    verbose : bool, default=False
        L-BFGS: print each iteration.
    """

    network: Any
    loss: Any
    data: TrainingData
    solver: str = "adam"
    optimizer: Any = None
    callbacks: list = field(default_factory=list)
    max_epochs: int = 1
    fixed_budget: bool = False
    batch_size: int = 200
    shuffle: bool = True
    alpha: float = 0.0
    full_batch: Any = None
    min_batch: int = 1
    backend: Any = None
    population_statistics: bool = False
    keep_work_buffers: bool = False
    max_fun: int = 15000
    tol: float = 1e-4
    verbose: bool = False


def run(plan, state, rng):
    """Carry out ``plan``.

    Parameters
    ----------
    plan : TrainingPlan
        The run.
    state : TrainState or None
        The state to continue (stochastic solvers; None for L-BFGS).
    rng : numpy.random.Generator
        Source of the shuffling and of the layers' randomness.

    Returns
    -------
    outcome : Trainer or scipy.optimize.OptimizeResult
        The finished :class:`~skdeep.train.Trainer` of a stochastic run, or
        the result of :func:`~skdeep.train.fit_lbfgs`.
    """
    rows = plan.data.X.shape[0] if plan.solver == "lbfgs" else plan.batch_size
    with blas_threads_for(largest_product(plan.network, rows)):
        return _run(plan, state, rng)


def _run(plan, state, rng):
    network, data = plan.network, plan.data
    if plan.solver == "lbfgs":
        result = fit_lbfgs(
            network,
            plan.loss,
            data.X,
            data.y,
            data.sample_weight,
            alpha=plan.alpha,
            max_iter=plan.max_epochs,
            max_fun=plan.max_fun,
            tol=plan.tol,
            verbose=plan.verbose,
            backend=plan.backend,
        )
        if plan.population_statistics and math.isfinite(result.fun):
            # full-batch training: the population statistics are the batch's
            network.set_population_statistics(data.X, data.sample_weight)
        return result
    if plan.optimizer is not None:
        state.optimizer = plan.optimizer
    trainer = train(
        network,
        plan.loss,
        state,
        data,
        plan.callbacks,
        rng=rng,
        max_epochs=plan.max_epochs,
        backend=plan.backend,
        batch_size=plan.batch_size,
        shuffle=plan.shuffle,
        alpha=plan.alpha,
        full_batch=plan.full_batch,
        min_batch=plan.min_batch,
    )
    if not plan.keep_work_buffers:
        network.release_grads()
        state.optimizer.release_scratch()
    if plan.population_statistics:
        network.set_population_statistics(data.X, data.sample_weight)
    return trainer
