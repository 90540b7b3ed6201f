"""Excel worksheet functions through xlwings: one per model output (the report's and the user's models from the
configured models folder), plus ICTCO2_RUN, ICTCO2_FACTOR, ICTCO2_MODELS, ICTCO2_VERSION and ICTCO2_PERCENTILE,
in the Function Wizard category "ICT CO2".

Classic add-in (Windows): set "UDF Modules" to ``ictco2_xl.udfs`` and click Import Functions
(``ictco2-xl excel-config`` writes the settings). xlwings Lite and xlwings Server: import the functions
into ``main.py`` (``ictco2-xl lite --out DIR`` writes it). The same decorated functions serve all three;
what they compute, their names, help texts and array rules come from ``ictco2_xl.excel.worksheet`` and,
through it, from the model definitions.
"""
from __future__ import annotations

try:
    from xlwings import arg, func, ret
except ImportError:  # without xlwings the functions still work from Python and in calculation engines
    def func(f=None, **options):
        return f if f is not None else (lambda g: g)

    def arg(name, convert=None, **options):
        return lambda f: f

    def ret(convert=None, **options):
        return lambda f: f

from .usermodels import all_functions, load_configured_models
from .worksheet import CATEGORY


def _decorate(f):
    # ndim=2 keeps a range's orientation (a column and a row broadcast to a table); err_to_str turns an
    # error cell into text the function rejects instead of a blank that would silently mean "default".
    for name, help_text in f.arg_help.items():
        f = arg(name, ndim=2, err_to_str=True, doc=help_text)(f)
    # Results are already cell values (a 2D list of numbers and texts): "raw" passes them on unconverted.
    f = ret("raw")(f)
    f.__module__ = __name__
    return func(category=CATEGORY)(f)


# The configured models folder (ICTCO2_MODELS or the user's xlwings.conf) first: each user model becomes its
# own function, so Import Functions and xlwings Lite see it.
load_configured_models()
FUNCTIONS = {name: _decorate(f) for name, f in all_functions().items()}
globals().update(FUNCTIONS)
__all__ = list(FUNCTIONS)
