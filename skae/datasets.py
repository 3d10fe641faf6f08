"""Data for the examples and benchmarks: Fashion-MNIST, digits, ODDS.

The tutorials skae follows load Fashion-MNIST through Keras, which downloads
it. Many machines (CI runners, clusters) have no network, so
:func:`load_fashion_mnist` first looks for the same four IDX ``.gz`` files in
local folders, including the one Debian's ``dataset-fashion-mnist`` package
installs. :func:`load_digit_images` gives small data of the same form from
scikit-learn's bundled digits, for quick runs anywhere. :func:`load_odds`
reads an outlier-detection data set of the ODDS library from its MATLAB
``.mat`` file, as pyod's benchmark ships them.
"""

import gzip
import os
from pathlib import Path

import numpy as np

__all__ = [
    "FASHION_MNIST_CLASS_NAMES", "FASHION_MNIST_DEBIAN_DIR", "ODDS_URL", "load_digit_images", "load_fashion_mnist",
    "load_odds",
]

#: Fashion-MNIST's ten classes, by label 0 to 9.
FASHION_MNIST_CLASS_NAMES = (
    "T-shirt/top", "Trouser", "Pullover", "Dress", "Coat", "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot",
)

#: Where Debian's ``dataset-fashion-mnist`` package puts the files.
FASHION_MNIST_DEBIAN_DIR = Path("/usr/share/datasets/fashion-mnist")

#: Where the ODDS data sets are published.
ODDS_URL = "http://odds.cs.stonybrook.edu"

_FILES = {
    "train_images": ("train-images-idx3-ubyte.gz", 2051, (60000, 28, 28)),
    "train_labels": ("train-labels-idx1-ubyte.gz", 2049, (60000,)),
    "test_images": ("t10k-images-idx3-ubyte.gz", 2051, (10000, 28, 28)),
    "test_labels": ("t10k-labels-idx1-ubyte.gz", 2049, (10000,)),
}


def _candidate_dirs(path):
    """Folders to search, in order, paired with where each came from."""
    if path is not None:
        yield Path(path), "the path argument"
    if os.environ.get("SKAE_DATA"):
        yield Path(os.environ["SKAE_DATA"]), "$SKAE_DATA"
        yield Path(os.environ["SKAE_DATA"]) / "fashion-mnist", "$SKAE_DATA"
    yield Path.home() / ".keras" / "datasets" / "fashion-mnist", "the Keras cache"
    yield FASHION_MNIST_DEBIAN_DIR, "Debian's dataset-fashion-mnist"


def _read_idx(file_path, magic, shape):
    """Read one gzipped IDX file, checking its header against what it must hold."""
    with gzip.open(file_path, "rb") as file:
        data = file.read()
    header_size = 4 * (1 + len(shape))
    header = np.frombuffer(data, dtype=">u4", count=1 + len(shape))
    expected = (magic, *shape)
    if tuple(int(value) for value in header) != expected or (
        len(data) != header_size + int(np.prod(shape))
    ):
        raise ValueError(
            f"{file_path} is not the Fashion-MNIST file it is named after: its "
            f"header reads {tuple(int(v) for v in header)}, expected {expected}."
        )
    # Copied so the arrays are writable, as Keras's are.
    return np.frombuffer(data, dtype=np.uint8, offset=header_size).reshape(shape).copy()


def _download_with_keras():
    """Fetch the data through Keras (needs network); return the Keras cache dir."""
    import keras

    keras.datasets.fashion_mnist.load_data()
    return Path.home() / ".keras" / "datasets" / "fashion-mnist"


def _find_folder(path, download):
    """The first folder holding the four files, or Keras's download of them."""
    looked = []
    for candidate, origin in _candidate_dirs(path):
        looked.append(f"{candidate} ({origin})")
        if all((candidate / name).is_file() for name, _, _ in _FILES.values()):
            return candidate
    if download:
        try:
            return _download_with_keras()
        except Exception as error:  # no network, blocked host, ...
            looked.append(f"Keras's download (failed: {error})")
    raise FileNotFoundError(
        "Fashion-MNIST was not found. Looked in:\n  "
        + "\n  ".join(looked)
        + "\nInstall Debian's package (apt-get install dataset-fashion-mnist), "
        "put the four IDX .gz files in a folder and pass it as path= or "
        "set SKAE_DATA to it, or pass download=True to fetch them through Keras."
    )


def load_fashion_mnist(path=None, *, as_float=True, download=False):
    """Load Fashion-MNIST as the tutorials use it: Keras's arrays, pixels scaled to [0, 1].

    The four IDX files are looked for, in order, in ``path``, in
    ``$SKAE_DATA`` (or its ``fashion-mnist`` subfolder), in the Keras cache
    ``~/.keras/datasets/fashion-mnist`` and in Debian's
    ``/usr/share/datasets/fashion-mnist`` (``apt-get install
    dataset-fashion-mnist``); Keras's download is tried only if none has them
    and ``download=True``. Each file's header and length are checked before
    it is used.

    Parameters
    ----------
    path : str or os.PathLike or None, default=None
        A folder holding ``train-images-idx3-ubyte.gz`` and the other files.
    as_float : bool, default=True
        Return images as float32 scaled to [0, 1] (pixels / 255), as the
        tutorials do on their first line and as a sigmoid output
        reconstructs them; ``False`` returns Keras's uint8 pixels, 0 to 255.
    download : bool, default=False
        Whether to try Keras's download (which needs the network) when no
        local copy is found. Off by default, so that a machine without the
        data gets the list of places looked in at once.

    Returns
    -------
    (X_train, y_train), (X_test, y_test) : tuple of tuples of ndarray
        Images of shape (60000, 28, 28) and (10000, 28, 28), float32 (or
        uint8 with ``as_float=False``); labels uint8 in 0..9.

    Raises
    ------
    FileNotFoundError
        If no folder holds the files and the download is off or fails; the
        message lists where it looked and how to get the data.

    Examples
    --------
    >>> from skae.datasets import load_fashion_mnist
    >>> (X_train, y_train), (X_test, y_test) = load_fashion_mnist()  # doctest: +SKIP
    >>> X_train.shape, X_test.dtype, float(X_train.max())  # doctest: +SKIP
    ((60000, 28, 28), dtype('float32'), 1.0)
    """
    folder = _find_folder(path, download)
    arrays = {
        key: _read_idx(folder / name, magic, shape)
        for key, (name, magic, shape) in _FILES.items()
    }
    X_train, X_test = arrays["train_images"], arrays["test_images"]
    if as_float:
        X_train = X_train.astype(np.float32) / 255.0
        X_test = X_test.astype(np.float32) / 255.0
    return (X_train, arrays["train_labels"]), (X_test, arrays["test_labels"])


def load_digit_images(*, test_size=0.25, random_state=0):
    """Load scikit-learn's 8x8 digits in the form of :func:`load_fashion_mnist`.

    Small data that ships with scikit-learn, for quick runs on any machine:
    1,797 images split into training and test sets, as float32 in [0, 1].

    Parameters
    ----------
    test_size : float, default=0.25
        Share of the images in the test set (stratified by digit).
    random_state : int, default=0
        Seed of the split.

    Returns
    -------
    (X_train, y_train), (X_test, y_test) : tuple of tuples of ndarray
        Images of shape (n, 8, 8), float32 in [0, 1]; labels 0..9.

    Examples
    --------
    >>> from skae.datasets import load_digit_images
    >>> (X_train, y_train), (X_test, y_test) = load_digit_images()
    >>> X_train.shape, X_test.shape, X_train.dtype, float(X_train.max())
    ((1347, 8, 8), (450, 8, 8), dtype('float32'), 1.0)
    """
    from sklearn.datasets import load_digits
    from sklearn.model_selection import train_test_split

    digits = load_digits()
    images = (digits.images / 16.0).astype(np.float32)
    X_train, X_test, y_train, y_test = train_test_split(
        images, digits.target, test_size=test_size, random_state=random_state, stratify=digits.target
    )
    return (X_train, y_train), (X_test, y_test)


def load_odds(path):
    """Read an ODDS outlier-detection data set from its ``.mat`` file.

    The ODDS library (Rayana, 2016, :data:`ODDS_URL`) publishes each data set
    as a MATLAB file holding ``X`` (samples x features) and ``y`` (1 for an
    outlier, 0 for an inlier); pyod's benchmark ships the same files.

    Parameters
    ----------
    path : str or path-like
        The ``.mat`` file, e.g. ``"odds/glass.mat"``.

    Returns
    -------
    X : ndarray of shape (n_samples, n_features)
        The samples, as float64.
    y : ndarray of shape (n_samples,)
        1 for the outliers, 0 for the inliers, as int64.

    Raises
    ------
    FileNotFoundError
        If there is no file at ``path``.
    ValueError
        If the file lacks ``X`` or ``y``, or they do not match.

    Examples
    --------
    >>> import numpy as np, scipy.io, tempfile, os
    >>> from skae.datasets import load_odds
    >>> path = os.path.join(tempfile.mkdtemp(), "tiny.mat")
    >>> scipy.io.savemat(path, {"X": np.eye(4), "y": np.array([[0], [0], [0], [1]])})
    >>> X, y = load_odds(path)
    >>> X.shape, y.tolist()
    ((4, 4), [0, 0, 0, 1])
    """
    import scipy.io

    path = Path(path)
    if not path.is_file():
        raise FileNotFoundError(f"No ODDS file at {path}; the data sets are at {ODDS_URL}.")
    contents = scipy.io.loadmat(path)
    missing = [key for key in ("X", "y") if key not in contents]
    if missing:
        raise ValueError(f"{path} is not an ODDS file: it has no {' or '.join(missing)}.")
    X = np.asarray(contents["X"], dtype=np.float64)
    y = np.asarray(contents["y"]).ravel().astype(np.int64)
    if X.ndim != 2 or X.shape[0] != y.shape[0]:
        raise ValueError(f"{path}: X has shape {X.shape} but y has {y.shape[0]} labels.")
    if not np.isin(y, (0, 1)).all():
        raise ValueError(f"{path}: y must hold 0 (inlier) and 1 (outlier) only.")
    return X, y
