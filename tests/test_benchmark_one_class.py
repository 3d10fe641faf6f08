"""The one-class benchmark runs end to end on random images and reports what it measured."""

import json

import numpy as np
import pytest

import skae.datasets
from skae.benchmarks import one_class


def test_one_class_reports_an_auc_per_class_and_method_and_their_mean(monkeypatch, tmp_path, capsys):
    rng = np.random.default_rng(0)

    def load(path=None, *, as_float=False, download=True):
        images = rng.random((400, 28, 28), dtype=np.float32)
        labels = np.arange(400) % 10
        return (images[:300], labels[:300]), (images[300:], labels[300:])

    monkeypatch.setattr(skae.datasets, "load_fashion_mnist", load)
    monkeypatch.setattr(one_class, "CLASSES", {"quick": (0, 1)})
    monkeypatch.setattr(one_class, "TRAINING_IMAGES", {"quick": 20})  # of the 30 per class
    monkeypatch.setattr(one_class, "PCA_COMPONENTS", 8)
    full_size = one_class.methods

    def small_methods(seed):
        found = full_size(seed)
        found["skae"].set_params(n_estimators=2)
        return found

    monkeypatch.setattr(one_class, "methods", small_methods)

    assert one_class.main(["--quick", "--output", str(tmp_path)]) == 0
    document = json.loads((tmp_path / "one_class.json").read_text())
    rows, mean = document["rows"][:-1], document["rows"][-1]
    assert [row["class"] for row in rows] == [0, 1] and mean["class"] == "mean"
    assert [row["name"] for row in rows] == ["T-shirt/top", "Trouser"]
    aucs = [column for column in mean if column.endswith("_auc")]
    assert aucs == ["skae_auc", "iforest_auc", "ocsvm_auc", "pca_auc"]
    assert all(0 <= row[column] <= 1 for row in rows for column in aucs)
    assert all(row["skae_fit_s"] > 0 for row in rows)
    for column in list(mean)[2:]:  # every AUC and fit time
        assert mean[column] == pytest.approx(np.mean([row[column] for row in rows]))
    assert "n_estimators=2" in document["settings"]["methods"]["skae"]
    printed = capsys.readouterr().out
    assert "20 training images per class, 100 test images" in printed
    assert f"skae's mean AUC {mean['skae_auc']:.4f} beats iforest" in printed
