"""A model: inputs and equations (see :mod:`ictco2_xl.core.definitions`), its worksheet functions, and
models built from models (:meth:`Model.extend`, :func:`compose`). Evaluation is :mod:`ictco2_xl.core.evaluation`,
which knows models only through their fields, so this module may import it without a cycle.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from typing import Mapping, Sequence

from . import assessment as _assessment
from . import evaluation
from .assessment import Assessment
from .definitions import DataSeries, Input, Step, YearSeries
from .errors import DefinitionError
from .expr import Expression


KINDS = ("appendix", "rollup", "potential", "user")


@dataclass(frozen=True)
class WorksheetFunction:
    """A worksheet/Python function derived from a model: one output, the inputs it depends on."""

    name: str          # Excel name, e.g. LOGISTICS_REDUCTION
    model: "Model"
    output: str        # step name
    description: str
    args: tuple[Input, ...]

    @property
    def python_name(self) -> str:
        return self.name.lower()

    @property
    def unit(self) -> str:
        return self.model.step(self.output).unit


@dataclass
class Model:
    id: str
    function: str
    title: str
    title_zh: str
    kind: str                     # appendix | rollup | potential | user (loaded from a model file)
    section: str
    description: str
    inputs: Sequence[Input]
    steps: Sequence[Step]
    primary: str
    data: Sequence[DataSeries] = ()
    scenarios: Mapping[str, Mapping[str, float]] = field(default_factory=dict)
    functions: Mapping[str, tuple[str, str]] = field(default_factory=dict)  # extra: NAME -> (step, description)
    results: Sequence[str] = ()   # steps shown as results (defaults to all steps)
    notes: Sequence[str] = ()     # discrepancies and caveats, shown in docs and templates
    arg_order: Sequence[str] = ()  # inputs that lead the worksheet argument list
    assessment: Assessment | None = None  # the ITU-T L.1480 / WBCSD record (see core/assessment.py)
    origin: str = ""              # the file a user model was loaded from

    def __post_init__(self):
        if not re.match(r"^[a-z][a-z0-9_]*$", self.id):
            raise DefinitionError(f"model id {self.id!r} must be snake_case")
        if self.kind not in KINDS:
            raise DefinitionError(f"{self.id}: kind must be one of {', '.join(KINDS)}")
        self.inputs = tuple(i if i.scope else replace(i, scope=self.id) for i in self.inputs)
        self.steps = tuple(self.steps)
        self.data = tuple(self.data)
        self.results = tuple(self.results) or tuple(s.name for s in self.steps)
        self.notes = tuple(self.notes)
        self._validate()

    def _validate(self):
        known: set[str] = set()
        for coll, what in ((self.inputs, "input"), (self.steps, "step"), (self.data, "data table")):
            for item in coll:
                if item.name in known:
                    raise DefinitionError(f"{self.id}: {what} {item.name} defined twice")
                known.add(item.name)
        data_names = {d.name for d in self.data}
        defined = {i.name for i in self.inputs}
        for s in self.steps:
            missing = s.expr.names - defined
            if missing:
                raise DefinitionError(f"{self.id}: step {s.name} uses undefined {sorted(missing)}")
            if s.expr.series - data_names:
                raise DefinitionError(f"{self.id}: step {s.name} uses unknown data table(s) {sorted(s.expr.series - data_names)}")
            defined.add(s.name)
        for name in (self.primary, *self.results, *(v[0] for v in self.functions.values())):
            if name not in {s.name for s in self.steps}:
                raise DefinitionError(f"{self.id}: output {name} is not a step")
        for name, values in self.scenarios.items():
            for k in values:
                if k not in {i.name for i in self.inputs}:
                    raise DefinitionError(f"{self.id}: scenario {name} sets unknown input {k}")
        for name in self.arg_order:
            self.input(name)
        for inp in self.inputs:
            if isinstance(inp.default, YearSeries) and "target_year" not in {i.name for i in self.inputs}:
                raise DefinitionError(f"{self.id}: {inp.name} depends on the year but the model has no year input")
        _assessment.validate(self)

    # -- lookups ----------------------------------------------------------------------------------
    def input(self, name: str) -> Input:
        for i in self.inputs:
            if i.name == name:
                return i
        raise KeyError(f"{self.id} has no input {name!r}")

    def step(self, name: str) -> Step:
        for s in self.steps:
            if s.name == name:
                return s
        raise KeyError(f"{self.id} has no step {name!r}")

    def dependencies(self, step_name: str) -> set[str]:
        """Names of the inputs a step depends on, directly or through earlier steps."""
        steps = {s.name: s for s in self.steps}
        inputs = {i.name for i in self.inputs}
        seen, todo, found = set(), [step_name], set()
        while todo:
            n = todo.pop()
            if n in seen:
                continue
            seen.add(n)
            if n in inputs:
                found.add(n)
            elif n in steps:
                todo.extend(steps[n].expr.names)
        if any(isinstance(self.input(n).default, YearSeries) for n in found):
            found.add("target_year")  # year-dependent defaults depend on the year
        return found

    def worksheet_functions(self) -> list[WorksheetFunction]:
        specs = [(self.function, self.primary, self.description)]
        specs += [(name, step, desc) for name, (step, desc) in self.functions.items()]
        out = []
        for name, step, desc in specs:
            deps = self.dependencies(step)
            lead = [self.input(n) for n in self.arg_order if n in deps]
            rest = [i for i in self.inputs if i.name in deps and i.name not in self.arg_order]
            out.append(WorksheetFunction(name=name, model=self, output=step, description=desc,
                                         args=tuple(lead + rest)))
        return out

    # -- derivation -------------------------------------------------------------------------------
    def extend(self, *, id: str, function: str, inputs: Sequence[Input] = (), steps: Sequence[Step] = (),
               data: Sequence[DataSeries] = (), **meta) -> "Model":
        """A model built on this one: same inputs and steps, plus (or overriding, by name) new ones."""
        new_inputs = {i.name: i for i in inputs}
        merged = [new_inputs.pop(i.name, i) for i in self.inputs] + list(new_inputs.values())
        fields = dict(title=self.title, title_zh=self.title_zh, kind=self.kind, section=self.section,
                      description=self.description, primary=self.primary, notes=self.notes,
                      arg_order=self.arg_order)
        fields.update(meta)
        return Model(id=id, function=function, inputs=merged, steps=[*self.steps, *steps],
                     data=[*self.data, *data], **fields)

    # -- evaluation (see evaluation.py) -----------------------------------------------------------
    def run(self, inputs: Mapping | None = None, factor_set=None, *, blank_as_default: bool = False, **kwargs):
        """Evaluate every step; returns a :class:`~ictco2_xl.core.evaluation.Result`."""
        return evaluation.run(self, inputs, factor_set, blank_as_default=blank_as_default, **kwargs)

    def evaluate_frame(self, frame, factor_set=None, *, blank_as_default: bool = False, extra: str = "error"):
        """Evaluate a DataFrame of scenarios (one column per input) in one vectorised pass."""
        return evaluation.evaluate_frame(self, frame, factor_set, blank_as_default=blank_as_default, extra=extra)

    def __call__(self, *args, factor_set=None, **kwargs):
        """The primary result, with positional arguments in worksheet-function order."""
        fn = self.worksheet_functions()[0]
        if len(args) > len(fn.args):
            raise TypeError(f"{self.id} takes at most {len(fn.args)} positional inputs")
        for inp, value in zip(fn.args, args):
            if inp.name in kwargs:
                raise TypeError(f"{self.id}: {inp.name} given twice")
            kwargs[inp.name] = value
        return self.run(kwargs, factor_set)[self.primary]

    def __repr__(self):
        return f"<Model {self.id} ({self.function}): {self.title}>"


def compose(*, id: str, function: str, parts: Mapping[str, tuple[Model, Mapping[str, str]]],
            inputs: Sequence[Input], steps: Sequence[Step], **meta) -> Model:
    """A model whose steps include other models' steps, namespaced ``part__name``.

    ``parts`` maps a prefix to (model, bindings); a binding sets one of that model's inputs to an
    expression over the composite's own inputs (e.g. ``{"empty_rate_cut": "0.5", "year": "year"}``).
    Unbound inputs become inputs of the composite, prefixed. Equations are renamed, not rewritten.
    """
    all_inputs = list(inputs)
    all_steps: list[Step] = []
    all_data: list[DataSeries] = []
    for prefix, (model, bindings) in parts.items():
        names = {i.name for i in model.inputs} | {s.name for s in model.steps} | {d.name for d in model.data}
        mapping = {n: f"{prefix}__{n}" for n in names}
        for inp in model.inputs:
            if inp.name in bindings:
                all_steps.append(Step(mapping[inp.name], Expression(bindings[inp.name]), inp.unit,
                                      f"{model.title}: {inp.label}", inp.label_zh))
            elif isinstance(inp.default, YearSeries) and "target_year" not in bindings:
                raise DefinitionError(f"{id}: part {prefix} needs its year bound")
            else:
                # Scaling every activity input of a composite does not scale it (some parts have none).
                all_inputs.append(replace(inp, name=mapping[inp.name], extensive=False))
        for d in model.data:
            all_data.append(replace(d, name=mapping[d.name]))
        for s in model.steps:
            all_steps.append(replace(s, name=mapping[s.name], expr=s.expr.rename(mapping),
                                     label=f"{model.title}: {s.label}"))
    # A part's YearSeries defaults look up the composite's `target_year` input, which must exist.
    return Model(id=id, function=function, inputs=all_inputs, steps=[*all_steps, *steps], data=all_data, **meta)
