"""Recalculation and verification: both engines, start-up separated from per-file cost, results checked.

    python tests/benchmarks/bench_recalc.py [--files 100] [--rounds 3] [--single 20] [--skip-libreoffice]

All in one run, on --files filled workbooks (random in-range inputs, the batch test's five models in turn):

1. Per template (python engine): formula cells counted as formulas (cells holding a formula), the one-off
   load into `formulas` and the per-file calculation once loaded, by the engine's plans (recalc/pipes.py) and
   by schedula alone (results checked equal).
2. ``--verify python``, per workbook: today's path (``check``: one `formulas` engine that loads each distinct
   set of formulas once and computes the other workbooks as overrides, XML read directly) against the previous
   path (openpyxl pass for omitted arguments + `formulas` loading each file + two openpyxl loads to read the
   cached values), and against `formulas` used directly (load and calculate each file, no checking at all).
3. ``--verify libreoffice``, per workbook: today's path (soffice kept running over UNO, values read over UNO,
   two soffice side by side) against the previous one (chunked ``soffice --convert-to``, 40 files per call,
   saved copies read back, openpyxl facts), and one soffice process per file over --single files. Start-up
   (soffice over UNO ready) is timed apart from the per-file cost.

The contenders of 2. and of 3. are timed in the same rounds, one after the other in an order that rotates
from round to round (wall clock: LibreOffice works in other processes), and each ratio is taken within a
round; every time and ratio is the median of --rounds rounds with its range [min-max]. Results are checked
in every round: every report of every path must be clean, the old and new paths must compare the same number of cells, and the
primary result of every workbook must agree between the python engine, LibreOffice and the Python model.
Targets: python verify >= 5x and LibreOffice verify >= 2x faster than the previous paths; a miss is
reported, not an error (the machine is shared, timings are noisy).
"""
from __future__ import annotations

import argparse
import os
import platform
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))   # measure this working tree, whatever is installed
sys.path.insert(0, str(Path(__file__).resolve().parent))
import timing  # noqa: E402

import numpy as np  # noqa: E402

from ictco2_xl.core.models import MODELS  # noqa: E402
from ictco2_xl.core.sampling import random_inputs  # noqa: E402
from ictco2_xl.recalc import check  # noqa: E402
from ictco2_xl.recalc import formulas_engine as fe  # noqa: E402
from ictco2_xl.recalc import pipes  # noqa: E402
from ictco2_xl.recalc import libreoffice, soffice  # noqa: E402
from ictco2_xl.recalc.check import compare  # noqa: E402
from ictco2_xl.recalc.errors import ERRORS  # noqa: E402
from ictco2_xl.recalc.scan import WorkbookScan, scan  # noqa: E402
from ictco2_xl.workbook.filler import TemplateFiller  # noqa: E402
from ictco2_xl.workbook.layout import TemplateLayout  # noqa: E402

MIXED = ["fleet_management", "streetlight", "logistics_potential", "telework", "streetlight_potential"]
TEMPLATES = ROOT / "templates"
TARGET_PYTHON, TARGET_LIBREOFFICE = 5.0, 2.0


def make_workbooks(n: int, folder: Path, models=MIXED) -> list[Path]:
    folder.mkdir(parents=True, exist_ok=True)
    rng = np.random.default_rng(20100101)
    per_model = {mid: random_inputs(MODELS[mid], n, rng) for mid in models}
    fillers = {mid: TemplateFiller(MODELS[mid], template=(TEMPLATES / f"{mid}.xlsx").read_bytes()) for mid in models}
    paths = []
    for i in range(n):
        mid = models[i % len(models)]
        inputs = {k: float(v[i]) for k, v in per_model[mid].items()}
        paths.append(folder / f"{mid}_{i:04d}.xlsx")
        paths[-1].write_bytes(fillers[mid].fill(inputs, f"scenario {i}"))
    return paths


# -- the previous paths, as they were: openpyxl to read, `formulas` loading every file -------------------------
def openpyxl_facts(path: Path) -> WorkbookScan:
    from openpyxl import load_workbook
    wb_f, wb_v = load_workbook(path), load_workbook(path, data_only=True)
    facts = WorkbookScan(path, wb_f.sheetnames)
    for ws in wb_f.worksheets:
        for row in ws.iter_rows():
            for c in row:
                if c.data_type == "f":
                    facts.cached[(ws.title, c.coordinate)] = wb_v[ws.title][c.coordinate].value
                elif ws.title == "Inputs" and c.value is not None:
                    facts.constants[(ws.title, c.coordinate)] = c.value
    facts.props = {p.name: p.value for p in wb_f.custom_doc_props.props}
    return facts


def previous_python_values(path: Path) -> dict:
    from openpyxl import load_workbook
    import formulas
    registered = fe._register_once()
    for ws in load_workbook(path).worksheets:
        for row in ws.iter_rows():
            for cell in row:
                text = getattr(cell.value, "text", cell.value)
                if cell.data_type == "f" and isinstance(text, str) and fe.omitted_arguments(text, registered):
                    raise AssertionError(f"{path}: omitted argument")
    model = formulas.ExcelModel().loads(str(path)).finish()
    sheets = {n.upper(): n for n in load_workbook(path, read_only=True).sheetnames}
    values = fe._cells(model.calculate(), sheets)
    assert not any(isinstance(v, str) and v in ERRORS for v in values.values())
    return values


def previous_python_check(paths):
    return [compare(p, "python", previous_python_values(p), openpyxl_facts(p)) for p in paths]


def formulas_directly(paths):
    import formulas
    return [formulas.ExcelModel().loads(str(p)).finish().calculate() for p in paths]


def previous_libreoffice_check(paths, out: Path):
    converted = soffice.convert(paths, out)
    return [compare(p, "libreoffice", soffice.read_values(c), openpyxl_facts(p)) for p, c in zip(paths, converted)]


# -- timing -------------------------------------------------------------------------------------------------------
def timed(fn, rounds: int):
    times, result = [], None
    for _ in range(rounds):
        start = time.perf_counter()
        result = fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times), min(times), max(times), result


def interleaved(contenders: dict, rounds: int, check) -> dict[str, list[float]]:
    """Wall seconds of each contender in each round (order rotated per round); ``check(name, result)``
    is called on every result."""
    names = list(contenders)
    times: dict[str, list[float]] = {n: [] for n in names}
    for r in range(rounds):
        for name in names[r % len(names):] + names[:r % len(names)]:
            start = time.perf_counter()
            result = contenders[name]()
            times[name].append(time.perf_counter() - start)
            check(name, result)
    return times


def show(label: str, med: float, lo: float, hi: float, n: int) -> float:
    print(f"  {label:58s} {1000 * med / n:8.1f} ms/file  (range {1000 * lo / n:.1f}-{1000 * hi / n:.1f}, {n} files)")
    return med / n


def show_times(label: str, times: list[float], n: int) -> float:
    return show(label, statistics.median(times), min(times), max(times), n)


def assert_clean(reports, label: str) -> None:
    bad = [r.error or str(r.differences[0]) for r in reports if not r.ok]
    assert not bad, f"{label}: {bad[:3]}"


def primary(path: Path, values: dict) -> float:
    mid = path.stem.rsplit("_", 1)[0]
    cell = TemplateLayout(MODELS[mid]).steps[MODELS[mid].primary]
    return values[(cell.sheet, cell.ref)]


def values_without_plans(engine: fe.PythonEngine, path: Path) -> dict:
    """The engine as it was before plans (recalc/pipes.py): a workbook it loads gets no plan, so it and every
    copy of it are calculated by schedula alone (the load restores each cell's own pipe)."""
    original = pipes.workbook_plan
    pipes.workbook_plan = lambda *a, **k: None
    try:
        return engine.values(path)
    finally:
        pipes.workbook_plan = original


def per_template(rounds: int, folder: Path) -> None:
    print("python engine per template (formula cells = cells holding a formula; filled copies after the first,\n"
          "calculated by the engine's plans and, for comparison, by schedula alone):")
    print(f"  {'template':24s} {'formulas':>8s} {'load s (once)':>14s} {'copy ms, plans':>15s} "
          f"{'copy ms, schedula':>18s}")
    for mid in MIXED:
        path = TEMPLATES / f"{mid}.xlsx"
        n_formulas = len(scan(path).formulas)
        copies = make_workbooks(rounds + 2, folder / mid, [mid])
        engine, plain = fe.PythonEngine(), fe.PythonEngine()
        start = time.perf_counter()
        engine.values(copies[0])
        load = time.perf_counter() - start
        values_without_plans(plain, copies[0])
        times, plain_times = [], []
        for p in copies[1:]:
            start = time.perf_counter()
            planned = engine.values(p)
            times.append(time.perf_counter() - start)
            start = time.perf_counter()
            reference = values_without_plans(plain, p)
            plain_times.append(time.perf_counter() - start)
            assert planned == reference or all(
                planned[k] == reference[k] or planned[k] != planned[k] for k in reference), p
        assert engine.replayed == len(copies) - 1 and plain.replayed == 0
        print(f"  {mid:24s} {n_formulas:8d} {load:14.2f} {1000 * statistics.median(times):15.1f} "
              f"{1000 * statistics.median(plain_times):18.1f}  (ranges {1000 * min(times):.0f}-{1000 * max(times):.0f},"
              f" {1000 * min(plain_times):.0f}-{1000 * max(plain_times):.0f})")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--files", type=int, default=100)
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--single", type=int, default=20, help="files for one soffice process per file")
    ap.add_argument("--skip-libreoffice", action="store_true")
    args = ap.parse_args()
    print(f"{platform.node()}: {platform.processor() or platform.machine()}, {os.cpu_count()} cores, Python "
          f"{platform.python_version()}; load average {os.getloadavg()[0]:.1f} at start")
    start = time.perf_counter()
    fe._register_once()
    import formulas  # noqa: F401
    print(f"one-off: importing formulas and registering the worksheet functions {time.perf_counter() - start:.2f} s")
    with tempfile.TemporaryDirectory(prefix="bench-recalc-") as tmp:
        per_template(args.rounds, Path(tmp))
        paths = make_workbooks(args.files, Path(tmp) / "mixed")
        n = len(paths)
        print(f"\n--verify python over {n} filled workbooks ({', '.join(MIXED)}):")

        def cold():
            fe._SHARED.clear()        # a fresh process: no template loaded yet
            return check(paths, "python")
        check(paths, "python")        # load the templates once for the warm path
        cells: dict[str, list] = {}

        def checked(name, reports):
            if name != "direct":
                assert_clean(reports, name)
                cells.setdefault(name, [r.cells for r in reports])
                assert [r.cells for r in reports] == cells[name], f"{name}: different cells from round to round"
        t = interleaved({"warm": lambda: check(paths, "python"), "cold": cold,
                         "previous": lambda: previous_python_check(paths),
                         "direct": lambda: formulas_directly(paths)}, args.rounds, checked)
        assert cells["warm"] == cells["previous"] == cells["cold"], "the paths compared different cells"
        t_warm = show_times("today, per file once each template is loaded", t["warm"], n)
        show_times(f"today, cold: {len(MIXED)} templates loaded, then the rest", t["cold"], n)
        startup = [c - w for c, w in zip(t["cold"], t["warm"])]    # within a round: loading the templates
        print(f"  {'  = one-off start-up (cold - warm, per round)':58s} {timing.spread(startup, '{:.1f}')} s, then "
              f"{1000 * t_warm:.1f} ms per file" + ("  (noise exceeds the start-up in some round)"
                                                    if min(startup) <= 0 else ""))
        show_times("previous: openpyxl + formulas loading every file", t["previous"], n)
        show_times("formulas used directly (load + calculate, no checks)", t["direct"], n)
        ratio = timing.ratios(t["previous"], t["warm"])
        print(f"  per file, today is {timing.spread(ratio, '{:.1f}')}x faster than the previous path (target "
              f"{TARGET_PYTHON:g}x: {'met' if timing.median(ratio) >= TARGET_PYTHON else 'MISSED'}); cold over {n} "
              f"files {timing.spread(timing.ratios(t['previous'], t['cold']), '{:.1f}')}x; "
              f"{timing.spread(timing.ratios(t['direct'], t['warm']), '{:.1f}')}x faster than formulas loading "
              "each file (ratios within a round, median [min-max])")
        python_values = dict(fe.shared_engine().recalculate_each(paths))
        if args.skip_libreoffice or soffice.soffice_path() is None:
            why = "" if args.skip_libreoffice else f" (not installed: {soffice.INSTALL_HINT})"
            print("\nlibreoffice: skipped" + why)
            return
        print(f"\n--verify libreoffice over {n} filled workbooks:")
        start = time.perf_counter()
        session = libreoffice.Session()
        session._pool(n)                     # start the soffice processes and wait until they accept work
        startup = time.perf_counter() - start
        list(session.values_each(paths[:10]))    # warm: first documents load LibreOffice's filters
        print(f"  one-off: {session.started} soffice process(es) started over UNO: {startup:.2f} s")
        def previous():
            with tempfile.TemporaryDirectory(prefix="bench-lo-") as out:
                return previous_libreoffice_check(paths, Path(out))
        cells = {}

        def checked(name, reports):
            assert_clean(reports, f"{name} (libreoffice)")
            cells.setdefault(name, [r.cells for r in reports])
            assert [r.cells for r in reports] == cells[name], f"{name}: different cells from round to round"
        with libreoffice.keep_alive():
            libreoffice._SHARED["session"] = session      # check() uses this warm session
            t = interleaved({"today": lambda: check(paths, "libreoffice"), "previous": previous}, args.rounds,
                            checked)
        session.close()
        assert cells["today"] == cells["previous"], "the paths compared different cells"
        t_new = show_times(f"today: UNO, {libreoffice.WORKERS} soffice kept running, values over UNO", t["today"], n)
        show_times(f"previous: soffice --convert-to, {soffice.CHUNK} files per call, copies read back",
                   t["previous"], n)
        single = paths[:args.single]

        def one_per_file():
            with tempfile.TemporaryDirectory(prefix="bench-lo1-") as out:
                for p in single:
                    soffice.convert([p], out)
        once = timed(one_per_file, 1)
        t_single = show("one soffice --convert-to process per file", *once[:3], len(single))
        ratio = timing.ratios(t["previous"], t["today"])
        print(f"  today is {timing.spread(ratio, '{:.1f}')}x faster than the previous path (ratios within a round; "
              f"target {TARGET_LIBREOFFICE:g}x: {'met' if timing.median(ratio) >= TARGET_LIBREOFFICE else 'MISSED'}), "
              f"{t_single / t_new:.0f}x faster than one process per file (timed once, after the rounds)")
        lo_values = dict(libreoffice.recalculate_each(paths))
        worst = 0.0
        for p in paths:
            a, b = primary(p, python_values[p]), primary(p, lo_values[p])
            worst = max(worst, abs(a - b) / max(abs(a), 1e-300))
        assert worst < 1e-9, worst
        print(f"  primary results: python engine and LibreOffice agree on all {n} workbooks (largest relative "
              f"difference {worst:.1e}); both equal the Python model (every report clean)")


if __name__ == "__main__":
    main()
