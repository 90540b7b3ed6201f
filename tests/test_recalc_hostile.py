"""Hostile and broken workbooks given to `recalc` (issue 11): each is refused or reported in one line naming
what is wrong, by both engines, without a traceback, without reading any other file and without handing the
file to LibreOffice; limits on size, cells and time hold; a LibreOffice timeout leaves no process behind.

Every hostile file is generated here."""
import os
import shutil
import struct
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
from openpyxl import Workbook
from openpyxl.workbook.defined_name import DefinedName

from conftest import needs_soffice, with_soffice
from ictco2_xl.cli import main
from ictco2_xl.recalc import DEFAULT_LIMITS, Limits, RecalcError, WorkbookRefused, check, recalculate_each
from ictco2_xl.recalc import libreoffice, soffice
from ictco2_xl.recalc.scan import outside_reference, scan

ROOT = Path(__file__).resolve().parents[1]
TEMPLATE = ROOT / "templates" / "streetlight.xlsx"
SECRET_VALUE = 424242.5
ENGINES = ["python", pytest.param("libreoffice", marks=needs_soffice)]


@pytest.fixture(scope="module")
def secret(tmp_path_factory):
    """Another workbook on the machine that no test may read."""
    folder = tmp_path_factory.mktemp("secret")
    wb = Workbook()
    wb.active.title = "Sheet1"
    wb.active["A2"] = SECRET_VALUE
    wb.active["A1"] = SECRET_VALUE
    path = folder / "secret.xlsx"
    wb.save(path)
    return path


def book(path: Path, **cells) -> Path:
    wb = Workbook()
    ws = wb.active
    ws.title = "Sheet1"
    for ref, value in cells.items():
        ws[ref] = value
    wb.save(path)
    return path


def rezip(src: Path, dst: Path, replace: dict[str, bytes] | None = None, add: dict[str, bytes] | None = None) -> Path:
    """A copy of a workbook with parts replaced or added."""
    replace, add = replace or {}, add or {}
    with zipfile.ZipFile(src) as zin, zipfile.ZipFile(dst, "w", zipfile.ZIP_DEFLATED) as zout:
        for info in zin.infolist():
            zout.writestr(info.filename, replace.get(info.filename, zin.read(info.filename)))
        for name, data in add.items():
            zout.writestr(name, data)
    return dst


def part(path: Path, name: str) -> bytes:
    with zipfile.ZipFile(path) as z:
        return z.read(name)


def with_doctype(xml: bytes, doctype: str) -> bytes:
    head, sep, rest = xml.partition(b"?>")
    return (head + sep + doctype.encode() + rest) if sep else doctype.encode() + xml


def patch_declared_size(data: bytes, name: str, size: int) -> bytes:
    """Make a zip claim ``size`` uncompressed bytes for member ``name`` (local header and central directory)."""
    raw = bytearray(data)
    encoded = name.encode()
    for signature, size_at in ((b"PK\x03\x04", 22), (b"PK\x01\x02", 24)):
        pos = 0
        while (pos := raw.find(signature, pos)) >= 0:
            name_len = struct.unpack_from("<H", raw, pos + (26 if signature == b"PK\x03\x04" else 28))[0]
            start = pos + (30 if signature == b"PK\x03\x04" else 46)
            if raw[start:start + name_len] == encoded:
                struct.pack_into("<I", raw, pos + size_at, size)
            pos += 4
    return bytes(raw)


# -- the hostile files, each with the words its one-line message must contain --------------------------------
def external_formula(tmp, secret):
    return book(tmp / "external.xlsx", A1=f"='{secret.parent}/[secret.xlsx]Sheet1'!A2", A3="=1+1"), \
        "refers to another workbook"


def external_link_part(tmp, secret):
    src = book(tmp / "plain.xlsx", A1="=1+1")
    rels = part(src, "xl/_rels/workbook.xml.rels").replace(
        b"</Relationships>",
        b'<Relationship Id="rId99" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/'
        b'externalLink" Target="externalLinks/externalLink1.xml"/></Relationships>')
    rel = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
    link = (b'<externalLink xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><externalBook '
            b'xmlns:r="' + rel.encode() + b'" r:id="rId1"/></externalLink>')
    link_rels = (f'<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship '
                 f'Id="rId1" Type="{rel}/externalLinkPath" Target="file:///{secret}" TargetMode="External"/>'
                 '</Relationships>').encode()
    return rezip(src, tmp / "link.xlsx", {"xl/_rels/workbook.xml.rels": rels},
                 {"xl/externalLinks/externalLink1.xml": link,
                  "xl/externalLinks/_rels/externalLink1.xml.rels": link_rels}), "links to another workbook"


def dde_function(tmp, secret):
    return book(tmp / "dde.xlsx", A1='=DDE("cmd","/C calc","A1")'), "calls DDE()"


def dde_pipe(tmp, secret):
    return book(tmp / "ddepipe.xlsx", A1="=cmd|' /C calc'!A0"), "DDE link"


def file_url(tmp, secret):
    return book(tmp / "fileurl.xlsx", A1=f"='file://{secret}'#$Sheet1.A1"), "file: URL"


def webservice(tmp, secret):
    return book(tmp / "web.xlsx", A1='=WEBSERVICE("http://127.0.0.1:9/x")'), "calls WEBSERVICE()"


def external_name(tmp, secret):
    wb = Workbook()
    wb.active["A1"] = "=leak*2"
    wb.defined_names["leak"] = DefinedName("leak", attr_text=f"'{secret.parent}/[secret.xlsx]Sheet1'!$A$2")
    wb.save(tmp / "name.xlsx")
    return tmp / "name.xlsx", "defined name leak refers to another workbook"


def external_validation(tmp, secret):
    from openpyxl.worksheet.datavalidation import DataValidation
    wb = Workbook()
    dv = DataValidation(type="list", formula1=f"'{secret.parent}/[secret.xlsx]Sheet1'!$A$1:$A$2")
    wb.active.add_data_validation(dv)
    dv.add("B1")
    wb.save(tmp / "validation.xlsx")
    return tmp / "validation.xlsx", "a formula1 rule on sheet Sheet refers to another workbook"


def external_image(tmp, secret):
    src = book(tmp / "plain2.xlsx", A1=1)
    rels = part(src, "xl/_rels/workbook.xml.rels").replace(
        b"</Relationships>", b'<Relationship Id="rId98" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
        b'relationships/image" Target="http://127.0.0.1:9/track.png" TargetMode="External"/></Relationships>')
    return rezip(src, tmp / "image.xlsx", {"xl/_rels/workbook.xml.rels": rels}), "points outside the file"


def data_connection(tmp, secret):
    src = book(tmp / "plain3.xlsx", A1=1)
    conn = b'<connections xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"/>'
    return rezip(src, tmp / "conn.xlsx", add={"xl/connections.xml": conn}), "data connection"


def xxe(tmp, secret):
    src = book(tmp / "plain4.xlsx", A1="=1+1")
    sheet = part(src, "xl/worksheets/sheet1.xml")
    doctype = f'<!DOCTYPE x [<!ENTITY e SYSTEM "file://{secret}">]>'
    return rezip(src, tmp / "xxe.xlsx", {"xl/worksheets/sheet1.xml": with_doctype(sheet, doctype)}), "DOCTYPE"


def xml_bomb(tmp, secret):
    src = book(tmp / "plain5.xlsx", A1="text")
    lol = "".join(f'<!ENTITY l{i} "{"&l%d;" % (i - 1) * 10 if i else "lol"}">' for i in range(10))
    xml = part(src, "xl/workbook.xml").replace(b"<sheets>", b"<sheets>&l9;")
    return rezip(src, tmp / "bomb.xlsx", {"xl/workbook.xml": with_doctype(xml, f"<!DOCTYPE x [{lol}]>")}), \
        "DOCTYPE"


def utf16_doctype(tmp, secret):
    src = book(tmp / "plain6.xlsx", A1=1)
    sheet = part(src, "xl/worksheets/sheet1.xml").decode().replace('encoding="UTF-8"', 'encoding="UTF-16"')
    sheet = with_doctype(sheet.encode(), '<!DOCTYPE x [<!ENTITY e "x">]>').decode()
    return rezip(src, tmp / "utf16.xlsx", {"xl/worksheets/sheet1.xml": sheet.encode("utf-16")}), "DOCTYPE"


def csv_as_workbook(tmp, secret):
    path = tmp / "table.xlsx"
    path.write_text("scenario,lamp_count\nA,100\n", encoding="utf-8")
    return path, "is a CSV (text) file, not an .xlsx workbook"


def csv_named_csv(tmp, secret):
    path = tmp / "table.csv"
    path.write_text("scenario;lamp_count\r\nA;100\r\n", encoding="utf-8-sig")
    return path, "is a CSV (text) file"


def encrypted(tmp, secret):
    # What Office writes for a password-protected .xlsx: an OLE compound file holding an EncryptedPackage stream.
    data = bytearray(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 4088)
    data[1024:1024 + 32] = "EncryptedPackage".encode("utf-16-le")
    path = tmp / "locked.xlsx"
    path.write_bytes(bytes(data))
    return path, "is encrypted (password-protected)"


def legacy_xls(tmp, secret):
    path = tmp / "old.xlsx"
    path.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 2048)
    return path, "old-format (.xls)"


def random_bytes(tmp, secret):
    path = tmp / "noise.xlsx"
    path.write_bytes(bytes(range(256)) * 8)
    return path, "not a zip package"


def empty_file(tmp, secret):
    path = tmp / "empty.xlsx"
    path.write_bytes(b"")
    return path, "is empty"


def damaged_zip(tmp, secret):
    path = tmp / "damaged.xlsx"
    path.write_bytes(TEMPLATE.read_bytes()[:3000])
    return path, "damaged zip"


def ratio_bomb(tmp, secret):
    zeros = b"\0" * (16 << 20)
    return rezip(TEMPLATE, tmp / "ratio.xlsx", {"xl/worksheets/sheet2.xml": zeros}), "a zip bomb?"


def declared_gib(tmp, secret):
    # The 1 GiB bomb of the issue: the central directory declares 1 GiB for a sheet; refused before inflating.
    data = rezip(TEMPLATE, tmp / "gib0.xlsx").read_bytes()
    path = tmp / "gib.xlsx"
    path.write_bytes(patch_declared_size(data, "xl/worksheets/sheet2.xml", 1 << 30))
    return path, "declares 1,073,741,824 bytes uncompressed"


def lying_member(tmp, secret):
    # A member that declares 1 KiB but inflates to 64 MiB: read 1 MiB at a time, it fails its CRC at 1 KiB.
    src = rezip(TEMPLATE, tmp / "liar0.xlsx", {"xl/worksheets/sheet2.xml": b"<a/>" + b" " * (64 << 20)})
    path = tmp / "liar.xlsx"
    path.write_bytes(patch_declared_size(src.read_bytes(), "xl/worksheets/sheet2.xml", 1024))
    return path, "part xl/worksheets/sheet2.xml cannot be read"


HOSTILE = [external_formula, external_link_part, dde_function, dde_pipe, file_url, webservice, external_name,
           external_validation, external_image, data_connection, xxe, xml_bomb, utf16_doctype, csv_as_workbook,
           csv_named_csv, encrypted, legacy_xls, random_bytes, empty_file, damaged_zip, ratio_bomb, declared_gib,
           lying_member]


@pytest.fixture(scope="module")
def hostile(tmp_path_factory, secret):
    folder = tmp_path_factory.mktemp("hostile")
    return {make.__name__: make(folder, secret) for make in HOSTILE}


@pytest.mark.parametrize("name", [m.__name__ for m in HOSTILE])
def test_scan_refuses_hostile_workbooks_in_one_line(hostile, name):
    path, words = hostile[name]
    with pytest.raises(WorkbookRefused) as info:
        scan(path)
    message = str(info.value)
    assert words in message and str(path) in message and "\n" not in message
    assert str(SECRET_VALUE) not in message


@pytest.mark.parametrize("engine", ENGINES)
def test_both_engines_refuse_every_hostile_workbook_before_opening_it(hostile, engine, monkeypatch):
    """One call over all hostile files: each fails alone with its line; LibreOffice is never handed one."""
    handed = []
    monkeypatch.setattr(soffice.Driver, "send", lambda self, request: handed.append(request))
    import ictco2_xl.recalc.formulas_engine as fe
    monkeypatch.setattr(fe, "_Loaded", lambda *a: handed.append(a))
    paths = [p for p, _ in hostile.values()]
    results = dict(recalculate_each(paths, engine))
    assert handed == []
    for name, (path, words) in hostile.items():
        assert isinstance(results[path], WorkbookRefused) and words in str(results[path]), name


@pytest.mark.parametrize("engine", ENGINES)
def test_command_line_gives_one_line_per_bad_workbook(hostile, engine, capsys):
    paths = [str(p) for p, _ in hostile.values()] + [str(TEMPLATE)]
    assert main(["recalc", *paths, "--engine", engine]) == 1
    out, err = capsys.readouterr()
    lines = err.strip().splitlines()
    assert len(lines) == len(hostile) and all(line.startswith("error: ") for line in lines), err
    assert "Traceback" not in err and str(SECRET_VALUE) not in out + err
    assert f"{TEMPLATE}: " in out and "no errors" in out          # the good workbook still recalculated
    assert main(["recalc", *paths, "--engine", engine, "--check"]) == 1
    err = capsys.readouterr().err
    assert len(err.strip().splitlines()) == len(hostile) and "Traceback" not in err


def test_outside_reference_rules():
    refused = ["'C:\\dir\\[secret.xlsx]Sheet1'!A2", "[1]Sheet1!A1", "'[1]My Sheet'!A1", "[1]!Name", "SUM([2]S!A1:A3)",
               'DDE("a","b","c")', "_xlfn.WEBSERVICE(A1)", "rtd(\"x\",,\"y\")", "cmd|' /C calc'!A0",
               "HYPERLINK(\"file:///etc/passwd\")", "'file:///x.ods'#$Sheet1.A1", "CALL(\"kernel32\",\"x\",\"J\")"]
    allowed = ["Table1[Column]", "SUM(Table1[[#This Row],[Qty]])", "'My Sheet'!A1", "\"[a]b!\"&A1", "IF(A1,\"|\",1)",
               "INDIRECT(\"Sheet2!A1\")", "'Sheet (2)'!$A$1*2", "DDEX(1)", "MYCALL(2)"]
    assert all(outside_reference(f) for f in refused), [f for f in refused if not outside_reference(f)]
    assert not any(outside_reference(f) for f in allowed), [f for f in allowed if outside_reference(f)]


@pytest.mark.parametrize("engine", ENGINES)
def test_indirect_to_another_file_is_not_followed(tmp_path, secret, engine):
    """Text that INDIRECT turns into a reference cannot be refused up front; neither engine follows it."""
    path = book(tmp_path / "indirect.xlsx", B1=f"'{secret.parent}/[secret.xlsx]Sheet1'!A2", A1="=INDIRECT(B1)",
                B2="'[secret.xlsx]Sheet1'!A2", A2="=INDIRECT(B2)")
    ((_, result),) = list(recalculate_each([path], engine))
    assert isinstance(result, RecalcError) and str(SECRET_VALUE) not in str(result)
    assert "A1" in str(result) and "A2" in str(result)        # both cells are errors, not the secret


# -- limits ---------------------------------------------------------------------------------------------------
def test_two_million_cells_are_refused_quickly(tmp_path):
    """The issue's 4.6 MB workbook with 2 million cells (300 s and 9.4 GB before): refused while reading."""
    import random
    import time
    rng = random.Random(0)
    blocks = [b"<row>" + b"".join(b"<c><v>%d</v></c>" % rng.randrange(1000) for _ in range(100)) + b"</row>"
              for _ in range(256)]            # varied enough to compress like real data (ratio below 200)
    sheet = b"".join([b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>',
                      *(rng.choice(blocks) for _ in range(20_000)), b"</sheetData></worksheet>"])
    path = tmp_path / "huge.xlsx"
    with zipfile.ZipFile(TEMPLATE) as zin, zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as zout:
        for info in zin.infolist():
            zout.writestr(info.filename, sheet if info.filename == "xl/worksheets/sheet2.xml" else zin.read(info))
    assert path.stat().st_size < 20 << 20
    start = time.perf_counter()
    with pytest.raises(WorkbookRefused, match="more than 1,000,000 cells, above the limit"):
        scan(path)
    assert time.perf_counter() - start < 60
    assert main(["recalc", str(path), "--engine", "python"]) == 1


def test_limits_are_configurable_and_named_in_messages(tmp_path):
    with pytest.raises(WorkbookRefused, match=r"more than 100 cells"):
        scan(TEMPLATE, Limits(cells=100))
    with pytest.raises(WorkbookRefused, match=r"bytes, above the limit of 1,000 bytes per workbook"):
        scan(TEMPLATE, Limits(file_bytes=1000))
    with pytest.raises(WorkbookRefused, match=r"zip parts, above the limit of 3"):
        scan(TEMPLATE, Limits(parts=3))
    with pytest.raises(WorkbookRefused, match=r"above the limit of 1,000 per part"):
        scan(TEMPLATE, Limits(part_bytes=1000))
    with pytest.raises(WorkbookRefused, match=r"bytes uncompressed, above the limit per workbook"):
        scan(TEMPLATE, Limits(total_bytes=20_000))
    (report,) = check([TEMPLATE], "python", limits=Limits(python_formulas=10))
    assert "formula cells, above the python engine's limit of 10" in report.error


def test_readme_documents_the_limits():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert DEFAULT_LIMITS.describe() in " ".join(readme.split())


def test_python_engine_stops_at_its_time_limit(tmp_path):
    (report,) = check([ROOT / "templates" / "telework.xlsx"], "python", limits=Limits(seconds=0.001))
    assert "did not finish within 0.001 s" in report.error


def slow_to_load(path: Path, rows: int = 3000) -> Path:
    """A workbook whose load into `formulas` alone takes minutes (each formula sums a longer range)."""
    wb = Workbook()
    ws = wb.active
    for i in range(1, rows + 1):
        ws.cell(i, 1, i)
        ws.cell(i, 2, f"=A{i}*2+SUM(A1:A{i})")
    wb.save(path)
    return path


def test_python_engine_time_limit_covers_loading_too(tmp_path, capsys):
    """The limit is per workbook, load and calculation together: the load of this workbook alone takes
    minutes (about 10 ms per formula cell is the usual; these are far slower), and it was never limited."""
    import signal
    import time

    from ictco2_xl.recalc.formulas_engine import PythonEngine, PythonWorkbook
    path = slow_to_load(tmp_path / "slow.xlsx")
    small = book(tmp_path / "small.xlsx", A1=1, A2="=A1+1")
    engine = PythonEngine(Limits(seconds=1))
    engine.values(small)                                      # imports and registration are not timed below
    handler_before = signal.getsignal(signal.SIGALRM)
    started = time.monotonic()
    with pytest.raises(RecalcError, match=r"slow.xlsx: the python engine did not finish within 1 s \(the limit "
                                          r"per workbook, loading and calculation\)"):
        engine.values(path)
    assert time.monotonic() - started < 15                   # 1 s plus the scan, on a busy shared machine
    assert signal.getsignal(signal.SIGALRM) is handler_before and signal.getitimer(signal.ITIMER_REAL) == (0, 0)
    assert engine.values(small)[("Sheet1", "A2")] == 2       # the engine goes on with the next workbook
    with pytest.raises(RecalcError, match="did not finish within 1 s"):
        PythonWorkbook(path, Limits(seconds=1))



def test_python_engine_time_limit_leaves_another_timer_alone(monkeypatch):
    """A program that runs its own interval timer keeps it: the limit then falls back to stopping the
    calculation between steps, as in a thread other than the main one."""
    import signal
    import threading

    from ictco2_xl.recalc.formulas_engine import PythonEngine
    fired = []
    previous = signal.signal(signal.SIGALRM, lambda *a: fired.append(1))
    try:
        signal.setitimer(signal.ITIMER_REAL, 3600)
        PythonEngine().values(TEMPLATE)
        assert 3500 < signal.getitimer(signal.ITIMER_REAL)[0] <= 3600 and not fired
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)
    errors = []
    thread = threading.Thread(target=lambda: errors.append(
        check([ROOT / "templates" / "telework.xlsx"], "python", limits=Limits(seconds=0.001))[0].error))
    thread.start()
    thread.join(300)
    assert "did not finish within 0.001 s" in errors[0]


# -- circular references -------------------------------------------------------------------------------------
def test_python_engine_reports_circular_references(tmp_path, capsys):
    wb = Workbook()
    ws = wb.active
    ws["A1"], ws["A2"], ws["A3"], ws["A4"] = 1, "=A3+1", "=A2+1", "=A1*2"
    ws["B1"], ws["B2"] = "=SUM(B1:B3)", 5
    wb.save(tmp_path / "circular.xlsx")
    assert main(["recalc", str(tmp_path / "circular.xlsx"), "--engine", "python"]) == 1
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1 and "circular reference" in err
    assert "Sheet!A2" in err and "Sheet!A3" in err and "Sheet!B1" in err and "Sheet!A4" not in err


@with_soffice
def test_libreoffice_reports_circular_references(tmp_path):
    path = book(tmp_path / "circular.xlsx", A1=1, A2="=A3+1", A3="=A2+1")
    ((_, result),) = list(recalculate_each([path], "libreoffice"))
    assert isinstance(result, RecalcError) and "Err:522 (circular reference)" in str(result)


# -- LibreOffice processes ------------------------------------------------------------------------------------
def _record_profiles(monkeypatch):
    made = []
    original = soffice.new_profile

    def recording(*args, **kwargs):
        made.append(original(*args, **kwargs))
        return made[-1]
    monkeypatch.setattr(soffice, "new_profile", recording)
    return made


@with_soffice
@pytest.mark.parametrize("method", ["uno", "convert"])
def test_libreoffice_timeout_kills_the_process_group_and_cleans_up(tmp_path, monkeypatch, method):
    if method == "uno" and soffice.uno_python() is None:
        pytest.skip(f"python3-uno is not installed: {soffice.UNO_HINT}")
    profiles = _record_profiles(monkeypatch)
    with libreoffice.Session(timeout=0.001, method=method, workers=1) as lo:
        results = list(lo.values_each([TEMPLATE, TEMPLATE]))
    assert all(isinstance(r, RecalcError) and "within" in str(r) for _, r in results), results
    assert profiles
    for profile in profiles:
        assert not profile.exists(), "the profile of a killed soffice was left behind"
        assert soffice.profile_processes(profile) == [], "a soffice process survived the timeout"


@with_soffice
def test_a_soffice_that_dies_costs_one_workbook_and_the_rest_go_on(tmp_path):
    if soffice.uno_python() is None:
        pytest.skip(f"python3-uno is not installed: {soffice.UNO_HINT}")
    files = []
    for k in range(6):
        files.append(tmp_path / f"w{k}.xlsx")
        files[-1].write_bytes(TEMPLATE.read_bytes())
    with libreoffice.Session(workers=1) as lo:
        results = []
        for path, result in lo.values_each(files):
            results.append(result)
            if len(results) == 2:   # soffice dies while later workbooks are queued for it
                os.killpg(lo._drivers[0].proc.pid, 9)
        started = lo.started
    failed = [r for r in results if isinstance(r, Exception)]
    assert len(results) == 6 and 1 <= len(failed) <= 2 and started == 2, (failed, started)
    assert all("LibreOffice stopped" in str(r) for r in failed)
    assert all(isinstance(r, dict) and r[("Calculation", "C8")] for r in results[4:])


@with_soffice
def test_uno_and_convert_give_the_same_values(tmp_path):
    if soffice.uno_python() is None:
        pytest.skip(f"python3-uno is not installed: {soffice.UNO_HINT}")
    files = [TEMPLATE, ROOT / "templates" / "telework.xlsx"]
    with libreoffice.Session(method="convert") as slow:
        converted = dict(slow.values_each(files))
    via_uno = dict(libreoffice.recalculate_each(files))
    for f in files:
        a, b = converted[f], via_uno[f]
        # a number may come back as 12 or 12.0 depending on how the file stores it: compare numbers as numbers
        numbers = {k for k, v in a.items() if isinstance(v, (int, float)) and not isinstance(v, bool)}
        assert set(a) == set(b) and len(numbers) > 20
        assert all(abs(a[k] - b[k]) <= 1e-12 * max(abs(a[k]), 1) for k in numbers)
        assert {k: v for k, v in a.items() if k not in numbers} == {k: v for k, v in b.items() if k not in numbers}


def _array_formula_workbook(path):
    """A sheet whose last cells exist only as an array formula's range (openpyxl writes its first cell only)."""
    from openpyxl.worksheet.formula import ArrayFormula
    wb = Workbook()
    ws = wb.active
    ws.title = "Arr"
    for r in range(1, 4):
        ws.cell(r, 1, r)
    ws["B1"] = '=IF(A1>0,"","x")'            # a formula giving an empty text: still a cell with a value
    ws["D2"] = ArrayFormula("D2:E4", "=A1:A3*{1,2}")
    wb.create_sheet("Empty")
    wb.save(path)
    return path


def test_the_extents_a_scan_gives_cover_array_formula_ranges(tmp_path):
    facts = scan(_array_formula_workbook(tmp_path / "arr.xlsx"))
    assert facts.extents() == {"Arr": [4, 5], "Empty": [0, 0]}
    assert scan(TEMPLATE).extents()["Calculation"][0] >= 8


@with_soffice
def test_uno_reads_the_same_values_from_the_scanned_extents_as_from_used_areas(libreoffice_session, tmp_path):
    """The driver is told how far each sheet's cells reach (from our scan) instead of asking LibreOffice for
    used areas: the same cells and values on templates with the most sheets and cells and on array formulas
    that spill past the cells the file writes (test_recalc_libreoffice compares every template's values with
    the model's)."""
    if libreoffice_session.method != "uno":
        pytest.skip(f"python3-uno is not installed: {soffice.UNO_HINT}")
    files = [ROOT / "templates" / f"{name}.xlsx" for name in ("headline", "telework", "logistics_potential")]
    files.append(_array_formula_workbook(tmp_path / "arr.xlsx"))
    def checked_without_extents(path):      # the same refusals, but nothing the driver could be told
        scan(path)

    told = dict(libreoffice_session.values_each(files))
    asked = dict(libreoffice_session.values_each(files, facts_for=checked_without_extents))   # used areas
    assert told == asked
    job = libreoffice.Session._job(files[-1], {"in": str(files[-1])}, scan)    # what the driver was told
    assert job.request["areas"] == {"Arr": [4, 5], "Empty": [0, 0]}
    arr = told[files[-1]]
    assert [arr[("Arr", ref)] for ref in ("D2", "E2", "D4", "E4")] == [1, 2, 3, 6]
    assert arr[("Arr", "B1")] == ""


def test_uno_driver_runs_under_the_system_python_only():
    """The driver imports nothing from this package or the venv: the system Python runs it by path."""
    source = (ROOT / "ictco2_xl" / "recalc" / "uno_driver.py").read_text(encoding="utf-8")
    imports = {line.split()[1].split(".")[0] for line in source.splitlines()
               if line.startswith(("import ", "from "))}
    assert imports <= {"json", "os", "subprocess", "sys", "time", "uno", "com"}, imports


def test_progress_is_reported_per_workbook(tmp_path):
    seen = []
    reports = check([TEMPLATE, tmp_path / "missing.xlsx", TEMPLATE], "python", progress=seen.append)
    assert seen == [1, 1, 1] and [r.ok for r in reports] == [True, False, True]
    assert reports[1].error == f"no such workbook: {tmp_path / 'missing.xlsx'}"


@with_soffice
def test_progress_is_reported_per_workbook_by_libreoffice(tmp_path):
    seen = []
    reports = check([TEMPLATE, tmp_path / "missing.xlsx"], "libreoffice", progress=seen.append)
    assert seen == [1, 1] and [r.ok for r in reports] == [True, False]


def test_installed_command_refuses_in_one_line(tmp_path, secret):
    """The console script, as a user runs it: exit 1, one line, no traceback."""
    path = book(tmp_path / "x.xlsx", A1=f"='{secret.parent}/[secret.xlsx]Sheet1'!A2")
    exe = shutil.which("ictco2-xl", path=str(Path(sys.executable).parent)) or shutil.which("ictco2-xl")
    if exe is None:
        pytest.skip("the ictco2-xl console script is not installed")
    proc = subprocess.run([exe, "recalc", str(path)], capture_output=True, text=True, timeout=300)
    assert proc.returncode == 1 and proc.stderr.count("\n") == 1 and "Traceback" not in proc.stderr
    assert "refers to another workbook" in proc.stderr


def test_without_uno_a_workbook_that_overruns_costs_only_itself(tmp_path, monkeypatch):
    """soffice --convert-to takes 40 workbooks at a time; one that overran the chunk's time failed all 40.
    Now the others are tried one by one, each with the limit per workbook."""
    hang = shutil.copy(TEMPLATE, tmp_path / "hang.xlsx")
    good = [shutil.copy(TEMPLATE, tmp_path / f"good{i}.xlsx") for i in range(3)]
    calls = []

    def fake_convert(paths, out_dir, timeout=None, fmt="xlsx", limits=DEFAULT_LIMITS, scanned=False, **kw):
        calls.append((len(paths), timeout))
        if any(Path(p).resolve().name == "hang.xlsx" for p in paths):
            raise RecalcError(f"LibreOffice did not finish {len(paths)} file(s) within {timeout} s; its processes "
                              "were killed")
        Path(out_dir).mkdir(parents=True, exist_ok=True)
        for p in paths:
            shutil.copy(Path(p).resolve(), Path(out_dir) / Path(p).name)
    monkeypatch.setattr(libreoffice, "convert", fake_convert)
    monkeypatch.setattr(libreoffice, "require_soffice", lambda: "soffice")    # never started here
    with libreoffice.Session(method="convert", limits=Limits(seconds=7)) as lo:
        results = dict(lo.values_each([good[0], hang, *good[1:]]))
    assert calls[0] == (4, None) and sorted(calls[1:]) == [(1, 7)] * 4
    assert isinstance(results[Path(hang)], RecalcError) and "within 7 s" in str(results[Path(hang)])
    assert all(isinstance(results[Path(g)], dict) and results[Path(g)] for g in good)
