import pytest

from ictco2_xl.core.models import MODELS


def pytest_make_parametrize_id(config, val, argname):
    if hasattr(val, "id") and hasattr(val, "function"):
        return val.id
    return None


@pytest.fixture(params=list(MODELS.values()), ids=list(MODELS))
def model(request):
    return request.param


@pytest.fixture(autouse=True)
def _no_user_models_leak():
    """User models are process-wide (a registry): every test starts and ends without any."""
    from ictco2_xl.core.models import clear_user_models
    clear_user_models()
    yield
    clear_user_models()
