"""Commands that write or recalculate workbooks: ``templates``, ``recalc``, ``batch``."""
from __future__ import annotations

from pathlib import Path

from .common import (StageBars, UsageError, add_factor_set_option, add_overwrite_option, factor_set, output_paths,
                     progress_bar)


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


def _chunks(files, engine: str):
    """Files in groups the engine handles in one go (LibreOffice: one soffice process per group)."""
    from ..recalc import libreoffice
    size = libreoffice.CHUNK if engine == "libreoffice" else 1
    return [files[i:i + size] for i in range(0, len(files), size)]


def cmd_recalc(args) -> int:
    from ..recalc import check, recalculate
    bar = progress_bar(len(args.files), "recalculated", "file")
    failed = 0
    try:
        for chunk in _chunks(args.files, args.engine):
            if not args.check:
                for path, cells in recalculate(chunk, args.engine).items():
                    print(f"{path}: {len(cells)} cells recalculated with {args.engine}, no errors")
                bar.update(len(chunk))
                continue
            for rep in check(chunk, args.engine):
                failed += _print_check(rep, args.engine)
            bar.update(len(chunk))
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
    from ..batch import example_tables, generate, install_sigterm_handler
    install_sigterm_handler()
    factor_set(args.factor_set)
    if args.example:
        if args.scenarios:
            raise UsageError("give a scenario table or --example, not both")
        tables = [(t, Path(args.out) / t.stem) for t in example_tables()]
    elif args.scenarios:
        tables = [(Path(args.scenarios), Path(args.out))]
    else:
        raise UsageError("give a scenario table (CSV or XLSX) or --example")
    failed = 0
    for table, out in tables:
        bars = StageBars({"rows": "row", "verified": "workbook"})
        try:
            report = generate(table, args.model, out, factor_set=args.factor_set, overwrite=args.overwrite,
                              jobs=args.jobs, verify=args.verify, progress=bars)
        finally:
            bars.close()
        print(f"{table.name}: {report.line()}")
        failed += report.failed
    return 1 if failed else 0


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
    s.add_argument("--jobs", type=int, default=1, help="worker processes (default 1)")
    add_overwrite_option(s)
    s.add_argument("--verify", choices=["python", "libreoffice"], help="recalculate every output and check it")
    add_factor_set_option(s, note="; for rows without a 'factor_set' column, which may name a set or a file too")
    s.add_argument("--example", action="store_true",
                   help="run the bundled example tables (the 28 Chongqing cases, logistics and street-light scenarios)")
    s.set_defaults(func=cmd_batch)
