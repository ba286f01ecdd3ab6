"""What the estimators make of their data before training.

Targets with rows marked unlabeled (:mod:`~skdeep.data.unlabeled`), sample
and class weights (:mod:`~skdeep.data.weights`), the validation split of
early stopping (:mod:`~skdeep.data.split`) and the conversion of arrays to
a model's dtype (:mod:`~skdeep.data.arrays`). scikit-learn's conventions and
error messages for data live here, beside the estimators; nothing here
trains.
"""
