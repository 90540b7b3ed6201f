"""Commands that compute models in the terminal: ``run`` and ``evaluate``."""
from __future__ import annotations

import json
import sys
from pathlib import Path

from .common import UsageError, fmt, parse_assignments, text_table


def cmd_run(args) -> int:
    from ..core.models import get_model
    model = get_model(args.model)
    if args.scenario and args.scenario not in model.scenarios:
        raise UsageError(f"unknown scenario {args.scenario!r}; scenarios: {', '.join(model.scenarios) or 'none'}")
    values = dict(model.scenarios[args.scenario]) if args.scenario else {}
    values.update(parse_assignments(args.inputs))
    res = model.run(values, args.factor_set)
    frame = res.to_frame()
    if args.json:
        print(json.dumps(frame.to_dict(orient="records"), indent=2, ensure_ascii=False))
        return 0
    print(f"{model.title} — {model.section} (factor set: {res.factor_set.name})\n")
    if len(frame) == 1:
        rows = [[i.name, fmt(float(frame[i.name].iloc[0])), i.unit, i.label] for i in model.inputs]
        print(text_table(["input", "value", "unit", "meaning"], rows) + "\n")
        rows = [[s.name, fmt(float(frame[s.name].iloc[0])), s.unit, s.label] for s in model.steps]
        print(text_table(["result", "value", "unit", "meaning"], rows))
    else:
        print(frame.to_string())
    for use in res.implied:
        print(f"\nnote: {use.name} = {use.value:g} is not stated in the report ({use.note or use.source})")
    return 0


def cmd_evaluate(args) -> int:
    import pandas as pd

    from ..core.models import get_model
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


def add_commands(sub) -> None:
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
