"""Collection rules for ``python -m pytest`` (tests and doctests)."""

import importlib.util

# Optional extras: without them their modules cannot be imported, so their
# doctests are not collected (their tests skip themselves).
collect_ignore_glob = []
if importlib.util.find_spec("torch") is None:
    collect_ignore_glob.append("skdeep/backend/_torch*.py")
if any(importlib.util.find_spec(name) is None for name in ("onnx", "skl2onnx")):
    collect_ignore_glob.append("skdeep/onnx/_*.py")
