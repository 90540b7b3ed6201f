"""Commands that write, recalculate or show workbooks: ``templates``, ``recalc``, ``batch``, ``preview``."""
from __future__ import annotations

import sys
from pathlib import Path

from ..core.csvio import DEFAULT_ENCODING
from .common import UsageError, add_encoding_option


def cmd_templates(args) -> int:
    from ..core.models import get_model
    from ..workbook.templates import write_templates
    models = [get_model(m) for m in args.model] if args.model else None
    paths = write_templates(args.out, models, args.factor_set, overwrite=True)
    print(f"wrote {len(paths)} template(s) to {args.out}")
    return 0


def cmd_recalc(args) -> int:
    from ..recalc import check_each, recalculate_each
    failed = 0
    if not args.check:
        for path, result in recalculate_each(args.files, args.engine):
            if isinstance(result, Exception):
                failed += 1
                print(f"error: {result}", file=sys.stderr)
            else:
                print(f"{path}: {len(result)} cells recalculated with {args.engine}, no errors")
        return 1 if failed else 0
    for rep in check_each(args.files, args.engine):
        if rep.error:
            failed += 1
            print(f"error: {rep.error}", file=sys.stderr)
        elif rep.ok:
            model = " and the Python model" if rep.model else ""
            uncached = f"; {rep.uncached} store no cached value" if rep.uncached else ""
            print(f"{rep.path}: OK ({rep.cells} formula cells, no errors; {rep.cells - rep.uncached} cached values "
                  f"equal {args.engine}{model}{uncached})")
            if rep.note:
                print(f"  note: {rep.note}")
        else:
            failed += 1
            print(f"{rep.path}: {len(rep.differences)} cell(s) differ ({args.engine}):")
            for d in rep.differences:
                print(f"  {d}")
    return 1 if failed else 0


def cmd_batch(args) -> int:
    from ..batch import Stop, example_tables, generate, handle_signals
    if args.example:
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
            report = generate(table, args.model, out, factor_set=args.factor_set, overwrite=args.overwrite,
                              jobs=args.jobs, verify=args.verify, stop=stop,
                              encoding=DEFAULT_ENCODING if args.encoding == "auto" else args.encoding)
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
    s.add_argument("--out", default="templates", help="folder (default: templates)")
    s.add_argument("--model", action="append", help="only this model (repeatable)")
    s.add_argument("--factor-set", default="report")
    s.set_defaults(func=cmd_templates)

    s = sub.add_parser("recalc", help="recalculate workbooks headlessly; --check compares with cache and model")
    s.add_argument("files", nargs="+")
    s.add_argument("--engine", choices=["python", "libreoffice"], default="python")
    s.add_argument("--check", action="store_true", help="list every cell whose cached or model value differs")
    s.set_defaults(func=cmd_recalc)

    s = sub.add_parser("batch", help="one filled workbook per scenario row, plus summary.csv/.xlsx")
    s.add_argument("scenarios", nargs="?", help="CSV or XLSX: a 'scenario' column and one column per input "
                   "(optional 'model' and 'factor_set' columns)")
    s.add_argument("--model", help="model for rows without a 'model' column")
    s.add_argument("--out", required=True, help="output folder")
    s.add_argument("--jobs", type=int, default=None,
                   help="worker processes (default: 1, or up to 4 for tables of more than 2,000 rows on "
                        "machines with 3 or more CPUs; see the README)")
    s.add_argument("--overwrite", action="store_true", help="replace existing workbooks")
    s.add_argument("--verify", choices=["python", "libreoffice"], help="recalculate every output and check it")
    s.add_argument("--factor-set", default="report", help="for rows without a 'factor_set' column")
    s.add_argument("--example", action="store_true", help="run the bundled example tables (workbooks/)")
    add_encoding_option(s)
    s.set_defaults(func=cmd_batch)

    s = sub.add_parser("preview", help="print workbooks with LibreOffice as a person sees them: PNG pages to look at")
    s.add_argument("workbooks", nargs="+", help="xlsx files (distinct names)")
    s.add_argument("--png", required=True, help="folder for the pages, <name>-<page>.png")
    s.add_argument("--dpi", type=int, default=80, help="resolution (default 80)")
    s.add_argument("--pdf", help="also keep the PDFs in this folder")
    s.set_defaults(func=cmd_preview)
