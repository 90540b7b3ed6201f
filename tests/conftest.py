import pytest

from ictco2_xl.core.models import MODELS


def pytest_make_parametrize_id(config, val, argname):
    if hasattr(val, "id") and hasattr(val, "function"):
        return val.id
    return None


@pytest.fixture(params=list(MODELS.values()), ids=list(MODELS))
def model(request):
    return request.param
