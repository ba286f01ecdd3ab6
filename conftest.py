"""Collection rules for ``python -m pytest`` (tests and doctests)."""

import importlib.util

# The torch backend is an optional extra: without torch its module cannot be
# imported, so its doctests are not collected (its tests skip themselves).
collect_ignore_glob = []
if importlib.util.find_spec("torch") is None:
    collect_ignore_glob.append("skdeep/backend/_torch*.py")
