"""Net reporting in the spirit of ITU-T L.1480: for each solution, the gross reduction it enables
(second-order effect), the ICT solution's own emission (first-order effect), rebound effects the
report quantifies, the net effect and the enablement ratio - plus the indirect and rebound effects the
report names but does not quantify (Figures 4-3, 4-4, 5-4, 5-11, 5-12), listed as such.

Which step is gross or net is derived from the definitions: a reduction is net of the own emission
when its equation uses it (``baseline - after_ICT`` with the own emission inside ``after_ICT``).
Nothing here re-types an equation; this module only reads model results.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from ..assessment import ITEMS, MISSING, completeness, is_net_of_own, named, net_definition
from ..factors import get_factor_set
from ..model import Model
from ..models import MODELS, USER_MODELS, all_models
from . import uncertainty
from .reconciliation import printed_figures

INCREASES, REDUCES, EITHER = "increases emissions", "reduces emissions", "either way"
FIRST, INDIRECT, REBOUND, SYSTEMIC = ("first-order (ICT footprint)", "indirect (life cycle)", "rebound",
                                      "systemic (behaviour, economy)")


@dataclass(frozen=True)
class Effect:
    """An effect the report names but does not quantify."""

    description: str
    direction: str
    category: str
    source: str


@dataclass(frozen=True)
class Solution:
    """A solution to report: model, cases, which results are gross, own emission and rebound."""

    key: str
    title: str
    model: str
    scope: str
    cases: tuple = ({},)
    reduction: str | None = None       # the reported reduction (default: the model's primary result)
    own: str | None = "ict_own_emission_t"  # step or input; None or absent: not quantified
    net_of_own: bool | None = None     # None: derived from the equations
    rebound: str | None = None         # a quantified rebound (a step or input)
    effects: tuple[Effect, ...] = ()
    rebound_subtracted: bool | None = None  # whether the reduction already subtracts it; None: from the equations


_F54 = "Figure 5-4; §5.1.4"
LOGISTICS_EFFECTS = (
    Effect("Handsets used for smart logistics wear out and are replaced sooner: more terminal manufacturing and use "
           "(small: logistics is an add-on use of the phone)", INCREASES, FIRST, _F54),
    Effect("Higher transport efficiency and less congestion: fewer vehicles used and manufactured", REDUCES,
           INDIRECT, _F54),
    Effect("Less road and rail construction", REDUCES, INDIRECT, _F54),
    Effect("Money and labour saved: lower emissions if spent on low-carbon activities, higher if on high-carbon ones",
           EITHER, REBOUND, _F54),
)
_F511 = "Figure 5-11; §5.3.1"
TELEWORK_EFFECTS = (
    Effect("Energy use of networks, servers and terminals for teleworking", INCREASES, FIRST, "§5.3.1"),
    Effect("More IT equipment manufactured", INCREASES, INDIRECT, _F511),
    Effect("More non-work travel (the report: no sector data yet, so not quantified)", INCREASES, REBOUND, _F511),
    Effect("Fewer vehicles manufactured as travel demand falls", REDUCES, INDIRECT, _F511),
    Effect("Less infrastructure built and maintained: roads and stations, office space, petrol stations, power "
           "infrastructure", REDUCES, INDIRECT, _F511),
    Effect("Faster progress of energy-saving technology", REDUCES, SYSTEMIC, _F511),
    Effect("Industry-chain shift of revenue from construction, cars and logistics to low-carbon telecoms and "
           "electronics", REDUCES, SYSTEMIC, _F511),
    Effect("Changed habits and environmental awareness of teleworkers", REDUCES, SYSTEMIC, _F511),
)
_F512 = "Figure 5-12; §5.3.2"
VIDEOCONF_EFFECTS = (
    Effect("Emission of using the ICT (video-conferencing) system", INCREASES, FIRST, _F512),
    Effect("Possibly more non-work travel", INCREASES, REBOUND, _F512),
    Effect("Fewer aircraft manufactured", REDUCES, INDIRECT, _F512),
    Effect("Fewer airports built", REDUCES, INDIRECT, _F512),
    Effect("Money saved, spent on emission reduction", EITHER, REBOUND, _F512),
    Effect("Staff time saved, used for emission reduction", EITHER, REBOUND, _F512),
)
_F43 = "Figure 4-3; §4.2.1"
SELF_SERVICE_EFFECTS = (
    Effect("Customers no longer travel to service halls (the report: cannot be estimated)", REDUCES, INDIRECT, _F43),
    Effect("Staff time saved", EITHER, REBOUND, _F43),
    Effect("Low-carbon habits fostered in the company and among customers", REDUCES, SYSTEMIC, _F43),
)
_F44 = "Figure 4-4; §4.2.2"
MUSIC_EFFECTS = (
    Effect("The CD supply chain beyond pressing: packaging paper, storage, transport, retail, recycling", REDUCES,
           INDIRECT, _F44),
    Effect("Less use of public resources and fossil energy", REDUCES, INDIRECT, _F44),
    Effect("Piracy and its waste of resources curbed", REDUCES, SYSTEMIC, _F44),
    Effect("Low-carbon habits fostered", REDUCES, SYSTEMIC, _F44),
)
OWN_NOT_QUANTIFIED = Effect("The ICT solution's own emission (devices, network, data centres): not quantified for "
                            "this solution", INCREASES, FIRST, "ITU-T L.1480 first-order effect")

_YEARS = tuple({"target_year": y} for y in (2010, 2020, 2030))
_EFFECTS_BY_MODEL = {"self_service": SELF_SERVICE_EFFECTS, "music_download": MUSIC_EFFECTS}

SOLUTIONS: list[Solution] = [
    *(Solution(m.id, m.title, m.id, "Chongqing 2008", effects=_EFFECTS_BY_MODEL.get(m.id, ()))
      for m in MODELS.values() if m.kind == "appendix"),
    Solution("other_services", "Other services of China Mobile Chongqing (E2)", "portfolio", "Chongqing 2008",
             reduction="e2_t", own="other_own_emission_t", net_of_own=False),
    Solution("china_mobile", "China Mobile nationwide (all ICT services)", "china_mobile", "China 2008",
             own="own_emission_t", net_of_own=False),
    Solution("logistics", "Smart logistics (智慧物流), empty running -50%", "logistics_potential", "China",
             _YEARS, effects=LOGISTICS_EFFECTS),
    Solution("dematerialisation", "Dematerialisation (非实物化)", "dematerialisation", "China", _YEARS),
    Solution("epaper", "Electronic paper (电子纸张)", "epaper", "China", ({"target_year": 2020}, {"target_year": 2030})),
    Solution("telework", "Teleworking (远程办公)", "telework", "China", _YEARS, rebound="residential_increase_t",
             effects=TELEWORK_EFFECTS),
    Solution("videoconf", "Video conferencing (远程会议)", "videoconf", "China", _YEARS, effects=VIDEOCONF_EFFECTS),
    Solution("streetlight_national", "Street-light control, 50% of lamps", "streetlight_potential", "China", _YEARS),
    Solution("genset_national", "Diesel-generator monitoring, all base stations", "genset_potential", "China 2008"),
    Solution("sim_payment", "SIM payment, 5% of retail sales", "sim_payment_potential", "China 2008"),
]


def _own_name(sol: Solution, model: Model) -> str | None:
    names = {i.name for i in model.inputs} | {s.name for s in model.steps}
    return sol.own if sol.own in names else None


def _own_basis(model: Model, own: str | None, res) -> str:
    if own is None:
        return ("not quantified in the model file (assessment first_order)" if model.kind == "user"
                else "not quantified by the report")
    steps = {s.name: s for s in model.steps}
    if own in steps:
        step = steps[own]
        while len(step.expr.names) == 1 and next(iter(step.expr.names)) in steps:  # follow aliases
            step = steps[next(iter(step.expr.names))]
        implied = sorted({u.name for u in res.implied if u.name in model.dependencies(own)})
        extra = f" (uses the implied {', '.join(implied)})" if implied else ""
        return f"computed: {step.label} = {step.expr.to_text()}{extra}"
    inp = model.input(own)
    text = inp.source if inp.provenance == "stated" else inp.note or inp.source
    return f"{inp.provenance}: {text}"


@dataclass(frozen=True)
class _Parts:
    reported: object
    gross: object
    own: object
    rebound: object
    net: object


def _parts(sol: Solution, model: Model, res) -> _Parts:
    """Reported, gross, own, rebound and net for one run (scalars, or arrays over draws)."""
    def get(name):
        return res[name] if name in res else res.inputs[name]
    reduction = sol.reduction or model.primary
    reported = np.asarray(get(reduction), float)
    own_name = _own_name(sol, model)
    rebound = np.asarray(get(sol.rebound), float) if sol.rebound else np.zeros(())
    rebound_in = sol.rebound_subtracted if sol.rebound_subtracted is not None else \
        bool(sol.rebound) and is_net_of_own(model, reduction, sol.rebound)
    gross = reported + (rebound if rebound_in else 0)
    if own_name is None:
        return _Parts(reported, gross, np.nan, rebound, np.full(np.shape(gross), np.nan))
    own = np.asarray(get(own_name), float)
    net_of_own = sol.net_of_own if sol.net_of_own is not None else is_net_of_own(model, reduction, own_name)
    gross = gross + (own if net_of_own else 0)
    return _Parts(reported, gross, own, rebound, gross - own - rebound)


NOT_STATED_DIRECTION = "not stated"


def user_solution(model: Model) -> Solution:
    """A user model reported like the report's solutions: its primary result, with the footprint and the
    higher-order effects its assessment record names (or states in words, listed as not quantified)."""
    rec = model.assessment
    effects = []
    higher = rec.higher_order.strip() if rec is not None else ""
    if higher and named(model, "higher_order") is None:
        effects.append(Effect(higher, NOT_STATED_DIRECTION, REBOUND, f"model file {model.origin}"))
    return Solution(model.id, model.title, model.id, model.section, own=named(model, "first_order"),
                    rebound=named(model, "higher_order"), effects=tuple(effects))


def solutions() -> list[Solution]:
    """The report's solutions, then one per loaded user model."""
    return [*SOLUTIONS, *(user_solution(m) for m in USER_MODELS.values())]


COLUMNS = ["solution", "title", "scope", "case", "model", "printed_t", "reported_t", "gross_t", "own_t", "rebound_t",
           "net_t", "enablement_ratio", "printed_ratio", "report_ratio", "printed_figures", "gross_p5", "gross_p95",
           "net_p5", "net_p95", "own_basis", "not_quantified"]
# reported_t: the reduction as the report defines it, recomputed from its inputs with the chosen factor set;
# printed_t: the same as the report prints it (NaN where it prints none); report_ratio and printed_ratio:
# the report's enablement factor (reduction / own emission), recomputed and as printed.


@dataclass
class NetReport:
    """The net table (COLUMNS, one row per solution and case) and the effects not quantified."""

    factor_set: str
    draws: int | None
    seed: int
    table: pd.DataFrame
    effects: pd.DataFrame
    completeness: pd.DataFrame = None


def _effects(sol: Solution, own_name: str | None) -> tuple[Effect, ...]:
    """The effects the report names, led by the missing own emission unless the report names that too."""
    if own_name is None and not any(e.category == FIRST for e in sol.effects):
        return (OWN_NOT_QUANTIFIED, *sol.effects)
    return sol.effects


def _printed(sol: Solution, model: Model, case: dict) -> dict:
    """The reduction and enablement factor as the report prints them for this case, and where."""
    reduction = sol.reduction or model.primary
    figures = printed_figures(model.id, case, (reduction,))
    factors = printed_figures(model.id, case, ("enablement_factor",)) if _own_name(sol, model) else []
    return dict(printed_t=figures[0][1] if figures else np.nan, printed_ratio=factors[0][1] if factors else np.nan,
                printed_figures="; ".join(f"{f.figure_id}: {f.report_value} {f.unit}" for f, _ in figures + factors))


def _default_case(model) -> str:
    """What a row at the model's defaults is: the report's case, or the defaults of the user's model file."""
    return "model file's defaults" if model.kind == "user" else "report case"


def net_report(factor_set=None, draws: int | None = uncertainty.DEFAULT_DRAWS,
               seed: int = uncertainty.DEFAULT_SEED) -> NetReport:
    """Net effects of every solution; with ``draws`` also P5-P95 of gross and net over the input ranges."""
    fs = get_factor_set(factor_set)
    rows, effects = [], []
    models = all_models()
    for sol in solutions():
        model = models[sol.model]
        own_name = _own_name(sol, model)
        named = _effects(sol, own_name)
        effects += [dict(solution=sol.key, title=sol.title, effect=e.description, direction=e.direction,
                         category=e.category, source=e.source) for e in named]
        for case in sol.cases:
            res = model.run(case, fs)
            p = _parts(sol, model, res)
            gross, own, net = float(p.gross), float(p.own), float(p.net)
            row = dict(solution=sol.key, title=sol.title, scope=sol.scope,
                       case=", ".join(f"{v:g}" for v in case.values()) or _default_case(model), model=model.id,
                       reported_t=float(p.reported), gross_t=gross, own_t=own,
                       rebound_t=float(p.rebound) if sol.rebound else np.nan, net_t=net,
                       enablement_ratio=gross / own if own_name else np.nan,
                       report_ratio=float(p.reported) / own if own_name else np.nan,
                       own_basis=_own_basis(model, own_name, res), not_quantified=len(named))
            if draws:
                steps = {s.name for s in model.steps}
                wanted = [n for n in (sol.reduction or model.primary, sol.rebound, own_name) if n in steps]
                u = uncertainty.run(model, draws, seed, overrides=case, factor_set=fs, steps=wanted)
                q = _parts(sol, model, u.result)
                gross_s = np.broadcast_to(q.gross, (u.draws,))
                row.update(gross_p5=float(np.percentile(gross_s, 5)), gross_p95=float(np.percentile(gross_s, 95)))
                if own_name:
                    net_s = np.broadcast_to(q.net, (u.draws,))
                    row.update(net_p5=float(np.percentile(net_s, 5)), net_p95=float(np.percentile(net_s, 95)))
            row.update(_printed(sol, model, case))
            rows.append(row)
    table = pd.DataFrame(rows, columns=COLUMNS)
    eff = pd.DataFrame(effects, columns=["solution", "title", "effect", "direction", "category", "source"])
    return NetReport(fs.name, draws, seed, table, eff, completeness_table(fs, draws, seed))


COMPLETENESS_COLUMNS = ["model", "title", "kind", *(i.key for i in ITEMS), "present", "missing", "net_t", "net_p5",
                        "net_p95", "unit", "net_basis"]


def completeness_table(factor_set=None, draws: int | None = uncertainty.DEFAULT_DRAWS,
                       seed: int = uncertainty.DEFAULT_SEED) -> pd.DataFrame:
    """Per model (the report's and the user's): the status of every assessment item (present, derived from
    the report's figures, missing), and the net result at the model's defaults with its P5-P95."""
    fs = get_factor_set(factor_set)
    rows = []
    for model in all_models().values():
        status = completeness(model)
        nd = net_definition(model)
        row = dict(model=model.id, title=model.title, kind=model.kind, **status,
                   present=f"{sum(v != MISSING for v in status.values())}/{len(ITEMS)}",
                   missing=", ".join(i.label for i in ITEMS if status[i.key] == MISSING),
                   unit=model.step(model.primary).unit, net_t=np.nan, net_p5=np.nan, net_p95=np.nan)
        if nd.expression is None:
            row["net_basis"] = ("not stated: the solution's own footprint is not quantified" if nd.own is None and
                                status["first_order"] == MISSING else "not applicable: the result is not in the "
                                "footprint's unit (a ratio)")
        else:
            res = model.run({}, fs)
            row.update(net_t=float(nd.expression.evaluate({**res.inputs, **res})),
                       net_basis=f"net = {nd.expression.to_text()}")
            if draws:
                step_names = {st.name for st in model.steps}
                needed = sorted(n for n in nd.expression.names if n in step_names)
                u = uncertainty.run(model, draws, seed, factor_set=fs, steps=needed)
                with np.errstate(all="ignore"):
                    sample = np.broadcast_to(nd.expression.evaluate({**u.result.inputs, **u.result}), (u.draws,))
                row.update(net_p5=float(np.percentile(sample, 5)), net_p95=float(np.percentile(sample, 95)))
        rows.append(row)
    return pd.DataFrame(rows, columns=COMPLETENESS_COLUMNS)


# -- Markdown ------------------------------------------------------------------------------------------
def _num(v, digits: int = 4) -> str:
    if v is None or (isinstance(v, float) and not np.isfinite(v)):
        return "—"
    if abs(v) >= 1000:
        return f"{v:,.0f}"
    return f"{v:.{digits}g}"


def _printed_num(v, digits: int = 4) -> str:
    return "not printed" if not np.isfinite(v) else _num(v, digits)


def _cell(text) -> str:
    return str(text).replace("|", "\\|").replace("\n", " ")


METHOD = [
    "Definitions follow ITU-T L.1480 (2022) in spirit, not as a full assessment:",
    "",
    "- **Gross reduction** (second-order effect): the emission the solution avoids against the baseline "
    "without the solution.",
    "- **ICT own emission** (first-order effect): the emission of the ICT solution itself (network, devices, "
    "platform). Where the report gives none, the net effect cannot be stated and is left blank.",
    "- **Rebound (quantified)**: emission increases the report's equations already count (teleworking: more "
    "home energy).",
    "- **Net effect** = gross − own emission − quantified rebound. **Enablement ratio** = gross / own emission "
    "(as in GeSI SMARTer2020 and GSMA/Carbon Trust 'The Enablement Effect'); the report's own 减排系数 divides its "
    "reported reduction (net for some solutions, gross for others) by the own emission.",
    "- **Not quantified**: the indirect, rebound and systemic effects the report names (Figures 4-3, 4-4, 5-4, "
    "5-11, 5-12) but does not estimate. They are listed, not added: their sign and size are unknown.",
]


_MARK = {"present": "✓", "derived": "derived", "missing": "✗"}


def completeness_markdown(report: NetReport) -> list[str]:
    """The completeness table: which ITU-T L.1480 / WBCSD items each model's record states, and its net."""
    c = report.completeness
    if c is None or c.empty:
        return []
    spread = "P5–P95" if report.draws else "no uncertainty run"
    out = ["## Assessment records: what each model states (ITU-T L.1480 / WBCSD)", "",
           "One row per model (the report's and any user model loaded), at the model's default inputs. ✓ stated; "
           "'derived': worked out from the report's own figures, which do not state it; ✗ missing (not stated, or "
           "for the own footprint: not quantified). The full record of each model is on its template's Assessment "
           "sheet and in `ictco2-xl models --markdown`. Net = the reported result less the own footprint and "
           "quantified rebound, where the result does not subtract them already.", "",
           "| model | " + " | ".join(i.label for i in ITEMS) + f" | present | net | net {spread} | unit | missing |",
           "|---|" + "---|" * (len(ITEMS) + 5)]
    for r in c.itertuples():
        band = f"{_num(r.net_p5)} – {_num(r.net_p95)}" if report.draws and np.isfinite(r.net_p5) else "—"
        marks = " | ".join(_MARK[getattr(r, i.key)] for i in ITEMS)
        out.append(f"| `{r.model}` | {marks} | {r.present} | {_num(r.net_t)} | {band} | {_cell(r.unit)} | "
                   f"{_cell(r.missing) or '—'} |")
    return out + [""]


def to_markdown(report: NetReport) -> str:
    t = report.table
    spread = f"P5–P95 over the documented input ranges, {report.draws:,} draws, seed {report.seed}" if report.draws \
        else "no uncertainty run"
    users = f" and {len(USER_MODELS)} user model(s)" if USER_MODELS else ""
    out = [f"# Net effects of the report's low-carbon ICT solutions{users} (ITU-T L.1480 style)", "",
           "Generated by `ictco2-xl report` from the model definitions of ictco2_xl (WWF / China Mobile 2010 report, "
           f"low-carbon ICT in China). Factor set: `{report.factor_set}`. Tonnes of CO2 per year unless stated. "
           f"Ranges: {spread}.", "", "## Method", "", *METHOD, "",
           "## Net effects", "",
           "Reduction and the report's factor (reduction / own emission): *printed* as the report prints them "
           "('not printed' where it prints none), *recomputed* from the report's inputs"
           + ("" if report.factor_set == "report" else f" with the '{report.factor_set}' factors") + ".", "",
           "| solution | scope | case | reduction printed | reduction recomputed | gross | own emission | rebound | "
           "net | net P5–P95 | enablement | factor printed | factor recomputed | not quantified |",
           "|---|---|---|---|---|---|---|---|---|---|---|---|---|---|"]
    for r in t.itertuples():
        band = f"{_num(r.net_p5)} – {_num(r.net_p95)}" if report.draws and np.isfinite(r.net_p5) else "—"
        out.append(f"| {_cell(r.title)} | {r.scope} | {r.case} | {_printed_num(r.printed_t)} | {_num(r.reported_t)} | "
                   f"{_num(r.gross_t)} | {_num(r.own_t)} | {_num(r.rebound_t)} | {_num(r.net_t)} | {band} | "
                   f"{_num(r.enablement_ratio, 3)} | {_printed_num(r.printed_ratio, 3)} | {_num(r.report_ratio, 3)} | "
                   f"{r.not_quantified} |")
    out += ["", "## Where the own emission comes from", "",
            "| solution | own emission basis |", "|---|---|"]
    for _, group in t.groupby("solution", sort=False):
        out.append(f"| {_cell(group.title.iloc[0])} | {_cell(group.own_basis.iloc[0])} |")
    out += ["", "## Effects named but not quantified", "",
            "Listed as the report names them; none is included in any number above.", ""]
    for _, group in report.effects.groupby("solution", sort=False):
        out += [f"### {group.title.iloc[0]}", "", "| effect | direction | kind | source |", "|---|---|---|---|"]
        out += [f"| {_cell(e.effect)} | {e.direction} | {e.category} | {e.source} |" for e in group.itertuples()]
        out.append("")
    out += completeness_markdown(report)
    out += ["## Caveats", "",
            "- The chapter 5 potentials are the report's scenarios with its assumptions; their own emissions are not "
            "quantified, so their net effects are blank rather than equal to the gross.",
            "- Own emissions marked `implied` are back-solved from the report's published enablement factors; they "
            "are as uncertain as the reading of those tables (see `ictco2-xl reconcile`).",
            "- Video conferencing is computed from the report's stated inputs (270 passengers per aircraft): a "
            "tenth of the figures it prints (see `ictco2-xl reconcile`).", ""]
    return "\n".join(out)


__all__ = ["Effect", "Solution", "SOLUTIONS", "NetReport", "net_report", "to_markdown", "is_net_of_own", "COLUMNS",
           "solutions", "user_solution", "completeness_table", "completeness_markdown", "COMPLETENESS_COLUMNS"]
