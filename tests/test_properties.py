"""Property-based tests: whatever array comes in, skae works or fails clearly.

Every call either returns a result of the documented shape and dtype or
raises ``ValueError`` or ``TypeError``; nothing hangs, crashes the
interpreter, or fails with another exception.
"""

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from conftest import SMALL
from skae import AutoencoderTransformer, DenoisingAutoencoder

# scikit-learn's finiteness check sums the data before it raises its
# "contains infinity" ValueError; with +inf and -inf that sum warns.
pytestmark = pytest.mark.filterwarnings("ignore:invalid value encountered in reduce:RuntimeWarning")

CLEAR_ERRORS = (ValueError, TypeError)
SLOW = settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.too_slow])
FAST = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])

DTYPES = st.sampled_from(
    [np.float16, np.float32, np.float64, np.int8, np.int64, np.uint8, np.bool_, np.complex64, np.dtype("U3"), object]
)
ANY_FLOAT = st.floats(allow_nan=True, allow_infinity=True, width=64)


@st.composite
def arrays(draw, n_features=None):
    """Arrays of any of DTYPES, 0-3 dimensions, with NaN, inf and huge values."""
    dtype = np.dtype(draw(DTYPES))
    if n_features is None:
        shape = draw(hnp.array_shapes(min_dims=0, max_dims=3, min_side=0, max_side=8))
    else:
        shape = (draw(st.integers(0, 12)), n_features)
    if dtype.kind in "fc":
        elements = ANY_FLOAT if draw(st.booleans()) else st.floats(-1e3, 1e3, width=32)
        with np.errstate(over="ignore"):  # huge values become inf in float16
            return draw(hnp.arrays(np.float64, shape, elements=elements)).astype(dtype)
    if dtype == object:
        return draw(hnp.arrays(object, shape, elements=st.one_of(st.floats(-5, 5), st.text(max_size=2))))
    return draw(hnp.arrays(dtype, shape))


@pytest.fixture(scope="module")
def models():
    X = np.random.default_rng(0).random((60, 5))
    return [AutoencoderTransformer(latent_dim=2, **SMALL).fit(X), DenoisingAutoencoder(latent_dim=2, **SMALL).fit(X)]


def check_call(call, expected_rows=None, expected_width=None):
    try:
        result = call()
    except CLEAR_ERRORS as error:
        assert str(error), "errors must say what is wrong"
        return None
    result = np.asarray(result)
    assert result.dtype in (np.float32, np.float64)
    if expected_rows is not None:
        assert result.shape[0] == expected_rows
    if expected_width is not None:
        assert result.shape[1] == expected_width
    return result


@FAST
@given(X=st.one_of(arrays(), arrays(n_features=5)))
def test_fitted_methods_work_or_fail_clearly(models, X):
    for model in models:
        rows = X.shape[0] if X.ndim == 2 else None
        codes = check_call(lambda: model.transform(X), rows, 2)
        check_call(lambda: model.score_samples(X), rows)
        if codes is not None and np.all(np.abs(X) <= 1e3):
            assert np.all(np.isfinite(codes))
        if hasattr(model, "denoise"):
            check_call(lambda: model.denoise(X), rows, 5)


@FAST
@given(Z=st.one_of(arrays(), arrays(n_features=2)))
def test_inverse_transform_works_or_fails_clearly(models, Z):
    for model in models:
        check_call(lambda: model.inverse_transform(Z), Z.shape[0] if Z.ndim == 2 else None, 5)


@SLOW
@given(X=st.one_of(arrays(), arrays(n_features=3)), denoising=st.booleans())
def test_fit_works_or_fails_clearly(X, denoising):
    model = (DenoisingAutoencoder if denoising else AutoencoderTransformer)(latent_dim=2, **SMALL)
    try:
        model.fit(X)
    except CLEAR_ERRORS as error:
        assert str(error)
        return
    assert model.transform(X).shape == (X.shape[0], 2)
