"""The fast template filler (spliced deflate streams) and the streamed table writer, checked against
independent implementations: ``package.set_cell_values`` for the XML, zipfile/openpyxl/calamine for
reading."""
import io
import re
import zipfile
import zlib

import numpy as np
import pandas as pd
import pytest
from ictco2_xl.workbook import filler as filler_module
from openpyxl import load_workbook

from ictco2_xl.core.definitions import YearSeries
from ictco2_xl.core.models import MODELS
from ictco2_xl.core.sampling import random_inputs
from ictco2_xl.workbook.filler import TemplateFiller
from ictco2_xl.workbook.layout import FILE_NOTE_CELL, SCENARIO_CELL, filled_note
from ictco2_xl.workbook.package import MAX_CELL_TEXT, read_package, set_cell_values, sheet_parts
from ictco2_xl.workbook.formats import text_width
from ictco2_xl.workbook.stream import write_table_xlsx

PADDING = re.compile(rb"(?<=>) +(?=<)")   # spaces between two elements, which XML ignores


def expected_parts(filler: TemplateFiller, inputs: dict, scenario: str) -> dict[str, bytes]:
    """The filled package's parts, made the slow, independent way: regex substitution per sheet."""
    layout, model = filler.layout, filler.model
    infos, files = read_package(filler.template)
    parts = sheet_parts(files)
    by_sheet: dict[str, dict[str, float]] = {SCENARIO_CELL[0]: {}}
    for (sheet, ref), v in layout.values(inputs).items():
        by_sheet.setdefault(sheet, {})[ref] = v
    given_series = frozenset(layout.inputs[n].ref for n, v in inputs.items()
                             if isinstance(model.input(n).default, YearSeries) and not np.isnan(v))
    for sheet, values in by_sheet.items():
        texts = ({SCENARIO_CELL[1]: scenario, FILE_NOTE_CELL[1]: filled_note(model, scenario)}
                 if sheet == SCENARIO_CELL[0] else None)
        replace = given_series if sheet == "Inputs" else frozenset()
        files[parts[sheet]] = set_cell_values(files[parts[sheet]].decode(), values, texts, replace).encode()
    return files


@pytest.mark.parametrize("mid", sorted(MODELS))
def test_filled_workbook_equals_the_slow_substitution(mid):
    model = MODELS[mid]
    filler = TemplateFiller(model)
    rng = np.random.default_rng(7)
    columns = random_inputs(model, 6, rng)
    names = list(columns)
    if names:  # some rows leave an input blank (its default; a year-dependent one keeps its formula)
        columns[names[0]] = columns[names[0]].copy()
        columns[names[0]][::2] = np.nan
    scenarios = [f'case {i} <&> "quoted" 100% =HYPERLINK("x") %s' for i in range(6)]
    rows = filler.rows(columns, 6, scenarios)
    assert not rows.bad
    for i in range(6):
        data = rows.workbook(i)
        with zipfile.ZipFile(io.BytesIO(data)) as z:
            assert z.testzip() is None                       # every CRC and size is right
            got = {n: z.read(n) for n in z.namelist()}
        want = expected_parts(filler, {k: float(v[i]) for k, v in columns.items()}, scenarios[i])
        assert list(got) == list(want)
        assert not any(PADDING.search(x) for x in want.values())
        assert {n: PADDING.sub(b"", x) for n, x in got.items()} == want   # equal but for the padding
    assert rows.workbook(3) == filler.rows(columns, 6, scenarios).workbook(3)   # deterministic bytes


def test_members_are_one_deflate_stream_of_compressed_and_stored_blocks():
    filler = TemplateFiller(MODELS["logistics_potential"])
    data = filler.fill({"empty_rate_cut": 0.42}, "x")
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        for info in z.infolist():
            assert info.compress_type == zipfile.ZIP_DEFLATED
            raw = data[info.header_offset + 30 + len(info.filename):][:info.compress_size]
            d = zlib.decompressobj(-15)
            assert d.decompress(raw) == z.read(info.filename) and d.eof and not d.unused_data
    assert len(data) < 1.5 * len(filler.template)   # static XML still refers back across the values
    from python_calamine import CalamineWorkbook
    layout = filler.layout
    ref = layout.inputs["empty_rate_cut"]
    sheet = CalamineWorkbook.from_filelike(io.BytesIO(data)).get_sheet_by_name("Inputs").to_python()
    assert sheet[ref.row - 1][ref.col - 1] == 0.42
    assert load_workbook(io.BytesIO(data))["Inputs"][ref.ref].value == 0.42


def test_long_multibyte_scenario_names_split_into_several_stored_blocks():
    filler = TemplateFiller(MODELS["streetlight"])
    name = "重庆路灯" * 20000          # 240 kB of UTF-8: more than one stored block, more than a cell holds
    data = filler.fill({}, name)
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        assert z.testzip() is None
    cell = load_workbook(io.BytesIO(data))[SCENARIO_CELL[0]][SCENARIO_CELL[1]]
    assert cell.value == name[:MAX_CELL_TEXT] and cell.data_type == "s"


def test_a_row_with_a_non_finite_value_is_refused_and_named(monkeypatch):
    filler = TemplateFiller(MODELS["streetlight"])
    original = filler.layout.values_many

    def with_overflow(columns, n):
        values = {k: np.array(np.broadcast_to(v, (n,)), dtype=float) for k, v in original(columns, n).items()}
        key = next(iter(values))
        values[key][1] = np.inf
        return values
    monkeypatch.setattr(filler.layout, "values_many", with_overflow)
    rows = filler.rows({"lamp_count": np.array([10.0, 20.0, 30.0])}, 3, ["a", "b", "c"])
    assert list(rows.bad) == [1] and "inf" in rows.bad[1] and "not a finite number" in rows.bad[1]
    with pytest.raises(ValueError, match="not a finite number"):
        rows.workbook(1)
    with zipfile.ZipFile(io.BytesIO(rows.workbook(2))) as z:
        assert z.testzip() is None


def test_runs_have_fixed_widths_except_the_scenario_name():
    """Fixed-width runs keep the template's layout, so static XML may refer back across them; only the
    scenario's name and the note naming it (any length) make the next segment start afresh. A run can never
    outgrow its width."""
    filler = TemplateFiller(MODELS["logistics_potential"])
    about = sheet_parts(read_package(filler.template)[1])[SCENARIO_CELL[0]].encode()
    runs = [(part.name, width) for part in filler._members if isinstance(part, filler_module._Part)
            for _, _, width in part.runs]
    assert len(runs) > 20 and [name for name, width in runs if width is None] == [about, about]
    assert filler_module._run_bytes("%s</v></c>", [["-1.2345678901234567e-308"]], 32) == [
        b"-1.2345678901234567e-308</v></c>"]
    with pytest.raises(RuntimeError, match="outgrew"):
        filler_module._run_bytes("%s</v></c>", [["1" * 30]], 32)


def test_streamed_table_opens_everywhere_with_text_as_text(tmp_path):
    from python_calamine import CalamineWorkbook
    rows = [[1, '=HYPERLINK("http://evil.example")', 2.5e-7, "a\x07b"], [2, "名字 & <tags>", float("nan"),
                                                                        "a note longer than its column"]]
    path = write_table_xlsx(tmp_path / "t.xlsx", "My 'table'", ["row", "name", "value", "note"], iter(rows),
                            [6, 30, 12, 10])   # the widest each column may grow
    ws = load_workbook(path)["My 'table'"]
    assert [c.value for c in ws[1]] == ["row", "name", "value", "note"] and ws["A1"].font.b
    assert ws["B2"].value == '=HYPERLINK("http://evil.example")' and ws["B2"].data_type == "s"
    assert ws["A2"].value == 1 and ws["C2"].value == 2.5e-7 and ws["D2"].value == "ab"
    assert ws["C3"].value is None and ws.freeze_panes == "A2" and ws.auto_filter.ref == "A1:D3"
    assert ws.column_dimensions["B"].width == pytest.approx(text_width('=HYPERLINK("http://evil.example")') + 2, abs=0.05)
    assert ws.column_dimensions["D"].width == 12 and ws["D3"].alignment.wrap_text   # capped at 10, wrapped
    assert ws.row_dimensions[3].height >= 3 * 12.75 and not ws["B2"].alignment.wrap_text
    sheet = CalamineWorkbook.from_path(str(path)).get_sheet_by_name("My 'table'").to_python()
    assert sheet[1][:3] == [1.0, '=HYPERLINK("http://evil.example")', 2.5e-7] and sheet[2][1] == "名字 & <tags>"
    frame = pd.read_excel(path, engine="openpyxl")
    assert frame["value"].iloc[0] == 2.5e-7 and not list(tmp_path.glob(".*.part"))


def test_streamed_table_with_no_rows(tmp_path):
    path = write_table_xlsx(tmp_path / "empty.xlsx", "Summary", ["a", "b"], iter([]))
    ws = load_workbook(path)["Summary"]
    assert ws.max_row == 1 and ws.auto_filter.ref == "A1:B1"
