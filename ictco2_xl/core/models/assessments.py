"""The assessment records (ITU-T L.1480 / WBCSD items, see ``core/assessment.py``) of the report's models,
from what the report says, cited by section; "not stated in the report" where it says nothing.

Texts starting with "derived from the report's figures" are worked out from numbers the report prints,
not stated by it. "Named, not quantified" means the report lists the effects (in a figure or the text)
without estimating them. Attached to the models by ``core/models/__init__.py``.
"""
from __future__ import annotations

from ..assessment import NOT_QUANTIFIED, NOT_STATED, SEPARATE_REPORTING, Assessment

SOURCE = "WWF / China Mobile (2010), as cited in each item"
REPORT_SEPARATE = (SEPARATE_REPORTING + " The report does not state this; it compares reductions with own emissions "
                   "(减排系数, §4.4; 7.04万 t as more than 1% of China Mobile's 670万 t, §5.4.3.2) without netting them "
                   "against an inventory.")
NO_SHARE = (f"{NOT_STATED}: the whole reduction is attributed to the solution (and, in §4.5, to China Mobile); no "
            "share is allocated to the organisations that use or co-enable it")

# -- the fourteen Chongqing solutions (chapter 4, appendix) ---------------------------------------------------
CHONGQING = ("China Mobile Chongqing's service in Chongqing, 2008 (§4.1 A: one municipality with many solutions in use). "
             "Method (§4.1 C): emissions of the traditional activity before ICT as the baseline, the emission sources "
             "after it and the main and secondary effects of each activity (GHG Protocol for Project Accounting); or, "
             "where that needs too many assumptions, the organisation's emissions a year after minus before (GHG "
             "Protocol for Corporate Accounting), checked with the business managers for other causes.")
NOT_COUNTED = " The appendix table is marked 不计ICT系统排放 (the ICT system's emission is not counted)."
LOGISTICS_NOT_COUNTED = (" §4.4: for the paper-replacing solutions, the reduction from replacing the traditional "
                         "distribution (e.g. delivering newspapers) is not counted for lack of data.")
YEAR_2008 = "2008, one year (Table 4-1: 2008年CO2减排量)."
APPENDIX_QUALITY = ("§4.1 B: solutions were chosen for a clear mechanism, market scale and statistics from reliable "
                    "sources; §4.1 C: field surveys and repeated discussion with each solution's business managers. "
                    "The report calls its results conservative.")
MISSING_DATA = " §4.4 (Table 4-4): this solution lacks key data, so its reduction and own emission are partial."
APPENDIX_EFFECT = (f"{NOT_STATED}: the reduction compares 2008 with and without the solution (§4.1 C); whether "
                   "emissions fell in absolute terms is not reported.")
SHARED_PLATFORM = (f"{NOT_QUANTIFIED}: §4.4 says 企业一卡通, 手机支付 and 油机监控 share hardware platforms with other "
                   "services, so their own emission is hard to determine.")
OWN_FROM_FACTOR = "implied by the enablement factor the report prints (Tables 4-2 to 4-4); not stated as a number"
OWN_AFTER_ICT = "the appendix model's 应用后排放 (emission after ICT: network electricity and platforms)"


def _appendix(reference: str, solution: str, *, boundary: str = "", functional_unit: str = NOT_STATED,
              first_order: str = "ict_own_emission_t", first_order_note: str = OWN_FROM_FACTOR,
              higher_order: str = NOT_STATED, higher_order_note: str = "", quality: str = "",
              contribution: str = NO_SHARE) -> Assessment:
    return Assessment(reference_scenario=reference, solution_scenario=solution, functional_unit=functional_unit,
                      boundary=CHONGQING + boundary, timeframe=YEAR_2008, first_order=first_order,
                      first_order_note=first_order_note, higher_order=higher_order,
                      higher_order_note=higher_order_note, effect_type=APPENDIX_EFFECT, contribution=contribution,
                      data_quality=APPENDIX_QUALITY + quality, separate_reporting=REPORT_SEPARATE, source=SOURCE)


SAME_TRANSPORT = ("The same transport volume with fewer vehicles or less distance (chapter 4, smart logistics: "
                  "在满足相同运输量的情况下需要更少的车辆或者行驶更少的路程).")

APPENDIX = {
    "fleet_management": _appendix(
        "Trucks dispatched without 车管家, at their previous empty-running rate (Appendix 1).",
        "30,000 registered vehicles (6,000 hundred tonnes) dispatched with 车管家: empty-running rate 1.5 points lower "
        "(Appendix 1; Table 4-1: a 10% relative drop).",
        functional_unit=SAME_TRANSPORT, boundary=NOT_COUNTED),
    "genset_monitoring": _appendix(
        "Base-station diesel generators run and recorded by hand (Appendix 2; §5.4.3.1).",
        "55 generators monitored remotely in a 2008 pilot: paper and diesel saved (Appendix 2; Table 4-1: 2,000 sites "
        "expected within three years).",
        boundary=NOT_COUNTED, first_order=SHARED_PLATFORM, first_order_note="", quality=MISSING_DATA),
    "urban_management": _appendix(
        "City management by staff on site with paper records (Appendix 3).",
        "Mobile city management in two large districts of Chongqing: electricity, fuel and paper saved; street lights "
        "excluded (Table 4-1).", boundary=NOT_COUNTED),
    "mms_card": _appendix(
        "Paper greeting cards: the revenue buys 1.05 million cards at 2 yuan each (Appendix 4).",
        "4.78 million MMS greeting cards sent (Table 4-1), emitting network electricity.",
        functional_unit=f"{NOT_STATED}; Appendix 4 equates the service revenue divided by the price of a paper card "
                        "with the cards replaced.",
        boundary=" The card's life-cycle emission is approximated by producing an A4 sheet (Appendix 4 note)."
                 + LOGISTICS_NOT_COUNTED, first_order_note=OWN_AFTER_ICT),
    "self_service": _appendix(
        "Transactions at staffed service halls: halls' electricity and the paper of each transaction (Appendix 5; "
        "§4.2.1).",
        "Electronic channels (online, phone, self-service terminals, handset) handle about 90% of transactions; 2008's "
        "electronic transactions equal 3,280万 hall transactions, about 287 medium halls not needed (Table 4-1).",
        first_order_note=OWN_AFTER_ICT + "; §4.2.1 counts the traffic and back-end servers",
        higher_order="Named, not quantified: Figure 4-3 lists customers' avoided trips to service halls, staff time "
                     "saved and low-carbon habits; §4.2.1: customers' travel saved cannot be estimated, so the result "
                     "is conservative."),
    "rural_egov": _appendix(
        "Rural government work with printed paper and travel (Appendix 6).",
        "农政通 used by 262 towns of Chongqing in 2008: paper and transport saved per town (Table 4-1; Appendix 6).",
        boundary=NOT_COUNTED, quality=MISSING_DATA),
    "streetlight": _appendix(
        "2,000 street lamps switched on a fixed timetable, faults found by patrols (Appendix 7; §4.2.3).",
        "The lamps switched remotely by light level: 900+ fewer lighting hours per lamp, fewer maintenance trips "
        "(§4.2.3; Appendix 7).",
        boundary=NOT_COUNTED + " §4.2.3: other effects, such as paper replaced by the electronic system, are not "
                               "counted for lack of data; the result is conservative."),
    "music_download": _appendix(
        "CDs bought for the same spending: revenue divided by the price of a CD, 1 kg CO2 per disc (Appendix 8; "
        "§4.2.2).",
        "About 820,000 full-track downloads in 2008, emitting network electricity (Table 4-1).",
        functional_unit="The customers' demand for music, measured by the revenue (§4.2.2: the same demand buys "
                        "different amounts at different prices, so content is not comparable; '收入' is the yardstick).",
        boundary=" §4.2.2: the CD chain's transport and other steps could not be counted (e.g. CD transport "
                 "distances are unknown), so the result is 'extremely conservative'.",
        first_order_note=OWN_AFTER_ICT,
        higher_order="Named, not quantified: Figure 4-4 lists the CD supply chain beyond pressing, public resources "
                     "and fossil energy, curbed piracy and low-carbon habits."),
    "mobile_newspaper": _appendix(
        "Printed newspapers: 890,000 subscribers × 4.3% replaced × 365 papers of 4 A4 sheets (Appendix 9; Table 4-1).",
        "Mobile newspapers delivered as MMS, with network, hardware and terminal emissions (Appendix 9).",
        boundary=LOGISTICS_NOT_COUNTED, first_order_note=OWN_AFTER_ICT),
    "newsletter": _appendix(
        "Printed company newsletters: 20,000 corporate customers, 12 issues a year (Appendix 10; Table 4-1: each "
        "paper newsletter replaced by one mobile issue).",
        "Company newsletters sent as mobile newspapers (Appendix 10).",
        boundary=LOGISTICS_NOT_COUNTED, first_order_note=OWN_AFTER_ICT),
    "einvoice": _appendix(
        "Paper invoices: 6,000万 a year, each 0.58 of an A4 sheet (Appendix 11; Table 4-1).",
        "Electronic invoices, each replacing one paper invoice, with network and platform emissions (Appendix 11).",
        first_order_note=OWN_AFTER_ICT),
    "mms_flyer": _appendix(
        "Printed flyers the size of an A4 sheet: 1,200万 a year (Appendix 12; Table 4-1).",
        "MMS flyers replacing them one for one (Table 4-1: 100% replacement), with network and platform emissions.",
        boundary=LOGISTICS_NOT_COUNTED, first_order_note=OWN_AFTER_ICT),
    "sim_card": _appendix(
        "Separate plastic cards for staff functions: 40,000 cards before (Appendix 13; §4.2.4).",
        "Functions merged into 10,000 SIM cards used inside one city company in 2008: plastic cards halved (Table 4-1; "
        "§4.2.4).",
        boundary=NOT_COUNTED, first_order=SHARED_PLATFORM, first_order_note="", quality=MISSING_DATA),
    "mobile_payment": _appendix(
        "PVC monthly cards (Appendix 14).",
        "Mobile payment at 2,400 merchants of a city company by the end of 2008 (Table 4-1), replacing monthly cards "
        "by thinner cards, with server emissions (Appendix 14).",
        boundary=" §4.2.4: the replacement of cash and paper invoices cannot be estimated for lack of data.",
        first_order_note="the server emission of Appendix 14", quality=MISSING_DATA),
}

# -- chapter 4 roll-up ------------------------------------------------------------------------------------
_EXTRAPOLATED = ("An extrapolation (§4.5): reductions are assumed linear in business scale, so Chongqing's total is "
                 "scaled by its share of China Mobile's business.")


def _rollup(**items) -> Assessment:
    """A roll-up's record: what the report says about the total; nothing on higher-order effects, the kind
    of effect or shares."""
    defaults = dict(functional_unit=NOT_STATED, higher_order=NOT_STATED, effect_type=NOT_STATED, contribution=NO_SHARE,
                    separate_reporting=REPORT_SEPARATE, source=SOURCE)
    return Assessment(**{**defaults, **items})


ROLLUP = {
    "portfolio": _rollup(
        reference_scenario=f"{NOT_STATED} for the total; each of the fourteen solutions has its own (see their models).",
        solution_scenario="All of China Mobile Chongqing's low-carbon ICT services in 2008: E1, the fourteen studied "
                          "solutions, plus E2, the other 87 services at five times their own emission (§4.3).",
        boundary="Chongqing, 2008 (§4.3). E2: the other services' electricity from China Mobile Chongqing's 1.85亿 kWh "
                 "in proportion to business volume (the fourteen carry 9.4%), at the grid factor, times 5.",
        timeframe=YEAR_2008,
        first_order=f"{NOT_QUANTIFIED} for the total: other_own_emission_t is E2's own emission; the fourteen "
                    "solutions' own emissions are in their models, where the report gives them.",
        data_quality="E2 rests on an assumed ratio: SMART2020's 'at least 5 times' own emission, chosen as conservative "
                     "(§4.1 step 3; §4.3: the literature gives 2 to 100 times), and on electricity proportional to "
                     "business volume (§4.3)."),
    "enablement": _rollup(
        reference_scenario=f"{NOT_STATED}: a ratio of the pooled solutions' results (§4.4).",
        solution_scenario="The Chongqing solutions with an own emission, pooled: 减排系数 = reduction / ICT own "
                          "emission (§4.4; the summary: more than 7 times).",
        boundary=CHONGQING, timeframe=YEAR_2008,
        first_order="ict_own_emission_t", first_order_note="the sum of the pooled solutions' own emissions, "
                                                           + OWN_FROM_FACTOR,
        data_quality=APPENDIX_QUALITY + " §4.4: the own emissions of 企业一卡通, 手机支付 and 油机监控 are hard to "
                                        "determine (shared platforms)."),
    "china_mobile": _rollup(
        reference_scenario=f"{NOT_STATED}; the Chongqing solutions' references, scaled nationwide (§4.1 step 4).",
        solution_scenario="China Mobile's low-carbon ICT solutions across China in 2008: about 4850万 t (§4.5); 2009: "
                          "business volume +20%, about 5820万 t (summary).",
        boundary="China, China Mobile's services only (§4.5; note 36: fixed-line operators are not included). "
                 + _EXTRAPOLATED,
        timeframe="2008, one year (§4.5); 2009 estimated (summary).",
        first_order="own_emission_t", first_order_note="China Mobile's whole own emission (summary: about 794万 t), "
                                                       "which the report compares its reduction with",
        data_quality=_EXTRAPOLATED + " Chongqing's share of the business is not printed (back-solved: see the "
                                     "model's inputs)."),
    "wireless_industry": _rollup(
        reference_scenario=f"{NOT_STATED}; China Mobile's, scaled to all wireless operators.",
        solution_scenario="China's wireless industry in 2008: China Mobile's reduction divided by its share of "
                          "wireless subscribers (4.15亿 of 6亿, about 70%): about 7000万 t (§4.5).",
        boundary="China, wireless operators only (§4.5; note 36: fixed-line operators not included, so the industry's "
                 "total should be larger). " + _EXTRAPOLATED,
        timeframe="2008 (subscribers at the end of June 2008; §4.5).",
        first_order=f"{NOT_QUANTIFIED}: the industry's own emission is not given.",
        data_quality="Scaled by subscriber share (§4.5): assumes the other operators enable as much per subscriber."),
}

# -- chapter 5 potentials ---------------------------------------------------------------------------------
YEARS = "Target years 2010, 2020 and 2030, one year each ({})."
SCENARIO_QUALITY = ("Scenario assumptions set by the report's authors for the target years (chapter 5); see each "
                    "input's source.")


def _potential(reference: str, solution: str, boundary: str, *, timeframe: str = YEARS.format("chapter 5"),
               functional_unit: str = NOT_STATED, first_order: str = "", first_order_note: str = "",
               higher_order: str = NOT_STATED, higher_order_note: str = "", effect_type: str = NOT_STATED,
               contribution: str = NO_SHARE, quality: str = SCENARIO_QUALITY) -> Assessment:
    return Assessment(reference_scenario=reference, solution_scenario=solution, functional_unit=functional_unit,
                      boundary=boundary, timeframe=timeframe,
                      first_order=first_order or f"{NOT_QUANTIFIED}: the report gives no own emission for this "
                                                 "potential.",
                      first_order_note=first_order_note, higher_order=higher_order,
                      higher_order_note=higher_order_note, effect_type=effect_type, contribution=contribution,
                      data_quality=quality, separate_reporting=REPORT_SEPARATE, source=SOURCE)


BASELINE_ONLY = "None: this model is the reference scenario of {}."
ROAD = ("China's road freight and passenger transport (§5.1.3; note 37: air and sea freight excluded); passenger-km "
        "count as freight at 0.1 t·km each (Table 5-1).")
LOGISTICS_SHARE = (f"{NOT_STATED}: §5.1.4-5.1.5 say the potential depends on operators, the public and government "
                   "acting together; no share is allocated.")
LOGISTICS_REFERENCE = ("Road logistics growing as now, empty-running rate staying at 30% ('high-carbon society'; "
                       "Table 5-1: 2.81亿 t in 2008; 3.10, 5.09 and 8.21亿 t in 2010, 2020, 2030).")

POTENTIALS = {
    "logistics_baseline": _potential(
        LOGISTICS_REFERENCE, BASELINE_ONLY.format("logistics_potential"), ROAD,
        timeframe="2008 and the target years 2010, 2020, 2030 (Table 5-1).",
        first_order=f"{NOT_QUANTIFIED}: a baseline, no ICT solution in it.",
        quality="Freight turnover grows 5% a year after the road-transport plan (§5.1.3); diesel 6.3 L per 100 t·km "
                "and 1.198 kg/L times an 'implied emission factor' of 2.608 the report does not explain (Table 5-1)."),
    "logistics_potential": _potential(
        LOGISTICS_REFERENCE,
        "Smart logistics lowers the empty-running rate by 10% to 50% of itself (policy, technology and smart "
        "societies; 50%: from 30% to 15%) (§5.1.4; Table 5-2).",
        ROAD + " Direct effects only (Table 5-2: 只考虑直接排放; §5.1.4: indirect effects not counted).",
        timeframe=YEARS.format("Table 5-2"),
        functional_unit="The same goods transported with fewer vehicles or less distance (§5.1.1: 在运输相同数量货物的"
                        "情况下); Table 5-1's converted tonne-km of the target year.",
        first_order="ict_own_emission_t",
        first_order_note="物流通's own emission in 2008, 51 t (§5.1.2), held for every year; §5.1.4: in the "
                         "high-carbon society the ICT's own emission makes the effect negative",
        higher_order="Named, not quantified: Figure 5-4 lists handsets replaced sooner, fewer vehicles made and less "
                     "road and rail built, and money and labour saved that may be spent either way; §5.1.4 judges the "
                     "indirect effects to reduce emissions on balance.",
        effect_type="Derived from the report's figures (Table 5-2, 50% cut): 3.10 − 0.78 = 2.32亿 t in 2010, below "
                    "2008's 2.81 (a real reduction); 5.09 − 1.28 = 3.81 in 2020 and 8.21 − 2.07 = 6.14 in 2030, above it "
                    "(a lesser increase).",
        contribution=LOGISTICS_SHARE,
        quality="The cuts of the empty-running rate are set per scenario by the authors (§5.1.4), on the tracked "
                "effect of 物流通 (§5.1.2: 1.5 points, 40多万 vehicles in 2008); growth 5% a year (§5.1.3)."),
    "disc_trend": _potential(
        "Video discs published as the 1998-2007 trend continues (§5.2.1.2: 103,500万 discs in 2020, 1 kg CO2 each).",
        BASELINE_ONLY.format("dematerialisation"),
        "Video-disc production in China (Table 5-3); 1 kg CO2 per disc (§5.2.1.2, note 50).",
        timeframe="Any year; the report uses 2020 (§5.2.1.2).",
        first_order=f"{NOT_QUANTIFIED}: a baseline, no ICT solution in it.",
        quality="A trend of ten years of National Bureau of Statistics data (Table 5-3); the per-disc factor is a round "
                "1 kg."),
    "dematerialisation": _potential(
        "Video discs as the trend continues (§5.2.1.2), and the other dematerialisable products and activities.",
        "Online media replace all video discs (2020; 103万 t in 2020, 313万 t in 2030), and online media are 4.3% of "
        "dematerialisation's reduction (a global 2020 share), giving 2369万 t (2020) and 7279万 t (2030) (§5.2).",
        "China; scaled up from online media with a global share ('粗略折算', §5.2).", timeframe="2020 and 2030 (§5.2).",
        quality="A rough scaling (§5.2: '粗略折算'); §5.2: the amounts are uncertain because technology and its "
                "uptake cannot be foreseen."),
    "epaper": _potential(
        "Paper demand growing in the high-carbon way: 15,566万 t in 2020 and 22,051万 t in 2030 (§5.2.2.2).",
        "25% of paper replaced by electronic reading in 2020 (§5.2.2.2): 355万 t (2020) and 1092万 t (2030).",
        "China's paper and board (§5.2.2.1-5.2.2.2).", timeframe="2020 and 2030 (§5.2.2.2).",
        quality="Paper demand grows with the high-carbon economy and 25% of it is assumed replaced in 2020 through "
                "the effort of government, IT industry and consumers (§5.2.2.2, note 53)."),
    "telework": _potential(
        "Work commuting by car and office buildings as projected (target-year baseline 5.59, 6.12 and 6.81亿 t; "
        "§5.3.1 table).",
        "Teleworking cuts work-related car travel by 80% (SMART2020), office-building emission by 60% and raises "
        "residential emission by 15% (§5.3.1).",
        "China; direct effects only: transport and buildings (§5.3.1: 只考虑交通上的CO2减排和建筑上的碳排放). Figure "
        "5-11 draws the full inventory boundary (vehicle and IT manufacturing, infrastructure, habits).",
        timeframe=YEARS.format("§5.3.1 table"),
        quality="Rates from SMART2020 (80% less work-related car travel, note 64) and SUSTEL (60% less office, 15% "
                "more residential emission, note 67); car numbers forecast (note 63); building emissions from floor "
                "area and electricity per m2 (§5.3.1; the building_emissions model).",
        first_order=f"{NOT_QUANTIFIED}: §5.3.1 names the energy of networks, servers and terminals and more IT "
                    "manufacturing, without estimating them.",
        higher_order="residential_increase_t",
        higher_order_note="the 15% more residential emission is quantified and already subtracted; more non-work "
                          "travel is named but not quantified (§5.3.1: no sector data)",
        effect_type="Derived from the report's figures (§5.3.1 table): emissions with teleworking (baseline − "
                    "reduction) are 2.61, 2.72 and 2.86亿 t in 2010, 2020 and 2030, below the 2010 baseline of 5.59 (a "
                    "real reduction against 2010), rising slowly."),
    "building_emissions": _potential(
        "China's office and residential buildings 2010-2030: 730亿 m2 at 14 kWh per m2 and year, residential 34% of "
        "the building CO2, office 1.18 times residential (§5.3.1).",
        BASELINE_ONLY.format("telework"),
        "Building electricity only: floor area × electricity per m2 × grid factor (§5.3.1).",
        timeframe="2010-2030 as one figure, which the teleworking table applies to each target year (§5.3.1).",
        first_order=f"{NOT_QUANTIFIED}: a baseline, no ICT solution in it.",
        quality="Averages quoted from single studies (§5.3.1: Tsinghua 2007, note 65; note 66); the printed office "
                "figure 5.27亿 t is 2.93 × 1.8, not the stated 1.18 (see the model's notes)."),
    "aviation_history": _potential(
        "Civil-aviation passenger CO2 from passenger-km (Table 5-6, 1978-2006).",
        BASELINE_ONLY.format("videoconf"), "China's civil-aviation passenger transport (Table 5-6).",
        timeframe="1978-2006 (Table 5-6).", first_order=f"{NOT_QUANTIFIED}: a baseline, no ICT solution in it.",
        quality="Passenger-km from the statistics (Table 5-6, note 77); the model computes CO2 with the aircraft "
                "assumptions of Table 5-5's note (270 passengers, 12.8 L/km, 2395.25 g/L)."),
    "videoconf": _potential(
        "Business air travel in the target year: 47%, 43% and 39% of 2660, 7210 and 14810亿 passenger-km (Table 5-5).",
        "Video conferencing replaces 4%, 15% and 37% of business air travel in 2010, 2020 and 2030 (Table 5-5).",
        "China; air travel replaced only (§5.3.2). Table 5-5 is marked 不计ICT系统排放 (the ICT system's emission "
        "is not counted); Figure 5-12 draws the inventory boundary.", timeframe=YEARS.format("Table 5-5"),
        first_order=f"{NOT_QUANTIFIED}: Table 5-5 does not count the ICT system's emission, which Figure 5-12 names.",
        higher_order="Named, not quantified: Figure 5-12 lists possibly more non-work travel, money and staff time saved "
                     "(spent either way), fewer aircraft made and airports built.",
        effect_type="Derived from the report's printed figures (Table 5-5): the business-travel baseline grows from "
                    "3.02 (2010) "
                    "to 16.82亿 t (2030) and the 2030 reduction is 6.22, leaving 10.60, above 2010: a lesser increase.",
        quality="Substitution rates are the authors' forecast (Table 5-5, note 75); the report's own inputs give a "
                "tenth of its printed figures (see `ictco2-xl reconcile`)."),
    "streetlight_trend": _potential(
        "China's street lamps on their exponential trend (Tables 5-7, 5-8; R² 0.988).",
        BASELINE_ONLY.format("streetlight_potential"), "China's urban road lamps (China Statistical Yearbook, "
                                                       "Table 5-7).",
        timeframe="2010, 2020, 2030 (Table 5-8).", first_order=f"{NOT_QUANTIFIED}: a baseline, no ICT solution in it.",
        quality="An exponential trend of twelve years of data (Table 5-7), justified by early-stage urbanisation "
                "(§5.4.2.2)."),
    "streetlight_potential": _potential(
        "Lamps on fixed timetables as before the Chongqing pilot (§4.2.3; §5.4.2.3).",
        "50%, 70% or 90% of China's street lamps remotely controlled, each saving what the Chongqing pilot's 2,000 "
        "lamps saved (1015 t), times 0.3 because lamps become more efficient (Table 5-9).",
        "China's street lamps (Table 5-9); scaled from one pilot.", timeframe=YEARS.format("Table 5-9"),
        first_order=f"{NOT_QUANTIFIED}: the pilot's table is marked 不计ICT系统排放.",
        quality="One pilot scaled nationwide; the 0.3 cut factor for more efficient lamps is the authors' (§5.4.2.3)."),
    "genset_potential": _potential(
        "Generators at China Mobile's 44万 base stations run without monitoring (§5.4.3.2).",
        "Monitoring at all base stations, one generator per 5 stations, each saving what the 55-generator pilot saved "
        "(44 t): 7.04万 t a year, more than 1% of China Mobile's 670万 t in 2008 (§5.4.3.2).",
        "China Mobile's base stations (§5.4.3.2: the count is expected to stay near 44万).",
        timeframe="2008 scale, a year (§5.4.3.2).",
        first_order=SHARED_PLATFORM,
        quality="One pilot scaled nationwide; 5 stations per generator is the authors' estimate from Chongqing "
                "(§5.4.3.2 note)."),
    "sim_payment_potential": _potential(
        "Payment in cash and cards (§4.2.4).",
        "5% of China's 2008 retail sales (108488亿 yuan) paid by SIM card: at least 4000 t (§4.2.4, note 32).",
        f"{NOT_STATED}: only the result is given (§4.2.4, note 32).", timeframe="2008 scale, a year (§4.2.4).",
        quality="A scenario share (§4.2.4: '假设其中5%'); the CO2 per yuan is not stated (back-solved from 4000 t, "
                "note 32)."),
    "banknote_production": _potential(
        "Bank notes printed in a year: currency issued in 2009 as 100-yuan notes, each a fifth of an A4 sheet at 9 g "
        "CO2 per sheet: about 5.7万 t (§4.2.4).", "None: a reference quantity for SIM payment (§4.2.4).",
        "Production of paper money only (§4.2.4: storage and transport named, not counted).",
        timeframe="A year (currency issued in 2009; §4.2.4).",
        first_order=f"{NOT_QUANTIFIED}: a baseline, no ICT solution in it.",
        quality="A rough estimate: every note counted as a 100-yuan note (§4.2.4)."),
    "headline": _potential(
        f"{NOT_STATED} for the total; the parts' references (smart logistics, dematerialisation, teleworking, video "
        "conferencing).",
        "The summary's total: smart logistics (empty running 30% to 15%), dematerialisation, teleworking and video "
        "conferencing: 12.98亿 t a year by 2030 (summary; Figure 0-1).",
        "China; the sum of the four parts' boundaries (summary; see their models).",
        timeframe=YEARS.format("summary; Figure 0-1"),
        first_order=f"{NOT_QUANTIFIED} for the total: only the smart-logistics part subtracts an own emission "
                    "(logistics__ict_own_emission_t, 51 t).",
        higher_order="Named, not quantified in the parts (Figures 5-4, 5-11, 5-12); teleworking's residential increase "
                     "is subtracted inside its part.",
        quality="Sums the four parts' scenario assumptions; video conferencing carries the tenfold discrepancy of "
                "Table 5-5 (see `ictco2-xl reconcile`)."),
}

REPORT_ASSESSMENTS: dict[str, Assessment] = {**APPENDIX, **ROLLUP, **POTENTIALS}

__all__ = ["REPORT_ASSESSMENTS"]
