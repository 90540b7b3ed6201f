"""Chapter 5 national potentials: smart logistics, dematerialisation, smart work, smart applications,
and the summary's headline (Figure 0-1)."""
from __future__ import annotations

from ..definitions import (FRACTION, POSITIVE, Bounds, DataSeries, Derived, Input, Step, YearSeries, spread,
                           triangular)
from ..evaluation import output_for_default
from ..model import Model, compose
from .appendix import GENSET, STREETLIGHT
from .common import FUEL_INTENSITY, IMPLIED, a4_sheet, factor_input, grid


def year_input(lo: int, hi: int, default: int = 2030, source: str = "") -> Input:
    return Input("target_year", "Target year", "目标年度", "year", default, Bounds(lo, hi), source or
                 f"report years; other years from {lo} to {hi} interpolate between the report's values",
                 integer=True)


# -- 5.1 smart logistics --------------------------------------------------------------------------
LOGISTICS_BASELINE = Model(
    id="logistics_baseline", function="LOGISTICS_BASELINE",
    title="Road-logistics baseline (中国公路物流行业的CO2排放)", title_zh="中国公路物流行业的CO2排放", kind="potential",
    section="§5.1.3; Table 5-1",
    description="CO2 of China's road freight and passenger transport (passengers converted to freight at 0.1) "
                "in a target year, from tonne-km, diesel per 100 t-km and the diesel factors.",
    inputs=[
        year_input(2008, 2030),
        Input("freight_tkm_2008", "Road freight 2008", "2008年公路货运周转量", "10^8 t·km", 12998.5, POSITIVE,
              "§5.1.3 ('12998.5亿吨公里'); Table 5-1", extensive=True),
        Input("freight_growth", "Annual growth of road freight", "货物周转量年增长率", "fraction/yr", 0.05,
              Bounds(-0.5, 1), "§5.1.3 ('以5%的增长率预计估算')",
              uncertainty=triangular(0.03, 0.07, reason="'以5%的增长率预计估算': an assumed growth rate compounded over up to 22 "
                                                        "years; 3% to 7% a year, peaking at 5%.")),
        Input("passenger_pkm", "Road passenger transport", "公路旅客周转量", "10^8 p·km",
              YearSeries(((2008, 12636), (2010, 14300), (2020, 25000), (2030, 36964)), "geometric"), POSITIVE,
              "§5.1.3; Table 5-1 (highway plan 2005)", extensive=True,
              uncertainty=spread(0.2, "Passenger-km projected from a 2005 highway plan; ±20%.")),
        Input("passenger_to_freight", "Passenger-to-freight conversion", "客货换算系数", "t·km/p·km", 0.1, POSITIVE,
              "§5.1.3; Table 5-1"),
        Input("diesel_l_per_100tkm", "Diesel per 100 tonne-km", "百吨公里耗用柴油", "L/(100 t·km)", 6.3, POSITIVE,
              "Table 5-1",
              uncertainty=FUEL_INTENSITY),
        factor_input("diesel_kg_per_l", "Diesel emission factor", "每升柴油的CO2排放量", "kg CO2/L"),
        factor_input("diesel_embodied_multiplier", "Diesel embodied multiplier", "柴油隐含排放系数", "1"),
    ],
    steps=[
        Step("freight_tkm", "freight_tkm_2008 * (1 + freight_growth) ** (target_year - 2008)", "10^8 t·km",
             "Road freight", "公路货运周转量"),
        Step("converted_tkm", "freight_tkm + passenger_to_freight * passenger_pkm", "10^8 t·km",
             "Converted transport volume", "换算周转量"),
        Step("diesel_l", "converted_tkm * 100000000 / 100 * diesel_l_per_100tkm", "L/yr", "Diesel use"),
        Step("baseline_t", "diesel_l * diesel_kg_per_l * diesel_embodied_multiplier / 1000", "t CO2/yr",
             "Road-logistics CO2", "CO2排放量"),
    ],
    primary="baseline_t",
    arg_order=("target_year",),
    notes=["Table 5-1 prints the CO2 row as 28.1, 31.0, 50.9, 82.1 '亿吨当量CO2': ten times the 2.81-8.21亿吨 of "
           "the text and of Table 5-2, i.e. the row is in 千万吨 (10^7 t) under a 亿吨 label. The effective diesel factor 1.198 x 2.608 = 3.124 kg CO2/L is 2.6 times the 1.197 "
           "kg/L of the appendix and 16% above IPCC's 2.69 kg/L."],
)

LOGISTICS_POTENTIAL = LOGISTICS_BASELINE.extend(
    id="logistics_potential", function="LOGISTICS_POTENTIAL",
    title="Smart-logistics potential (智慧物流减排潜力)", title_zh="智慧物流减排潜力", section="§5.1.4; Table 5-2; Figure 5-3",
    description="CO2 cut when smart logistics lowers the empty-running rate of road freight by a share "
                "(10%-50% of the 30% base rate), minus the ICT system's own emission.",
    inputs=[
        Input("empty_rate_cut", "Relative cut of the empty-running rate", "空载率下降比例", "fraction", 0.5, FRACTION,
              "§5.1.4; Table 5-2 (10%-50%; 50% = from 30% to 15%)",
              uncertainty=spread(0.4, "How far smart logistics cuts empty running (50%: from 30% to 15%) is the "
                                      "scenario's core assumption; ±40% around the chosen cut.")),
        Input("base_empty_rate", "Base empty-running rate", "基础空载率", "fraction", 0.3, Bounds(0, 1, hi_open=True),
              "§5.1.4; Table 5-2 (30%)",
              uncertainty=spread(0.2, "An estimate of the empty-running rate of China's road freight around 2008 (30%); "
                                      "±20%.")),
        Input("ict_own_emission_t", "ICT system's own emission", "ICT自身排放", "t CO2/yr", 51, provenance="assumed",
              source="§5.1.2: 物流通's own emission in 2008 (51 t)",
              note="The report says the high-carbon case is negative because of ICT's own emission but gives no figure; "
                   "51 t (物流通, 2008) is used.", extensive=True,
              uncertainty=spread(0.5, "Assumed from 物流通's 2008 own emission; ±50% (negligible next to the reduction).")),
    ],
    steps=[
        Step("new_empty_rate", "base_empty_rate * (1 - empty_rate_cut)", "fraction", "Empty-running rate after", "空载率"),
        Step("reduction_t", "baseline_t * (1 / (1 - base_empty_rate) - 1 / (1 - new_empty_rate)) - ict_own_emission_t",
             "t CO2/yr", "CO2 reduction", "减排量"),
        Step("share_of_baseline", "reduction_t / baseline_t", "fraction", "Reduction as share of the baseline",
             "减排量占公路物流行业总排放百分比"),
    ],
    primary="reduction_t",
    arg_order=("target_year", "empty_rate_cut"),
    scenarios={"high_carbon": {"empty_rate_cut": 0.0}, "policy": {"empty_rate_cut": 0.1},
               "technology": {"empty_rate_cut": 0.3}, "smart": {"empty_rate_cut": 0.5}},
    notes=["Table 5-2 is reproduced by reduction = baseline x (1/(1-e0) - 1/(1-e1)), i.e. the baseline is treated as "
           "loaded running only and empty running is added on top; yet its percentages divide by that same baseline. "
           "The physically consistent cut, 1 - (1-e0)/(1-e1), is (1-e0) = 70% of it."],
)

# -- 5.2 dematerialisation --------------------------------------------------------------------------
_DISCS = DataSeries(
    "disc_history", x=tuple(range(1998, 2008)),
    y=(6523, 7253, 8917, 15982, 24717, 39693, 41227, 45528, 36782, 34223),
    x_label="Year", y_label="Video discs published", unit="10^4 discs",
    source="Table 5-3 (column 总数)",
    note="1998's printed total 65223 is a typo: its four columns sum to 6523.",
)

DISC_BASELINE = Model(
    id="disc_trend", function="DISC_BASELINE",
    title="Disc production trend (录像制品) and its CO2", title_zh="录像制品总数趋势", kind="potential",
    section="§5.2.1.1-5.2.1.2; Table 5-3",
    description="Video discs published in a year from the linear trend of Table 5-3 (1998-2007), and their CO2 "
                "at 1 kg per disc.",
    inputs=[year_input(1998, 2030), factor_input("cd_kg_per_disc", "CO2 per disc", "每张光盘排放", "kg CO2/disc")],
    data=[_DISCS],
    steps=[
        Step("discs_10k", "linear_trend(disc_history, target_year)", "10^4 discs/yr", "Discs (trend)", "录像制品总数"),
        Step("co2_t", "discs_10k * 10000 * cd_kg_per_disc / 1000", "t CO2/yr", "CO2 of the discs", "二氧化碳排放总量"),
    ],
    primary="co2_t",
    arg_order=("target_year",),
    functions={"DISC_TREND": ("discs_10k", "Video discs published in a year (10^4 discs), linear trend of Table 5-3.")},
    notes=["The report does not name its trend ('以2006年以前相同的增长速度', 'the pre-2006 growth'); a linear "
           "least-squares fit over 1998-2007 reproduces its 2020 value (103,500万 discs, 103万 t). The report computes "
           "no other year: the 313万 t it quotes for 2030 follows no method it gives (this trend gives 148万 t)."],
)

DEMATERIALISATION = DISC_BASELINE.extend(
    id="dematerialisation", function="DEMATERIALISATION_POTENTIAL",
    title="Dematerialisation potential (非实物化减排潜力)", title_zh="非实物化减排潜力", section="§5.2; Summary",
    description="Dematerialisation's CO2 cut: online media replacing discs, scaled up by online media's 4.3% "
                "share of all dematerialisation (SMART 2020).",
    inputs=[
        year_input(2008, 2030),
        Input("replaced_share", "Share of discs replaced by online media", "在线媒体替代率", "fraction", 1.0, FRACTION,
              "§5.2.1.2; Summary ('100%的CD/DVD被替代')",
              uncertainty=triangular(0.5, 1.0, reason="The summary assumes all discs are replaced by online media; the "
                                                      "share can only be lower: 50% to 100%, peaking at 100%.")),
        Input("online_media_share", "Online media's share of dematerialisation", "在线媒体减排量占比", "fraction", 0.043,
              Bounds(0, 1, lo_open=True), "§5.2 (SMART 2020: 4.3% of 5亿 t in 2020)",
              uncertainty=spread(0.3, "SMART 2020's global 4.3% share of online media in dematerialisation, applied to "
                                      "China; ±30%.")),
    ],
    steps=[
        Step("online_media_t", "co2_t * replaced_share", "t CO2/yr", "Online media reduction", "在线媒体减排量"),
        Step("reduction_t", "online_media_t / online_media_share", "t CO2/yr", "Dematerialisation reduction", "非实物化减排量"),
    ],
    primary="reduction_t",
    functions={"ONLINE_MEDIA_POTENTIAL": ("online_media_t", "CO2 cut by online media replacing discs (§5.2.1.2).")},
)

EPAPER = Model(
    id="epaper", function="EPAPER_POTENTIAL",
    title="Electronic paper potential (电子纸张)", title_zh="电子纸张减排潜力", kind="potential", section="§5.2.2.2",
    description="CO2 cut when a share of China's paper demand is replaced by electronic reading.",
    inputs=[
        year_input(2020, 2030),
        Input("paper_demand_10kt", "Paper demand", "纸张需求量", "10^4 t/yr",
              YearSeries(((2020, 15566), (2030, 22051)), "linear"), POSITIVE, "§5.2.2.2", extensive=True,
              uncertainty=spread(0.15, "Paper demand projected from Figure 5-7's trend; ±15%.")),
        Input("replaced_share", "Share of paper replaced", "纸张被淘汰比例", "fraction", 0.25, FRACTION, "§5.2.2.2; Summary",
              uncertainty=spread(0.4, "A quarter of paper replaced by electronic reading is a scenario assumption; "
                                      "±40%.")),
        factor_input("paper_kg_per_kg", "CO2 per kg of paper", "纸张生产排放", "kg CO2/kg"),
    ],
    steps=[
        Step("paper_replaced_t", "paper_demand_10kt * 10000 * replaced_share", "t/yr", "Paper replaced"),
        Step("reduction_t", "paper_replaced_t * paper_kg_per_kg", "t CO2/yr", "CO2 reduction", "减排量"),
    ],
    primary="reduction_t",
    arg_order=("target_year",),
    notes=["The report states no CO2 factor per tonne of paper. Its 355万 t (2020) and 1092万 t (2030) imply 0.091 "
           "and 0.198 t CO2 per t: the same 25% share with two different factors, both far below the 1.89 t/t its "
           "9.41 g per A4 sheet would give at 4.99 g per sheet (a sheet mass the report does not state)."],
)

# -- 5.3 smart work ----------------------------------------------------------------------------------
BUILDINGS = Model(
    id="building_emissions", function="BUILDING_EMISSIONS",
    title="Building CO2 of §5.3.1 (办公与住宅建筑的CO2排放)", title_zh="办公与住宅建筑的CO2排放", kind="potential",
    section="§5.3.1",
    description="China's office-building and residential CO2 as §5.3.1 derives them for 2010-2030: floor area times "
                "electricity per m2 times the grid factor, residential 34% of it, office 1.18 times residential.",
    inputs=[
        Input("floor_area_100m_m2", "Building floor area 2010-2030", "建筑总面积", "10^8 m2", 730, POSITIVE,
              "§5.3.1 ('430亿平方米' in 2007 + '新增建筑面约300亿平方米' = '730亿平方米')", extensive=True,
              uncertainty=spread(0.1, "430亿 m2 existing plus about 300亿 m2 to be built by 2030; ±10%.")),
        Input("kwh_per_m2_year", "Electricity per m2 of floor area", "单位建筑面积的耗电量", "kWh/(m2·yr)", 14, POSITIVE,
              "§5.3.1 ('14 KWH/(m2.年)', Tsinghua 2007)",
              uncertainty=spread(0.3, "One national average for every building type and year to 2030; ±30%.")),
        Input("residential_share", "Residential share of building CO2", "住宅建筑的CO2排放量占建筑总排放量比例",
              "fraction", 0.34, FRACTION, "§5.3.1 ('34％')",
              uncertainty=spread(0.15, "A share quoted from one study (2003); ±15%.")),
        Input("office_to_residential", "Office CO2 relative to residential CO2", "办公碳排放是住宅排放的倍数", "1", 1.18,
              POSITIVE, "§5.3.1 ('中国办公碳排放是住宅排放的1.18倍')",
              note="The printed office figure 5.27亿 t is 2.93 x 1.8, not 2.93 x 1.18 (see notes).",
              uncertainty=spread(0.3, "A ratio quoted from one study (2003) and misapplied by the report itself "
                                      "(1.8 for 1.18); ±30%.")),
        grid(),
    ],
    steps=[
        Step("electricity_kwh", "floor_area_100m_m2 * 100000000 * kwh_per_m2_year", "kWh/yr", "Building electricity",
             "建筑耗电量"),
        Step("building_t", "electricity_kwh * grid_kg_per_kwh / 1000", "t CO2/yr", "Building CO2", "建筑总排放"),
        Step("residential_t", "building_t * residential_share", "t CO2/yr", "Residential-building CO2", "住宅建筑碳排放"),
        Step("office_t", "residential_t * office_to_residential", "t CO2/yr", "Office-building CO2",
             "办公建筑的CO2排放量"),
    ],
    primary="office_t",
    functions={"RESIDENTIAL_BUILDING_EMISSIONS": ("residential_t", "Residential-building CO2 of §5.3.1 (report: 2.93亿 t).")},
    notes=["§5.3.1 names no grid factor: its 2.93亿 t of residential CO2 implies 0.8432 kg/kWh (the report's 0.8665 "
           "gives 3.01亿 t, 0.834 gives 2.90亿 t), which the `report` factor set uses for this model.",
           "The printed office-building CO2, 5.27亿 t, is 2.93 x 1.8 (5.274): the stated ratio 1.18 with a digit "
           "dropped. With the stated 1.18 office buildings emit 3.46亿 t. (If 1.18 compared emissions per m2, the "
           "report would have needed to state the office floor area.)"],
)


def _building(output: str):
    return Derived(lambda fs: output_for_default(BUILDINGS, fs, output),
                   f"the building_emissions model ({'office' if output == 'office_t' else 'residential'}, §5.3.1)")


TELEWORK = Model(
    id="telework", function="TELEWORK_POTENTIAL",
    title="Teleworking potential (远程办公)", title_zh="远程办公减排潜力", kind="potential",
    section="§5.3.1; teleworking table",
    description="CO2 cut by teleworking: 80% less work-related car travel, 60% less office-building emission, "
                "15% more residential emission.",
    inputs=[
        year_input(2010, 2030),
        Input("car_count_10k", "Cars", "车辆数预测", "10^4 cars",
              YearSeries(((2010, 3900), (2020, 7200), (2030, 11100)), "geometric"), POSITIVE, "§5.3.1; teleworking table",
              extensive=True,
              uncertainty=spread(0.15, "Car fleet projections for 2020 and 2030; ±15%.")),
        Input("kg_per_car_year", "CO2 per car and year", "每辆车每年的CO2排放", "kg CO2/yr",
              YearSeries(((2010, 3041), (2020, 2950), (2030, 2767)), "linear"), POSITIVE, "teleworking table",
              uncertainty=spread(0.15, "CO2 per car projected from fuel economy and distance; ±15%.")),
        Input("work_share", "Work-related share of car travel", "与工作相关的车辆行驶里程占总里程比例", "fraction",
              YearSeries(((2010, 0.27), (2020, 0.40), (2030, 0.50)), "linear"), FRACTION, "teleworking table",
              uncertainty=spread(0.25, "The work-related share of car travel, projected from 27% (2010) to 50% (2030); "
                                       "±25%.")),
        Input("work_km_cut", "Cut in work-related car travel", "与工作相关的行驶里程下降比率", "fraction", 0.8, FRACTION,
              "§5.3.1; teleworking table (SMART 2020)",
              uncertainty=spread(0.25, "SMART 2020's 80% less work-related car travel for teleworkers; ±25% (capped at "
                                       "100%).")),
        Input("office_building_t", "Office-building CO2", "办公建筑的CO2排放量", "t CO2/yr", _building("office_t"),
              POSITIVE, "§5.3.1 (printed 5.27亿 t; see building_emissions)",
              note="The report derives it for the period 2010-2030 and applies it to each year.", extensive=True,
              uncertainty=spread(0.3, "Lumped: floor area, electricity per m2, the shares and the grid factor of "
                                      "building_emissions, each soft (±10% to ±30%); ±30%.")),
        Input("residential_building_t", "Residential-building CO2", "住宅建筑碳排放", "t CO2/yr", _building("residential_t"),
              POSITIVE, "§5.3.1 (printed 2.93亿 t; see building_emissions)", extensive=True,
              uncertainty=spread(0.3, "Lumped: floor area, electricity per m2, the residential share and the grid "
                                      "factor of building_emissions; ±30%.")),
        Input("office_cut", "Office emission cut by teleworking", "办公室碳排放减少比例", "fraction", 0.6, FRACTION, "§5.3.1",
              uncertainty=spread(0.3, "60% less office emission assumes offices shrink in step with teleworking; ±30%.")),
        Input("residential_increase", "Residential emission increase", "住宅建筑排放增加比例", "fraction", 0.15,
              Bounds(0, 10), "§5.3.1",
              uncertainty=spread(0.5, "15% more home emission: estimates of this rebound vary widely; ±50%.")),
    ],
    steps=[
        Step("car_t", "car_count_10k * 10000 * kg_per_car_year / 1000", "t CO2/yr", "All car CO2"),
        Step("work_car_t", "car_t * work_share", "t CO2/yr", "Work-related car CO2"),
        Step("baseline_t", "work_car_t + office_building_t", "t CO2/yr", "Target-year baseline", "目标年度基线碳排放"),
        Step("transport_reduction_t", "work_car_t * work_km_cut", "t CO2/yr", "Transport reduction"),
        Step("office_reduction_t", "office_building_t * office_cut", "t CO2/yr", "Office-building reduction", "办公建筑减排量"),
        Step("residential_increase_t", "residential_building_t * residential_increase", "t CO2/yr",
             "Residential increase", "住宅建筑减排量（负）"),
        Step("reduction_t", "transport_reduction_t + office_reduction_t - residential_increase_t", "t CO2/yr",
             "CO2 reduction", "减排量"),
    ],
    primary="reduction_t",
    arg_order=("target_year",),
    notes=["The building emissions come from the building_emissions model, so a factor set flows through them. The "
           "report's table starts from its printed 5.27 and 2.93亿 t; 5.27 is 2.93 x 1.8 where the report states 1.18, "
           "so with the stated inputs office buildings emit 3.46亿 t and the reductions are 1.89, 2.31 and 2.86亿 t "
           "instead of 2.98, 3.40 and 3.95. The building figures are given for 2010-2030 yet added to each year's "
           "result.",
           "The CO2 per car (3041, 2950, 2767 kg) is printed without the fuel use behind it, so the transport part "
           "cannot follow a factor set."],
)

AVIATION = Model(
    id="aviation_history", function="AVIATION_BASELINE",
    title="Civil-aviation passenger CO2 (航空客运碳排放)", title_zh="航空旅客总周转量及碳排放", kind="potential",
    section="§5.3.2; Table 5-6",
    description="CO2 of China's civil-aviation passenger transport from passenger-km (Table 5-6, 1978-2006), "
                "12.8 L of jet kerosene per aircraft-km and 270 passengers per aircraft.",
    inputs=[
        year_input(1978, 2006, default=2006, source="Table 5-6 years; years between interpolate"),
        Input("air_pkm", "Air passenger-km", "民航旅客周转量", "10^8 p·km", YearSeries((
            (1978, 27.91), (1980, 39.56), (1985, 116.72), (1990, 230.48), (1991, 301.32), (1992, 406.12),
            (1993, 477.60), (1994, 551.58), (1995, 681.30), (1996, 747.84), (1997, 773.52), (1998, 800.24),
            (1999, 857.30), (2000, 970.54), (2001, 1091.35), (2002, 1268.70), (2003, 1263.19), (2004, 1782.30),
            (2005, 2044.93), (2006, 2370.66)), "geometric"), POSITIVE, "Table 5-6", extensive=True),
        Input("fuel_l_per_aircraft_km", "Jet kerosene per aircraft-km", "每公里飞行消耗喷气煤油", "L/km", 12.8, POSITIVE,
              "§5.3.2 note under Table 5-5",
              uncertainty=spread(0.2, "Fuel burn per km of a 'medium' aircraft varies with type and stage length; ±20%.")),
        Input("passengers_per_aircraft", "Passengers per aircraft", "民航客机的中等运力", "passengers", 270, POSITIVE,
              "§5.3.2 note under Table 5-5",
              uncertainty=spread(0.3, "270 is the capacity of a 'medium' aircraft taken as passengers per flight; ±30%, "
                                      "drawn independently of fuel per km although smaller aircraft burn less, which "
                                      "overstates the spread of their ratio.")),
        factor_input("jet_kerosene_kg_per_l", "Jet kerosene emission factor", "喷气煤油的CO2排放系数", "kg CO2/L"),
    ],
    steps=[
        Step("fuel_l_per_pkm", "fuel_l_per_aircraft_km / passengers_per_aircraft", "L/p·km", "Fuel per passenger-km"),
        Step("baseline_t", "air_pkm * 100000000 * fuel_l_per_pkm * jet_kerosene_kg_per_l / 1000", "t CO2/yr",
             "Aviation passenger CO2", "航空客运CO2排放"),
    ],
    primary="baseline_t",
    arg_order=("target_year",),
    notes=["Table 5-6's CO2 column (and Table 5-5's baseline) is 10 times what its stated inputs give: it is "
           "reproduced with 27 passengers per aircraft, the stated 270 with its 0 dropped."],
)

VIDEOCONF = AVIATION.extend(
    id="videoconf", function="VIDEOCONF_POTENTIAL",
    title="Video-conferencing potential (远程会议)", title_zh="远程会议减排潜力", section="§5.3.2; Table 5-5",
    description="CO2 cut when virtual meetings replace a share of air travel (ICT system's emission not counted).",
    inputs=[
        year_input(2010, 2030),
        Input("air_pkm", "Air passenger-km", "飞机每年飞行里程", "10^8 p·km",
              YearSeries(((2010, 2660), (2020, 7210), (2030, 14810)), "geometric"), POSITIVE, "§5.3.2; Table 5-5",
              extensive=True,
              uncertainty=spread(0.2, "Air passenger-km projected to 2020 and 2030; ±20%.")),
        Input("business_share", "Business share of air travel", "涉及商务出行的比例", "fraction",
              YearSeries(((2010, 0.47), (2020, 0.43), (2030, 0.39)), "linear"), FRACTION, "Table 5-5",
              uncertainty=spread(0.2, "The business share of air travel is projected; ±20% (it does not enter the "
                                      "reduction).")),
        Input("substitution_rate", "Share of air travel replaced by virtual meetings", "虚拟会议对商务旅行的替代率",
              "fraction", YearSeries(((2010, 0.04), (2020, 0.15), (2030, 0.37)), "linear"), FRACTION,
              "§5.3.2; Table 5-5; Summary",
              uncertainty=spread(0.5, "Virtual meetings replacing 4% (2010) to 37% (2030) of air travel is the "
                                      "scenario's core assumption; ±50%.")),
    ],
    steps=[
        Step("business_baseline_t", "baseline_t * business_share", "t CO2/yr", "Business air-travel CO2",
             "商务出行CO2排放"),
        Step("reduction_t", "baseline_t * substitution_rate", "t CO2/yr", "CO2 reduction", "减排量"),
    ],
    primary="reduction_t",
    arg_order=("target_year",),
    functions={"BUSINESS_AIR_BASELINE": ("business_baseline_t", "CO2 of business air travel (Table 5-5's business share).")},
    notes=["Like Table 5-6, Table 5-5 is 10 times what its stated inputs give (27 instead of 270 passengers). It "
           "applies the substitution rate to all air travel; the business share it prints is not used."],
)

# -- 5.4 smart applications -------------------------------------------------------------------------
_LAMPS = DataSeries(
    "lamp_history", x=tuple(range(1996, 2008)),
    y=(277, 329, 356, 415, 473, 564, 707, 873, 1053, 1207, 1284, 1395),
    x_label="Year", y_label="Street lights in China", unit="10^4 lamps", source="Table 5-7 (China Statistical Yearbook)",
)

STREETLIGHT_TREND = Model(
    id="streetlight_trend", function="STREETLIGHT_BASELINE",
    title="Street-light count trend (路灯数量预测)", title_zh="未来路灯数量预测", kind="potential",
    section="§5.4.2.2; Tables 5-7, 5-8",
    description="China's street lights in a year from the exponential trend of Table 5-7 (1996-2007), with the "
                "trend's R².",
    inputs=[year_input(1996, 2030)],
    data=[_LAMPS],
    steps=[
        Step("lamps_10k", "growth(lamp_history, target_year)", "10^4 lamps", "Street lights (trend)", "全国路灯总数"),
        Step("trend_r2", "logest_r2(lamp_history)", "1", "R² of the exponential trend (log scale)", "R2"),
    ],
    primary="lamps_10k",
    arg_order=("target_year",),
    functions={"STREETLIGHT_TREND_R2": ("trend_r2", "R² of the exponential street-light trend (report: 0.988).")},
    notes=["The fit reproduces the stated R² (0.988) but not Table 5-8: it gives 2474, 12059 and 58786万 lamps for "
           "2010, 2020 and 2030 where the table prints 1530, 10190 and 57942. Those are the fit with its coefficients "
           "rounded as a chart trendline shows them, 229.8 x e^(0.158 x) with x = 1 for 1996, taken at x = 12, 24 "
           "and 35: 2007 and 2019 instead of 2010 and 2020, and 2030."],
)

STREETLIGHT_POTENTIAL = Model(
    id="streetlight_potential", function="STREETLIGHT_POTENTIAL",
    title="Street-light control potential (路灯监控减排潜力)", title_zh="路灯监控减排潜力", kind="potential",
    section="§5.4.2.3; Table 5-9; §4.2.3; Summary",
    description="CO2 cut if a share of China's street lights is remotely controlled, at the Chongqing pilot's "
                "reduction per lamp, less 30% for more efficient lamps.",
    inputs=[
        year_input(2010, 2030),
        Input("adoption_rate", "Share of lamps controlled", "应用率", "fraction", 0.5, FRACTION, "Table 5-9 (50%, 70%, 90%)",
              uncertainty=spread(0.4, "Table 5-9 gives 50%, 70% and 90% as scenarios; ±40% around the chosen one "
                                      "(capped at 100%).")),
        Input("lamp_count_10k", "Street lights in China", "全国路灯总数", "10^4 lamps",
              YearSeries(((2010, 1530), (2020, 10190), (2030, 57942)), "geometric"), POSITIVE, "Table 5-8",
              extensive=True,
              uncertainty=spread(0.3, "Table 5-8's lamp counts lie on no single trend (see notes); ±30%.")),
        Input("pilot_reduction_t", "Pilot reduction", "试点减排量", "t CO2/yr",
              Derived(lambda fs: output_for_default(STREETLIGHT, fs), "the streetlight model (Appendix 7)"), POSITIVE,
              "§5.4.2.3 ('1015吨', the Chongqing pilot truncated)",
              note="Table 5-9 starts from the printed 1015 t; the model's 1015.6 t lets a factor set flow through.",
              uncertainty=spread(0.25, "Lumped: the Chongqing pilot's reduction spreads -16%/+17% (P5-P95) under "
                                        "the ranges of the `streetlight` model; this range matches (a test checks it).")),
        Input("pilot_lamps", "Pilot lamps", "试点路灯数", "lamps", 2000, POSITIVE, "§5.4.2.3"),
        Input("efficiency_cut", "Cut for more efficient lamps", "削减因子", "fraction", 0.3, FRACTION, "Table 5-9",
              note="Table 5-9 multiplies by 1 - 0.3 = 0.7.",
              uncertainty=spread(0.5, "A round 30% for more efficient lamps; ±50%.")),
    ],
    steps=[
        Step("reduction_per_lamp_t", "pilot_reduction_t / pilot_lamps", "t CO2/(lamp·yr)", "Reduction per lamp"),
        Step("monitored_10k", "lamp_count_10k * adoption_rate", "10^4 lamps", "Lamps controlled", "业务监测路灯数"),
        Step("gross_reduction_t", "monitored_10k * 10000 * reduction_per_lamp_t", "t CO2/yr", "Reduction before the cut",
             "对应减排量"),
        Step("reduction_t", "gross_reduction_t * (1 - efficiency_cut)", "t CO2/yr", "CO2 reduction", "减排潜力"),
    ],
    primary="reduction_t",
    arg_order=("target_year", "adoption_rate"),
    notes=["Table 5-9 prints 1005万 lamps for 2010 at 50%: 2010 x 50%, the year times the adoption rate, instead of "
           "1530 x 50% = 765; it carries the error into 510 and 357万 t, which the summary repeats.",
           "The pilot reduction comes from the streetlight model (1015.6 t), so a factor set flows through; Table 5-9 "
           "uses the printed 1015 t."],
)

GENSET_POTENTIAL = Model(
    id="genset_potential", function="GENSET_POTENTIAL",
    title="Diesel-generator monitoring nationwide (油机监控减排潜力)", title_zh="油机监控减排潜力", kind="potential",
    section="§5.4.3.2",
    description="CO2 cut if all of China Mobile's base stations had their diesel generators monitored, scaled "
                "from the Chongqing pilot (55 generators, 5 stations each).",
    inputs=[
        Input("pilot_reduction_t", "Pilot reduction", "试点减排量", "t CO2/yr",
              Derived(lambda fs: output_for_default(GENSET, fs), "the genset_monitoring model (Appendix 2)"), POSITIVE,
              "§5.4.3.2 ('44吨'; Appendix 2)",
              note="The report prints 44 t; the appendix's stated inputs give 33.07 t (44.35 t counts 9.41 g of paper "
                   "per sheet as 9.41 kg).",
              uncertainty=spread(0.3, "Lumped: the pilot's reduction spreads -21%/+20% (P5-P95) under the ranges of "
                                      "the `genset_monitoring` model; this range matches (a test checks it).")),
        Input("pilot_gensets", "Generators in the pilot", "试点油机数", "generators", 55, POSITIVE, "§5.4.3.2"),
        Input("stations_per_genset", "Base stations per generator", "每台油机负责基站数", "stations", 5, POSITIVE, "§5.4.3.2",
              uncertainty=spread(0.2, "Each generator serving 5 base stations is an average; ±20%.")),
        Input("base_stations", "China Mobile base stations", "中国移动基站数", "stations", 440000, POSITIVE, "§5.4.3.2",
              extensive=True),
        Input("china_mobile_emission_t", "China Mobile's 2008 emission", "中国移动CO2全年排放", "t CO2/yr", 6.7e6,
              POSITIVE, "§5.4.3.2 ('670万吨')", note="The summary gives 794万 t for China Mobile's own emission."),
    ],
    steps=[
        Step("reduction_per_station_t", "pilot_reduction_t / (pilot_gensets * stations_per_genset)", "t CO2/(station·yr)",
             "Reduction per base station"),
        Step("reduction_t", "reduction_per_station_t * base_stations", "t CO2/yr", "CO2 reduction", "减排量"),
        Step("share_of_emission", "reduction_t / china_mobile_emission_t", "fraction", "Share of China Mobile's emission", "占比"),
    ],
    primary="reduction_t",
    notes=["The pilot reduction comes from the genset_monitoring model (33.07 t), so a factor set flows through; "
           "§5.4.3.2 builds its 7.04万 t on the printed 44 t, which counts 1200 sheets of paper at 9.41 kg instead of "
           "9.41 g. From the appendix's stated inputs the nationwide reduction is 5.29万 t (0.79% of 670万 t)."],
)

SIM_PAYMENT_POTENTIAL = Model(
    id="sim_payment_potential", function="SIM_PAYMENT_POTENTIAL",
    title="SIM payment nationwide (SIM卡支付减排潜力)", title_zh="SIM卡支付减排潜力", kind="potential", section="§4.2.4",
    description="CO2 cut if 5% of China's retail sales were paid by SIM card. The report gives only the result "
                "(at least 4000 t); the CO2 per yuan is back-solved from it.",
    inputs=[
        Input("retail_sales_100m_yuan", "Retail sales 2008", "社会商品零售总额", "10^8 yuan/yr", 108488, POSITIVE,
              "§4.2.4 ('108488亿元')", extensive=True),
        Input("sim_share", "Share paid by SIM card", "SIM卡支付比例", "fraction", 0.05, FRACTION, "§4.2.4 ('5%')",
              uncertainty=spread(0.5, "5% of retail sales paid by SIM card is a scenario; ±50%.")),
        Input("g_per_yuan", "CO2 avoided per yuan paid by SIM", "每元支付减排量", "g CO2/yuan",
              4000e6 / (108488e8 * 0.05), POSITIVE, provenance="implied", source="§4.2.4 (4000 t) and note 32",
              note="Not stated; back-solved from 4000 t / (108488亿元 x 5%).",
              uncertainty=IMPLIED),
    ],
    steps=[Step("reduction_t", "retail_sales_100m_yuan * 100000000 * sim_share * g_per_yuan / 1000000", "t CO2/yr",
                "CO2 reduction", "减排量")],
    primary="reduction_t",
)

BANKNOTES = Model(
    id="banknote_production", function="BANKNOTE_BASELINE",
    title="Bank-note production CO2 (纸钞生产排放)", title_zh="纸钞生产的二氧化碳排放", kind="potential", section="§4.2.4",
    description="CO2 of printing China's bank notes (currency issued in 2009 as 100-yuan notes, each a fifth of "
                "an A4 sheet) - what SIM payment could displace.",
    inputs=[
        Input("currency_100m_yuan", "Currency issued", "发行的纸币总价值", "10^8 yuan", 31607.36, POSITIVE,
              "§4.2.4 ('31607.36亿元')", extensive=True),
        Input("note_value_yuan", "Face value of a note", "纸币面值", "yuan", 100, POSITIVE, "§4.2.4",
              uncertainty=triangular(0.5, 1.0, reason="The report counts all currency as 100-yuan notes; smaller notes "
                                                      "mean more notes, so the average value can only be lower: x0.5 to "
                                                      "x1.", relative=True)),
        Input("a4_per_note", "A4 sheets per note", "一张纸币相当于A4纸", "A4 sheets", 0.2, POSITIVE, "§4.2.4 ('五分之一')",
              uncertainty=spread(0.3, "A note as a fifth of an A4 sheet by area (156 x 77 mm is 0.19 A4); banknote "
                                      "paper is heavier cotton paper whose footprint per area differs; ±30%.")),
        a4_sheet(),
    ],
    steps=[
        Step("note_count", "currency_100m_yuan * 100000000 / note_value_yuan", "notes", "Notes", "纸币张数"),
        Step("co2_t", "note_count * a4_per_note * a4_sheet_kg / 1000", "t CO2", "CO2 of printing", "纸钞生产线的二氧化碳排放"),
    ],
    primary="co2_t",
)

HEADLINE = compose(
    id="headline", function="HEADLINE_POTENTIAL",
    title="Headline potential (图0-1 中国通信行业未来减排潜能)", title_zh="中国通信行业未来减排潜能", kind="potential",
    section="Summary; Figure 0-1",
    description="The summary's total: smart logistics (empty running 30% to 15%), dematerialisation, teleworking "
                "and video conferencing in a target year.",
    parts={
        "logistics": (LOGISTICS_POTENTIAL, {"target_year": "target_year", "empty_rate_cut": "0.5"}),
        "demat": (DEMATERIALISATION, {"target_year": "target_year"}),
        "telework": (TELEWORK, {"target_year": "target_year"}),
        "videoconf": (VIDEOCONF, {"target_year": "target_year"}),
    },
    inputs=[year_input(2010, 2030)],
    steps=[Step("total_t", "logistics__reduction_t + demat__reduction_t + telework__reduction_t + videoconf__reduction_t",
                "t CO2/yr", "Total potential", "减排潜能合计")],
    primary="total_t",
    results=("logistics__reduction_t", "demat__reduction_t", "telework__reduction_t", "videoconf__reduction_t", "total_t"),
    arg_order=("target_year",),
    notes=["Smart applications are not in the total (the report does not estimate them)."],
)

POTENTIAL_MODELS = [LOGISTICS_BASELINE, LOGISTICS_POTENTIAL, DISC_BASELINE, DEMATERIALISATION, EPAPER, BUILDINGS,
                    TELEWORK, AVIATION, VIDEOCONF, STREETLIGHT_TREND, STREETLIGHT_POTENTIAL, GENSET_POTENTIAL,
                    SIM_PAYMENT_POTENTIAL, BANKNOTES, HEADLINE]
