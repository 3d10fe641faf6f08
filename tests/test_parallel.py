"""Parallel search and cross-validation: worker processes give the serial results.

``n_jobs=2`` fits skae estimators in joblib's default (loky) worker processes,
each importing TensorFlow, and sends fitted models back pickled; joblib's
``dask`` backend fits them on a ``dask.distributed`` cluster. Either way the
scores, and the returned models, are bit-identical to a serial run with the
same ``random_state``.

Why exact equality holds across processes: loky starts its workers with
``OMP_NUM_THREADS=1`` (and the other BLAS thread limits) while this process
uses every core, but a fit of these small models does not depend on the thread
count: weights after fitting were measured identical with TensorFlow's
intra-op threads set to 1 or 2, with ``OMP_NUM_THREADS=1``, and for a model
with 512 and 256 unit hidden layers on all 1,797 digits. The inputs, the
shuffling, the noise and the initial weights come from ``random_state`` alone.
"""

import os
import random
import threading

import joblib
import numpy as np
import pytest
from dask.distributed import Client, LocalCluster, get_task_stream
from sklearn.model_selection import GridSearchCV, cross_validate

from conftest import SMALL
from skae import AutoencoderTransformer, DenoisingAutoencoder

SCORES = ("split0_test_score", "split1_test_score", "mean_test_score")


@pytest.fixture(scope="module")
def few_digits(digits):
    """200 digits: enough for two folds, quick to fit."""
    return digits[:200]


def latent_dim_search(**kwargs):
    """The search every test runs: two sizes of code, two folds, no refit."""
    return GridSearchCV(AutoencoderTransformer(**SMALL), {"latent_dim": [2, 4]}, cv=2, refit=False, **kwargs)


def assert_same_scores(results, expected):
    for key in SCORES:
        np.testing.assert_array_equal(results[key], expected[key], err_msg=key)


@pytest.fixture(scope="module")
def serial_results(few_digits):
    """``cv_results_`` of the search run in this process, one fit at a time."""
    return latent_dim_search(n_jobs=1).fit(few_digits).cv_results_


def test_grid_search_in_worker_processes_matches_serial(few_digits, serial_results):
    """GridSearchCV(n_jobs=2) scores every candidate exactly as n_jobs=1 does."""
    results = latent_dim_search(n_jobs=2).fit(few_digits).cv_results_
    assert_same_scores(results, serial_results)


def test_cross_validate_returns_models_fitted_in_workers(few_digits):
    """Models fitted in workers come back pickled and equal to serially fitted ones."""
    denoiser = DenoisingAutoencoder(latent_dim=4, **SMALL)
    serial = cross_validate(denoiser, few_digits, cv=2, return_estimator=True)
    parallel = cross_validate(denoiser, few_digits, cv=2, n_jobs=2, return_estimator=True)
    np.testing.assert_array_equal(parallel["test_score"], serial["test_score"])
    for from_worker, from_here in zip(parallel["estimator"], serial["estimator"], strict=True):
        assert from_worker.history_ == from_here.history_
        np.testing.assert_array_equal(from_worker.transform(few_digits), from_here.transform(few_digits))
        np.testing.assert_array_equal(from_worker.denoise(few_digits), from_here.denoise(few_digits))


def test_loky_workers_are_other_processes_with_our_environment():
    """Workers run in other processes, with the environment conftest sets before TensorFlow loads."""
    # After the fits above on purpose: loky takes a worker's memory after its
    # first task as the reference for its leak check, so a worker whose first
    # task does not load TensorFlow grows by more than its 300 MB limit when a
    # later one does, and is replaced, with a UserWarning and a second import.
    answers = joblib.Parallel(n_jobs=2)(
        joblib.delayed(os.getenv)(name) for name in ("TF_CPP_MIN_LOG_LEVEL", "SCIPY_ARRAY_API")
    )
    assert answers == [os.environ["TF_CPP_MIN_LOG_LEVEL"], os.environ["SCIPY_ARRAY_API"]]
    assert os.getpid() not in joblib.Parallel(n_jobs=2)(joblib.delayed(os.getpid)() for _ in range(2))


def test_fit_ignores_other_threads_drawing_from_random(few_digits):
    """Other threads using Python's random module do not change a fit's weights."""
    # Keras seeds an unseeded initializer from Python's global random, which a
    # Dask worker's event loop draws from (dask.sizeof) while its task thread
    # builds a model. The built-in architectures' seeded initializers make this
    # hold (a callable architecture's own layers are still seeded from Python's
    # random); without them 10 of 70 Dask searches differed from the serial
    # one, and this test failed 10 times in 10.
    estimator = AutoencoderTransformer(latent_dim=2, epochs=1, batch_size=64, random_state=0)
    alone = estimator.fit(few_digits).model_.get_weights()
    stop = threading.Event()

    def draw():
        while not stop.wait(0.001):
            random.random()

    thread = threading.Thread(target=draw, daemon=True)
    thread.start()
    try:
        beside_a_thread = estimator.fit(few_digits).model_.get_weights()
    finally:
        stop.set()
        thread.join()
    for got, expected in zip(beside_a_thread, alone, strict=True):
        np.testing.assert_array_equal(got, expected)


def test_grid_search_in_threads_matches_serial(few_digits, serial_results):
    """Under joblib's threading backend, two fits at once still score as serial ones."""
    with joblib.parallel_backend("threading"):
        results = latent_dim_search(n_jobs=2).fit(few_digits).cv_results_
    assert_same_scores(results, serial_results)


@pytest.fixture(scope="module")
def dask_client(serial_results):
    """A client of a local cluster of two single-threaded worker processes.

    Started after ``serial_results`` is computed, so the serial search does
    not share the two cores with the cluster's processes.
    """
    with (
        LocalCluster(
            n_workers=2,
            threads_per_worker=1,
            processes=True,
            dashboard_address=None,
            # Even without a dashboard the scheduler serves HTTP, by default on
            # port 8787, and warns if another cluster holds it: take a free one.
            scheduler_kwargs={"dashboard_address": "127.0.0.1:0"},
        ) as cluster,
        Client(cluster) as client,
    ):
        yield client


def test_dask_workers_have_our_environment(dask_client):
    """Dask's worker processes also inherit the environment conftest sets."""
    assert set(dask_client.run(os.getenv, "TF_CPP_MIN_LOG_LEVEL").values()) == {os.environ["TF_CPP_MIN_LOG_LEVEL"]}


def test_grid_search_on_a_dask_cluster_matches_serial(dask_client, serial_results, few_digits):
    """Under joblib's dask backend the search runs on the workers, with the serial scores."""
    with get_task_stream(dask_client) as tasks, joblib.parallel_backend("dask"):
        results = latent_dim_search().fit(few_digits).cv_results_
    # The fits ran as tasks on the cluster (not always on both workers: with
    # few tasks the scheduler may give them all to one).
    workers = {task["worker"] for task in tasks.data}
    assert workers and workers <= set(dask_client.scheduler_info()["workers"])
    assert_same_scores(results, serial_results)


def test_transform_of_a_dask_array_on_the_cluster_equals_transform_in_memory(dask_client, fitted_dense, digits):
    """docs/scaling.rst's recipe: chunk by chunk on the workers, exactly the codes of the whole array.

    ``transform`` predicts in batches of a fixed size, so a row's codes do not
    depend on the chunk it is in; chunks of 3 and 4 rows, and chunks that
    split the columns (put back together as whole rows), change nothing.
    """
    import dask.array as da

    from skae.benchmarks.scale_out import transform_chunks

    row_chunks = (3, 4) * 40  # 280 rows
    workers = set(dask_client.scheduler_info()["workers"])
    for dtype, column_chunks in ((np.float64, 64), (np.float32, 32)):
        X = digits[:280].astype(dtype)
        codes = transform_chunks(fitted_dense, da.from_array(X, chunks=(row_chunks, column_chunks)))
        assert codes.shape == (280, 4) and codes.dtype == dtype and codes.chunks == (row_chunks, (4,))
        with get_task_stream(dask_client) as tasks:
            computed = codes.compute()
        assert {task["worker"] for task in tasks.data} <= workers and len(tasks.data) >= len(row_chunks)
        assert computed.dtype == dtype
        np.testing.assert_array_equal(computed, fitted_dense.transform(X))
