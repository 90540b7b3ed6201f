"""The Python engine (`formulas`) proves formulas = Python = report: every template at the report's defaults
and 25 random in-range input sets per model, each template loaded once and the input sets given as overrides.
(LibreOffice recalculates the same cases as files in test_recalc_libreoffice.py; a separate file so that,
under pytest-xdist's --dist loadfile, the two engines run on different workers.)"""
import pytest

from ictco2_xl.core.models import MODELS
from ictco2_xl.recalc import PythonWorkbook
from ictco2_xl.workbook.layout import TemplateLayout
from recalc_cases import RANDOM_SETS, TEMPLATES, assert_matches, random_sets
from test_recalc_pipes import compare_with_schedula


@pytest.mark.parametrize("mid", list(MODELS))
def test_python_engine_equals_model_for_defaults_and_random_inputs(mid):
    model = MODELS[mid]
    layout = TemplateLayout(model)
    book = PythonWorkbook(TEMPLATES / f"{mid}.xlsx")
    assert_matches(layout, layout.values(), book.calculate(), f"{mid} defaults")
    for k, inputs in enumerate(random_sets(model)):
        expected = layout.values(inputs)
        overrides = {("Inputs", layout.inputs[n].ref): v for n, v in inputs.items()}
        # A file written for these inputs also records them (and the Python result) on the Checks sheet.
        overrides.update({(c.sheet, c.ref): expected[(c.sheet, c.ref)] for c in layout.cells
                          if c.sheet == "Checks" and c.formula is None})
        assert_matches(layout, expected, book.calculate(overrides), f"{mid} random set {k}")
    # Calculated by the engine's plans (recalc/pipes.py): exactly what schedula alone gives, cell by cell.
    assert book._loaded.plan is not None and book._loaded.replayed == RANDOM_SETS
    compare_with_schedula(book, overrides)
