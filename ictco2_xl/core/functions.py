"""One plain Python function per worksheet function, generated from the model definitions.

``logistics_reduction(tonnage_100t=..., factor_set="current")`` is ``=LOGISTICS_REDUCTION(...)`` in
Excel: same name (lower case), same argument order, same defaults, same result.
"""
from __future__ import annotations

import inspect

from .definitions import YearSeries
from .model import WorksheetFunction
from .models import MODELS, USER_MODELS


def _doc(fn: WorksheetFunction) -> str:
    lines = [fn.description, "", f"Model ``{fn.model.id}`` ({fn.model.section}); result: {fn.output} "
             f"[{fn.unit}].", "", "Parameters", "----------"]
    for a in fn.args:
        if a.factor:
            default = f"from the factor set ({a.factor})"
        elif isinstance(a.default, YearSeries):
            default = a.default.describe()
        elif hasattr(a.default, "description"):
            default = a.default.description
        else:
            default = f"{a.default:g}"
        lines += [f"{a.name} : float or array [{a.unit}]", f"    {a.label} ({a.label_zh}). Default: {default}. "
                  f"{a.bounds.rule().capitalize()}. Source: {a.source}."]
    lines += ["factor_set : str", "    'report' (default), 'current' or the name of a loaded set."]
    return "\n".join(lines)


def make_function(fn: WorksheetFunction):
    model, output = fn.model, fn.output
    names = [a.name for a in fn.args]

    def function(*args, factor_set=None, **kwargs):
        if len(args) > len(names):
            raise TypeError(f"{fn.python_name} takes at most {len(names)} positional arguments")
        for name, value in zip(names, args):
            if name in kwargs:
                raise TypeError(f"{fn.python_name}: {name} given twice")
            kwargs[name] = value
        kwargs = {k: v for k, v in kwargs.items() if v is not None}  # None means "use the default"
        unknown = set(kwargs) - set(names)
        if unknown:
            raise TypeError(f"{fn.python_name}: unexpected argument(s) {sorted(unknown)}; arguments are {names}")
        return model.run(kwargs, factor_set)[output]

    function.__name__ = function.__qualname__ = fn.python_name
    function.__doc__ = _doc(fn)
    params = [inspect.Parameter(n, inspect.Parameter.POSITIONAL_OR_KEYWORD, default=None) for n in names]
    params.append(inspect.Parameter("factor_set", inspect.Parameter.KEYWORD_ONLY, default="report"))
    function.__signature__ = inspect.Signature(params)
    function.worksheet_function = fn
    return function


FUNCTIONS = {fn.name: make_function(fn) for m in MODELS.values() for fn in m.worksheet_functions()}
globals().update({f.__name__: f for f in FUNCTIONS.values()})
__all__ = [f.__name__ for f in FUNCTIONS.values()]


def __getattr__(name: str):
    """A loaded user model's function, e.g. ``functions.meter_reading_reduction`` (made when asked, so a
    model loaded after import is found, and a reloaded file gives its new definition)."""
    for m in USER_MODELS.values():
        for fn in m.worksheet_functions():
            if fn.python_name == name:
                return make_function(fn)
    raise AttributeError(f"module {__name__!r} has no function {name!r}")
