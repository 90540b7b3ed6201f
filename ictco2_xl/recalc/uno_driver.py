"""Drive one persistent LibreOffice over UNO; run by the *system* Python, not the project's environment.

Debian's ``python3-uno`` is importable only by /usr/bin/python3, so ``libreoffice.Session`` starts this
script there as a subprocess and speaks JSON lines with it over stdin/stdout:

    <- {"ready": true, "version": "7.4"}                       once soffice accepts connections
    -> {"in": "/abs/in.xlsx", "areas": {"Sheet1": [rows, cols]}}  recalculate and read every value
                                                                 (areas optional: how far cells reach)
    <- {"ok": true, "sheets": {"Sheet1": [[row, col, value], ...]}}   (0-based; errors as
                                                                 {"error": code, "text": "#DIV/0!"})
    -> {"in": "/abs/in.xlsx", "out": "/abs/out.pdf", "filter": "calc_pdf_Export"}   recalculate and store
    <- {"ok": true}
    <- {"ok": false, "error": "one line"}                      when a document fails

Each document is loaded read-only with macros off and links never updated, recalculated in full
(``calculateAll``; the profile also sets OOXMLRecalcMode=0), then read over UNO (much faster than storing a
copy and reading it back: loaded without a frame or view, with the filter type detection picks) or stored
in the requested format (loaded in a hidden frame, as printing needs a view).
Standard library and ``uno`` only: this file must not import ictco2_xl or anything the venv holds.
"""
import json
import os
import subprocess
import sys
import time

import uno  # noqa: E402  (the system python3-uno)
from com.sun.star.beans import PropertyValue  # noqa: E402
from com.sun.star.connection import NoConnectException  # noqa: E402


def prop(name, value):
    p = PropertyValue()
    p.Name, p.Value = name, value
    return p


def send(obj):
    sys.stdout.write(json.dumps(obj) + "\n")
    sys.stdout.flush()


def start(soffice, profile, pipe):
    cmd = [soffice, "-env:UserInstallation=" + uno.systemPathToFileUrl(profile), "--headless", "--invisible",
           "--nocrashreport", "--nodefault", "--nologo", "--nofirststartwizard", "--norestore",
           "--accept=pipe,name=%s;urp;StarOffice.ComponentContext" % pipe]
    # Same process group as this driver: the parent kills the whole group on a timeout.
    office = subprocess.Popen(cmd, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    local = uno.getComponentContext()
    resolver = local.ServiceManager.createInstanceWithContext("com.sun.star.bridge.UnoUrlResolver", local)
    url = "uno:pipe,name=%s;urp;StarOffice.ComponentContext" % pipe
    deadline = time.monotonic() + 60
    while True:
        try:
            ctx = resolver.resolve(url)
            break
        except NoConnectException:
            if office.poll() is not None:
                raise RuntimeError("soffice exited with code %s before accepting connections" % office.returncode)
            if time.monotonic() > deadline:
                raise RuntimeError("soffice did not accept connections within 60 s")
            time.sleep(0.05)
    desktop = ctx.ServiceManager.createInstanceWithContext("com.sun.star.frame.Desktop", ctx)
    return office, desktop, ctx


LOAD = (prop("Hidden", True), prop("ReadOnly", True), prop("MacroExecutionMode", 0),  # NEVER_EXECUTE
        prop("UpdateDocMode", 0),  # NO_UPDATE: never follow links (the caller refuses them before anyway)
        prop("Silent", True))


CALC_DOCUMENT = "com.sun.star.sheet.SpreadsheetDocument"


def open_document(desktop, path):
    """The document in a hidden frame (with a view: what storing as PDF prints)."""
    doc = desktop.loadComponentFromURL(uno.systemPathToFileUrl(path), "_blank", 0, LOAD)
    if doc is None:
        raise RuntimeError("LibreOffice could not open the file")
    if hasattr(doc, "calculateAll"):
        doc.calculateAll()      # a hard recalculation, whatever the file's cached values say
    return doc


class Loader:
    """Documents only read for their values are loaded without a frame or a view (the same import and
    recalculation, about a fifth less work per workbook); the filter is the one type detection chooses.
    A file that is not detected as a spreadsheet is opened as before, in a hidden frame."""

    def __init__(self, desktop, ctx):
        self.desktop, self.ctx = desktop, ctx
        self.detection = ctx.ServiceManager.createInstanceWithContext("com.sun.star.document.TypeDetection", ctx)
        self.filters = {}     # type name -> its preferred filter when that filter imports into Calc, else None

    def _filter(self, url):
        type_name, _ = self.detection.queryTypeByDescriptor((prop("URL", url),), False)
        if type_name not in self.filters:
            filt = None
            if type_name and self.detection.hasByName(type_name):
                info = {p.Name: p.Value for p in self.detection.getByName(type_name)}
                preferred = info.get("PreferredFilter") or ""
                factory = self.ctx.ServiceManager.createInstanceWithContext("com.sun.star.document.FilterFactory",
                                                                            self.ctx)
                if preferred and factory.hasByName(preferred):
                    service = {p.Name: p.Value for p in factory.getByName(preferred)}.get("DocumentService")
                    filt = preferred if service == CALC_DOCUMENT else None
            self.filters[type_name] = filt
        return self.filters[type_name]

    def values_document(self, path):
        url = uno.systemPathToFileUrl(path)
        filt = self._filter(url)
        if filt is None:
            return open_document(self.desktop, path)
        doc = self.ctx.ServiceManager.createInstanceWithContext(CALC_DOCUMENT, self.ctx)
        doc.load((prop("URL", url), prop("FilterName", filt)) + tuple(p for p in LOAD if p.Name != "Hidden"))
        doc.calculateAll()      # a hard recalculation, whatever the file's cached values say
        return doc


def store(doc, dst, filter_name):
    doc.storeToURL(uno.systemPathToFileUrl(dst), (prop("FilterName", filter_name), prop("Overwrite", True)))


def read_values(doc, areas=None):
    """Every non-empty cell of every sheet: {sheet: [[row, col, value], ...]}, errors as their text.

    ``areas`` ({sheet: [rows, columns]}, from the caller's own reading of the file) says how far each
    sheet's cells reach; a sheet not in it is asked for its used area (a cursor: two more objects over the
    bridge, each costing more than reading the values). The data array gives None exactly for a formula cell
    whose result is an error, so only those cells are asked for their error (a query of every sheet's error
    cells cost as much as reading all its values)."""
    out = {}
    sheets = doc.getSheets()
    areas = areas or {}
    for k, name in enumerate(sheets.getElementNames()):
        sheet, rng, area = None, None, areas.get(name)
        if area is not None:
            rows, cols = area
            try:
                rng = sheets.getCellRangeByPosition(0, 0, cols - 1, rows - 1, k) if rows and cols else None
            except Exception:  # beyond this LibreOffice's sheet size: ask for the used area instead
                area = None
        if area is None:
            sheet = sheets.getByIndex(k)
            cursor = sheet.createCursor()
            cursor.gotoEndOfUsedArea(False)
            end = cursor.getRangeAddress()
            if end.EndRow >= 0 and end.EndColumn >= 0:
                rng = sheet.getCellRangeByPosition(0, 0, end.EndColumn, end.EndRow)
        cells = []
        if rng is not None:
            data, formulas = rng.getDataArray(), rng.getFormulaArray()
            for r, (values, texts) in enumerate(zip(data, formulas)):
                for c, (value, text) in enumerate(zip(values, texts)):
                    if value == "" and text == "":
                        continue
                    if value is None:
                        sheet = sheet or sheets.getByIndex(k)
                        cell = sheet.getCellByPosition(c, r)
                        code = cell.getError()
                        if code:
                            value = {"error": code, "text": cell.getString()}
                    cells.append([r, c, value])
        out[name] = cells
    return out


def main():
    soffice, profile, pipe = sys.argv[1:4]
    try:
        office, desktop, ctx = start(soffice, profile, pipe)
        loader = Loader(desktop, ctx)
    except Exception as exc:
        send({"ready": False, "error": str(exc).splitlines()[0] if str(exc) else type(exc).__name__})
        return 1
    send({"ready": True})
    try:
        for line in sys.stdin:
            request = json.loads(line)
            try:
                doc = (open_document(desktop, request["in"]) if request.get("out")
                       else loader.values_document(request["in"]))
                try:
                    if request.get("out"):
                        store(doc, request["out"], request["filter"])
                        send({"ok": True})
                    else:
                        send({"ok": True, "sheets": read_values(doc, request.get("areas"))})
                finally:
                    doc.close(True)
            except Exception as exc:  # UNO raises its own exception types; report one line and go on
                text = getattr(exc, "Message", "") or str(exc) or type(exc).__name__
                send({"ok": False, "error": text.strip().splitlines()[0] if text.strip() else type(exc).__name__})
    finally:
        try:
            desktop.terminate()
        except Exception:  # soffice may already be gone: the parent kills the group anyway
            pass
        try:
            office.wait(timeout=10)
        except subprocess.TimeoutExpired:
            office.kill()
    return 0


if __name__ == "__main__":
    os.environ.pop("PYTHONPATH", None)
    sys.exit(main())
