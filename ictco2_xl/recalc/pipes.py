"""A loaded workbook's calculation run as a plain sequence of calls instead of schedula dispatches.

`formulas` compiles every cell's formula into a small schedula ``DispatchPipe`` (a node per operator, function
and reference) and a workbook into a dispatcher over its cells, and runs both through schedula's dispatcher
machinery on every calculation: solution objects, a workflow graph with an edge per value, estimation
bookkeeping. For our templates that bookkeeping is about two thirds of a calculation. A :class:`Plan` is the order
schedula itself followed, recorded once per loaded workbook (a cell's compiled pipe; the workbook's dispatch of
its own values): the same function objects called in the same order with the same arguments (the data nodes'
values, their filters applied, NONE dropped, as schedula passes them). So the results are the engine's; only
the scheduling is done here.

A plan is made only where it is exactly what schedula does: any node attribute a plan does not model (input
domains, callbacks, data nodes that wait for several estimations or have more than one, sub-dispatchers) keeps
schedula. A workbook's plan must also reproduce schedula's solution of the loaded workbook (every value, of the
same type) before it is used. Whenever a call raises or gives no value, the calculation is done again by
schedula, which then produces the engine's own error or value.
"""
from __future__ import annotations

import threading

import numpy as np
import schedula as sh
from schedula.utils.asy import parent_func
from schedula.utils.dsp import DispatchPipe, SubDispatch
from schedula.utils.exc import DispatcherAbort

_DATA_KEYS = {"type", "wait_inputs", "index", "filters", "inv-data"}   # inv-data: formulas' own mark
_FUNCTION_KEYS = {"type", "function", "index", "inputs", "outputs", "wait_inputs", "solve_cycle", "extra_inputs",
                  "filters"}
_NONE = sh.NONE


class _Unplanned(Exception):
    """A step gave schedula's NONE (no value) or raised: schedula handles the calculation."""


def _plain_callable(fn) -> bool:
    """Called as ``fn(*args)`` by schedula too (not a nested dispatcher or a model runner); a cell whose pipe
    stays schedula's counts: schedula only adds its stopper and log options to that call."""
    p = parent_func(fn)
    if isinstance(p, DispatchPipe):
        return callable(fn)
    return callable(fn) and not isinstance(p, (SubDispatch, sh.Dispatcher)) and not isinstance(p, type)


class Plan:
    """Steps in schedula's order: ``(None, None, node, filters)`` sets a data node from its one estimation;
    ``(function, argument nodes, output nodes, filters)`` calls a function (None for an output schedula's run
    did not set). ``known`` are the nodes with a value before the first step (inputs and defaults)."""

    __slots__ = ("steps", "known", "data")

    def __init__(self, steps, known, data):
        self.steps, self.known, self.data = steps, known, data

    def run(self, values: dict, stop: threading.Event | None = None, given: dict | None = None) -> dict:
        """Every data node's value; ``values`` holds the inputs and defaults (and is filled in). ``given``:
        values of nodes a step computes, given instead (as schedula takes an input for a formula's cell)."""
        given = given or {}
        values[sh.START] = _NONE
        for n, (function, arguments, outputs, filters) in enumerate(self.steps):
            if function is None:
                value = given[outputs] if outputs in given else values[outputs]
                for f in filters:
                    value = f(value)
                values[outputs] = value
                continue
            if stop is not None and not n % 64 and stop.is_set():
                raise DispatcherAbort
            result = function(*[v for v in (values[a] for a in arguments) if v is not _NONE])
            for f in filters:
                result = f(result)
            if len(outputs) == 1:
                if result is _NONE:
                    raise _Unplanned
                values[outputs[0]] = result
            else:
                for name, v in zip(outputs, result):
                    if name is not None:
                        if v is _NONE:
                            raise _Unplanned
                        values[name] = v
        return values


def plan(entries, nodes, known, why: list | None = None) -> Plan | None:
    """The plan of schedula's executed ``entries`` ((node id, next nodes) in order) over ``nodes``, with the
    nodes ``known`` before the first step; None when it uses anything a plan does not model (the reason is
    appended to ``why``)."""
    known, steps, producers, stepped = set(known), [], {}, []
    done = set()

    def refuse(reason, node_id):
        if why is not None:
            why.append(f"{reason}: {node_id}")
        return None
    for node_id, next_nodes in entries:
        if node_id is sh.START:
            done.add(node_id)         # schedula's start node, the input of constant formulas: its value is NONE
            continue
        attr = nodes.get(node_id)
        if attr is None:
            return refuse("not a node of the dispatcher", node_id)
        if attr["type"] == "data":
            made_by = producers.get(node_id, 0)
            if set(attr) - _DATA_KEYS or attr["wait_inputs"]:
                return refuse(f"a data node with {sorted(set(attr) - _DATA_KEYS) or 'wait_inputs'}", node_id)
            if node_id in done or made_by > 1:
                return refuse("a data node set twice or with several estimations", node_id)
            if (made_by == 1) == (node_id in known):
                return refuse("a data node with no estimation, or an input also computed", node_id)
            filters = tuple(attr.get("filters", ()))
            if not all(_plain_callable(f) for f in filters):
                return refuse("a filter that is a dispatcher", node_id)
            done.add(node_id)
            stepped.append(node_id)
            steps.append((None, None, node_id, filters))
        elif attr["type"] == "function":
            filters = tuple(attr.get("filters", ()))
            if set(attr) - _FUNCTION_KEYS or not attr["wait_inputs"]:
                return refuse(f"a function node with {sorted(set(attr) - _FUNCTION_KEYS) or 'no wait_inputs'}",
                              node_id)
            if not _plain_callable(attr["function"]) or not all(_plain_callable(f) for f in filters):
                return refuse("a function or filter that is a dispatcher", node_id)
            if not all(i in done for i in attr["inputs"]):
                return refuse("a function run before its inputs", node_id)
            # schedula sets only the outputs its run reached (the pipe's next nodes)
            outputs = tuple(o if o in next_nodes else None for o in attr["outputs"])
            if all(o is None for o in outputs):
                continue              # its outputs were already set: schedula drops it without a call
            for o in outputs:
                if o is not None:
                    producers[o] = producers.get(o, 0) + 1
            steps.append((attr["function"], tuple(attr["inputs"]), outputs, filters))
        else:
            return refuse(f"a {attr['type']} node", node_id)
    return Plan(tuple(steps), frozenset(known), tuple(stepped))


class FastPipe:
    """A cell's ``DispatchPipe`` run by its plan; called like the pipe (positional inputs in its order)."""

    __slots__ = ("original", "inputs", "output", "plan", "defaults")

    def __init__(self, original: DispatchPipe, inputs, output, plan_: Plan, defaults):
        self.original, self.inputs, self.output, self.plan, self.defaults = original, inputs, output, plan_, defaults

    def __call__(self, *args):
        if len(args) != len(self.inputs) or any(a is _NONE for a in args):
            return self.original(*args)
        values = dict(self.defaults)
        values.update(zip(self.inputs, args))
        try:
            value = self.plan.run(values)[self.output]
        except Exception:   # noqa: BLE001 - the engine's own pipe decides what an exception means
            return self.original(*args)
        return value

    def __getattr__(self, name):      # the cell's wrapper and cycle checks read the pipe's dsp, inputs ...
        return getattr(self.original, name)


def fast_pipe(pipe) -> FastPipe | None:
    """A cell's compiled pipe run by its plan, or None when the plan cannot model it."""
    if type(pipe) is not DispatchPipe or len(pipe.outputs or ()) != 1 or pipe.output_type != "values":
        return None
    inputs = list(pipe.inputs or ())
    if len(set(inputs)) != len(inputs):
        return None
    defaults = {k: v["value"] for k, v in pipe.dsp.default_values.items() if k not in inputs}
    p = plan(((e[0][-1][0], e[1]) for e in pipe.pipe), pipe.dsp.nodes, set(inputs) | set(defaults))
    if p is None or pipe.outputs[0] not in p.data:
        return None
    return FastPipe(pipe, tuple(inputs), pipe.outputs[0], p, defaults)


def speed_up_cells(dsp) -> tuple[int, int]:
    """Give every formula cell of a loaded `formulas` model its plan; (cells planned, cells kept)."""
    planned = kept = 0
    for attr in dsp.function_nodes.values():
        wrapper = attr.get("function")
        inner = getattr(wrapper, "func", None)
        if type(wrapper).__name__ != "CellWrapper" or not isinstance(inner, DispatchPipe):
            continue
        fast = fast_pipe(inner)
        if fast is None:
            kept += 1
        else:
            wrapper.func = fast
            planned += 1
    return planned, kept


class WorkbookPlan:
    """A loaded workbook's dispatch replayed: ``calculate(inputs)`` gives what schedula's solution holds (data
    node -> value) or None when schedula must do it (an input that is neither one of the loaded constants nor a
    formula's cell, a call that raised or gave no value)."""

    def __init__(self, plan_: Plan, defaults: dict):
        self.plan, self.defaults = plan_, defaults
        # cells a formula computes, which an input may replace (not ranges or names: other steps assemble those)
        self.cells = frozenset(k for k in plan_.data if k not in defaults and isinstance(k, str) and "!" in k
                               and k.startswith("'[") and ":" not in k.rsplit("!", 1)[1])

    def calculate(self, inputs: dict, stop: threading.Event | None = None) -> dict | None:
        given = {k: v for k, v in inputs.items() if k not in self.defaults}
        if any(k not in self.cells for k in given):
            return None                   # not a loaded constant nor a formula's cell: schedula decides
        values = dict(self.defaults)
        values.update(inputs)
        try:
            values = self.plan.run(values, stop, given)
        except DispatcherAbort:
            raise
        except Exception:   # noqa: BLE001 - schedula decides what an exception means
            return None
        return {k: values[k] for k in self.plan.data}   # data nodes only, as in schedula's solution


def workbook_plan(dsp, solution, why: list | None = None, stop: threading.Event | None = None
                  ) -> WorkbookPlan | None:
    """The plan of a workbook's dispatch (``solution``: schedula's run of it with no inputs), checked to give
    the same solution; None when it cannot be planned or gives anything else."""
    defaults = {k: v["value"] for k, v in dsp.default_values.items()}
    entries = []
    for task in solution._pipe:
        node_id = task[-1][0]
        if task[-1][1] is not solution:
            return _refused(why, "a sub-dispatcher's step")
        entries.append((node_id, solution.workflow.succ.get(node_id, {})))
    p = plan(entries, dsp.nodes, defaults, why)
    if p is None:
        return None
    replay = WorkbookPlan(p, defaults)
    got = replay.calculate({}, stop)
    if got is None or set(got) != set(solution):
        return _refused(why, "the replay does not set the nodes schedula set")
    differ = [k for k in got if not _same(got[k], solution[k])]
    if differ:
        return _refused(why, f"the replay gives other values than schedula: {differ[0]}")
    return replay


def _refused(why, reason):
    if why is not None:
        why.append(reason)
    return None


def _same(a, b) -> bool:
    """Identical values (NaN equal to NaN), element by element and of the same types."""
    if a is b:
        return True
    if type(a) is not type(b) or getattr(a, "ranges", None) != getattr(b, "ranges", None):
        return False
    va, vb = getattr(a, "value", a), getattr(b, "value", b)
    if isinstance(va, np.ndarray) or isinstance(vb, np.ndarray):
        if np.shape(va) != np.shape(vb):
            return False
        return all(_same_scalar(x, y) for x, y in zip(np.ravel(va).tolist(), np.ravel(vb).tolist()))
    return _same_scalar(va, vb)


def _same_scalar(x, y) -> bool:
    if type(x) is not type(y):
        return False
    try:
        return bool(x == y) or (x != x and y != y)
    except Exception:   # noqa: BLE001 - anything not comparable is not the same
        return False
