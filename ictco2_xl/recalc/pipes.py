"""A loaded workbook's calculation run as a plain sequence of calls instead of schedula dispatches.

`formulas` compiles every cell's formula into a small schedula ``DispatchPipe`` (a node per operator, function
and reference) and a workbook into a dispatcher over its cells, and runs both through schedula's dispatcher
machinery on every calculation: solution objects, a workflow graph with an edge per value, estimation
bookkeeping. For our templates that bookkeeping is about two thirds of a calculation. A :class:`Plan` is the
order schedula itself followed, recorded once per loaded workbook (a cell's compiled pipe; the workbook's
dispatch of its own values): the same function objects called in the same order with the same arguments (the
data nodes' values, their filters applied, NONE dropped, as schedula passes them). So the results are the
engine's; only the scheduling is done here.

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
    did not set). ``data`` are the data nodes it sets, in order."""

    __slots__ = ("steps", "data")

    def __init__(self, steps, data):
        self.steps, self.data = steps, data

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


def plan(entries, nodes, known) -> Plan | None:
    """The plan of schedula's executed ``entries`` ((node id, next nodes) in order) over ``nodes``, with the
    nodes ``known`` before the first step; None when it uses anything a plan does not model."""
    steps, producers, stepped, done = [], {}, [], set()
    for node_id, next_nodes in entries:
        if node_id is sh.START:
            done.add(node_id)         # schedula's start node, the input of constant formulas: its value is NONE
            continue
        attr = nodes.get(node_id)
        if attr is None:              # not a node of this dispatcher
            return None
        if attr["type"] == "data":
            made_by = producers.get(node_id, 0)
            filters = tuple(attr.get("filters", ()))
            if (set(attr) - _DATA_KEYS or attr["wait_inputs"]                # waits for several estimations
                    or node_id in done or made_by > 1                       # set twice, several estimations
                    or (made_by == 1) == (node_id in known)                 # none, or an input also computed
                    or not all(_plain_callable(f) for f in filters)):
                return None
            done.add(node_id)
            stepped.append(node_id)
            steps.append((None, None, node_id, filters))
        elif attr["type"] == "function":
            filters = tuple(attr.get("filters", ()))
            if (set(attr) - _FUNCTION_KEYS or not attr["wait_inputs"] or not _plain_callable(attr["function"])
                    or not all(_plain_callable(f) for f in filters)
                    or not all(i in done for i in attr["inputs"])):         # run before its inputs
                return None
            # schedula sets only the outputs its run reached (the pipe's next nodes)
            outputs = tuple(o if o in next_nodes else None for o in attr["outputs"])
            if all(o is None for o in outputs):
                continue              # its outputs were already set: schedula drops it without a call
            for o in outputs:
                if o is not None:
                    producers[o] = producers.get(o, 0) + 1
            steps.append((attr["function"], tuple(attr["inputs"]), outputs, filters))
        else:                         # a sub-dispatcher or another kind of node
            return None
    return Plan(tuple(steps), tuple(stepped))


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


def _cell_wrappers(dsp):
    for attr in dsp.function_nodes.values():
        wrapper = attr.get("function")
        if type(wrapper).__name__ == "CellWrapper":
            yield wrapper


def speed_up_cells(dsp) -> None:
    """Give every formula cell of a loaded `formulas` model that a plan can model its plan."""
    for wrapper in _cell_wrappers(dsp):
        fast = fast_pipe(wrapper.func) if isinstance(wrapper.func, DispatchPipe) else None
        if fast is not None:
            wrapper.func = fast


def restore_cells(dsp) -> list[tuple[object, FastPipe]]:
    """Every planned cell of ``dsp`` back on its own pipe; returns (cell wrapper, its plan) for each."""
    restored = [(w, w.func) for w in _cell_wrappers(dsp) if isinstance(w.func, FastPipe)]
    for wrapper, fast in restored:
        wrapper.func = fast.original
    return restored


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


def workbook_plan(dsp, solution, stop: threading.Event | None = None) -> WorkbookPlan | None:
    """The plan of a workbook's dispatch (``solution``: schedula's run of it with no inputs), checked to give
    the same solution, value for value and type for type; None when it cannot be planned or gives anything
    else."""
    defaults = {k: v["value"] for k, v in dsp.default_values.items()}
    entries = []
    for task in solution._pipe:
        node_id = task[-1][0]
        if task[-1][1] is not solution:
            return None                   # a sub-dispatcher's step
        entries.append((node_id, solution.workflow.succ.get(node_id, {})))
    p = plan(entries, dsp.nodes, defaults)
    if p is None:
        return None
    replay = WorkbookPlan(p, defaults)
    got = replay.calculate({}, stop)
    if got is None or set(got) != set(solution) or not all(_same(got[k], solution[k]) for k in got):
        return None
    return replay


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
