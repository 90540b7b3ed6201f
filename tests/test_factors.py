import pytest

from ictco2_xl.core import FactorSetError, get_factor_set, get_model, load_factor_set
from ictco2_xl.core.factors import FACTOR_KEYS


def test_builtin_sets_cover_every_key_with_provenance():
    for name in ("report", "current"):
        fs = get_factor_set(name)
        keys = {f.key for f in fs.entries()}
        assert keys == set(FACTOR_KEYS), name
        for f in fs.entries():
            assert f.unit == FACTOR_KEYS[f.key][0] and f.source and f.year and f.status, f


def test_report_set_marks_what_its_arithmetic_implies():
    fs = get_factor_set("report")
    assert fs.get("grid_kg_per_kwh").value == 0.8665 and fs.get("grid_kg_per_kwh").status == "stated"
    implied = fs.get("grid_kg_per_kwh", "streetlight")
    assert implied.value == 0.834 and implied.status == "implied" and "0.8665" in implied.note
    assert fs.get("grid_kg_per_kwh", "urban_management").value == 0.8665


def test_current_set_values():
    fs = get_factor_set("current")
    assert fs.value("grid_kg_per_kwh") == 0.5306
    assert fs.value("diesel_kg_per_l") == pytest.approx(74100 * 43.0e-3 * 0.844 / 1000, rel=1e-4)
    assert fs.value("diesel_embodied_multiplier") == 1.0
    assert fs.value("grid_kg_per_kwh", "streetlight") == 0.5306   # no model-specific entries


def test_running_under_current_restates_the_report_case():
    report = get_model("streetlight").run()
    current = get_model("streetlight").run(factor_set="current")
    assert current.inputs["grid_kg_per_kwh"] == 0.5306
    assert current["lighting_before_t"] == pytest.approx(report["lighting_before_t"] * 0.5306 / 0.834)
    assert all(u.name != "grid_kg_per_kwh" for u in current.implied)


def test_the_stated_grid_factor_gives_what_the_notes_say():
    """The report-set notes quote what 0.8665 would give; keep them true."""
    checks = [("self_service", "reduction_t", 3415.6, 0.05), ("mobile_newspaper", "reduction_t", 454.6, 0.05),
              ("mms_flyer", "reduction_t", 108.7015, 0.0001), ("einvoice", "reduction_t", 327.3630, 0.0001),
              ("music_download", "reduction_t", 0.7397, 0.0001), ("newsletter", "reduction_t", 22.0974, 0.0001),
              ("mms_card", "ict_own_emission_t", 0.621, 0.0005)]
    for mid, out, value, tol in checks:
        assert get_model(mid).run(grid_kg_per_kwh=0.8665)[out] == pytest.approx(value, abs=tol), mid


def test_load_toml_and_csv(tmp_path):
    toml = tmp_path / "southwest.toml"
    toml.write_text('name = "southwest"\nbase = "current"\n[[factor]]\nkey = "grid_kg_per_kwh"\nvalue = 0.2472\n'
                    'unit = "kg CO2/kWh"\nyear = "2023"\nsource = "MEE/NBS 2023 Southwest"\n', encoding="utf-8")
    fs = load_factor_set(toml)
    assert fs.value("grid_kg_per_kwh") == 0.2472 and fs.value("diesel_kg_per_l") == pytest.approx(2.6892)
    assert get_model("streetlight").run(factor_set="southwest").inputs["grid_kg_per_kwh"] == 0.2472
    csv_file = tmp_path / "mine.csv"
    csv_file.write_text("key,value,unit,source\ngasoline_kg_per_l,2.3,kg CO2/L,own measurement\n", encoding="utf-8")
    fs = load_factor_set(csv_file)
    assert fs.name == "mine" and fs.value("gasoline_kg_per_l") == 2.3 and fs.value("grid_kg_per_kwh") == 0.8665


@pytest.mark.parametrize("text, message", [
    ("key,value\nnope,1\n", "unknown factor key 'nope'"),
    ("key,value,unit\ngrid_kg_per_kwh,0.5,g/kWh\n", "must be in 'kg CO2/kWh'"),
    ("key,value\ngrid_kg_per_kwh,abc\n", "value must be a number"),
    ("key,value\ngrid_kg_per_kwh,-1\n", "grid_kg_per_kwh = -1 must be greater than 0"),
    ("key,value\ngrid_kg_per_kwh,1\ngrid_kg_per_kwh,2\n", "given twice"),
    ("a,b\n1,2\n", "must name the columns key,value"),
])
def test_bad_factor_files_are_rejected_with_a_clear_message(tmp_path, text, message):
    path = tmp_path / "bad.csv"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(FactorSetError, match=message):
        load_factor_set(path)


def test_unknown_set_and_reserved_names(tmp_path):
    with pytest.raises(FactorSetError, match="factor_set must be 'report', 'current'"):
        get_model("streetlight").run(factor_set="nope")
    path = tmp_path / "x.toml"
    path.write_text('name = "report"\n', encoding="utf-8")
    with pytest.raises(FactorSetError, match="reserved"):
        load_factor_set(path)
    with pytest.raises(FactorSetError, match="not found"):
        load_factor_set(tmp_path / "missing.csv")
