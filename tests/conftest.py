"""Shared fixtures.

LibreOffice, shared by the whole test session (issue 10: the suite must stay fast on a 2-core machine):

- ``_shared_libreoffice`` (autouse, session scope) wraps the session in ``libreoffice.keep_alive()``, so every
  call of ``recalc.recalculate(..., "libreoffice")``, ``recalc.check(..., "libreoffice")``,
  ``batch.generate(..., verify="libreoffice")`` and ``libreoffice.session()`` with default settings reuses the
  same soffice processes (driven over UNO, two side by side), started lazily on first use and closed at the end.
  Tests that never touch LibreOffice start nothing.
- ``libreoffice_session`` gives that shared ``ictco2_xl.recalc.libreoffice.Session`` directly (skipping the test
  when soffice is not installed), for tests that want more than values, e.g. a rendering pass:
  ``libreoffice_session.convert(paths, out_dir, "pdf")`` recalculates and stores every workbook as PDF
  (``"xlsx"`` or any LibreOffice filter name also work); ``libreoffice_session.values(path)`` returns
  {(sheet, ref): value}. Pass many files per call: each call keeps both soffice processes busy.
- ``needs_soffice``: marks (``libreoffice`` marker and a skip with the install hint) for such tests.
"""
import pytest

from ictco2_xl.core.models import MODELS
from ictco2_xl.recalc import libreoffice
from ictco2_xl.recalc.soffice import INSTALL_HINT, soffice_path

needs_soffice = [pytest.mark.libreoffice,
                 pytest.mark.skipif(soffice_path() is None, reason=f"LibreOffice (soffice) is not installed: "
                                    f"{INSTALL_HINT} (.ci/run installs it)")]


def pytest_make_parametrize_id(config, val, argname):
    if hasattr(val, "id") and hasattr(val, "function"):
        return val.id
    return None


@pytest.fixture(params=list(MODELS.values()), ids=list(MODELS))
def model(request):
    return request.param


@pytest.fixture(scope="session", autouse=True)
def _shared_libreoffice():
    with libreoffice.keep_alive():
        yield


@pytest.fixture(scope="session")
def libreoffice_session(_shared_libreoffice):
    if soffice_path() is None:
        pytest.skip(f"LibreOffice (soffice) is not installed: {INSTALL_HINT}")
    with libreoffice.session() as shared:
        yield shared
