"""The assessment record of a model: what ITU-T L.1480 (2022) and the WBCSD Guidance on Avoided Emissions
(2023) ask an avoided-emissions calculation to state, beside the equations that compute it.

Every model carries one (``Model.assessment``): the report's models from what the report says
(``core/models/assessments.py``), a user's model from its file's ``[assessment]`` table. This module
defines the items, judges which are present (:func:`status`), lists the key inputs with their data
quality, and derives the net effect from the record: reported result minus the solution's own
(first-order) footprint minus quantified higher-order effects, each only where the reported result does
not subtract it already (read from the equations, never re-typed).
"""
from __future__ import annotations

import re
from dataclasses import dataclass, fields
from typing import TYPE_CHECKING

from .errors import DefinitionError
from .expr import Expression

if TYPE_CHECKING:  # annotations only: model.py imports this module
    from .model import Model

#: Text for an item the report does not address. Items starting with it (or with "not quantified") are missing.
NOT_STATED = "not stated in the report"
NOT_QUANTIFIED = "not quantified"
SEPARATE_REPORTING = ("Avoided emissions are reported separately from any scope 1, 2 and 3 inventory and are "
                      "never netted against it (WBCSD 2023; ITU-T L.1480 keeps the solution's own footprint as "
                      "its first-order effect).")
PRESENT, DERIVED, MISSING = "present", "derived", "missing"


@dataclass(frozen=True)
class Item:
    key: str
    label: str
    asked_by: str
    help: str


#: The items, in the order an assessment states them (the union of what L.1480 and WBCSD ask).
ITEMS: tuple[Item, ...] = (
    Item("reference_scenario", "Reference scenario", "L.1480; WBCSD",
         "What happens without the solution (the baseline the reduction is measured against)."),
    Item("solution_scenario", "Solution (ICT) scenario", "L.1480; WBCSD", "What happens with the ICT solution."),
    Item("functional_unit", "Functional unit", "L.1480; WBCSD",
         "The function both scenarios deliver, so that they are comparable."),
    Item("boundary", "Assessment boundary", "L.1480; WBCSD", "What is inside the calculation and what is left out."),
    Item("timeframe", "Timeframe", "WBCSD; L.1480", "The period the result covers."),
    Item("first_order", "Solution's own (first-order) footprint", "L.1480",
         "The input or step that gives the ICT solution's own emission, subtracted from the second-order effect; "
         f"or '{NOT_QUANTIFIED}'."),
    Item("higher_order", "Rebound and other higher-order effects", "L.1480",
         "A step that quantifies them, or how they were considered."),
    Item("effect_type", "Real reduction or lesser increase", "L.1480",
         "Whether emissions fall in absolute terms or only grow less than in the reference scenario."),
    Item("contribution", "Contribution / share", "L.1480; WBCSD",
         "The assessor's share where others co-enable the solution (WBCSD: contribution legitimacy)."),
    Item("data_quality", "Data quality of the key inputs", "L.1480; WBCSD",
         "How good the key inputs are (measured, estimated, assumed), with sources."),
    Item("separate_reporting", "Reported separately from scope 1-3", "WBCSD",
         "Avoided emissions are never netted against an inventory."),
)
ITEM_KEYS = tuple(i.key for i in ITEMS)
_NAME_LIKE = re.compile(r"^[a-z][a-z0-9_]*$")


@dataclass(frozen=True)
class Assessment:
    """One model's assessment record: one text per item of :data:`ITEMS` (``first_order`` and
    ``higher_order`` may instead name an input or step of the model), and where the record comes from."""

    reference_scenario: str = ""
    solution_scenario: str = ""
    functional_unit: str = ""
    boundary: str = ""
    timeframe: str = ""
    first_order: str = ""
    first_order_note: str = ""    # where a named footprint comes from
    higher_order: str = ""
    higher_order_note: str = ""   # e.g. effects named beside a quantified one
    effect_type: str = ""
    contribution: str = ""
    data_quality: str = ""
    separate_reporting: str = SEPARATE_REPORTING
    source: str = ""

    def get(self, key: str) -> str:
        return getattr(self, key)


ASSESSMENT_FIELDS = tuple(f.name for f in fields(Assessment))


def _names(model: Model) -> set[str]:
    return {i.name for i in model.inputs} | {s.name for s in model.steps}


def named(model: Model, key: str) -> str | None:
    """The input or step an item names (``first_order``/``higher_order``), or None for a text."""
    rec = model.assessment
    value = rec.get(key).strip() if rec is not None else ""
    return value if value in _names(model) else None


def validate(model: Model) -> None:
    """Refuse a record whose ``first_order``/``higher_order`` looks like a name but names nothing."""
    rec = model.assessment
    if rec is None:
        return
    if not isinstance(rec, Assessment):
        raise DefinitionError(f"{model.id}: assessment must be an Assessment")
    for key in ("first_order", "higher_order"):
        value = rec.get(key).strip()
        if _NAME_LIKE.match(value) and value not in _names(model) and not value.startswith("not"):
            raise DefinitionError(f"{model.id}: assessment {key} {value!r} is neither an input or step of the model "
                                  "nor a sentence saying how it was considered")


def status(model: Model, key: str) -> str:
    """``present``, ``derived`` (worked out from the report's own figures, not stated by it) or ``missing``."""
    rec = model.assessment
    if rec is None:
        return MISSING
    value = rec.get(key).strip()
    if key == "first_order":
        return PRESENT if named(model, key) else MISSING   # L.1480 asks for the footprint itself, quantified
    low = value.lower()
    if not value or low.startswith(("not stated", NOT_QUANTIFIED)):
        return MISSING
    if low.startswith("derived"):
        return DERIVED
    return PRESENT


def completeness(model: Model) -> dict[str, str]:
    """Status of every item, by key."""
    return {key: status(model, key) for key in ITEM_KEYS}


# -- which results already subtract what -------------------------------------------------------------------
def reach(model: Model, name: str) -> set[str]:
    """Every step and input a step's equation uses, directly or through earlier steps."""
    steps = {s.name: s for s in model.steps}
    seen, todo = set(), list(steps[name].expr.names) if name in steps else []
    while todo:
        n = todo.pop()
        if n not in seen:
            seen.add(n)
            if n in steps:
                todo.extend(steps[n].expr.names)
    return seen


def is_net_of_own(model: Model, reduction: str, own: str) -> bool:
    """Whether ``reduction`` already subtracts ``own`` (its equation reaches what ``own`` is)."""
    steps = {s.name: s for s in model.steps}
    used = reach(model, reduction)
    return own in used or (own in steps and steps[own].expr.names <= used)


@dataclass(frozen=True)
class NetDefinition:
    """How the net effect follows from a model's record: ``net = reported - own - rebound`` for the parts
    the reported result does not already subtract. ``expression`` is None when the own footprint is not
    quantified (the net effect cannot be stated)."""

    reported: str
    own: str | None
    rebound: str | None
    own_subtracted: bool
    rebound_subtracted: bool
    expression: Expression | None


def _unit_of(model: Model, name: str) -> str:
    names = {s.name: s.unit for s in model.steps} | {i.name: i.unit for i in model.inputs}
    return names[name]


def same_quantity(a: str, b: str) -> bool:
    """Whether two units can be subtracted: equal up to case, spaces and a per-year suffix ("t CO2" and
    "t CO2/yr" are both the tonnes of the year the model computes)."""
    def norm(u: str) -> str:
        u = "".join(u.lower().split())
        for suffix in ("/yr", "/year", "/a", "peryear"):
            u = u.removesuffix(suffix)
        return u
    return norm(a) == norm(b)


def net_definition(model: Model) -> NetDefinition:
    """The net effect as an equation over the model's names; None where the footprint is not quantified or
    not in the reported result's unit (a ratio such as an enablement factor has no net)."""
    reported = model.primary
    own, rebound = named(model, "first_order"), named(model, "higher_order")
    unit = _unit_of(model, reported)
    if own is not None and not same_quantity(_unit_of(model, own), unit):
        own = None
    if rebound is not None and not same_quantity(_unit_of(model, rebound), unit):
        rebound = None
    own_in = own is not None and is_net_of_own(model, reported, own)
    rebound_in = rebound is not None and is_net_of_own(model, reported, rebound)
    expression = None
    if own is not None:
        text = reported + ("" if own_in else f" - {own}")
        if rebound is not None and not rebound_in:
            text += f" - {rebound}"
        expression = Expression(text)
    return NetDefinition(reported, own, rebound, own_in, rebound_in, expression)


# -- key inputs ----------------------------------------------------------------------------------------------
def key_inputs(model: Model) -> list:
    """The inputs behind the primary result, in definition order."""
    deps = model.dependencies(model.primary)
    return [i for i in model.inputs if i.name in deps]


def input_quality(inp) -> str:
    """An input's data quality: what the definition says, else its source (and why it is not stated)."""
    if inp.data_quality:
        return inp.data_quality
    if inp.factor:
        return f"from the factor set ({inp.factor}): value, year and source per factor set"
    extra = {"implied": "not stated: only the arithmetic implies it", "assumed": "assumed: no source gives it"}
    parts = [inp.source, extra.get(inp.provenance, ""), inp.note if inp.provenance != "stated" else ""]
    return "; ".join(p for p in parts if p) or "no source given"


__all__ = ["Assessment", "Item", "ITEMS", "ITEM_KEYS", "ASSESSMENT_FIELDS", "NOT_STATED", "NOT_QUANTIFIED",
           "SEPARATE_REPORTING", "PRESENT", "DERIVED", "MISSING", "status", "completeness", "named", "validate",
           "reach", "is_net_of_own", "NetDefinition", "net_definition", "same_quantity", "key_inputs", "input_quality"]
