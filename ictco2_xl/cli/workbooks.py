"""Commands that write, recalculate or show workbooks: ``templates``, ``recalc``, ``batch``, ``preview``."""
from __future__ import annotations

import sys
from pathlib import Path

from ..core.csvio import DEFAULT_ENCODING
from .common import (StageBars, UsageError, add_encoding_option, add_factor_set_option, add_overwrite_option,
                     factor_set, output_paths, progress_bar)


def cmd_templates(args) -> int:
    from ..core.models import MODELS, get_model
    from ..workbook.templates import template_filename, write_templates
    fs = factor_set(args.factor_set)
    models = [get_model(m) for m in args.model] if args.model else None
    targets = [Path(args.out) / template_filename(m) for m in models or MODELS.values()]
    output_paths(targets, args.overwrite)   # refuse before writing any, so nothing is half-replaced
    paths = write_templates(args.out, models, args.factor_set, overwrite=True)
    print(f"wrote {len(paths)} template(s) to {Path(args.out).resolve()} (factor set {fs.name})")
    return 0


def cmd_recalc(args) -> int:
    from ..recalc import check_each, recalculate_each
    bar = progress_bar(len(args.files), "recalculated", "file")
    failed = 0
    try:
        if not args.check:
            for path, result in recalculate_each(args.files, args.engine):
                bar.update(1)
                if isinstance(result, Exception):
                    failed += 1
                    print(f"error: {result}", file=sys.stderr)
                else:
                    print(f"{path}: {len(result)} cells recalculated with {args.engine}, no errors")
            return 1 if failed else 0
        for rep in check_each(args.files, args.engine):
            bar.update(1)
            if rep.error:
                failed += 1
                print(f"error: {rep.error}", file=sys.stderr)
            else:
                failed += _print_check(rep, args.engine)
    finally:
        bar.close()
    return 1 if failed else 0


def _print_check(rep, engine: str) -> int:
    if rep.ok:
        model = " and the Python model" if rep.model else ""
        uncached = f"; {rep.uncached} store no cached value" if rep.uncached else ""
        print(f"{rep.path}: OK ({rep.cells} formula cells, no errors; {rep.cells - rep.uncached} cached values "
              f"equal {engine}{model}{uncached})")
        if rep.note:
            print(f"  note: {rep.note}")
        return 0
    print(f"{rep.path}: {len(rep.differences)} cell(s) differ ({engine}):")
    for d in rep.differences:
        print(f"  {d}")
    return 1


def cmd_batch(args) -> int:
    from ..batch import Stop, example_tables, generate, handle_signals
    factor_set(args.factor_set)   # a misspelt set or an unreadable file: one line before anything is written
    if args.example:
        if args.scenarios:
            raise UsageError("give a scenario table or --example, not both")
        tables = [(t, Path(args.out) / t.stem) for t in example_tables()]
    elif args.scenarios:
        tables = [(Path(args.scenarios), Path(args.out))]
    else:
        raise UsageError("give a scenario table (CSV or XLSX) or --example")
    stop = Stop()
    restore = handle_signals(stop)   # SIGINT/SIGTERM: finish the rows in progress and the summary, no traceback
    try:
        failed = 0
        for table, out in tables:
            bars = StageBars({"rows": "row", "verified": "workbook"})
            try:
                report = generate(table, args.model, out, factor_set=args.factor_set, overwrite=args.overwrite,
                                  jobs=args.jobs, verify=args.verify, stop=stop, progress=bars,
                                  encoding=DEFAULT_ENCODING if args.encoding == "auto" else args.encoding)
            finally:
                bars.close()
            print(f"{table.name}: {report.line()}")
            failed += report.failed
            if report.summary_error:
                return 2
            if report.interrupted:
                return 128 + stop.signum
        return 1 if failed else 0
    finally:
        restore()


def cmd_preview(args) -> int:
    import tempfile

    from ..recalc.render import pdf_pages_png, render_pdf
    png_dir = Path(args.png)
    if args.dpi < 20 or args.dpi > 600:
        raise UsageError(f"--dpi must be between 20 and 600, got {args.dpi}")
    with tempfile.TemporaryDirectory(prefix="ictco2-preview-") as tmp:
        pdf_dir = Path(args.pdf) if args.pdf else Path(tmp)
        for pdf in render_pdf(args.workbooks, pdf_dir):
            pages = pdf_pages_png(pdf, png_dir, args.dpi)
            print(f"{pdf.stem}: {len(pages)} page(s): {pages[0] if pages else '-'}"
                  + (f" ... {pages[-1].name}" if len(pages) > 1 else ""))
    return 0


def add_commands(sub) -> None:
    s = sub.add_parser("templates", help="write one calculation template (.xlsx) per model")
    s.add_argument("--out", default="templates", help="folder to write to, created if missing (default: templates)")
    s.add_argument("--model", action="append", help="only this model (id or worksheet-function name; repeatable)")
    add_factor_set_option(s)
    add_overwrite_option(s)
    s.set_defaults(func=cmd_templates)

    s = sub.add_parser("recalc", help="recalculate workbooks headlessly; --check compares with cache and model")
    s.add_argument("files", nargs="+", help=".xlsx files to recalculate")
    s.add_argument("--engine", choices=["python", "libreoffice"], default="python",
                   help="python: the pure-Python formulas engine (default); libreoffice: soffice headless")
    s.add_argument("--check", action="store_true", help="list every cell whose cached or model value differs")
    s.set_defaults(func=cmd_recalc)

    s = sub.add_parser("batch", help="one filled workbook per scenario row, plus summary.csv/.xlsx")
    s.add_argument("scenarios", nargs="?", help="CSV or XLSX: a 'scenario' column and one column per input "
                   "(optional 'model' and 'factor_set' columns)")
    s.add_argument("--model", help="model for rows without a 'model' column")
    s.add_argument("--out", required=True, help="output folder (created if missing)")
    s.add_argument("--jobs", type=int, default=None,
                   help="worker processes (default: 1, or up to 4 for tables of more than 2,000 rows on "
                        "machines with 3 or more CPUs; see the README)")
    add_overwrite_option(s)
    s.add_argument("--verify", choices=["python", "libreoffice"], help="recalculate every output and check it")
    add_factor_set_option(s, note="; for rows without a 'factor_set' column, which may name a set or a file too")
    s.add_argument("--example", action="store_true",
                   help="run the bundled example tables (the 28 Chongqing cases, logistics and street-light scenarios)")
    add_encoding_option(s)
    s.set_defaults(func=cmd_batch)

    s = sub.add_parser("preview", help="print workbooks with LibreOffice as a person sees them: PNG pages to look at")
    s.add_argument("workbooks", nargs="+", help="xlsx files (distinct names)")
    s.add_argument("--png", required=True, help="folder for the pages, <name>-<page>.png")
    s.add_argument("--dpi", type=int, default=80, help="resolution (default 80)")
    s.add_argument("--pdf", help="also keep the PDFs in this folder")
    s.set_defaults(func=cmd_preview)
