"""Recipes: the networks and training policies of each estimator.

An estimator turns its parameters into a training plan with the pieces of
its recipe: :mod:`~skdeep.recipes.mlp` (MLPClassifier, MLPRegressor),
:mod:`~skdeep.recipes.tabular` (the tabular estimators),
:mod:`~skdeep.recipes.autoencoder` (the Autoencoder),
:mod:`~skdeep.recipes.pretraining` (greedy layer-wise pre-training of an
MLP's network), and :mod:`~skdeep.recipes.affine` (the ``coefs_`` and
``intercepts_`` views of a network). Recipes work on networks, never on
estimators, and know nothing of scikit-learn.
"""
