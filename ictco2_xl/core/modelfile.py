"""Models from a file: a TOML file a user writes without Python, loaded into the same :class:`Model` the
report's models are (so every adapter serves it: Python, worksheet functions, templates, batch, analyses).

    id = "remote_meter_reading"
    title = "Remote meter reading"
    description = "CO2 cut by reading meters remotely instead of visiting them by car."
    primary = "reduction_t"

    [[inputs]]
    name = "meters"
    unit = "meters"
    default = 20000
    max = 10000000                       # bounds are inclusive; min defaults to 0 (-inf: no minimum)
    uncertainty = { distribution = "uniform", low = 18000, high = 22000 }

    [[steps]]
    name = "reduction_t"
    expr = "meters * visits_per_meter_year * km_per_visit * gasoline_l_per_km * gasoline_kg_per_l / 1000"
    unit = "t CO2/yr"

    [assessment]
    reference_scenario = "Meters read on site by staff driving petrol cars"

Equations use the equation language of the report's models (``core/expr.py``: numbers, names, + - * / **
and a few functions; nothing else parses). A name may be an input, a step (in any order; cycles are
refused) or a key of the factor set in use (``gasoline_kg_per_l``): it then becomes an input whose default
and provenance come from the factor set. Every problem of a file is reported, one line each:
``meter.toml:17: steps[1] 'reduction_t' expr: unknown name 'visits_per_metre_year' ...``. The loader only
parses text: it never imports, executes or opens anything but the files it is given.
"""
from __future__ import annotations

import difflib
import tomllib
from pathlib import Path

from .assessment import same_quantity
from .definitions import Input, Step, name_problem
from .errors import DefinitionError
from .expr import Expression
from .factors import FACTOR_KEYS
from .model import Model
from .modelfile_parts import (_FUNCTION, _ID, EXCEL_FORMULA_LIMIT, FUNCTION_KEYS, MAX_FILE_BYTES, STEP_KEYS, TOP_KEYS,
                              Lines, ModelFileError, Problems, factor_input, inline_length, order_steps, parse_input,
                              parse_record, parse_scenarios, show, table_list, checked_text, unknown_keys)
from .models import clash, register_model


def parse_model_text(text: str, origin: str = "<model>") -> Model:
    """The :class:`Model` a model file's text defines; raises :class:`ModelFileError` with every problem."""
    size = len(text.encode("utf-8", "surrogatepass"))
    if size > MAX_FILE_BYTES:
        raise ModelFileError([f"{origin}: the file is {size:,} bytes; a model file may have at most {MAX_FILE_BYTES:,}"])
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ModelFileError([f"{origin}: not valid TOML: {exc}"]) from None
    except RecursionError:
        raise ModelFileError([f"{origin}: not valid TOML: nested too deeply"]) from None
    p = Problems(origin, Lines(text), [])
    unknown_keys(p, "", data, TOP_KEYS)
    model_id = data.get("id")
    if not isinstance(model_id, str) or not _ID.match(model_id) or len(model_id) > 60:
        p.add("id", f"must be a lower-case identifier (letters, digits, _; at most 60), got {show(model_id)}", key="id")
        model_id = None
    function = data.get("function", model_id.upper() if model_id else None)
    if function is None and model_id is None:
        pass  # the id's problem says it all
    elif not isinstance(function, str) or not _FUNCTION.match(function) or name_problem(function.lower()):
        p.add("function", f"must be an upper-case worksheet-function name such as METER_READING_REDUCTION, got "
                          f"{show(function)}", key="function")
    meta = {k: checked_text(p, k, data.get(k), key=k, required=k in ("title", "description"))
            for k in ("title", "title_zh", "description", "section")}

    raw_inputs, raw_steps = table_list(p, data, "inputs"), table_list(p, data, "steps")
    inputs = [i for k, raw in enumerate(raw_inputs) if (i := parse_input(p, k, raw, origin))]
    steps = _steps(p, raw_inputs, raw_steps)
    # Names declared count as known even where their entry has problems (one bad input is not also "unknown").
    declared = {raw["name"] for raw in [*raw_inputs, *raw_steps] if isinstance(raw.get("name"), str)}
    all_inputs = [*inputs, *_factor_inputs(p, steps, declared)]
    ordered = order_steps(p, steps)

    primary = data.get("primary")
    if primary not in steps:
        p.add("primary", f"must name a step (the main result), got {show(primary)}; steps: {', '.join(steps) or 'none'}",
              key="primary")
    results = data.get("results", [])
    if not isinstance(results, list) or any(r not in steps for r in results):
        p.add("results", f"must be a list of step names, got {show(results)}", key="results")
        results = []
    notes = data.get("notes", [])
    if not isinstance(notes, list) or not all(isinstance(n, str) for n in notes):
        p.add("notes", f"must be a list of texts, got {show(notes)}", key="notes")
        notes = []
    notes = [checked_text(p, "notes", n, key="notes") for n in notes]
    functions = _functions(p, data, steps)
    scenarios = parse_scenarios(p, data.get("scenarios", {}), {i.name: i for i in all_inputs})
    record = parse_record(p, data.get("assessment"), {i.name for i in all_inputs} | set(steps), origin)
    if p.found:
        raise ModelFileError(p.found)
    try:
        model = Model(id=model_id, function=function, title=meta["title"], title_zh=meta["title_zh"], kind="user",
                      section=meta["section"] or f"model file {Path(origin).name}", description=meta["description"],
                      inputs=all_inputs, steps=ordered, primary=primary, results=results, notes=notes,
                      functions=functions, scenarios=scenarios, assessment=record, origin=origin)
    except DefinitionError as exc:
        raise ModelFileError([f"{origin}: {exc}"]) from None
    return _check_model(p, model)


def _steps(p: Problems, raw_inputs: list, raw_steps: list) -> dict[str, tuple[int, Step]]:
    """Each valid step by name, with its position in the file; duplicate names (inputs too) are problems."""
    if not raw_steps:
        p.add("steps", "a model needs at least one step ([[steps]] with name, expr and unit)", key="steps")
    seen: dict[str, str] = {}
    for k, raw in enumerate(raw_inputs):
        name = raw.get("name")
        if isinstance(name, str) and name in seen:
            p.add(f"inputs[{k + 1}] {name!r} name", f"duplicate name {name!r} (also {seen[name]})", "inputs", k, "name")
        elif isinstance(name, str):
            seen[name] = f"inputs[{k + 1}]"
    steps: dict[str, tuple[int, Step]] = {}
    for k, raw in enumerate(raw_steps):
        name = raw.get("name")
        where = f"steps[{k + 1}]" + (f" {name!r}" if isinstance(name, str) else "")
        t = ("steps", k)
        n_before = len(p.found)
        unknown_keys(p, where, raw, STEP_KEYS, *t)
        if not isinstance(name, str) or name_problem(name):
            p.add(f"{where} name", name_problem(name) if isinstance(name, str) else "is required", *t, "name")
            continue
        if name in seen:
            p.add(f"{where} name", f"duplicate name {name!r} (also {seen[name]})", *t, "name")
            continue
        seen[name] = f"steps[{k + 1}]"
        unit = checked_text(p, f"{where} unit", raw.get("unit"), *t, "unit", required=True)
        texts = {key: checked_text(p, f"{where} {key}", raw.get(key), *t, key) for key in ("label", "label_zh", "note")}
        source = raw.get("expr")
        if not isinstance(source, str) or not source.strip():
            p.add(f"{where} expr", f"is required (an equation as text), got {show(source)}", *t, "expr")
            continue
        try:
            expr = Expression(source)
        except DefinitionError as exc:
            p.add(f"{where} expr", str(exc), *t, "expr")
            continue
        if len(p.found) == n_before:
            steps[name] = (k, Step(name, expr, unit, texts["label"] or name, texts["label_zh"], texts["note"]))
    return steps


def _factor_inputs(p: Problems, steps: dict[str, tuple[int, Step]], declared: set[str]) -> list[Input]:
    """An input for every factor key the equations use and the file does not declare; unknown names are
    problems, with the nearest known name."""
    found: dict[str, Input] = {}
    for name, (k, step) in sorted(steps.items(), key=lambda kv: kv[1][0]):
        where = f"steps[{k + 1}] {name!r} expr"
        for used in sorted(step.expr.names - declared - set(found)):
            if used in FACTOR_KEYS:
                found[used] = factor_input(used)
                continue
            hint = difflib.get_close_matches(used, sorted(declared | set(FACTOR_KEYS)), 1)
            p.add(where, f"unknown name {used!r}" + (f" (did you mean {hint[0]!r}?)" if hint else "")
                  + f"; an equation may use the inputs, the steps and the factor keys ({', '.join(FACTOR_KEYS)})",
                  "steps", k, "expr")
        if step.expr.series:
            p.add(where, "growth, logest_r2 and linear_trend need a data table, which model files do not have",
                  "steps", k, "expr")
    return list(found.values())


def _functions(p: Problems, data: dict, steps: dict) -> dict[str, tuple[str, str]]:
    """Extra worksheet functions: ``[[functions]]`` with name (upper case), step and description."""
    out = {}
    for k, raw in enumerate(table_list(p, data, "functions")):
        unknown_keys(p, f"functions[{k + 1}]", raw, FUNCTION_KEYS, "functions", k)
        fname, step = raw.get("name"), raw.get("step")
        if not isinstance(fname, str) or not _FUNCTION.match(fname) or step not in steps:
            p.add(f"functions[{k + 1}]", f"needs name (upper case) and step (a step name), got {show(fname)} and "
                  f"{show(step)}", "functions", k, "name")
            continue
        description = checked_text(p, f"functions[{k + 1}] description", raw.get("description"), "functions", k,
                                   "description")
        out[fname] = (step, description or f"{steps[step][1].label} ({fname.lower()})")
    return out


def _check_model(p: Problems, model: Model) -> Model:
    """What needs the whole model: subtractable footprint units, formula lengths a spreadsheet accepts."""
    rec = model.assessment
    units = {s.name: s.unit for s in model.steps} | {i.name: i.unit for i in model.inputs}
    for key in ("first_order", "higher_order"):
        value = rec.get(key).strip()
        if value in units and not same_quantity(units[value], units[model.primary]):
            p.add(f"assessment.{key}", f"{value!r} is in {units[value]!r} but the primary result {model.primary!r} is "
                  f"in {units[model.primary]!r}: to be subtracted it must be in the same unit", "assessment", None, key)
    for fn in model.worksheet_functions():
        length = inline_length(list(model.steps), fn.output)
        if length > EXCEL_FORMULA_LIMIT:
            p.add(f"steps {fn.output!r}", f"with every step it uses written out, its formula is {length:,} characters; "
                  f"spreadsheets accept {EXCEL_FORMULA_LIMIT:,}: use fewer or shorter steps", "steps", None, None)
    if p.found:
        raise ModelFileError(p.found)
    return model


# -- files and folders ---------------------------------------------------------------------------------------
def _files(path: Path) -> list[Path]:
    if path.is_dir():
        files = sorted(f for f in path.glob("*.toml") if f.is_file())
        if not files:
            raise ModelFileError([f"{path}: no .toml model files in this folder"])
        return files
    if path.is_file():
        return [path]
    raise ModelFileError([f"{path}: no such file or folder"])


def read_model_file(path: Path) -> tuple[str, Model]:
    """(text, model) of one file, not registered."""
    try:
        size = path.stat().st_size
        if size > MAX_FILE_BYTES:
            raise ModelFileError([f"{path}: the file is {size:,} bytes; a model file may have at most "
                                  f"{MAX_FILE_BYTES:,}"])
        text = path.read_bytes().decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ModelFileError([f"{path}: not UTF-8 text ({exc.reason} at byte {exc.start})"]) from None
    except OSError as exc:
        raise ModelFileError([f"{path}: cannot read it ({exc.strerror})"]) from None
    return text, parse_model_text(text, str(path))


def _read_all(paths) -> list[tuple[str, Model]]:
    problems, models = [], []
    for path in paths:
        try:
            files = _files(Path(path))
        except ModelFileError as exc:
            problems += exc.problems
            continue
        for f in files:
            try:
                models.append(read_model_file(f))
            except ModelFileError as exc:
                problems += exc.problems
    ids: dict[str, str] = {}
    for _, m in models:
        if m.id in ids and ids[m.id] != m.origin:
            problems.append(f"{m.origin}: id {m.id!r} is also the id of {ids[m.id]}")
        ids.setdefault(m.id, m.origin)
        problem = clash(m)
        if problem:
            problems.append(problem)
    if problems:
        raise ModelFileError(problems)
    return models


def check_models(*paths) -> list[Model]:
    """Parse every model file in ``paths`` (files or folders) without registering them; every problem of
    every file is reported at once (:class:`ModelFileError`)."""
    return [m for _, m in _read_all(paths)]


def load_models(*paths) -> list[Model]:
    """Load and register every model file in ``paths`` (files or folders of ``*.toml``); nothing is
    registered unless every file loads."""
    return [register_model(model, text) for text, model in _read_all(paths)]


def load_model(path):
    """Load and register a model file (returns the :class:`Model`) or a folder of them (returns a list)."""
    models = load_models(path)
    return models if Path(path).is_dir() else models[0]


def load_model_text(text: str, origin: str = "<model>") -> Model:
    """Load and register a model from its file's text (e.g. embedded in xlwings Lite's main.py)."""
    return register_model(parse_model_text(text, origin), text)


__all__ = ["ModelFileError", "parse_model_text", "read_model_file", "check_models", "load_models", "load_model",
           "load_model_text", "MAX_FILE_BYTES", "EXCEL_FORMULA_LIMIT"]
