"""The ITU-T L.1480 / WBCSD assessment record of the report's models: every item stated from the report
(cited) or marked as not stated, consistent with the net report, and the net effect read from it."""
import re

import numpy as np
import pytest

from ictco2_xl.core.analysis.net import SOLUTIONS, _own_name, completeness_table
from ictco2_xl.core.assessment import (DERIVED, ITEM_KEYS, ITEMS, MISSING, NOT_QUANTIFIED, NOT_STATED, PRESENT,
                                       Assessment, completeness, named, net_definition, status)
from ictco2_xl.core.models import MODELS
from ictco2_xl.core.models.assessments import SOURCE

CITES = re.compile(r"§|Table|Appendix|Figure|summary|chapter|note \d")


def test_every_report_model_has_a_full_record_from_the_report(model):
    rec = model.assessment
    assert isinstance(rec, Assessment) and rec.source == SOURCE
    for key in ITEM_KEYS:
        assert rec.get(key).strip(), f"{model.id}: {key} is empty"


def test_what_the_record_states_cites_the_report_and_what_it_cannot_is_marked(model):
    rec = model.assessment
    for item in ITEMS:
        value, st = rec.get(item.key), status(model, item.key)
        if st == MISSING:
            assert value.startswith((NOT_STATED, NOT_QUANTIFIED)), f"{model.id}.{item.key}: {value}"
        elif st == DERIVED:
            assert value.startswith("Derived from the report's") and re.search(r"\d", value) and CITES.search(value)
        elif item.key not in ("separate_reporting", "first_order") and value not in {s.name for s in model.steps}:
            assert CITES.search(value) or value.startswith("None: "), f"{model.id}.{item.key} cites nothing: {value}"


def test_named_footprints_and_effects_exist_and_agree_with_the_net_report():
    for sol in SOLUTIONS:
        model = MODELS[sol.model]
        if sol.reduction is None:   # the solution reports the model's primary result, as the record does
            assert _own_name(sol, model) == named(model, "first_order"), sol.key
            assert sol.rebound == named(model, "higher_order"), sol.key


def test_the_tables_marked_not_counting_the_ict_system_say_so():
    marked = {"fleet_management", "genset_monitoring", "urban_management", "rural_egov", "streetlight", "sim_card"}
    for mid in marked:
        assert "不计ICT系统排放" in MODELS[mid].assessment.boundary, mid
    assert "不计ICT系统排放" in MODELS["videoconf"].assessment.boundary
    for mid in {m.id for m in MODELS.values() if m.kind == "appendix"} - marked:
        assert "不计ICT系统排放" not in MODELS[mid].assessment.boundary, mid


def test_the_net_effect_follows_from_the_record_and_the_equations():
    assert net_definition(MODELS["fleet_management"]).expression.source == "reduction_t - ict_own_emission_t"
    card = net_definition(MODELS["mms_card"])
    assert card.own_subtracted and card.expression.source == "reduction_t"
    telework = net_definition(MODELS["telework"])
    assert telework.expression is None and telework.rebound == "residential_increase_t" and telework.rebound_subtracted
    assert net_definition(MODELS["enablement"]).expression is None      # a ratio has no net
    china = net_definition(MODELS["china_mobile"])
    res = MODELS["china_mobile"].run()
    assert china.expression.evaluate({**res.inputs, **res}) == pytest.approx(res["china_mobile_t"] -
                                                                           res.inputs["own_emission_t"])


def test_the_completeness_table_covers_every_model():
    table = completeness_table(draws=500, seed=0).set_index("model")
    assert list(table.index) == list(MODELS)
    for mid, row in table.iterrows():
        st = completeness(MODELS[mid])
        assert [row[k] for k in ITEM_KEYS] == [st[k] for k in ITEM_KEYS]
        assert row.present == f"{sum(v != MISSING for v in st.values())}/{len(ITEMS)}"
        assert np.isfinite(row.net_t) == (net_definition(MODELS[mid]).expression is not None)
        if np.isfinite(row.net_t):
            assert row.net_p5 <= row.net_p95
    assert table.loc["fleet_management", "first_order"] == PRESENT
    assert table.loc["genset_monitoring", "first_order"] == MISSING
    assert table.loc["logistics_potential", "effect_type"] == DERIVED
