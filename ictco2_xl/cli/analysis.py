"""Command-line subcommands beyond the report: ``uncertainty``, ``sensitivity``, ``restate``, ``report``.

Registered on the ``ictco2-xl`` parser by :func:`add_commands`; the logic lives in the core
(``core.analysis``) and the workbook adapters
(``workbook.charts``, ``workbook.reports``). Output files are never overwritten without ``--overwrite``.
"""
from __future__ import annotations

import sys
from pathlib import Path

from ..core.definitions import triangular, uniform
from ..core.errors import DefinitionError
from ..core.csvio import frame_rows
from ..core.numbers import parse_number
from .common import (UsageError, add_encoding_option, add_factor_set_option, add_overwrite_option, assignment_names,
                     factor_set, fmt, output_paths, parse_assignments, progress_bar, text_table, write_csv_stdout)


def _num(value) -> str:
    """A number for a table cell; blank-ish for a missing one (NaN, None)."""
    return "-" if value is None or value != value else fmt(value)


def _parse_ranges(pairs) -> dict:
    """NAME=VALUE fixes an input; NAME=LOW:HIGH draws it uniformly; NAME=LOW:PEAK:HIGH triangularly."""
    assignment_names(pairs)
    fixed = [p for p in pairs if ":" not in p.partition("=")[2]]
    out = parse_assignments(fixed)
    for name, value in out.items():
        if isinstance(value, list):
            raise UsageError(f"{name}: an uncertainty run takes one value per input, got {len(value)}")
    for pair in pairs:
        name, _, text = pair.partition("=")
        if ":" not in text:
            continue
        nums = []
        for part in text.split(":"):
            try:   # the number parser of tables and NAME=VALUE: '2_020', 'nan' and 'inf' are refused alike
                nums.append(parse_number(part))
            except ValueError as exc:
                raise UsageError(f"{name.strip()}: a range is LOW:HIGH or LOW:PEAK:HIGH numbers, got {text!r} "
                                 f"({part!r} {exc})") from None
        why = "given on the command line"
        try:
            if len(nums) == 2:
                out[name.strip()] = uniform(nums[0], nums[1], why)
            elif len(nums) == 3:
                out[name.strip()] = triangular(nums[0], nums[2], mode=nums[1], reason=why)
            else:
                raise UsageError(f"{name}: a range is LOW:HIGH or LOW:PEAK:HIGH, got {text!r}")
        except DefinitionError as exc:
            raise UsageError(f"{name.strip()}: {exc}") from None
    return out


def cmd_uncertainty(args) -> int:
    from ..core.analysis import uncertainty
    from ..core.models import all_models, get_model
    fs = factor_set(args.factor_set)
    if args.draws < 1:
        raise UsageError(f"--draws must be at least 1, got {args.draws}")
    if args.model is None:
        if args.inputs:
            raise UsageError("input settings need a MODEL")
        models = all_models()
        bar = progress_bar(len(models), "models", "model")
        results = []
        try:
            for m in models.values():   # one vectorised run per model: the bar advances per model
                results.append(uncertainty.run(m, args.draws, args.seed, factor_set=fs))
                bar.update(1)
        finally:
            bar.close()
    else:
        model = get_model(args.model)
        overrides = _parse_ranges(args.inputs)
        if args.ranges:
            frame = uncertainty.ranges(model, overrides, fs)
            print(text_table(["input", "value", "distribution", "low", "peak", "high", "unit"],
                         [[r.input, fmt(r.value, r.unit), r.distribution, fmt(r.low, r.unit), fmt(r.peak, r.unit),
                           fmt(r.high, r.unit), r.unit] for r in frame.itertuples()]) + "\n")
        results = [uncertainty.run(model, args.draws, args.seed, overrides, factor_set=fs, output=args.output)]
    rows = [r.summary() for r in results]
    if args.csv:
        write_csv_stdout(list(rows[0]), (list(r.values()) for r in rows), args.encoding)
        return 0
    print(f"Uncertainty over the documented input ranges ({args.draws:,} draws, seed {args.seed}, "
          f"factor set {results[0].factor_set.name})\n")
    print(text_table(["model", "result", "deterministic", "P5", "P50", "P95", "mean", "unit"],
                 [[r["model"], r["output"], fmt(r["deterministic"]), fmt(r["p5"]), fmt(r["p50"]), fmt(r["p95"]),
                   fmt(r["mean"]), r["unit"]] for r in rows]))
    return 0


def cmd_sensitivity(args) -> int:
    from ..core.analysis.sensitivity import sensitivity
    from ..core.models import get_model
    targets = output_paths([args.png], args.overwrite) if args.png else []
    sens = sensitivity(get_model(args.model), _parse_ranges(args.inputs), factor_set=factor_set(args.factor_set),
                       output=args.output, top=args.top)
    if args.csv:
        write_csv_stdout(*frame_rows(sens.table), args.encoding)
    else:
        print(f"{sens.model.title}: {sens.output} = {fmt(sens.base)} {sens.unit} (factor set {sens.factor_set})")
        print("one input at a time over its range, largest swing first\n")
        print(text_table(["rank", "input", "low", "high", "result at low", "result at high", "swing", "swing %"],
                     [[r.rank, r.input, fmt(r.low), fmt(r.high), fmt(r.result_low), fmt(r.result_high),
                       fmt(r.swing), f"{r.swing_pct:.1f}"] for r in sens.table.itertuples()]))
    if targets:
        from ..workbook.charts import tornado_png
        tornado_png(sens, targets[0])
        print(f"\nwrote {targets[0]} ({len(sens.table)} bars)", file=sys.stderr if args.csv else sys.stdout)
    return 0


def cmd_restate(args) -> int:
    from ..core.analysis.restatement import restate
    targets = output_paths([args.xlsx], args.overwrite) if args.xlsx else []
    fs = factor_set(args.factor_set)
    table = restate(fs)
    if targets:
        from ..workbook.reports import restatement_workbook
        restatement_workbook(table, targets[0], fs)
    if args.csv:
        write_csv_stdout(*frame_rows(table), args.encoding, float_format="%.10g")
    else:
        print(f"Every report case recomputed with factor set {fs.name!r}, next to the report's figures\n")
        def pct(r):
            if r.change_pct == r.change_pct:
                return f"{r.change_pct:+.1f}"
            return "factor-independent" if r.factor_note.startswith("factor-independent") else "-"
        print(text_table(["case", "report printed", "report factors", f"{fs.name}", "change", "change %", "unit"],
                     [[r.case, fmt(r.report_printed), fmt(r.report_factors), fmt(r.restated), fmt(r.change),
                       pct(r), r.unit] for r in table.itertuples()]))
        notes = [r for r in table.itertuples() if r.factor_note and not r.factor_note.startswith("unchanged")]
        if notes:
            print("\nCases the factor set cannot (fully) reach:\n")
            for r in notes:
                print(f"{r.case}: {r.factor_note}")
        print("\nchange = restated - recomputed with the report's factors. Inputs behind each change: "
              "ictco2-xl restate --csv")
    if targets:
        print(f"wrote {targets[0]}", file=sys.stderr if args.csv else sys.stdout)
    return 0


def cmd_report(args) -> int:
    from ..core.analysis.net import net_report, to_markdown
    from ..workbook.reports import _openpyxl, net_workbook
    _openpyxl()  # fail before writing anything if the workbook cannot be written
    fs = factor_set(args.factor_set)
    stem = Path(args.out)
    if stem.suffix.lower() in (".md", ".xlsx"):   # --out rep.xlsx means rep.md and rep.xlsx, not rep.xlsx.md
        stem = stem.with_suffix("")
    md, xlsx = output_paths([stem.with_name(stem.name + ".md"), stem.with_name(stem.name + ".xlsx")], args.overwrite)
    report = net_report(fs, args.draws or None, args.seed)
    md.write_text(to_markdown(report), encoding="utf-8")
    net_workbook(report, xlsx)
    print(f"wrote {md} and {xlsx}: {len(report.table)} solution cases, {len(report.effects)} effects not quantified")
    return 0


def add_commands(sub) -> None:
    """Register the subcommands on the ``ictco2-xl`` subparsers."""
    ranges = "NAME=VALUE fixes an input; NAME=LOW:HIGH draws it uniformly; NAME=LOW:PEAK:HIGH triangularly"

    s = sub.add_parser("uncertainty", help="P5/P50/P95 of a model (or of every model) over its documented input ranges")
    s.add_argument("model", nargs="?", help="model id or worksheet-function name (default: every model)")
    s.add_argument("inputs", nargs="*", help=ranges)
    s.add_argument("--draws", type=int, default=10_000, help="Latin-hypercube draws per model (default 10,000)")
    s.add_argument("--seed", type=int, default=0, help="random seed: the same seed gives the same sample (default 0)")
    add_factor_set_option(s)
    s.add_argument("--output", help="the result to summarise (a step name; default: the primary result)")
    s.add_argument("--ranges", action="store_true", help="also show the range of every drawn input")
    s.add_argument("--csv", action="store_true", help="the summary as CSV on stdout")
    add_encoding_option(s)
    s.set_defaults(func=cmd_uncertainty)

    s = sub.add_parser("sensitivity", help="one-at-a-time swing of each input over its range; tornado chart")
    s.add_argument("model", help="model id or worksheet-function name")
    s.add_argument("inputs", nargs="*", help=ranges)
    add_factor_set_option(s)
    s.add_argument("--output", help="the result to swing (a step name; default: the primary result)")
    s.add_argument("--top", type=int, help="only the N largest swings")
    s.add_argument("--png", help="write the tornado chart to this PNG file (needs matplotlib); its folder is created")
    add_overwrite_option(s)
    s.add_argument("--csv", action="store_true", help="the ranked table as CSV")
    add_encoding_option(s)
    s.set_defaults(func=cmd_sensitivity)

    s = sub.add_parser("restate", help="every report case recomputed with another factor set, side by side")
    add_factor_set_option(s, "current", aliases=("--factors",), note="; the set to restate with")
    s.add_argument("--csv", action="store_true", help="the table as CSV on stdout, with the inputs behind each change")
    s.add_argument("--xlsx", help="also write the table with a bar chart to this workbook (needs openpyxl)")
    add_overwrite_option(s)
    add_encoding_option(s)
    s.set_defaults(func=cmd_restate)

    s = sub.add_parser("report", help="net effects per solution (ITU-T L.1480 style) as Markdown and XLSX")
    s.add_argument("--out", default="ictco2_net_report", help="file name; .md and .xlsx are written (an .md or "
                   ".xlsx ending is dropped first; folders are created; default: ictco2_net_report)")
    add_factor_set_option(s)
    s.add_argument("--draws", type=int, default=10_000, help="draws for the P5-P95 columns (0: none)")
    s.add_argument("--seed", type=int, default=0, help="random seed for the P5-P95 columns (default 0)")
    add_overwrite_option(s)
    s.set_defaults(func=cmd_report)
