"""Write ``sklearn.inv``: a Sphinx inventory of scikit-learn's public
classes and functions, with the addresses of their pages on
scikit-learn.org, so that the documentation links into scikit-learn's
while its build stays offline (``intersphinx_mapping`` in ``conf.py``
reads this file, not the network).

Run it with the scikit-learn whose reference the links should follow::

    python docs/_intersphinx/make_sklearn_inventory.py
"""

import inspect
import pathlib
import zlib

import sklearn
from sklearn.utils.discovery import all_displays, all_estimators, all_functions

HERE = pathlib.Path(__file__).resolve().parent


def public_objects():
    """``(full name, role)`` of every public class and function."""
    seen = {}
    for name, obj in all_estimators() + all_displays() + all_functions():
        module = obj.__module__.split(".")
        public = ".".join(p for p in module if not p.startswith("_"))
        # the public module that exports it (sklearn.linear_model, ...)
        for depth in range(len(module), 1, -1):
            candidate = ".".join(module[:depth])
            if not any(p.startswith("_") for p in module[1:depth]):
                public = candidate
                break
        role = "py:class" if inspect.isclass(obj) else "py:function"
        seen[f"{public}.{name}"] = role
    return sorted(seen.items())


def public_modules(objects):
    """The public modules that export the objects (``api/`` pages)."""
    return sorted({full.rpartition(".")[0] for full, _ in objects})


def main():
    objects = public_objects()
    lines = [
        f"{full} {role} 1 modules/generated/{full}.html#$ -"
        for full, role in objects
    ]
    lines += [f"{module} py:module 1 api/{module}.html -" for module in
              public_modules(objects)]
    header = (
        "# Sphinx inventory version 2\n"
        "# Project: scikit-learn\n"
        f"# Version: {sklearn.__version__}\n"
        "# The remainder of this file is compressed using zlib.\n"
    )
    body = zlib.compress(("\n".join(lines) + "\n").encode())
    (HERE / "sklearn.inv").write_bytes(header.encode() + body)
    print(f"{len(lines)} objects of scikit-learn {sklearn.__version__}")


if __name__ == "__main__":
    main()
