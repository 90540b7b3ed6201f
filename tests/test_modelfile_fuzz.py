"""Hostile model files: the loader refuses anything outside the equation language with one line per
problem, never runs code, never hangs, never fails with anything but ModelFileError."""
import math
import time
from pathlib import Path

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ictco2_xl.core.modelfile import MAX_FILE_BYTES, ModelFileError, parse_model_text

SENTINEL = Path("/tmp") / f"ictco2_fuzz_sentinel_{__name__}"


def model_text(expr: str, extra: str = "") -> str:
    """A valid model whose one step is ``expr`` (written as a TOML literal string, so any text fits)."""
    quoted = "'''" + expr + "'''" if "'''" not in expr and not expr.endswith("'") else '"' + expr.replace(
        "\\", "\\\\").replace('"', '\\"') + '"'
    return f'''id = "fuzz_model"
title = "Fuzz"
description = "Fuzz"
primary = "out_t"
{extra}
[[inputs]]
name = "a_x"
unit = "t"
default = 2

[[steps]]
name = "out_t"
unit = "t"
expr = {quoted}
'''


def refused(text: str) -> list[str]:
    started = time.perf_counter()
    with pytest.raises(ModelFileError) as info:
        parse_model_text(text, "fuzz.toml")
    assert time.perf_counter() - started < 5, "refusing must be fast"
    lines = info.value.problems
    assert lines and all("\n" not in line and line.startswith("fuzz.toml") for line in lines), lines
    return lines


@pytest.fixture(autouse=True)
def _no_sentinel():
    SENTINEL.unlink(missing_ok=True)
    yield
    assert not SENTINEL.exists(), "a model file ran code"


HOSTILE = [
    f"__import__('os').system('touch {SENTINEL}')",
    f"open('{SENTINEL}', 'w')",
    "a_x.__class__.__mro__[1].__subclasses__()",
    "a_x.real",
    "(lambda: 1)()",
    "[x for x in (1, 2)]",
    "{x: 1 for x in (1, 2)}",
    "sum(x for x in (1, 2))",
    "a_x[0]",
    "'text'",
    "f'{a_x}'",
    "b'bytes'",
    "(a_x := 1)",
    "a_x if a_x else 1",
    "a_x < 1",
    "a_x and 1",
    "not a_x",
    "~a_x",
    "a_x // 2",
    "a_x % 2",
    "a_x @ a_x",
    "a_x << 1",
    "min(a_x, b=1)",
    "max(*[a_x])",
    "exp(a_x, a_x)",
    "eval('1')",
    "exec('1')",
    "getattr(a_x, 'real')",
    "globals()",
    "__builtins__",
    "__fn_exp(a_x)",
    "__k0",
    "True",
    "None",
    "1j",
    "...",
    "a_x; 1",
    "import os",
    "a_x\nimport os",
    "yield a_x",
    "await a_x",
    "1" + "0" * 400,          # a constant beyond float range
    "(" * 300 + "a_x" + ")" * 300,
    "-" * 5000 + "a_x",
    " + ".join(["a_x"] * 5000),
    "a_x" + " + 1" * 3000,
    "ｍin(a_x, 1)",             # unicode look-alike of a function (NFKC would make it 'min')
    "a_x + 日本",
    "a_x + é",
    "growth(a_x, 1)",
]


@pytest.mark.parametrize("expr", HOSTILE, ids=[f"{i}:{e[:30]!r}" for i, e in enumerate(HOSTILE)])
def test_hostile_expressions_are_refused_in_one_line_without_running(expr):
    lines = refused(model_text(expr))
    assert any("steps[1] 'out_t' expr" in line for line in lines), lines


def test_huge_exponents_and_divisions_by_zero_evaluate_at_numpy_speed_to_inf():
    for expr, expected in (("10 ** 10 ** 10", math.inf), ("a_x ** 9 ** 9 ** 9", math.inf), ("1 / 0", math.inf),
                           ("a_x / (a_x - 2)", math.inf), ("-(10 ** 400.0)", -math.inf)):
        m = parse_model_text(model_text(expr), "fuzz.toml")
        started = time.perf_counter()
        assert m.run().primary == expected
        assert time.perf_counter() - started < 1


@pytest.mark.parametrize("text, rule", [
    ("x = " + "[" * 5000 + "]" * 5000, "not valid TOML"),
    ("a" * (MAX_FILE_BYTES + 1), "a model file may have at most"),
    ('id = "x"\n' + "[[inputs]]\nname = \"a_x\"\nunit = \"t\"\ndefault = 1\n" * 600, "inputs: has 600 entries"),
    (model_text("a_x", extra='title_zh = "' + "长" * 5000 + '"'), "is 5,000 characters long"),
    (model_text("a_x", extra='title_zh = "a\\u0000b"'), "contains a control character"),
    (model_text("a_x").replace('name = "a_x"', 'name = "日本_x"'), "must be lower-case letters"),
    (model_text("a_x").replace('name = "a_x"', 'name = "' + "a" * 61 + '"'), "at most 60 characters"),
    (model_text("a_x").replace('default = 2', 'default = nan'), "must be a finite number"),
    (model_text("a_x").replace('default = 2', 'default = inf'), "must be a finite number"),
    (model_text("a_x").replace('default = 2', 'default = true'), "must be a finite number"),
    (model_text("a_x").replace('default = 2', 'default = "2"'), "must be a finite number"),
    (model_text("a_x").replace('id = "fuzz_model"', 'id = "Fuzz Model"'), "id: must be a lower-case identifier"),
    (model_text("a_x").replace('unit = "t"\nexpr', 'unit = ["t"]\nexpr'), "unit: must be text"),
    ("\x00\x01\x02", "not valid TOML"),
])
def test_hostile_files_are_refused_in_one_line(text, rule):
    lines = refused(text)
    assert any(rule in line for line in lines), lines


# -- property tests ---------------------------------------------------------------------------------------

TOKENS = st.sampled_from(["a_x", "1", "2.5", "1e308", "0", "+", "-", "*", "/", "**", "(", ")", "exp(", "ln(",
                          "min(", "max(", ",", " ", ".", "[", "]", "'", "lambda", ":", "import", "__", "if",
                          "x", "é", "\\", "\n", "#", "=", "{", "}"])


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(TOKENS, max_size=40).map("".join))
def test_any_token_soup_either_loads_and_evaluates_or_is_refused_in_one_line_each(expr):
    try:
        m = parse_model_text(model_text(expr), "fuzz.toml")
    except ModelFileError as exc:
        assert exc.problems and all("\n" not in line for line in exc.problems)
        return
    value = m.run(a_x=np.array([0.5, 2.0]))["out_t"]
    assert np.shape(value) == (2,)


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=300))
def test_any_text_as_a_model_file_fails_only_with_model_file_error(text):
    try:
        parse_model_text(text, "fuzz.toml")
    except ModelFileError as exc:
        assert all("\n" not in line for line in exc.problems)


@settings(max_examples=200, deadline=None)
@given(st.dictionaries(st.sampled_from(["name", "unit", "default", "min", "max", "uncertainty", "integer", "factor",
                                        "label", "bogus"]),
                       st.one_of(st.none(), st.booleans(), st.integers(), st.floats(), st.text(max_size=20),
                                 st.dictionaries(st.sampled_from(["distribution", "low", "high", "peak", "sd"]),
                                                 st.one_of(st.floats(), st.text(max_size=10)), max_size=4)),
                       max_size=8))
def test_any_input_table_loads_or_is_refused_in_one_line_each(raw):
    import tomllib  # noqa: F401  (the text below must stay TOML: build it from values TOML can hold)

    def toml_value(v):
        if v is None:
            return None
        if isinstance(v, bool):
            return "true" if v else "false"
        if isinstance(v, float):
            return "nan" if v != v else ("inf" if v == math.inf else "-inf" if v == -math.inf else repr(v))
        if isinstance(v, int):
            return str(v)
        if isinstance(v, str):
            return '"' + v.encode("unicode_escape").decode("ascii").replace('"', '\\"') + '"'
        return "{ " + ", ".join(f"{k} = {toml_value(x)}" for k, x in v.items() if toml_value(x) is not None) + " }"

    body = "".join(f"{k} = {toml_value(v)}\n" for k, v in raw.items() if toml_value(v) is not None)
    text = model_text("1").replace('[[inputs]]\nname = "a_x"\nunit = "t"\ndefault = 2\n', "[[inputs]]\n" + body)
    try:
        parse_model_text(text, "fuzz.toml")
    except ModelFileError as exc:
        assert all("\n" not in line for line in exc.problems)
