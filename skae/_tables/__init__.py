"""Mixed-type tables: the machinery behind categorical columns in skae's estimators.

* :mod:`skae._tables.layout`: which columns are categorical, and the
  encoding a network sees (numeric columns standardised, categorical ones
  one-hot) and its inverse, back to the table's own columns and dtypes;
* :mod:`skae._tables.losses`: what reconstructing each column costs, as a
  weighted squared error for a number, a cross-entropy for a category, in
  Keras (for training) and NumPy (for scores);
* :mod:`skae._tables.mixin`: the base's hooks through which an estimator
  takes a mixed DataFrame.
"""
