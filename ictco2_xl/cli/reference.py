"""Commands that show the report and the models: ``reconcile``, ``models``, ``factors``."""
from __future__ import annotations

import shutil
import sys
import textwrap
from pathlib import Path

from .common import UsageError, add_encoding_option, fmt, text_table, write_csv_stdout


def cmd_reconcile(args) -> int:
    from ..core.analysis.reconciliation import (COLUMNS, STATUS_MEANING, STATUSES, reconcile, summary,
                                                summary_by_source)
    if args.readme:
        from ..core.reference import replace_findings
        path = Path(args.readme)
        text = path.read_text(encoding="utf-8")
        try:
            new = replace_findings(text)
        except ValueError as exc:
            raise UsageError(f"--readme {path}: {exc}") from None
        if new != text:
            path.write_text(new, encoding="utf-8")
        print(f"{path}: findings block {'regenerated' if new != text else 'already current'}")
        return 0
    rows = reconcile()
    if args.status:
        rows = [r for r in rows if r.status == args.status]
    if args.csv:
        write_csv_stdout(COLUMNS, ([r.as_dict()[c] for c in COLUMNS] for r in rows), args.encoding)
        return 0
    print("Reconciliation of every figure the report prints in the chapters the models cover")
    print("(recomputed from the model definitions with the report's own values)\n")
    print(text_table(["figure", "source", "report", "recomputed", "unit", "status"],
                     [[r.figure_id, r.source[:24], r.report_value, fmt(r.recomputed), r.unit, r.status] for r in rows]))
    width = min(shutil.get_terminal_size((100, 20)).columns, 120)
    flagged = [r for r in rows if r.status == "report_inconsistent"]
    if flagged:
        print("\nWhere the report contradicts its own stated values, and the slip that explains it:\n")
        for r in flagged:
            print(textwrap.fill(f"{r.figure_id}: {r.note}", width, subsequent_indent="    "))
    counts = summary(rows)
    by_source = summary_by_source(rows)
    present = [s for s in STATUSES if counts[s]]
    print(f"\n{len(rows)} figures by status and part of the report:\n")
    print(text_table(["part of the report", *present, "total"],
                     [[part, *(c[s] for s in present), sum(c.values())] for part, c in by_source.items()]
                     + [["all", *(counts[s] for s in present), len(rows)]]))
    print("\n" + "\n".join(f"{s}: {STATUS_MEANING[s]}" for s in present))
    print("Notes for every row: ictco2-xl reconcile --csv")
    return 0


def cmd_models(args) -> int:
    from ..core.models import USER_MODELS, all_models
    from ..core.reference import models_markdown
    if args.check:
        return _check_models(args.check)
    if args.markdown:
        text = models_markdown(all_models() if USER_MODELS else None)
        if args.out:
            Path(args.out).write_text(text, encoding="utf-8")
        else:
            sys.stdout.write(text)
        return 0
    rows = []
    for m in all_models().values():
        for fn in m.worksheet_functions():
            rows.append([m.id, fn.name, fn.unit, m.section[:40]])
    print(text_table(["model", "worksheet function", "unit", "report section"], rows))
    return 0


def _check_models(paths) -> int:
    """Validate model files (every problem, one line each, raises) and print each model's reference."""
    from ..core.assessment import ITEMS, MISSING, completeness
    from ..core.modelfile import check_models
    from ..core.reference import model_markdown
    models = check_models(*paths)
    for m in models:
        sys.stdout.write(model_markdown(m) + "\n")
    for m in models:
        missing = [i.label for i in ITEMS if completeness(m)[i.key] == MISSING]
        gaps = f"; assessment record lacks: {', '.join(missing)}" if missing else "; assessment record complete"
        print(f"{m.origin}: OK, model {m.id} ({', '.join(f.name for f in m.worksheet_functions())}){gaps}",
              file=sys.stderr)
    return 0


def cmd_factors(args) -> int:
    from ..core.factors import get_factor_set, load_factor_set
    fs = load_factor_set(args.file) if args.file else get_factor_set(args.set)
    rows = [[f.key, f.model or "all", f"{f.value:g}", f.unit, f.year, f.status, f.source[:60]] for f in fs.entries()]
    print(f"Factor set {fs.name!r}: {fs.description}\n")
    print(text_table(["key", "model", "value", "unit", "year", "status", "source"], rows))
    return 0


def add_commands(sub) -> None:
    s = sub.add_parser("reconcile", help="recompute and classify every figure of the report")
    s.add_argument("--csv", action="store_true", help="CSV to stdout: " + "figure_id,source,description,report_value,"
                   "recomputed,unit,status,note")
    s.add_argument("--status", choices=["reproduced", "stated_input", "implied_parameter", "report_inconsistent",
                                        "not_reproducible"], help="only rows with this status")
    s.add_argument("--readme", metavar="FILE", help="regenerate the findings block between the markers "
                   "<!-- findings:start ... --> and <!-- findings:end --> in FILE (README.md)")
    add_encoding_option(s)
    s.set_defaults(func=cmd_reconcile)

    s = sub.add_parser("models", help="list the models, render the model reference, or check model files")
    s.add_argument("--markdown", action="store_true", help="the full reference (equations, inputs, sources)")
    s.add_argument("--check", action="append", metavar="PATH", help="validate model files (a .toml file or a "
                   "folder; repeatable) and print each model's reference; every problem is one line")
    s.add_argument("--out", help="write the Markdown to this file")
    s.set_defaults(func=cmd_models)

    s = sub.add_parser("factors", help="show an emission-factor set with sources")
    s.add_argument("--set", default="report", help="report (default) or current")
    s.add_argument("--file", help="load and show a factor set from a .toml or .csv file")
    s.set_defaults(func=cmd_factors)
