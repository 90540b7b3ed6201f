"""Command line: ``ictco2-xl reconcile | models | factors | run | evaluate | templates | recalc | batch``,
``excel-config | lite`` (from deploy) and ``uncertainty | sensitivity | restate | report`` (from analysis_cli).

A thin adapter: it parses arguments, calls the core and prints. Errors are one line on stderr with a
non-zero exit code, never a traceback.
"""
from __future__ import annotations

import argparse
import json
import shutil
import sys
import textwrap
from pathlib import Path

from . import __version__
from .core.errors import ICTCO2Error


class UsageError(ICTCO2Error):
    """A command-line argument the user must correct."""


def _fmt(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float):
        if value != 0 and (abs(value) >= 1e7 or abs(value) < 1e-3):
            return f"{value:.6g}"
        return f"{value:,.6g}" if abs(value) < 1e6 else f"{value:,.0f}"
    return str(value)


def _table(headers, rows) -> str:
    widths = [max(len(str(h)), *(len(str(r[i])) for r in rows)) if rows else len(str(h)) for i, h in enumerate(headers)]
    line = "  ".join(str(h).ljust(w) for h, w in zip(headers, widths))
    out = [line, "  ".join("-" * w for w in widths)]
    out += ["  ".join(str(c).ljust(w) for c, w in zip(r, widths)) for r in rows]
    return "\n".join(out)


def cmd_reconcile(args) -> int:
    from .core.reconciliation import STATUS_MEANING, STATUSES, reconcile, summary, summary_by_source, to_csv
    if args.readme:
        from .core.reference import replace_findings
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
        sys.stdout.write(to_csv(rows))
        return 0
    print("Reconciliation of every figure the report prints in the chapters the models cover")
    print("(recomputed from the model definitions with the report's own values)\n")
    print(_table(["figure", "source", "report", "recomputed", "unit", "status"],
                 [[r.figure_id, r.source[:24], r.report_value, _fmt(r.recomputed), r.unit, r.status] for r in rows]))
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
    print(_table(["part of the report", *present, "total"],
                 [[part, *(c[s] for s in present), sum(c.values())] for part, c in by_source.items()]
                 + [["all", *(counts[s] for s in present), len(rows)]]))
    print("\n" + "\n".join(f"{s}: {STATUS_MEANING[s]}" for s in present))
    print("Notes for every row: ictco2-xl reconcile --csv")
    return 0


def cmd_models(args) -> int:
    from .core.models import MODELS
    from .core.reference import models_markdown
    if args.markdown:
        text = models_markdown()
        if args.out:
            Path(args.out).write_text(text, encoding="utf-8")
        else:
            sys.stdout.write(text)
        return 0
    rows = []
    for m in MODELS.values():
        for fn in m.worksheet_functions():
            rows.append([m.id, fn.name, fn.unit, m.section[:40]])
    print(_table(["model", "worksheet function", "unit", "report section"], rows))
    return 0


def cmd_factors(args) -> int:
    from .core.factors import get_factor_set, load_factor_set
    fs = load_factor_set(args.file) if args.file else get_factor_set(args.set)
    rows = [[f.key, f.model or "all", f"{f.value:g}", f.unit, f.year, f.status, f.source[:60]] for f in fs.entries()]
    print(f"Factor set {fs.name!r}: {fs.description}\n")
    print(_table(["key", "model", "value", "unit", "year", "status", "source"], rows))
    return 0


def _parse_assignments(pairs):
    values = {}
    for pair in pairs:
        if "=" not in pair:
            raise UsageError(f"expected NAME=VALUE, got {pair!r}")
        name, text = pair.split("=", 1)
        try:
            values[name.strip()] = float(text) if "," not in text else [float(t) for t in text.split(",")]
        except ValueError:
            raise UsageError(f"{name.strip()} must be a number (or comma-separated numbers), got {text!r}") from None
    return values


def cmd_run(args) -> int:
    from .core.models import get_model
    model = get_model(args.model)
    if args.scenario and args.scenario not in model.scenarios:
        raise UsageError(f"unknown scenario {args.scenario!r}; scenarios: {', '.join(model.scenarios) or 'none'}")
    values = dict(model.scenarios[args.scenario]) if args.scenario else {}
    values.update(_parse_assignments(args.inputs))
    res = model.run(values, args.factor_set)
    frame = res.to_frame()
    if args.json:
        print(json.dumps(frame.to_dict(orient="records"), indent=2, ensure_ascii=False))
        return 0
    print(f"{model.title} — {model.section} (factor set: {res.factor_set.name})\n")
    if len(frame) == 1:
        rows = [[i.name, _fmt(float(frame[i.name].iloc[0])), i.unit, i.label] for i in model.inputs]
        print(_table(["input", "value", "unit", "meaning"], rows) + "\n")
        rows = [[s.name, _fmt(float(frame[s.name].iloc[0])), s.unit, s.label] for s in model.steps]
        print(_table(["result", "value", "unit", "meaning"], rows))
    else:
        print(frame.to_string())
    for use in res.implied:
        print(f"\nnote: {use.name} = {use.value:g} is not stated in the report ({use.note or use.source})")
    return 0


def cmd_evaluate(args) -> int:
    import pandas as pd

    from .core.models import get_model
    model = get_model(args.model)
    frame = pd.read_csv(args.scenarios)
    out = model.evaluate_frame(frame, args.factor_set, blank_as_default=True, extra="ignore")
    if args.out:
        target = Path(args.out)
        if target.exists() and not args.overwrite:
            raise UsageError(f"{target} exists; pass --overwrite to replace it")
        out.to_csv(target, index=False)
        print(f"wrote {len(out)} rows to {target}")
    else:
        sys.stdout.write(out.to_csv(index=False))
    return 0


def cmd_templates(args) -> int:
    from .core.models import get_model
    from .xlsx.build import write_templates
    models = [get_model(m) for m in args.model] if args.model else None
    paths = write_templates(args.out, models, args.factor_set, overwrite=True)
    print(f"wrote {len(paths)} template(s) to {args.out}")
    return 0


def cmd_recalc(args) -> int:
    from .recalc import check, recalculate
    if not args.check:
        values = recalculate(args.files, args.engine)
        for path, cells in values.items():
            print(f"{path}: {len(cells)} cells recalculated with {args.engine}, no errors")
        return 0
    failed = 0
    for rep in check(args.files, args.engine):
        if rep.ok:
            model = " and the Python model" if rep.model else ""
            uncached = f"; {rep.uncached} store no cached value" if rep.uncached else ""
            print(f"{rep.path}: OK ({rep.cells} formula cells, no errors; {rep.cells - rep.uncached} cached values "
                  f"equal {args.engine}{model}{uncached})")
            continue
        failed += 1
        print(f"{rep.path}: {len(rep.differences)} cell(s) differ ({args.engine}):")
        for d in rep.differences:
            print(f"  {d}")
    return 1 if failed else 0


def cmd_batch(args) -> int:
    from .batch import example_tables, generate, install_sigterm_handler
    install_sigterm_handler()
    if args.example:
        tables = [(t, Path(args.out) / t.stem) for t in example_tables()]
    elif args.scenarios:
        tables = [(Path(args.scenarios), Path(args.out))]
    else:
        raise UsageError("give a scenario table (CSV or XLSX) or --example")
    failed = 0
    for table, out in tables:
        report = generate(table, args.model, out, factor_set=args.factor_set, overwrite=args.overwrite,
                          jobs=args.jobs, verify=args.verify)
        print(f"{table.name}: {report.line()}")
        failed += report.failed
    return 1 if failed else 0


def build_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="ictco2-xl", description="CO2 reduction models of the 2010 WWF / China Mobile "
                                "low-carbon ICT report, for Excel and Python.")
    p.add_argument("--version", action="version", version=f"ictco2-xl {__version__}")
    sub = p.add_subparsers(dest="command", required=True)

    s = sub.add_parser("reconcile", help="recompute and classify every figure of the report")
    s.add_argument("--csv", action="store_true", help="CSV to stdout: " + "figure_id,source,description,report_value,"
                   "recomputed,unit,status,note")
    s.add_argument("--status", choices=["reproduced", "stated_input", "implied_parameter", "report_inconsistent",
                                        "not_reproducible"], help="only rows with this status")
    s.add_argument("--readme", metavar="FILE", help="regenerate the findings block between the markers "
                   "<!-- findings:start ... --> and <!-- findings:end --> in FILE (README.md)")
    s.set_defaults(func=cmd_reconcile)

    s = sub.add_parser("models", help="list the models, or render the model reference")
    s.add_argument("--markdown", action="store_true", help="the full reference (equations, inputs, sources)")
    s.add_argument("--out", help="write the Markdown to this file")
    s.set_defaults(func=cmd_models)

    s = sub.add_parser("factors", help="show an emission-factor set with sources")
    s.add_argument("--set", default="report", help="report (default) or current")
    s.add_argument("--file", help="load and show a factor set from a .toml or .csv file")
    s.set_defaults(func=cmd_factors)

    s = sub.add_parser("run", help="run one model: ictco2-xl run LOGISTICS_POTENTIAL target_year=2020 empty_rate_cut=0.3")
    s.add_argument("model", help="model id or worksheet-function name")
    s.add_argument("inputs", nargs="*", help="NAME=VALUE (comma-separated values for several scenarios)")
    s.add_argument("--factor-set", default="report")
    s.add_argument("--scenario", help="a named scenario of the model (e.g. national_2008, smart)")
    s.add_argument("--json", action="store_true")
    s.set_defaults(func=cmd_run)

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
    s.add_argument("--jobs", type=int, default=1, help="worker processes (default 1)")
    s.add_argument("--overwrite", action="store_true", help="replace existing workbooks")
    s.add_argument("--verify", choices=["python", "libreoffice"], help="recalculate every output and check it")
    s.add_argument("--factor-set", default="report", help="for rows without a 'factor_set' column")
    s.add_argument("--example", action="store_true", help="run the bundled example tables (workbooks/)")
    s.set_defaults(func=cmd_batch)

    s = sub.add_parser("evaluate", help="evaluate a CSV of scenarios (one column per input) in one pass")
    s.add_argument("scenarios", help="CSV file; blank cells and missing columns take the defaults")
    s.add_argument("--model", required=True)
    s.add_argument("--factor-set", default="report")
    s.add_argument("--out", help="CSV file to write (default: stdout)")
    s.add_argument("--overwrite", action="store_true")
    s.set_defaults(func=cmd_evaluate)

    from .deploy import add_commands as add_deploy_commands  # excel-config, lite
    add_deploy_commands(sub)
    from .analysis_cli import add_commands as add_analysis_commands  # uncertainty, sensitivity, restate, report
    add_analysis_commands(sub)
    return p


def main(argv=None) -> int:
    args = build_parser().parse_args(argv)
    try:
        return args.func(args)
    except (ICTCO2Error, KeyError, FileNotFoundError, RuntimeError) as exc:
        msg = exc.args[0] if isinstance(exc, KeyError) and exc.args else exc
        print(f"ictco2-xl {args.command}: {msg}", file=sys.stderr)
        return 2
    except BrokenPipeError:
        return 0


if __name__ == "__main__":
    sys.exit(main())
