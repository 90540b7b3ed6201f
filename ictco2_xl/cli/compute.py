"""Commands that compute models in the terminal: ``run`` and ``evaluate``."""
from __future__ import annotations

import json
import sys

from ..core.errors import did_you_mean
from .common import (UsageError, add_factor_set_option, add_overwrite_option, factor_set, fmt, output_paths,
                     parse_assignments, text_table)

PASSED_THROUGH = ("scenario", "model", "factor_set")   # columns a scenario table may hold besides inputs
HEADER_ROW = 1   # spreadsheet row numbers: the header is row 1, the first scenario row 2 (as batch reports)


def cmd_run(args) -> int:
    from ..core.models import get_model
    model = get_model(args.model)
    fs = factor_set(args.factor_set)
    if args.scenario and args.scenario not in model.scenarios:
        raise UsageError(f"unknown scenario {args.scenario!r}{did_you_mean(args.scenario, model.scenarios)}; "
                         f"scenarios: {', '.join(model.scenarios) or 'none'}")
    values = dict(model.scenarios[args.scenario]) if args.scenario else {}
    values.update(parse_assignments(args.inputs))
    res = model.run(values, fs)
    frame = res.to_frame()
    if args.json:
        print(json.dumps(frame.to_dict(orient="records"), indent=2, ensure_ascii=False))
        return 0
    print(f"{model.title} — {model.section} (factor set: {res.factor_set.name})\n")
    columns = [f"scenario {i + 1}" for i in range(len(frame))] if len(frame) > 1 else ["value"]

    def rows(items):
        return [[x.name, *(fmt(v, x.unit) for v in frame[x.name].tolist()), x.unit, x.label] for x in items]
    print(text_table(["input", *columns, "unit", "meaning"], rows(model.inputs)) + "\n")
    print(text_table(["result", *columns, "unit", "meaning"], rows(model.steps)))
    for use in res.implied:
        print(f"\nnote: {use.name} = {fmt(use.value)} is not stated in the report ({use.note or use.source})")
    return 0


def cmd_evaluate(args) -> int:
    import pandas as pd

    from ..core.models import get_model
    model = get_model(args.model)
    fs = factor_set(args.factor_set)
    target = output_paths([args.out], args.overwrite)[0] if args.out else None
    frame = pd.read_csv(args.scenarios)
    frame.index = pd.RangeIndex(HEADER_ROW + 1, HEADER_ROW + 1 + len(frame))   # messages name spreadsheet rows
    names = [i.name for i in model.inputs]
    for column in frame.columns:
        hint = did_you_mean(column, names) if column not in (*names, *PASSED_THROUGH) else ""
        if hint:   # a misspelt input would silently take its default
            raise UsageError(f"column {column!r} is not an input of {model.id}{hint}")
    out = model.evaluate_frame(frame, fs, blank_as_default=True, extra="ignore")
    if target is not None:
        out.to_csv(target, index=False)
        print(f"wrote {len(out)} rows to {target}")
    else:
        sys.stdout.write(out.to_csv(index=False))
    return 0


def add_commands(sub) -> None:
    s = sub.add_parser("run", help="run one model: ictco2-xl run LOGISTICS_POTENTIAL target_year=2020 empty_rate_cut=0.3")
    s.add_argument("model", help="model id or worksheet-function name (ictco2-xl models lists them)")
    s.add_argument("inputs", nargs="*", help="NAME=VALUE (comma-separated values for several scenarios); "
                   "ictco2-xl models MODEL lists the inputs")
    add_factor_set_option(s)
    s.add_argument("--scenario", help="a named scenario of the model (e.g. national_2008, smart)")
    s.add_argument("--json", action="store_true", help="print every input and step as JSON records")
    s.set_defaults(func=cmd_run)

    s = sub.add_parser("evaluate", help="evaluate a CSV of scenarios (one column per input) in one pass")
    s.add_argument("scenarios", help="CSV file; blank cells and missing columns take the defaults")
    s.add_argument("--model", required=True, help="model id or worksheet-function name")
    add_factor_set_option(s)
    s.add_argument("--out", help="CSV file to write (default: stdout); its folder is created")
    add_overwrite_option(s)
    s.set_defaults(func=cmd_evaluate)
