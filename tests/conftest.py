from pathlib import Path

import pytest

from ictco2_xl.core.models import MODELS


def pytest_make_parametrize_id(config, val, argname):
    if hasattr(val, "id") and hasattr(val, "function"):
        return val.id
    return None


@pytest.fixture(params=list(MODELS.values()), ids=list(MODELS))
def model(request):
    return request.param


# -- one of every kind of workbook the package writes (for the readers, schema and rendering tests) --------
ROOT = Path(__file__).resolve().parents[1]
BATCH_TABLES = ("logistics_scenarios", "streetlight_scenarios")
GENERATED = [*MODELS, "udf_demo", "restatement", "net_report", *(f"{kind}_{t}" for t in BATCH_TABLES
                                                                 for kind in ("filled", "summary"))]


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
        generate(ROOT / "workbooks" / f"{table}.csv", None, target)
        filled = sorted(p for p in target.glob("*.xlsx") if p.name != "summary.xlsx")
        pick = next((p for p in filled if p.stem == row), filled[0])
        books[f"filled_{table}"] = pick.rename(out / f"filled_{table}.xlsx")
        books[f"summary_{table}"] = (target / "summary.xlsx").rename(out / f"summary_{table}.xlsx")
    assert sorted(books) == sorted(GENERATED)
    return books
