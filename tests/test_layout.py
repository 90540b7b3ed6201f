"""The folder list tells the architecture: no import cycle between modules, and each layer imports only
the layers beneath it (the core nothing outside itself but numpy and pandas)."""
import ast
import sys
from pathlib import Path

import ictco2_xl

PACKAGE = Path(ictco2_xl.__file__).resolve().parent
ROOT = "ictco2_xl"

# Which parts of the package each part may import (besides itself and the root's __version__).
ALLOWED = {
    "core": set(),
    "excel": {"core"},
    "workbook": {"core"},
    "recalc": {"core", "excel", "workbook"},
    "tables": {"core"},
    "files": {"core"},
    "batch": {"core", "tables", "files", "workbook", "recalc"},
    "cli": {"core", "excel", "workbook", "recalc", "tables", "files", "batch"},
}
CORE_THIRD_PARTY = {"numpy", "pandas"}


def _module_name(path: Path) -> str:
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _modules() -> dict[str, Path]:
    return {_module_name(p): p for p in PACKAGE.rglob("*.py")}


def _is_type_checking(node) -> bool:
    return isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test)


def _imports(name: str, path: Path, modules) -> tuple[set[str], set[str]]:
    """(package modules, top-level outside packages) imported anywhere in the file, functions included;
    `if TYPE_CHECKING:` blocks (annotations only) are skipped."""
    is_pkg = path.name == "__init__.py"
    package = name if is_pkg else name.rpartition(".")[0]
    inside, outside = set(), set()
    todo = [ast.parse(path.read_text(encoding="utf-8"))]
    while todo:
        node = todo.pop()
        if _is_type_checking(node):
            continue
        todo.extend(ast.iter_child_nodes(node))
        if isinstance(node, ast.Import):
            for a in node.names:
                (inside if a.name.split(".")[0] == ROOT else outside).add(a.name.split(".")[0] if
                                                                          a.name.split(".")[0] != ROOT else a.name)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")[: len(package.split(".")) - node.level + 1]
                target = ".".join(base + ([node.module] if node.module else []))
            else:
                target = node.module
            if target.split(".")[0] != ROOT:
                outside.add(target.split(".")[0])
                continue
            for a in node.names:  # `from . import module` imports the module itself
                sub = f"{target}.{a.name}"
                inside.add(sub if sub in modules else target)
    inside = {m if m in modules else m.rpartition(".")[0] for m in inside}
    return inside - {name}, outside


def _graph():
    modules = _modules()
    return {name: _imports(name, path, modules) for name, path in modules.items()}, modules


def _part(module: str) -> str:
    parts = module.split(".")
    return parts[1] if len(parts) > 1 else ""


def test_no_import_cycle():
    graph, _ = _graph()
    edges = {m: inside for m, (inside, _) in graph.items()}
    state: dict[str, int] = {}
    stack: list[str] = []

    def visit(m):
        state[m] = 1
        stack.append(m)
        for n in sorted(edges.get(m, ())):
            if state.get(n) == 1:
                cycle = stack[stack.index(n):] + [n]
                raise AssertionError("import cycle: " + " -> ".join(cycle))
            if n not in state:
                visit(n)
        stack.pop()
        state[m] = 2

    for m in sorted(edges):
        if m not in state:
            visit(m)


def test_each_part_imports_only_the_parts_beneath_it():
    graph, _ = _graph()
    wrong = []
    for module, (inside, _) in graph.items():
        part = _part(module)
        if part not in ALLOWED:  # the root package and its thin re-exports (udfs, __main__)
            continue
        for target in inside:
            other = _part(target)
            if target != ROOT and other != part and other not in ALLOWED[part]:
                wrong.append(f"{module} imports {target}")
    assert not wrong, "\n".join(sorted(wrong))


def test_core_imports_nothing_outside_numpy_pandas_and_the_standard_library():
    graph, _ = _graph()
    stdlib = set(sys.stdlib_module_names)
    wrong = [f"{m} imports {o}" for m, (inside, outside) in graph.items() if _part(m) == "core"
             for o in outside if o not in stdlib and o not in CORE_THIRD_PARTY]
    wrong += [f"{m} imports {t}" for m, (inside, _) in graph.items() if _part(m) == "core"
              for t in inside if _part(t) != "core"]
    assert not wrong, "\n".join(sorted(wrong))


def test_the_checker_sees_imports_inside_functions():
    graph, _ = _graph()
    inside, _ = graph["ictco2_xl.cli.workbooks"]
    assert "ictco2_xl.batch" in inside  # imported lazily inside cmd_batch
