"""Every figure of the report's tables and headline statements, recomputed and classified.

Each figure is recomputed from the model definitions with the ``report`` factor set, from the inputs
of its own step (a figure derived from another published figure, such as 7000万 t from 4850万 t, starts
from that published figure). The status is derived, never typed in:

- ``reproduced``: the stated inputs give the printed value within its rounding (round or truncation at
  the last printed digit; ``at_least`` for 'more than' statements);
- ``implied_parameter``: reproduced only with a value the report does not state (an implied factor or
  input, a back-solved share, or an equation the report does not write down) — the note names it;
- ``report_inconsistent``: the printed value contradicts the report's own stated inputs — the note says how;
- ``not_reproducible``: the report does not give the inputs needed.
"""
from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_DOWN, ROUND_HALF_UP, Decimal
from typing import Callable

import numpy as np

from ..evaluation import ImpliedUse, implied_behind
from ..csvio import rows_text
from ..factors import get_factor_set
from ..models import APPENDIX_MODELS, get_model

STATUSES = ("reproduced", "implied_parameter", "report_inconsistent", "not_reproducible")
COLUMNS = ("figure_id", "source", "description", "report_value", "recomputed", "unit", "status", "note")


class _Context:
    """Runs models for one figure and remembers which implied values were used."""

    def __init__(self):
        self.fs = get_factor_set("report")
        self.implied: list[ImpliedUse] = []

    def _track(self, model, res, names) -> None:
        self.implied += implied_behind(res, names)

    def run(self, model_id: str, output: str | None = None, **inputs) -> float:
        model = get_model(model_id)
        output = output or model.primary
        res = model.run(inputs, self.fs)
        self._track(model, res, [output])
        return float(res[output])

    def input(self, model_id: str, name: str, **inputs) -> float:
        model = get_model(model_id)
        res = model.run(inputs, self.fs)
        self._track(model, res, [name])
        return float(res.inputs[name])

    def step_with(self, model_id: str, step: str, **values) -> float:
        """One step's equation evaluated with some upstream values replaced by published figures."""
        model = get_model(model_id)
        names = {i.name for i in model.inputs}
        res = model.run({k: v for k, v in values.items() if k in names}, self.fs)
        upstream = [n for n in model.step(step).expr.names if n not in values]
        self._track(model, res, upstream)
        env = {**res.inputs, **dict(res), **{d.name: d for d in model.data}, **values}
        return float(model.step(step).expr.evaluate(env))

    def e1(self) -> float:
        return sum(self.run(m.id) for m in APPENDIX_MODELS)


Compute = Callable[[_Context], float]


@dataclass(frozen=True)
class Figure:
    figure_id: str
    source: str
    description: str
    report_value: str            # as printed, converted to ``unit``
    unit: str
    compute: Compute | None
    note: str = ""
    compare: str = "round"       # round | at_least | at_most
    rel_tol: float = 0.0         # only with a note saying why the printed digits exceed the inputs' precision
    method: str = ""             # an equation or method the report does not state but the figure needs
    alt: tuple[Compute, str] | None = None  # (compute with an implied value, what that value is)


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

    def as_dict(self) -> dict:
        rec = "" if self.recomputed is None else format(self.recomputed, ".10g")
        return {**self.__dict__, "recomputed": rec}


def _last_place(text: str) -> Decimal:
    text = text.lstrip("-")
    if "." in text:
        return Decimal(1).scaleb(-len(text.split(".")[1]))
    stripped = text.rstrip("0")
    return Decimal(1).scaleb(len(text) - len(stripped) if stripped else 0)


def matches(report: str, value: float, compare: str = "round", rel_tol: float = 0.0) -> bool:
    """Whether ``value`` prints as ``report`` (rounded half-up or truncated at its last digit)."""
    if value is None or not np.isfinite(value):
        return False
    rep = Decimal(report)
    if rel_tol and abs(value - float(rep)) <= rel_tol * abs(float(rep)):
        return True
    if compare == "at_least":
        return value >= float(rep)
    if compare == "at_most":
        return value <= float(rep)
    step = _last_place(report)
    q = Decimal(repr(float(value))) / step
    return any(q.quantize(Decimal(1), rounding=r) * step == rep for r in (ROUND_HALF_UP, ROUND_DOWN))


def _describe_implied(uses: list[ImpliedUse]) -> str:
    groups: dict[tuple, list[ImpliedUse]] = {}
    for u in uses:
        groups.setdefault((u.name, round(u.value, 12)), []).append(u)
    parts = []
    for (name, value), group in groups.items():
        models = sorted({u.model for u in group})
        if len(models) > 1:
            parts.append(f"{name} = {value:.6g} in {', '.join(models)} (each needed by that model's published figures)")
        else:
            parts.append(f"{name} = {value:.6g} ({group[0].note or group[0].source})")
    return "Implied: " + "; ".join(parts) if parts else ""


def _join(*parts: str) -> str:
    return " ".join(p.strip() for p in parts if p and p.strip())


def evaluate(fig: Figure) -> Row:
    base = dict(figure_id=fig.figure_id, source=fig.source, description=fig.description,
                report_value=fig.report_value, unit=fig.unit)
    if fig.compute is None:
        return Row(**base, recomputed=None, status="not_reproducible", note=fig.note)
    ctx = _Context()
    value = fig.compute(ctx)
    if matches(fig.report_value, value, fig.compare, fig.rel_tol):
        implied = _describe_implied(ctx.implied)
        if implied or fig.method:
            note = _join(f"Method not stated: {fig.method}." if fig.method else "", implied, fig.note)
            return Row(**base, recomputed=value, status="implied_parameter", note=note)
        return Row(**base, recomputed=value, status="reproduced", note=fig.note)
    if fig.alt is not None:
        alt_ctx = _Context()
        alt_value = fig.alt[0](alt_ctx)
        if matches(fig.report_value, alt_value, fig.compare, fig.rel_tol):
            note = _join(f"Implied: {fig.alt[1]}; the stated inputs give {value:.6g}.", _describe_implied(alt_ctx.implied),
                         fig.note)
            return Row(**base, recomputed=alt_value, status="implied_parameter", note=note)
    return Row(**base, recomputed=value, status="report_inconsistent", note=fig.note)


# ---------------------------------------------------------------------------------------------------
# The figures. Units: t = tonnes CO2; 10^4 t = 万吨; 10^8 t = 亿吨.
# ---------------------------------------------------------------------------------------------------
F = Figure
FIGURES: list[Figure] = []


def _add(*figs: Figure) -> None:
    FIGURES.extend(figs)


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


def _run(model_id, output=None, scale=1.0, **inputs) -> Compute:
    return ModelFigure(model_id, output, scale, tuple(sorted(inputs.items())))


def _inp(model_id, name, scale=1.0, **inputs) -> Compute:
    return ModelFigure(model_id, name, scale, tuple(sorted(inputs.items())), is_input=True)


# -- Table 4-1 ---------------------------------------------------------------------------------------
_T41 = [  # (row, model, printed t CO2, note when the stated inputs disagree)
    (1, "mobile_newspaper", "457", ""),
    (2, "newsletter", "22", ""),
    (3, "mms_flyer", "109", ""),
    (4, "self_service", "3322", ""),
    (5, "einvoice", "327", ""),
    (6, "music_download", "26", "The appendix's own inputs (300,170 yuan = 5003 CDs at 1 kg, minus 4.10 t of network "
                                "electricity) give 0.90 t, as §4.2.2 says ('900kg'); 26 t needs 30,017 CDs "
                                "(10 yuan per CD) or 6 kg CO2 per CD."),
    (7, "mms_card", "22", "1,050,000 cards x 9.41 g = 9.88 t baseline, 9.28 t net; 22 t needs 21.58 g per card "
                          "(2.29 A4 sheets) while the appendix approximates a card by one A4 sheet."),
    (8, "fleet_management", "101804", ""),
    (9, "genset_monitoring", "44", "1200 sheets x 9.41 g + 27,600 L x 1.197625 kg/L = 33.07 t; 44 t would need "
                                   "37,028 L or 1.606 kg CO2/L."),
    (10, "urban_management", "34", ""),
    (11, "rural_egov", "1941", ""),
    (12, "streetlight", "1016", ""),
    (13, "sim_card", "0.2", ""),
    (14, "mobile_payment", "0.08", ""),
]
for row, mid, printed, note in _T41:
    _add(F(f"T4-1.r{row:02d}", "Table 4-1", f"{get_model(mid).title_zh} 2008 reduction", printed, "t CO2",
           _run(mid), note))
_add(
    F("T4-1.total", "Table 4-1", "Total of the fourteen solutions (E1)", "10.9", "10^4 t CO2",
      lambda c: c.e1() / 1e4),
    F("T4-1.halls", "Table 4-1", "Medium service halls avoided", "287", "halls", _run("self_service", "halls_avoided")),
    F("T4-1.cards", "Table 4-1", "Paper greeting cards equivalent to the MMS revenue", "105", "10^4 cards",
      _run("mms_card", "cards_replaced", 1e-4)),
    F("T4-1.cds", "Table 4-1", "CDs equivalent to the download revenue", "5000", "CDs", _run("music_download", "cds_replaced")),
)

# -- Tables 4-2 to 4-4: reductions (kg) and enablement factors ------------------------------------
_CIRCULAR = "The report gives no own-emission inputs for this solution, so the own emission is back-solved from this factor."
_T42 = [  # (id, table, model, printed kg, printed factor, reduction note, factor note)
    ("fleet", "Table 4-2", "fleet_management", "101804850", "3869", "", _CIRCULAR),
    ("self_service", "Table 4-2", "self_service", "3322236", "244",
     "The stated inputs give 3,322,186 kg: 3322236 kg implies an after-ICT emission of 7.8 kg instead of 57.4 kg.",
     "Own emission from the stated inputs is 0.057 t (factor 57,832); 244 implies 13.6 t, which the 3322 t reduction "
     "(baseline 3322.24 t) cannot accommodate. Factor columns are reconstructed from the scrambled extraction."),
    ("einvoice", "Table 4-2", "einvoice", "327366", "113", "",
     "Own emission from the stated inputs is 0.1015 t (network 0.0897 t + platform 0.0118 t), factor 3225; 113 "
     "implies 2.90 t. Factor columns are reconstructed from the scrambled extraction."),
    ("streetlight", "Table 4-2", "streetlight", "1015620", "64825", "", _CIRCULAR),
    ("urban", "Table 4-2", "urban_management", "33848", "63", "", _CIRCULAR),
    ("music", "Table 4-3", "music_download", "25914", "6.3",
     "Stated inputs give 899.6 kg (§4.2.2: '900kg'); 25914 kg = 30,017 CDs x 1 kg - 4103 kg network.",
     "With the stated inputs the factor is 0.22; 6.3 goes with the 25914 kg reduction."),
    ("newspaper", "Table 4-3", "mobile_newspaper", "456973", "6.3",
     "Within 1.5 kg (3 ppm): the stated inputs are rounded (27.34 MB, 4.3%, 7921510.67 g) far beyond that.",
     "The stated inputs give 456,975 kg / 68,802 kg = 6.64."),
    ("newsletter", "Table 4-3", "newsletter", "22113", "46.9", "",
     "The stated inputs give 22,114 kg / 470.3 kg = 47.0; 46.9 needs an own emission of 471.5 kg."),
    ("mms_card", "Table 4-3", "mms_card", "22064", "36.9",
     "Stated inputs give 9,283 kg (9880.5 kg of cards at 9.41 g - 598 kg network).",
     "Own emission 598 kg matches (with 0.834 kg/kWh), but the reduction does not: 9283/598 = 15.5."),
    ("mms_flyer", "Table 4-3", "mms_flyer", "108842", "26.7", "", ""),
    ("rural", "Table 4-4", "rural_egov", "1940599", "0.14", "",
     _CIRCULAR + " It implies 13,861 t of own emission, 7 times the reduction."),
    ("payment", "Table 4-4", "mobile_payment", "76", "0.2", "", ""),
]
for key, table, mid, kg, factor, note_r, note_f in _T42:
    _add(F(f"{table[6:]}.{key}.reduction", table, f"{get_model(mid).title_zh} reduction", kg, "kg CO2",
           _run(mid, scale=1000), note_r, rel_tol=5e-6 if key == "newspaper" else 0.0),
         F(f"{table[6:]}.{key}.factor", table, f"{get_model(mid).title_zh} enablement factor", factor, "1",
           _run(mid, "enablement_factor"), note_f))
_add(
    F("4-4.sim_card.reduction", "Table 4-4", "企业一卡通 reduction", "192.4548", "kg CO2", _run("sim_card", scale=1000)),
    F("4-4.genset.reduction", "Table 4-4", "油机监控 reduction", "44346", "kg CO2", _run("genset_monitoring", scale=1000),
      "The stated inputs give 33,066 kg (see Table 4-1 row 9)."),
    F("4-4.average_factor", "§4.4; Summary", "Average enablement factor of the solutions 'above 7'", "7", "1",
      _run("enablement"), "Pooled: the 12 solutions with an own emission; dominated by 农政通's implied 13,861 t.",
      compare="at_least"),
    F("4-1.eight_times", "§4.1 C", "The 14 solutions reduce 'more than 8 times' their own emission", "8", "1",
      _run("enablement"), "§4.4 and the summary say 'above 7'; pooling the published factors gives 7.8.",
      compare="at_least"),
)

# -- §4.3 and §4.5 roll-up, Summary --------------------------------------------------------------
_add(
    F("4-3.e2", "§4.3", "Reduction of the other services (E2)", "72.6", "10^4 t CO2", _run("portfolio", "e2_t", 1e-4)),
    F("4-3.e3", "§4.3; §4.5", "China Mobile Chongqing total (E3)", "83.5", "10^4 t CO2",
      lambda c: c.run("portfolio", "e3_t", e1_t=c.e1()) / 1e4),
    F("4-5.china_mobile", "§4.5; Summary", "China Mobile nationwide 2008", "4850", "10^4 t CO2",
      lambda c: c.run("china_mobile", e3_t=835000) / 1e4,
      "Chongqing's share of China Mobile's business volume is not given; it is back-solved (1.72%)."),
    F("4-5.wireless", "§4.5; Summary", "Wireless industry 2008 ('7000多万吨')", "7000", "10^4 t CO2",
      lambda c: c.run("wireless_industry", china_mobile_t=4.85e7) / 1e4, "From the published 4850万 t.",
      compare="at_least"),
    F("S.china_mobile_2009", "Summary", "China Mobile 2009 estimate", "5820", "10^4 t CO2",
      lambda c: c.run("china_mobile", "china_mobile_2009_t", e3_t=835000, chongqing_share=835000 / 4.85e7) / 1e4,
      "From the published 4850万 t plus 20%."),
    F("S.own_ratio", "Summary", "China Mobile's reduction / own emission ('6倍左右')", "6", "1",
      lambda c: c.run("china_mobile", "own_emission_ratio", e3_t=835000, chongqing_share=835000 / 4.85e7),
      "4850万 t / 794万 t = 6.1."),
)

# -- §4.2 case texts ---------------------------------------------------------------------------------
_add(
    F("4-2-1.hall_co2", "§4.2.1", "300 service halls, 300万 kWh -> CO2", "2500", "t CO2",
      _run("self_service", "hall_electricity_t", physical_equivalent_transactions=300 * 114156)),
    F("4-2-1.total", "§4.2.1", "Self-service reduction ('3300吨')", "3300", "t CO2", _run("self_service")),
    F("4-2-2.music", "§4.2.2", "Full-track download reduction ('900kg')", "900", "kg CO2", _run("music_download", scale=1000)),
    F("4-2-3.kwh", "§4.2.3", "Electricity saved by 2000 controlled lamps", "54.8", "10^4 kWh",
      _run("streetlight", "electricity_saved_kwh", 1e-4)),
    F("4-2-3.lighting", "§4.2.3", "CO2 cut by shorter lighting ('450余吨')", "450", "t CO2",
      lambda c: c.run("streetlight", "lighting_before_t") - c.run("streetlight", "lighting_after_t"),
      compare="at_least"),
    F("4-2-3.transport", "§4.2.3", "CO2 cut in maintenance transport ('约600吨')", "600", "t CO2",
      _run("streetlight", "transport_before_t")),
    F("4-2-3.total", "§4.2.3", "Street-light control reduction ('约1050吨')", "1050", "t CO2", _run("streetlight"),
      "1050 is the sum of the rounded 450 and 600; the table gives 1016 t."),
)
for share, printed in ((0.5, "375"), (0.7, "525"), (0.9, "675")):
    inputs = dict(lamp_count_10k=1500, adoption_rate=share, efficiency_cut=0.0, target_year=2010)
    _add(F(f"4-2-3.national_{int(share * 100)}", "§4.2.3", f"1500万 lamps, {share:.0%} controlled", printed, "10^4 t CO2",
           _run("streetlight_potential", scale=1e-4, **inputs),
           alt=(_run("streetlight_potential", scale=1e-4, pilot_reduction_t=1000, **inputs),
                "0.5 t per lamp (1000 t / 2000 lamps) instead of the 1015-1016 t the report states")))
_add(
    F("4-2-4.banknotes", "§4.2.4", "CO2 of printing a year's bank notes", "5.7", "10^4 t CO2",
      _run("banknote_production", scale=1e-4)),
    F("4-2-4.notes", "§4.2.4", "100-yuan notes equivalent to the currency issued", "316", "10^8 notes",
      _run("banknote_production", "note_count", 1e-8)),
    F("4-2-4.sim_card", "§4.2.4", "SIM card consolidation ('接近0.2吨')", "0.2", "t CO2", _run("sim_card")),
    F("4-2-4.sim_payment", "§4.2.4", "5% of retail sales by SIM payment ('至少4000吨')", "4000", "t CO2",
      _run("sim_payment_potential"), "The CO2 per yuan is back-solved from this figure; note 32 gives no inputs.",
      compare="at_least"),
)

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
_APPENDIX_NOTES = {
    ("genset_monitoring", "reduction_t"): "See Table 4-1 row 9: the stated inputs give 33.07 t.",
    ("mms_card", "reduction_t"): "See Table 4-1 row 7: the stated inputs give 9.28 t.",
    ("music_download", "reduction_t"): "See Table 4-1 row 6: the stated inputs give 0.90 t.",
    ("newsletter", "baseline_t"): "Printed rounded to 23 t; the 22113 kg of Table 4-3 needs exactly 22.584 t.",
}
for _num, (_mid, _rows) in enumerate(_APPENDIX_TABLES.items(), start=1):
    _model = get_model(_mid)
    _inputs = {i.name for i in _model.inputs}
    for _printed, _unit, _name, _scale in _rows:
        what = _model.input(_name).label if _name in _inputs else _model.step(_name).label
        fn = _inp(_mid, _name, _scale) if _name in _inputs else _run(_mid, _name, _scale)
        _add(F(f"A{_num}.{_name}", f"Appendix {_num} table", f"{_model.title_zh}: {what}", _printed, _unit, fn,
               _APPENDIX_NOTES.get((_mid, _name), "")))

# -- Table 5-1 and §5.1 ------------------------------------------------------------------------------
_T51 = {2008: ("12999", "12636", "14262", "2.81"), 2010: ("14331", "14300", "15761", "3.10"),
        2020: ("23343", "25000", "25843", "5.09"), 2030: ("38024", "36964", "41720", "8.21")}
for y, (fr, ps, conv, co2) in _T51.items():
    _add(F(f"T5-1.{y}.freight", "Table 5-1; §5.1.3", f"Road freight {y}", fr, "10^8 t·km",
           _run("logistics_baseline", "freight_tkm", target_year=y)),
         F(f"T5-1.{y}.passenger", "Table 5-1; §5.1.3", f"Road passenger transport {y}", ps, "10^8 p·km",
           _inp("logistics_baseline", "passenger_pkm", target_year=y)),
         F(f"T5-1.{y}.converted", "Table 5-1", f"Converted transport volume {y}", conv, "10^8 t·km",
           _run("logistics_baseline", "converted_tkm", target_year=y)),
         F(f"T5-1.{y}.co2", "Table 5-1; §5.1.3; Table 5-2", f"Road-logistics CO2 {y}", co2, "10^8 t CO2",
           _run("logistics_baseline", scale=1e-8, target_year=y),
           "Table 5-1 prints this row as 28.1/31.0/50.9/82.1 with the unit 亿吨 (a factor-10 unit error); the text "
           "says 2.81亿吨." if y == 2008 else ""))
_add(
    F("T5-1.conversion", "Table 5-1", "Passenger-to-freight conversion", "0.1", "1", _inp("logistics_baseline", "passenger_to_freight")),
    F("T5-1.diesel_use", "Table 5-1", "Diesel per 100 tonne-km", "6.3", "L", _inp("logistics_baseline", "diesel_l_per_100tkm")),
    F("T5-1.diesel_factor", "Table 5-1", "CO2 per litre of diesel", "1.198", "kg/L", _inp("logistics_baseline", "diesel_kg_per_l")),
    F("T5-1.multiplier", "Table 5-1", "Diesel embodied multiplier", "2.608", "1",
      _inp("logistics_baseline", "diesel_embodied_multiplier")),
    F("5-1-2.national_2008", "§5.1.2", "物流通 nationwide 2008 (400,000 vehicles, 8 million t)", "136", "10^4 t CO2",
      _run("fleet_management", scale=1e-4, tonnage_100t=80000)),
)

# -- Table 5-2 ---------------------------------------------------------------------------------------
_T52 = {0.1: ("0.18", "0.30", "0.48", "6"), 0.2: ("0.35", "0.57", "0.93", "11"), 0.3: ("0.50", "0.83", "1.34", "16"),
        0.4: ("0.65", "1.06", "1.72", "21"), 0.5: ("0.78", "1.28", "2.07", "25")}
_T52_METHOD = "reduction = baseline x (1/(1-e0) - 1/(1-e1)) with e0 = 30% and e1 = 30% x (1 - cut)"
for cut, (r10, r20, r30, pct) in _T52.items():
    for y, printed in ((2010, r10), (2020, r20), (2030, r30)):
        _add(F(f"T5-2.{y}.cut{int(cut * 100)}", "Table 5-2; §5.1.4", f"Smart-logistics reduction {y}, empty running -{cut:.0%}",
               printed, "10^8 t CO2", _run("logistics_potential", scale=1e-8, target_year=y, empty_rate_cut=cut),
               method=_T52_METHOD))
    _add(F(f"T5-2.share.cut{int(cut * 100)}", "Table 5-2; §5.1.4", f"Reduction as % of the baseline, empty running -{cut:.0%}",
           pct, "%", _run("logistics_potential", "share_of_baseline", 100, empty_rate_cut=cut), method=_T52_METHOD))
_add(
    F("T5-2.base_empty_rate", "Table 5-2", "Base empty-running rate", "30", "%", _inp("logistics_potential", "base_empty_rate", 100)),
    F("5-1-4.high_carbon", "§5.1.4; Figure 5-3", "High-carbon society (no cut): reduction is negative", "0", "t CO2",
      _run("logistics_potential", empty_rate_cut=0.0), "Reported as a sign only; the ICT own emission is not given, "
      "so 51 t (物流通 2008) is assumed.", compare="at_most"),
)

# -- Table 5-3 and §5.2 -------------------------------------------------------------------------------
_T53 = {1998: (5771, 3, 749, 0, "65223"), 1999: (6342, 4, 907, 0, "7253"), 2000: (7880, 4, 1032, 1, "8917"),
        2001: (14079, 253, 1648, 2, "15982"), 2002: (19992, 1809, 2916, 0.4, "24717"),
        2003: (30484, 4852, 4341, 17, "39693"), 2004: (29673, 6532, 4920, 102, "41227"),
        2005: (26880, 11512, 7112, 24, "45528"), 2006: (20388, 9951, 6416, 27, "36782"),
        2007: (16722, 11585, 5196, 720, "34223")}
for y, (*cols, total) in _T53.items():
    _add(F(f"T5-3.{y}", "Table 5-3", f"Video discs published {y} (sum of the four columns)", total, "10^4 discs",
           lambda c, cols=tuple(cols): float(sum(cols)),
           {1998: "Typo: the four columns sum to 6523; the model uses 6523.",
            2003: "The four columns sum to 39694, one more than printed; the model uses the printed total."}.get(y, "")))
_LINEAR = "a linear least-squares trend of Table 5-3's totals over 1998-2007"
_add(
    F("5-2-1-1.peak_2005", "§5.2.1.1", "Discs published in 2005 ('4.55亿盘')", "4.55", "10^8 discs",
      lambda c: sum(_T53[2005][:4]) / 1e4),
    F("5-2-1-2.discs_2020", "§5.2.1.2", "Discs in 2020 at the pre-2006 growth", "103500", "10^4 discs",
      _run("disc_trend", "discs_10k", target_year=2020), method=_LINEAR),
    F("5-2-1-2.co2_2020", "§5.2.1.2", "CO2 of the 2020 discs = online-media reduction", "103", "10^4 t CO2",
      _run("disc_trend", scale=1e-4, target_year=2020), method=_LINEAR),
    F("5-2.online_2030", "§5.2", "Online-media reduction 2030", "313", "10^4 t CO2",
      _run("disc_trend", scale=1e-4, target_year=2030),
      "The trend that reproduces 2020 gives 148万 t for 2030; 313万 t (3.04 times 2020) follows no stated method."),
    F("5-2.demat_2020", "§5.2", "Dematerialisation 2020 = online media / 4.3%", "2369", "10^4 t CO2",
      lambda c: c.step_with("dematerialisation", "reduction_t", online_media_t=1.03e6) / 1e4,
      "The report's own 103万 t / 4.3% = 2395万 t; 2369万 t needs 101.9万 t."),
    F("5-2.demat_2030", "§5.2", "Dematerialisation 2030 = online media / 4.3%", "7279", "10^4 t CO2",
      lambda c: c.step_with("dematerialisation", "reduction_t", online_media_t=3.13e6) / 1e4,
      "From the published 313万 t."),
    F("5-2-1-2.music_2008", "§5.2.1.2; §4.2.2", "Wireless music 2008: 3亿 discs avoided", "35", "10^4 t CO2",
      lambda c: 3e8 * c.input("disc_trend", "cd_kg_per_disc") / 1000 / 1e4,
      "3亿 discs at the report's 1 kg per disc is 30万 t, not 35万 t."),
    F("5-2-2-2.paper_2020", "§5.2.2.2", "Paper demand 2020", "15566", "10^4 t", None,
      "Projected from Figure 5-7, whose data the text does not give."),
    F("5-2-2-2.paper_2030", "§5.2.2.2", "Paper demand 2030", "22051", "10^4 t", None,
      "Projected from Figure 5-7, whose data the text does not give."),
    F("5-2-2-2.epaper_2020", "§5.2.2.2", "Electronic-paper reduction 2020 (25% of paper)", "355", "10^4 t CO2",
      _run("epaper", scale=1e-4, target_year=2020),
      "No paper factor is stated; 355万 t implies 0.091 t CO2 per t of paper, the 9.41 g per A4 sheet 1.89 t/t."),
    F("5-2-2-2.epaper_2030", "§5.2.2.2", "Electronic-paper reduction 2030 (25% of paper)", "1092", "10^4 t CO2",
      _run("epaper", scale=1e-4, target_year=2030),
      "1092万 t implies 0.198 t CO2 per t of paper, twice the factor its 2020 figure implies."),
    F("5-2-2-3.newspaper_2020", "§5.2.2.3", "Mobile newspaper reduction 2020", "10.75", "10^4 t CO2", None,
      "'以现有新闻纸为基数预测': the newsprint base and the method are not given."),
)

# -- Teleworking table and §5.3.1 ----------------------------------------------------------------------
_TELE = {2010: ("5.59", "3900", "3041", "27", "2.98"), 2020: ("6.12", "7200", "2950", "40", "3.40"),
         2030: ("6.81", "11100", "2767", "50", "3.95")}
for y, (base, cars, kg, share, red) in _TELE.items():
    _add(F(f"T5-tele.{y}.baseline", "Teleworking table", f"Teleworking baseline {y}", base, "10^8 t CO2",
           _run("telework", "baseline_t", 1e-8, target_year=y)),
         F(f"T5-tele.{y}.cars", "Teleworking table", f"Cars {y}", cars, "10^4 cars", _inp("telework", "car_count_10k", target_year=y)),
         F(f"T5-tele.{y}.kg_per_car", "Teleworking table", f"CO2 per car {y}", kg, "kg CO2", _inp("telework", "kg_per_car_year", target_year=y)),
         F(f"T5-tele.{y}.work_share", "Teleworking table", f"Work-related share of car travel {y}", share, "%",
           _inp("telework", "work_share", 100, target_year=y)),
         F(f"T5-tele.{y}.reduction", "Teleworking table; Summary", f"Teleworking reduction {y}", red, "10^8 t CO2",
           _run("telework", scale=1e-8, target_year=y)))
_add(
    F("T5-tele.km_cut", "Teleworking table", "Cut in work-related car travel", "80", "%", _inp("telework", "work_km_cut", 100)),
    F("T5-tele.office", "Teleworking table", "Office-building reduction", "3.16", "10^8 t CO2",
      _run("telework", "office_reduction_t", 1e-8)),
    F("T5-tele.residential", "Teleworking table", "Residential-building reduction", "-0.44", "10^8 t CO2",
      _run("telework", "residential_increase_t", -1e-8)),
    F("5-3-1.office_after", "§5.3.1", "Office-building CO2 with teleworking", "2.11", "10^8 t CO2",
      lambda c: (c.input("telework", "office_building_t") - c.run("telework", "office_reduction_t")) / 1e8),
    F("5-3-1.residential_after", "§5.3.1", "Residential-building CO2 with teleworking", "3.37", "10^8 t CO2",
      lambda c: (c.input("telework", "residential_building_t") + c.run("telework", "residential_increase_t")) / 1e8),
    F("5-3-1.office_building", "§5.3.1", "Office-building CO2 2010-2030", "5.27", "10^8 t CO2", None,
      "730亿 m2 x 14 kWh/m2 with the 34% residential share and office = 1.18 x residential does not give 5.27 and "
      "2.93 with any grid factor the report uses; the derivation is not shown."),
    F("5-3-1.residential_building", "§5.3.1", "Residential-building CO2 2010-2030", "2.93", "10^8 t CO2", None,
      "See 5-3-1.office_building."),
)

# -- Table 5-5, Table 5-6 -----------------------------------------------------------------------------
_TIMES10 = ("Ten times what the stated inputs give (12.8 L/km / 270 passengers x 2.39525 kg/L); reproduced only "
            "with 27 passengers per aircraft.")
_T55 = {2010: ("2660", "47", "3.02", "4", "0.12"), 2020: ("7210", "43", "8.19", "15", "1.23"),
        2030: ("14810", "39", "16.82", "37", "6.22")}
for y, (pkm, bshare, base, rate, red) in _T55.items():
    _add(F(f"T5-5.{y}.pkm", "Table 5-5; §5.3.2", f"Air passenger-km {y}", pkm, "10^8 p·km", _inp("videoconf", "air_pkm", target_year=y)),
         F(f"T5-5.{y}.business_share", "Table 5-5", f"Business share of air travel {y}", bshare, "%",
           _inp("videoconf", "business_share", 100, target_year=y), "Printed but not used by the table's arithmetic."),
         F(f"T5-5.{y}.baseline", "Table 5-5", f"Aviation baseline {y}", base, "10^8 t CO2",
           _run("videoconf", "baseline_t", 1e-8, target_year=y), _TIMES10),
         F(f"T5-5.{y}.substitution", "Table 5-5; Summary", f"Virtual-meeting substitution rate {y}", rate, "%",
           _inp("videoconf", "substitution_rate", 100, target_year=y)),
         F(f"T5-5.{y}.reduction", "Table 5-5; §5.3.2", f"Video-conferencing reduction {y}", red, "10^8 t CO2",
           _run("videoconf", scale=1e-8, target_year=y), _TIMES10))
_add(
    F("T5-5.kerosene_use", "Table 5-5", "'喷气煤油的消耗量 (Kg/km)'", "4.8476", "kg/km", None,
      "Unit and meaning unclear: the note gives 12.8 L per aircraft-km (10.2 kg at 0.8 kg/L) and 0.0474 L per passenger-km."),
    F("T5-5.kerosene_factor", "Table 5-5", "CO2 per litre of jet kerosene", "2395", "g/L",
      _inp("videoconf", "jet_kerosene_kg_per_l", 1000)),
    F("T5-6.1978.pkm", "Table 5-6", "Air passenger-km 1978", "27.91", "10^8 p·km", _inp("aviation_history", "air_pkm", target_year=1978)),
    F("T5-6.1978.co2", "Table 5-6", "Aviation CO2 1978", "317", "10^4 t CO2",
      _run("aviation_history", scale=1e-4, target_year=1978), _TIMES10),
    F("T5-6.2006.pkm", "Table 5-6", "Air passenger-km 2006", "2370.66", "10^8 p·km", _inp("aviation_history", "air_pkm", target_year=2006)),
    F("T5-6.2006.co2", "Table 5-6", "Aviation CO2 2006", "26919", "10^4 t CO2",
      _run("aviation_history", scale=1e-4, target_year=2006), _TIMES10),
)

# -- Tables 5-7 to 5-9 --------------------------------------------------------------------------------
for y, n in zip(range(1996, 2008), (277, 329, 356, 415, 473, 564, 707, 873, 1053, 1207, 1284, 1395)):
    _add(F(f"T5-7.{y}", "Table 5-7", f"Street lights in China {y}", str(n), "10^4 lamps",
           lambda c, y=y: float(dict(zip(get_model("streetlight_trend").data[0].x, get_model("streetlight_trend").data[0].y))[y])))
_T58 = {2010: "1530", 2020: "10190", 2030: "57942"}
for y, printed in _T58.items():
    _add(F(f"T5-8.{y}", "Table 5-8", f"Street lights {y} (exponential trend)", printed, "10^4 lamps",
           _run("streetlight_trend", target_year=y),
           "The exponential fit of Table 5-7 (R² 0.988, as stated) gives 2474, 12059 and 58786万; the printed three "
           "values lie on no single exponential (20.9%/yr 2010-20, 19.0%/yr 2020-30)."))
_add(F("T5-8.r2", "§5.4.2.2", "R² of the exponential trend", "0.988", "1", _run("streetlight_trend", "trend_r2")))
_T59 = {  # year: {adoption: (monitored, reduction, potential)}
    2010: {0.5: ("1005", "510", "357"), 0.7: ("1071", "544", "380"), 0.9: ("1377", "699", "489")},
    2020: {0.5: ("5095", "2586", "1810"), 0.7: ("7133", "3620", "2534"), 0.9: ("9171", "4654", "3258")},
    2030: {0.5: ("28971", "14703", "10292"), 0.7: ("40559", "20584", "14409"), 0.9: ("52148", "26465", "18526")},
}
_LAMP_TYPO = "1530 x 50% = 765万 lamps; the table prints 1005 and carries it into 510 and 357万 t."
for y, rows in _T59.items():
    _add(F(f"T5-9.{y}.lamps", "Table 5-9", f"Street lights {y}", _T58[y], "10^4 lamps",
           _inp("streetlight_potential", "lamp_count_10k", target_year=y)))
    for share, (mon, red, pot) in rows.items():
        kw = dict(target_year=y, adoption_rate=share)
        note = _LAMP_TYPO if (y, share) == (2010, 0.5) else ""
        tag = f"{y}.a{int(share * 100)}"
        _add(F(f"T5-9.{tag}.monitored", "Table 5-9", f"Lamps controlled {y} at {share:.0%}", mon, "10^4 lamps",
               _run("streetlight_potential", "monitored_10k", **kw), note),
             F(f"T5-9.{tag}.gross", "Table 5-9", f"Reduction before the efficiency cut {y} at {share:.0%}", red, "10^4 t CO2",
               _run("streetlight_potential", "gross_reduction_t", 1e-4, **kw), note),
             F(f"T5-9.{tag}.potential", "Table 5-9", f"Street-light potential {y} at {share:.0%}", pot, "10^4 t CO2",
               _run("streetlight_potential", scale=1e-4, **kw), note))
_add(
    F("T5-9.cut", "Table 5-9", "Efficiency cut factor", "0.3", "1", _inp("streetlight_potential", "efficiency_cut")),
    F("5-4-2-3.pilot", "§5.4.2.3", "Chongqing pilot reduction 2008", "1015", "t CO2", _run("streetlight"),
      "Truncated from 1015.6 t (the appendix rounds to 1016)."),
    F("5-4-3.genset", "§5.4.3.2", "Diesel-generator monitoring, all 440,000 base stations", "7.04", "10^4 t CO2",
      _run("genset_potential", scale=1e-4), "Built on the 44 t pilot figure, which the appendix inputs do not give (33.07 t)."),
    F("5-4-3.share", "§5.4.3.2", "Share of China Mobile's 2008 emission ('超过1%')", "1", "%",
      _run("genset_potential", "share_of_emission", 100), compare="at_least"),
)

# -- Summary (Figure 0-1) ------------------------------------------------------------------------------
_SUMMARY = {"logistics_potential": ("Smart logistics", ("0.78", "1.28", "2.07"), dict(empty_rate_cut=0.5), ""),
            "dematerialisation": ("Dematerialisation", ("0.11", "0.24", "0.73"), {},
                                  "The disc trend that reproduces 2020 gives 0.14亿 t for 2010 and 0.34亿 t for 2030."),
            "telework": ("Teleworking", ("2.98", "3.4", "3.95"), {}, ""),
            "videoconf": ("Video conferencing", ("0.12", "1.23", "6.23"), {}, _TIMES10)}
for mid, (label, printed, extra, note) in _SUMMARY.items():
    for y, p in zip((2010, 2020, 2030), printed):
        if (mid, y) == ("videoconf", 2030):
            note = _TIMES10 + " Table 5-5 prints 6.22 for the same figure."
        method = _T52_METHOD if mid == "logistics_potential" else (_LINEAR if mid == "dematerialisation" else "")
        _add(F(f"S.{mid}.{y}", "Summary; Figure 0-1", f"{label} potential {y}", p, "10^8 t CO2",
               _run(mid, scale=1e-8, target_year=y, **extra), note, method=method))
_add(
    F("S.streetlight_2010", "Summary", "Street lights 2010, 50% controlled", "357", "10^4 t CO2",
      _run("streetlight_potential", scale=1e-4, target_year=2010, adoption_rate=0.5), _LAMP_TYPO),
    F("S.total_2030", "Summary; Figure 0-1", "Total potential 2030 ('12.98亿吨')", "12.98", "10^8 t CO2",
      _run("headline", scale=1e-8, target_year=2030),
      "12.98 = 2.07 + 0.73 + 3.95 + 6.23; video conferencing is ten times too large and dematerialisation 2030 "
      "follows no stated method."),
)


def reconcile() -> list[Row]:
    """Every figure, recomputed and classified (always with the report's own factors)."""
    return [evaluate(f) for f in FIGURES]


def to_csv(rows: list[Row]) -> str:
    """The table as CSV text, through the package's one CSV writer (no formula injection)."""
    return rows_text(COLUMNS, ([r.as_dict()[c] for c in COLUMNS] for r in rows), lineterminator="\n")


def summary(rows: list[Row]) -> dict[str, int]:
    return {s: sum(r.status == s for r in rows) for s in STATUSES}
