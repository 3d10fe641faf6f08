"""skae.datasets.load_fashion_mnist: where it looks, what it checks, how it fails."""

import gzip

import numpy as np
import pytest

import skae.datasets as datasets
from skae.datasets import FASHION_MNIST_DEBIAN_DIR, load_digit_images, load_fashion_mnist

DEBIAN_FILES_PRESENT = (FASHION_MNIST_DEBIAN_DIR / "train-images-idx3-ubyte.gz").is_file()


def write_idx(path, magic, array):
    header = np.array([magic, *array.shape], dtype=">u4").tobytes()
    with gzip.open(path, "wb", compresslevel=1) as file:
        file.write(header + array.astype(np.uint8).tobytes())


@pytest.fixture(scope="module")
def fake_data_dir(tmp_path_factory):
    """A folder with valid IDX files: pixel value = label, to check pairing."""
    folder = tmp_path_factory.mktemp("fashion")
    for prefix, n in (("train", 60000), ("t10k", 10000)):
        labels = np.arange(n) % 10
        write_idx(folder / f"{prefix}-labels-idx1-ubyte.gz", 2049, labels)
        images = np.broadcast_to(labels[:, None, None], (n, 28, 28))
        write_idx(folder / f"{prefix}-images-idx3-ubyte.gz", 2051, images)
    return folder


@pytest.fixture
def nowhere(tmp_path, monkeypatch):
    """No data anywhere: empty home, no SKAE_DATA, no Debian folder, no download."""
    monkeypatch.setenv("HOME", str(tmp_path))
    monkeypatch.delenv("SKAE_DATA", raising=False)
    monkeypatch.setattr(datasets, "FASHION_MNIST_DEBIAN_DIR", tmp_path / "no-debian")

    def offline():
        raise OSError("network is unreachable")

    monkeypatch.setattr(datasets, "_download_with_keras", offline)
    return tmp_path


def test_reads_a_given_folder(fake_data_dir, nowhere):
    (X_train, y_train), (X_test, y_test) = load_fashion_mnist(fake_data_dir, as_float=False)
    assert X_train.shape == (60000, 28, 28) and X_test.shape == (10000, 28, 28)
    assert X_train.dtype == np.uint8 and y_train.dtype == np.uint8
    np.testing.assert_array_equal(X_train[:, 0, 0], y_train)
    np.testing.assert_array_equal(X_test[:, 5, 5], y_test)
    X_train[0, 0, 0] = 1  # writable, like Keras's arrays


def test_images_are_scaled_to_unit_range_by_default(fake_data_dir, nowhere):
    # As the tutorials' first line scales them: pixels / 255, float32.
    (X_train, _), (X_test, _) = load_fashion_mnist(fake_data_dir)
    assert X_train.dtype == np.float32 and X_test.dtype == np.float32
    assert X_train.max() == pytest.approx(9 / 255)
    (pixels, _), _ = load_fashion_mnist(fake_data_dir, as_float=False)
    np.testing.assert_array_equal(X_train, pixels.astype(np.float32) / 255)


def test_skae_data_environment_variable(fake_data_dir, nowhere, monkeypatch):
    monkeypatch.setenv("SKAE_DATA", str(fake_data_dir))
    (X_train, _), _ = load_fashion_mnist()
    assert X_train.shape == (60000, 28, 28)


def test_keras_cache_is_searched(fake_data_dir, nowhere):
    cache = nowhere / ".keras" / "datasets" / "fashion-mnist"
    cache.mkdir(parents=True)
    for file in fake_data_dir.iterdir():
        (cache / file.name).symlink_to(file)
    (_, y_train), _ = load_fashion_mnist()
    assert len(y_train) == 60000


def test_nothing_found_raises_one_clear_error(nowhere):
    with pytest.raises(FileNotFoundError) as error:
        load_fashion_mnist(nowhere / "missing", download=True)
    message = str(error.value)
    for expected in ("the path argument", "the Keras cache", "Debian", "network is unreachable",
                     "apt-get install dataset-fashion-mnist", "SKAE_DATA", "download=True"):
        assert expected in message


def test_no_download_is_tried_unless_asked_for(nowhere, monkeypatch):
    def must_not_download():
        raise AssertionError("download attempted")

    monkeypatch.setattr(datasets, "_download_with_keras", must_not_download)
    with pytest.raises(FileNotFoundError, match="Looked in"):
        load_fashion_mnist()


def test_a_damaged_file_is_rejected(fake_data_dir, tmp_path, nowhere):
    broken = tmp_path / "broken"
    broken.mkdir()
    for file in fake_data_dir.iterdir():
        (broken / file.name).symlink_to(file)
    (broken / "t10k-labels-idx1-ubyte.gz").unlink()
    write_idx(broken / "t10k-labels-idx1-ubyte.gz", 2049, np.zeros(9999))
    with pytest.raises(ValueError, match="t10k-labels.*expected \\(2049, 10000\\)"):
        load_fashion_mnist(broken)


@pytest.mark.skipif(not DEBIAN_FILES_PRESENT, reason="Debian's dataset-fashion-mnist is not installed")
def test_finds_debians_files():
    (X_train, y_train), (X_test, y_test) = load_fashion_mnist(as_float=False)
    assert X_train.shape == (60000, 28, 28) and X_test.shape == (10000, 28, 28)
    assert set(np.unique(y_train)) == set(range(10)) == set(np.unique(y_test))
    assert X_train.max() == 255


def test_digit_images_are_small_data_in_the_same_form():
    (X_train, y_train), (X_test, y_test) = load_digit_images(test_size=0.2, random_state=1)
    assert X_train.shape == (1437, 8, 8) and X_test.shape == (360, 8, 8)
    assert X_train.dtype == np.float32 and X_train.min() == 0 and X_train.max() == 1
    assert set(np.unique(y_test)) == set(range(10))
    (again, _), _ = load_digit_images(test_size=0.2, random_state=1)
    np.testing.assert_array_equal(again, X_train)


# --------------------------------------------------------------------------- #
# load_odds
# --------------------------------------------------------------------------- #
def test_load_odds_reads_x_and_y(tmp_path):
    scipy_io = pytest.importorskip("scipy.io")
    X = np.arange(12, dtype=np.float32).reshape(4, 3)
    scipy_io.savemat(tmp_path / "tiny.mat", {"X": X, "y": np.array([[0], [1], [0], [0]], dtype=np.uint8)})
    X_read, y = datasets.load_odds(tmp_path / "tiny.mat")
    assert X_read.dtype == np.float64 and y.dtype == np.int64
    np.testing.assert_array_equal(X_read, X)
    np.testing.assert_array_equal(y, [0, 1, 0, 0])


def test_load_odds_names_missing_file_and_keys(tmp_path):
    scipy_io = pytest.importorskip("scipy.io")
    with pytest.raises(FileNotFoundError, match="odds.cs.stonybrook.edu"):
        datasets.load_odds(tmp_path / "absent.mat")
    scipy_io.savemat(tmp_path / "no_y.mat", {"X": np.eye(3)})
    with pytest.raises(ValueError, match="no y"):
        datasets.load_odds(tmp_path / "no_y.mat")
    scipy_io.savemat(tmp_path / "short.mat", {"X": np.eye(3), "y": np.zeros((2, 1))})
    with pytest.raises(ValueError, match="2 labels"):
        datasets.load_odds(tmp_path / "short.mat")
    scipy_io.savemat(tmp_path / "labels.mat", {"X": np.eye(3), "y": np.array([[0], [2], [1]])})
    with pytest.raises(ValueError, match="0 \\(inlier\\) and 1"):
        datasets.load_odds(tmp_path / "labels.mat")


def test_fashion_mnist_class_names_follow_the_labels():
    from skae.datasets import FASHION_MNIST_CLASS_NAMES

    assert len(FASHION_MNIST_CLASS_NAMES) == 10
    assert FASHION_MNIST_CLASS_NAMES[0] == "T-shirt/top" and FASHION_MNIST_CLASS_NAMES[9] == "Ankle boot"
