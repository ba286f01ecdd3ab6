"""Real tables for ``bench_tabular.py`` and ``ablate_tabular.py``.

Five public tables (10,692 to 45,211 rows; mixed numeric and categorical
columns; 3 binary classification and 2 regression tasks), read from a
folder of their gzipped copies: ``$SKDEEP_TABLES``, else
``../shared/data/tables`` beside the repository (that folder's README gives
the sources and checksums). The cleaning is the usual one, as that README
describes it:

================  =====  ==========  ==========================================
name              rows   task        target; choices
================  =====  ==========  ==========================================
bank_marketing    45211  binary      y = yes (11.7%); 7 numeric + 9 categorical
                                     ('unknown' is a category); duration kept
credit_default    30000  binary      default next month (22.1%); ID dropped;
                                     SEX, EDUCATION, MARRIAGE categorical codes
magic_telescope   19020  binary      gamma (64.8%) vs hadron; 10 numeric
bike_sharing      17379  regression  rentals per hour (cnt); instant, dteday,
                                     casual, registered dropped; season and
                                     weathersit categorical
brazilian_houses  10692  regression  log(rent); city, animal, furniture
                                     categorical; floor '-' is missing; fire
                                     insurance and total dropped (they are
                                     computed from the rent)
================  =====  ==========  ==========================================

Categorical columns are of ``category`` dtype (codes as strings), so every
model in ``bench_tabular.py`` reads them the same way.
"""

import os
import pathlib

import numpy as np
import pandas as pd
from _tabular_suite import Dataset

ROOT = pathlib.Path(__file__).resolve().parents[2]
DEFAULT_DIR = ROOT / "shared" / "data" / "tables"


def tables_dir():
    """The folder of the tables: ``$SKDEEP_TABLES`` or the default one."""
    return pathlib.Path(os.environ.get("SKDEEP_TABLES", DEFAULT_DIR))


def available():
    """Whether the folder holds the tables."""
    return (tables_dir() / "bank-full.csv.gz").exists()


def _categories(frame, columns):
    return frame.astype({c: "str" for c in columns}).astype(
        {c: "category" for c in columns}
    )


def bank_marketing():
    frame = pd.read_csv(tables_dir() / "bank-full.csv.gz", sep=";")
    y = (frame.pop("y") == "yes").to_numpy(np.int64)
    categorical = [c for c in frame.columns if frame[c].dtype == object]
    return Dataset("bank_marketing", "binary", _categories(frame, categorical), y)


def credit_default():
    frame = pd.read_csv(tables_dir() / "UCI_Credit_Card.csv.gz", lineterminator="\r")
    frame = frame.drop(columns="ID")
    y = frame.pop("default.payment.next.month").to_numpy(np.int64)
    X = _categories(frame, ["SEX", "EDUCATION", "MARRIAGE"])
    return Dataset("credit_default", "binary", X, y)


MAGIC_COLUMNS = [
    "fLength",
    "fWidth",
    "fSize",
    "fConc",
    "fConc1",
    "fAsym",
    "fM3Long",
    "fM3Trans",
    "fAlpha",
    "fDist",
]


def magic_telescope():
    frame = pd.read_csv(
        tables_dir() / "magic04.data.gz", header=None, names=[*MAGIC_COLUMNS, "class"]
    )
    y = (frame.pop("class") == "g").to_numpy(np.int64)
    return Dataset("magic_telescope", "binary", frame.to_numpy(np.float64), y)


def bike_sharing():
    frame = pd.read_csv(tables_dir() / "bike_hour.csv.gz")
    frame = frame.drop(columns=["instant", "dteday", "casual", "registered"])
    y = frame.pop("cnt").to_numpy(np.float64)
    X = _categories(frame, ["season", "weathersit"])
    return Dataset("bike_sharing", "regression", X, y)


def brazilian_houses():
    frame = pd.read_csv(tables_dir() / "houses_to_rent_v2.csv.gz")
    frame = frame.drop(columns=["fire insurance (R$)", "total (R$)"])
    y = np.log(frame.pop("rent amount (R$)").to_numpy(np.float64))
    frame["floor"] = pd.to_numeric(frame["floor"].replace("-", np.nan))
    X = _categories(frame, ["city", "animal", "furniture"])
    return Dataset("brazilian_houses", "regression", X, y)


BUILDERS = {
    "bank_marketing": bank_marketing,
    "credit_default": credit_default,
    "magic_telescope": magic_telescope,
    "bike_sharing": bike_sharing,
    "brazilian_houses": brazilian_houses,
}


if __name__ == "__main__":
    print(f"tables in {tables_dir()}")
    for builder in BUILDERS.values():
        print(builder().describe())
