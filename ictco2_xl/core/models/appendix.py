"""The fourteen Chongqing (2008) solution models of the report's appendix (附录：减排量计算模型).

Inputs follow the order of each appendix calculation table. Where the report's reduction subtracts
the ICT solution's own emission (after-ICT emission), baseline, after-ICT and own emission are
results too. Where the table says 不计ICT系统排放 the reduction is gross, as in the report, and the own
emission (if the report implies one through its enablement factor, Tables 4-2 to 4-4) is an input.
"""
from __future__ import annotations

from ..definitions import FRACTION, POSITIVE, Bounds, Input, Step, spread, triangular
from ..model import Model
from .common import (ASSUMED_ZERO, FUEL_INTENSITY, GASOLINE_PRICE, IMPLIED, ROUND_SAVING, SAVING, a4_sheet, diesel,
                     gasoline, grid, network_energy, own_emission_from_factor, pvc)

HOURS = Bounds(0, 8784)
ENABLEMENT = ("enablement_factor", "Enablement factor (reduction / ICT own emission)", "减排系数")


def enablement_step() -> Step:
    name, label, zh = ENABLEMENT
    return Step(name, "reduction_t / ict_own_emission_t", "1", label, zh)


FLEET = Model(
    id="fleet_management", function="LOGISTICS_REDUCTION",
    title="Fleet management (车管家)", title_zh="车管家", kind="appendix",
    section="Appendix 1; Table 4-1 row 8; Table 4-2",
    description="CO2 cut by fleet dispatching that lowers the empty-running rate of trucks (Chongqing 2008, "
                "30,000 registered vehicles).",
    inputs=[
        Input("tonnage_100t", "Total tonnage of the vehicles", "车辆的总吨位", "100 t", 6000, POSITIVE,
              "Appendix 1 table", extensive=True),
        Input("empty_rate_drop", "Cut in the empty-running rate (absolute)", "降低车辆的空载率", "fraction", 0.015,
              FRACTION, "Appendix 1 table (1.5%)",
              note="Table 4-1 describes it as a 10% relative drop of the previous empty-running rate.",
              uncertainty=spread(0.5, "The cut in empty running is the solution's key claim and no measurement of it is "
                                      "shown (Table 4-1 calls it a 10% relative drop); ±50%.")),
        Input("km_per_vehicle_year", "Distance per vehicle and year", "车辆平均行驶里程", "km/(vehicle·yr)",
              150000, POSITIVE, "Appendix 1 table",
              uncertainty=spread(0.2, "A round average distance for all registered trucks; ±20%.")),
        Input("diesel_l_per_100tkm", "Diesel use per 100 tonne-km", "百吨公里耗用柴油", "L/(100 t·km)", 6.3,
              POSITIVE, "Appendix 1 table",
              uncertainty=FUEL_INTENSITY),
        diesel(),
        own_emission_from_factor(101804.85, 3869, "Table 4-2",
                                 "Table 4-2 prints its factors 3869, 244, 113 and 64825 apart from their rows; they are read in row "
                                 "order (车管家 3869, 路灯远程控制 64825)."),
    ],
    steps=[
        Step("diesel_saved_l", "tonnage_100t * empty_rate_drop * km_per_vehicle_year * diesel_l_per_100tkm",
             "L/yr", "Diesel saved", "节约柴油"),
        Step("reduction_t", "diesel_saved_l * diesel_kg_per_l / 1000", "t CO2/yr", "CO2 reduction", "减排量"),
        enablement_step(),
    ],
    primary="reduction_t",
    functions={"LOGISTICS_ENABLEMENT": ("enablement_factor", "Enablement factor of fleet management (Table 4-2).")},
    scenarios={"national_2008": {"tonnage_100t": 80000, "ict_own_emission_t": 51}},
    notes=["The diesel factor 1.197 kg/L is about 2.2x lower than IPCC's 2.69 kg/L; Table 5-1 multiplies a "
           "similar 1.198 by 2.608. The same equation with §5.1.2's national inputs (8 million t, 1.5%, "
           "150,000 km) is scenario national_2008 (136万 t, own emission 51 t)."],
)

GENSET = Model(
    id="genset_monitoring", function="GENSET_MONITORING_REDUCTION",
    title="Diesel-generator monitoring (油机监控)", title_zh="油机监控", kind="appendix",
    section="Appendix 2; Table 4-1 row 9; Table 4-4",
    description="CO2 cut by remote monitoring of base-station diesel generators: paper and diesel saved "
                "(55 generators piloted in Chongqing, 2008).",
    inputs=[
        Input("paper_sheets_saved", "Paper saved", "节纸", "A4 sheets/yr", 1200, source="Appendix 2 table",
              extensive=True,
              uncertainty=SAVING),
        Input("diesel_saved_l", "Diesel saved", "节约柴油", "L/yr", 27600, source="Appendix 2 table", extensive=True,
              uncertainty=SAVING),
        a4_sheet(), diesel(),
    ],
    steps=[
        Step("paper_t", "paper_sheets_saved * a4_sheet_kg / 1000", "t CO2/yr", "From paper", "节纸减排"),
        Step("diesel_t", "diesel_saved_l * diesel_kg_per_l / 1000", "t CO2/yr", "From diesel", "节油减排"),
        Step("reduction_t", "paper_t + diesel_t", "t CO2/yr", "CO2 reduction", "减排量"),
    ],
    primary="reduction_t",
    notes=["The report prints 44 t (44346 kg in Table 4-4), but its stated inputs give 33.07 t: 44.346 t counts the "
           "1200 sheets of paper at 9.41 kg instead of 9.41 g. §5.4.3 extrapolates the 44 t nationwide."],
)

URBAN = Model(
    id="urban_management", function="URBAN_MANAGEMENT_REDUCTION",
    title="Urban management (城管通)", title_zh="城管通", kind="appendix",
    section="Appendix 3; Table 4-1 row 10; Table 4-2",
    description="CO2 cut by mobile city-management: electricity, fuel and paper saved in two districts "
                "(street lights excluded).",
    inputs=[
        Input("electricity_saved_kwh", "Electricity saved", "节电", "kWh/yr", 10000, source="Appendix 3 table",
              extensive=True,
              uncertainty=ROUND_SAVING),
        Input("fuel_saved_l", "Fuel saved", "节油", "L/yr", 10000, source="Appendix 3 table", extensive=True,
              uncertainty=ROUND_SAVING),
        Input("paper_sheets_saved", "Paper saved", "节省纸张", "A4 sheets/yr", 300000, source="Appendix 3 table",
              extensive=True,
              uncertainty=ROUND_SAVING),
        grid(), gasoline(), a4_sheet(),
        own_emission_from_factor(33.848, 63, "Table 4-2"),
    ],
    steps=[
        Step("electricity_t", "electricity_saved_kwh * grid_kg_per_kwh / 1000", "t CO2/yr", "From electricity"),
        Step("fuel_t", "fuel_saved_l * gasoline_kg_per_l / 1000", "t CO2/yr", "From fuel"),
        Step("paper_t", "paper_sheets_saved * a4_sheet_kg / 1000", "t CO2/yr", "From paper"),
        Step("reduction_t", "electricity_t + fuel_t + paper_t", "t CO2/yr", "CO2 reduction", "减排量"),
        enablement_step(),
    ],
    primary="reduction_t",
    notes=["The appendix labels the grid factor 866.5 'g-C/kWh'; it is used as g CO2/kWh. The fuel factor "
           "(2236 g/L) is the report's gasoline factor."],
)

MMS_CARD = Model(
    id="mms_card", function="MMS_CARD_REDUCTION",
    title="MMS greeting cards (彩信贺卡)", title_zh="彩信贺卡", kind="appendix",
    section="Appendix 4; Table 4-1 row 7; Table 4-3",
    description="CO2 cut by MMS greeting cards replacing paper cards: cards equivalent to the revenue minus "
                "the network electricity of the MMS traffic.",
    inputs=[
        Input("revenue_yuan", "Service revenue", "业务收入", "yuan/yr", 2100000, source="Appendix 4 table",
              extensive=True),
        Input("card_price_yuan", "Average price of a paper card", "一张贺卡的平均价格", "yuan", 2, POSITIVE,
              "Appendix 4 table",
              uncertainty=spread(0.5, "Cards replaced = revenue / price assumes every yuan of MMS cards replaces paper "
                                      "cards at an assumed average of 2 yuan; ±50%.")),
        Input("mms_traffic_mb", "MMS card traffic", "发送贺卡总流量", "MB/yr", 239000, source="Appendix 4 table",
              extensive=True),
        network_energy(), grid(),
        a4_sheet("Emission per paper card (A4 approximation)", "生产一张贺卡碳排放"),
    ],
    steps=[
        Step("cards_replaced", "revenue_yuan / card_price_yuan", "cards/yr", "Paper cards replaced", "相当于节省贺卡数量"),
        Step("baseline_t", "cards_replaced * a4_sheet_kg / 1000", "t CO2/yr", "Baseline: paper cards", "基础排放"),
        Step("after_ict_t", "mms_traffic_mb * network_kwh_per_mb * grid_kg_per_kwh / 1000", "t CO2/yr",
             "After ICT: network electricity", "应用后排放"),
        Step("ict_own_emission_t", "after_ict_t", "t CO2/yr", "ICT own emission", "ICT自身排放"),
        Step("reduction_t", "baseline_t - after_ict_t", "t CO2/yr", "CO2 reduction", "减排量"),
        enablement_step(),
    ],
    primary="reduction_t",
    notes=["The report prints 22 t (22064 kg, enablement 36.9), but 1,050,000 cards x 9.41 g = 9.88 t: the "
           "published figure implies 21.58 g per card (2.29 A4 sheets) although the appendix approximates a "
           "card by one A4 sheet. No single slip of the table's numbers reproduces it."],
)

SELF_SERVICE = Model(
    id="self_service", function="SELF_SERVICE_REDUCTION",
    title="Customer self-service (顾客自助服务)", title_zh="顾客自助服务", kind="appendix",
    section="Appendix 5; Table 4-1 row 4; Table 4-2; §4.2.1",
    description="CO2 cut by electronic service channels: service halls and paper forms avoided, minus the "
                "network electricity of the electronic transactions.",
    inputs=[
        Input("physical_equivalent_transactions", "Electronic transactions as physical-channel equivalents",
              "电子渠道一年业务笔数相当于实体渠道业务笔数", "transactions/yr", 32800000, source="Appendix 5 table",
              extensive=True,
              uncertainty=spread(0.2, "The conversion of electronic transactions into physical-channel equivalents is "
                                      "the operator's estimate; ±20%.")),
        Input("transactions_per_hall_year", "Transactions one service hall handles a year", "一个实体营业厅一年业务笔数",
              "transactions/yr", 114156, POSITIVE, "Appendix 5 table",
              uncertainty=spread(0.2, "The throughput of an average service hall; ±20%.")),
        Input("hall_kwh_year", "Electricity of a medium service hall", "一个中等营业厅一年耗电量", "kWh/yr", 10000,
              source="Appendix 5 table; §4.2.1",
              uncertainty=spread(0.5, "A round 10,000 kWh for 'a medium hall'; ±50%.")),
        Input("sheets_per_transaction", "Paper per transaction", "每笔业务办理消耗纸张数", "A4 sheets", 3,
              source="Appendix 5 table", note="§4.2.1 says four sheets per transaction.",
              uncertainty=triangular(2, 4, reason="Appendix 5 says 3 sheets, §4.2.1 says 4: 2 to 4, peaking at 3.")),
        Input("electronic_transactions", "Electronic transactions", "电子渠道一年业务笔数", "transactions/yr", 22960000,
              source="Appendix 5 table", extensive=True),
        Input("mb_per_transaction", "Traffic per electronic transaction", "每笔电子业务的平均流量", "MB", 0.001,
              source="Appendix 5 table",
              uncertainty=spread(0.5, "A round 1 kB per transaction; ±50%.")),
        network_energy(), grid(), a4_sheet(),
        Input("platform_t", "Emission of the service platform", "应用平台一年二氧化碳排放量", "t CO2/yr", 0,
              provenance="assumed", source="Appendix 5 formula names it; the table gives no value",
              note="0 because the report's table and its 3322 t include no platform emission.", extensive=True,
              uncertainty=ASSUMED_ZERO),
    ],
    steps=[
        Step("halls_avoided", "physical_equivalent_transactions / transactions_per_hall_year", "halls",
             "Service halls avoided", "相当于节省了多少个实体营业厅"),
        Step("hall_electricity_t", "halls_avoided * hall_kwh_year * grid_kg_per_kwh / 1000", "t CO2/yr",
             "Baseline: hall electricity"),
        Step("paper_t", "physical_equivalent_transactions * sheets_per_transaction * a4_sheet_kg / 1000",
             "t CO2/yr", "Baseline: paper forms"),
        Step("baseline_t", "hall_electricity_t + paper_t", "t CO2/yr", "Baseline emission", "基础排放"),
        Step("after_ict_t", "electronic_transactions * mb_per_transaction * network_kwh_per_mb * grid_kg_per_kwh"
             " / 1000 + platform_t", "t CO2/yr", "After ICT: network and platform", "应用后排放"),
        Step("ict_own_emission_t", "after_ict_t", "t CO2/yr", "ICT own emission", "ICT自身排放"),
        Step("reduction_t", "baseline_t - after_ict_t", "t CO2/yr", "CO2 reduction", "减排量"),
        enablement_step(),
    ],
    primary="reduction_t",
    notes=["Table 4-2's 3322236 kg implies an after-ICT emission of 7.4 kg, not the 57.4 kg the stated traffic gives: "
           "it is reproduced with 2,960,000 electronic transactions, the 22,960,000 of the table with the leading 2 "
           "dropped. Its enablement factor (244, reading Table 4-2's factor cells in row order) implies 13.6 t of own "
           "emission, which the 3322 t reduction cannot hold."],
)

RURAL_EGOV = Model(
    id="rural_egov", function="RURAL_EGOV_REDUCTION",
    title="Rural e-government (农政通)", title_zh="农政通", kind="appendix",
    section="Appendix 6; Table 4-1 row 11; Table 4-4",
    description="CO2 cut by e-government in 262 rural towns: paper and transport fuel saved (cost savings "
                "converted to quantities by price).",
    inputs=[
        Input("town_count", "Towns covered", "业务覆盖镇的数量", "town_count", 262, source="Appendix 6 table", extensive=True),
        Input("paper_cost_saved_yuan", "Paper cost saved per town", "每镇年平均节约纸张费用", "yuan/(town·yr)", 35000,
              source="Appendix 6 table",
              uncertainty=SAVING),
        Input("a4_price_yuan", "Price of an A4 sheet", "每张A4纸价格", "yuan/sheet", 0.05, POSITIVE, "Appendix 6 table",
              uncertainty=spread(0.3, "The price of a sheet varies with grade and purchase volume; ±30%.")),
        a4_sheet(),
        Input("transport_cost_saved_yuan", "Transport cost saved per town", "每镇年节约交通费用", "yuan/(town·yr)",
              2200, source="Appendix 6 table",
              uncertainty=SAVING),
        Input("gasoline_price_yuan_per_l", "Gasoline price", "每升汽油价格", "yuan/L", 6, POSITIVE, "Appendix 6 table",
              uncertainty=GASOLINE_PRICE),
        gasoline(),
        own_emission_from_factor(1940.599, 0.14, "Table 4-4",
                                 "That is 7 times the reduction; the appendix table counts no ICT emission."),
    ],
    steps=[
        Step("sheets_saved_per_town", "paper_cost_saved_yuan / a4_price_yuan", "sheets/(town·yr)", "Paper saved per town"),
        Step("fuel_saved_l_per_town", "transport_cost_saved_yuan / gasoline_price_yuan_per_l", "L/(town·yr)",
             "Fuel saved per town"),
        Step("reduction_t", "town_count * (sheets_saved_per_town * a4_sheet_kg + fuel_saved_l_per_town * gasoline_kg_per_l)"
             " / 1000", "t CO2/yr", "CO2 reduction", "减排量"),
        enablement_step(),
    ],
    primary="reduction_t",
    notes=["The appendix formula subtracts network and hardware electricity, but the table gives no value and "
           "is titled 不计ICT系统排放. Table 4-4's factor 0.14 implies an own emission of 13,861 t, which is what "
           "brings the 14-solution average factor down to about 7.8."],
)

STREETLIGHT = Model(
    id="streetlight", function="STREETLIGHT_REDUCTION",
    title="Street-light remote control (路灯远程监控)", title_zh="路灯远程监控", kind="appendix",
    section="Appendix 7; Table 4-1 row 12; Table 4-2; §4.2.3",
    description="CO2 cut by remote street-light control: shorter lighting hours and fewer maintenance trips "
                "(2,000 lamps, 2008).",
    inputs=[
        Input("lamp_count", "Controlled street lights", "受控路灯数", "lamp_count", 2000, source="Appendix 7 table", extensive=True),
        Input("hours_before", "Lighting hours per lamp before", "年每盏路灯照明平均时长（应用前）", "h/yr", 4197.5, HOURS,
              "Appendix 7 table",
              uncertainty=spread(0.05, "Average lighting hours per lamp; ±5%, drawn independently of the hours after, "
                                       "which overstates the spread of their difference if both err alike.")),
        Input("hours_after", "Lighting hours per lamp after", "年每盏路灯照明平均时长（应用后）", "h/yr", 3285, HOURS,
              "Appendix 7 table",
              uncertainty=spread(0.05, "Average lighting hours per lamp under remote control; ±5%, drawn independently "
                                       "of the hours before.")),
        Input("lamp_kw", "Average lamp power", "每盏路灯平均功率", "kW", 0.3, POSITIVE, "Appendix 7 table",
              uncertainty=spread(0.2, "An average power over mixed lamp types; ±20%.")),
        Input("transport_cost_saved_yuan", "Transport cost saved", "年节约交通费用", "yuan/yr", 1500000,
              source="Appendix 7 table; §4.2.3", extensive=True,
              uncertainty=SAVING),
        Input("gasoline_price_yuan_per_l", "Gasoline price", "每升汽油价格", "yuan/L", 6, POSITIVE, "Appendix 7 table",
              uncertainty=GASOLINE_PRICE),
        gasoline(), grid(),
        own_emission_from_factor(1015.62, 64825, "Table 4-2",
                                 "Table 4-2 prints its factors 3869, 244, 113 and 64825 apart from their rows; they are read in row "
                                 "order (车管家 3869, 路灯远程控制 64825)."),
    ],
    steps=[
        Step("lighting_before_t", "lamp_count * hours_before * lamp_kw * grid_kg_per_kwh / 1000", "t CO2/yr",
             "Lighting before", "受控路灯年CO2排放总量（应用前）"),
        Step("lighting_after_t", "lamp_count * hours_after * lamp_kw * grid_kg_per_kwh / 1000", "t CO2/yr",
             "Lighting after", "受控路灯年CO2排放总量（应用后）"),
        Step("electricity_saved_kwh", "lamp_count * (hours_before - hours_after) * lamp_kw", "kWh/yr",
             "Electricity saved", "节电"),
        Step("transport_before_t", "transport_cost_saved_yuan / gasoline_price_yuan_per_l * gasoline_kg_per_l / 1000",
             "t CO2/yr", "Maintenance transport before", "应用前交通耗油排放"),
        Step("baseline_t", "lighting_before_t + transport_before_t", "t CO2/yr", "Baseline emission", "基础排放"),
        Step("after_ict_t", "lighting_after_t", "t CO2/yr", "After ICT (ICT system not counted)", "应用后排放"),
        Step("reduction_t", "baseline_t - after_ict_t", "t CO2/yr", "CO2 reduction", "减排量"),
        enablement_step(),
    ],
    primary="reduction_t",
    notes=["§4.2.3 states 866.5 g/kWh, but every figure of this table and its '450余吨' need 0.834 kg/kWh. "
           "The appendix formula adds the control system's share of China Mobile's electricity to the after-ICT "
           "emission; the table (不计ICT系统排放) leaves it out."],
)

MUSIC = Model(
    id="music_download", function="MUSIC_DOWNLOAD_REDUCTION",
    title="Full-track music download (全曲下载)", title_zh="全曲下载", kind="appendix",
    section="Appendix 8; Table 4-1 row 6; Table 4-3; §4.2.2",
    description="CO2 cut by music downloads replacing CDs bought with the same revenue, minus the network "
                "electricity of the downloads.",
    inputs=[
        Input("revenue_yuan", "Download revenue", "收入", "yuan/yr", 300170, source="Appendix 8 table", extensive=True),
        Input("cd_price_yuan", "Price of a CD", "音乐CD单价", "yuan/CD", 60, POSITIVE, "Appendix 8 table: 300170 yuan -> 5003 CDs",
              provenance="implied", note="Not stated; the table's 5003 CDs for 300,170 yuan imply 60 yuan per CD.",
              uncertainty=triangular(10, 80, reason="Not stated: the table's 5003 CDs imply 60 yuan, its printed 26 t "
                                                    "needs 10 yuan; 10 to 80 yuan, peaking at 60.")),
        Input("cd_kg_per_disc", "CO2 of making one CD", "制作一张CD的二氧化碳排放", "kg CO2/disc",
              factor="cd_kg_per_disc", bounds=POSITIVE, source="factor set"),
        Input("download_traffic_mb", "Download traffic", "下载音乐总流量", "MB/yr", 1640000,
              source="Appendix 8 table (820,000 downloads, Table 4-1)", extensive=True),
        network_energy(), grid(),
    ],
    steps=[
        Step("cds_replaced", "revenue_yuan / cd_price_yuan", "CDs/yr", "CDs replaced", "相当于节省CD"),
        Step("baseline_t", "cds_replaced * cd_kg_per_disc / 1000", "t CO2/yr", "Baseline: CDs", "基础排放"),
        Step("after_ict_t", "download_traffic_mb * network_kwh_per_mb * grid_kg_per_kwh / 1000", "t CO2/yr",
             "After ICT: network electricity", "应用后排放"),
        Step("ict_own_emission_t", "after_ict_t", "t CO2/yr", "ICT own emission", "ICT自身排放"),
        Step("reduction_t", "baseline_t - after_ict_t", "t CO2/yr", "CO2 reduction", "减排量"),
        enablement_step(),
    ],
    primary="reduction_t",
    notes=["The stated inputs give 0.90 t, matching §4.2.2 ('减排900kg'); the appendix prints 26 t and Table 4-3 "
           "25914 kg (enablement 6.3), which need 30,017 CDs (10 yuan per CD) or 6 kg CO2 per CD."],
)

NEWSPAPER = Model(
    id="mobile_newspaper", function="MOBILE_NEWSPAPER_REDUCTION",
    title="Mobile newspaper, individual (手机报 个人业务)", title_zh="手机报（个人业务）", kind="appendix",
    section="Appendix 9; Table 4-1 row 1; Table 4-3",
    description="CO2 cut by MMS newspapers replacing a share of printed newspapers, minus network, hardware and "
                "terminal emissions.",
    inputs=[
        Input("subscriber_count", "Subscribers", "手机报用户数", "people", 890000, source="Appendix 9 table", extensive=True),
        Input("substitution_rate", "Share of print copies replaced", "替代率", "fraction", 0.043, FRACTION,
              "Appendix 9 table",
              uncertainty=spread(0.5, "The share of print copies a mobile newspaper replaces (4.3%) is an estimate; "
                                      "±50%.")),
        Input("papers_per_reader_year", "Newspapers bought per reader and year", "平均每人一年购买报纸份数",
              "copies/yr", 365, source="Appendix 9 table",
              uncertainty=triangular(0.6, 1.0, reason="365 copies a year assumes a paper every day; readers who buy "
                                                      "fewer are likely, more is not: x0.6 to x1.", relative=True)),
        Input("sheets_per_paper", "A4 sheets per newspaper", "一份报纸相当于多少张A4纸", "A4 sheets", 4,
              source="Appendix 9 table",
              uncertainty=spread(0.5, "A newspaper's size in A4 sheets depends on title and edition; ±50%.")),
        a4_sheet(),
        Input("hardware_t", "Hardware emission", "硬件设备碳排放", "t CO2/yr", 7.92151067,
              source="Appendix 9 table (7921510.67 g)", extensive=True),
        Input("mb_per_subscriber_year", "Traffic per subscriber and year", "平均一人一年手机报流量", "MB/yr", 27.34,
              source="Appendix 9 table"),
        network_energy(), grid(),
        Input("terminal_t", "Terminal (handset) emission", "终端碳排放", "t CO2/yr", 0, provenance="assumed",
              source="Appendix 9 formula names it; the table gives no value",
              note="0 because the report's 457 t includes none.", extensive=True,
              uncertainty=ASSUMED_ZERO),
    ],
    steps=[
        Step("baseline_t", "subscriber_count * substitution_rate * papers_per_reader_year * sheets_per_paper * "
             "a4_sheet_kg / 1000", "t CO2/yr", "Baseline: printed newspapers", "基础排放"),
        Step("network_t", "subscriber_count * mb_per_subscriber_year * network_kwh_per_mb * grid_kg_per_kwh / 1000",
             "t CO2/yr", "Network electricity"),
        Step("after_ict_t", "network_t + hardware_t + terminal_t", "t CO2/yr", "After ICT", "应用后排放"),
        Step("ict_own_emission_t", "after_ict_t", "t CO2/yr", "ICT own emission", "ICT自身排放"),
        Step("reduction_t", "baseline_t - after_ict_t", "t CO2/yr", "CO2 reduction", "减排量"),
        enablement_step(),
    ],
    primary="reduction_t",
    notes=["Table 4-3 gives enablement 6.3, the same as the music-download row above it: with the stated 0.8665 "
           "kg/kWh the factor is 6.39 (printed cut off), with the 0.834 its 456973 kg needs it is 6.64."],
)

NEWSLETTER = Model(
    id="newsletter", function="NEWSLETTER_REDUCTION",
    title="Corporate newsletter by MMS (手机报 集团内刊)", title_zh="手机报（集团内刊）", kind="appendix",
    section="Appendix 10; Table 4-1 row 2; Table 4-3",
    description="CO2 cut by MMS editions of company newsletters replacing printed ones (one for one).",
    inputs=[
        Input("customer_count", "Corporate customers", "客户数", "customer_count", 20000, source="Appendix 10 table", extensive=True),
        Input("issues_per_year", "Issues per customer and year", "一个中等集团一年发内刊数", "issues/yr", 12,
              source="Appendix 10 table",
              uncertainty=spread(0.5, "12 issues a year for 'a medium group' is assumed; ±50%.")),
        Input("sheets_per_issue", "A4 sheets per printed issue", "一本内刊相当于的纸数", "A4 sheets", 10,
              provenance="implied", source="Appendix 10 formula names it; the table shows only the rounded result 23 t",
              note="Not stated; 22113 kg in Table 4-3 needs 22.584 t of paper, i.e. 10 sheets per issue.",
              uncertainty=IMPLIED),
        a4_sheet(),
        Input("mb_per_customer_year", "Traffic per customer and year", "一个集团一年该业务数据量", "MB/yr", 8.32,
              source="Appendix 10 table"),
        network_energy(), grid(),
        Input("hardware_t", "Hardware emission", "硬件设备碳排放", "t CO2/yr", 0.054, source="Appendix 10 table",
              extensive=True),
    ],
    steps=[
        Step("baseline_t", "customer_count * issues_per_year * sheets_per_issue * a4_sheet_kg / 1000", "t CO2/yr",
             "Baseline: printed newsletters", "一年内生产纸质内刊碳排放"),
        Step("network_t", "customer_count * mb_per_customer_year * network_kwh_per_mb * grid_kg_per_kwh / 1000",
             "t CO2/yr", "Network electricity"),
        Step("after_ict_t", "network_t + hardware_t", "t CO2/yr", "After ICT", "应用后排放"),
        Step("ict_own_emission_t", "after_ict_t", "t CO2/yr", "ICT own emission", "ICT自身排放"),
        Step("reduction_t", "baseline_t - after_ict_t", "t CO2/yr", "CO2 reduction", "减排量"),
        enablement_step(),
    ],
    primary="reduction_t",
)

EINVOICE = Model(
    id="einvoice", function="EINVOICE_REDUCTION",
    title="E-invoice (电子发票)", title_zh="电子发票", kind="appendix",
    section="Appendix 11; Table 4-1 row 5; Table 4-2",
    description="CO2 cut by electronic invoices replacing paper invoice copies, minus network and platform "
                "emissions.",
    inputs=[
        Input("sheets_per_invoice", "A4 sheets per invoice copy (190 x 190.5 mm)", "一联发票面积上相当于多少张A4纸",
              "A4 sheets", 0.58, POSITIVE, "Appendix 11 table (190 x 190.5 mm = 0.5803 A4)"),
        Input("invoice_count", "Invoices a year", "每年发票数量", "invoices/yr", 60000000, source="Appendix 11 table",
              extensive=True),
        a4_sheet(),
        Input("traffic_mb", "E-invoice traffic", "08年电子发票总流量", "MB/yr", 35840, source="Appendix 11 table",
              extensive=True),
        network_energy(), grid(),
        Input("platform_t", "Platform emission", "应用平台排放二氧化碳", "t CO2/yr", 0.0118272,
              source="Appendix 11 table (11827.2 g)", extensive=True),
    ],
    steps=[
        Step("baseline_t", "sheets_per_invoice * invoice_count * a4_sheet_kg / 1000", "t CO2/yr", "Baseline: paper invoices",
             "基础排放"),
        Step("network_t", "traffic_mb * network_kwh_per_mb * grid_kg_per_kwh / 1000", "t CO2/yr", "Network electricity"),
        Step("after_ict_t", "network_t + platform_t", "t CO2/yr", "After ICT", "应用后排放"),
        Step("ict_own_emission_t", "after_ict_t", "t CO2/yr", "ICT own emission", "ICT自身排放"),
        Step("reduction_t", "baseline_t - after_ict_t", "t CO2/yr", "CO2 reduction", "减排量"),
        enablement_step(),
    ],
    primary="reduction_t",
    notes=["Table 4-1 writes the invoice count as '6万千万张' (garbled); the appendix table has 60,000,000."],
)

MMS_FLYER = Model(
    id="mms_flyer", function="MMS_FLYER_REDUCTION",
    title="MMS flyers (DM宣传单)", title_zh="DM宣传单", kind="appendix",
    section="Appendix 12; Table 4-1 row 3; Table 4-3",
    description="CO2 cut by MMS advertising flyers replacing printed flyers, minus network and platform emissions.",
    inputs=[
        Input("paper_flyers", "Printed flyers replaced", "一年发的纸质宣传单数", "flyers/yr", 12000000,
              source="Appendix 12 table", extensive=True,
              uncertainty=spread(0.3, "The printed flyers the MMS campaign replaces (12 million for 36 million MMS) is "
                                      "a counterfactual estimate; ±30%.")),
        a4_sheet("Emission per printed flyer (A4)", "生产一张宣传单的碳排放"),
        Input("mms_messages", "MMS flyers sent", "一年宣传单彩信条数", "messages/yr", 36000000, source="Appendix 12 table",
              extensive=True),
        Input("mb_per_message", "Size of one MMS", "每条彩信平均大小", "MB", 0.04, source="Appendix 12 table"),
        network_energy(), grid(),
        Input("platform_t", "Platform emission", "应用平台碳排放", "t CO2/yr", 0.4752, source="Appendix 12 table (475200 g)", extensive=True),
    ],
    steps=[
        Step("baseline_t", "paper_flyers * a4_sheet_kg / 1000", "t CO2/yr", "Baseline: printed flyers", "基础排放"),
        Step("network_t", "mms_messages * mb_per_message * network_kwh_per_mb * grid_kg_per_kwh / 1000", "t CO2/yr",
             "Network electricity"),
        Step("after_ict_t", "network_t + platform_t", "t CO2/yr", "After ICT", "应用后排放"),
        Step("ict_own_emission_t", "after_ict_t", "t CO2/yr", "ICT own emission", "ICT自身排放"),
        Step("reduction_t", "baseline_t - after_ict_t", "t CO2/yr", "CO2 reduction", "减排量"),
        enablement_step(),
    ],
    primary="reduction_t",
)

SIM_CARD = Model(
    id="sim_card", function="SIM_CARD_REDUCTION",
    title="Enterprise SIM card consolidation (企业一卡通)", title_zh="企业一卡通", kind="appendix",
    section="Appendix 13; Table 4-1 row 13; Table 4-4; §4.2.4",
    description="CO2 cut by merging staff cards into the SIM card: fewer PVC cards produced (10,000 SIM cards "
                "piloted, 2008).",
    inputs=[
        Input("sim_cards_before", "SIM cards before", "SIM卡数量（应用前）", "cards", 10000, source="Appendix 13 table", extensive=True),
        Input("sim_cards_after", "SIM cards after", "SIM卡数量（应用后）", "cards", 10000, source="Appendix 13 table", extensive=True),
        Input("plastic_cards_before", "Plastic cards before", "普通卡数量（应用前）", "cards", 40000, source="Appendix 13 table", extensive=True),
        Input("plastic_cards_after", "Plastic cards after", "普通卡数量（应用后）", "cards", 20000, source="Appendix 13 table", extensive=True),
        Input("plastic_card_cm3", "Volume of a plastic card", "普通卡大小", "cm3", 3.67, POSITIVE, "Appendix 13 table"),
        Input("sim_card_cm3", "Volume of a SIM card", "SIM卡大小", "cm3", 0.3, POSITIVE, "Appendix 13 table"),
        pvc(),
        Input("pvc_g_per_cm3", "PVC density", "一立方厘米的重量", "g/cm3", 1.38, POSITIVE, "Appendix 13 table",
              uncertainty=triangular(1.3, 1.45, reason="Rigid PVC is 1.3-1.45 g/cm3; the report's 1.38 is the peak.")),
    ],
    steps=[
        Step("baseline_t", "(sim_cards_before * sim_card_cm3 + plastic_cards_before * plastic_card_cm3) * "
             "pvc_g_per_cm3 * pvc_kg_per_kg / 1000000", "t CO2", "Baseline: cards produced", "基础排放"),
        Step("after_ict_t", "(sim_cards_after * sim_card_cm3 + plastic_cards_after * plastic_card_cm3) * "
             "pvc_g_per_cm3 * pvc_kg_per_kg / 1000000", "t CO2", "After: cards produced", "应用后排放"),
        Step("reduction_t", "baseline_t - after_ict_t", "t CO2", "CO2 reduction", "减排量"),
    ],
    primary="reduction_t",
)

MOBILE_PAYMENT = Model(
    id="mobile_payment", function="MOBILE_PAYMENT_REDUCTION",
    title="Mobile payment (手机支付)", title_zh="手机支付", kind="appendix",
    section="Appendix 14; Table 4-1 row 14; Table 4-4 (电子商务)",
    description="CO2 cut by SIM payment replacing monthly transit cards with lighter metro cards, minus the "
                "server emission.",
    inputs=[
        Input("account_count", "Payment accounts", "账户数", "account_count", 49913, source="Appendix 14 table", extensive=True),
        Input("monthly_card_g", "Weight of a monthly card", "1张月卡重量", "g", 4.83, source="Appendix 14 table"),
        Input("metro_card_g", "Weight of a metro card", "1张地铁卡重量", "g", 0.7314, source="Appendix 14 table"),
        pvc(),
        Input("server_t", "Server emission", "服务器二氧化碳排放量", "t CO2/yr", 0.313061,
              source="Appendix 14 table (313061 g)", bounds=POSITIVE,
              extensive=True),
    ],
    steps=[
        Step("baseline_t", "account_count * monthly_card_g * pvc_kg_per_kg / 1000000", "t CO2/yr", "Baseline: monthly cards",
             "基础排放"),
        Step("after_ict_t", "account_count * metro_card_g * pvc_kg_per_kg / 1000000 + server_t", "t CO2/yr",
             "After: metro cards and server", "应用后排放"),
        Step("ict_own_emission_t", "server_t", "t CO2/yr", "ICT own emission", "ICT自身排放"),
        Step("reduction_t", "baseline_t - after_ict_t", "t CO2/yr", "CO2 reduction", "减排量"),
        enablement_step(),
    ],
    primary="reduction_t",
    notes=["The appendix formula writes the PVC factor twice (…*1.9*(4.83-0.7314)*1.9); the table's 0.076 t "
           "uses it once, as here."],
)

APPENDIX_MODELS = [FLEET, GENSET, URBAN, MMS_CARD, SELF_SERVICE, RURAL_EGOV, STREETLIGHT, MUSIC, NEWSPAPER,
                   NEWSLETTER, EINVOICE, MMS_FLYER, SIM_CARD, MOBILE_PAYMENT]
