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


# -- factor files load exactly what they say, or are refused one line per problem -------------------------------
GOOD = '[[factor]]\nkey = "grid_kg_per_kwh"\nvalue = 0.5\n'


@pytest.mark.parametrize("text, problems", [
    ('name = "x"\n[[factors]]\nkey = "grid_kg_per_kwh"\nvalue = 0.5\n',
     ["unknown top-level key 'factors' (did you mean 'factor'?)"]),
    ('name = "x"\nfoo = 1\n[factor]\nkey = "grid_kg_per_kwh"\nvalue = 0.5\n',
     ["unknown top-level key 'foo'", "write each factor as a [[factor]] table (two brackets), not [factor]"]),
    ("factor = 5\n", ["factor must be [[factor]] tables, got a number"]),
    ("", ["no factors: add one [[factor]] table"]),
    ('name = "x"\n', ["no factors"]),
    ('[[factor]]\nkey = "grid_kg_per_kwh"\nvaule = 0.5\n',
     ["unknown field 'vaule' (did you mean 'value'?)", "grid_kg_per_kwh value is missing"]),
    ('[[factor]]\nkey = "grid_kg_per_kwh"\nvalue = true\n', ["grid_kg_per_kwh value must be a number, got true/false"]),
    ('[[factor]]\nkey = "grid_kg_per_kwh"\nvalue = "0,5"\n', ["value must be a number (without ',' thousands separators; the decimal mark is '.'), got '0,5'"]),
    ('[[factor]]\nkey = "grid_kg_per_kwh"\nvalue = 0.5\nmodel = "streetlite"\n',
     ["model 'streetlite' is not a model (did you mean 'streetlight'?)"]),
    ('[[factor]]\nkey = "grid_kg_per_kwh"\nvalue = 0.5\nmodel = "telework"\n',
     ["model 'telework' does not use grid_kg_per_kwh; the models that use grid_kg_per_kwh are: "]),
    ('[[factor]]\nkey = "grid_kg_per_kwh"\nvalue = 0\n',
     ["grid_kg_per_kwh = 0 must be greater than 0 (the rule of input grid_kg_per_kwh, whose default it is"]),
    ('[[factor]]\nkey = "cd_kg_per_disc"\nvalue = -1\nmodel = "disc_trend"\n', ["cd_kg_per_disc = -1 must be greater than 0"]),
    ('name = 5\n' + GOOD, ["name must be text in quotes, got a number"]),
    ('base = "nope"\n' + GOOD, ["base: factor_set must be 'report', 'current'"]),
    (GOOD + GOOD, ["grid_kg_per_kwh is given twice"]),
])
def test_factor_file_mistakes_are_refused_one_line_per_problem(tmp_path, text, problems):
    path = tmp_path / "f.toml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(FactorSetError) as err:
        load_factor_set(path)
    lines = str(err.value).splitlines()
    assert len(lines) == len(problems) and all(line.startswith(str(path)) for line in lines)
    for line, problem in zip(lines, problems):
        assert problem in line


def test_non_utf8_factor_files(tmp_path):
    toml = tmp_path / "f.toml"
    toml.write_bytes('name = "电网"\n'.encode("gb18030") + GOOD.encode())
    with pytest.raises(FactorSetError, match=r"not UTF-8 text \(byte 0xB5 at byte 9\); TOML files must be saved as UTF-8"):
        load_factor_set(toml)
    csv_file = tmp_path / "gb.csv"   # a CSV saved by Excel on Chinese Windows is read (GB18030)
    csv_file.write_bytes("key,value,source\ngrid_kg_per_kwh,0.5,华北电网\n".encode("gb18030"))
    assert load_factor_set(csv_file).get("grid_kg_per_kwh").source == "华北电网"
    utf16 = tmp_path / "u16.csv"
    utf16.write_bytes("key,value\ngrid_kg_per_kwh,0.5\n".encode("utf-16"))
    assert load_factor_set(utf16).value("grid_kg_per_kwh") == 0.5
    binary = tmp_path / "bin.csv"
    binary.write_bytes(b"key,value\x00\x01")
    with pytest.raises(FactorSetError, match="not text: it holds NUL bytes"):
        load_factor_set(binary)


def test_a_file_that_is_not_a_factor_file_is_never_echoed(tmp_path):
    from ictco2_xl.excel.worksheet import build_functions
    secret = tmp_path / "accounts.csv"
    secret.write_text("user,password\nadmin,hunter2-very-secret\n", encoding="utf-8")
    keyfile = tmp_path / "keys.csv"   # parses as a factor file, but its "key" is a credential
    keyfile.write_text("key,value\nsk-live-ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789,1\n", encoding="utf-8")
    for path, hidden in ((secret, "hunter2"), (keyfile, "sk-live")):
        with pytest.raises(FactorSetError) as err:
            load_factor_set(path)
        cell = build_functions()["STREETLIGHT_REDUCTION"](factor_set=str(path))[0][0]
        for text in (str(err.value), cell):
            assert hidden not in text and "password" not in text and "admin" not in text
    assert "not a factor file" in str(err.value) or "unknown factor key (a name of" in cell


def test_a_factor_a_model_cannot_use_gives_one_line_never_an_internal_error(tmp_path, capsys):
    from ictco2_xl.cli import main
    from ictco2_xl.core import Factor, FactorSet, InputError
    from ictco2_xl.excel.worksheet import build_functions
    python_set = FactorSet("zero_grid", base=get_factor_set("report"),
                           factors={("grid_kg_per_kwh", None): Factor("grid_kg_per_kwh", 0.0, "kg CO2/kWh")})
    with pytest.raises(InputError, match=r"mms_card: factor grid_kg_per_kwh = 0 of factor set 'zero_grid' must be "
                                         r"greater than 0 \(the rule of input grid_kg_per_kwh, whose default it is\)"):
        get_model("mms_card").run(factor_set=python_set)
    path = tmp_path / "zero.toml"
    path.write_text('name = "zero"\n[[factor]]\nkey = "grid_kg_per_kwh"\nvalue = 0\n', encoding="utf-8")
    cell = build_functions()["MMS_CARD_REDUCTION"](factor_set=str(path))[0][0]
    assert "grid_kg_per_kwh = 0 must be greater than 0" in cell and "internal error" not in cell
    assert main(["factors", "--file", str(path)]) == 2
    err = capsys.readouterr().err
    assert "grid_kg_per_kwh = 0 must be greater than 0" in err and err.count("\n") == 1


def test_the_shipped_factor_sets_pass_the_loader():
    for name in ("report", "current"):
        assert len(get_factor_set(name).factors) > 5
