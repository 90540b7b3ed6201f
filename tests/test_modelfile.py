"""Models from a file: the format, the rules (each problem one line naming file, line, key and rule), factor
keys as inputs, registration, and the same Model the report's models are."""
import re
from pathlib import Path

import numpy as np
import pytest

import ictco2_xl as ix
from ictco2_xl.core.analysis.restatement import restate
from ictco2_xl.core.modelfile import ModelFileError, check_models, load_model, load_models, parse_model_text
from ictco2_xl.core.models import USER_MODELS, get_model

ROOT = Path(__file__).resolve().parents[1]
EXAMPLES = ROOT / "workbooks" / "models"

# The issue's minimal file, completed with the three inputs its equation uses.
MINIMAL = '''
id = "remote_meter_reading"            # lower-case identifier, unique
function = "METER_READING_REDUCTION"   # worksheet function name (optional; default: ID in upper case)
title = "Remote meter reading"
description = "CO2 cut by reading meters remotely instead of visiting them by car."
primary = "reduction_t"

[[inputs]]
name = "meters"
label = "Meters read remotely"
unit = "meters"
default = 20000
min = 0                 # optional bounds, inclusive; default 0 and no maximum
max = 10000000
source = "Utility records"
uncertainty = { distribution = "uniform", low = 18000, high = 22000 }   # optional

[[inputs]]
name = "visits_per_meter_year"
unit = "visits/yr"
default = 4

[[inputs]]
name = "km_per_visit"
unit = "km"
default = 3

[[inputs]]
name = "gasoline_l_per_km"
unit = "L/km"
default = 0.08

[[steps]]
name = "reduction_t"
expr = "meters * visits_per_meter_year * km_per_visit * gasoline_l_per_km * gasoline_kg_per_l / 1000"
unit = "t CO2/yr"

[assessment]            # see below
reference_scenario = "Meters read on site by staff driving petrol cars"
'''


def write(tmp_path, text, name="model.toml") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def problems(text, origin="m.toml") -> list[str]:
    with pytest.raises(ModelFileError) as info:
        parse_model_text(text, origin)
    lines = info.value.problems
    assert all("\n" not in line and line.startswith(origin) for line in lines), lines
    return lines


def replaced(old, new, text=MINIMAL) -> str:
    assert old in text
    return text.replace(old, new)


# -- the format ------------------------------------------------------------------------------------------

def test_the_issues_minimal_file_loads_into_the_same_kind_of_model_and_runs_vectorised(tmp_path):
    m = load_model(write(tmp_path, MINIMAL))
    assert isinstance(m, ix.Model) and m.kind == "user" and get_model("METER_READING_REDUCTION") is m
    gasoline = ix.get_factor_set("report").value("gasoline_kg_per_l")
    meters = np.array([1000.0, 20000.0, 5e5])
    got = m.run(meters=meters)["reduction_t"]
    np.testing.assert_allclose(got, meters * 4 * 3 * 0.08 * gasoline / 1000, rtol=1e-15)
    assert m.run().primary == pytest.approx(20000 * 4 * 3 * 0.08 * gasoline / 1000, rel=1e-15)
    assert ix.functions.meter_reading_reduction(meters=[1000]) == pytest.approx(got[:1])


def test_a_factor_key_in_an_equation_is_an_input_whose_default_follows_the_factor_set(tmp_path):
    m = load_model(write(tmp_path, MINIMAL))
    inp = m.input("gasoline_kg_per_l")
    assert inp.factor == "gasoline_kg_per_l" and inp.unit == "kg CO2/L" and inp.uncertainty is not None
    report, current = m.run(factor_set="report"), m.run(factor_set="current")
    ratio = ix.get_factor_set("current").value("gasoline_kg_per_l") / ix.get_factor_set("report").value(
        "gasoline_kg_per_l")
    assert current.primary == pytest.approx(report.primary * ratio, rel=1e-12)
    row = restate("current").set_index("case").loc["remote_meter_reading"]
    assert row.restated == pytest.approx(current.primary) and "gasoline_kg_per_l" in row.factors_changed
    assert m.run(gasoline_kg_per_l=3.0).primary == pytest.approx(report.primary * 3.0 / report.inputs[
        "gasoline_kg_per_l"])


def test_steps_may_come_in_any_order_and_the_extensions_load(tmp_path):
    text = replaced('[assessment]', '''[[steps]]
name = "km_t"
expr = "meters * km_per_visit"
unit = "km"

[[functions]]
name = "METER_KM"
step = "km_t"
description = "Kilometres"

[scenarios.small]
meters = 100

[assessment]''').replace('expr = "meters * visits_per_meter_year', 'expr = "km_t / km_per_visit * 0 + meters * visits_per_meter_year')
    m = load_model(write(tmp_path, text))
    assert [s.name for s in m.steps] == ["km_t", "reduction_t"]
    assert [f.name for f in m.worksheet_functions()] == ["METER_READING_REDUCTION", "METER_KM"]
    assert m.scenarios == {"small": {"meters": 100.0}}


def test_a_folder_loads_every_file_and_reloading_a_file_replaces_its_model(tmp_path):
    models = load_model(EXAMPLES)
    assert sorted(m.id for m in models) == ["remote_meter_reading", "video_meetings"]
    path = write(tmp_path, MINIMAL.replace('id = "remote_meter_reading"', 'id = "meter_b"').replace(
        'function = "METER_READING_REDUCTION"', 'function = "METER_B"'))
    first = load_model(path)
    path.write_text(path.read_text().replace("default = 20000", "default = 10"), encoding="utf-8")
    second = load_model(path)
    assert USER_MODELS["meter_b"] is second is not first and second.input("meters").default == 10


def test_check_models_validates_without_registering():
    models = check_models(EXAMPLES / "video_meetings.toml")
    assert [m.id for m in models] == ["video_meetings"] and "video_meetings" not in USER_MODELS


# -- the rules: one line per problem, with file, line, key and rule ---------------------------------------------

@pytest.mark.parametrize("old, new, expected", [
    ('expr = "meters * visits_per_meter_year', 'expr = "meters * visits_per_metre_year',
     r"m\.toml:\d+: steps\[1\] 'reduction_t' expr: unknown name 'visits_per_metre_year' \(did you mean "
     r"'visits_per_meter_year'\?\)"),
    ('unit = "km"\n', '\n', r"m\.toml:\d+: inputs\[3\] 'km_per_visit' unit: is required"),
    ("default = 20000", "default = 20000000", r"m\.toml:\d+: inputs\[1\] 'meters' default: 20000000 is outside its "
                                              r"bounds \(must be between 0 and 1e\+07\)"),
    ('name = "km_per_visit"', 'name = "meters"', r"m\.toml:\d+: inputs\[3\] 'meters' name: duplicate name 'meters' "
                                                 r"\(also inputs\[1\]\)"),
    ('distribution = "uniform"', 'distribution = "lognormal"',
     r"m\.toml:\d+: inputs\[1\] 'meters' uncertainty: unknown distribution 'lognormal'; distributions are: uniform, "
     r"triangular, normal, fixed"),
    ("low = 18000, high = 22000", "low = 18000, high = 2e8",
     r"m\.toml:\d+: inputs\[1\] 'meters': uncertainty range uniform 18000–2e\+08 leaves the valid range"),
    ('name = "km_per_visit"', 'name = "ab12"', r"m\.toml:\d+: inputs\[3\] 'ab12' name: reads as a spreadsheet cell "
                                               r"reference"),
    ('title = "Remote meter reading"', 'title = "Remote"\ncolour = "red"',
     r"m\.toml:\d+: colour: unknown key; keys are: id, function"),
    ('primary = "reduction_t"', 'primary = "reduction"', r"m\.toml:\d+: primary: must name a step"),
    ('reference_scenario = "Meters', 'first_order = "own_t"\nreference_scenario = "Meters',
     r"m\.toml:\d+: assessment\.first_order: 'own_t' names no input or step"),
    ('reference_scenario = "Meters', 'first_order = "meters"\nreference_scenario = "Meters',
     r"m\.toml:\d+: assessment\.first_order: 'meters' is in 'meters' but the primary result 'reduction_t' is in "
     r"'t CO2/yr'"),
    ('expr = "meters * visits_per_meter_year', 'expr = "meters.real * visits_per_meter_year',
     r"m\.toml:\d+: steps\[1\] 'reduction_t' expr: attribute access 'meters\.real' is not allowed"),
    ('title = "Remote meter reading"', 'title = "Remote meter reading',
     r"m\.toml: not valid TOML: .*\(at line 4, column \d+\)"),
])
def test_each_rule_gives_one_line_naming_file_line_key_and_rule(old, new, expected):
    lines = problems(replaced(old, new))
    assert any(re.match(expected, line) for line in lines), lines


@pytest.mark.parametrize("old, new, expected", [
    ('function = "METER_READING_REDUCTION"', 'function = "LOGISTICS_REDUCTION"',
     "worksheet function LOGISTICS_REDUCTION is already model fleet_management's"),
    ('id = "remote_meter_reading"', 'id = "fleet_management"', "id 'fleet_management' is one of the report's models"),
    ('function = "METER_READING_REDUCTION"', 'function = "ICTCO2_MINE"', "uses the reserved prefix ICTCO2_"),
])
def test_a_clash_with_another_model_is_refused_when_checking_or_loading(tmp_path, old, new, expected):
    path = write(tmp_path, replaced(old, new))
    for action in (check_models, load_models):
        with pytest.raises(ModelFileError) as info:
            action(path)
        (line,) = info.value.problems
        assert line.startswith(f"{path}: ") and expected in line
    assert not USER_MODELS


def test_a_cycle_is_named_with_its_steps():
    text = replaced("[assessment]", '''[[steps]]
name = "a_t"
expr = "b_t + 1"
unit = "t"

[[steps]]
name = "b_t"
expr = "a_t * 2"
unit = "t"

[assessment]''')
    (line,) = [p for p in problems(text) if "cycle" in p]
    assert re.match(r"m\.toml:\d+: steps\[2\] 'a_t' expr: cycle: a_t -> b_t -> a_t$", line)


def test_every_problem_of_a_file_is_reported_at_once_in_the_order_of_its_lines():
    text = replaced("default = 20000", "default = -1").replace('unit = "km"\n', "\n").replace(
        "gasoline_kg_per_l", "petrol_kg")
    lines = problems(text)
    numbers = [int(re.match(r"m\.toml:(\d+):", p).group(1)) for p in lines]
    assert len(lines) == 3 and numbers == sorted(numbers)


def test_one_bad_input_is_not_also_an_unknown_name():
    lines = problems(replaced("default = 20000", "default = -5"))
    assert len(lines) == 1 and "outside its bounds" in lines[0]


def test_files_the_loader_cannot_read_are_one_line_each(tmp_path):
    (tmp_path / "empty").mkdir()
    bad = tmp_path / "latin1.toml"
    bad.write_bytes('title = "caf\xe9"'.encode("latin-1"))
    with pytest.raises(ModelFileError) as info:
        load_models(tmp_path / "empty", bad, tmp_path / "missing.toml")
    assert [p.split(": ", 1)[1] for p in info.value.problems] == [
        "no .toml model files in this folder", "not UTF-8 text (invalid continuation byte at byte 12)",
        "no such file or folder"]
    assert not USER_MODELS


def test_nothing_is_registered_unless_every_file_loads(tmp_path):
    good = write(tmp_path, MINIMAL, "good.toml")
    bad = write(tmp_path, replaced("default = 20000", "default = -1"), "bad.toml")
    with pytest.raises(ModelFileError):
        load_models(good, bad)
    assert not USER_MODELS


def test_two_files_with_one_id_are_refused(tmp_path):
    a = write(tmp_path, MINIMAL, "a.toml")
    b = write(tmp_path, MINIMAL.replace("METER_READING_REDUCTION", "OTHER_NAME"), "b.toml")
    with pytest.raises(ModelFileError, match="is also the id of"):
        load_models(a, b)
    load_models(a)
    with pytest.raises(ModelFileError, match="already loaded from"):
        load_models(b)


def test_a_chain_too_long_for_a_spreadsheet_formula_is_refused():
    steps = "".join(f'[[steps]]\nname = "s{k}_t"\nexpr = "s{k - 1}_t + s{k - 1}_t"\nunit = "t"\n\n' for k in range(1, 16))
    text = replaced("[assessment]", '[[steps]]\nname = "s0_t"\nexpr = "meters"\nunit = "t"\n\n' + steps + "[assessment]")
    text = text.replace('primary = "reduction_t"', 'primary = "s15_t"')
    (line,) = problems(text)
    assert "spreadsheets accept 8,192" in line and "'s15_t'" in line
