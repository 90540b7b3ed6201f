"""LibreOffice proves formulas = Python = report: every template at the report's defaults and 25 filled copies
per model with random in-range inputs, recalculated as files (the shared soffice processes, many files per
call). The Python engine checks the same cases in test_recalc_python.py."""
import pytest

from conftest import libreoffice_background_job, with_soffice
from ictco2_xl.core.models import MODELS
from ictco2_xl.recalc.check import compare
from ictco2_xl.workbook.filler import TemplateFiller
from recalc_cases import RANDOM_SETS, TEMPLATES, assert_matches, random_sets


@libreoffice_background_job("libreoffice_results")
def libreoffice_cases(folder):
    """Every template at its defaults plus 25 filled copies per model: recalculated by LibreOffice in the
    background from the start of the test session (conftest.py), while the other tests run."""
    cases = {}
    for mid, model in MODELS.items():
        template = (TEMPLATES / f"{mid}.xlsx").read_bytes()
        filler = TemplateFiller(model, template=template)
        layout = filler.layout
        path = folder / f"{mid}.xlsx"
        path.write_bytes(template)
        cases[path] = (layout, layout.values())
        for k, inputs in enumerate(random_sets(model)):
            path = folder / f"{mid}__{k:02d}.xlsx"
            path.write_bytes(filler.fill(inputs, f"random set {k}"))
            cases[path] = (layout, layout.values(inputs))
    return list(cases), cases


@pytest.fixture(scope="module")
def libreoffice_results(background_libreoffice):
    cases, values = background_libreoffice("libreoffice_results")
    failed = {p.name: str(v) for p, v in values.items() if isinstance(v, Exception)}
    assert not failed, list(failed.items())[:3]
    return cases, values


@with_soffice
def test_libreoffice_equals_model_for_defaults_and_random_inputs(libreoffice_results):
    cases, values = libreoffice_results
    assert len(cases) == len(MODELS) * (RANDOM_SETS + 1)
    for path, (layout, expected) in cases.items():
        assert_matches(layout, expected, values[path], path.name)


@with_soffice
def test_libreoffice_opens_every_template_without_error_cells(libreoffice_results):
    """The fixture recalculated a byte-identical copy of every template: its values are the templates' values."""
    _, values = libreoffice_results
    reports = []
    for template in sorted(TEMPLATES.glob("*.xlsx")):
        (copy,) = [p for p in values if p.name == template.name]
        assert copy.read_bytes() == template.read_bytes()
        reports.append(compare(copy, "libreoffice", values[copy]))
    assert len(reports) == len(MODELS)
    assert all(r.ok and r.cells > 0 for r in reports), [str(d) for r in reports for d in r.differences][:5]
