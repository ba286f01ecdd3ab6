"""Where a training epoch's time goes: forward, loss, backward, L2 penalty and
optimizer step, timed inside skdeep's training loop on W2's workload.

Each phase is timed with ``perf_counter`` around the same calls
``Trainer.train_batch`` makes; the roofline (matrix products only) is timed in
the same process for comparison.

Usage::

    python benchmarks/bench_phases.py            # 2 epochs of W2
    python benchmarks/bench_phases.py --epochs 3
"""

import argparse
import math
import os
import tempfile
import time
import warnings
from collections import defaultdict

import numpy as np
from _common import WORKLOADS, make_data
from bench_speed import child_roofline

import skdeep.backend
from skdeep import MLPClassifier
from skdeep.train import loop

PHASES = defaultdict(float)


def timed_train_batch(self, X, y, sample_weight=None, weight_sum=None):
    """``Trainer.train_batch`` (no sample weights) with each phase timed."""
    net = self.net
    t0 = time.perf_counter()
    Z = net.forward(X, training=True)
    t1 = time.perf_counter()
    loss = self.loss.forward(Z, y)
    dLdz = self.loss.backward()
    t2 = time.perf_counter()
    net.backward(dLdz)
    t3 = time.perf_counter()
    coef = self.alpha / X.shape[0]
    loss += 0.5 * coef * net.l2_penalty()
    t4 = time.perf_counter()
    if math.isfinite(loss):
        self.optimizer.step(net.params, net.grads, coef, net.n_decay)
    t5 = time.perf_counter()
    for name, start, stop in (
        ("forward", t0, t1),
        ("loss", t1, t2),
        ("backward", t2, t3),
        ("l2 penalty", t3, t4),
        ("optimizer step", t4, t5),
    ):
        PHASES[name] += stop - start
    return loss


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--epochs", type=int, default=2)
    parser.add_argument(
        "--fused", choices=["auto", "on", "off"], default="auto",
        help="the compiled optimizer step: when it pays (auto), always, never",
    )  # fmt: skip
    args = parser.parse_args()
    skdeep.backend.NUMPY.fused = {"auto": "auto", "on": True, "off": False}[
        args.fused
    ]
    spec = WORKLOADS["W2"]
    data = np.load(make_data("W2", spec, tempfile.mkdtemp(prefix="skdeep-bench-")))
    X, y = data["X"], data["y"]
    model = MLPClassifier(
        hidden_layer_sizes=spec["hidden"],
        batch_size=spec["batch_size"],
        max_iter=args.epochs,
        tol=0.0,
        n_iter_no_change=10**6,
        random_state=0,
    )
    loop.Trainer.train_batch = timed_train_batch
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        start = time.perf_counter()
        model.fit(X, y)
        total = time.perf_counter() - start
    print(
        f"W2, {args.epochs} epochs, {os.cpu_count()} cores: "
        f"{total / args.epochs:.3f} s/epoch"
    )
    for name, seconds in PHASES.items():
        print(
            f"  {name:15} {seconds / args.epochs:7.3f} s/epoch {seconds / total:5.0%}"
        )
    products = PHASES["forward"] + PHASES["backward"]
    roofline = child_roofline(spec, threads=os.cpu_count())["seconds"]
    print(
        f"  forward + backward {products / args.epochs:.3f} s/epoch; "
        f"roofline {roofline:.3f} s ({products / args.epochs / roofline:.2f}x)"
    )


if __name__ == "__main__":
    main()
