"""Look at every workbook as a person would: LibreOffice prints each kind the package writes to PDF (one
soffice process for all of them, its default settings, as a user has them) and the text layer is read
back. No ### and no error values where numbers belong, no unit printed twice, the key result of each
template printed with its formatted value, every page with its footer, and the words that say what a
file or a column is. `ictco2-xl preview WORKBOOK --png DIR` shows the same pages as images."""
import re
import shutil

import numpy as np
import pytest

from conftest import GENERATED, ROOT
from ictco2_xl.core.analysis.reconciliation import FIGURES
from ictco2_xl.core.models import MODELS
from ictco2_xl.workbook.formats import display_unit, result_format
from ictco2_xl.workbook.layout import TemplateLayout

pytestmark = pytest.mark.libreoffice

FOOTER = re.compile(r"^\s*(?P<sheet>\S.*?)\s{2,}page (?P<page>\d+) of (?P<pages>\d+)\s*$")
ERRORS = ("#VALUE!", "#REF!", "#DIV/0!", "#NUM!", "#N/A", "#NULL!", "Err:")
# LibreOffice recomputes array formulas on load (it ignores their cached values), and does not know the
# ictco2_xl functions: the demo's array tables show #NAME? there; every other call shows its cached value.
ARRAY_SHEETS = {"udf_demo": {"Arrays", "Functions"}}


@pytest.fixture(scope="session")
def rendered(generated_workbooks, tmp_path_factory):
    """{workbook: [(sheet, page text), ...]} for every generated workbook, from one soffice run."""
    from ictco2_xl.recalc.libreoffice import soffice_path
    from ictco2_xl.recalc.render import pdf_text, render_pdf
    if soffice_path() is None:
        pytest.skip("LibreOffice (soffice) is not installed")
    if shutil.which("pdftotext") is None:
        pytest.skip("pdftotext is not installed (apt-get install poppler-utils)")
    pdfs = render_pdf(list(generated_workbooks.values()), tmp_path_factory.mktemp("pdf"))
    out = {}
    for name, pdf in zip(generated_workbooks, pdfs):
        pages = []
        for text in pdf_text(pdf):
            lines = [line for line in text.splitlines() if line.strip()]
            footer = FOOTER.match(lines[-1]) if lines else None
            pages.append((footer.group("sheet") if footer else None, text))
        out[name] = pages
    return out


def _flat(text: str) -> str:
    return re.sub(r"\s+", " ", text)


def _sheet(rendered, name: str, sheet: str) -> str:
    """The text of every page of one sheet, whitespace collapsed."""
    return _flat(" ".join(text for s, text in rendered[name] if s == sheet))


@pytest.mark.parametrize("name", GENERATED)
def test_every_page_has_its_footer(rendered, name):
    """The print set-up: a footer with the sheet name and 'page N of M' on every page."""
    pages = rendered[name]
    assert pages and all(sheet for sheet, _ in pages), [text[-200:] for sheet, text in pages if not sheet][:1]


@pytest.mark.parametrize("name", GENERATED)
def test_no_hashes_and_no_error_values(rendered, name):
    for sheet, text in rendered[name]:
        assert "###" not in text, f"{sheet}: {_around(text, '###')}"
        for error in ERRORS:
            assert error not in text, f"{sheet}: {_around(text, error)}"
        if sheet not in ARRAY_SHEETS.get(name, ()):
            assert "#NAME?" not in text, f"{sheet}: {_around(text, '#NAME?')}"


def _around(text: str, needle: str) -> str:
    i = text.index(needle)
    return _flat(text[max(0, i - 120):i + 60])


def _units() -> set[str]:
    """Every unit as defined and as printed ('1' left out: '2011' would read as 20, 1, 1)."""
    units = {u for f in FIGURES for u in (f.unit, display_unit(f.unit))}
    for m in MODELS.values():
        units |= {u for x in (*m.inputs, *m.steps) for u in (x.unit, display_unit(x.unit))}
    return {u for u in units if u and u != "1"}


@pytest.mark.parametrize("name", GENERATED)
def test_no_unit_printed_twice_in_a_row(rendered, name):
    """A number followed by its unit twice (number format and unit column both carrying it)."""
    units = sorted(_units(), key=len, reverse=True)
    for sheet, text in rendered[name]:
        flat = _flat(text)
        for u in units:
            twice = re.search(rf"(?<![\w.,])-?\d[\d,]*(\.\d+)?%?\s?{re.escape(u)}\s?{re.escape(u)}(?![\w/^·])", flat)
            assert not twice, f"{sheet}: {u!r} twice: {_flat(flat[max(0, twice.start() - 80):twice.end() + 20])}"
        assert not re.search(r"\d%\s*(%|fraction)(?!\w)", flat), f"{sheet}: a percentage labelled again"
        assert not re.search(r"\de[+-]\d\d", flat), f"{sheet}: scientific notation"


@pytest.mark.parametrize("model", list(MODELS.values()), ids=list(MODELS))
def test_each_template_prints_its_key_result_formatted(rendered, model):
    """The primary result on Results and Calculation, as its number format prints it, next to its unit."""
    value = model.run().primary
    step = model.step(model.primary)
    shown = result_format(step.unit, value).text(value)
    pages = {sheet: _sheet(rendered, model.id, sheet) for sheet, _ in rendered[model.id]}
    for sheet in ("Results", "Calculation"):
        assert f"{shown} {display_unit(step.unit)}".strip() in pages[sheet], (sheet, shown)
    assert "OK" in pages["Checks"] and "FAIL" not in pages["Checks"]
    assert "Generated by" not in pages["About"] and "This file" in pages["About"]


def test_template_tables_print_the_reports_figures_beside_the_live_ones(rendered):
    layout = TemplateLayout(MODELS["logistics_potential"])
    results = _sheet(rendered, "logistics_potential", "Results")
    assert "printed" in results and "Recomputed" in results
    assert len(layout.figures) >= 1 and all(fig.figure_id in results for _, fig, _ in layout.figures)
    assert re.search(r"T5-2\.2030\.cut50 10\^8 t CO2 .*? 2\.070 2\.07 0\.000", results)   # live, printed, difference
    scenarios = _sheet(rendered, "logistics_potential", "Scenarios")
    assert "207,027,301" in scenarios and "50%" in scenarios        # Table 5-2's 2030 cell, the axis in percent


def test_sheets_with_a_chart_print_on_one_page(rendered):
    for name in ("logistics_potential", "headline", "streetlight_potential"):
        sheets = [sheet for sheet, _ in rendered[name]]
        for sheet in ("Scenarios", "Uncertainty"):
            assert sheets.count(sheet) == 1, (name, sheet)


@pytest.mark.parametrize("table", ["logistics_scenarios", "streetlight_scenarios"])
def test_a_filled_workbook_says_what_it_is(rendered, table):
    about = _sheet(rendered, f"filled_{table}", "About")
    assert "A filled copy of the" in about and "ictco2-xl batch" in about
    assert "do not edit by hand" not in about and "Generated by" not in about
    if table == "logistics_scenarios":
        assert "“smart society 2030”" in about


def test_summary_prints_results_with_their_units(rendered):
    text = _flat(" ".join(t for _, t in rendered["summary_logistics_scenarios"]))
    assert "smart society 2030" in text and re.search(r"\d{1,3}(,\d{3})+ t CO2/yr", text)


def test_net_report_says_printed_and_recomputed(rendered):
    text = _sheet(rendered, "net_report", "Net effects")
    assert all(word in text for word in ("printed", "recomputed", "report's", "inputs", "not printed"))
    assert "reported" not in text
    assert re.search(r"油机监控\).*?Chongqing 2008 report case 44 33\.07", text)
    assert re.search(r"全曲下载\).*?report case 26 0\.8996", text)
    assert "622,000,000" in text and "62,223,414" in text           # video conferencing 2030: printed, recomputed


def test_restatement_says_printed_recomputed_and_restated(rendered):
    text = _sheet(rendered, "restatement", "Restatement")
    for words in ("report printed", "recomputed from the report's inputs", "with 'current' factors", "not printed"):
        assert all(word in text for word in words.split()), words   # headers wrap: their words, not the line


def test_the_demo_shows_cached_values_where_libreoffice_keeps_them(rendered):
    from ictco2_xl.udfs import FUNCTIONS
    cases = _sheet(rendered, "udf_demo", "Cases")
    value = FUNCTIONS["LOGISTICS_REDUCTION"]()[0][0]
    assert result_format("t CO2/yr", value).text(value) in cases
    assert "#NAME?" not in cases and np.isfinite(value)


def test_preview_writes_the_pages_as_png(tmp_path, capsys):
    from ictco2_xl.cli import main
    path = ROOT / "templates" / "sim_card.xlsx"
    assert main(["preview", str(path), "--png", str(tmp_path / "png"), "--dpi", "40"]) == 0
    pages = sorted((tmp_path / "png").glob("sim_card-*.png"))
    assert len(pages) >= 5 and all(p.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" for p in pages)
    assert f"sim_card: {len(pages)} page(s)" in capsys.readouterr().out
    assert main(["preview", str(tmp_path / "missing.xlsx"), "--png", str(tmp_path)]) == 2


def _assessed_model(name: str):
    """The model behind a generated workbook with an Assessment sheet, and the inputs it was written with."""
    import pandas as pd

    from conftest import USER_MODEL
    from ictco2_xl import check_models
    if name in MODELS:
        return MODELS[name], {}
    model = check_models(USER_MODEL)[0]          # parsed, not registered
    if name == "usermodel_template":
        return model, {}
    first = pd.read_csv(USER_MODEL.with_name(f"{model.id}_scenarios.csv")).iloc[0]
    return model, {k: float(v) for k, v in first.items() if k != "scenario"}


@pytest.mark.parametrize("name", [*MODELS, "usermodel_template", "usermodel_filled"])
def test_the_assessment_sheet_prints_each_table_under_its_own_header(rendered, name):
    """The record, then (from a page of its own) the net effect with the live primary result and the key
    inputs: no page shows the record's header over the inputs (a repeated print header once did)."""
    model, inputs = _assessed_model(name)
    pages = [_flat(text) for sheet, text in rendered[name] if sheet == "Assessment"]
    record, key_inputs = "Item Asked by Record Status Value (live) Unit", "Input Provenance Data quality and source"
    assert record in pages[0] and "Reported separately from scope 1-3" in " ".join(pages)
    net = next(i for i, page in enumerate(pages) if "Net effect (ITU-T L.1480" in page)
    assert net > 0 and all(record not in page for page in pages[net:])
    value = model.run(inputs).primary
    unit = model.step(model.primary).unit
    assert f"{result_format(unit, value).text(value)} {display_unit(unit)}" in pages[net]
    for page in pages:
        if "Key inputs (behind the primary result)" in page:
            assert key_inputs in page


@pytest.mark.parametrize("name", ["usermodel_template", "usermodel_filled"])
def test_a_user_models_workbook_speaks_of_its_model_file_not_the_report(rendered, name):
    model, inputs = _assessed_model(name)
    step = model.step(model.primary)
    value = model.run(inputs).primary
    shown = f"{result_format(step.unit, value).text(value)} {display_unit(step.unit)}"
    pages = {sheet: _sheet(rendered, name, sheet) for sheet, _ in rendered[name]}
    assert shown in pages["Results"] and shown in pages["Calculation"]
    assert "the report prints no figures for it" in pages["Results"] and "Report printed" not in pages["Results"]
    assert "Defined in" in pages["About"] and "Report section" not in pages["About"]
    assert "Grey: a figure as the report prints it" not in pages["About"]
    assert "report case" not in pages["Uncertainty"] and "model file's defaults" in pages["Uncertainty"]
    assert "given in the model file" in pages["Assessment"] and "stated in the report" not in pages["Assessment"]
    assert "OK" in pages["Checks"] and "FAIL" not in pages["Checks"]


def test_net_report_assessment_records_list_every_model(rendered):
    text = _sheet(rendered, "net_report", "Assessment records")
    assert all(words in text for words in ("Assessment records: what each model states", "Reference scenario",
                                           "Functional unit", "missing items", "net P5", "net P95"))
    assert all(re.search(rf"(?<!\w){mid}(?!\w)", text) for mid in MODELS)
    assert re.search(r"(?<!\w)enablement rollup .{0,200}?\d+/11 ratio not applicable", text)   # 'ratio', not '1'
    assert re.search(r"(?<!\w)fleet_management appendix .{0,200}?\d+/11 [\d,]+ [\d,]+ [\d,]+ t CO2/yr net =", text)


def test_the_demo_shows_ictco2_run_with_its_inputs_formatted(rendered):
    functions = _sheet(rendered, "udf_demo", "Functions")
    value = MODELS["fleet_management"].run({"tonnage_100t": 80000, "empty_rate_drop": 0.015})["reduction_t"]
    assert f"ICTCO2_RUN(...) {float(value):,.0f} t CO2/yr" in functions
    assert "tonnage_100t empty_rate_drop 80,000 1.5%" in functions
