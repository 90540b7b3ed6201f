"""Inputs shared by many models: emission factors and the ICT own-emission input."""
from __future__ import annotations

from ..definitions import POSITIVE, Bounds, Input


def factor_input(key: str, label: str, label_zh: str, unit: str, source: str = "") -> Input:
    return Input(key, label, label_zh, unit, factor=key, bounds=POSITIVE,
                 source=source or "factor set (see `ictco2-xl factors`)")


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
                 note=f"Not stated; implied by {reduction_t:g} t / {factor:g}. {extra}".strip())
