"""The worksheet functions through xlwings' own classic code path (registration metadata, the VBA that
Import Functions writes, and calls through XLPython.CallUDF and xlwings' conversion layer), run on Linux
with stand-ins for pywin32 (see xlwings_classic.py)."""
import re
import sys

import numpy as np
import pytest
import xlwings
from xlwings_classic import MISSING, STUBBED, ComRange, classic_xlwings

import ictco2_xl.udfs as udfs
from ictco2_xl.core import MODELS, get_factor_set, get_model
from ictco2_xl.excel.worksheet import CATEGORY, FACTOR_SET_HELP, HELP_LIMIT

MODEL_FUNCTIONS = {fn.name: fn for m in MODELS.values() for fn in m.worksheet_functions()}
HELPERS = ("ICTCO2_FACTOR", "ICTCO2_MODELS", "ICTCO2_VERSION", "ICTCO2_PERCENTILE", "ICTCO2_RUN")
REQUIRED = """LOGISTICS_REDUCTION GENSET_MONITORING_REDUCTION URBAN_MANAGEMENT_REDUCTION MMS_CARD_REDUCTION
SELF_SERVICE_REDUCTION RURAL_EGOV_REDUCTION STREETLIGHT_REDUCTION MUSIC_DOWNLOAD_REDUCTION MOBILE_NEWSPAPER_REDUCTION
NEWSLETTER_REDUCTION EINVOICE_REDUCTION MMS_FLYER_REDUCTION SIM_CARD_REDUCTION MOBILE_PAYMENT_REDUCTION
OTHER_SERVICES_REDUCTION PORTFOLIO_REDUCTION ENABLEMENT_FACTOR LOGISTICS_BASELINE LOGISTICS_POTENTIAL
TELEWORK_POTENTIAL VIDEOCONF_POTENTIAL STREETLIGHT_POTENTIAL GENSET_POTENTIAL DEMATERIALISATION_POTENTIAL""".split()
# VBA reserved identifiers (MS-VBAL 3.3.5.2) that must not name a parameter of a generated wrapper.
VBA_RESERVED = set("""call case close const declare defbool defbyte defcur defdate defdbl defint deflng deflnglng
deflngptr defobj defsng defstr defvar dim do else elseif end endif enum erase event exit for friend function get global
gosub goto if implements input let lock loop lset next on open option print private public put raiseevent redim resume
return rset seek select set static stop sub type unlock wend while with write rem any as byref byval compare database
each in me new optional paramarray preserve shared spc tab then to until withevents and eqv imp is like mod not or xor
abs cbool cbyte ccur cdate cdbl cdec cint clng clnglng clngptr csng cstr cvar cverr date debug doevents fix int len
lenb midb mid sgn string boolean byte currency decimal double integer long longlong longptr single variant empty false
nothing null true attribute base binary error explicit exponent module object property text""".split())
VBA_MAX_LINE = 1023


@pytest.fixture(scope="module")
def classic():
    with classic_xlwings() as c:
        yield c


def model_result(name, factor_set="report", **inputs):
    fn = MODEL_FUNCTIONS[name]
    return fn.model.run(inputs, factor_set)[fn.output]


# -- registration -------------------------------------------------------------------------------------

def test_every_model_output_and_helper_is_a_worksheet_function(classic):
    registered = {n for n in dir(classic.udfs) if hasattr(getattr(classic.udfs, n), "__xlfunc__")}
    assert registered == set(MODEL_FUNCTIONS) | set(HELPERS)
    assert set(REQUIRED) <= registered


@pytest.mark.parametrize("name", sorted(MODEL_FUNCTIONS))
def test_model_function_metadata(classic, name):
    fn = MODEL_FUNCTIONS[name]
    xl = getattr(classic.udfs, name).__xlfunc__
    assert xl["name"] == name and xl["category"] == CATEGORY and not xl["sub"]
    assert xl["volatile"] is False and xl["async_mode"] is None and xl["call_in_wizard"] is True
    assert [a["name"] for a in xl["args"]] == [a.name for a in fn.args] + ["factor_set"]
    assert all("optional" in a and a["optional"] is None for a in xl["args"])  # every argument optional
    assert fn.description in xl["ret"]["doc"] and len(xl["ret"]["doc"]) <= HELP_LIMIT
    assert xl["ret"]["options"] == {"convert": "raw"}
    for inp, a in zip(fn.args, xl["args"]):
        assert not a["doc"].startswith("Positional argument") and len(a["doc"]) <= HELP_LIMIT
        assert a["doc"].startswith(inp.label) and "Default: " in a["doc"]
        assert f"[{'no unit' if inp.unit == '1' else inp.unit}]" in a["doc"]
        assert a["options"] == {"convert": "raw"}  # raw COM values, converted in bulk (excel/cells.py)
    assert xl["args"][-1]["doc"] == FACTOR_SET_HELP


def test_help_texts_show_the_report_default_the_function_uses():
    helps = udfs.MOBILE_NEWSPAPER_REDUCTION.arg_help
    assert "report: 0.834" in helps["grid_kg_per_kwh"]           # the factor Table 4-1 implies for this model
    assert "report: 0.8665" in udfs.URBAN_MANAGEMENT_REDUCTION.arg_help["grid_kg_per_kwh"]
    assert "Default: 6000." in udfs.LOGISTICS_REDUCTION.arg_help["tonnage_100t"]
    assert "Whole number between 2008 and 2030" in udfs.LOGISTICS_POTENTIAL.arg_help["target_year"]
    assert "by year (2010: 3900, 2020: 7200, 2030: 11100" in udfs.TELEWORK_POTENTIAL.arg_help["car_count_10k"]
    assert "sum of the fourteen appendix models (109076)" in udfs.PORTFOLIO_REDUCTION.arg_help["e1_t"]


@pytest.mark.parametrize("name", HELPERS)
def test_helper_metadata(classic, name):
    xl = getattr(classic.udfs, name).__xlfunc__
    assert xl["category"] == CATEGORY and 0 < len(xl["ret"]["doc"]) <= HELP_LIMIT
    assert all(not a["doc"].startswith("Positional") and len(a["doc"]) <= HELP_LIMIT for a in xl["args"])
    if name == "ICTCO2_FACTOR":
        assert [(a["name"], "optional" in a) for a in xl["args"]] == [("name", False), ("factor_set", True),
                                                                        ("model", True)]
    elif name == "ICTCO2_PERCENTILE":
        assert [(a["name"], "optional" in a) for a in xl["args"]] == [
            ("function_name", False), ("p", False), ("draws", True), ("seed", True), ("factor_set", True)]
    elif name == "ICTCO2_RUN":
        assert [(a["name"], "optional" in a) for a in xl["args"]] == [
            ("model", False), ("output", True), ("names", True), ("values", True), ("factor_set", True)]
    else:
        assert xl["args"] == []


def _vba_functions(vba):
    return dict(re.findall(r"^Function (\w+)\(([^)]*)\)$", vba, flags=re.M))


def test_import_functions_writes_one_vba_wrapper_per_function(classic):
    vba = classic.vba()
    wrappers = _vba_functions(vba)
    assert set(wrappers) == set(MODEL_FUNCTIONS) | set(HELPERS)
    for name, params in wrappers.items():
        xl = getattr(classic.udfs, name).__xlfunc__
        expected = ", ".join(("Optional " if "optional" in a else "") + a["name"] for a in xl["args"])
        assert params == expected
        names = [a["name"] for a in xl["args"]]
        assert f'XLPy.CallUDF("ictco2_xl.udfs", "{name}", Array({", ".join(names)}), ThisWorkbook, ' \
               "Application.Caller)" in vba
        assert not {n.lower() for n in names} & (VBA_RESERVED | {"caller"})  # xlwings reserves "caller"
    assert max(len(line) for line in vba.splitlines()) <= VBA_MAX_LINE
    assert "Optional target_year, Optional empty_rate_cut" in wrappers["LOGISTICS_POTENTIAL"]


def _global_state():
    import ictco2_xl
    return ({k: sys.modules.get(k) for k in STUBBED}, (xlwings.func, xlwings.arg, xlwings.ret),
            dict(xlwings.engines.engines_by_name), {a: vars(xlwings).get(a) for a in ("udfs", "_xlwindows", "com_server")},
            vars(ictco2_xl).get("udfs"))


def test_classic_decoration_does_not_leak():
    before = _global_state()
    with classic_xlwings() as c:
        assert hasattr(c.udfs.LOGISTICS_REDUCTION, "__xlfunc__") and c.udfs is not before[0]["ictco2_xl.udfs"]
        assert xlwings.func is c.xlwings_udfs.xlfunc
    assert _global_state() == before
    assert not hasattr(udfs.LOGISTICS_REDUCTION, "__xlfunc__")  # the plain import stays undecorated on Linux


# -- calls through CallUDF and xlwings' conversion layer ----------------------------------------------

@pytest.mark.parametrize("name", sorted(MODEL_FUNCTIONS))
def test_no_arguments_give_the_model_librarys_default(classic, name):
    expected = model_result(name)
    assert classic.call(name) == pytest.approx(expected, rel=1e-12)
    assert udfs.FUNCTIONS[name]() == [[pytest.approx(expected, rel=1e-12)]]


def test_scalars(classic):
    assert classic.call("LOGISTICS_REDUCTION", 5000.0) == pytest.approx(model_result("LOGISTICS_REDUCTION", tonnage_100t=5000))
    assert classic.call("LOGISTICS_POTENTIAL", 2020.0, 0.3) == pytest.approx(
        model_result("LOGISTICS_POTENTIAL", target_year=2020, empty_rate_cut=0.3))
    assert classic.call("LOGISTICS_POTENTIAL", MISSING, 0.3) == pytest.approx(
        model_result("LOGISTICS_POTENTIAL", empty_rate_cut=0.3))  # an omitted argument takes the default
    assert classic.call("LOGISTICS_POTENTIAL", "", 0.3) == classic.call("LOGISTICS_POTENTIAL", MISSING, 0.3)
    assert classic.call("LOGISTICS_POTENTIAL", ComRange([[None]]), 0.3) == classic.call("LOGISTICS_POTENTIAL", MISSING, 0.3)


def test_factor_set_is_the_last_argument(classic):
    n = len(MODEL_FUNCTIONS["URBAN_MANAGEMENT_REDUCTION"].args)
    current = classic.call("URBAN_MANAGEMENT_REDUCTION", *[MISSING] * n, "current")
    assert current == pytest.approx(model_result("URBAN_MANAGEMENT_REDUCTION", "current"))
    assert current != pytest.approx(classic.call("URBAN_MANAGEMENT_REDUCTION"))


def test_a_column_with_blanks_takes_the_default_in_the_blank_rows(classic):
    col = ComRange([[6000.0], [None], [80000.0], [""]])
    out = classic.call("LOGISTICS_REDUCTION", col)
    default = model_result("LOGISTICS_REDUCTION")
    assert out == [[pytest.approx(default)], [pytest.approx(default)],
                   [pytest.approx(model_result("LOGISTICS_REDUCTION", tonnage_100t=80000))], [pytest.approx(default)]]


def test_a_column_and_a_row_give_a_table(classic):
    years, cuts = ComRange([[2010.0], [2020.0], [2030.0]]), ComRange([[0.1, 0.3, 0.5]])
    out = np.array(classic.call("LOGISTICS_POTENTIAL", years, cuts))
    expected = model_result("LOGISTICS_POTENTIAL", target_year=np.array([[2010], [2020], [2030]]),
                            empty_rate_cut=np.array([[0.1, 0.3, 0.5]]))
    assert out.shape == (3, 3) and np.allclose(out.astype(float), expected, rtol=1e-12)
    row = model_result("LOGISTICS_POTENTIAL", target_year=np.array([2010, 2020]))
    # one row: CallUDF hands Excel a 1D array, which Excel spills across
    assert classic.call("LOGISTICS_POTENTIAL", ((2010.0, 2020.0),), MISSING) == pytest.approx(row.tolist())


def test_a_2d_range_with_blanks(classic):
    grid = ComRange([[2010.0, None], [None, 2030.0]])
    out = classic.call("TELEWORK_POTENTIAL", grid)
    t = {y: model_result("TELEWORK_POTENTIAL", target_year=y) for y in (2010, 2030)}
    assert out == [[pytest.approx(t[2010]), pytest.approx(t[2030])], [pytest.approx(t[2030]), pytest.approx(t[2030])]]


@pytest.mark.parametrize("args, message", [
    (("abc",), "tonnage_100t must be a number, got 'abc'"),
    ((-5.0,), "tonnage_100t must be greater than 0, got -5"),
    ((True,), "tonnage_100t must be a number, got True"),
    ((MISSING, 1.5), "empty_rate_drop must be between 0 and 1, got 1.5"),
    ((MISSING,) * 5 + ("nope",), "factor_set must be 'report', 'current', a loaded set or a .toml/.csv factor file"),
    ((ComRange([[-2146826281]]),), "tonnage_100t must be a number, got '#DIV/0!'"),  # an error cell is not blank
    ((MISSING,) * 5 + (ComRange([["report"], ["current"]]),), "factor_set must be a single cell, got a range of 2"),
])
def test_bad_input_gives_one_readable_line(classic, args, message):
    out = classic.call("LOGISTICS_REDUCTION", *args)
    assert isinstance(out, str) and out.startswith(message) and "Traceback" not in out and "\n" not in out


def test_wrong_year(classic):
    assert classic.call("LOGISTICS_POTENTIAL", 2035.0) == "target_year must be a whole number and between 2008 and 2030, got 2035"
    assert classic.call("LOGISTICS_POTENTIAL", 2020.5) == "target_year must be a whole number and between 2008 and 2030, got 2020.5"


def test_a_bad_cell_in_a_range_shows_its_message_and_the_other_rows_compute(classic):
    col = ComRange([[6000.0], ["n/a"], [-1.0], [7000.0], ["n/a"], [-2146826246]])
    out = classic.call("LOGISTICS_REDUCTION", col)
    assert out == [[pytest.approx(model_result("LOGISTICS_REDUCTION"))],
                   ["tonnage_100t must be a number, got 'n/a'"],
                   ["tonnage_100t must be greater than 0, got -1"],
                   [pytest.approx(model_result("LOGISTICS_REDUCTION", tonnage_100t=7000))],
                   ["tonnage_100t must be a number, got 'n/a'"],
                   ["tonnage_100t must be a number, got '#N/A'"]]


def test_a_bad_cell_broadcast_across_a_row_marks_its_whole_row(classic):
    out = classic.call("LOGISTICS_POTENTIAL", ComRange([[2010.0], [2050.0]]), ComRange([[0.1, 0.5]]))
    assert out[1] == ["target_year must be a whole number and between 2008 and 2030, got 2050"] * 2
    assert out[0] == pytest.approx([model_result("LOGISTICS_POTENTIAL", target_year=2010, empty_rate_cut=c) for c in (0.1, 0.5)])


def test_every_bad_cell_shows_its_message_where_it_is_however_many(classic):
    """10,000 rows with 2,000 distinct bad values: each bad cell says what is wrong, the 8,000 others compute."""
    rows = 10_000
    values = np.linspace(1000.0, 9000.0, rows)
    bad = np.arange(0, rows, 5)
    values[bad] = -np.arange(1, len(bad) + 1, dtype=float)
    col = [[v] for v in values.tolist()]
    col[1] = ["n/a"]
    col[2] = [-2146826246]  # #N/A from COM
    out = classic.call("LOGISTICS_REDUCTION", ComRange(col))
    expected = model_result("LOGISTICS_REDUCTION", tonnage_100t=np.where(values > 0, values, 1.0))
    for i, (cell,) in enumerate(out):
        if i in (1, 2):
            assert cell == ("tonnage_100t must be a number, got 'n/a'" if i == 1 else
                            "tonnage_100t must be a number, got '#N/A'")
        elif values[i] < 0:
            assert cell == f"tonnage_100t must be greater than 0, got {-int(i / 5) - 1}"
        else:
            assert cell == pytest.approx(expected[i], rel=1e-12)
    python = udfs.LOGISTICS_REDUCTION([[v] for v in values.tolist()])  # the same cells from Python
    assert [row for i, row in enumerate(python) if i not in (1, 2)] == [row for i, row in enumerate(out) if i not in (1, 2)]


def test_ranges_that_do_not_fit_together(classic):
    out = classic.call("LOGISTICS_REDUCTION", ComRange([[1.0], [2.0]]), ComRange([[0.1], [0.2], [0.3]]))
    assert out == ("ranges do not fit together: tonnage_100t (2 x 1), empty_rate_drop (3 x 1); give ranges of one "
                   "size, or a column and a row, or single cells")


def test_factor_set_from_a_file(tmp_path, classic):
    path = tmp_path / "my_factors.toml"
    path.write_text('name = "my_factors"\n[[factor]]\nkey = "diesel_kg_per_l"\nvalue = 3.0\n', encoding="utf-8")
    n = len(MODEL_FUNCTIONS["LOGISTICS_REDUCTION"].args)
    out = classic.call("LOGISTICS_REDUCTION", *[MISSING] * n, str(path))
    assert out == pytest.approx(model_result("LOGISTICS_REDUCTION", diesel_kg_per_l=3.0))
    assert classic.call("LOGISTICS_REDUCTION", *[MISSING] * n, "my_factors") == pytest.approx(out)  # now loaded by name
    missing = classic.call("LOGISTICS_REDUCTION", *[MISSING] * n, str(tmp_path / "none.csv"))
    assert missing.startswith("factor set file not found")


def test_ictco2_factor(classic):
    assert classic.call("ICTCO2_FACTOR", "grid_kg_per_kwh") == get_factor_set("report").value("grid_kg_per_kwh")
    assert classic.call("ICTCO2_FACTOR", "grid_kg_per_kwh", "current") == get_factor_set("current").value("grid_kg_per_kwh")
    assert classic.call("ICTCO2_FACTOR", "grid_kg_per_kwh", MISSING, "MOBILE_NEWSPAPER_REDUCTION") == 0.834
    assert classic.call("ICTCO2_FACTOR", "grid_kg_per_kwh", MISSING, "mobile_newspaper") == 0.834
    keys = ComRange([["diesel_kg_per_l"], ["nonsense"], [None]])
    out = classic.call("ICTCO2_FACTOR", keys)
    assert out[0] == [1.197] and out[1][0].startswith("name must be one of grid_kg_per_kwh") and \
        out[2][0].startswith("name is required")
    assert classic.call("ICTCO2_FACTOR", "grid_kg_per_kwh", MISSING, "NOPE") == \
        "model must be a model id or worksheet function name, got 'NOPE'"


def test_ictco2_models_spills_one_row_per_function(classic):
    table = classic.call("ICTCO2_MODELS")
    assert table[0] == ["function", "model", "title", "report section", "unit"]
    assert [r[0] for r in table[1:]] == list(MODEL_FUNCTIONS)
    row = dict(zip(table[0], table[1 + list(MODEL_FUNCTIONS).index("LOGISTICS_POTENTIAL")]))
    model = get_model("LOGISTICS_POTENTIAL")
    assert row == {"function": "LOGISTICS_POTENTIAL", "model": model.id, "title": model.title,
                   "report section": model.section, "unit": "t CO2/yr"}


def test_ictco2_version(classic):
    import ictco2_xl
    assert classic.call("ICTCO2_VERSION") == ictco2_xl.__version__


def test_a_bug_is_one_line_not_a_traceback(monkeypatch):
    def broken(*a, **k):
        raise ZeroDivisionError("boom")
    # setitem on the instance dict: undo removes the attribute instead of pinning a bound method there
    monkeypatch.setitem(get_model("LOGISTICS_REDUCTION").__dict__, "run", broken)
    out = udfs.LOGISTICS_REDUCTION()
    assert out == [["internal error in ictco2_xl (ZeroDivisionError: boom); please report it"]]


def test_python_callers_get_the_same_cells():
    assert udfs.LOGISTICS_POTENTIAL(target_year=[2010, 2020]) == [
        model_result("LOGISTICS_POTENTIAL", target_year=np.array([2010, 2020])).tolist()]
    assert udfs.LOGISTICS_REDUCTION(np.array([[5000.0], [np.nan]])) == [
        [pytest.approx(model_result("LOGISTICS_REDUCTION", tonnage_100t=5000))], [pytest.approx(model_result("LOGISTICS_REDUCTION"))]]
    with pytest.raises(TypeError):
        udfs.LOGISTICS_REDUCTION(1, 2, 3, 4, 5, 6, 7)


@pytest.mark.skipif(not xlwings.__pro__, reason="xlwings Server/Lite code path needs an xlwings licence key")
def test_office_js_metadata_when_licensed(monkeypatch):
    import importlib

    from xlwings import server
    monkeypatch.setattr(xlwings, "func", server.func)
    monkeypatch.setattr(xlwings, "arg", server.arg)
    monkeypatch.setattr(xlwings, "ret", server.ret)
    monkeypatch.delitem(sys.modules, "ictco2_xl.udfs")
    module = importlib.import_module("ictco2_xl.udfs")
    try:
        meta = {f["name"]: f for f in server.custom_functions_meta(module)["functions"]}
        assert set(meta) == set(MODEL_FUNCTIONS) | set(HELPERS)
        assert [p["name"] for p in meta["LOGISTICS_POTENTIAL"]["parameters"]][-1] == "factor_set"
        assert all(p["description"] and not p["description"].startswith("Positional")
                   for f in meta.values() for p in f["parameters"])
    finally:
        import ictco2_xl
        sys.modules["ictco2_xl.udfs"] = ictco2_xl.udfs = udfs


def test_percentile_through_the_classic_call_path(classic):
    """=ICTCO2_PERCENTILE over a column of p spills the percentiles of the core's uncertainty run."""
    from ictco2_xl.core.analysis.uncertainty import run
    ref = run("logistics_potential", draws=2000, seed=7)
    col = classic.call("ICTCO2_PERCENTILE", "LOGISTICS_POTENTIAL", ComRange([[0.05], [0.5], [0.95]]), 2000, 7)
    got = [row[0] for row in col]
    assert got == pytest.approx(list(np.percentile(ref.sample, [5, 50, 95])), rel=1e-12)
    assert got[0] < ref.deterministic < got[2]
    assert classic.call("ICTCO2_PERCENTILE", "LOGISTICS_POTENTIAL", 2) == "p must be a number between 0 and 1, got 2"
