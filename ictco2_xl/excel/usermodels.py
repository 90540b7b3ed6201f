"""User models in Excel: the generic ``=ICTCO2_RUN(model, output, names, values, [factor_set])``, and the
models folder configured for the worksheet functions.

The folder is ``ICTCO2_MODELS`` (paths separated as in PATH) or, if that is not set, the setting
``"ICTCO2_MODELS"`` in the user's xlwings.conf (``ictco2-xl excel-config --write --models DIR`` writes
it; xlwings' add-in reads the same file). :func:`load_configured_models` loads it when ``ictco2_xl.udfs``
is imported, so each model becomes its own worksheet function (Import Functions and the Lite bundle
pick them up). A bad file never removes the other functions: its problems are logged and listed by
``=ICTCO2_MODELS()``.
"""
from __future__ import annotations

import logging
from pathlib import Path
from typing import Callable

import numpy as np

from ..core.errors import DefinitionError, InputError
from ..core.model import WorksheetFunction
from ..core.modelfile import ModelFileError, load_models
from ..core.models import get_model
from .config import ENV, configured_paths
from .worksheet import (FACTOR_SET_HELP, MODEL_FILE_PROBLEMS, _cells, _excel_call, _finish, _signature, _single,
                        build_functions, resolve_factor_set, run_cells)

logger = logging.getLogger(__name__)
#: Problems of the configured model files, one line each (shown by =ICTCO2_MODELS()).
PROBLEMS = MODEL_FILE_PROBLEMS


def load_configured_models(environ=None) -> list:
    """Load the configured model files; problems are logged and kept in :data:`PROBLEMS`, never raised."""
    PROBLEMS.clear()
    loaded = []
    for path in configured_paths(environ):
        try:
            loaded += load_models(path)
        except (ModelFileError, DefinitionError) as exc:
            lines = getattr(exc, "problems", None) or [str(exc)]
            PROBLEMS.extend(lines)
            for line in lines:
                logger.warning("ictco2_xl model file not loaded: %s", line)
    return loaded


# -- =ICTCO2_RUN ---------------------------------------------------------------------------------------------
_loaded_files: dict[tuple[str, float], str] = {}


def _model(value):
    """A model by id or worksheet-function name, or by the path of a model file (loaded once per version)."""
    value = _single("model", value)
    if value is None:
        raise InputError("", "model", "", "", message="model is required: a model id, a function name or the path "
                                                       "of a .toml model file")
    text = str(value).strip()
    if text.lower().endswith(".toml"):
        path = Path(text).expanduser()
        if not path.is_file():
            raise InputError("", "model", text, "", message=f"model file not found: {text}")
        key = (str(path.resolve()), path.stat().st_mtime)
        if key not in _loaded_files:
            try:
                _loaded_files[key] = load_models(path)[0].id
            except (ModelFileError, DefinitionError) as exc:
                first = (getattr(exc, "problems", None) or [str(exc)])[0]
                raise InputError("", "model", text, "", message=first) from None
        return get_model(_loaded_files[key])
    try:
        return get_model(text)
    except KeyError:
        raise InputError("", "model", text, "must be a model id, a worksheet function name or a .toml file") from None


def _names(value) -> list[str]:
    arr = np.array(value, dtype=object)
    if arr.ndim == 2 and min(arr.shape) > 1:
        raise InputError("", "names", f"a {arr.shape[0]} x {arr.shape[1]} range", "",
                         message=f"names must be one row or one column of input names, got {arr.shape[0]} x "
                                 f"{arr.shape[1]}")
    out = []
    for v in arr.ravel():
        if v is None or (isinstance(v, str) and not v.strip()):
            raise InputError("", "names", v, "", message="names must not have blank cells")
        out.append(str(v).strip())
    return out


def ictco2_run(model, output=None, names=None, values=None, factor_set=None):
    """Any model's result for inputs given by name. ``names`` is a row or a column of input names;
    ``values`` holds one value per name (blank: the default) - for a row of names, each row of values is
    a scenario (results down a column); for a column of names, each column is a scenario (results across).
    One name broadcasts its values over their own range."""
    m = _model(model)
    out = _single("output", output)
    out = m.primary if out is None else str(out).strip()
    if out not in {s.name for s in m.steps}:
        raise InputError(m.id, "output", out, "", message=f"output must be a step of {m.id}: "
                                                        f"{', '.join(s.name for s in m.steps)}")
    fs = resolve_factor_set(factor_set)
    fn = WorksheetFunction("ICTCO2_RUN", m, out, "", ())
    if _cells(names) is None:
        return run_cells(fn, {}, fs)
    name_list = _names(names)
    inputs = {i.name for i in m.inputs}
    for n in name_list:
        if n not in inputs:
            raise InputError(m.id, "names", n, "", message=f"names: {n!r} is not an input of {m.id}; inputs are: "
                                                          f"{', '.join(i.name for i in m.inputs)}")
    if len(set(name_list)) < len(name_list):
        raise InputError(m.id, "names", "", "", message="names: each input may be named once")
    grid = np.array(values if isinstance(values, (list, tuple, np.ndarray)) else [[values]], dtype=object)
    grid = grid.reshape(1, 1) if grid.ndim == 0 else grid.reshape(1, -1) if grid.ndim == 1 else grid
    k = len(name_list)
    as_row = np.ndim(names) < 2 or np.shape(names)[0] == 1   # a flat list (from Python) reads as a row
    if k == 1:
        given = {name_list[0]: _cells(grid)}
    elif as_row:
        if grid.shape[1] != k:
            raise InputError(m.id, "values", "", "", message=f"values must have one column per name ({k} names in a "
                                                              f"row), got {grid.shape[0]} x {grid.shape[1]}")
        given = {n: _cells(grid[:, [j]]) for j, n in enumerate(name_list)}
    else:
        if grid.shape[0] != k:
            raise InputError(m.id, "values", "", "", message=f"values must have one row per name ({k} names in a "
                                                              f"column), got {grid.shape[0]} x {grid.shape[1]}")
        given = {n: _cells(grid[[j], :]) for j, n in enumerate(name_list)}
    return run_cells(fn, {n: v for n, v in given.items() if v is not None}, fs)


RUN_HELP = {
    "model": "Model id or worksheet-function name (e.g. fleet_management), or the path of a .toml model file.",
    "output": "Which result: a step name of the model (e.g. reduction_t); blank: its main result.",
    "names": "Input names: one row or one column of cells (see =ICTCO2_MODELS() and the model's reference).",
    "values": "Values for the names: one per name; more rows (names in a row) or columns (names in a column) "
              "give more scenarios. Blank cells take the defaults.",
    "factor_set": FACTOR_SET_HELP,
}


def run_function() -> Callable:
    return _finish(_excel_call(ictco2_run), "ICTCO2_RUN",
                   "Any ictco2_xl model, the report's or your own from a model file, with inputs given by name: "
                   "=ICTCO2_RUN(\"fleet_management\", \"reduction_t\", A1:C1, A2:C10).", RUN_HELP,
                   _signature(["model", "output", "names", "values", "factor_set"], required=("model",)))


def all_functions() -> dict[str, Callable]:
    """Every worksheet function: the models' (the report's and the loaded user models'), the helpers and
    ICTCO2_RUN."""
    return {**build_functions(), "ICTCO2_RUN": run_function()}


__all__ = ["ENV", "PROBLEMS", "configured_paths", "load_configured_models", "ictco2_run", "run_function",
           "all_functions"]
