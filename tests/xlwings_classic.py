"""Run xlwings' classic (Windows COM) UDF code on Linux, for tests and benchmarks.

``classic_xlwings()`` puts stand-ins for the pywin32 modules (pythoncom, pywintypes, win32api,
win32event, win32com.*) and for xlwings' Excel engine into ``sys.modules``, imports the real
``xlwings.udfs`` and ``xlwings.com_server``, points ``xlwings.func/arg/ret`` at the classic decorators
(as ``xlwings/__init__.py`` does on Windows) and imports ``ictco2_xl.udfs`` afresh under them. On exit
every module, attribute and engine is put back, so nothing leaks into other tests.

Inside, ``Classic.call(name, *args)`` goes through ``XLPython.CallUDF``, the entry point the generated
VBA calls: argument conversion (``call_udf`` + ``xlwings.conversion``) and result conversion are
xlwings' own. Arguments are what COM would deliver: ``MISSING`` for an omitted argument, scalars,
tuples of tuples for array constants, or ``ComRange`` for a worksheet range.
"""
from __future__ import annotations

import contextlib
import datetime as dt
import importlib
import io
import sys
import types
from dataclasses import dataclass

import xlwings

MISSING = -2147352572  # DISP_E_PARAMNOTFOUND: what VBA passes for an omitted Optional argument
# Excel cell errors as COM delivers them (subset of xlwings._xlwindows.cell_errors).
CELL_ERRORS = {-2146826281: "#DIV/0!", -2146826246: "#N/A", -2146826259: "#NAME?", -2146826288: "#NULL!",
               -2146826252: "#NUM!", -2146826265: "#REF!", -2146826273: "#VALUE!"}
STUBBED = ("pythoncom", "pywintypes", "win32api", "win32event", "win32com", "win32com.client", "win32com.server",
           "win32com.server.dispatcher", "win32com.server.policy", "win32com.server.util", "xlwings._xlwindows",
           "xlwings.udfs", "xlwings.com_server", "ictco2_xl.udfs", "ictco2_xl.excel.udfs", "ictco2_xl_per_cell_conversion")


class StandInExcelEngine:
    """The parts of ``xlwings._xlwindows.Engine`` the conversion layer uses, with the same rules."""

    name = "excel"
    type = "desktop"

    @staticmethod
    def clean_value_data(data, datetime_builder, empty_as, number_builder, err_to_str):
        def clean(value):
            if value in ("", None):
                return empty_as
            if isinstance(value, dt.datetime):
                return datetime_builder(month=value.month, day=value.day, year=value.year, hour=value.hour,
                                        minute=value.minute, second=value.second, microsecond=value.microsecond,
                                        tzinfo=None)
            if number_builder is not None and isinstance(value, float):
                return number_builder(value)
            if isinstance(value, int) and value in CELL_ERRORS:
                return CELL_ERRORS[value] if err_to_str else None
            return value
        return [[clean(c) for c in row] for row in data]

    @staticmethod
    def prepare_xl_data_element(x, options):
        if isinstance(x, float) and x != x:
            return ""
        return "" if x is None else x


class ComRange:
    """A worksheet range as the VBA wrapper passes it (a COM Range object)."""

    def __init__(self, values):
        self.values = tuple(tuple(row) for row in values)


class _RangeImpl:
    """``xlwings._xlwindows.Range`` stand-in: the engine chain and the raw values of a ComRange."""

    max_cells_per_read = None

    def __init__(self, xl=None, engine=None):
        self.xl = xl
        self.options = {}
        app = types.SimpleNamespace(engine=engine, pid=0)
        self.sheet = types.SimpleNamespace(book=types.SimpleNamespace(app=app))

    @property
    def raw_value(self):
        return self.xl.values


def _stub_modules(engine) -> dict[str, types.ModuleType]:
    def module(name, **attrs):
        m = types.ModuleType(name)
        m.__dict__.update(attrs)
        return m

    class PyIDispatch:  # never matches: arguments are plain Python values
        pass

    def unwrap(obj):
        raise ValueError("not a wrapped Python object")

    win32com = module("win32com")
    client = module("win32com.client", Dispatch=lambda *a, **k: None)
    server = module("win32com.server")
    parts = {"dispatcher": module("win32com.server.dispatcher"), "policy": module("win32com.server.policy"),
             "util": module("win32com.server.util", unwrap=unwrap, wrap=lambda obj, *a: obj)}
    win32com.client, win32com.server = client, server
    for k, v in parts.items():
        setattr(server, k, v)
    return {
        "pythoncom": module("pythoncom", CoInitialize=lambda: None, IID_IDispatch="IDispatch",
                            TypeIIDs={"IDispatch": PyIDispatch}),
        "pywintypes": module("pywintypes", com_error=type("com_error", (Exception,), {})),
        "win32api": module("win32api"), "win32event": module("win32event"),
        "win32com": win32com, "win32com.client": client, "win32com.server": server,
        **{f"win32com.server.{k}": v for k, v in parts.items()},
        "xlwings._xlwindows": module("xlwings._xlwindows", BOOK_CALLER=None,
                                     is_range_instance=lambda x: isinstance(x, ComRange),
                                     Range=lambda xl=None: _RangeImpl(xl, engine.impl)),
    }


PER_CELL_MODULE = "ictco2_xl_per_cell_conversion"


def per_cell_module() -> types.ModuleType:
    """ictco2_xl's worksheet callables decorated with xlwings' own per-cell argument conversion (``ndim=2,
    err_to_str=True``): how the classic add-in converted arguments before the bulk conversion of
    ``ictco2_xl.excel.cells``. The reference for tests (same cells) and the baseline of bench_udfs."""
    from ictco2_xl.excel.worksheet import CATEGORY, build_functions
    module = types.ModuleType(PER_CELL_MODULE)
    module.__file__ = f"<{PER_CELL_MODULE}>"  # no file: xlwings never reloads it
    for name, f in build_functions().items():
        for arg_name, help_text in f.arg_help.items():
            f = xlwings.arg(arg_name, ndim=2, err_to_str=True, doc=help_text)(f)
        setattr(module, name, xlwings.func(category=CATEGORY)(xlwings.ret("raw")(f)))
    return module


@dataclass
class Classic:
    udfs: types.ModuleType            # ictco2_xl.udfs imported under the classic decorators
    xlwings_udfs: types.ModuleType    # xlwings.udfs (real)
    com_server: types.ModuleType      # xlwings.com_server (real)

    def call(self, name: str, *args, module: str = "ictco2_xl.udfs"):
        """``=NAME(args)`` as Excel runs it: VBA passes every declared argument, MISSING for omitted ones."""
        declared = len(getattr(self.udfs, name).__xlfunc__["args"])
        args = tuple(args) + (MISSING,) * (declared - len(args))
        return self.com_server.XLPython().CallUDF(module, name, args)

    def call_per_cell(self, name: str, *args):
        """The same call with xlwings' per-cell argument conversion (see :func:`per_cell_module`)."""
        return self.call(name, *args, module=PER_CELL_MODULE)

    def vba(self) -> str:
        """The VBA module Import Functions would write for ictco2_xl.udfs."""
        out = io.StringIO()
        book = types.SimpleNamespace(Name="udf_demo.xlsm")
        self.xlwings_udfs.generate_vba_wrapper("ictco2_xl.udfs", self.udfs, out, book)
        return out.getvalue()


@contextlib.contextmanager
def classic_xlwings():
    saved_modules = {name: sys.modules.get(name) for name in STUBBED}
    saved_attrs = {"func": xlwings.func, "arg": xlwings.arg, "ret": xlwings.ret}
    saved_submodules = {a: vars(xlwings).get(a) for a in ("udfs", "com_server", "_xlwindows")}
    import ictco2_xl
    import ictco2_xl.excel
    saved_packages = [(pkg, "udfs" in vars(pkg), vars(pkg).get("udfs")) for pkg in (ictco2_xl, ictco2_xl.excel)]
    engine = xlwings.Engine(impl=StandInExcelEngine())
    added_engine = "excel" not in xlwings.engines.engines_by_name
    com_server = None
    try:
        for name in STUBBED:
            sys.modules.pop(name, None)
        stubs = _stub_modules(engine)
        sys.modules.update(stubs)
        xlwings._xlwindows = stubs["xlwings._xlwindows"]
        if added_engine:
            xlwings.engines.add(engine)
        xlwings_udfs = importlib.import_module("xlwings.udfs")
        com_server = importlib.import_module("xlwings.com_server")
        xlwings.func, xlwings.arg, xlwings.ret = xlwings_udfs.xlfunc, xlwings_udfs.xlarg, xlwings_udfs.xlret
        udfs = importlib.import_module("ictco2_xl.udfs")
        sys.modules[PER_CELL_MODULE] = per_cell_module()
        yield Classic(udfs, xlwings_udfs, com_server)
    finally:
        if com_server is not None:
            com_server.loop.close()
        if "xlwings.udfs" in sys.modules:
            sys.modules["xlwings.udfs"].com_executor.shutdown(wait=False)
        for name, attr in saved_attrs.items():
            setattr(xlwings, name, attr)
        if added_engine:
            xlwings.engines.engines.remove(engine)
            del xlwings.engines.engines_by_name["excel"]
        for name, mod in saved_modules.items():
            if mod is None:
                sys.modules.pop(name, None)
            else:
                sys.modules[name] = mod
        for attr, mod in saved_submodules.items():
            if mod is not None:
                setattr(xlwings, attr, mod)
            elif attr in vars(xlwings):
                delattr(xlwings, attr)
        for pkg, had_udfs, saved_udfs_attr in saved_packages:
            if had_udfs:
                pkg.udfs = saved_udfs_attr
            elif "udfs" in vars(pkg):
                del pkg.udfs
