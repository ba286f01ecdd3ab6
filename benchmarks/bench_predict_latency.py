"""Latency of predict_proba per call, at batch 1, 100 and 10,000 rows.

A 20-64-64-2 network (W3's shape, relu, float32) trained briefly by skdeep
and by scikit-learn, and skdeep's model exported to ONNX and run by
onnxruntime (when skl2onnx and onnxruntime are installed): the median time
of a call over ``--calls`` calls (after a few warm-up calls), for each batch
size, in one process with ``--threads`` BLAS and onnxruntime threads. Also
a tabular model (TabularMLPClassifier at its defaults, on a 20-column
table) through skdeep and onnxruntime.

Usage::

    python benchmarks/bench_predict_latency.py
    python benchmarks/bench_predict_latency.py --calls 2000 --threads 1
"""

import argparse
import statistics
import time
import warnings

import numpy as np
from _common import machine_lines
from threadpoolctl import threadpool_limits

BATCHES = (1, 100, 10000)


def median_seconds(call, X, calls):
    for _ in range(5):
        call(X)
    times = []
    for _ in range(calls):
        start = time.perf_counter()
        call(X)
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def onnx_session(model, X, threads):
    try:
        import onnxruntime as ort
        from skl2onnx import to_onnx
    except ImportError:
        return None
    onx = to_onnx(model, X[:1], options={"zipmap": False})
    options = ort.SessionOptions()
    options.intra_op_num_threads = threads
    options.inter_op_num_threads = 1
    session = ort.InferenceSession(
        onx.SerializeToString(), options, providers=["CPUExecutionProvider"]
    )
    name = session.get_inputs()[0].name
    return lambda rows: session.run(["probabilities"], {name: rows})[0]


def models(X, y):
    from sklearn.neural_network import MLPClassifier as SkMLP

    import skdeep

    params = dict(hidden_layer_sizes=(64, 64), max_iter=3, random_state=0)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        ours = skdeep.MLPClassifier(**params, progress_bar=False).fit(X, y)
        theirs = SkMLP(**params).fit(X, y)
        tabular = skdeep.TabularMLPClassifier(max_iter=2, random_state=0)
        tabular.set_params(progress_bar=False).fit(X, y)
    return ours, theirs, tabular


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--calls", type=int, default=500)
    parser.add_argument("--threads", type=int, default=1)
    args = parser.parse_args()
    from sklearn.datasets import make_classification

    X, y = make_classification(20000, 20, random_state=0)
    X = X.astype(np.float32)
    print("\n".join(machine_lines()))
    print(f"threads: {args.threads}, median of {args.calls} calls per batch size")
    with threadpool_limits(args.threads):
        ours, theirs, tabular = models(X, y)
        rows = {
            "skdeep MLPClassifier": ours.predict_proba,
            "sklearn MLPClassifier": theirs.predict_proba,
            "onnxruntime (skdeep's MLP)": onnx_session(ours, X, args.threads),
            "skdeep TabularMLPClassifier": tabular.predict_proba,
            "onnxruntime (the tabular model)": onnx_session(tabular, X, args.threads),
        }
        print(f"{'':34s}" + "".join(f"{f'batch {b}':>16s}" for b in BATCHES))
        for name, call in rows.items():
            if call is None:
                print(f"{name:34s} (skl2onnx or onnxruntime missing)")
                continue
            cells = []
            for batch in BATCHES:
                calls = args.calls if batch < 10000 else max(args.calls // 20, 10)
                seconds = median_seconds(call, X[:batch], calls)
                cells.append(f"{seconds * 1e6:13.1f} us")
            print(f"{name:34s}" + "".join(f"{c:>16s}" for c in cells))


if __name__ == "__main__":
    main()
