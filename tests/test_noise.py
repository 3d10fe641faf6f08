"""skae.noise: the corruption functions."""

import numpy as np
import pytest

from skae.noise import NOISES, gaussian, masking, salt_and_pepper

X = np.linspace(0, 1, 2000).reshape(40, 50)


def test_gaussian_is_the_tutorials_formula():
    expected = np.clip(X + 0.2 * np.random.default_rng(5).standard_normal(X.shape), 0, 1)
    np.testing.assert_array_equal(gaussian(X, 0.2, value_range=(0, 1), random_state=5), expected)


def test_gaussian_without_clip_leaves_the_range():
    noisy = gaussian(X, 0.5, random_state=0)
    assert noisy.min() < 0 and noisy.max() > 1
    assert np.std(noisy - X) == pytest.approx(0.5, rel=0.05)


@pytest.mark.parametrize("noise", sorted(NOISES))
def test_returns_a_new_array_and_keeps_the_input(noise):
    original = X.astype(np.float32)
    original.setflags(write=False)
    noisy = NOISES[noise](original, 0.3, random_state=0)
    assert noisy is not original and noisy.dtype == np.float32 and noisy.shape == original.shape
    np.testing.assert_array_equal(original, X.astype(np.float32))


@pytest.mark.parametrize("noise", sorted(NOISES))
def test_seeding_by_generator_randomstate_or_int(noise):
    corrupt = NOISES[noise]
    by_int = corrupt(X, 0.3, random_state=3)
    np.testing.assert_array_equal(by_int, corrupt(X, 0.3, random_state=np.random.default_rng(3)))
    np.testing.assert_array_equal(
        corrupt(X, 0.3, random_state=np.random.RandomState(3)),
        corrupt(X, 0.3, random_state=np.random.RandomState(3)),
    )
    assert not np.array_equal(by_int, corrupt(X, 0.3, random_state=4))


@pytest.mark.parametrize("noise", sorted(NOISES))
def test_zero_noise_is_the_identity(noise):
    np.testing.assert_array_equal(NOISES[noise](X, 0.0, random_state=0), X)


def test_integer_input_gives_float_output():
    assert gaussian(np.ones((3, 3), dtype=int), 0.1, random_state=0).dtype == np.float64


def test_salt_and_pepper_uses_the_ends_of_the_range():
    flat = np.full((200, 200), 0.5)
    noisy = salt_and_pepper(flat, 0.2, value_range=(-1.0, 2.0), random_state=0)
    assert set(np.unique(noisy)) == {-1.0, 0.5, 2.0}
    assert np.mean(noisy != 0.5) == pytest.approx(0.2, abs=0.01)
    assert np.mean(noisy == 2.0) == pytest.approx(0.1, abs=0.01)
    # Without a range, the data's own minimum and maximum are used.
    assert set(np.unique(salt_and_pepper(X, 0.5, random_state=0))) >= {0.0, 1.0}
    # ... of the observed entries: gaps (NaN) stay out of the range.
    gappy = np.array([[np.nan, 0.25, 0.75]] * 50)
    noisy = salt_and_pepper(gappy, 0.5, random_state=0)
    assert set(np.unique(noisy[~np.isnan(noisy)])) <= {0.25, 0.75}
    nothing_observed = salt_and_pepper(np.full((20, 20), np.nan), 0.5, random_state=0)
    assert set(np.unique(nothing_observed[~np.isnan(nothing_observed)])) == {0.0, 1.0}


def test_masking_zeroes_a_share_of_entries():
    noisy = masking(np.ones((200, 200)), 0.3, random_state=0)
    assert set(np.unique(noisy)) == {0.0, 1.0}
    assert np.mean(noisy == 0) == pytest.approx(0.3, abs=0.01)


@pytest.mark.parametrize(
    "call, message",
    [
        (lambda: gaussian(X, -0.1), "must be >= 0"),
        (lambda: salt_and_pepper(X, 1.5), r"must be in \[0, 1\]"),
        (lambda: masking(X, -0.2), r"must be in \[0, 1\]"),
        (lambda: gaussian(X, 0.1, value_range=(1, 0)), "low <= high"),
        (lambda: salt_and_pepper(X, 0.1, value_range=(1, 0)), "low <= high"),
    ],
)
def test_bad_arguments(call, message):
    with pytest.raises(ValueError, match=message):
        call()


@pytest.mark.parametrize("noise", sorted(NOISES))
def test_every_noise_takes_the_one_signature(noise):
    # The registry's contract: f(X, noise_factor, *, value_range, random_state).
    noisy = NOISES[noise](X, 0.3, value_range=(0.0, 0.5), random_state=0)
    assert noisy.shape == X.shape and noisy.dtype == X.dtype
    if noise == "gaussian":
        assert noisy.max() <= 0.5
    elif noise == "salt_and_pepper":
        assert set(np.unique(noisy[noisy != X])) <= {0.0, 0.5}


def test_gaussian_clip_range_still_works_with_a_warning():
    with pytest.warns(FutureWarning, match="renamed value_range"):
        old = gaussian(X, 0.2, clip_range=(0, 1), random_state=5)
    np.testing.assert_array_equal(old, gaussian(X, 0.2, value_range=(0, 1), random_state=5))
