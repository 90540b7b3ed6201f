"""Every figure the report prints in the chapters the models cover, recomputed and classified.

Each figure is recomputed from the model definitions with the report's own values, from the inputs of
its own step: a figure derived from another published figure (7000万 t from 4850万 t, Table 5-9 from the
pilot's printed 1015 t) starts from that published figure. The status is derived, never typed in:

- ``reproduced``: the report's stated values give the printed figure under the rounding rule
  (:data:`COMPARISONS`);
- ``stated_input``: the figure is a value the report states as an input, or a data table it prints: it
  is compared with itself (or with the same value printed elsewhere) and proves nothing;
- ``implied_parameter``: reproduced only with a value the report does not state (an implied factor or
  input, or an equation it does not write down) that is not solved from this figure — the note names it;
- ``report_inconsistent``: the printed figure contradicts the report's own stated values — the note gives
  the slip that reproduces it exactly (its arithmetic), or says that no single slip does;
- ``not_reproducible``: the report gives no method or no factor for the figure, or the only unstated
  value is back-solved from the figure itself (so it "reproduces" by construction) — the note says what
  the report would have needed to state.
"""
from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from decimal import ROUND_DOWN, ROUND_HALF_UP, Decimal
from typing import Callable

import numpy as np

from ..definitions import Derived
from ..errors import DefinitionError
from ..evaluation import ImpliedUse, implied_behind
from ..expr import Expression
from ..factors import FactorSet, get_factor_set
from ..models import APPENDIX_MODELS, get_model

STATUSES = ("reproduced", "stated_input", "implied_parameter", "report_inconsistent", "not_reproducible")
STATUS_MEANING = {
    "reproduced": "the report's stated values give the printed figure within its rounding",
    "stated_input": "a value the report states as an input, or a data table it prints (proves nothing)",
    "implied_parameter": "reproduced only with a value or equation the report does not state (named in the note)",
    "report_inconsistent": "contradicts the report's own stated values (the note gives the slip, if one is found)",
    "not_reproducible": "the report gives no method or factor, or the only unstated value is solved from the figure",
}
COLUMNS = ("figure_id", "source", "description", "report_value", "recomputed", "unit", "status", "note")

#: The one rounding rule: how a recomputed value is compared with the figure as printed. ``round`` is the
#: default; the others are the report's own words, tested as such.
COMPARISONS = {
    "round": "equal to the printed figure when rounded half up at its last printed digit, or cut off there (the "
             "report does both: 1016 t and 1015 t from 1015.6 t, 101804 t from 101804.85 t); a whole number ending "
             "in zeros is read as rounded, never cut off, to its last non-zero digit (3300 t: to hundreds)",
    "at_least": "'at least', 'more than', 'above' (至少, 超过, 以上), or a target the potential must reach: not below "
                "the printed figure",
    "at_most": "'less than', 'under' (不到): not above the printed figure",
    "and_more": "'X-odd' (X多, X余): from X up to, not including, X plus one unit of X's last non-zero digit "
                "(450余吨: 450 to 460 t; 7000多万吨: 7000万 to 8000万 t)",
    "nearly": "'nearly' (接近, 将近, 近): not above the printed figure and equal to it when rounded",
    "sum": "a sum of printed rounded numbers: as 'round', or off by at most one unit of the last printed digit",
}


def _last_place(text: str) -> Decimal:
    text = text.lstrip("-")
    if "." in text:
        return Decimal(1).scaleb(-len(text.split(".")[1]))
    stripped = text.rstrip("0")
    return Decimal(1).scaleb(len(text) - len(stripped) if stripped else 0)


def _rounds_to(report: str, value: float) -> bool:
    rep, step = Decimal(report), _last_place(report)
    q = Decimal(repr(float(value))) / step
    # Cutting off applies at a printed digit, not at the trailing zeros of a round whole number.
    modes = (ROUND_HALF_UP,) if step > 1 else (ROUND_HALF_UP, ROUND_DOWN)
    return any(q.quantize(Decimal(1), rounding=r) * step == rep for r in modes)


def matches(report: str, value: float | None, compare: str = "round") -> bool:
    """Whether ``value`` is the printed ``report`` figure under the rounding rule (:data:`COMPARISONS`)."""
    if compare not in COMPARISONS:
        raise DefinitionError(f"compare must be one of {', '.join(COMPARISONS)}, got {compare!r}")
    if value is None or not np.isfinite(value):
        return False
    rep = float(report)
    eps = 1e-12 * max(abs(rep), abs(value), 1e-300)
    if compare == "at_least":
        return value >= rep - eps
    if compare == "at_most":
        return value <= rep + eps
    if compare == "and_more":
        return rep - eps <= value < rep + float(_last_place(report))
    if compare == "nearly":
        return value <= rep + eps and _rounds_to(report, value)
    if compare == "sum":
        return _rounds_to(report, value) or abs(value - rep) <= float(_last_place(report)) + eps
    return _rounds_to(report, value)


# ---------------------------------------------------------------------------------------------------
# How a figure is recomputed
# ---------------------------------------------------------------------------------------------------
class _NeedsImplied(Exception):
    """The stated values alone cannot compute the figure: it needs a value the report does not state."""


_STATED_FS: list[FactorSet] = []


def stated_factor_set() -> FactorSet:
    """The report's factor set without the values only its arithmetic implies (model-specific 0.834 etc.)."""
    if not _STATED_FS:
        report = get_factor_set("report")
        _STATED_FS.append(FactorSet(name="report_stated", description="the factors the report states",
                                    factors={k: f for k, f in report.factors.items() if f.status != "implied"},
                                    base=report.base))
    return _STATED_FS[0]


class _Context:
    """Runs models for one figure and remembers which implied values were used. With ``stated=True`` it
    uses only what the report states and raises :class:`_NeedsImplied` when a figure needs more."""

    def __init__(self, stated: bool = False):
        self.stated = stated
        self.fs = stated_factor_set() if stated else get_factor_set("report")
        self.implied: list[ImpliedUse] = []

    def _use(self, uses) -> None:
        if self.stated and uses:
            raise _NeedsImplied
        self.implied += uses

    def run(self, model_id: str, output: str | None = None, **inputs) -> float:
        model = get_model(model_id)
        output = output or model.primary
        res = model.run(inputs, self.fs)
        self._use(implied_behind(res, [output]))
        return float(res[output])

    def input(self, model_id: str, name: str, **inputs) -> float:
        res = get_model(model_id).run(inputs, self.fs)
        self._use(implied_behind(res, [name]))
        return float(res.inputs[name])

    def value(self, name: str, value: float, note: str) -> float:
        """A value the report does not state, outside the models (e.g. chapter 2's grid factor)."""
        self._use([ImpliedUse(name, value, "", note, "")])
        return value

    def e1(self) -> float:
        return sum(self.run(m.id) for m in APPENDIX_MODELS)


Compute = Callable[[_Context], float]


@dataclass(frozen=True)
class ModelFigure:
    """A figure that is one model output (or input) times a unit scale; templates use this to show
    the published value beside the live result."""

    model: str
    output: str | None
    scale: float
    inputs: tuple
    is_input: bool = False

    def __call__(self, c: _Context) -> float:
        fn = c.input if self.is_input else c.run
        return fn(self.model, self.output, **dict(self.inputs)) * self.scale


@dataclass(frozen=True)
class DataCell:
    """One cell of a data table a model fits a trend to (e.g. Table 5-7): printed data."""

    model: str
    series: str
    x: float

    def __call__(self, c: _Context) -> float:
        data = {d.name: d for d in get_model(self.model).data}[self.series]
        return float(dict(zip(data.x, data.y))[self.x])


@dataclass(frozen=True)
class Arith:
    """Arithmetic on numbers the report prints (a sum of table cells, a ratio of two printed figures).
    ``implied`` holds values the report does not state: (name in ``expr``, value, label, what it is)."""

    expr: str
    values: tuple
    implied: tuple = ()

    def __call__(self, c: _Context) -> float:
        env = dict(self.values)
        for name, value, label, note in self.implied:
            env[name] = c.value(label, value, note)
        return float(Expression(self.expr).evaluate(env))


@dataclass(frozen=True)
class Printed:
    """A number the report prints as data or as an input that none of its calculations uses."""

    why: str


@dataclass(frozen=True)
class Digits:
    """A slip in the digits of a computed number: ``op`` is ``double`` (a digit printed twice) or ``drop``."""

    compute: Compute
    op: str
    index: int

    def __call__(self, c: _Context) -> float:
        text = format(self.compute(c), ".10g")
        i = self.index
        return float(text[:i] + text[i] + text[i:] if self.op == "double" else text[:i] + text[i + 1:])


def _run(model_id, output=None, scale=1.0, **inputs) -> Compute:
    return ModelFigure(model_id, output, scale, tuple(sorted(inputs.items())))


def _inp(model_id, name, scale=1.0, **inputs) -> Compute:
    return ModelFigure(model_id, name, scale, tuple(sorted(inputs.items())), is_input=True)


def _arith(expr: str, implied: tuple = (), **values) -> Arith:
    return Arith(expr, tuple(sorted(values.items())), implied)


@dataclass(frozen=True)
class Slip:
    """The mechanism of a report_inconsistent figure: a compute that reproduces the printed number
    exactly from the report's own numbers with one slip, and that arithmetic in words."""

    kind: str          # unit slip | dropped digit | doubled digit | wrong number | year | rounded intermediate | ...
    compute: Compute
    arithmetic: str


@dataclass(frozen=True)
class Figure:
    figure_id: str
    source: str
    description: str
    report_value: str            # as printed, converted to ``unit``
    unit: str
    compute: Compute | Printed | None
    note: str = ""
    compare: str = "round"       # see COMPARISONS
    method: str = ""             # an equation or method the report does not state but the figure needs
    alt: tuple[Compute, str, str] | None = None  # (compute, "name = value" only this figure needs, why)
    slip: Slip | None = None     # the mechanism, where the figure contradicts the stated values


@dataclass(frozen=True)
class Row:
    figure_id: str
    source: str
    description: str
    report_value: str
    recomputed: float | None
    unit: str
    status: str
    note: str
    implied: tuple = ()          # what an implied_parameter row needs: "name = value" or "method: ..."

    def as_dict(self) -> dict:
        rec = "" if self.recomputed is None else format(self.recomputed, ".10g")
        return {c: rec if c == "recomputed" else getattr(self, c) for c in COLUMNS}


#: Values the report does not state that are back-solved from one figure: (model, name) -> (that figure,
#: what the report would have needed to state). A figure recomputed with a value solved from itself
#: reproduces by construction and is ``not_reproducible``.
SOLVED_FROM: dict[tuple[str, str], tuple[str, str]] = {}


def _solved(model: str, name: str, figure_id: str, needed: str) -> None:
    SOLVED_FROM[(model, name)] = (figure_id, needed)


def _fmt(value: float) -> str:
    return f"{value:,.6g}" if abs(value) < 1e6 else f"{value:,.0f}"


def _flat(uses) -> list[ImpliedUse]:
    """Implied values, with a value derived from other models replaced by the implied values it rests on."""
    out: list[ImpliedUse] = []
    for u in uses:
        out += _flat(u.behind) if u.behind else [u]
    return out


def _describe_implied(uses: list[ImpliedUse]) -> str:
    groups: dict[tuple, list[ImpliedUse]] = {}
    for u in _flat(uses):
        groups.setdefault((u.name, round(u.value, 12)), []).append(u)
    parts = []
    for (name, value), group in groups.items():
        models = sorted({u.model for u in group if u.model})
        where = f" in {', '.join(models)}" if len(models) > 1 else ""
        parts.append(f"{name} = {value:.6g}{where} ({group[0].note or group[0].source})")
    return "Implied: " + "; ".join(parts) + "." if parts else ""


def _implied_names(uses) -> tuple[str, ...]:
    """"name = value" of each unstated value a figure needs, through values derived from other models."""
    return tuple(dict.fromkeys(f"{u.name} = {u.value:.6g}" for u in _flat(uses)))


def _join(*parts: str) -> str:
    return " ".join(p.strip() for p in parts if p and p.strip())


def is_stated_input(fig: Figure) -> bool:
    """Whether the figure is a value the report states as an input or prints as data."""
    c = fig.compute
    if isinstance(c, (DataCell, Printed)):
        return True
    if isinstance(c, ModelFigure) and c.is_input:
        inp = get_model(c.model).input(c.output)
        if inp.factor:
            return get_factor_set("report").get(inp.factor, inp.scope).status == "stated"
        return inp.provenance == "stated" and not isinstance(inp.default, Derived)
    return False


def _circular(fig: Figure, uses: list[ImpliedUse]) -> list[tuple[ImpliedUse, str]]:
    out = []
    for u in uses:
        solved = SOLVED_FROM.get((u.model, u.name))
        if solved and solved[0] == fig.figure_id:
            out.append((u, solved[1]))
    return out


def _mechanism(fig: Figure) -> str:
    if fig.slip is None:
        return "No single slip reproduces it."
    value = fig.slip.compute(_Context())
    if not matches(fig.report_value, value, fig.compare):
        raise DefinitionError(f"{fig.figure_id}: the {fig.slip.kind} mechanism gives {value!r}, not the printed "
                              f"{fig.report_value}")
    return f"Mechanism ({fig.slip.kind}): {fig.slip.arithmetic}"


def evaluate(fig: Figure) -> Row:
    base = dict(figure_id=fig.figure_id, source=fig.source, description=fig.description,
                report_value=fig.report_value, unit=fig.unit)
    c = fig.compute
    if c is None:
        return Row(**base, recomputed=None, status="not_reproducible", note=fig.note)
    if isinstance(c, Printed):
        return Row(**base, recomputed=None, status="stated_input", note=_join(c.why, fig.note))
    if is_stated_input(fig):
        value = c(_Context())
        if matches(fig.report_value, value, fig.compare):
            return Row(**base, recomputed=value, status="stated_input", note=fig.note)
        return Row(**base, recomputed=value, status="report_inconsistent", note=_join(fig.note, _mechanism(fig)))
    try:
        stated = c(_Context(stated=True))
    except _NeedsImplied:
        stated = None
    if stated is not None and matches(fig.report_value, stated, fig.compare) and not fig.method:
        return Row(**base, recomputed=stated, status="reproduced", note=fig.note)
    ctx = _Context()
    value = c(ctx)
    circular = _circular(fig, ctx.implied)
    if circular:
        names = "; ".join(f"{u.name} = {u.value:.6g} is not stated and is back-solved from this figure"
                          for u, _ in circular)
        needed = "; ".join(n for _, n in circular)
        return Row(**base, recomputed=value, status="not_reproducible",
                   note=_join(f"Circular: {names}, so the figure reproduces by construction. The report would have "
                              f"needed to state {needed}.", fig.note))
    given = "" if stated is None or stated == value else f"With only the factors the report states it is {_fmt(stated)}."
    if matches(fig.report_value, value, fig.compare):
        note = _join(f"Method not stated: {fig.method}." if fig.method else "", _describe_implied(ctx.implied),
                     given, fig.note)
        needs = ((f"method: {fig.method}",) if fig.method else ()) + _implied_names(ctx.implied)
        return Row(**base, recomputed=value, status="implied_parameter", note=note, implied=needs)
    if fig.alt is not None:
        alt_compute, alt_value_name, why = fig.alt
        alt_value = alt_compute(_Context())
        if matches(fig.report_value, alt_value, fig.compare):
            note = _join(f"Implied: {alt_value_name} {why}; with the values the other figures need it is "
                         f"{_fmt(value)}.", fig.note)
            return Row(**base, recomputed=alt_value, status="implied_parameter", note=note, implied=(alt_value_name,))
    return Row(**base, recomputed=value, status="report_inconsistent",
               note=_join(fig.note, _describe_implied(ctx.implied), given, _mechanism(fig)))


# ---------------------------------------------------------------------------------------------------
# The figures. Units: t = tonnes CO2; 10^4 t = 万吨; 10^8 t = 亿吨.
# ---------------------------------------------------------------------------------------------------
F = Figure
FIGURES: list[Figure] = []


def _add(*figs: Figure) -> None:
    FIGURES.extend(figs)


def _quote(figure_id: str, source: str, description: str, printed: str, unit: str, origin: str) -> Figure:
    """A result the report quotes from another study and does not derive."""
    return F(figure_id, source, description, printed, unit, None,
             f"Quoted from {origin}; the report does not derive it and gives no inputs for it.")


def _printed(figure_id: str, source: str, description: str, printed: str, unit: str, why: str) -> Figure:
    """Printed data no calculation of the report uses."""
    return F(figure_id, source, description, printed, unit, Printed(why))


# -- Chapter 2 ---------------------------------------------------------------------------------------
_GESI = "GeSI/The Climate Group, SMART 2020 (2008)"
_MIIT = ("grid", 1.07238, "grid_kg_per_kwh (§2.2, MIIT 2008)",
         "not stated: 2144.76万 t for 200亿 kWh implies 1.07238 kg CO2/kWh, 24% above the 0.8665 of §4.2.3")
_CM_GRID = ("grid", 680e4 / 82e8 * 1000, "grid_kg_per_kwh (§2.2, China Mobile 2010)",
            "not stated: 680万 t for 82亿 kWh implies 0.8293 kg CO2/kWh")
_solved("", _MIIT[2], "2-2.telecom_co2", "the grid factor it converts the telecom sector's 200亿 kWh with")
_solved("", _CM_GRID[2], "2-2.cm_saving_co2", "the grid factor it converts China Mobile's 82亿 kWh with")
_add(
    _quote("2-1.gesi_ict_2002", "§2.1", "Global ICT sector's own CO2, 2002 ('约5亿吨')", "5", "10^8 t CO2", _GESI),
    _quote("2-1.gesi_ict_2020", "§2.1", "Global ICT sector's own CO2, 2020 ('14亿吨左右')", "14", "10^8 t CO2", _GESI),
    _quote("2-1.gesi_enabled_2020", "§2.1", "CO2 other sectors cut with ICT, 2020 ('78亿吨')", "78", "10^8 t CO2", _GESI),
    F("2-1.gesi_five_times", "§2.1", "Enabled cut / ICT's own CO2 ('5倍之多')", "5", "1",
      _arith("enabled / own", enabled=78, own=14), "78亿 t / 14亿 t = 5.6.", compare="at_least"),
    F("2-1.gesi_share", "§2.1", "Enabled cut as share of global CO2 in 2020 ('约占…15%')", "15", "%",
      _arith("enabled / total * 100", enabled=78, total=500), "78亿 t of the 500亿 t the same sentence gives for 2020."),
    _quote("2-1.gesi_other_2020", "§2.1", "Cut by other measures, 2020 ('约141亿吨')", "141", "10^8 t CO2", _GESI),
    _quote("2-1.gesi_bau_2020", "§2.1", "Global CO2 2020 without the measures ('500亿吨')", "500", "10^8 t CO2", _GESI),
    F("2-1.gesi_total_2020", "§2.1", "Global CO2 2020 with ICT and other measures ('300亿吨')", "300", "10^8 t CO2",
      _arith("bau - enabled - other", bau=500, enabled=78, other=141), "500 - 78 - 141 = 281亿 t, which the round "
      "300亿 t (printed to hundreds) covers."),
    _quote("2-1.gesi_vs_2002", "§2.1", "2020 with the measures vs 2002 ('比2002年降低25%')", "25", "%",
           _GESI + " (the 2002 global emission is not given)"),
    _quote("2-1.gartner_2002", "§2.1", "ICT's share of global CO2, 2002 ('2%左右')", "2", "%", "Gartner"),
    _quote("2-1.gartner_2020", "§2.1", "ICT's share of global CO2, 2020 ('3%')", "3", "%", "Gartner"),
    _printed("2-2.telecom_kwh", "§2.2", "Electricity of China's telecom sector ('200亿度以上')", "200", "10^8 kWh",
             "MIIT 2008 statistic; the input of the next row."),
    F("2-2.telecom_co2", "§2.2", "CO2 of the telecom sector's electricity ('相当于排放2144.76万吨CO2')", "2144.76",
      "10^4 t CO2", _arith("kwh * grid / 1000 / 10000", implied=(_MIIT,), kwh=200e8)),
    _printed("2-2.aircon_kwh", "§2.2", "Electricity of base-station air conditioning ('70亿度')", "70", "10^8 kWh",
             "MIIT 2008 statistic; the input of the next row."),
    F("2-2.aircon_co2", "§2.2", "CO2 of base-station air conditioning ('750.67万吨CO2')", "750.67", "10^4 t CO2",
      _arith("kwh * grid / 1000 / 10000", implied=(_MIIT,), kwh=70e8),
      "The two MIIT statements agree with each other; the factor they share is not the report's 0.8665 or 0.834."),
    _printed("2-2.cm_kwh_2009", "§2.2", "China Mobile's electricity before its plan ('182亿度')", "182", "10^8 kWh",
             "China Mobile statement (note 4); the input of the next rows."),
    _printed("2-2.cm_kwh_2010", "§2.2", "China Mobile's electricity target 2010 ('100亿度')", "100", "10^8 kWh",
             "China Mobile statement (note 4); the input of the next rows."),
    F("2-2.cm_saving_kwh", "§2.2", "China Mobile's electricity saving 2010 ('82亿度')", "82", "10^8 kWh",
      _arith("before - after", before=182, after=100)),
    F("2-2.cm_saving_co2", "§2.2", "CO2 of China Mobile's saving ('相当于减少CO2排放680万吨')", "680", "10^4 t CO2",
      _arith("kwh * grid / 1000 / 10000", implied=(_CM_GRID,), kwh=82e8),
      "A third grid factor, 0.8293, beside §2.2's 1.07238 and the report's 0.8665 and 0.834."),
)

# -- Table 4-1 ---------------------------------------------------------------------------------------
_MUSIC = ("The appendix's own inputs (300,170 yuan = 5003 CDs at 1 kg, minus 4.10 t of network electricity) give "
          "0.90 t, as §4.2.2 says ('900kg').")
_MUSIC_SLIP = ("25914 kg = 30,017 CDs x 1 kg - 4103 kg of network electricity: 300,170 yuan at 10 yuan per CD, where "
               "the table's own 5003 CDs imply 60 yuan.")
_MMS_CARD = ("1,050,000 cards x 9.41 g = 9.88 t, minus 0.60 t of network electricity = 9.28 t; 22.064 t needs 21.58 g "
             "per card (2.29 A4 sheets) where the appendix approximates a card by one A4 sheet.")
_GENSET_SLIP = Slip("unit slip", _run("genset_monitoring", scale=1, a4_sheet_kg=9.41),
                    "44.346 t = 1200 sheets x 9.41 kg + 27,600 L x 1.197625 kg/L: the 9.41 g of paper per sheet "
                    "counted as 9.41 kg (11.29 t instead of 0.011 t).")
_T41 = [  # (row, model, printed t CO2, note, slip)
    (1, "mobile_newspaper", "457", "", None),
    (2, "newsletter", "22", "", None),
    (3, "mms_flyer", "109", "", None),
    (4, "self_service", "3322", "", None),
    (5, "einvoice", "327", "", None),
    (6, "music_download", "26", _MUSIC + " " + _MUSIC_SLIP, None),
    (7, "mms_card", "22", _MMS_CARD, None),
    (8, "fleet_management", "101804", "", None),
    (9, "genset_monitoring", "44", "", _GENSET_SLIP),
    (10, "urban_management", "34", "", None),
    (11, "rural_egov", "1941", "", None),
    (12, "streetlight", "1016", "", None),
    (13, "sim_card", "0.2", "", None),
    (14, "mobile_payment", "0.08", "", None),
]
for row, mid, printed, note, slip in _T41:
    _add(F(f"T4-1.r{row:02d}", "Table 4-1", f"{get_model(mid).title_zh} 2008 reduction", printed, "t CO2",
           _run(mid), note, slip=slip))
_add(
    F("T4-1.total", "Table 4-1", "Total of the fourteen solutions (E1, '10.9万')", "10.9", "10^4 t CO2",
      lambda c: c.e1() / 1e4, "The printed rows sum to 109,124 t as well."),
    F("T4-1.halls", "Table 4-1", "Medium service halls avoided ('287个')", "287", "halls", _run("self_service", "halls_avoided")),
    _printed("T4-1.counters", "Table 4-1", "Counters of a medium service hall ('5个人工台席')", "5", "counters",
             "Printed with the hall count; the appendix equation does not use it."),
    F("T4-1.cards", "Table 4-1", "Paper greeting cards equivalent to the MMS revenue ('105万张')", "105", "10^4 cards",
      _run("mms_card", "cards_replaced", 1e-4)),
    F("T4-1.cards_sent", "Table 4-1", "MMS greeting cards sent ('478万条')", "478", "10^4 messages", None,
      "The appendix uses the traffic (239,000 MB), not the count; 239,000 MB / 478万 = 0.05 MB per card, a size the "
      "report does not state."),
    F("T4-1.cds", "Table 4-1", "CDs equivalent to the download revenue ('5000张')", "5000", "CDs",
      _run("music_download", "cds_replaced")),
    F("T4-1.downloads", "Table 4-1", "Full-track downloads ('约82万次')", "82", "10^4 downloads", None,
      "The appendix uses the traffic (1,640,000 MB), not the count; 1,640,000 MB / 82万 = 2 MB per download, a size the "
      "report does not state."),
    F("T4-1.newspaper_users", "Table 4-1", "Mobile-newspaper subscribers ('约为90万')", "90", "10^4 people",
      _inp("mobile_newspaper", "subscriber_count", 1e-4)),
    F("T4-1.newspaper_share", "Table 4-1", "Share of print copies replaced ('4.3%')", "4.3", "%",
      _inp("mobile_newspaper", "substitution_rate", 100)),
    F("T4-1.newsletter_customers", "Table 4-1", "Corporate newsletter customers ('2万')", "2", "10^4 customers",
      _inp("newsletter", "customer_count", 1e-4)),
    _printed("T4-1.newsletter_share", "Table 4-1", "Newsletters replaced one for one ('100%')", "100", "%",
             "The appendix equation replaces every issue (no share appears in it)."),
    F("T4-1.flyers_sent", "Table 4-1", "MMS flyers sent ('1200万条')", "1200", "10^4 messages",
      _inp("mms_flyer", "mms_messages", 1e-4), "Appendix 12 sends 36,000,000 MMS flyers to replace 12,000,000 printed "
      "ones.", slip=Slip("wrong number", _inp("mms_flyer", "paper_flyers", 1e-4),
                         "1200万 is Appendix 12's count of printed flyers (12,000,000), given as the MMS count "
                         "(36,000,000).")),
    _printed("T4-1.flyer_share", "Table 4-1", "Printed flyers replaced one for one ('100%')", "100", "%",
             "Appendix 12 replaces 12,000,000 printed flyers with 36,000,000 MMS, three per flyer."),
    F("T4-1.invoices", "Table 4-1", "E-invoices in 2008 ('6万千万张', read as 6千万)", "6000", "10^4 invoices",
      _inp("einvoice", "invoice_count", 1e-4), "The note prints '6万千万张', which read literally is 6 x 10^11; read "
      "as 6千万 (6000万), the appendix's 60,000,000."),
    F("T4-1.vehicles", "Table 4-1; Appendix 1", "Registered 车管家 vehicles ('3万台')", "3", "10^4 vehicles",
      Printed("Appendix 1 prints 30,000 as well; its equation uses the tonnage (6000 x 100 t), not the count.")),
    F("T4-1.empty_rate_relative", "Table 4-1", "Relative drop of the empty-running rate ('下降了10%')", "10", "%", None,
      "The previous empty-running rate is not given; with Appendix 1's cut of 1.5 points, 10% means a previous rate of "
      "15% (§5.1.4 gives 30% nationally)."),
    F("T4-1.gensets", "Table 4-1", "Generators in the pilot ('55台')", "55", "generators",
      _inp("genset_potential", "pilot_gensets")),
    _quote("T4-1.genset_plan", "Table 4-1", "Planned monitored sites within three years ('2000个点')", "2000", "sites",
           "China Mobile Chongqing's plan"),
    F("T4-1.towns", "Table 4-1", "Towns covered by 农政通 ('262镇')", "262", "towns", _inp("rural_egov", "town_count")),
    F("T4-1.lamps", "Table 4-1", "Street lights controlled ('2000盏')", "2000", "lamps", _inp("streetlight", "lamp_count")),
    F("T4-1.sim_cards", "Table 4-1", "SIM cards in the pilot ('10000张')", "10000", "cards",
      _inp("sim_card", "sim_cards_before")),
    _quote("T4-1.merchants", "Table 4-1", "Merchants accepting mobile payment ('2400多家')", "2400", "merchants",
           "China Mobile Chongqing"),
)

# -- Tables 4-2 to 4-4: reductions (kg) and enablement factors ------------------------------------
_T42_READING = ("Which factor belongs to which of Table 4-2's first four rows is ambiguous: the values 3869, 244, 113 "
                "and 64825 are not aligned with the rows; they are read in row order (车管家 3869, 顾客自助服务 244, "
                "电子发票 113, 路灯远程控制 64825). No other assignment of the four matches the stated inputs either.")
_OWN = "the ICT own emission of {}"
for _mid, _fid in (("fleet_management", "4-2.fleet.factor"), ("urban_management", "4-2.urban.factor"),
                   ("rural_egov", "4-4.rural.factor"), ("streetlight", "4-2.streetlight.factor")):
    _solved(_mid, "ict_own_emission_t", _fid, _OWN.format(get_model(_mid).title_zh) + " (its appendix table counts "
            "no ICT system, 不计ICT系统排放)")


def _carried(kg: str, own: str, model: str) -> Slip:
    return Slip("carried from the printed reduction",
                lambda c, kg=kg, model=model: float(kg) / 1000 / c.run(model, "ict_own_emission_t"),
                f"= the printed {kg} kg / the own emission of {own} kg: the factor follows the printed reduction, which "
                "the stated inputs do not give.")


_T42 = [  # (id, table, model, printed kg, printed factor, reduction note, factor note, reduction slip, factor slip)
    ("fleet", "Table 4-2", "fleet_management", "101804850", "3869", "", _T42_READING, None, None),
    ("self_service", "Table 4-2", "self_service", "3322236", "244",
     "The stated inputs give 3,322,186 kg (after-ICT emission 57.4 kg); 3,322,236 kg implies 7.4 kg.",
     "With the stated inputs the own emission is 57.4 kg and the factor 57,832; 244 implies 13.6 t of own emission, "
     "which the 3322 t reduction (baseline 3322.24 t) cannot hold. " + _T42_READING,
     Slip("dropped digit", _run("self_service", scale=1000, electronic_transactions=2960000),
          "3,322,236 kg = 3,322,244 kg baseline - 2,960,000 transactions x 0.001 MB x 0.003 kWh/MB x 0.834 kg/kWh "
          "(7.4 kg): the 22,960,000 electronic transactions with the leading 2 dropped."), None),
    ("einvoice", "Table 4-2", "einvoice", "327366", "113", "",
     "With the stated inputs the own emission is 0.1015 t (network 0.0897 t + platform 0.0118 t) and the factor "
     "3225; 113 implies 2.90 t. " + _T42_READING, None, None),
    ("streetlight", "Table 4-2", "streetlight", "1015620", "64825", "", _T42_READING, None, None),
    ("urban", "Table 4-2", "urban_management", "33848", "63", "", "", None, None),
    ("music", "Table 4-3", "music_download", "25914", "6.3", _MUSIC + " " + _MUSIC_SLIP, "", None,
     _carried("25914", "4103", "music_download")),
    ("newspaper", "Table 4-3", "mobile_newspaper", "456973", "6.3", "",
     "With the stated 0.8665 kg/kWh the factor is 6.39 (454,602 kg / 71,146 kg), printed cut off; with the 0.834 "
     "the printed reduction needs it is 6.64, and the row above (全曲下载) prints the same 6.3.", None, None),
    ("newsletter", "Table 4-3", "newsletter", "22113", "46.9", "",
     "The stated inputs give 22,114 kg / 470.3 kg = 47.0; 46.9 needs an own emission of 471.5 kg.", None, None),
    ("mms_card", "Table 4-3", "mms_card", "22064", "36.9", _MMS_CARD,
     "The own emission, 598 kg, follows from the stated inputs (with 0.834 kg/kWh); the reduction does not.", None,
     _carried("22064", "598", "mms_card")),
    ("mms_flyer", "Table 4-3", "mms_flyer", "108842", "26.7", "", "", None, None),
    ("rural", "Table 4-4", "rural_egov", "1940599", "0.14", "",
     "It implies 13,861 t of own emission, 7 times the reduction.", None, None),
    ("payment", "Table 4-4", "mobile_payment", "76", "0.2",
     "§4.4 says the factors of 企业一卡通, 手机支付 and 油机监控 are missing; Table 4-4 prints 0.2 for this row "
     "(电子商务).", "", None, None),
]
_solved("newsletter", "sheets_per_issue", "4-3.newsletter.reduction", "the A4 sheets per printed issue (the "
        "appendix's formula names them; its table shows only the rounded 23 t of paper)")
_solved("music_download", "cd_price_yuan", "A8.cds_replaced", "the price of a CD it divides the revenue by")
_ALT = {"newspaper": (_run("mobile_newspaper", scale=1000, grid_kg_per_kwh=0.83402), "grid_kg_per_kwh = 0.83402",
                      "for this figure alone (0.834007 to 0.834028 reproduce it), slightly above the 0.834 every other "
                      "electricity figure of the appendix tables needs")}
for key, table, mid, kg, factor, note_r, note_f, slip_r, slip_f in _T42:
    _add(F(f"{table[6:]}.{key}.reduction", table, f"{get_model(mid).title_zh} reduction", kg, "kg CO2",
           _run(mid, scale=1000), note_r, slip=slip_r, alt=_ALT.get(key)),
         F(f"{table[6:]}.{key}.factor", table, f"{get_model(mid).title_zh} enablement factor", factor, "1",
           _run(mid, "enablement_factor"), note_f, slip=slip_f))
_add(
    F("4-4.sim_card.reduction", "Table 4-4", "企业一卡通 reduction", "192.4548", "kg CO2", _run("sim_card", scale=1000)),
    F("4-4.genset.reduction", "Table 4-4", "油机监控 reduction", "44346", "kg CO2", _run("genset_monitoring", scale=1000),
      "The stated inputs give 33,066 kg.", slip=Slip("unit slip", _run("genset_monitoring", scale=1000, a4_sheet_kg=9.41),
                                                      _GENSET_SLIP.arithmetic)),
    F("4-4.average_factor", "§4.4", "Average enablement factor of the solutions ('大于7', '7倍多')", "7", "1",
      _run("enablement"), "Pooled: the 12 solutions with an own emission; dominated by 农政通's implied 13,861 t.",
      compare="and_more"),
    F("S.average_factor", "Summary", "The 14 solutions cut 'more than 7 times' their own emission ('7倍以上')", "7",
      "1", _run("enablement"), "Pooled as in §4.4.", compare="at_least"),
    F("4-1.eight_times", "§4.1 C", "The 14 solutions cut '8 times and more' their own emission ('8倍多')", "8", "1",
      _run("enablement"), "§4.4 and the summary say 'above 7'; pooling the published factors gives 7.8.",
      compare="and_more", slip=Slip("rounded intermediate", lambda c: round(c.run("enablement")),
                                    "the pooled factor 7.81 (109,043 t / 13,967 t) rounded to 8, then called "
                                    "'8倍多' (8 and more).")),
    F("4-4.five_times", "§4.1; §4.3; §4.4", "Reduction per unit of own emission assumed for the other services ('5倍')",
      "5", "1", _inp("portfolio", "enablement_multiplier")),
    _quote("4-3.range", "§4.3", "Reduction per unit of own emission in the literature ('2-100倍')", "100", "1",
           "'national and international studies'"),
)

# -- §4.3 and §4.5 roll-up, Summary --------------------------------------------------------------
_solved("china_mobile", "chongqing_share", "4-5.china_mobile",
        "Chongqing's share of China Mobile's business volume (or the volume measure and both values)")
_CQ = dict(e3_t=835000, chongqing_share=835000 / 4.85e7)   # from the published 83.5万 t and 4850万 t
_add(
    F("4-3.selected_share", "§4.3", "Traffic share of the fourteen solutions ('9.4%')", "9.4", "%",
      _inp("portfolio", "selected_traffic_share", 100)),
    _printed("4-3.product_share", "§4.3", "Product share of the fourteen solutions ('13.9%')", "13.9", "%",
             "The estimate scales by the traffic share (9.4%), not by this one."),
    F("4-3.total_kwh", "§4.3", "Electricity of China Mobile Chongqing 2008 ('约为1.85亿千瓦时')", "1.85", "10^8 kWh",
      _inp("portfolio", "total_kwh", 1e-8)),
    F("4-3.e2", "§4.3", "Reduction of the other services (E2)", "72.6", "10^4 t CO2", _run("portfolio", "e2_t", 1e-4)),
    F("4-3.e3", "§4.3; §4.5", "China Mobile Chongqing total (E3)", "83.5", "10^4 t CO2",
      lambda c: c.run("portfolio", "e3_t", e1_t=c.e1()) / 1e4),
    F("4-1.solution_count", "§4.1", "Low-carbon solutions of China Mobile Chongqing ('100种之多')", "100", "solutions",
      _arith("selected + other", selected=14, other=87), "14 studied plus the 87 others of §4.1 and §4.3.",
      compare="at_least"),
    F("4-1.other_count", "§4.1", "Solutions not studied ('剩下的80多种')", "80", "solutions",
      _arith("other", other=87), "§4.1 and §4.3 also say 87.", compare="and_more"),
    F("4-5.china_mobile", "§4.1; §4.5; Summary", "China Mobile nationwide 2008 ('4850多万吨')", "4850", "10^4 t CO2",
      lambda c: c.run("china_mobile", e3_t=835000) / 1e4,
      "The business-volume measure is not named; §4.5 scales 83.5万 t to 4850万 t, i.e. a share of 1.72%.",
      compare="and_more"),
    F("2-2.total_2008", "§2.2", "China Mobile's solutions 2008 ('大约为4700万吨')", "4700", "10^4 t CO2",
      lambda c: c.run("china_mobile", e3_t=835000) / 1e4,
      "§4.1, §4.5 and the summary give 4850万 t for the same total.",
      slip=Slip("wrong number (one of several that fit a figure printed to hundreds)",
                lambda c: (c.e1() + c.run("portfolio", "e2_t", grid_kg_per_kwh=0.834)) / (835000 / 4.85e7) / 1e4,
                "E2 with the 0.834 kg/kWh of the appendix tables instead of the stated 0.8665 gives E3 = 80.8万 t "
                "and 80.8万 / 1.72% = 4693万 t, printed to hundreds as 4700.")),
    F("4-5.users", "§4.5", "China's wireless subscribers, June 2008 ('6亿')", "6", "10^8 users",
      _inp("wireless_industry", "wireless_users_100m")),
    F("4-5.cm_users", "§4.5", "China Mobile subscribers, June 2008 ('4.15亿')", "4.15", "10^8 users",
      _inp("wireless_industry", "china_mobile_users_100m")),
    F("4-5.cm_share", "§4.5", "China Mobile's share of the wireless market ('70%左右')", "70", "%",
      _run("wireless_industry", "china_mobile_share", 100)),
    F("S.cm_share", "Summary note iii", "China Mobile's share of mobile users 2008 and 2009 ('约占…70%')", "70", "%",
      _run("wireless_industry", "china_mobile_share", 100), "From §4.5's June 2008 subscribers."),
    F("4-5.wireless", "§4.5", "Wireless industry 2008 ('约为约7000万吨')", "7000", "10^4 t CO2",
      lambda c: c.run("wireless_industry", china_mobile_t=4.85e7) / 1e4, "From the published 4850万 t."),
    F("S.wireless", "Summary", "Wireless industry 2008 ('至少为7000多万吨')", "7000", "10^4 t CO2",
      lambda c: c.run("wireless_industry", china_mobile_t=4.85e7) / 1e4, "From the published 4850万 t.",
      compare="and_more"),
    F("S.growth_2009", "Summary", "Growth of China Mobile's ICT business 2009 ('增加了20%')", "20", "%",
      _inp("china_mobile", "growth_2009", 100)),
    F("S.china_mobile_2009", "Summary", "China Mobile 2009 estimate ('约为5820万吨')", "5820", "10^4 t CO2",
      lambda c: c.run("china_mobile", "china_mobile_2009_t", **_CQ) / 1e4, "From the published 4850万 t plus 20%."),
    F("S.own_emission", "Summary", "China Mobile's own emission ('约794万吨')", "794", "10^4 t CO2",
      _inp("china_mobile", "own_emission_t", 1e-4)),
    F("S.own_ratio", "Summary", "China Mobile's reduction / own emission ('6倍左右')", "6", "1",
      lambda c: c.run("china_mobile", "own_emission_ratio", **_CQ), "4850万 t / 794万 t = 6.1."),
    _printed("S.cm_users_2009", "Summary note i", "China Mobile subscribers, 30 Nov 2009 ('5.18亿')", "5.18",
             "10^8 users", "China Mobile statistic; no calculation uses it."),
)

# -- §4.2 case texts ---------------------------------------------------------------------------------
_CQ_TEXT = "China Mobile Chongqing statistic quoted in §4.2.1; no calculation uses it."
_add(
    _quote("4-0.newspaper_users", "§4 introduction", "Mobile-newspaper users, end of 2008 ('近4000万')", "4000",
           "10^4 users", "China Mobile (note 21)"),
    _quote("4-0.newspaper_copies", "§4 introduction", "Mobile newspapers sent in 2008 ('270亿份')", "270",
           "10^8 copies", "China Mobile (note 21)"),
    _quote("4-0.xiamen_transactions", "§4 introduction", "Xiamen: electronic transactions Jan 2007-May 2008 ('3800万笔')",
           "3800", "10^4 transactions", "China Mobile Xiamen"),
    _quote("4-0.xiamen_paper", "§4 introduction", "Xiamen: paper saved ('节约用纸445吨')", "445", "t paper",
           "China Mobile Xiamen (no paper per transaction is given)"),
    _quote("4-2-1.electronic_share", "§4.2.1", "Share of transactions handled electronically ('90%')", "90", "%",
           "China Mobile Chongqing"),
    _printed("4-2-1.customers_2007", "§4.2.1", "Customers, January 2007 ('170万')", "170", "10^4 customers", _CQ_TEXT),
    _printed("4-2-1.transactions_2007", "§4.2.1", "Transactions, January 2007 ('200万笔')", "200", "10^4 transactions",
             _CQ_TEXT),
    _printed("4-2-1.counter_2007", "§4.2.1", "Of which at the counter ('42万笔')", "42", "10^4 transactions", _CQ_TEXT),
    _printed("4-2-1.customers_2008", "§4.2.1", "Customers, May 2008 ('220万')", "220", "10^4 customers", _CQ_TEXT),
    _printed("4-2-1.transactions_2008", "§4.2.1", "Transactions, May 2008 ('310万')", "310", "10^4 transactions", _CQ_TEXT),
    _printed("4-2-1.counter_2008", "§4.2.1", "Of which at the counter ('31万')", "31", "10^4 transactions", _CQ_TEXT),
    F("4-2-1.counter_share", "§4.2.1", "Share handled at the counter, May 2008 ('仅9.8%')", "9.8", "%",
      _arith("counter / total * 100", counter=31, total=310), "31万 / 310万 = 10.0%; the two counts are printed to "
      "two digits, and 9.8% lies within their rounding (e.g. 31万 / 316万)."),
    F("4-2-1.electronic_share_2008", "§4.2.1", "Share handled electronically, May 2008 ('90%')", "90", "%",
      _arith("(total - counter) / total * 100", counter=31, total=310)),
    _quote("4-2-1.self_service_2007", "§4.2.1", "Counter share of self-service transactions, Jan 2007 ('61%')", "61",
           "%", "China Mobile Chongqing (note 26)"),
    _quote("4-2-1.self_service_2008", "§4.2.1", "Counter share of self-service transactions, May 2008 ('8%')", "8",
           "%", "China Mobile Chongqing (note 26)"),
    F("4-2-1.hall_kwh", "§4.2.1", "Electricity of a medium service hall ('10000度')", "10000", "kWh/yr",
      _inp("self_service", "hall_kwh_year")),
    F("4-2-1.sheets", "§4.2.1", "A4 sheets per transaction ('四张')", "4", "A4 sheets",
      _inp("self_service", "sheets_per_transaction"), "Appendix 5 uses 3 sheets, and its 3322 t needs 3."),
    F("4-2-1.equivalents", "§4.2.1", "Electronic transactions as physical-channel equivalents ('3300万')", "3300",
      "10^4 transactions", _inp("self_service", "physical_equivalent_transactions", 1e-4)),
    F("4-2-1.halls", "§4.2.1", "Service halls avoided ('将近300个')", "300", "halls", _run("self_service", "halls_avoided"),
      compare="nearly"),
    F("4-2-1.total", "§4.2.1", "Self-service reduction ('3300吨')", "3300", "t CO2", _run("self_service")),
    F("4-2-1.hall_kwh_total", "§4.2.1", "Electricity of 300 service halls ('300万度')", "300", "10^4 kWh",
      _arith("halls * kwh / 10000", halls=300, kwh=10000)),
    F("4-2-1.hall_co2", "§4.2.1", "300 service halls, 300万 kWh -> CO2 ('2500吨')", "2500", "t CO2",
      _run("self_service", "hall_electricity_t", physical_equivalent_transactions=300 * 114156)),
    _quote("4-2-1.clerks", "§4.2.1", "Clerks one self-service terminal replaces ('3.2名')", "3.2", "clerks",
           "China Mobile Chongqing"),
    _quote("4-2-1.terminal_cost", "§4.2.1", "Monthly cost of a terminal per clerk's cost ('1/3')", "0.33", "1",
           "China Mobile Chongqing"),
    _quote("4-2-1.transactions", "§4.2.1", "Electronic transactions Jan 2007-May 2008 ('3900万笔')", "3900",
           "10^4 transactions", "China Mobile Chongqing"),
    F("4-2-1.paper", "§4.2.1", "Paper saved Jan 2007-May 2008 ('670吨')", "670", "t paper", None,
      "The report gives sheets per transaction (3 or 4) but no mass per sheet: 670 t for 3900万 transactions is 17 g "
      "per transaction."),
    _quote("4-2-1.cost", "§4.2.1", "Cost saved ('1250万')", "1250", "10^4 yuan", "China Mobile Chongqing"),
    _printed("4-2-1.trees_per_t", "§4.2.1", "Trees per tonne of paper ('20棵大树')", "20", "trees/t",
             "National Bureau of Statistics (note 27); the input of the trees figure."),
    _printed("4-2-1.water_per_t", "§4.2.1", "Water per tonne of paper ('100立方米')", "100", "m3/t",
             "National Bureau of Statistics (note 27); the input of the water figure."),
    F("4-2-1.trees", "§4.2.1", "Trees saved ('13000棵大树')", "13000", "trees", _arith("paper * trees", paper=670, trees=20),
      "670 t x 20 = 13,400, printed to thousands."),
    F("4-2-1.water", "§4.2.1", "Water saved ('67000吨水')", "67000", "t water", _arith("paper * water", paper=670, water=100),
      "670 t x 100 m3 (1 m3 of water = 1 t)."),
    F("4-2-2.music", "§4.2.2", "Full-track download reduction ('900kg')", "900", "kg CO2", _run("music_download", scale=1000)),
    _quote("4-2-2.users", "§4.2.2", "China's mobile users ('4.3亿户')", "4.3", "10^8 users", "IFPI, Digital Music Report 2007"),
    F("4-2-3.lamps", "§4.2.3", "Street lights controlled ('2000盏')", "2000", "lamps", _inp("streetlight", "lamp_count")),
    F("4-2-3.hours", "§4.2.3", "Lighting hours saved per lamp ('900多个小时')", "900", "h/yr",
      _arith("before - after", before=4197.5, after=3285), "Appendix 7: 4197.5 h - 3285 h.", compare="and_more"),
    F("4-2-3.grid", "§4.2.3", "Grid factor ('每度电有866.5g二氧化碳')", "866.5", "g CO2/kWh",
      _inp("urban_management", "grid_kg_per_kwh", 1000),
      "The factor the report states; the street-light figures of the same paragraph need 0.834."),
    F("4-2-3.kwh", "§4.2.3", "Electricity saved by 2000 controlled lamps ('54.8万度')", "54.8", "10^4 kWh",
      _run("streetlight", "electricity_saved_kwh", 1e-4)),
    F("4-2-3.lighting", "§4.2.3", "CO2 cut by shorter lighting ('450余吨')", "450", "t CO2",
      lambda c: c.run("streetlight", "lighting_before_t") - c.run("streetlight", "lighting_after_t"),
      "The sentence itself states 866.5 g/kWh, which gives 474 t.", compare="and_more"),
    F("4-2-3.cost", "§4.2.3", "Transport cost saved ('150万元')", "150", "10^4 yuan",
      _inp("streetlight", "transport_cost_saved_yuan", 1e-4)),
    F("4-2-3.gasoline", "§4.2.3", "CO2 per litre of gasoline ('2.236kg')", "2.236", "kg/L",
      _inp("streetlight", "gasoline_kg_per_l")),
    F("4-2-3.transport", "§4.2.3", "CO2 cut in maintenance transport ('约600吨')", "600", "t CO2",
      _run("streetlight", "transport_before_t"), "The gasoline price (6 yuan/L) is stated in Appendix 7."),
    F("4-2-3.total", "§4.2.3", "Street-light control reduction ('约1050吨')", "1050", "t CO2",
      _arith("lighting + transport", lighting=450, transport=600),
      "The sum of the two rounded figures above; unrounded they sum to 1015.6 t, which Table 4-1 prints as 1016 t."),
    F("4-2-3.national_lamps", "§4.2.3", "Street lights in China ('大约有1500万盏')", "1500", "10^4 lamps",
      Printed("Industry estimate; Table 5-8 gives 1530万 for 2010.")),
)
_LAMP_ROUNDED = "the pilot's 1015.6 t per 2000 lamps rounded to 0.5 t per lamp (1000 t)"
for share, printed in ((0.5, "375"), (0.7, "525"), (0.9, "675")):
    inputs = dict(lamp_count_10k=1500, adoption_rate=share, efficiency_cut=0.0, target_year=2010)
    _add(F(f"4-2-3.national_{int(share * 100)}", "§4.2.3", f"1500万 lamps, {share:.0%} controlled", printed,
           "10^4 t CO2", _run("streetlight_potential", scale=1e-4, pilot_reduction_t=1050, **inputs),
           "From the '约1050吨' of the same paragraph (Table 4-1: 1016 t).",
           slip=Slip("rounded intermediate", _run("streetlight_potential", scale=1e-4, pilot_reduction_t=1000, **inputs),
                     f"{printed}万 t = 1500万 lamps x {share:.0%} x 0.5 t: {_LAMP_ROUNDED}.")))
_add(
    F("4-2-4.currency", "§4.2.4", "Currency issued in 2009 ('31607.36亿元')", "31607.36", "10^8 yuan",
      _inp("banknote_production", "currency_100m_yuan")),
    F("4-2-4.notes", "§4.2.4", "100-yuan notes equivalent to the currency issued ('316亿张')", "316", "10^8 notes",
      _run("banknote_production", "note_count", 1e-8)),
    F("4-2-4.note_size", "§4.2.4", "A4 sheets per note ('五分之一')", "0.2", "A4 sheets",
      _inp("banknote_production", "a4_per_note")),
    F("4-2-4.a4", "§4.2.4", "CO2 per A4 sheet ('约为9克')", "9", "g CO2/sheet", _inp("banknote_production", "a4_sheet_kg", 1000),
      "The appendix tables use 9.41 g."),
    F("4-2-4.banknotes", "§4.2.4", "CO2 of printing a year's bank notes ('约5.7万吨')", "5.7", "10^4 t CO2",
      _run("banknote_production", scale=1e-4)),
    F("4-2-4.pvc", "§4.2.4", "CO2 per g of PVC ('约为1.9g')", "1.9", "g/g", _inp("sim_card", "pvc_kg_per_kg")),
    F("4-2-4.sim_weight", "§4.2.4", "A SIM card weighs 'less than a tenth' of a bank card ('不到…十分之一')", "0.1", "1",
      _arith("sim / card", sim=0.3, card=3.67), "By volume (Appendix 13: 0.3 and 3.67 cm3, one density).",
      compare="at_most"),
    F("4-2-4.sim_cut", "§4.2.4", "A SIM card cuts 'more than 90%' of a bank card's CO2 ('90%以上')", "90", "%",
      _arith("(1 - sim / card) * 100", sim=0.3, card=3.67), compare="at_least"),
    F("4-2-4.cards_halved", "§4.2.4", "Cards 'reduced by half' ('减少了一半')", "50", "%",
      _arith("(before - after) / before * 100", before=40000, after=20000),
      "Plastic cards, 40,000 to 20,000 (Appendix 13); counting the 10,000 SIM cards too it is 40%."),
    F("4-2-4.sim_card", "§4.2.4", "SIM card consolidation ('接近0.2吨')", "0.2", "t CO2", _run("sim_card"),
      compare="nearly"),
    _quote("4-2-4.mobile_users", "§4.2.4", "China's mobile users, end of 2008 ('6.49亿户')", "6.49", "10^8 users",
           "the former Ministry of Information Industry"),
    _quote("4-2-4.credit_cards", "§4.2.4", "Credit cards ('1.42亿')", "1.42", "10^8 cards", "China UnionPay"),
    F("4-2-4.retail", "§4.2.4", "Retail sales 2008 ('108488亿元')", "108488", "10^8 yuan",
      _inp("sim_payment_potential", "retail_sales_100m_yuan")),
    F("4-2-4.sim_share", "§4.2.4", "Share paid by SIM card ('5%')", "5", "%", _inp("sim_payment_potential", "sim_share", 100)),
    F("4-2-4.sim_payment", "§4.2.4", "5% of retail sales by SIM payment ('至少4000吨')", "4000", "t CO2",
      _run("sim_payment_potential"), "Note 32 cites a thesis but gives no inputs.", compare="at_least"),
)
_solved("sim_payment_potential", "g_per_yuan", "4-2-4.sim_payment",
        "the CO2 avoided per yuan paid by SIM card (or the calculation of note 32)")
# -- Appendix calculation tables (inputs as printed, then results) ----------------------------------
_APPENDIX_TABLES = {  # model: [(printed, unit, name, scale)]; scale converts the model value to the printed unit
    "fleet_management": [("6000", "100 t", "tonnage_100t", 1), ("1.5", "%", "empty_rate_drop", 100),
                         ("150000", "km/(vehicle·yr)", "km_per_vehicle_year", 1),
                         ("6.3", "L/(100 t·km)", "diesel_l_per_100tkm", 1), ("1.197", "kg/L", "diesel_kg_per_l", 1),
                         ("101804", "t CO2", "reduction_t", 1)],
    "genset_monitoring": [("1200", "sheets", "paper_sheets_saved", 1), ("27600", "L", "diesel_saved_l", 1),
                          ("9.41", "g/sheet", "a4_sheet_kg", 1000), ("1197.625", "g/L", "diesel_kg_per_l", 1000),
                          ("44", "t CO2", "reduction_t", 1)],
    "urban_management": [("10000", "kWh", "electricity_saved_kwh", 1), ("10000", "L", "fuel_saved_l", 1),
                         ("300000", "sheets", "paper_sheets_saved", 1), ("866.5", "g/kWh", "grid_kg_per_kwh", 1000),
                         ("2236", "g/L", "gasoline_kg_per_l", 1000), ("9.41", "g/sheet", "a4_sheet_kg", 1000),
                         ("33.8", "t CO2", "reduction_t", 1)],
    "mms_card": [("2100000", "yuan", "revenue_yuan", 1), ("2", "yuan", "card_price_yuan", 1),
                 ("1050000", "cards", "cards_replaced", 1), ("239000", "MB", "mms_traffic_mb", 1),
                 ("0.003", "kWh/MB", "network_kwh_per_mb", 1), ("22", "t CO2", "reduction_t", 1)],
    "self_service": [("32800000", "transactions", "physical_equivalent_transactions", 1),
                     ("114156", "transactions", "transactions_per_hall_year", 1),
                     ("287.3261151", "halls", "halls_avoided", 1), ("10000", "kWh", "hall_kwh_year", 1),
                     ("3", "sheets", "sheets_per_transaction", 1), ("22960000", "transactions", "electronic_transactions", 1),
                     ("0.001", "MB", "mb_per_transaction", 1), ("3322", "t CO2", "reduction_t", 1)],
    "rural_egov": [("262", "towns", "town_count", 1), ("35000", "yuan", "paper_cost_saved_yuan", 1),
                   ("0.05", "yuan", "a4_price_yuan", 1), ("0.00941", "kg/sheet", "a4_sheet_kg", 1),
                   ("2200", "yuan", "transport_cost_saved_yuan", 1), ("6", "yuan/L", "gasoline_price_yuan_per_l", 1),
                   ("2.236", "kg/L", "gasoline_kg_per_l", 1), ("1941", "t CO2", "reduction_t", 1)],
    "streetlight": [("2000", "lamps", "lamp_count", 1), ("4197.5", "h", "hours_before", 1), ("3285", "h", "hours_after", 1),
                    ("0.3", "kW", "lamp_kw", 1), ("1500000", "yuan", "transport_cost_saved_yuan", 1),
                    ("6", "yuan/L", "gasoline_price_yuan_per_l", 1), ("2.236", "kg/L", "gasoline_kg_per_l", 1),
                    ("559", "t CO2", "transport_before_t", 1), ("2100.43", "t CO2", "lighting_before_t", 1),
                    ("1643.81", "t CO2", "lighting_after_t", 1), ("1016", "t CO2", "reduction_t", 1)],
    "music_download": [("300170", "yuan", "revenue_yuan", 1), ("5003", "CDs", "cds_replaced", 1),
                       ("1000", "g/CD", "cd_kg_per_disc", 1000), ("1640000", "MB", "download_traffic_mb", 1),
                       ("26", "t CO2", "reduction_t", 1)],
    "mobile_newspaper": [("890000", "people", "subscriber_count", 1), ("0.043", "1", "substitution_rate", 1),
                         ("365", "copies", "papers_per_reader_year", 1), ("4", "sheets", "sheets_per_paper", 1),
                         ("9.41", "g/sheet", "a4_sheet_kg", 1000), ("7921510.67", "g", "hardware_t", 1e6),
                         ("27.34", "MB", "mb_per_subscriber_year", 1), ("457", "t CO2", "reduction_t", 1)],
    "newsletter": [("20000", "customers", "customer_count", 1), ("12", "issues", "issues_per_year", 1),
                   ("23", "t CO2", "baseline_t", 1), ("8.32", "MB", "mb_per_customer_year", 1),
                   ("0.003", "kWh/MB", "network_kwh_per_mb", 1), ("0.054", "t CO2", "hardware_t", 1),
                   ("22", "t CO2", "reduction_t", 1)],
    "einvoice": [("0.58", "sheets", "sheets_per_invoice", 1), ("60000000", "invoices", "invoice_count", 1),
                 ("9.41", "g/sheet", "a4_sheet_kg", 1000), ("35840", "MB", "traffic_mb", 1),
                 ("11827.2", "g", "platform_t", 1e6), ("327", "t CO2", "reduction_t", 1)],
    "mms_flyer": [("12000000", "flyers", "paper_flyers", 1), ("9.41", "g/flyer", "a4_sheet_kg", 1000),
                  ("36000000", "messages", "mms_messages", 1), ("0.04", "MB", "mb_per_message", 1),
                  ("475200", "g", "platform_t", 1e6), ("109", "t CO2", "reduction_t", 1)],
    "sim_card": [("10000", "cards", "sim_cards_before", 1), ("10000", "cards", "sim_cards_after", 1),
                 ("40000", "cards", "plastic_cards_before", 1), ("20000", "cards", "plastic_cards_after", 1),
                 ("3.67", "cm3", "plastic_card_cm3", 1), ("0.3", "cm3", "sim_card_cm3", 1),
                 ("1.9", "g/g", "pvc_kg_per_kg", 1), ("1.38", "g/cm3", "pvc_g_per_cm3", 1),
                 ("392775.6", "g CO2", "baseline_t", 1e6), ("200320.8", "g CO2", "after_ict_t", 1e6),
                 ("0.2", "t CO2", "reduction_t", 1)],
    "mobile_payment": [("49913", "accounts", "account_count", 1), ("4.83", "g", "monthly_card_g", 1),
                       ("1.9", "g/g", "pvc_kg_per_kg", 1), ("0.7314", "g", "metro_card_g", 1),
                       ("313061", "g", "server_t", 1e6), ("0.076", "t CO2", "reduction_t", 1)],
}
_APPENDIX_SPECIAL = {  # (model, name) -> overrides of the figure's note, compute or slip
    ("genset_monitoring", "reduction_t"): dict(note="The stated inputs give 33.07 t.", slip=_GENSET_SLIP),
    ("mms_card", "reduction_t"): dict(note=_MMS_CARD),
    ("music_download", "reduction_t"): dict(note=_MUSIC + " " + _MUSIC_SLIP),
    ("newsletter", "baseline_t"): dict(note="Printed rounded to 23 t; the 22113 kg of Table 4-3 needs 22.584 t."),
    ("einvoice", "sheets_per_invoice"): dict(compute=_arith("w * h / (210 * 297)", w=190, h=190.5),
                                             note="190 x 190.5 mm over an A4 sheet (210 x 297 mm) = 0.5803."),
}
for _num, (_mid, _rows) in enumerate(_APPENDIX_TABLES.items(), start=1):
    _model = get_model(_mid)
    _inputs = {i.name for i in _model.inputs}
    for _printed_value, _unit, _name, _scale in _rows:
        what = _model.input(_name).label if _name in _inputs else _model.step(_name).label
        fn = _inp(_mid, _name, _scale) if _name in _inputs else _run(_mid, _name, _scale)
        special = _APPENDIX_SPECIAL.get((_mid, _name), {})
        _add(F(f"A{_num}.{_name}", f"Appendix {_num} table", f"{_model.title_zh}: {what}", _printed_value, _unit,
               special.get("compute", fn), special.get("note", ""), slip=special.get("slip")))

# -- §5.1 smart logistics ------------------------------------------------------------------------------
_STATS = "National statistic quoted in §5.1.3; no calculation uses it."
_add(
    _quote("5-1.smart2020_logistics", "§5.1", "Global smart-logistics cut in 2020 ('15.2亿吨')", "15.2", "10^8 t CO2",
           "SMART 2020"),
    _quote("5-1.smart2020_value_eur", "§5.1", "Energy value saved ('2800亿欧元')", "2800", "10^8 EUR", "SMART 2020"),
    _quote("5-1.smart2020_value_usd", "§5.1", "Energy value saved in dollars ('相当于4417亿美元')", "4417", "10^8 USD",
           "SMART 2020 (no exchange rate is given)"),
    F("5-1.empty_rate", "§5.1; §5.1.4; Table 5-2", "Empty-running rate of China's road freight ('高达30%')", "30", "%",
      _inp("logistics_potential", "base_empty_rate", 100)),
    _quote("5-1.empty_rate_west", "§5.1; §5.1.4", "Empty-running rate in the US and Europe ('10%')", "10", "%",
           "industry comparisons"),
    _quote("5-1-2.vehicles", "§5.1.2", "Vehicles using 物流通 in 2008 ('约有40多万辆')", "40", "10^4 vehicles",
           "China Mobile (the estimate uses the tonnage, 800万 t)"),
    _quote("5-1-2.fixes", "§5.1.2", "Successful position fixes ('1.45亿次')", "1.45", "10^8 fixes", "China Mobile"),
    F("5-1-2.km", "§5.1.2", "Distance per vehicle and year ('15万公里')", "15", "10^4 km",
      _inp("fleet_management", "km_per_vehicle_year", 1e-4)),
    _printed("5-1-2.tonnage", "§5.1.2", "Tonnage of the vehicles ('总吨位800万吨')", "800", "10^4 t",
             "The input of the next row (the fleet model's tonnage, 80,000 x 100 t)."),
    F("5-1-2.empty_rate_drop", "§5.1.2", "Cut in the empty-running rate ('1.5%')", "1.5", "%",
      _inp("fleet_management", "empty_rate_drop", 100)),
    F("5-1-2.national_2008", "§5.1.2", "物流通 nationwide 2008 ('至少136万吨')", "136", "10^4 t CO2",
      _run("fleet_management", scale=1e-4, tonnage_100t=80000), compare="at_least",
      slip=Slip("rounded intermediate", lambda c: round(c.run("fleet_management", tonnage_100t=80000) / 1e4),
                "135.74万 t (80,000 x 100 t x 1.5% x 150,000 km x 6.3 L/100 t·km x 1.197 kg/L) rounded up to 136 "
                "and then called a lower bound.")),
    F("5-1-2.own_emission", "§5.1.2", "物流通's own emission 2008 ('仅为51吨')", "51", "t CO2", None,
      "The report gives no inputs for it; §5.1.4's high-carbon scenario needs an own emission and this model uses it."),
    _quote("5-1-3.road_km", "§5.1.3", "Road length, end of 2008 ('373.02万公里')", "373.02", "10^4 km", "NBS (note 39)"),
    _quote("5-1-3.cars", "§5.1.3", "Civil vehicles, end of 2008 ('6467万辆')", "6467", "10^4 vehicles", "NBS (note 40)"),
    _quote("5-1-3.cars_growth", "§5.1.3", "Growth of civil vehicles ('增长13.5%')", "13.5", "%",
           "NBS (note 40; the 2007 count is not given)"),
    F("5-1-3.commercial", "§5.1.3", "Commercial road vehicles ('930.61万辆')", "930.61", "10^4 vehicles",
      _arith("passenger + freight", passenger=169.64, freight=760.97), "Passenger 169.64万 + freight 760.97万."),
    _printed("5-1-3.buses", "§5.1.3", "Passenger vehicles ('169.64万辆、2560.36万客位')", "169.64", "10^4 vehicles",
             _STATS),
    _printed("5-1-3.large_buses", "§5.1.3", "Large buses ('25.50万辆、1096.44万客位')", "25.50", "10^4 vehicles", _STATS),
    F("5-1-3.trucks", "§5.1.3", "Freight vehicles ('载货汽车760.97万辆')", "760.97", "10^4 vehicles",
      _arith("ordinary + special", ordinary=720.18, special=40.79), "Ordinary 720.18万 + special 40.79万."),
    F("5-1-3.truck_tonnage", "§5.1.3", "Freight vehicles' tonnage ('3686.20万吨位')", "3686.20", "10^4 t",
      _arith("ordinary + special", ordinary=3139.76, special=546.44), "Ordinary 3139.76万 + special 546.44万."),
    _printed("5-1-3.freight_volume", "§5.1.3", "Road freight volume 2008 ('181.7亿吨')", "181.7", "10^8 t", _STATS),
    F("5-1-3.freight_tkm", "§5.1.3", "Road freight 2008 ('12998.5亿吨公里')", "12998.5", "10^8 t·km",
      _inp("logistics_baseline", "freight_tkm_2008")),
    _quote("5-1-3.freight_growth", "§5.1.3", "Growth of road freight 2008 ('10.9%与14.5%')", "14.5", "%",
           "NBS (the 2007 values are not given)"),
    _printed("5-1-3.passengers", "§5.1.3", "Road passengers 2008 ('220.7亿人')", "220.7", "10^8 people", _STATS),
    _quote("5-1-3.passenger_growth", "§5.1.3", "Growth of road passenger transport 2008 ('7.6%与9.8%')", "9.8", "%",
           "NBS (the 2007 values are not given)"),
    F("5-1-3.freight_distance", "§5.1.3", "Average freight distance ('71.54公里')", "71.54", "km",
      _arith("tkm / t", tkm=12998.5, t=181.7), "12998.5亿 t·km / 181.7亿 t."),
    F("5-1-3.passenger_distance", "§5.1.3", "Average passenger distance ('57.25公里')", "57.25", "km",
      _arith("pkm / p", pkm=12636, p=220.7), "12636亿 p·km / 220.7亿 people."),
    F("5-1-3.growth", "§5.1.3", "Growth of road freight assumed ('以5%的增长率')", "5", "%",
      _inp("logistics_baseline", "freight_growth", 100)),
)
_T51 = {2008: ("12999", "12636", "14262", "2.81", "28.1"), 2010: ("14331", "14300", "15761", "3.10", "31.0"),
        2020: ("23343", "25000", "25843", "5.09", "50.9"), 2030: ("38024", "36964", "41720", "8.21", "82.1")}
for y, (fr, ps, conv, co2, printed_co2) in _T51.items():
    co2_text = co2.rstrip("0") if y == 2010 else co2
    _add(F(f"T5-1.{y}.freight", "Table 5-1; §5.1.3", f"Road freight {y}", fr, "10^8 t·km",
           _run("logistics_baseline", "freight_tkm", target_year=y)),
         F(f"T5-1.{y}.passenger", "Table 5-1; §5.1.3", f"Road passenger transport {y}", ps, "10^8 p·km",
           _inp("logistics_baseline", "passenger_pkm", target_year=y)),
         F(f"T5-1.{y}.converted", "Table 5-1", f"Converted transport volume {y}", conv, "10^8 t·km",
           _run("logistics_baseline", "converted_tkm", target_year=y)),
         F(f"T5-1.{y}.co2_printed", "Table 5-1", f"CO2 row of Table 5-1, {y}, as printed ('亿吨当量CO2')", printed_co2,
           "10^8 t CO2", _run("logistics_baseline", scale=1e-8, target_year=y),
           f"The text gives {co2}亿 t for the same figure.",
           slip=Slip("unit slip", _run("logistics_baseline", scale=1e-7, target_year=y),
                     f"{printed_co2} = 10 x {co2}亿 t: the row is labelled 亿吨 but printed in 千万吨 (10^7 t).")),
         F(f"T5-1.{y}.co2", "§5.1.3", f"Road-logistics CO2 {y} (text)", co2_text, "10^8 t CO2",
           _run("logistics_baseline", scale=1e-8, target_year=y)),
         F(f"T5-2.{y}.baseline", "Table 5-2", f"Road-logistics CO2 {y}" + (" (2008 total)" if y == 2008 else
                                                                             " (target-year baseline)"),
           co2, "10^8 t CO2", _run("logistics_baseline", scale=1e-8, target_year=y)))
    if y > 2008:
        _add(F(f"5-1-4.high_carbon.{y}", "§5.1.4", f"High-carbon scenario emission {y}", co2_text, "10^8 t CO2",
               _run("logistics_baseline", scale=1e-8, target_year=y)))
_add(
    F("T5-1.conversion", "Table 5-1; §5.1.3", "Passenger-to-freight conversion", "0.1", "1",
      _inp("logistics_baseline", "passenger_to_freight")),
    F("T5-1.diesel_use", "Table 5-1", "Diesel per 100 tonne-km", "6.3", "L", _inp("logistics_baseline", "diesel_l_per_100tkm")),
    F("T5-1.diesel_factor", "Table 5-1", "CO2 per litre of diesel", "1.198", "kg/L", _inp("logistics_baseline", "diesel_kg_per_l")),
    F("T5-1.multiplier", "Table 5-1", "Diesel embodied multiplier", "2.608", "1",
      _inp("logistics_baseline", "diesel_embodied_multiplier")),
)

# -- Table 5-2 and §5.1.4 --------------------------------------------------------------------------
_T52 = {0.1: ("0.18", "0.30", "0.48", "6"), 0.2: ("0.35", "0.57", "0.93", "11"), 0.3: ("0.50", "0.83", "1.34", "16"),
        0.4: ("0.65", "1.06", "1.72", "21"), 0.5: ("0.78", "1.28", "2.07", "25")}
_T52_METHOD = "reduction = baseline x (1/(1-e0) - 1/(1-e1)) with e0 = 30% and e1 = 30% x (1 - cut)"
for cut, (r10, r20, r30, pct) in _T52.items():
    for y, printed in ((2010, r10), (2020, r20), (2030, r30)):
        _add(F(f"T5-2.{y}.cut{int(cut * 100)}", "Table 5-2", f"Smart-logistics reduction {y}, empty running -{cut:.0%}",
               printed, "10^8 t CO2", _run("logistics_potential", scale=1e-8, target_year=y, empty_rate_cut=cut),
               method=_T52_METHOD))
    _add(F(f"T5-2.share.cut{int(cut * 100)}", "Table 5-2", f"Reduction as % of the baseline, empty running -{cut:.0%}",
           pct, "%", _run("logistics_potential", "share_of_baseline", 100, empty_rate_cut=cut), method=_T52_METHOD))
_T52_TEXT = {0.1: ("0.18", "0.3", "0.48", "6"), 0.3: ("0.5", "0.83", "1.34", "16"), 0.5: ("0.78", "1.28", "2.07", "25")}
for cut, (r10, r20, r30, pct) in _T52_TEXT.items():
    for y, printed in ((2010, r10), (2020, r20), (2030, r30)):
        _add(F(f"5-1-4.cut{int(cut * 100)}.{y}", "§5.1.4", f"Smart-logistics reduction {y}, empty running -{cut:.0%} "
               "(scenario text)", printed, "10^8 t CO2",
               _run("logistics_potential", scale=1e-8, target_year=y, empty_rate_cut=cut), method=_T52_METHOD))
    _add(F(f"5-1-4.cut{int(cut * 100)}.share", "§5.1.4", f"Reduction as % of road-logistics CO2, -{cut:.0%} "
           "(scenario text)", pct, "%", _run("logistics_potential", "share_of_baseline", 100, empty_rate_cut=cut),
           method=_T52_METHOD))
_add(
    F("T5-2.base_empty_rate", "Table 5-2", "Base empty-running rate", "30", "%", _inp("logistics_potential", "base_empty_rate", 100)),
    F("5-1-4.smart_rate", "§5.1.4; Summary", "Empty-running rate in the smart society ('即为15%')", "15", "%",
      _run("logistics_potential", "new_empty_rate", 100, empty_rate_cut=0.5)),
    F("5-1-4.high_carbon", "§5.1.4; Figure 5-3", "High-carbon society (no cut): reduction is negative", "0", "t CO2",
      _run("logistics_potential", empty_rate_cut=0.0), "Reported as a sign only; the ICT own emission is not given, "
      "so 51 t (物流通 2008) is assumed.", compare="at_most"),
    _quote("5-1-5.transport_share", "§5.1.5", "Transport's share of global greenhouse gases ('14%')", "14", "%",
           "SMART 2020 (note 44)"),
    _quote("5-1-5.transport_cut", "§5.1.5", "Smart logistics' cut of global transport emissions ('16%')", "16", "%",
           "SMART 2020"),
    _quote("5-1-5.storage_cut", "§5.1.5", "Smart logistics' cut of storage emissions ('27%')", "27", "%", "SMART 2020"),
)

# -- §5.2 dematerialisation: Table 5-3, online media, electronic paper ------------------------------
_T53 = {1998: (5771, 3, 749, 0, "65223"), 1999: (6342, 4, 907, 0, "7253"), 2000: (7880, 4, 1032, 1, "8917"),
        2001: (14079, 253, 1648, 2, "15982"), 2002: (19992, 1809, 2916, 0.4, "24717"),
        2003: (30484, 4852, 4341, 17, "39693"), 2004: (29673, 6532, 4920, 102, "41227"),
        2005: (26880, 11512, 7112, 24, "45528"), 2006: (20388, 9951, 6416, 27, "36782"),
        2007: (16722, 11585, 5196, 720, "34223")}
for y, (*cols, total) in _T53.items():
    _sum = _arith("dvd + hd_dvd + cd + hd_cd", **dict(zip(("dvd", "hd_dvd", "cd", "hd_cd"), map(float, cols))))
    _add(F(f"T5-3.{y}", "Table 5-3", f"Video discs published {y} (column 总数, the sum of the four columns)", total,
           "10^4 discs", _sum, {1998: "Disc trends use 6523.", 2003: "The four columns sum to 39694."}.get(y, ""),
           compare="sum",
           slip=Slip("doubled digit", Digits(_sum, "double", 2), "65223 = 6523, the sum of the four columns "
                     "(5771 + 3 + 749 + 0), with its 2 printed twice.") if y == 1998 else None))
_LINEAR = "a linear least-squares trend of Table 5-3's totals over 1998-2007"
_add(
    _quote("5-2.smart2020_demat", "§5.2", "Global dematerialisation cut in 2020 ('5亿吨')", "5", "10^8 t CO2", "SMART 2020"),
    F("5-2.online_share", "§5.2", "Online media's share of dematerialisation ('4.3%')", "4.3", "%",
      _inp("dematerialisation", "online_media_share", 100)),
    F("5-2-1-1.peak_2005", "§5.2.1.1", "Discs published in 2005 ('4.55亿盘')", "4.55", "10^8 discs",
      _arith("(dvd + hd_dvd + cd + hd_cd) / 10000", **dict(zip(("dvd", "hd_dvd", "cd", "hd_cd"), _T53[2005][:4])))),
    _quote("5-2-1-1.songs_2005", "§5.2.1.1", "Licensed songs online, 2005 ('200万首')", "200", "10^4 songs", "IFPI"),
    _quote("5-2-1-1.songs_now", "§5.2.1.1", "Licensed songs online, now ('400万首')", "400", "10^4 songs", "IFPI"),
    _printed("5-2-1-1.downloads_before", "§5.2.1.1", "Single-track downloads before ('4.2亿次')", "4.2", "10^8 downloads",
             "IFPI statistic; the input of the growth figure."),
    _printed("5-2-1-1.downloads_after", "§5.2.1.1", "Single-track downloads after ('8亿次')", "8", "10^8 downloads",
             "IFPI statistic; the input of the growth figure."),
    F("5-2-1-1.downloads_growth", "§5.2.1.1", "Growth of single-track downloads ('增长幅度为89%')", "89", "%",
      _arith("(after / before - 1) * 100", after=8, before=4.2), "8亿 / 4.2亿 = +90.5%; both counts are printed to two "
      "digits and 89% lies within their rounding (e.g. 7.95亿 / 4.2亿)."),
    _quote("5-2-1-1.countries", "§5.2.1.1", "Countries with legal online music ('40多个')", "40", "countries", "IFPI"),
    _quote("5-2-1-2.services", "§5.2.1.2", "Legal online music services ('大约500个')", "500", "services", "IFPI (note 49)"),
    _quote("5-2-1-2.broadband", "§5.2.1.2", "Broadband users served ('2.8亿')", "2.8", "10^8 users", "IFPI (note 49)"),
    _quote("5-2-1-2.mobile_users", "§5.2.1.2", "Mobile users served ('超过20亿')", "20", "10^8 users", "IFPI (note 49)"),
    _quote("5-2-1-1.users", "§5.2.1.1", "China's mobile users ('4.3亿户')", "4.3", "10^8 users", "IFPI (note 51)"),
    F("5-2-1-2.discs_2020", "§5.2.1.2", "Discs in 2020 at the pre-2006 growth ('103500万张')", "103500", "10^4 discs",
      _run("disc_trend", "discs_10k", target_year=2020), method=_LINEAR),
    F("5-2-1-2.cd_factor", "§5.2.1.2", "CO2 per disc ('以生产每张光盘排放1kgCO2')", "1", "kg CO2/disc",
      _inp("disc_trend", "cd_kg_per_disc")),
    F("5-2-1-2.co2_2020", "§5.2.1.2; §5.2", "CO2 of the 2020 discs = online-media reduction ('103万吨')", "103",
      "10^4 t CO2", _run("disc_trend", scale=1e-4, target_year=2020), method=_LINEAR),
    F("5-2.online_2030", "§5.2", "Online-media reduction 2030 ('313万吨')", "313", "10^4 t CO2", None,
      "The report computes only 2020 (§5.2.1.2) and gives no method for 2030; the linear trend that reproduces 2020 "
      "gives 148万 t, and 313万 t (3.04 times 2020) lies on no trend of Table 5-3."),
    F("5-2.demat_2020", "§5.2", "Dematerialisation 2020 = online media / 4.3% ('2369万吨')", "2369", "10^4 t CO2",
      _arith("online / share / 10000", online=103e4, share=0.043), "From the published 103万 t.",
      slip=Slip("rounded intermediate", _arith("online * 23 / 10000", online=103e4),
                "2369万 t = 103万 t x 23: 1 / 4.3% = 23.26 rounded to 23 (the 2030 figure divides properly).")),
    F("5-2.demat_2030", "§5.2", "Dematerialisation 2030 = online media / 4.3% ('7279万吨')", "7279", "10^4 t CO2",
      _arith("online / share / 10000", online=313e4, share=0.043), "From the published 313万 t."),
    F("5-2-1-2.music_2008", "§5.2.1.2; §4.2.2", "Wireless music 2008: 3亿 discs avoided ('35万吨')", "35", "10^4 t CO2",
      _arith("discs * kg / 1000 / 10000", discs=3e8, kg=1.0), "3亿 discs at the report's 1 kg per disc is 30万 t."),
    _printed("5-2-1-2.discs_2008", "§5.2.1.2", "Discs China Mobile's wireless music replaced in 2008 ('3亿张')", "3",
             "10^8 discs", "The input of the next row; the report does not say how it was estimated."),
    _quote("5-2-2-1.mills", "§5.2.2.1", "Paper mills 2008 ('约有3500家')", "3500", "mills", "China Paper Association (note 52)"),
    _printed("5-2-2-1.production", "§5.2.2.1", "Paper production 2008 ('7980万吨')", "7980", "10^4 t",
             "Industry statistic; the input of the growth figures."),
    _printed("5-2-2-1.production_2007", "§5.2.2.1", "Paper production 2007 ('7350万吨')", "7350", "10^4 t",
             "Industry statistic; the input of the growth figure."),
    F("5-2-2-1.production_growth", "§5.2.2.1", "Growth of paper production 2008 ('8.57%')", "8.57", "%",
      _arith("(now / before - 1) * 100", now=7980, before=7350)),
    _printed("5-2-2-1.consumption", "§5.2.2.1", "Paper consumption 2008 ('7935万吨')", "7935", "10^4 t",
             "Industry statistic; the input of the growth figures."),
    _printed("5-2-2-1.consumption_2007", "§5.2.2.1", "Paper consumption 2007 ('7290万吨')", "7290", "10^4 t",
             "Industry statistic; the input of the growth figure."),
    F("5-2-2-1.consumption_growth", "§5.2.2.1", "Growth of paper consumption 2008 ('8.85%')", "8.85", "%",
      _arith("(now / before - 1) * 100", now=7935, before=7290)),
    _printed("5-2-2-1.population", "§5.2.2.1", "Population 2008 ('13.28亿人')", "13.28", "10^8 people",
             "The input of the per-capita figure."),
    F("5-2-2-1.per_capita", "§5.2.2.1", "Paper consumption per person ('60千克')", "60", "kg",
      _arith("consumption * 10000 * 1000 / (population * 100000000)", consumption=7935, population=13.28)),
    _quote("5-2-2-1.per_capita_growth", "§5.2.2.1", "Growth of consumption per person ('增长5千克')", "5", "kg",
           "the paper industry statistic (the 2007 population is not given)"),
    _quote("5-2-2-1.production_growth_2000", "§5.2.2.1", "Paper production 2008 vs 2000 ('增长161.64％')", "161.64",
           "%", "the paper industry statistic (the 2000 values are not given)"),
    _quote("5-2-2-1.consumption_growth_2000", "§5.2.2.1", "Paper consumption 2008 vs 2000 ('增长121.96％')", "121.96",
           "%", "the paper industry statistic (the 2000 values are not given)"),
    F("5-2-2-1.production_cagr", "§5.2.2.1", "Annual growth of paper production 2000-2008 ('12.78％')", "12.78", "%",
      _arith("((1 + growth / 100) ** (1 / 8) - 1) * 100", growth=161.64), "From the +161.64% over 8 years."),
    F("5-2-2-1.consumption_cagr", "§5.2.2.1", "Annual growth of paper consumption 2000-2008 ('10.48％')", "10.48", "%",
      _arith("((1 + growth / 100) ** (1 / 8) - 1) * 100", growth=121.96), "From the +121.96% over 8 years."),
    F("5-2-2-2.paper_2020", "§5.2.2.2", "Paper demand 2020 ('15566万吨')", "15566", "10^4 t", None,
      "Projected 'at the present growth' from Figure 5-7, whose yearly data the text does not give; neither the "
      "12.78% nor the 10.48% a year of §5.2.2.1 gives it."),
    F("5-2-2-2.paper_2030", "§5.2.2.2", "Paper demand 2030 ('22051万吨')", "22051", "10^4 t", None,
      "Projected from Figure 5-7 like the 2020 value; the method is not given."),
    F("5-2-2-2.share", "§5.2.2.2; Summary", "Share of paper replaced ('25%')", "25", "%", _inp("epaper", "replaced_share", 100)),
    F("5-2-2-2.epaper_2020", "§5.2.2.2", "Electronic-paper reduction 2020 ('355万吨')", "355", "10^4 t CO2", None,
      "The report states no CO2 factor per tonne of paper (its 9.41 g is per A4 sheet, with no sheet mass); 355万 t "
      "for 25% of 15566万 t implies 0.0912 t CO2 per t of paper."),
    F("5-2-2-2.epaper_2030", "§5.2.2.2", "Electronic-paper reduction 2030 ('1092万吨')", "1092", "10^4 t CO2", None,
      "No factor per tonne of paper is stated; 1092万 t for 25% of 22051万 t implies 0.198 t CO2 per t."),
    F("5-2-2-2.epaper_consistency", "§5.2.2.2", "2030 electronic-paper reduction at the factor its 2020 figure implies",
      "1092", "10^4 t CO2", _arith("paper_2030 * share * co2_2020 / (paper_2020 * share)", paper_2030=22051,
                                   paper_2020=15566, share=0.25, co2_2020=355),
      "The same 25% share gives two different factors: 0.0912 t CO2 per t of paper in 2020 and 0.198 in 2030; at the "
      "2020 factor, 2030 would be 503万 t."),
    _quote("5-2-2-3.users_2007", "§5.2.2.3", "Mobile-newspaper users, end of 2007 ('约2400万')", "2400", "10^4 users",
           "China Mobile (note 56)"),
    _quote("5-2-2-3.copies_2007", "§5.2.2.3", "Mobile newspapers sent in 2007 ('141亿份')", "141", "10^8 copies",
           "China Mobile (note 56)"),
    _quote("5-2-2-3.paper_2007", "§5.2.2.3", "Paper saved ('节约用纸4万吨')", "4", "10^4 t paper",
           "China Mobile (note 56; no paper per copy is given)"),
    F("5-2-2-3.trees_2007", "§5.2.2.3", "Trees of 20+ years saved ('67万棵')", "67", "10^4 trees", None,
      "No trees per tonne are given for trees of 20 years and more; §4.2.1's 20 trees per tonne would give 80万."),
    F("5-2-2-3.newspaper_2020", "§5.2.2.3", "Mobile newspaper reduction 2020 ('10.75万吨')", "10.75", "10^4 t CO2", None,
      "'以现有新闻纸为基数预测': the newsprint base and the method are not given."),
)

# -- §5.3.1 teleworking ----------------------------------------------------------------------------
_solved("building_emissions", "grid_kg_per_kwh", "5-3-1.residential_building",
        "the grid factor it converts the buildings' 1.022万亿 kWh with")
_BUILT = dict(office_building_t=5.27e8, residential_building_t=2.93e8)   # the printed building CO2
_add(
    _quote("5-3.smart2020_telework", "§5.3", "Commuters teleworking in the SMART 2020 case ('5%')", "5", "%", "SMART 2020"),
    _quote("5-3.smart2020_travel", "§5.3", "Business travel replaced by teleconferencing ('15%')", "15", "%", "SMART 2020"),
    _quote("5-3.smart2020_cut", "§5.3", "Global cut of that case by 2020 ('1亿吨')", "1", "10^8 t CO2", "WWF (note 58)"),
    _quote("5-3.decades_cut", "§5.3", "Cut of teleworking and teleconferencing in some decades ('至少30亿吨')", "30",
           "10^8 t CO2", "WWF (note 59)"),
    _quote("5-3-1.mckinsey", "§5.3.1", "Teleworking's yearly abatement ('高达2.6亿吨')", "2.6", "10^8 t CO2",
           "McKinsey (note 60)"),
    _quote("5-3-1.saving_3days", "§5.3.1", "Energy saving when many work from home over 3 days a week ('20-50%')", "50",
           "%", "note 61"),
    _printed("5-3-1.cars_2005", "§5.3.1", "Civil cars, end of 2005 ('3160万辆')", "3160", "10^4 cars",
             "National statistic; the input of the share below."),
    _printed("5-3-1.private_cars_2005", "§5.3.1", "Private cars, end of 2005 ('1852万辆')", "1852", "10^4 cars",
             "National statistic; the input of the share below."),
    F("5-3-1.private_share", "§5.3.1", "Private share of cars 2005 ('58.6％')", "58.6", "%",
      _arith("private / cars * 100", private=1852, cars=3160)),
    _quote("5-3-1.private_cars_2006", "§5.3.1", "Private cars, end of 2006 ('接近2200万辆')", "2200", "10^4 cars",
           "Sohu (note 62)"),
    F("5-3-1.area_2007", "§5.3.1", "Building floor area 2007 + added by 2030 ('730亿平方米')", "730", "10^8 m2",
      _arith("existing + added", existing=430, added=300), "430亿 m2 in 2007 plus about 300亿 m2."),
    F("5-3-1.kwh_per_m2", "§5.3.1", "Electricity per m2 of floor area ('14 KWH/(m2.年)')", "14", "kWh/(m2·yr)",
      _inp("building_emissions", "kwh_per_m2_year")),
    F("5-3-1.residential_share", "§5.3.1", "Residential share of building CO2 ('34％')", "34", "%",
      _inp("building_emissions", "residential_share", 100)),
    F("5-3-1.office_ratio", "§5.3.1", "Office CO2 relative to residential CO2 ('1.18倍')", "1.18", "1",
      _inp("building_emissions", "office_to_residential")),
    F("5-3-1.residential_building", "§5.3.1", "Residential-building CO2 2010-2030 ('2.93亿吨')", "2.93", "10^8 t CO2",
      _run("building_emissions", "residential_t", 1e-8),
      "The report's 0.8665 gives 3.01, the appendix tables' 0.834 gives 2.90."),
    F("5-3-1.office_building", "§5.3.1", "Office-building CO2 2010-2030 ('5.27亿吨')", "5.27", "10^8 t CO2",
      _run("building_emissions", "office_t", 1e-8), "With the stated 1.18 it is 1.18 x 2.93 = 3.46亿 t.",
      slip=Slip("dropped digit", _run("building_emissions", "office_t", 1e-8, office_to_residential=1.8),
                "5.27亿 t = 2.93亿 t x 1.8: the stated ratio 1.18 with its second digit dropped.")),
    F("5-3-1.office_cut", "§5.3.1", "Office emission cut by teleworking ('减少60%')", "60", "%",
      _inp("telework", "office_cut", 100)),
    F("5-3-1.residential_increase", "§5.3.1", "Residential emission increase ('增加15%')", "15", "%",
      _inp("telework", "residential_increase", 100)),
    F("5-3-1.office_after", "§5.3.1", "Office-building CO2 with teleworking ('2.11亿吨')", "2.11", "10^8 t CO2",
      lambda c: (c.input("telework", "office_building_t", **_BUILT) - c.run("telework", "office_reduction_t", **_BUILT)) / 1e8,
      "From the printed 5.27亿 t."),
    F("5-3-1.residential_after", "§5.3.1", "Residential-building CO2 with teleworking ('3.37亿吨')", "3.37", "10^8 t CO2",
      lambda c: (c.input("telework", "residential_building_t", **_BUILT)
                 + c.run("telework", "residential_increase_t", **_BUILT)) / 1e8, "From the printed 2.93亿 t."),
)
_TELE = {2010: ("5.59", "3900", "3041", "27", "2.98"), 2020: ("6.12", "7200", "2950", "40", "3.40"),
         2030: ("6.81", "11100", "2767", "50", "3.95")}
for y, (base, cars, kg, share, red) in _TELE.items():
    _add(F(f"T5-tele.{y}.baseline", "Teleworking table", f"Teleworking baseline {y}", base, "10^8 t CO2",
           _run("telework", "baseline_t", 1e-8, target_year=y, **_BUILT), "From the printed 5.27亿 t."),
         F(f"T5-tele.{y}.cars", "Teleworking table; §5.3.1", f"Cars {y}", cars, "10^4 cars",
           _inp("telework", "car_count_10k", target_year=y)),
         F(f"T5-tele.{y}.kg_per_car", "Teleworking table", f"CO2 per car {y}", kg, "kg CO2", _inp("telework", "kg_per_car_year", target_year=y)),
         F(f"T5-tele.{y}.work_share", "Teleworking table", f"Work-related share of car travel {y}", share, "%",
           _inp("telework", "work_share", 100, target_year=y)),
         F(f"T5-tele.{y}.reduction", "Teleworking table", f"Teleworking reduction {y}", red, "10^8 t CO2",
           _run("telework", scale=1e-8, target_year=y, **_BUILT), "From the printed 5.27 and 2.93亿 t."))
_add(
    F("T5-tele.km_cut", "Teleworking table; §5.3.1; Summary", "Cut in work-related car travel ('80%')", "80", "%",
      _inp("telework", "work_km_cut", 100)),
    F("T5-tele.office", "Teleworking table", "Office-building reduction", "3.16", "10^8 t CO2",
      _run("telework", "office_reduction_t", 1e-8, **_BUILT), "From the printed 5.27亿 t."),
    F("T5-tele.residential", "Teleworking table", "Residential-building reduction", "-0.44", "10^8 t CO2",
      _run("telework", "residential_increase_t", -1e-8, **_BUILT), "From the printed 2.93亿 t."),
)

# -- §5.3.2 video conferencing: Table 5-5, Table 5-6 ----------------------------------------------------
_TIMES10 = "Ten times what the stated inputs give (12.8 L/km / 270 passengers x 2.39525 kg/L)."


def _times10(compute: Compute, what: str) -> Slip:
    return Slip("dropped digit", compute, f"{what} with 27 passengers per aircraft: the stated 270 with its 0 dropped "
                "(equally, the figures are 10 times too large).")


_T55 = {2010: ("2660", "47", "3.02", "4", "0.12"), 2020: ("7210", "43", "8.19", "15", "1.23"),
        2030: ("14810", "39", "16.82", "37", "6.22")}
for y, (pkm, bshare, base, rate, red) in _T55.items():
    _add(F(f"T5-5.{y}.pkm", "Table 5-5; §5.3.2", f"Air passenger-km {y}", pkm, "10^8 p·km", _inp("videoconf", "air_pkm", target_year=y)),
         F(f"T5-5.{y}.business_share", "Table 5-5", f"Business share of air travel {y}", bshare, "%",
           _inp("videoconf", "business_share", 100, target_year=y), "Printed but not used by the table's arithmetic."),
         F(f"T5-5.{y}.baseline", "Table 5-5", f"Aviation baseline {y}", base, "10^8 t CO2",
           _run("videoconf", "baseline_t", 1e-8, target_year=y), _TIMES10,
           slip=_times10(_run("videoconf", "baseline_t", 1e-8, target_year=y, passengers_per_aircraft=27),
                         f"{base}亿 t = {pkm}亿 p·km x 12.8 L/km / 27 x 2.39525 kg/L")),
         F(f"T5-5.{y}.substitution", "Table 5-5; §5.3.2; Summary", f"Virtual-meeting substitution rate {y}", rate, "%",
           _inp("videoconf", "substitution_rate", 100, target_year=y)),
         F(f"T5-5.{y}.reduction", "Table 5-5", f"Video-conferencing reduction {y}", red, "10^8 t CO2",
           _run("videoconf", scale=1e-8, target_year=y), _TIMES10,
           slip=_times10(_run("videoconf", scale=1e-8, target_year=y, passengers_per_aircraft=27),
                         f"{red}亿 t = {base}亿 t x {rate}%")),
         F(f"5-3-2.text.{y}", "§5.3.2", f"Video-conferencing reduction {y} (text after Table 5-5)", red, "10^8 t CO2",
           _run("videoconf", scale=1e-8, target_year=y), _TIMES10,
           slip=_times10(_run("videoconf", scale=1e-8, target_year=y, passengers_per_aircraft=27),
                         f"{red}亿 t = {base}亿 t x {rate}%")))
_add(
    F("5-3-2.passengers", "§5.3.2 note", "Passengers per medium aircraft ('270人/机')", "270", "passengers",
      _inp("videoconf", "passengers_per_aircraft")),
    F("5-3-2.fuel", "§5.3.2 note", "Jet kerosene per km of flight ('12.8L')", "12.8", "L/km",
      _inp("videoconf", "fuel_l_per_aircraft_km")),
    F("5-3-2.kerosene", "§5.3.2 note", "CO2 per litre of jet kerosene ('2395.25g/L')", "2395.25", "g/L",
      _inp("videoconf", "jet_kerosene_kg_per_l", 1000)),
    F("T5-5.kerosene_use", "Table 5-5", "'喷气煤油的消耗量 (Kg/km)'", "4.8476", "kg/km", None,
      "Unit and meaning unclear: the note gives 12.8 L per aircraft-km (10.2 kg at 0.8 kg/L) and 0.0474 L per passenger-km."),
    F("T5-5.kerosene_factor", "Table 5-5", "CO2 per litre of jet kerosene ('2395')", "2395", "g/L",
      _inp("videoconf", "jet_kerosene_kg_per_l", 1000)),
    _quote("5-3-2.market", "§5.3.2", "Video-conferencing market in China 2008 ('34亿元')", "34", "10^8 yuan", "note 70"),
    _quote("5-3-2.dt_meetings", "§5.3.2", "Deutsche Telekom video conferences 2004-2007 ('40260次')", "40260", "meetings",
           "Deutsche Telekom (note 72)"),
    _quote("5-3-2.dt_co2", "§5.3.2", "Deutsche Telekom's CO2 avoided ('7000吨')", "7000", "t CO2", "Deutsche Telekom (note 72)"),
    _quote("5-3-2.dt_hours", "§5.3.2", "Deutsche Telekom's travel time saved ('20万小时')", "20", "10^4 h",
           "Deutsche Telekom (note 72)"),
    _quote("5-3-2.dfid_meetings", "§5.3.2", "DFID remote meetings 2005 ('4084次')", "4084", "meetings", "DFID (note 73)"),
    _quote("5-3-2.dfid_avoided", "§5.3.2", "DFID meetings avoided ('至少735次')", "735", "meetings", "DFID (note 73)"),
    _quote("5-3-2.dfid_co2", "§5.3.2", "DFID net CO2 avoided ('303吨')", "303", "t CO2", "DFID (note 73)"),
    _quote("5-3-2.vodafone_systems", "§5.3.2", "Vodafone video-conferencing systems ('约200个')", "200", "systems",
           "Vodafone (note 74)"),
    _quote("5-3-2.vodafone_co2", "§5.3.2", "Vodafone CO2 avoided 2006 ('5520吨')", "5520", "t CO2", "Vodafone (note 74)"),
    _quote("5-3-2.vodafone_travel", "§5.3.2", "Vodafone business travel cut ('20%')", "20", "%", "Vodafone (note 74)"),
    _quote("5-3-2.australia_co2", "§5.3.2", "Australia: video-conferencing cut ('240万吨')", "240", "10^4 t CO2",
           "an Australian study"),
    _quote("5-3-2.australia_share", "§5.3.2", "Australia: share of national emissions ('0.43%')", "0.43", "%",
           "an Australian study"),
    _quote("5-3-2.europe_low", "§5.3.2", "Europe: cut if 5% of flights are replaced ('559万吨')", "559", "10^4 t CO2",
           "WWF (note 71)"),
    _quote("5-3-2.europe_high", "§5.3.2", "Europe: cut if 30% of flights are replaced ('3353万吨')", "3353", "10^4 t CO2",
           "WWF (note 71)"),
    _quote("5-3-2.ipcc_1992", "§5.3.2", "Global aviation CO2 1992 ('5.1亿吨')", "5.1", "10^8 t CO2", "IPCC"),
    _quote("5-3-2.ipcc_share", "§5.3.2", "Aviation's share of human CO2 1992 ('2%')", "2", "%", "IPCC"),
    _quote("5-3-2.ipcc_2050_low", "§5.3.2", "Global aviation CO2 2050, low ('8.3亿吨')", "8.3", "10^8 t CO2", "IPCC"),
    _quote("5-3-2.ipcc_2050_high", "§5.3.2", "Global aviation CO2 2050, high ('53.1亿吨')", "53.1", "10^8 t CO2", "IPCC"),
    F("5-3-2.ipcc_ratio_low", "§5.3.2", "2050 low case vs 1992 ('1.6倍')", "1.6", "1", _arith("low / base", low=8.3, base=5.1)),
    F("5-3-2.ipcc_ratio_high", "§5.3.2", "2050 high case vs 1992 ('10倍')", "10", "1", _arith("high / base", high=53.1, base=5.1)),
    _quote("5-3-2.ipcc_increase", "§5.3.2", "Average increase 1992-2050 ('14.7亿吨')", "14.7", "10^8 t CO2",
           "IPCC (the scenarios behind the average are not given)"),
    _quote("5-3-3.us_teleworkers", "§5.3.3", "US teleworkers' share of the labour force 2005 ('1-2%')", "2", "%", "note 78"),
    _quote("5-3-3.survey_cooperation", "§5.3.3", "Firms saying teleworking harms cooperation ('54%')", "54", "%",
           "Telework Coalition (note 79)"),
    _quote("5-3-3.survey_management", "§5.3.3", "Firms saying teleworking complicates management ('46%')", "46", "%",
           "Telework Coalition (note 79)"),
)
_T56 = ((1978, "27.91", "317"), (1980, "39.56", "449"), (1985, "116.72", "1325"), (1990, "230.48", "2617"),
        (1991, "301.32", "3422"), (1992, "406.12", "4612"), (1993, "477.60", "5423"), (1994, "551.58", "6263"),
        (1995, "681.30", "7736"), (1996, "747.84", "8492"), (1997, "773.52", "8784"), (1998, "800.24", "9087"),
        (1999, "857.30", "9735"), (2000, "970.54", "11021"), (2001, "1091.35", "12393"), (2002, "1268.70", "14406"),
        (2003, "1263.19", "14344"), (2004, "1782.30", "20238"), (2005, "2044.93", "23221"), (2006, "2370.66", "26919"))
for y, pkm, co2 in _T56:
    _add(F(f"T5-6.{y}.pkm", "Table 5-6", f"Air passenger-km {y}", pkm, "10^8 p·km", _inp("aviation_history", "air_pkm", target_year=y)),
         F(f"T5-6.{y}.co2", "Table 5-6", f"Aviation CO2 {y}", co2, "10^4 t CO2",
           _run("aviation_history", scale=1e-4, target_year=y), _TIMES10,
           slip=_times10(_run("aviation_history", scale=1e-4, target_year=y, passengers_per_aircraft=27),
                         f"{co2}万 t = {pkm}亿 p·km x 12.8 L/km / 27 x 2.39525 kg/L")))

# -- §5.4 smart applications: Tables 5-7 to 5-9, generators ----------------------------------------------
_add(_quote("5-4-1.machines", "§5.4.1", "Machines per person ('4到6倍')", "6", "1", "'studies'"))
for y in range(1996, 2008):
    _add(F(f"T5-7.{y}", "Table 5-7", f"Street lights in China {y}", str(int(dict(zip(
        get_model("streetlight_trend").data[0].x, get_model("streetlight_trend").data[0].y))[y])), "10^4 lamps",
        DataCell("streetlight_trend", "lamp_history", y)))
_TRENDLINE = "229.8 x e^(0.158 x) with x = 1 for 1996 (the fit of Table 5-7, 229.83 and 0.15841, rounded as a chart " \
             "trendline prints it)"
_T58 = {2010: ("1530", 12, "x = 12 (2007, the last year of data) instead of 15"),
        2020: ("10190", 24, "x = 24 (2019) instead of 25"),
        2030: ("57942", 35, "x = 35 (2030): only the coefficients are rounded")}
for y, (printed, x, what) in _T58.items():
    _add(F(f"T5-8.{y}", "Table 5-8", f"Street lights {y} (exponential trend)", printed, "10^4 lamps",
           _run("streetlight_trend", target_year=y),
           "The exponential fit of Table 5-7 (R² 0.988, as stated) gives 2474, 12059 and 58786万.",
           slip=Slip("year" if y < 2030 else "rounded intermediate", _arith("a * exp(b * x)", a=229.8, b=0.158, x=x),
                     f"{printed}万 = {_TRENDLINE} at {what}.")))
_LAMP_YEAR = "2010 x 50%: the year multiplied by the adoption rate instead of the 1530万 lamps"
_add(
    F("T5-8.r2", "§5.4.2.2", "R² of the exponential trend ('0.988')", "0.988", "1", _run("streetlight_trend", "trend_r2")),
    F("5-4-2-2.years", "§5.4.2.2", "Years from 1996 to 2030 ('这35年')", "35", "years",
      _arith("end - start + 1", end=2030, start=1996)),
    F("5-4-2-3.pilot", "§5.4.2.3", "Chongqing pilot reduction 2008 ('1015吨')", "1015", "t CO2", _run("streetlight"),
      "Cut off from 1015.6 t (the appendix rounds to 1016)."),
    F("5-4-2-3.pilot_lamps", "§5.4.2.3", "Lamps in the pilot ('2000盏')", "2000", "lamps",
      _inp("streetlight_potential", "pilot_lamps")),
)
_T59 = {  # year: {adoption: (monitored, reduction, potential)}
    2010: {0.5: ("1005", "510", "357"), 0.7: ("1071", "544", "380"), 0.9: ("1377", "699", "489")},
    2020: {0.5: ("5095", "2586", "1810"), 0.7: ("7133", "3620", "2534"), 0.9: ("9171", "4654", "3258")},
    2030: {0.5: ("28971", "14703", "10292"), 0.7: ("40559", "20584", "14409"), 0.9: ("52148", "26465", "18526")},
}
_PILOT = dict(pilot_reduction_t=1015)   # Table 5-9 starts from the printed pilot (§5.4.2.3)


def _year_slip(output: str, scale: float, unit: str, printed: str, factor: str) -> Slip:
    return Slip("year", _run("streetlight_potential", output, scale, target_year=2010, adoption_rate=0.5,
                             lamp_count_10k=2010, **_PILOT),
                f"{printed}{unit} = {_LAMP_YEAR}{factor}.")


for y, rows in _T59.items():
    _add(F(f"T5-9.{y}.lamps", "Table 5-9", f"Street lights {y}", _T58[y][0], "10^4 lamps",
           _inp("streetlight_potential", "lamp_count_10k", target_year=y)))
    for share, (mon, red, pot) in rows.items():
        kw = dict(target_year=y, adoption_rate=share, **_PILOT)
        tag = f"{y}.a{int(share * 100)}"
        typo = (y, share) == (2010, 0.5)
        _add(F(f"T5-9.{tag}.monitored", "Table 5-9", f"Lamps controlled {y} at {share:.0%}", mon, "10^4 lamps",
               _run("streetlight_potential", "monitored_10k", **kw), "1530 x 50% = 765万 lamps." if typo else "",
               slip=_year_slip("monitored_10k", 1, "万 lamps", mon, "") if typo else None),
             F(f"T5-9.{tag}.gross", "Table 5-9", f"Reduction before the efficiency cut {y} at {share:.0%}", red, "10^4 t CO2",
               _run("streetlight_potential", "gross_reduction_t", 1e-4, **kw), "From the printed 1015 t.",
               slip=_year_slip("gross_reduction_t", 1e-4, "万 t", red, ", times 1015 t / 2000 lamps") if typo else None),
             F(f"T5-9.{tag}.potential", "Table 5-9", f"Street-light potential {y} at {share:.0%}", pot, "10^4 t CO2",
               _run("streetlight_potential", scale=1e-4, **kw), "From the printed 1015 t.",
               slip=_year_slip("reduction_t", 1e-4, "万 t", pot, ", times 1015 t / 2000 lamps x 0.7") if typo else None))
_add(
    F("T5-9.cut", "Table 5-9", "Efficiency cut factor", "0.3", "1", _inp("streetlight_potential", "efficiency_cut")),
    F("5-4-3.stations", "§5.4.3.2", "China Mobile base stations ('44万个')", "44", "10^4 stations",
      _inp("genset_potential", "base_stations", 1e-4)),
    F("5-4-3.pilot", "§5.4.3.2", "Diesel-generator pilot reduction ('44吨')", "44", "t CO2", _run("genset_monitoring"),
      "Appendix 2's stated inputs give 33.07 t.", slip=_GENSET_SLIP),
    F("5-4-3.stations_per_genset", "§5.4.3.2", "Base stations per generator ('一台油机负责5个基站')", "5", "stations",
      _inp("genset_potential", "stations_per_genset")),
    F("5-4-3.pilot_stations", "§5.4.3.2", "Base stations in the pilot ('275个')", "275", "stations",
      _arith("gensets * stations", gensets=55, stations=5)),
    F("5-4-3.genset", "§5.4.3.2", "Diesel-generator monitoring, all 440,000 base stations ('7.04万吨')", "7.04",
      "10^4 t CO2", _run("genset_potential", scale=1e-4, pilot_reduction_t=44), "From the printed 44 t."),
    F("5-4-3.emission", "§5.4.3.2", "China Mobile's CO2 2008 ('670万吨')", "670", "10^4 t CO2",
      _inp("genset_potential", "china_mobile_emission_t", 1e-4), "The summary gives 794万 t for the same company."),
    F("5-4-3.share", "§5.4.3.2", "Share of China Mobile's 2008 emission ('超过1%')", "1", "%",
      _run("genset_potential", "share_of_emission", 100, pilot_reduction_t=44), "From the printed 44 t.",
      compare="at_least"),
    _quote("5-4-3.mountain", "§5.4.3.2 note", "Stations per generator in the city ('6-7个')", "7", "stations",
           "China Mobile Chongqing"),
    _quote("5-4-3.coverage", "§5.4.3.2", "China Mobile's coverage ('90%以上')", "90", "%", "China Mobile"),
)

# -- Summary (Figure 0-1) and chapter 2's repetition of it ---------------------------------------------
_DEPARTURES = {
    2020: "video conferencing with 27 for 270 passengers (1.23 instead of 0.12) and teleworking's office buildings at "
          "2.93 x 1.8 where 1.18 is stated (3.40 instead of 2.31)",
    2030: "video conferencing with 27 for 270 passengers (6.23 instead of 0.62), teleworking's office buildings at "
          "2.93 x 1.8 where 1.18 is stated (3.95 instead of 2.86) and 313万 t of online media that no method of the "
          "report gives (0.73 instead of 0.34)",
}


def _printed_sum(year: int, lead: str) -> Slip:
    parts = {2020: dict(logistics=1.28, demat=0.24, telework=3.40, videoconf=1.23),
             2030: dict(logistics=2.07, demat=0.73, telework=3.95, videoconf=6.23)}[year]
    terms = " + ".join(f"{v:g}" for v in parts.values())
    return Slip("carried from the printed components", _arith("logistics + demat + telework + videoconf", **parts),
                f"{lead} {terms} = {sum(parts.values()):.2f}亿 t, the {year} components as printed, which carry "
                f"{_DEPARTURES[year]}.")


_VIDEO_2030 = (" With 27 passengers it is 6.2223 (Table 5-5: 6.22), which 6.23 is not rounded from; with 6.23 the "
               "four printed components sum to the printed total 12.98, with 6.22 to 12.97.")
_SUMMARY_TELE = {2010: "2.98", 2020: "3.4", 2030: "3.95"}
_SUMMARY_VIDEO = {2010: "0.12", 2020: "1.23", 2030: "6.23"}
_SUMMARY_LOG = {2010: "0.78", 2020: "1.28", 2030: "2.07"}
for y in (2010, 2020, 2030):
    _add(F(f"S.logistics_potential.{y}", "Summary; Figure 0-1", f"Smart-logistics potential {y}", _SUMMARY_LOG[y],
           "10^8 t CO2", _run("logistics_potential", scale=1e-8, target_year=y, empty_rate_cut=0.5), method=_T52_METHOD),
         F(f"S.telework.{y}", "Summary; Figure 0-1", f"Teleworking potential {y}", _SUMMARY_TELE[y], "10^8 t CO2",
           _run("telework", scale=1e-8, target_year=y, **_BUILT), "From the printed building CO2 (5.27 and 2.93亿 t)."))
    video_slip = _times10(_run("videoconf", scale=1e-8, target_year=y, passengers_per_aircraft=27),
                          f"{_SUMMARY_VIDEO[y]}亿 t as Table 5-5")
    video_note = _TIMES10
    if y == 2030:
        video_slip, video_note = None, _TIMES10 + _VIDEO_2030
    _add(F(f"S.videoconf.{y}", "Summary; Figure 0-1", f"Video-conferencing potential {y}", _SUMMARY_VIDEO[y],
           "10^8 t CO2", _run("videoconf", scale=1e-8, target_year=y), video_note, slip=video_slip))
_add(
    F("S.dematerialisation.2010", "Summary; Figure 0-1", "Dematerialisation potential 2010", "0.11", "10^8 t CO2", None,
      "The report prints no online-media figure and no method for 2010; the linear trend that reproduces 2020 gives "
      "0.14亿 t."),
    F("S.dematerialisation.2020", "Summary; Figure 0-1", "Dematerialisation potential 2020", "0.24", "10^8 t CO2",
      _arith("online / share / 100000000", online=103e4, share=0.043), "From the published 103万 t of online media."),
    F("S.dematerialisation.2030", "Summary; Figure 0-1", "Dematerialisation potential 2030", "0.73", "10^8 t CO2",
      _arith("online / share / 100000000", online=313e4, share=0.043), "From the published 313万 t of online media."),
    F("S.streetlight_2010", "Summary", "Street lights 2010, 50% controlled ('357万吨')", "357", "10^4 t CO2",
      _run("streetlight_potential", scale=1e-4, target_year=2010, adoption_rate=0.5, **_PILOT),
      "From Table 5-9 and the printed 1015 t.",
      slip=_year_slip("reduction_t", 1e-4, "万 t", "357", ", times 1015 t / 2000 lamps x 0.7")),
    F("S.total_2030", "Summary; Figure 0-1", "Total potential 2030 ('12.98亿吨')", "12.98", "10^8 t CO2",
      _run("headline", scale=1e-8, target_year=2030), "The stated inputs give the four components " + ", ".join(
          f"{get_model('headline').run(target_year=2030)[f'{p}__reduction_t'] / 1e8:.2f}"
          for p in ("logistics", "demat", "telework", "videoconf")) + "亿 t.", slip=_printed_sum(2030, "12.98 =")),
    F("P.potential", "Preface", "ICT's potential 'in the coming decades' ('超过10亿吨')", "10", "10^8 t CO2",
      _run("headline", scale=1e-8, target_year=2030), "Read as the 2030 total of Figure 0-1.", compare="at_least",
      slip=_printed_sum(2030, "More than 10亿 t only with")),
    F("S.target_2020", "Summary: recommendations", "Target for 2020 ('2020年至少减排6亿吨')", "6", "10^8 t CO2",
      _run("headline", scale=1e-8, target_year=2020), "A target the potential must reach: Figure 0-1's 2020 total.",
      compare="at_least", slip=_printed_sum(2020, "6亿 t is reached only with")),
    F("S.target_2030", "Summary: recommendations", "Target for 2030 ('2030年至少减排10亿吨')", "10", "10^8 t CO2",
      _run("headline", scale=1e-8, target_year=2030), "A target the potential must reach: Figure 0-1's 2030 total.",
      compare="at_least", slip=_printed_sum(2030, "10亿 t is reached only with")),
    F("S.structural", "Summary: recommendations", "Structural solutions cut '80% or more' ('80%或者更多')", "80", "%", None,
      "A criterion for policy attention; no case of the report is computed against it."),
    F("S.cd_share", "Summary", "CD/DVD replaced by online media ('100%')", "100", "%",
      _inp("dematerialisation", "replaced_share", 100)),
    F("S.paper_share", "Summary", "Paper replaced by electronic paper in 2010, 2020, 2030 ('25%')", "25", "%",
      _inp("epaper", "replaced_share", 100), "§5.2.2.2 assumes it for 2020; the summary's dematerialisation figures "
      "(0.11, 0.24, 0.73亿 t) are online media / 4.3% and include no electronic paper."),
    F("S.empty_rate", "Summary", "Empty-running rate today ('目前的30%')", "30", "%",
      _inp("logistics_potential", "base_empty_rate", 100)),
    F("S.empty_rate_smart", "Summary", "Empty-running rate in the smart case ('降为15%')", "15", "%",
      _run("logistics_potential", "new_empty_rate", 100, empty_rate_cut=0.5)),
    F("2-2.logistics_2030", "§2.2", "Smart logistics 2030 ('2.07亿吨')", "2.07", "10^8 t CO2",
      _run("logistics_potential", scale=1e-8, target_year=2030, empty_rate_cut=0.5), method=_T52_METHOD),
    F("2-2.telework_2030", "§2.2", "Teleworking 2030 ('3.95亿吨CO2')", "3.95", "10^8 t CO2",
      _run("telework", scale=1e-8, target_year=2030, **_BUILT), "From the printed building CO2 (5.27 and 2.93亿 t)."),
    F("2-2.videoconf_2030", "§2.2", "Video conferencing 2030 ('6.23亿吨CO2')", "6.23", "10^8 t CO2",
      _run("videoconf", scale=1e-8, target_year=2030), _TIMES10 + _VIDEO_2030),
    F("2-2.demat_2030", "§2.2", "Dematerialisation 2030 ('0.73亿吨')", "0.73", "10^8 t CO2",
      _arith("online / share / 100000000", online=313e4, share=0.043), "From the published 313万 t of online media."),
)


@dataclass(frozen=True)
class SlipCandidate:
    """A single slip that reproduces a printed figure, found by :func:`find_slips`."""

    kind: str
    what: str
    value: float


_POWERS = (-8, -4, -3, -2, -1, 1, 2, 3, 4, 8)


def _digit_slips(x: float) -> list[tuple[str, float]]:
    """Dropped, doubled and transposed digits of a number as written (leading zeros are not digits)."""
    text = format(x, ".10g")
    if "e" in text:
        return []
    lead = next((i for i, ch in enumerate(text) if ch in "123456789"), len(text))
    pos = [i for i, ch in enumerate(text) if ch.isdigit() and i >= lead]
    out = []
    for i in pos:
        out += [("dropped digit", text[:i] + text[i + 1:]), ("doubled digit", text[:i] + text[i] + text[i:])]
    for a, b in zip(pos, pos[1:]):
        if b == a + 1 and text[a] != text[b]:
            out.append(("transposed digits", text[:a] + text[b] + text[a] + text[b + 1:]))
    found = []
    for kind, t in out:
        try:
            y = float(t)
        except ValueError:
            continue
        if y != x and np.isfinite(y):
            found.append((kind, y))
    return found


def _candidates(x: float, pool, factor: bool, min_change: float) -> list[tuple[str, float]]:
    out = [("unit slip", x * 10.0 ** k) for k in _POWERS if k in (-4, -3, -2, -1, 1, 2, 3, 4)]
    out += _digit_slips(x)
    out += [("wrong number", float(v)) for v in pool if v != x]
    if factor:
        out.append(("used twice", x * x))
    return [(k, y) for k, y in out if k == "unit slip" or abs(y - x) >= min_change * abs(x)]


def _searchable_operands(fig: Figure):
    """(name, value, is_factor, evaluate(values)) for each printed number a figure's compute uses, and the pool of
    numbers a wrong multiplicand may come from (every number the same table or model states)."""
    c = fig.compute
    ctx = _Context()
    if isinstance(c, Arith):
        env = dict(c.values)
        implied = {name: value for name, value, _l, _n in c.implied}

        def run_arith(name, values):
            out = []
            for v in values:
                out.append(float(Expression(c.expr).evaluate({**env, **implied, name: v})))
            return np.array(out)
        return [(n, float(v), False, (lambda vals, n=n: run_arith(n, vals))) for n, v in env.items()], set(env.values())
    if isinstance(c, ModelFigure):
        model = get_model(c.model)
        given = dict(c.inputs)
        res = model.run(given, ctx.fs)
        output = c.output or model.primary
        deps = {output} if c.is_input else model.dependencies(output)
        implied = {u.name for u in res.implied}
        pool = {float(v) for k, v in res.inputs.items() if k not in implied and not isinstance(model.input(k).default,
                                                                                              Derived)}
        out = []
        for inp in model.inputs:
            name = inp.name
            if name not in deps or name == "target_year" or isinstance(inp.default, Derived) and name not in given:
                continue
            if name in implied and name not in given:
                continue

            def run_model(values, name=name, inp=inp):
                arr = np.asarray(values, float)
                ok = ~inp.bounds.bad(arr)
                result = np.full(arr.shape, np.nan)
                if ok.any():
                    r = model.run({**given, name: arr[ok]}, ctx.fs)
                    v = r[output] if output in r else r.inputs[output]
                    result[ok] = np.asarray(v, float) * c.scale
                return result
            out.append((name, float(res.inputs[name]), inp.factor is not None, run_model))
        return out, pool
    return None


def find_slips(fig: Figure, min_change: float = 0.1) -> list[SlipCandidate] | None:
    """Every single slip that reproduces the printed figure from the numbers its computation uses.

    Searched: the figure and each number it uses times a power of ten (a unit slip: g for kg, 万 for 亿), a
    dropped, doubled or transposed digit of the figure or of each number, each number replaced by another one the
    same computation uses (a wrong multiplicand, including the year), and a factor applied twice. Digit slips and
    replacements that change a number by less than ``min_change`` are not counted (they are indistinguishable from
    rounding). ``None`` when the figure's computation cannot be searched (a sum over models, a mechanism).
    """
    searchable = _searchable_operands(fig)
    if searchable is None:
        return None
    operands, pool = searchable
    # An 'at least' or 'X-odd' statement is met by any slip upwards: search for the printed number itself.
    compare = fig.compare if fig.compare in ("round", "sum") else "round"
    value = fig.compute(_Context())
    found = []
    if compare != fig.compare and matches(fig.report_value, value, compare):
        found.append(SlipCandidate("rounded intermediate", f"the figure {value:.6g} rounded to the printed number "
                                   f"and read as a bound", value))
    for k in _POWERS:
        if matches(fig.report_value, value * 10.0 ** k, compare):
            found.append(SlipCandidate("unit slip", f"the figure x 10^{k}", value * 10.0 ** k))
    for kind, y in _digit_slips(value):
        if abs(y - value) >= min_change * abs(value) and matches(fig.report_value, y, compare):
            found.append(SlipCandidate(kind, f"the figure {value:.10g} written {y:.10g}", y))
    given = dict(fig.compute.inputs) if isinstance(fig.compute, ModelFigure) else {}
    pool = pool | {float(v) for v in given.values()}
    for name, x, factor, evaluate_with in operands:
        cands = _candidates(x, pool, factor, min_change)
        if not cands:
            continue
        values = evaluate_with([y for _k, y in cands])
        for (kind, y), v in zip(cands, values):
            if np.isfinite(v) and matches(fig.report_value, float(v), compare):
                found.append(SlipCandidate(kind, f"{name} {x:.10g} read as {y:.10g}", float(v)))
    return found


def reconcile() -> list[Row]:
    """Every figure, recomputed and classified (always with the report's own values)."""
    return [evaluate(f) for f in FIGURES]


def to_csv(rows: list[Row]) -> str:
    buf = io.StringIO()
    w = csv.DictWriter(buf, fieldnames=COLUMNS, lineterminator="\n")
    w.writeheader()
    for r in rows:
        w.writerow(r.as_dict())
    return buf.getvalue()


def summary(rows: list[Row]) -> dict[str, int]:
    """Rows per status (every status present, in :data:`STATUSES` order)."""
    return {s: sum(r.status == s for r in rows) for s in STATUSES}


def source_of(row: Row) -> str:
    """The part of the report a figure belongs to: Summary, Preface, Chapter 2, 4 or 5, or Appendix."""
    first = row.source.split(";")[0].strip()
    if first.startswith(("Summary", "Figure 0")):
        return "Summary"
    if first.startswith("Preface"):
        return "Preface"
    if first.startswith("Appendix"):
        return "Appendix"
    for prefix, chapter in (("§2", "Chapter 2"), ("§4", "Chapter 4"), ("§5", "Chapter 5"), ("Table 4", "Chapter 4"),
                            ("Table 5", "Chapter 5"), ("Teleworking", "Chapter 5")):
        if first.startswith(prefix):
            return chapter
    raise DefinitionError(f"{row.figure_id}: cannot tell the chapter of source {row.source!r}")


def summary_by_source(rows: list[Row]) -> dict[str, dict[str, int]]:
    """Rows per status for each part of the report (in report order)."""
    order = ("Preface", "Summary", "Chapter 2", "Chapter 4", "Chapter 5", "Appendix")
    out = {part: {s: 0 for s in STATUSES} for part in order}
    for r in rows:
        out[source_of(r)][r.status] += 1
    return {part: counts for part, counts in out.items() if any(counts.values())}
