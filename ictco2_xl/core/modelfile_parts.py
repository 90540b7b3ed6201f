"""The checks of one part of a model file (an input, a distribution, the steps' order, scenarios, the
assessment record), each adding one line per problem; ``core/modelfile.py`` assembles the model.

Line numbers: tomllib reports them only for syntax errors, so :class:`Lines` finds the line of a key
itself (best effort: array-of-tables entries and inline tables; otherwise the line is left out).
"""
from __future__ import annotations

import ast
import difflib
import math
import re
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from .assessment import ASSESSMENT_FIELDS, Assessment
from .definitions import DISTRIBUTIONS, Bounds, Distribution, Input, Step, name_problem
from .errors import DefinitionError
from .expr import Expression, format_number
from .factors import FACTOR_KEYS
from .models import common

MAX_FILE_BYTES = 1 << 20          # a model is a few kilobytes; refuse megabytes before parsing them
MAX_ITEMS = 500                   # inputs, steps, scenarios, functions per file
MAX_TEXT = 4000                   # characters of one text field
EXCEL_FORMULA_LIMIT = 8192        # Excel's limit for one formula; templates inline the chain behind a result
TOP_KEYS = ("id", "function", "title", "title_zh", "description", "primary", "section", "results", "notes",
            "inputs", "steps", "functions", "scenarios", "assessment")
INPUT_KEYS = ("name", "label", "label_zh", "unit", "default", "factor", "min", "max", "min_exclusive",
              "max_exclusive", "integer", "extensive", "source", "note", "provenance", "data_quality", "uncertainty")
STEP_KEYS = ("name", "expr", "unit", "label", "label_zh", "note")
FUNCTION_KEYS = ("name", "step", "description")
UNCERTAINTY_KEYS = ("distribution", "low", "high", "peak", "mode", "mean", "sd", "value", "relative", "reason")
RECORD_KEYS = tuple(k for k in ASSESSMENT_FIELDS if k != "source")
_ID = re.compile(r"^[a-z][a-z0-9_]*$")
_FUNCTION = re.compile(r"^[A-Z][A-Z0-9_]*$")
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


class ModelFileError(DefinitionError):
    """A model file (or several) cannot be loaded; ``problems`` holds one line per problem."""

    def __init__(self, problems: list[str]):
        self.problems = sorted(problems, key=_line_of)  # a file's problems in the order of its lines
        super().__init__("\n".join(self.problems))


def _line_of(problem: str) -> tuple[str, int]:
    m = re.match(r"^(.*?):(\d+): ", problem)
    return (m.group(1), int(m.group(2))) if m else (problem.split(": ", 1)[0], 1 << 30)


class Lines:
    """Best-effort line numbers of keys: tomllib gives them only for syntax errors."""

    _HEADER = re.compile(r"^\s*(\[\[?)\s*([A-Za-z0-9_.\"' -]+?)\s*\]\]?\s*(#.*)?$")
    _KEY = re.compile(r"^\s*([A-Za-z0-9_-]+)\s*=")

    def __init__(self, text: str):
        self.keys: dict[tuple, int] = {}
        self.headers: dict[tuple, int] = {}
        table, counts = ("", None), {}
        for number, line in enumerate(text.splitlines(), start=1):
            m = self._HEADER.match(line)
            if m:
                name = m.group(2).strip()
                if m.group(1) == "[[":
                    counts[name] = counts.get(name, -1) + 1
                    table = (name, counts[name])
                else:
                    table = (name, None)
                self.headers.setdefault(table, number)
                continue
            m = self._KEY.match(line)
            if m:
                self.keys.setdefault((*table, m.group(1)), number)

    def find(self, table: str = "", index=None, key: str | None = None) -> int | None:
        return (self.keys.get((table, index, key)) or self.headers.get((table, index))
                or self.keys.get(("", None, table or key)))


@dataclass
class Problems:
    origin: str
    lines: Lines
    found: list

    def add(self, where: str, rule: str, table: str = "", index=None, key: str | None = None) -> None:
        line = self.lines.find(table, index, key)
        at = f"{self.origin}:{line}" if line else self.origin
        self.found.append(f"{at}: {where}: {rule}" if where else f"{at}: {rule}")


def show(value) -> str:
    text = repr(value)
    return text if len(text) <= 60 else text[:59] + "…"


def is_number(value) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def checked_text(p: Problems, where: str, value, table="", index=None, key=None, required=False) -> str:
    if value is None:
        if required:
            p.add(where, "is required", table, index, key)
        return ""
    if not isinstance(value, str):
        p.add(where, f"must be text, got {show(value)}", table, index, key)
        return ""
    if _CONTROL.search(value):
        p.add(where, "contains a control character", table, index, key)
        return ""
    if len(value) > MAX_TEXT:
        p.add(where, f"is {len(value):,} characters long; the limit is {MAX_TEXT:,}", table, index, key)
        return ""
    if required and not value.strip():
        p.add(where, "is required", table, index, key)
    return value.strip()


def unknown_keys(p: Problems, where: str, data: dict, known, table="", index=None) -> None:
    for k in data:
        if k not in known:
            hint = difflib.get_close_matches(str(k), known, 1)
            p.add(f"{where}{'.' if where else ''}{k}", f"unknown key{f' (did you mean {hint[0]!r}?)' if hint else ''}; "
                  f"keys are: {', '.join(known)}", table, index, k)


def table_list(p: Problems, data: dict, key: str) -> list:
    value = data.get(key, [])
    if not isinstance(value, list) or not all(isinstance(v, dict) for v in value):
        p.add(key, f"must be an array of tables ([[{key}]]), got {show(value)}", key=key)
        return []
    if len(value) > MAX_ITEMS:
        p.add(key, f"has {len(value)} entries; the limit is {MAX_ITEMS}", key=key)
        return []
    return value


# -- inputs ------------------------------------------------------------------------------------------------
def _bound(p, where, value, side, table, index):
    if value is None:
        return 0.0 if side == "min" else None
    if not is_number(value) or math.isnan(value):
        p.add(where, f"must be a number (inf or -inf for none), got {show(value)}", table, index, side)
        return None
    return None if math.isinf(value) else float(value)


def _distribution(p, where, spec, origin, table, index) -> Distribution | None:
    if spec is None:
        return None
    if not isinstance(spec, dict):
        p.add(where, f"must be a table such as {{ distribution = \"uniform\", low = 1, high = 2 }}, got {show(spec)}",
              table, index, "uncertainty")
        return None
    unknown_keys(p, where, spec, UNCERTAINTY_KEYS, table, index)
    kind = spec.get("distribution")
    if kind not in DISTRIBUTIONS:
        p.add(where, f"unknown distribution {show(kind)}; distributions are: {', '.join(DISTRIBUTIONS)}",
              table, index, "uncertainty")
        return None
    numbers = {}
    for k in ("low", "high", "peak", "mode", "mean", "sd", "value"):
        if k in spec:
            if not is_number(spec[k]) or not math.isfinite(spec[k]):
                p.add(f"{where}.{k}", f"must be a finite number, got {show(spec[k])}", table, index, "uncertainty")
                return None
            numbers[k] = float(spec[k])
    if "peak" in numbers and "mode" in numbers:
        p.add(where, "give peak or mode, not both", table, index, "uncertainty")
        return None
    relative = spec.get("relative", False)
    if not isinstance(relative, bool):
        p.add(f"{where}.relative", f"must be true or false, got {show(relative)}", table, index, "uncertainty")
        return None
    reason = checked_text(p, f"{where}.reason", spec.get("reason"), table, index, "uncertainty") or \
        f"range given in {Path(origin).name} (no reason stated)"
    try:
        return Distribution(kind, low=numbers.get("low"), high=numbers.get("high"),
                            mode=numbers.get("peak", numbers.get("mode")), mean=numbers.get("mean"),
                            sd=numbers.get("sd"), value=numbers.get("value"), relative=relative, reason=reason)
    except DefinitionError as exc:
        p.add(where, str(exc), table, index, "uncertainty")
        return None


def parse_input(p: Problems, k: int, raw: dict, origin: str) -> Input | None:
    name = raw.get("name")
    where = f"inputs[{k + 1}]" + (f" {name!r}" if isinstance(name, str) else "")
    t = ("inputs", k)
    unknown_keys(p, where, raw, INPUT_KEYS, *t)
    if not isinstance(name, str) or name_problem(name):
        p.add(f"{where} name", f"{name_problem(name) if isinstance(name, str) else 'is required'}", *t, "name")
        return None
    n_before = len(p.found)
    factor = raw.get("factor")
    if factor is not None and factor not in FACTOR_KEYS:
        p.add(f"{where} factor", f"unknown factor key {show(factor)}; keys are: {', '.join(FACTOR_KEYS)}", *t, "factor")
    unit = checked_text(p, f"{where} unit", raw.get("unit"), *t, "unit", required=factor is None)
    if factor in FACTOR_KEYS:
        if unit and unit != FACTOR_KEYS[factor][0]:
            p.add(f"{where} unit", f"factor {factor} is in {FACTOR_KEYS[factor][0]!r}, got {unit!r}", *t, "unit")
        unit = FACTOR_KEYS[factor][0]
    default = raw.get("default")
    if (default is None) == (factor is None):
        p.add(f"{where}", "give exactly one of default (a number) or factor (a factor key)", *t, "default")
    elif default is not None and (not is_number(default) or not math.isfinite(default)):
        p.add(f"{where} default", f"must be a finite number, got {show(default)}", *t, "default")
        default = None
    flags = {}
    for key in ("min_exclusive", "max_exclusive", "integer", "extensive"):
        flags[key] = raw.get(key, False)
        if not isinstance(flags[key], bool):
            p.add(f"{where} {key}", f"must be true or false, got {show(flags[key])}", *t, key)
    lo, hi = _bound(p, f"{where} min", raw.get("min"), "min", *t), _bound(p, f"{where} max", raw.get("max"), "max", *t)
    bounds = Bounds(lo, hi, bool(flags["min_exclusive"]), bool(flags["max_exclusive"]))
    if lo is not None and hi is not None and lo > hi:
        p.add(f"{where} min", f"min {format_number(lo)} is above max {format_number(hi)}", *t, "min")
    elif is_number(default) and math.isfinite(default) and bounds.bad(np.array([float(default)])).any():
        p.add(f"{where} default", f"{format_number(default)} is outside its bounds ({bounds.rule()})", *t, "default")
    provenance = raw.get("provenance", "stated")
    if provenance not in ("stated", "implied", "assumed"):
        p.add(f"{where} provenance", f"must be stated, implied or assumed, got {show(provenance)}", *t, "provenance")
    texts = {key: checked_text(p, f"{where} {key}", raw.get(key), *t, key)
             for key in ("label", "label_zh", "source", "note", "data_quality")}
    dist = _distribution(p, f"{where} uncertainty", raw.get("uncertainty"), origin, *t)
    if len(p.found) > n_before:
        return None
    try:
        return Input(name, texts["label"] or name, texts["label_zh"], unit,
                     default=None if default is None else float(default), bounds=bounds, source=texts["source"],
                     factor=factor, provenance=provenance, note=texts["note"], integer=flags["integer"],
                     extensive=flags["extensive"], uncertainty=dist, data_quality=texts["data_quality"])
    except DefinitionError as exc:
        p.add(where, str(exc).removeprefix(f"input {name}: "), *t, "uncertainty" if "uncertainty" in str(exc) else None)
        return None


def factor_input(key: str) -> Input:
    unit, meaning = FACTOR_KEYS[key]
    return common.factor_input(key, meaning, "", unit)


# -- steps and their order -----------------------------------------------------------------------------------
def order_steps(p: Problems, steps: dict[str, tuple[int, Step]]) -> list[Step]:
    """Steps in file order where possible, each after the steps it uses; cycles are problems."""
    uses = {n: [m for m in s.expr.names if m in steps] for n, (_, s) in steps.items()}
    done, out, state = set(), [], {}

    def visit(n, path):
        if n in done:
            return True
        if state.get(n) == "open":
            cycle = path[path.index(n):] + [n]
            k = steps[cycle[0]][0]
            p.add(f"steps[{k + 1}] {cycle[0]!r} expr", f"cycle: {' -> '.join(cycle)}", "steps", k, "expr")
            return False
        state[n] = "open"
        ok = all(visit(m, path + [n]) for m in sorted(uses[n], key=lambda m: steps[m][0]))
        state[n] = "closed"
        if ok:
            done.add(n)
            out.append(steps[n][1])
        return ok

    for n in sorted(steps, key=lambda n: steps[n][0]):
        if n not in state:
            visit(n, [])
    return out


def inline_length(steps: list[Step], name: str) -> int:
    """Length of the Excel formula of ``name`` with every step it uses inlined (as the templates do)."""
    by_name = {s.name: s for s in steps}
    memo: dict[str, int] = {}

    def length(n: str) -> int:
        if n not in by_name:
            return len(n)
        if n not in memo:
            s = by_name[n]
            counts: dict[str, int] = {}
            for node in _names_in(s.expr):
                counts[node] = counts.get(node, 0) + 1
            memo[n] = len(s.expr.to_excel()) + sum(c * (length(m) + 2 - len(m)) for m, c in counts.items()
                                                   if m in by_name)
        return memo[n]
    return length(name)


def _names_in(expr: Expression):
    for node in ast.walk(expr._tree):
        if isinstance(node, ast.Name):
            yield node.id


# -- the file --------------------------------------------------------------------------------------------------
def parse_scenarios(p: Problems, raw, inputs: dict[str, Input]) -> dict:
    if not isinstance(raw, dict) or len(raw) > MAX_ITEMS:
        p.add("scenarios", f"must be tables [scenarios.NAME] of input = value, got {show(raw)}", key="scenarios")
        return {}
    out = {}
    for name, values in raw.items():
        table = f"scenarios.{name}"
        if not isinstance(values, dict):
            p.add(table, f"must be a table of input = value, got {show(values)}", table)
            continue
        for k, v in values.items():
            if k not in inputs:
                p.add(f"{table}.{k}", f"is not an input; inputs are: {', '.join(inputs)}", table, None, k)
            elif not is_number(v) or not math.isfinite(v) or inputs[k].bounds.bad(np.array([float(v)])).any():
                p.add(f"{table}.{k}", f"must be a number that {inputs[k].bounds.rule()}, got {show(v)}", table, None, k)
        out[str(name)] = {k: float(v) for k, v in values.items() if k in inputs and is_number(v)}
    return out


def parse_record(p: Problems, raw, names: set[str], origin: str) -> Assessment:
    if raw is None:
        return Assessment(source=origin)
    if not isinstance(raw, dict):
        p.add("assessment", f"must be a table ([assessment]), got {show(raw)}", key="assessment")
        return Assessment(source=origin)
    unknown_keys(p, "assessment", raw, RECORD_KEYS, "assessment")
    values = {k: checked_text(p, f"assessment.{k}", raw.get(k), "assessment", None, k) for k in RECORD_KEYS if k in raw}
    for key in ("first_order", "higher_order"):
        value = values.get(key, "")
        if _ID.match(value) and value not in names and not value.startswith("not"):
            hint = difflib.get_close_matches(value, sorted(names), 1)
            p.add(f"assessment.{key}", f"{value!r} names no input or step" + (f" (did you mean {hint[0]!r}?)" if hint
                  else "") + "; give a name, or a sentence saying how it was considered", "assessment", None, key)
    return Assessment(**values, source=origin)
