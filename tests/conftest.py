"""Shared fixtures.

LibreOffice is shared by the whole test session (issue 10: the suite must stay fast on a 2-core machine):

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
- ``libreoffice_background_job(fixture_name)`` registers, at import of a test module, a function
  ``build(folder) -> (paths, extra)`` whose workbooks LibreOffice recalculates in a background thread from
  the start of the session (its own soffice, on the core the single-threaded test run leaves idle), if a
  selected test uses ``fixture_name``. ``background_libreoffice(fixture_name)`` (a session fixture's
  value: call it) waits and returns ``(extra, {path: values or RecalcError})``. test_recalc_libreoffice.py
  uses it for its 832 workbooks. Under pytest-xdist (the README's ``-n auto --dist loadfile``: a file's tests
  run on one worker, so its module fixtures are built once; ``loadgroup`` cannot be used, pytest 9.2 ignores
  the node ids xdist rewrites for it) each worker has its own shared session, and a job runs, in that session,
  in the worker whose test first asks for it: the other worker keeps the second core busy.
- ``needs_soffice``: marks (``libreoffice`` marker and a skip with the install hint) for such tests;
  ``with_soffice`` applies them as a decorator.
"""
import os
from concurrent.futures import Future, ThreadPoolExecutor
from pathlib import Path

import pytest

from ictco2_xl.core.models import MODELS
from ictco2_xl.recalc import libreoffice
from ictco2_xl.recalc.soffice import INSTALL_HINT, soffice_path

needs_soffice = [pytest.mark.libreoffice,
                 pytest.mark.skipif(soffice_path() is None, reason=f"LibreOffice (soffice) is not installed: "
                                    f"{INSTALL_HINT} (.ci/run installs it)")]
_BACKGROUND_JOBS = {}


def with_soffice(test):
    """Decorator form of ``needs_soffice``."""
    for mark in needs_soffice:
        test = mark(test)
    return test


# The slowest files, slowest first. Under pytest-xdist's --dist loadfile (the README's command) a worker takes
# whole files in collection order as it runs out of work; these start first, so that the run ends with short
# files on both workers instead of one worker still busy with a long file while the other waits.
# (pytest_configure turns off xdist's own reordering, by number of tests per file, which put the 2-test file
# with the 832 LibreOffice recalculations last.)
SLOWEST_FIRST = ("test_recalc_libreoffice.py", "test_recalc_python.py", "test_batch.py", "test_rendering.py",
                 "test_usermodels.py", "test_batch_records.py", "test_templates.py", "test_recalc_hostile.py",
                 "test_cli.py", "test_bad_input.py", "test_properties.py")


def pytest_configure(config):
    if hasattr(config.option, "loadscopereorder"):
        config.option.loadscopereorder = False


def pytest_collection_modifyitems(items):
    if not os.environ.get("PYTEST_XDIST_WORKER"):
        return     # one process: test_recalc_libreoffice.py's job runs in the background meanwhile, best waited for last
    rank = {name: k for k, name in enumerate(SLOWEST_FIRST)}
    items.sort(key=lambda item: rank.get(item.path.name, len(rank)))   # stable: each file's tests keep their order


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


def libreoffice_background_job(fixture_name):
    """Decorator: ``build(folder) -> (paths, extra)`` is recalculated in the background (see the docstring)."""
    def register(build):
        _BACKGROUND_JOBS[fixture_name] = build
        return build
    return register


def _run_job(session, build, folder):
    paths, extra = build(folder)
    return extra, dict(session.values_each(paths))


class _OnDemand(dict):
    """Jobs run when a test first asks for them, as already finished futures."""

    def __init__(self, run):
        super().__init__()
        self._run = run

    def __missing__(self, name):
        future = Future()
        try:
            future.set_result(self._run(name))
        except Exception as exc:   # noqa: BLE001 - the test that asked sees it, as with a background job
            future.set_exception(exc)
        self[name] = future
        return future


@pytest.fixture(scope="session", autouse=True)
def _libreoffice_background(request, tmp_path_factory):
    selected = [name for name in _BACKGROUND_JOBS
                if any(name in getattr(item, "fixturenames", ()) for item in request.session.items)]
    if not selected or soffice_path() is None:
        yield {}
        return
    if os.environ.get("PYTEST_XDIST_WORKER"):
        # Under pytest-xdist (`-n auto`) every worker collects every test but runs only some, and the other
        # worker already keeps the second core busy: run a job in the worker whose test asks for it, with
        # that worker's shared session (two soffice side by side).
        def run_now(name):
            with libreoffice.session() as shared:
                paths, extra = _BACKGROUND_JOBS[name](tmp_path_factory.mktemp(name))
                return extra, dict(shared.values_each(paths))
        yield _OnDemand(run_now)
        return
    session = libreoffice.Session(workers=1)
    pool = ThreadPoolExecutor(1, thread_name_prefix="libreoffice-background")
    futures = {name: pool.submit(_run_job, session, _BACKGROUND_JOBS[name], tmp_path_factory.mktemp(name))
               for name in selected}
    try:
        yield futures
    finally:
        pool.shutdown(wait=True, cancel_futures=True)
        session.close()


@pytest.fixture(scope="session")
def background_libreoffice(_libreoffice_background):
    def result(fixture_name):
        if soffice_path() is None:
            pytest.skip(f"LibreOffice (soffice) is not installed: {INSTALL_HINT}")
        return _libreoffice_background[fixture_name].result()
    return result
# -- one of every kind of workbook the package writes (for the readers, schema and rendering tests) --------
ROOT = Path(__file__).resolve().parents[1]
BATCH_TABLES = ("logistics_scenarios", "streetlight_scenarios")
USER_MODEL = ROOT / "workbooks" / "models" / "remote_meter_reading.toml"   # a model from a file, as users write
GENERATED = [*MODELS, "udf_demo", "restatement", "net_report", *(f"{kind}_{t}" for t in BATCH_TABLES
                                                                 for kind in ("filled", "summary")),
             "usermodel_template", "usermodel_filled"]


@pytest.fixture(scope="session")
def generated_workbooks(tmp_path_factory) -> dict[str, Path]:
    """Every template (committed, checked current), the worksheet-function demo, the restatement and the
    net report, filled batch workbooks and their summaries; by file stem (all distinct)."""
    from ictco2_xl.batch import generate
    from ictco2_xl.core.analysis.net import net_report
    from ictco2_xl.core.analysis.restatement import restate
    from ictco2_xl.workbook.reports import net_workbook, restatement_workbook
    out = tmp_path_factory.mktemp("generated")
    books = {p.stem: p for p in sorted((ROOT / "templates").glob("*.xlsx"))}
    books["udf_demo"] = ROOT / "workbooks" / "udf_demo.xlsx"
    books["restatement"] = restatement_workbook(restate("current"), out / "restatement.xlsx", "current")
    books["net_report"] = net_workbook(net_report(draws=200, seed=1), out / "net_report.xlsx")
    for table, row in zip(BATCH_TABLES, ("smart society 2030", None)):
        target = out / table
        generate(ROOT / "ictco2_xl" / "examples" / f"{table}.csv", None, target)
        filled = sorted(p for p in target.glob("*.xlsx") if p.name != "summary.xlsx")
        pick = next((p for p in filled if p.stem == row), filled[0])
        books[f"filled_{table}"] = pick.rename(out / f"filled_{table}.xlsx")
        books[f"summary_{table}"] = (target / "summary.xlsx").rename(out / f"summary_{table}.xlsx")
    books.update(_user_model_workbooks(out))
    assert sorted(books) == sorted(GENERATED)
    return books


def _user_model_workbooks(out: Path) -> dict[str, Path]:
    """A user model's template and a workbook filled from its scenario table (the model registered only
    while they are written)."""
    import ictco2_xl as ix
    from ictco2_xl.batch import generate
    from ictco2_xl.core.models import clear_user_models
    from ictco2_xl.workbook.templates import write_templates
    try:
        model = ix.load_model(USER_MODEL)
        (template,) = write_templates(out / "usermodel", [model])
        target = out / "usermodel_batch"
        generate(USER_MODEL.with_name(f"{model.id}_scenarios.csv"), model.id, target)
        filled = sorted(p for p in target.glob("*.xlsx") if p.name != "summary.xlsx")[0]
        return {"usermodel_template": template.rename(out / "usermodel_template.xlsx"),
                "usermodel_filled": filled.rename(out / "usermodel_filled.xlsx")}
    finally:
        clear_user_models()
