"""The model reference (templates/MODELS.md), rendered from the definitions."""
from __future__ import annotations

from .assessment import ITEMS, MISSING, completeness, named, net_definition
from .definitions import Derived, Input, YearSeries
from .factors import get_factor_set
from .model import Model
from .models import MODELS


def default_text(inp: Input) -> str:
    if inp.factor:
        return f"factor `{inp.factor}`"
    if isinstance(inp.default, YearSeries):
        return inp.default.describe()
    if isinstance(inp.default, Derived):
        return f"= {inp.default.description}"
    return f"{inp.default:g}"


def _cell(text: str) -> str:
    return str(text).replace("|", "\\|").replace("\n", " ")


def uncertainty_markdown(m: Model) -> list[str]:
    """The input ranges of uncertainty and sensitivity runs, with the reason for each."""
    rows = [i for i in m.inputs if i.uncertainty is not None]
    if not rows:
        return ["", "Uncertainty: no input has a range; every input stays at its value in uncertainty runs."]
    out = ["", "Uncertainty ranges (`ictco2-xl uncertainty`, `ictco2-xl sensitivity`; inputs not listed stay at "
           "their values):", "", "| input | range | why |", "|---|---|---|"]
    for i in rows:
        out.append(f"| `{i.name}` | {_cell(i.uncertainty.describe())} | {_cell(i.uncertainty.reason)} |")
    return out


_STATUS = {"present": "stated", "derived": "derived from the report's figures", "missing": "**missing**"}


def assessment_markdown(m: Model) -> list[str]:
    """The model's ITU-T L.1480 / WBCSD assessment record, item by item, and how its net effect follows."""
    rec = m.assessment
    if rec is None:
        return ["", "Assessment record: none."]
    status = completeness(m)
    out = ["", f"Assessment record (ITU-T L.1480 / WBCSD; {_cell(rec.source) or 'no source given'}):", "",
           "| item | record | status |", "|---|---|---|"]
    for item in ITEMS:
        value = rec.get(item.key)
        name = named(m, item.key) if item.key in ("first_order", "higher_order") else None
        if name:
            note = rec.get(f"{item.key}_note")
            value = f"`{name}`" + (f" ({note})" if note else "")
        out.append(f"| {item.label} | {_cell(value) or '—'} | {_STATUS[status[item.key]]} |")
    nd = net_definition(m)
    net = f"`net = {nd.expression.to_text()}`" if nd.expression is not None else (
        "not stated (the own footprint is not quantified)" if status["first_order"] == MISSING
        else "not applicable (the result is not in the footprint's unit)")
    keyed = [i for i in m.inputs if i.data_quality]
    out += ["", f"Net effect: {net}."]
    if keyed:
        out += ["", "Data quality by input: " + "; ".join(f"`{i.name}`: {_cell(i.data_quality)}" for i in keyed) + "."]
    return out


def model_markdown(m: Model) -> str:
    out = [f"## `{m.id}` — {m.title}", "", m.description, "",
           f"- Report section: {m.section}", f"- Kind: {m.kind}"]
    for fn in m.worksheet_functions():
        args = ", ".join(a.name for a in fn.args)
        out.append(f"- Worksheet function: `={fn.name}({args}{', ' if args else ''}factor_set)` → `{fn.output}` "
                   f"[{fn.unit}]")
    out += ["", "| input | meaning | 中文 | unit | default | valid range | provenance | source |",
            "|---|---|---|---|---|---|---|---|"]
    for i in m.inputs:
        prov = i.provenance if not i.factor else "factor set"
        note = f" {i.note}" if i.note else ""
        out.append(f"| `{i.name}` | {_cell(i.label)} | {_cell(i.label_zh)} | {_cell(i.unit)} | {_cell(default_text(i))} | "
                   f"{_cell(i.bounds.rule().removeprefix('must be '))}{' (whole number)' if i.integer else ''} | "
                   f"{prov} | {_cell(i.source + note)} |")
    out += uncertainty_markdown(m)
    out += ["", "Equations (in order; each result can be used by later ones):", "", "```"]
    width = max(len(s.name) for s in m.steps)
    for s in m.steps:
        out.append(f"{s.name.ljust(width)} = {s.expr.to_text()}    [{s.unit}]")
    out += ["```", ""]
    out += ["| result | meaning | 中文 | unit |", "|---|---|---|---|"]
    for s in m.steps:
        if s.name in m.results:
            out.append(f"| `{s.name}` | {_cell(s.label)} | {_cell(s.label_zh)} | {_cell(s.unit)} |")
    for d in m.data:
        out += ["", f"Data table `{d.name}` ({d.y_label}, {d.unit}; {d.source}):", "",
                "| " + " | ".join(str(x) for x in d.x) + " |", "|" + "---|" * len(d.x),
                "| " + " | ".join(f"{y:g}" for y in d.y) + " |"]
        if d.note:
            out += ["", d.note]
    if m.scenarios:
        out += ["", "Scenarios: " + "; ".join(f"`{k}` ({', '.join(f'{a}={b:g}' for a, b in v.items())})"
                                          for k, v in m.scenarios.items())]
    if m.notes:
        out += ["", "Notes:", ""] + [f"- {n}" for n in m.notes]
    out += assessment_markdown(m)
    return "\n".join(out) + "\n"


def factors_markdown() -> str:
    out = ["## Emission-factor sets", "",
           "`report` holds the factors the report uses; entries with a model apply to that model only (the "
           "report's arithmetic uses different values in different tables). `current` holds newer factors. "
           "Load your own with `ictco2_xl.load_factor_set(path)` (TOML or CSV; missing keys fall back to `report`).", ""]
    for name in ("report", "current"):
        fs = get_factor_set(name)
        out += [f"### `{name}` — {fs.description}", "", "| key | model | value | unit | year | status | source |",
                "|---|---|---|---|---|---|---|"]
        for f in fs.entries():
            note = f" {f.note}" if f.note else ""
            out.append(f"| `{f.key}` | {f.model or 'all'} | {f.value:g} | {f.unit} | {f.year} | {f.status} | "
                       f"{_cell(f.source + note)} |")
        out.append("")
    return "\n".join(out)


def models_markdown(models=None) -> str:
    """The reference of ``models`` (default: the report's) and the factor sets."""
    models = MODELS if models is None else models
    head = ["# ictco2_xl model reference", "",
            "Generated from the model definitions by `ictco2-xl models --markdown`; do not edit by hand "
            "(a test checks it is current).", "",
            "Results are tonnes of CO2 (per year for annual flows) unless the unit says otherwise. Report: WWF / "
            "China Mobile, 2010, low-carbon ICT in China (Chongqing 2008 case and national potentials).", "",
            "Uncertainty ranges: the report's value is the peak of a triangular range whose width says how soft the "
            "value is (×0.9–×1.1 means 10% either side of the value in use, for any year and factor set); ranges "
            "are clipped to the valid range. Operator records and case selectors (counts, revenues, metered "
            "traffic, the year) stay fixed.", "",
            "| model | worksheet function | title | section |", "|---|---|---|---|"]
    for m in models.values():
        head.append(f"| `{m.id}` | `{m.function}` | {_cell(m.title)} | {_cell(m.section)} |")
    body = [model_markdown(m) for m in models.values()]
    return "\n".join(head) + "\n\n" + "\n".join(body) + "\n" + factors_markdown()


# -- README findings ---------------------------------------------------------------------------------
FINDINGS_START = "<!-- findings:start (generated by `ictco2-xl reconcile --readme README.md`; do not edit) -->"
FINDINGS_END = "<!-- findings:end -->"


def _mechanism_groups(rows, figures) -> list[tuple[str, str, list[str]]]:
    """(kind, arithmetic, figure ids): one entry per distinct slip, the figures it explains."""
    groups: dict[tuple[str, str], tuple[str, list[str]]] = {}
    for r in rows:
        slip = figures[r.figure_id].slip
        if r.status != "report_inconsistent" or slip is None:
            continue
        why = slip.arithmetic.rsplit(": ", 1)[-1] if ": " in slip.arithmetic else slip.arithmetic
        groups.setdefault((slip.kind, why), (slip.arithmetic, []))[1].append(r.figure_id)
    return [(kind, text, ids) for (kind, _), (text, ids) in groups.items()]


def findings_markdown() -> str:
    """The README's findings section, generated from the reconciliation and the restatement."""
    from .analysis.reconciliation import (COMPARISONS, FIGURES, STATUS_MEANING, STATUSES, reconcile, summary,
                                          summary_by_source)
    from .analysis.restatement import restate
    rows = reconcile()
    figures = {f.figure_id: f for f in FIGURES}
    counts, parts = summary(rows), summary_by_source(rows)
    out = [FINDINGS_START, "",
           f"`ictco2-xl reconcile` recomputes {len(rows)} figures the report prints (its summary, chapters 2, 4 and 5 "
           "and the appendix tables) and classifies each; `--csv` gives every note.", "",
           "| part of the report | " + " | ".join(STATUSES) + " | total |", "|---|" + "---|" * (len(STATUSES) + 1)]
    for part, c in parts.items():
        out.append(f"| {part} | " + " | ".join(str(c[s]) for s in STATUSES) + f" | {sum(c.values())} |")
    out.append("| **all** | " + " | ".join(f"**{counts[s]}**" for s in STATUSES) + f" | **{len(rows)}** |")
    out += [""] + [f"- `{s}`: {STATUS_MEANING[s]}." for s in STATUSES]
    out += ["", "One rounding rule decides every comparison (`COMPARISONS` in `ictco2_xl/core/reconciliation.py`):", ""]
    out += [f"- `{name}`: {text}." for name, text in COMPARISONS.items()]
    out += ["", "Where the report contradicts its own stated values, the single slip that reproduces the printed "
            "number exactly:", ""]
    for kind, text, ids in _mechanism_groups(rows, figures):
        out.append(f"- {kind}: {text} ({', '.join(ids)})")
    none = [r.figure_id for r in rows if r.status == "report_inconsistent" and figures[r.figure_id].slip is None]
    out += ["", f"No single slip reproduces {len(none)} inconsistent figures: {', '.join(none)}."]
    implied: dict[str, list[str]] = {}
    for r in rows:
        for name in r.implied if r.status == "implied_parameter" else ():
            implied.setdefault(name, []).append(r.figure_id)
    out += ["", "What the implied_parameter figures need that the report does not state (number of figures):", ""]
    out += [f"- {name}: {len(ids)}" for name, ids in sorted(implied.items(), key=lambda kv: (-len(kv[1]), kv[0]))]
    head = restate("current").set_index("case").loc["headline.2030"]
    out += ["", f"The 2030 headline the summary prints is {head.report_printed / 1e8:.2f}亿 t; its stated inputs give "
            f"{head.report_factors / 1e8:.2f}亿 t, and with the `current` factors (China grid 2023, IPCC fuels) "
            f"{head.restated / 1e8:.2f}亿 t ({head.change_pct:+.1f}%; `ictco2-xl restate`). {head.factor_note[0].upper()}"
            f"{head.factor_note[1:]}.", "", FINDINGS_END]
    return "\n".join(out) + "\n"


def replace_findings(text: str) -> str:
    """``text`` (a README) with its findings block regenerated; the markers must be there."""
    start, end = text.find(FINDINGS_START.split(" (")[0]), text.find(FINDINGS_END)
    if start < 0 or end < start:
        raise ValueError(f"the README has no findings block: add {FINDINGS_START!r} ... {FINDINGS_END!r}")
    return text[:start] + findings_markdown() + text[end + len(FINDINGS_END):].lstrip("\n")
