import numpy as np
import pytest

from ictco2_xl.core.definitions import DataSeries
from ictco2_xl.core.errors import DefinitionError
from ictco2_xl.core.expr import Expression, format_number


def test_evaluates_with_numpy_and_broadcasts():
    e = Expression("a * b / 1000 - exp(-c)")
    out = e.evaluate({"a": np.array([1.0, 2.0]), "b": 3000.0, "c": 0.0})
    np.testing.assert_allclose(out, [2.0, 5.0])
    assert e.names == {"a", "b", "c"}


@pytest.mark.parametrize("source", ["a ^ b", "a if b else c", "a.b", "__import__('os')", "a[0]", "f(a)",
                                    "lambda: 1", "a < b", "'text'", "min(a)", "growth(1, a)"])
def test_rejects_anything_outside_the_whitelist(source):
    with pytest.raises(DefinitionError):
        Expression(source)


@pytest.mark.parametrize("source, excel", [
    ("a * b / 1000", "a*b/1000"),
    ("a - (b - c)", "a-(b-c)"),
    ("a / (b * c)", "a/(b*c)"),
    ("(a + b) * c", "(a+b)*c"),
    ("-a ** 2", "-(a^2)"),           # Excel: -a^2 = (-a)^2, so the power must be bracketed
    ("(-a) ** 2", "(-a)^2"),
    ("a ** b ** c", "a^(b^c)"),       # Python's ** is right-associative, Excel's ^ left-associative
    ("(1 + g) ** (y - 2008)", "(1+g)^(y-2008)"),
    ("1 / (1 - e0) - 1 / (1 - e1)", "1/(1-e0)-1/(1-e1)"),
    ("ln(x) + exp(y)", "LN(x)+EXP(y)"),
    ("0.00941 * n", "0.00941*n"),
    ("1e-05 * n", "1E-05*n"),
])
def test_renders_excel_with_correct_precedence(source, excel):
    assert Expression(source).to_excel() == excel


def test_excel_rendering_keeps_values_for_random_inputs():
    """The Excel text, read back as Python (^ -> **, functions mapped), evaluates to the same numbers."""
    rng = np.random.default_rng(1)
    for source in ["-a ** 2 + b", "a ** b ** c", "a - b - c", "a / b / c", "-(a - b) * c", "a - -b"]:
        e = Expression(source)
        env = {k: rng.uniform(0.5, 2.0) for k in "abc"}
        back = e.to_excel().replace("^", "**")
        # In Python, unary minus binds looser than **; Excel text brackets powers explicitly, so
        # only left-associativity of ^ matters, which the brackets make explicit as well.
        assert np.isclose(eval(back, {}, env), e.evaluate(env)), source


def test_series_functions_render_to_excel_table_names():
    assert Expression("growth(lamp_history, target_year)").to_excel() == \
        "GROWTH(lamp_history_y,lamp_history_x,target_year)"
    assert Expression("logest_r2(lamp_history)").to_excel() == "INDEX(LOGEST(lamp_history_y,lamp_history_x,TRUE,TRUE),3,1)"
    assert Expression("linear_trend(d_t, y_x)").to_excel() == "FORECAST(y_x,d_t_y,d_t_x)"


def test_growth_matches_a_direct_loglinear_fit():
    s = DataSeries("s_x", (1, 2, 3, 4), (2.0, 4.0, 8.0, 16.0), "x", "y", "u", "test")
    out = Expression("growth(s_x, t_y)").evaluate({"s_x": s, "t_y": np.array([5.0, 6.0])})
    np.testing.assert_allclose(out, [32.0, 64.0])
    assert Expression("logest_r2(s_x)").evaluate({"s_x": s}) == pytest.approx(1.0)


def test_rename_substitutes_names_and_tables_not_functions():
    e = Expression("growth(tbl_a, x_y) * exp(x_y)").rename({"tbl_a": "p__tbl_a", "x_y": "p__x_y", "exp": "nope"})
    assert e.source == "growth(p__tbl_a, p__x_y) * exp(p__x_y)"


def test_format_number():
    assert format_number(6000.0) == "6000"
    assert format_number(0.834) == "0.834"
    assert format_number(1.2e-7) == "1.2E-07"


def test_every_model_equation_renders_to_excel_and_text(model):
    for step in model.steps:
        formula = step.expr.to_excel()
        assert formula and "**" not in formula and "__fn_" not in formula
        assert step.expr.to_text()


def test_every_model_equation_gives_the_bits_of_plain_numpy_and_writes_into_an_array_alike():
    # Constants are numpy float64 scalars and the last operation may write into the result array (``out=``):
    # over arrays both must give exactly what the equation written as plain numpy with Python constants gives
    # (x ** 2 stays a square, no operation is reordered), so the templates, the hand-written benchmark
    # baseline and the models agree bit for bit.
    from ictco2_xl.core.expr import FUNCTIONS
    from ictco2_xl.core.models import MODELS

    rng = np.random.default_rng(7)
    plain_scope = {name: f.numpy for name, f in FUNCTIONS.items()}
    checked = 0
    for model in MODELS.values():
        tables = {d.name: d for d in model.data}
        for step in model.steps:
            e = step.expr
            env = {n: rng.uniform(0.5, 2.0, 257) for n in e.names}
            env.update({n: tables[n] for n in e.series})
            with np.errstate(all="ignore"):
                got = e.evaluate(env)
                plain = eval(e.source, dict(plain_scope), dict(env))  # noqa: S307 - the model's own equation
                out = np.empty(np.shape(got))
                into = e.evaluate_into(dict(env), out)
            assert np.array_equal(got, plain, equal_nan=True), (model.id, step.name)
            if into:
                assert np.array_equal(out, got, equal_nan=True), (model.id, step.name)
            checked += 1
    assert checked > 150  # every step of every bundled model


def test_parsing_a_hostile_equation_warns_nothing(recwarn):
    """Python's parser warns about an escape sequence in a string; a refused equation says it once, in its error."""
    from ictco2_xl.core.errors import DefinitionError
    from ictco2_xl.core.expr import Expression
    with pytest.raises(DefinitionError):
        Expression("'\\#' + a")
    assert not [w for w in recwarn if issubclass(w.category, (SyntaxWarning, DeprecationWarning))]
