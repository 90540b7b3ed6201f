"""workbooks/udf_demo.xlsx recalculated headlessly (formulas engine, every ictco2_xl function registered):
each cell equals the same call from Python and the reconciliation's recomputation of the report figure
beside it; and the formulas-engine adapter fails loudly where it cannot calculate correctly."""
import importlib.util
import sys
from pathlib import Path

import numpy as np
import openpyxl
import pytest
from openpyxl.worksheet.formula import ArrayFormula

import ictco2_xl
from ictco2_xl.core import get_factor_set
from ictco2_xl.core.factors import FACTOR_KEYS
from ictco2_xl.core.analysis.reconciliation import matches
from ictco2_xl.recalc.formulas_engine import WorkbookErrors, calculate, omitted_arguments, register_functions
from ictco2_xl.udfs import FUNCTIONS
from ictco2_xl.workbook.compare import differences

ROOT = Path(__file__).resolve().parents[1]
WORKBOOK = ROOT / "workbooks" / "udf_demo.xlsx"


def _load_generator():
    spec = importlib.util.spec_from_file_location("make_udf_demo", ROOT / "workbooks" / "make_udf_demo.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up there
    spec.loader.exec_module(module)
    return module


demo = _load_generator()


@pytest.fixture(scope="module")
def cells():
    return calculate(WORKBOOK)


def python_cell(function, args):
    """The same call made from Python, as one cell value."""
    return FUNCTIONS[function](*args)[0][0]


def test_the_committed_workbook_is_what_the_script_writes(tmp_path):
    """Compared by content (formulas, labels, styles, names; numbers within 1e-12 relative), not bytes, so
    the serialiser openpyxl picks (lxml or not) does not matter: see test_templates.py."""
    fresh = demo.build(tmp_path / "demo.xlsx")
    assert differences(WORKBOOK, fresh) == [], "rerun workbooks/make_udf_demo.py"


def test_every_function_is_called_in_the_workbook():
    book = openpyxl.load_workbook(WORKBOOK)
    formulas = " ".join(str(getattr(c.value, "text", c.value)) for ws in book.worksheets for row in ws.iter_rows()
                        for c in row if c.data_type == "f")
    assert {name for name in FUNCTIONS if f"{name}(" in formulas} == set(FUNCTIONS)


@pytest.mark.parametrize("i", range(len(demo.CASES)), ids=[f"{c.function}({','.join(map(str, c.args))})" for c in demo.CASES])
def test_case_rows(cells, i):
    case, r = demo.CASES[i], demo.CASES_FIRST_ROW + i
    result = cells[f"Cases!C{r}"]
    expected = python_cell(case.function, case.args)
    assert result == (pytest.approx(expected, rel=1e-12) if isinstance(expected, float) else expected)
    assert cells[f"Cases!B{r}"] == case.formula
    if case.figure is None:
        assert cells[f"Cases!J{r}"] == case.label
        return
    fig = demo.FIGURES[case.figure]
    assert cells[f"Cases!E{r}"] == pytest.approx(float(fig.report_value))
    assert cells[f"Cases!J{r}"] == fig.status
    # the workbook's result, in the report's printed unit, is the reconciliation's recomputed figure; where the
    # stated factors alone reproduce the figure (recomputed with them), the function's implied factor must too
    got = cells[f"Cases!G{r}"]
    if fig.status == "reproduced" and got != pytest.approx(fig.recomputed, rel=1e-9):
        assert matches(fig.report_value, got)
    else:
        assert got == pytest.approx(fig.recomputed, rel=1e-9)


@pytest.mark.parametrize("grid", demo.GRIDS, ids=[g.function for g in demo.GRIDS])
def test_one_array_formula_computes_a_report_table(cells, grid):
    for i, year in enumerate(grid.rows):
        for j, col in enumerate(grid.columns):
            address = f"Arrays!{chr(ord('B') + j)}{grid.first_row + i}"
            fig = demo.FIGURES[grid.figure_id(year, col)]
            assert cells[address] == pytest.approx(fig.recomputed, rel=1e-9)
            assert cells[address] == pytest.approx(python_cell(grid.function, (year, col, *grid.extra)) / grid.scale,
                                                   rel=1e-12)
            assert cells[f"Arrays!{grid.published_cell(i, j)}"] == pytest.approx(float(fig.report_value))


def test_blank_cells_in_a_range_take_the_default(cells):
    for i, tonnage in enumerate(demo.TONNAGES):
        r = demo.TONNAGE_TOP + 1 + i
        assert cells[f"Arrays!B{r}"] == pytest.approx(python_cell("LOGISTICS_REDUCTION", (tonnage,)), rel=1e-12)
    assert cells[f"Arrays!B{demo.TONNAGE_TOP + 2}"] == cells[f"Arrays!B{demo.TONNAGE_TOP + 1}"]  # blank = 6000


def test_bad_cells_show_their_message_and_the_others_compute(cells):
    got = [cells[f"Arrays!B{demo.BAD_TOP + 1 + i}"] for i in range(len(demo.BAD_EMPTY_RATES))]
    assert got[1] == "empty_rate_drop must be between 0 and 1, got 1.5"
    assert got[2] == "empty_rate_drop must be a number, got 'n/a'"
    assert got[4] == "empty_rate_drop must be between 0 and 1, got -0.1"
    assert got[0] == got[3] == pytest.approx(python_cell("LOGISTICS_REDUCTION", ()))


def test_helper_sheet(cells):
    assert cells[f"Functions!{demo.helper_cell(0)}"] == ictco2_xl.__version__
    from ictco2_xl.core.analysis.uncertainty import ictco2_percentile
    for i, p in ((1, 0.05), (2, 0.95)):
        assert cells[f"Functions!{demo.helper_cell(i)}"] == pytest.approx(
            ictco2_percentile("LOGISTICS_POTENTIAL", p, demo.PERCENTILE_DRAWS, 0), rel=1e-12)
    for i, key in enumerate(FACTOR_KEYS):
        r = demo.FACTORS_TOP + i
        assert cells[f"Functions!B{r}"] == get_factor_set("report").value(key)
        assert cells[f"Functions!C{r}"] == get_factor_set("current").value(key)
    assert cells[f"Functions!B{demo.RUN_ROW}"] == pytest.approx(
        FUNCTIONS["LOGISTICS_REDUCTION"](*demo.RUN_CASE.values())[0][0], rel=1e-12)
    table = FUNCTIONS["ICTCO2_MODELS"]()
    top = demo.models_table_top()
    got = [[cells[f"Functions!{c}{top + i}"] for c in "ABCDE"] for i in range(len(table))]
    assert got == table


# -- the formulas engine adapter ------------------------------------------------------------------

def _book(tmp_path, **cells_):
    wb = openpyxl.Workbook()
    for address, value in cells_.items():
        wb.active[address] = value
    wb.active.title = "S"
    path = tmp_path / "t.xlsx"
    wb.save(path)
    return path


def test_register_functions_registers_every_function():
    import formulas
    assert register_functions() == list(FUNCTIONS)
    assert all(name in formulas.get_functions() for name in FUNCTIONS)


def test_unknown_functions_fail_loudly(tmp_path):
    with pytest.raises(WorkbookErrors, match=r"S!A1: #NAME\?") as info:
        calculate(_book(tmp_path, A1="=LOGISTICS_REDUCTON()", A2="=LOGISTICS_REDUCTION()"))
    assert list(info.value.cells) == ["S!A1"]


def test_a_multi_cell_result_outside_an_array_formula_fails_loudly(tmp_path):
    with pytest.raises(WorkbookErrors, match=r"#VALUE!"):
        calculate(_book(tmp_path, A1=2010, A2=2020, B1="=LOGISTICS_POTENTIAL(A1:A2)"))


def test_omitted_arguments_are_refused_not_read_as_zero(tmp_path):
    with pytest.raises(WorkbookErrors, match="leaves out an argument"):
        calculate(_book(tmp_path, A1='=LOGISTICS_REDUCTION(,0.02)'))
    assert calculate(_book(tmp_path, A1='=LOGISTICS_REDUCTION("",0.02)'))["S!A1"] == pytest.approx(
        python_cell("LOGISTICS_REDUCTION", (None, 0.02)))
    names = ["F", "G"]
    assert omitted_arguments("=F(,2)", names) == ["F"] and omitted_arguments("=F(1,)", names) == ["F"]
    assert omitted_arguments("=SUM(F(1, ,2))", names) == ["F"] and omitted_arguments("=F(G(1,),2)", names) == ["G"]
    assert omitted_arguments('=F()', names) == [] and omitted_arguments('=F(1,{1,2},H(,))', names) == []
    assert omitted_arguments('=F("a,b",(1),2)', names) == [] and omitted_arguments("=IF(A1,,2)", names) == []


def test_excel_errors_in_arguments_propagate(tmp_path):
    values = calculate(_book(tmp_path, A1="=1/0", B1="=LOGISTICS_REDUCTION(A1)"), fail_on=())
    assert values["S!B1"] == "#DIV/0!"


def test_array_formulas_and_literal_arrays(tmp_path):
    path = _book(tmp_path)
    wb = openpyxl.load_workbook(path)
    wb["S"]["A1"] = ArrayFormula("A1:B2", "=STREETLIGHT_POTENTIAL({2020;2030},{0.5,0.9})")
    wb.save(path)
    values = calculate(path)
    expected = FUNCTIONS["STREETLIGHT_POTENTIAL"]([[2020], [2030]], [[0.5, 0.9]])
    assert [[values["S!A1"], values["S!B1"]], [values["S!A2"], values["S!B2"]]] == \
        [list(map(pytest.approx, row)) for row in expected]
    assert np.isfinite(np.array(expected, dtype=float)).all()
