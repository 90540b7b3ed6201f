"""Chapter 4 roll-up: E1 (the fourteen solutions), E2 (other services), E3, scale-up, enablement."""
from __future__ import annotations

from ..definitions import POSITIVE, Bounds, Derived, Input, Step, spread, triangular
from ..evaluation import output_for_default
from ..model import Model
from .appendix import APPENDIX_MODELS
from .common import grid


def e1_total(fs) -> float:
    """E1: the fourteen appendix models at their defaults, summed."""
    return sum(output_for_default(m, fs) for m in APPENDIX_MODELS)


def _own_models():
    return [m for m in APPENDIX_MODELS if "ict_own_emission_t" in {*(i.name for i in m.inputs), *(s.name for s in m.steps)}]


def own_total(fs) -> float:
    """Sum of the ICT own emissions of the solutions for which the report gives or implies one."""
    return sum(output_for_default(m, fs, "ict_own_emission_t") for m in _own_models())


def reduction_with_own(fs) -> float:
    return sum(output_for_default(m, fs) for m in _own_models())


PORTFOLIO = Model(
    id="portfolio", function="PORTFOLIO_REDUCTION",
    title="Chongqing portfolio E3 = E1 + E2 (重庆移动减排总量)", title_zh="重庆移动低碳ICT解决方案减排量",
    kind="rollup", section="§4.3 (after Table 4-1); §4.1 step 3",
    description="All low-carbon ICT services of China Mobile Chongqing in 2008: the fourteen studied solutions "
                "(E1) plus the other services (E2), estimated as 5 times their own emission from electricity use.",
    inputs=[
        Input("e1_t", "Reduction of the fourteen solutions (E1)", "14项业务的减排量", "t CO2/yr",
              Derived(e1_total, "sum of the fourteen appendix models"), source="Table 4-1 total (10.9万 t)",
              extensive=True,
              uncertainty=spread(0.5, "Lumped: the fourteen appendix models summed under their own ranges spread "
                                       "-34%/+36% (P5-P95) around E1; this range matches that (a test checks it).")),
        Input("total_kwh", "Electricity use of China Mobile Chongqing", "该移动公司2008年总耗电量", "kWh/yr", 1.85e8,
              source="§4.3 ('约为1.85亿千瓦时')", extensive=True),
        Input("selected_traffic_share", "Traffic share of the fourteen solutions", "14个业务的业务量占比", "fraction",
              0.094, Bounds(0, 1, hi_open=True), "§4.3 ('9.4%')",
              note="§4.3 also gives their product share (13.9%), which the estimate does not use."),
        Input("enablement_multiplier", "Assumed reduction per unit of own emission", "减排系数（保守）", "1", 5, POSITIVE,
              "§4.1 step 3, §4.3 (SMART 2020: at least 5 times)",
              uncertainty=triangular(3, 10, reason="SMART 2020's 'at least 5 times'; SMARTer2020 later gave about 7 and "
                                                   "GSMA/Carbon Trust (2019) about 10 for mobile, while the other "
                                                   "services' own ratios are unknown: 3 to 10, peaking at 5.")),
        grid(),
    ],
    steps=[
        Step("other_kwh", "total_kwh * (1 - selected_traffic_share)", "kWh/yr", "Electricity of the other services",
             "其他业务耗电量"),
        Step("other_own_emission_t", "other_kwh * grid_kg_per_kwh / 1000", "t CO2/yr", "Own emission of the other services",
             "其他业务自身排放"),
        Step("e2_t", "other_own_emission_t * enablement_multiplier", "t CO2/yr", "Reduction of the other services (E2)",
             "其余87项业务减排量"),
        Step("e3_t", "e1_t + e2_t", "t CO2/yr", "Chongqing total (E3 = E1 + E2)", "重庆公司总减排量"),
    ],
    primary="e3_t",
    functions={"OTHER_SERVICES_REDUCTION": ("e2_t", "E2: reduction of China Mobile Chongqing's other services, "
                                            "5x their own emission from electricity (§4.3).")},
    notes=["E2 uses the stated 0.8665 kg/kWh (72.6万 t); the appendix models mostly need 0.834."],
)

ENABLEMENT = Model(
    id="enablement", function="ENABLEMENT_FACTOR",
    title="Enablement factor (减排系数)", title_zh="减排系数", kind="rollup", section="§4.4; Tables 4-2 to 4-4",
    description="Enablement factor = reduction / ICT own emission. With no arguments: the twelve Chongqing "
                "solutions with an own emission, pooled (the report's 'average factor above 7').",
    inputs=[
        Input("reduction_t", "CO2 reduction", "减排量", "t CO2/yr", Derived(reduction_with_own, "sum over solutions with own emission"),
              source="Tables 4-2 to 4-4", extensive=True,
              uncertainty=spread(0.5, "Lumped: the twelve solutions with an own emission, summed under their own "
                                       "ranges, spread -34%/+36% (P5-P95); this range matches that (a test checks it).")),
        Input("ict_own_emission_t", "ICT own emission", "ICT自身排放", "t CO2/yr", Derived(own_total, "sum of own emissions"),
              bounds=Bounds(0, None, lo_open=True), source="Tables 4-2 to 4-4 (own emissions implied by the factors)",
              uncertainty=spread(0.5, "Lumped: the own emissions of the twelve solutions, mostly back-solved from "
                                       "published enablement factors (农政通's implied 13,861 t dominates), spread "
                                       "-34%/+34% (P5-P95) under their ranges; this range matches (a test checks it).")),
    ],
    steps=[Step("enablement_factor", "reduction_t / ict_own_emission_t", "1", "Enablement factor", "减排系数")],
    primary="enablement_factor",
    arg_order=("reduction_t", "ict_own_emission_t"),
)

CHINA_MOBILE = Model(
    id="china_mobile", function="CHINA_MOBILE_REDUCTION",
    title="China Mobile nationwide (中国移动减排总量)", title_zh="中国移动减排总量", kind="rollup",
    section="§4.1 step 5; §4.5; Summary",
    description="China Mobile's nationwide reduction in 2008, scaled up from Chongqing by business volume; the "
                "2009 estimate; the ratio to China Mobile's own emissions.",
    inputs=[
        Input("e3_t", "Chongqing total (E3)", "重庆公司总减排量", "t CO2/yr",
              Derived(lambda fs: output_for_default(PORTFOLIO, fs), "the portfolio model"),
              source="§4.3 (83.5万 t)", extensive=True,
              uncertainty=triangular(0.65, 1.9, reason="Lumped: E3 = E1 + E2 under their ranges spreads -21%/+65% "
                                     "(P5-P95), skewed by the 3-10 enablement multiplier of E2; this range matches "
                                     "that (a test checks it).", relative=True)),
        Input("chongqing_share", "Chongqing's share of China Mobile's business volume", "重庆业务量占比", "fraction",
              835000 / 48500000, Bounds(0, 1, lo_open=True), provenance="implied",
              source="§4.5 scales 83.5万 t to 4850万 t 'by business volume'",
              note="Not stated; 83.5万 t / 4850万 t implies 1.72%.",
              uncertainty=spread(0.3, "Not stated: back-solved (1.72%); Chongqing's share measured by another volume "
                                      "(subscribers, revenue, traffic) would differ; ±30%.")),
        Input("growth_2009", "Growth of ICT business volume in 2009", "2009年业务量增长", "fraction", 0.2,
              Bounds(-1, None, lo_open=True), "Summary ('增加了20%')"),
        Input("own_emission_t", "China Mobile's own emission", "中国移动自身排放", "t CO2/yr", 7.94e6, POSITIVE,
              "Summary (约794万吨, CSR 2009 p.37)", note="§5.4.3 uses 670万 t for 2008 instead."),
    ],
    steps=[
        Step("china_mobile_t", "e3_t / chongqing_share", "t CO2/yr", "China Mobile 2008", "中国移动2008年减排总量"),
        Step("china_mobile_2009_t", "china_mobile_t * (1 + growth_2009)", "t CO2/yr", "China Mobile 2009 estimate",
             "2009年减排量"),
        Step("own_emission_ratio", "china_mobile_t / own_emission_t", "1", "Reduction / own emission", "减排量/自身排放"),
    ],
    primary="china_mobile_t",
    functions={
        "CHINA_MOBILE_2009_REDUCTION": ("china_mobile_2009_t", "China Mobile's 2009 reduction: 2008 plus 20% business growth."),
        "CHINA_MOBILE_OWN_RATIO": ("own_emission_ratio", "China Mobile's 2008 reduction divided by its own emission (about 6)."),
    },
)

WIRELESS = Model(
    id="wireless_industry", function="WIRELESS_INDUSTRY_REDUCTION",
    title="Wireless industry (中国无线通信行业)", title_zh="中国无线通信行业减排总量", kind="rollup",
    section="§4.5; Summary",
    description="China's wireless industry's reduction in 2008: China Mobile's divided by its subscriber share.",
    inputs=[
        Input("china_mobile_t", "China Mobile 2008 reduction", "中国移动减排总量", "t CO2/yr",
              Derived(lambda fs: output_for_default(CHINA_MOBILE, fs), "the china_mobile model"),
              source="§4.5 (4850万 t)", extensive=True,
              uncertainty=triangular(0.6, 2.0, reason="Lumped: China Mobile's reduction under the ranges of E1, E2 and "
                                     "Chongqing's share spreads -24%/+76% (P5-P95); this range matches that (a test "
                                     "checks it).", relative=True)),
        Input("china_mobile_users_100m", "China Mobile subscribers (June 2008)", "中国移动用户数", "10^8 users", 4.15,
              POSITIVE, "§4.5 ('4.15亿')"),
        Input("wireless_users_100m", "All wireless subscribers (June 2008)", "中国无线通信用户总数", "10^8 users", 6.0,
              POSITIVE, "§4.5 ('6亿')"),
    ],
    steps=[
        Step("china_mobile_share", "china_mobile_users_100m / wireless_users_100m", "fraction", "China Mobile's share",
             "中国移动市场份额"),
        Step("wireless_t", "china_mobile_t / china_mobile_share", "t CO2/yr", "Wireless industry 2008",
             "无线通信行业减排总量"),
    ],
    primary="wireless_t",
    notes=["Fixed-line operators are not included (§4.5 note 36)."],
)

ROLLUP_MODELS = [PORTFOLIO, ENABLEMENT, CHINA_MOBILE, WIRELESS]
__all__ = ["ROLLUP_MODELS", "e1_total", "own_total"]
