"""Commands that show the report and the models: ``reconcile``, ``models``, ``factors``."""
from __future__ import annotations

import shutil
import sys
import textwrap
from pathlib import Path

from .common import (UsageError, add_encoding_option, add_factor_set_option, add_overwrite_option, factor_set, fmt,
                     output_paths, text_table, write_csv_stdout)


def _width() -> int:
    return min(shutil.get_terminal_size((100, 20)).columns, 120)


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
    flagged = [r for r in rows if r.status == "report_inconsistent"]
    if flagged:
        print("\nWhere the report contradicts its own stated values, and the slip that explains it:\n")
        for r in flagged:
            print(textwrap.fill(f"{r.figure_id}: {r.note}", _width(), subsequent_indent="    "))
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


def _default(inp, fs) -> str:
    """The reference's default text, with the factor's value in ``fs`` and numbers in the CLI's notation."""
    from ..core.reference import default_text
    if inp.factor:
        return f"{fmt(fs.value(inp.factor, inp.scope), inp.unit)} (factor {inp.factor}, set {fs.name})"
    if isinstance(inp.default, (int, float)):
        return fmt(inp.default, inp.unit)
    return default_text(inp)


def _records(headers, rows, notes, width: int) -> str:
    """A table whose every row is followed by an indented, wrapped note (readable in a narrow terminal)."""
    lines = text_table(headers, rows).splitlines()
    out = lines[:2]
    for line, note in zip(lines[2:], notes):
        out += [line, textwrap.fill(note, width, initial_indent="    ", subsequent_indent="    ")]
    return "\n".join(out)


def show_model(model, fs) -> None:
    """One model as a newcomer needs it: what it computes, its inputs (unit, default, range, source), its results."""
    width = _width()
    print(f"{model.id} — {model.title}\n")
    print(textwrap.fill(model.description, width) + "\n")
    print(f"Report section: {model.section}")
    for fn in model.worksheet_functions():
        args = ", ".join([*(a.name for a in fn.args), "factor_set"])
        print(f"Worksheet function: ={fn.name}({args}) -> {fn.output} [{fn.unit}]")
    print("\nInputs (ictco2-xl run " + model.id + " NAME=VALUE ...):\n")
    rows = [[i.name, i.unit, _default(i, fs), i.bounds.rule().removeprefix("must be ") +
             (" (whole number)" if i.integer else "")] for i in model.inputs]
    notes = [f"{i.label}. Source: {i.source}" for i in model.inputs]
    print(_records(["input", "unit", "default", "valid range"], rows, notes, width))
    print("\nResults, in order (each may use the ones before; * the primary result):\n")
    rows = [[s.name + (" *" if s.name == model.primary else ""), s.unit, s.label] for s in model.steps]
    print(_records(["result", "unit", "meaning"], rows, [f"= {s.expr.to_text()}" for s in model.steps], width))
    if model.scenarios:
        print("\nNamed scenarios (--scenario NAME): " + "; ".join(
            f"{k} ({', '.join(f'{a}={fmt(b)}' for a, b in v.items())})" for k, v in model.scenarios.items()))
    for note in model.notes:
        print(textwrap.fill(f"note: {note}", width, subsequent_indent="    "))
    print("\nEvery model, with equations and uncertainty ranges: ictco2-xl models --markdown")


def cmd_models(args) -> int:
    from ..core.models import USER_MODELS, all_models, get_model
    from ..core.reference import models_markdown
    if args.check:
        return _check_models(args.check)
    if args.markdown:
        if args.model:
            raise UsageError("--markdown renders every model; leave out MODEL")
        text = models_markdown(all_models() if USER_MODELS else None)
        if args.out:
            target = output_paths([args.out], args.overwrite)[0]
            target.write_text(text, encoding="utf-8")
            print(f"wrote {target}")
        else:
            sys.stdout.write(text)
        return 0
    if args.out:
        raise UsageError("--out writes the Markdown reference: add --markdown")
    if args.model:
        show_model(get_model(args.model), factor_set(args.factor_set))
        return 0
    rows = []
    for m in all_models().values():
        for k, fn in enumerate(m.worksheet_functions()):
            first = k == 0
            rows.append([m.id if first else "", m.title if first else "", fn.name, fn.unit, m.section if first else ""])
    print(text_table(["model", "title", "worksheet function", "unit", "report section"], rows))
    print("\nInputs and results of one model: ictco2-xl models MODEL")
    return 0


def _factor_rows(entries):
    return [[f.key, f.model or "all", fmt(f.value), f.unit, f.year, f.status, f.source] for f in entries]


FACTOR_HEADERS = ["key", "model", "value", "unit", "year", "status", "source"]


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
    spec = args.file or args.factor_set
    fs = factor_set(spec)
    print(f"Factor set {fs.name!r}: {fs.description}".rstrip(": ") + "\n")
    if fs.base is None:
        print(text_table(FACTOR_HEADERS, _factor_rows(fs.entries())))
        return 0
    own = sorted(fs.factors.values(), key=lambda f: (f.key, f.model or ""))
    inherited = [f for f in fs.base.entries() if (f.key, f.model) not in fs.factors]
    applies = [f for f in inherited if fs.get(f.key, f.model) is f]
    replaced = [f for f in inherited if fs.get(f.key, f.model) is not f]
    print(f"Set by {spec}:\n")
    print(text_table(FACTOR_HEADERS, _factor_rows(own)))
    print(f"\nNot set there, so taken from {fs.base.name!r}:\n")
    print(text_table(FACTOR_HEADERS, _factor_rows(applies)) if applies else "(nothing: the file sets every factor)")
    if replaced:
        keys = sorted({f.key for f in replaced})
        print(f"\n{len(replaced)} model-specific row(s) of {fs.base.name!r} no longer apply: the file sets "
              f"{', '.join(keys)} for every model.")
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

    s = sub.add_parser("models", help="list the models; MODEL shows one model's inputs and results; --check "
                       "validates model files")
    s.add_argument("model", nargs="?", help="a model id or worksheet-function name: its inputs (unit, default, "
                   "valid range, source), results and equations")
    s.add_argument("--markdown", action="store_true", help="the full reference (equations, inputs, sources) as Markdown")
    s.add_argument("--check", action="append", metavar="PATH", help="validate model files (a .toml file or a "
                   "folder; repeatable) and print each model's reference; every problem is one line")
    s.add_argument("--out", help="write the Markdown to this file instead of stdout (with --markdown)")
    add_overwrite_option(s)
    add_factor_set_option(s, note="; for the defaults shown with MODEL")
    s.set_defaults(func=cmd_models)

    s = sub.add_parser("factors", help="show an emission-factor set with sources")
    add_factor_set_option(s, aliases=("--set",))
    s.add_argument("--file", help="a .toml or .csv factor file: what it sets and what falls back to its base set "
                   "(the same as --factor-set FILE)")
    s.set_defaults(func=cmd_factors)
