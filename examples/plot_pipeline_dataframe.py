"""
A pipeline on a DataFrame with categorical columns and string labels
====================================================================

:class:`skdeep.MLPClassifier` is a scikit-learn estimator: it fits inside a
:class:`~sklearn.pipeline.Pipeline` after a
:class:`~sklearn.compose.ColumnTransformer` that one-hot encodes the
categorical columns of a pandas DataFrame and standardizes the numeric ones,
takes string class labels and predicts them back, and is tuned by
:class:`~sklearn.model_selection.RandomizedSearchCV` like any other.
"""

# %%
# A mixed-type DataFrame
# ----------------------
# scikit-learn's diabetes data (442 patients), unscaled. We turn it into a
# classification problem with categorical columns: ``sex`` (coded 1 or 2 in
# the data) and an age band become categories, and the disease progression
# one year later becomes a string label, ``"low"``, ``"medium"`` or
# ``"high"`` (its tertiles).
import matplotlib.pyplot as plt
import pandas as pd
from scipy.stats import loguniform
from sklearn.compose import ColumnTransformer
from sklearn.datasets import load_diabetes
from sklearn.metrics import ConfusionMatrixDisplay
from sklearn.model_selection import RandomizedSearchCV, train_test_split
from sklearn.pipeline import Pipeline
from sklearn.preprocessing import OneHotEncoder, StandardScaler

from skdeep import MLPClassifier

data = load_diabetes(as_frame=True, scaled=False)
df = data.data.copy()
df["sex"] = df["sex"].astype(int).astype(str).astype("category")
df["age_band"] = pd.cut(
    df.pop("age"), bins=[0, 40, 50, 60, 100], labels=["<40", "40s", "50s", "60+"]
)
progression = pd.qcut(data.target, 3, labels=["low", "medium", "high"])
y = progression.astype(str).to_numpy()  # plain string labels

print(df.dtypes)
df.head()

# %%
# The pipeline
# ------------
# One-hot encoding for the categories, standardization for the measurements
# (the network trains much better on inputs with zero mean and unit
# variance; binary one-hot columns are left as they are), then the network.
# ``set_output(transform="pandas")`` hands the network a DataFrame, so it
# records the names of its input columns in ``feature_names_in_``.
categorical = ["sex", "age_band"]
numeric = [column for column in df.columns if column not in categorical]

preprocess = ColumnTransformer(
    [
        (
            "cat",
            OneHotEncoder(handle_unknown="ignore", sparse_output=False),
            categorical,
        ),
        ("num", StandardScaler(), numeric),
    ]
).set_output(transform="pandas")
model = Pipeline(
    [
        ("preprocess", preprocess),
        (
            "mlp",
            MLPClassifier(
                hidden_layer_sizes=(32,),
                early_stopping=True,
                n_iter_no_change=20,
                max_iter=500,
                random_state=0,
            ),
        ),
    ]
)

X_train, X_test, y_train, y_test = train_test_split(
    df, y, test_size=0.25, stratify=y, random_state=0
)

# %%
# Random search
# -------------
# Log-uniform distributions for the learning rate and the weight decay, a
# few architectures and dropout rates; each candidate is scored by 3-fold
# cross-validation on the training rows. ``random_state`` makes the search
# reproducible, with any ``n_jobs``.
search = RandomizedSearchCV(
    model,
    {
        "mlp__learning_rate_init": loguniform(1e-4, 1e-1),
        "mlp__alpha": loguniform(1e-5, 1e1),
        "mlp__hidden_layer_sizes": [(16,), (32,), (64,), (32, 32)],
        "mlp__dropout": [0.0, 0.2, 0.5],
    },
    n_iter=10,
    cv=3,
    random_state=0,
)
search.fit(X_train, y_train)
for name, value in search.best_params_.items():
    print(f"{name}: {value:.3g}" if isinstance(value, float) else f"{name}: {value}")
print(f"cross-validated accuracy: {search.best_score_:.3f}")
print(f"test accuracy: {search.score(X_test, y_test):.3f} (chance: 0.333)")

# %%
# String labels in, string labels out
# -----------------------------------
# The fitted pipeline predicts the labels it was given; ``classes_``
# (sorted) orders the columns of ``predict_proba``, and the network knows
# the names of its input columns, one per category after the encoding.
best = search.best_estimator_
print("classes:", best.classes_)
print("predictions:", best.predict(X_test.head()))
print(pd.DataFrame(best.predict_proba(X_test.head()), columns=best.classes_).round(3))
print("network inputs:", list(best[-1].feature_names_in_))

# %%
# The confusion matrix of the test rows, labelled with the class names:
# the neighbouring tertiles are where the mistakes are.
ConfusionMatrixDisplay.from_estimator(
    best, X_test, y_test, labels=["low", "medium", "high"], colorbar=False
)
plt.show()
