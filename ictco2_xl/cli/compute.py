"""Commands that compute models in the terminal: ``run`` and ``evaluate``."""
from __future__ import annotations

import io
import itertools
import json
import sys
from pathlib import Path

import numpy as np

from ..core.errors import did_you_mean

from .common import (UsageError, add_encoding_option, add_factor_set_option, add_overwrite_option, encoding_for,
                     factor_set, fmt, parse_assignments, text_table)


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
    _explain_non_finite(model, frame, res.factor_set)
    return 0


def _explain_non_finite(model, frame, factor_set) -> None:
    """For each scenario with a result that has no finite value: why, in terms of the inputs (core/nonfinite)."""
    import numpy as np

    from ..core.nonfinite import explain, failures
    steps = [s.name for s in model.steps]
    for k, row in enumerate(frame.itertuples(index=False)):
        values = row._asdict()
        if all(np.isfinite(values[s]) for s in steps):
            continue
        inputs = {i.name: float(values[i.name]) for i in model.inputs}
        found = failures(model, inputs, factor_set)
        where = f" (scenario {k + 1})" if len(frame) > 1 else ""
        for step, f in found.items():
            if f.root == step:
                print(f"\nnote{where}: {explain(model, inputs, factor_set, step)}")


def cmd_evaluate(args) -> int:
    from ..files import atomic_output, prepare_folder, reason
    from ..tables import evaluate_table
    columns, records = evaluate_table(args.scenarios, args.model, args.factor_set)
    counts = {"rows": 0, "failed": 0}
    if args.out:
        target = Path(args.out)
        if target.is_dir():
            raise UsageError(f"--out {target} is a folder; give a file name")
        prepare_folder(target.parent)
        try:
            with atomic_output(target, args.overwrite) as fh:
                text = io.TextIOWrapper(fh, encoding=encoding_for(fh, args.encoding), newline="")
                _write_records(text, columns, records, counts, "\r\n")
                text.detach()
        except FileExistsError:
            raise UsageError(f"{target} exists; pass --overwrite to replace it") from None
        except OSError as exc:   # nothing is left behind: the rows went to a temporary file
            raise UsageError(f"cannot write {target}: {reason(exc)}") from None
        print(f"wrote {counts['rows']} rows to {target}" + (f" ({counts['failed']} failed)" if counts["failed"] else ""))
    else:
        out = sys.stdout
        buffer = getattr(out, "buffer", None)
        text = out if buffer is None else io.TextIOWrapper(buffer, encoding=encoding_for(out, args.encoding),
                                                           newline="", write_through=True)
        out.flush()
        _write_records(text, columns, records, counts, "\n")
        if buffer is not None:
            text.flush()
            text.detach()
    return 1 if counts["failed"] else 0


def _write_records(fh, columns, records, counts, lineterminator, batch: int = 2000) -> None:
    """Records as CSV, a batch at a time, formatted column by column; errors also to stderr."""
    from ..core.csvio import write_columns
    header = columns
    while True:
        part = list(itertools.islice(records, batch))
        if not part and header is None:
            return
        for rec in part:
            if rec["status"] == "error":
                counts["failed"] += 1
                print(f"error: {rec['message']}", file=sys.stderr)
        counts["rows"] += len(part)
        cols = []
        for c in columns:
            values = [rec.get(c, "") for rec in part]
            floats = all(type(v) is float for v in values)
            cols.append(np.array(values, dtype=float) if floats and values else np.array(values, dtype=object))
        write_columns(fh, header, cols, lineterminator=lineterminator)
        header = None
        if not part:
            return


def add_commands(sub) -> None:
    s = sub.add_parser("run", help="run one model: ictco2-xl run LOGISTICS_POTENTIAL target_year=2020 empty_rate_cut=0.3")
    s.add_argument("model", help="model id or worksheet-function name (ictco2-xl models lists them)")
    s.add_argument("inputs", nargs="*", help="NAME=VALUE (comma-separated values for several scenarios); "
                   "ictco2-xl models MODEL lists the inputs")
    add_factor_set_option(s)
    s.add_argument("--scenario", help="a named scenario of the model (e.g. national_2008, smart)")
    s.add_argument("--json", action="store_true", help="print every input and step as JSON records")
    s.set_defaults(func=cmd_run)

    s = sub.add_parser("evaluate", help="compute a scenario table (CSV or XLSX, as batch reads it) into a CSV")
    s.add_argument("scenarios", help="CSV, tab-separated .txt or XLSX: one column per input (blank cells and missing "
                   "columns take the defaults); optional 'scenario', 'model' and 'factor_set' columns")
    s.add_argument("--model", help="model for rows without a 'model' column")
    add_factor_set_option(s, note=", for rows without a 'factor_set' column")
    s.add_argument("--out", help="CSV file to write (default: stdout); its folder is created")
    add_overwrite_option(s)
    add_encoding_option(s)
    s.set_defaults(func=cmd_evaluate)
