"""Restatement: every case the report computes, recomputed with another factor set, side by side with
the report's printed figure and the same case under the report's own factors.

The change (absolute and percent) compares the restated value with the report-factor recomputation,
so it isolates the effect of the factors; the printed figure is shown for reference (where the report
contradicts its own inputs, the reconciliation says why). Roll-up cases follow through: E1, E3 and
China Mobile's total are recomputed from the restated appendix models, and the potentials built on a
pilot or a sub-result (street lights, generators, the buildings of teleworking) from the models that
produce them. A published CO2 figure printed without the activity data behind it (the CO2 per car, a
hardware emission, a back-solved CO2 per yuan) cannot follow a factor set: ``factor_note`` names it, and a
case that rests only on such figures is "factor-independent" instead of showing +0.0%.
"""
from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from ..definitions import Derived
from ..factors import FactorSet, get_factor_set
from ..models import MODELS, USER_MODELS, get_model
from .reconciliation import FIGURES

#: Printed units of the reconciliation figures -> multiplier to the model's unit.
_UNIT_SCALE = {"t CO2": 1.0, "kg CO2": 1e-3, "10^4 t CO2": 1e4, "10^8 t CO2": 1e8, "1": 1.0, "10^4 lamps": 1.0}

COLUMNS = ["case", "model", "function", "description", "output", "unit", "report_printed", "report_factors",
           "restated", "change", "change_pct", "factor_note", "factors_changed", "figure_id"]


@dataclass(frozen=True)
class Case:
    """One report case: a model output at given inputs, and the figure where the report prints it."""

    case: str
    model: str
    description: str
    inputs: dict = field(default_factory=dict)
    output: str | None = None          # a step, or an input (e.g. a derived E1); default the primary result
    figure_id: str | None = None       # reconciliation figure with the printed value


def _appendix_cases() -> list[Case]:
    # The kg figures of Tables 4-2 to 4-4 carry the most digits the report prints for each solution.
    figure = {"fleet_management": "4-2.fleet", "self_service": "4-2.self_service", "einvoice": "4-2.einvoice",
              "streetlight": "4-2.streetlight", "urban_management": "4-2.urban", "music_download": "4-3.music",
              "mobile_newspaper": "4-3.newspaper", "newsletter": "4-3.newsletter", "mms_card": "4-3.mms_card",
              "mms_flyer": "4-3.mms_flyer", "rural_egov": "4-4.rural", "mobile_payment": "4-4.payment",
              "sim_card": "4-4.sim_card", "genset_monitoring": "4-4.genset"}
    return [Case(f"{mid}", mid, f"{MODELS[mid].title}, Chongqing 2008", figure_id=f"{fid}.reduction")
            for mid, fid in figure.items()]


_YEARS = (2010, 2020, 2030)


def _cases() -> list[Case]:
    out = _appendix_cases()
    out += [
        Case("e1", "portfolio", "E1: the fourteen solutions, Chongqing 2008", output="e1_t", figure_id="T4-1.total"),
        Case("e2", "portfolio", "E2: China Mobile Chongqing's other services", output="e2_t", figure_id="4-3.e2"),
        Case("e3", "portfolio", "E3 = E1 + E2, Chongqing 2008", output="e3_t", figure_id="4-3.e3"),
        Case("enablement", "enablement", "Pooled enablement factor of the solutions with an own emission",
             figure_id="4-4.average_factor"),
        Case("china_mobile", "china_mobile", "China Mobile nationwide 2008", figure_id="4-5.china_mobile"),
        Case("china_mobile_2009", "china_mobile", "China Mobile 2009 estimate", output="china_mobile_2009_t",
             figure_id="S.china_mobile_2009"),
        Case("china_mobile_own_ratio", "china_mobile", "China Mobile: reduction / own emission",
             output="own_emission_ratio", figure_id="S.own_ratio"),
        Case("wireless_industry", "wireless_industry", "China's wireless industry 2008", figure_id="4-5.wireless"),
    ]
    out += [Case(f"logistics_baseline.{y}", "logistics_baseline", f"Road-logistics CO2 {y}", {"target_year": y},
                 figure_id=f"T5-1.{y}.co2") for y in (2008, *_YEARS)]
    for cut in (0.1, 0.3, 0.5):
        out += [Case(f"logistics_potential.{y}.cut{int(cut * 100)}", "logistics_potential",
                     f"Smart-logistics potential {y}, empty running -{cut:.0%}", {"target_year": y, "empty_rate_cut": cut},
                     figure_id=f"T5-2.{y}.cut{int(cut * 100)}") for y in _YEARS]
    out += [Case("disc_trend.2020", "disc_trend", "CO2 of video discs 2020 (online-media potential)",
                 {"target_year": 2020}, figure_id="5-2-1-2.co2_2020")]
    out += [Case(f"dematerialisation.{y}", "dematerialisation", f"Dematerialisation potential {y}", {"target_year": y},
                 figure_id=f"S.dematerialisation.{y}") for y in _YEARS]
    out += [Case(f"epaper.{y}", "epaper", f"Electronic-paper potential {y}", {"target_year": y},
                 figure_id=f"5-2-2-2.epaper_{y}") for y in (2020, 2030)]
    out += [Case("building_emissions", "building_emissions", "Office-building CO2 2010-2030 (§5.3.1)",
                 figure_id="5-3-1.office_building")]
    out += [Case(f"telework.{y}", "telework", f"Teleworking potential {y}", {"target_year": y},
                 figure_id=f"S.telework.{y}") for y in _YEARS]
    out += [Case("aviation_history.2006", "aviation_history", "Civil-aviation passenger CO2 2006", {"target_year": 2006},
                 figure_id="T5-6.2006.co2")]
    out += [Case(f"videoconf.{y}", "videoconf", f"Video-conferencing potential {y}", {"target_year": y},
                 figure_id=f"T5-5.{y}.reduction") for y in _YEARS]
    out += [Case("streetlight_trend.2030", "streetlight_trend", "Street lights in China 2030 (trend)", {"target_year": 2030},
                 figure_id="T5-8.2030")]
    for share in (0.5, 0.7, 0.9):
        out += [Case(f"streetlight_potential.{y}.a{int(share * 100)}", "streetlight_potential",
                     f"Street-light potential {y}, {share:.0%} of lamps controlled",
                     {"target_year": y, "adoption_rate": share}, figure_id=f"T5-9.{y}.a{int(share * 100)}.potential")
                for y in _YEARS]
    out += [
        Case("genset_potential", "genset_potential", "Diesel-generator monitoring, all base stations",
             figure_id="5-4-3.genset"),
        Case("sim_payment_potential", "sim_payment_potential", "SIM payment, 5% of retail sales",
             figure_id="4-2-4.sim_payment"),
        Case("banknote_production", "banknote_production", "CO2 of printing a year's bank notes",
             figure_id="4-2-4.banknotes"),
    ]
    out += [Case(f"headline.{y}", "headline", f"Headline potential {y} (Figure 0-1)", {"target_year": y},
                 figure_id="S.total_2030" if y == 2030 else None) for y in _YEARS]
    return out


CASES: list[Case] = _cases()


def user_cases() -> list[Case]:
    """One case per loaded user model: its defaults (the report prints no figure for it)."""
    return [Case(m.id, m.id, f"{m.title} (user model, {m.section})") for m in USER_MODELS.values()]
_FIGURES = {f.figure_id: f for f in FIGURES}


def printed_value(case: Case) -> float:
    """The report's printed figure for a case, in the model's unit (NaN where it prints none)."""
    if case.figure_id is None:
        return float("nan")
    fig = _FIGURES[case.figure_id]
    return float(fig.report_value) * _UNIT_SCALE[fig.unit]


def _value(res, name: str) -> float:
    return float(res[name] if name in res else res.inputs[name])


def _unit(model, name: str) -> str:
    names = {s.name for s in model.steps}
    return model.step(name).unit if name in names else model.input(name).unit


def _changed(model, output: str, before, after) -> str:
    """Inputs behind ``output`` whose values differ between the two runs (factors, derived totals)."""
    if output not in {s.name for s in model.steps}:  # a derived input such as E1: say what it sums
        default = model.input(output).default
        return f"recomputed: {getattr(default, 'description', output)}"
    deps = model.dependencies(output)
    parts = []
    for inp in model.inputs:
        if inp.name not in deps:
            continue
        a, b = _value(before, inp.name), _value(after, inp.name)
        if a != b:
            parts.append(f"{inp.name} {a:.4g}->{b:.4g}")
    return "; ".join(parts)


def fixed_results(model, output: str, run) -> list:
    """Inputs behind ``output`` that are published CO2 figures without the activity data a factor set would
    apply to (the CO2 per car, a hardware emission, a CO2 per yuan back-solved from a result); zeros aside."""
    if output not in {s.name for s in model.steps}:
        return []
    deps = model.dependencies(output)
    return [i for i in model.inputs if i.name in deps and i.factor is None and not isinstance(i.default, Derived)
            and "CO2" in i.unit and np.any(np.asarray(run.inputs[i.name]) != 0)]


def _factor_keys(model, output: str) -> set[str]:
    """Factor keys behind an output; ``derived`` where a derived default (E1, a pilot) brings factors in."""
    if output not in {s.name for s in model.steps}:
        return {"derived"} if isinstance(model.input(output).default, Derived) else set()
    deps = model.dependencies(output)
    keys = {i.factor for i in model.inputs if i.name in deps and i.factor}
    if any(isinstance(i.default, Derived) for i in model.inputs if i.name in deps):
        keys.add("derived")
    return keys


def factor_note(model, output: str, changed: bool, before) -> str:
    """Why a case does not (fully) follow the factor set, or ''."""
    fixed = fixed_results(model, output, before)
    printed = ", ".join(f"{i.name} ({float(np.ravel(before.inputs[i.name])[0]):.4g} {i.unit})" for i in fixed)
    printed = f"{printed} {'is' if len(fixed) == 1 else 'are'} printed without the activity data a factor would " \
              "apply to" if fixed else ""
    keys = _factor_keys(model, output)
    if changed:
        return f"partly factor-independent: {printed}" if fixed else ""
    if not keys:
        return f"factor-independent: {printed}" if fixed else "no emission factor involved"
    same = ", ".join(sorted(k for k in keys if k != "derived")) or "the factors behind it"
    return "; ".join(p for p in (f"unchanged: {same} the same in both factor sets", printed) if p)


def restate(factor_set="current", cases: list[Case] | None = None) -> pd.DataFrame:
    """Every report case under ``factor_set`` next to the report's figure and its report-factor value.
    A factor-independent case has no change (NaN) and says why in ``factor_note``."""
    fs: FactorSet = get_factor_set(factor_set)
    report = get_factor_set("report")
    rows = []
    for c in cases or [*CASES, *user_cases()]:
        model = get_model(c.model)
        output = c.output or model.primary
        before, after = model.run(c.inputs, report), model.run(c.inputs, fs)
        old, new = _value(before, output), _value(after, output)
        note = factor_note(model, output, new != old, before)
        independent = note.startswith("factor-independent")
        change = np.nan if independent else new - old
        rows.append(dict(case=c.case, model=model.id, function=model.function, description=c.description,
                         output=output, unit=_unit(model, output), report_printed=printed_value(c),
                         report_factors=old, restated=new, change=change,
                         change_pct=change / abs(old) * 100 if old and not independent else np.nan,
                         factor_note=note, factors_changed=_changed(model, output, before, after),
                         figure_id=c.figure_id or ""))
    table = pd.DataFrame(rows, columns=COLUMNS)
    table.attrs["factor_set"] = fs.name
    return table


def to_csv(table: pd.DataFrame) -> str:
    buf = io.StringIO()
    table.to_csv(buf, index=False, lineterminator="\n", float_format="%.10g", quoting=csv.QUOTE_MINIMAL)
    return buf.getvalue()


__all__ = ["Case", "CASES", "COLUMNS", "restate", "printed_value", "fixed_results", "factor_note", "to_csv",
           "user_cases"]
