"""Command line: ``ictco2-xl reconcile | models | factors | run | evaluate`` (and, from analysis_cli,
``uncertainty | sensitivity | restate | report``).

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
    from .core.reconciliation import STATUSES, reconcile, summary, to_csv
    rows = reconcile()
    if args.status:
        rows = [r for r in rows if r.status == args.status]
    if args.csv:
        sys.stdout.write(to_csv(rows))
        return 0
    print("Reconciliation of every figure in the report's tables and headline statements")
    print("(recomputed from the model definitions with the report's own factors)\n")
    print(_table(["figure", "source", "report", "recomputed", "unit", "status"],
                 [[r.figure_id, r.source[:24], r.report_value, _fmt(r.recomputed), r.unit, r.status] for r in rows]))
    width = min(shutil.get_terminal_size((100, 20)).columns, 120)
    flagged = [r for r in rows if r.status in ("report_inconsistent", "not_reproducible")]
    if flagged:
        print("\nWhere the report disagrees with itself or gives too little to recompute:\n")
        for r in flagged:
            print(textwrap.fill(f"{r.figure_id} ({r.status}): {r.note}", width, subsequent_indent="    "))
    counts = summary(rows)
    print("\n" + ", ".join(f"{counts[s]} {s}" for s in STATUSES) + f" ({len(rows)} figures). "
          "Notes for every row: ictco2-xl reconcile --csv")
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


def build_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="ictco2-xl", description="CO2 reduction models of the 2010 WWF / China Mobile "
                                "low-carbon ICT report, for Excel and Python.")
    p.add_argument("--version", action="version", version=f"ictco2-xl {__version__}")
    sub = p.add_subparsers(dest="command", required=True)

    s = sub.add_parser("reconcile", help="recompute and classify every figure of the report")
    s.add_argument("--csv", action="store_true", help="CSV to stdout: " + "figure_id,source,description,report_value,"
                   "recomputed,unit,status,note")
    s.add_argument("--status", choices=["reproduced", "implied_parameter", "report_inconsistent", "not_reproducible"],
                   help="only rows with this status")
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

    s = sub.add_parser("evaluate", help="evaluate a CSV of scenarios (one column per input) in one pass")
    s.add_argument("scenarios", help="CSV file; blank cells and missing columns take the defaults")
    s.add_argument("--model", required=True)
    s.add_argument("--factor-set", default="report")
    s.add_argument("--out", help="CSV file to write (default: stdout)")
    s.add_argument("--overwrite", action="store_true")
    s.set_defaults(func=cmd_evaluate)

    from .analysis_cli import add_commands
    add_commands(sub)
    return p


def main(argv=None) -> int:
    args = build_parser().parse_args(argv)
    try:
        return args.func(args)
    except (ICTCO2Error, KeyError, FileNotFoundError) as exc:
        msg = exc.args[0] if isinstance(exc, KeyError) and exc.args else exc
        print(f"ictco2-xl {args.command}: {msg}", file=sys.stderr)
        return 2
    except BrokenPipeError:
        return 0


if __name__ == "__main__":
    sys.exit(main())
