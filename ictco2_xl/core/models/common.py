"""Inputs shared by many models: emission factors, the ICT own-emission input, and the uncertainty
ranges that recur across models.

Uncertainty ranges (``Input.uncertainty``) follow one policy: the report's value stays the peak of a
triangular range (a symmetric band unless the report itself or logic bounds one side), the width says
how soft the value is, and the reason says why. Operator records (counts, revenues, metered traffic,
stated own emissions) and case selectors (the year) stay fixed: they define the case, they are not
assumptions. Fixed inputs with a reason are assumed values (often 0) that are a scenario choice.
"""
from __future__ import annotations

from ..definitions import POSITIVE, Bounds, Distribution, Input, fixed, spread, triangular

#: Ranges of the emission factors, relative to the value of the factor set in use (so `current` gets them too).
FACTOR_UNCERTAINTY: dict[str, Distribution] = {
    "grid_kg_per_kwh": spread(0.10, "A national-average grid factor: the report itself uses 0.8665 and 0.834 (4% apart) "
                                    "and MEE/NBS national values moved 5% from 2021 to 2023; ±10%. Regional grids differ far "
                                    "more (0.25-0.64 in 2023): for a regional case load a factor set instead."),
    "diesel_kg_per_l": triangular(0.97, 1.02, reason="Carbon content of diesel is well known: IPCC 2006 gives "
                                  "74,100 kg CO2/TJ with a 95% interval of 72,600-74,800 (-2%/+1%), calorific value and "
                                  "density add about 1%. The report's 1.197 kg/L is off by far more: a restatement "
                                  "question (`ictco2-xl restate`), not a range.", relative=True),
    "gasoline_kg_per_l": triangular(0.97, 1.05, reason="IPCC 2006: 69,300 kg CO2/TJ, 95% interval 67,500-73,000 "
                                    "(-3%/+5%).", relative=True),
    "jet_kerosene_kg_per_l": triangular(0.97, 1.04, reason="IPCC 2006: 71,500 kg CO2/TJ, 95% interval 69,700-74,400 "
                                        "(-3%/+4%).", relative=True),
    "diesel_embodied_multiplier": fixed(reason="Table 5-1's x2.608 is not explained by the report, so there is no basis "
                                        "for a range; its weight shows in the restatement, where it is 1."),
    "a4_sheet_kg": spread(0.40, "Paper footprints differ by mill and fibre: about 0.61-1.98 kg CO2e per kg around 0.94 "
                                "(US mill averages); ±40% around the value in use."),
    "paper_kg_per_kg": spread(0.40, "Paper footprints differ by mill and fibre: about 0.61-1.98 kg CO2e per kg around "
                                    "0.94 (US mill averages); ±40% around the value in use."),
    "pvc_kg_per_kg": spread(0.30, "One rounded value ('约1.9g') without a source; PVC footprints depend on the production "
                                  "route (coal-based carbide PVC, common in China, is well above ethylene-based); ±30%."),
    "cd_kg_per_disc": spread(0.50, "A round 1 kg per disc with no source or boundary (pressing only, or packaging, "
                                   "transport and retail too); ±50%."),
    "network_kwh_per_mb": spread(0.50, "One network-wide average for 2008; energy per MB depends on the network "
                                       "generation, its load and what is counted (access, core, data centres), and "
                                       "estimates for the same year differ several-fold; ±50%."),
}

#: Savings estimated against a counterfactual the report does not document.
SAVING = spread(0.30, "A saving estimated against a counterfactual the report does not document; ±30%.")
ROUND_SAVING = spread(0.50, "A round-number estimate of a saving against an undocumented counterfactual; ±50%.")
IMPLIED = spread(0.50, "Not stated: back-solved from a published figure whose reading is uncertain (rounded digits, "
                       "a table cell whose row is ambiguous); ±50%.")
GASOLINE_PRICE = spread(0.10, "Retail gasoline prices were adjusted during 2008 and differ by grade; ±10%.")
FUEL_INTENSITY = spread(0.15, "A fleet-average diesel use per 100 t-km; it varies with load, road and truck size; ±15%.")
ASSUMED_ZERO = fixed(reason="Assumed 0 because the report counts none; a non-zero value is a scenario, not a spread.")


def factor_input(key: str, label: str, label_zh: str, unit: str, source: str = "") -> Input:
    return Input(key, label, label_zh, unit, factor=key, bounds=POSITIVE,
                 source=source or "factor set (see `ictco2-xl factors`)", uncertainty=FACTOR_UNCERTAINTY.get(key))


def grid() -> Input:
    return factor_input("grid_kg_per_kwh", "Grid emission factor", "电碳转换系数", "kg CO2/kWh")


def a4_sheet(label: str = "Emission per A4 sheet", label_zh: str = "每张A4纸的碳排放") -> Input:
    return factor_input("a4_sheet_kg", label, label_zh, "kg CO2/sheet")


def gasoline() -> Input:
    return factor_input("gasoline_kg_per_l", "Gasoline emission factor", "每升汽油排放", "kg CO2/L")


def diesel() -> Input:
    return factor_input("diesel_kg_per_l", "Diesel emission factor", "柴油排放系数", "kg CO2/L")


def network_energy() -> Input:
    return factor_input("network_kwh_per_mb", "Network electricity per MB", "单位流量耗电量", "kWh/MB")


def pvc() -> Input:
    return factor_input("pvc_kg_per_kg", "CO2 per kg of PVC", "1g PVC产生的二氧化碳", "kg CO2/kg")


def own_emission_from_factor(reduction_t: float, factor: float, table: str, extra: str = "") -> Input:
    """ICT own emission the report never states, implied by its published enablement factor."""
    return Input("ict_own_emission_t", "ICT solution's own emission", "ICT自身排放", "t CO2",
                 default=reduction_t / factor, bounds=Bounds(0, None, lo_open=True), provenance="implied",
                 source=f"{table}: published 减排系数 {factor:g} = reduction / own emission",
                 note=f"Not stated; implied by {reduction_t:g} t / {factor:g}. {extra}".strip(),
                 uncertainty=spread(0.50, f"Not stated: back-solved from the published enablement factor {factor:g}, "
                                          "printed to few digits in a table whose factor cells are not aligned with their rows; ±50%."))
