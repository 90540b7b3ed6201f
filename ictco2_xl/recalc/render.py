"""Render workbooks as a person sees them: LibreOffice with its default settings (cached values shown as
they are, nothing recalculated that LibreOffice would not) prints them to PDF; poppler's ``pdftoppm`` turns
the pages into PNGs and ``pdftotext`` reads their text layer back, for reviewers and for tests.

    from ictco2_xl.recalc.render import render_pdf, pdf_pages_png, pdf_text
"""
from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

from .errors import RecalcError
from .soffice import CHUNK, convert

POPPLER_HINT = "install poppler-utils (apt-get install -y poppler-utils)"


def render_pdf(paths, out_dir, timeout: float | None = None) -> list[Path]:
    """Print every workbook to ``out_dir/<stem>.pdf`` with LibreOffice's default settings (a few dozen per
    soffice process); returns the PDFs."""
    missing = [str(p) for p in paths if not Path(p).is_file()]
    if missing:
        raise RecalcError(f"no such workbook: {', '.join(missing)}")
    if timeout is None:   # printing lays out every page and chart: slower than recalculating
        timeout = 120 + 6 * min(len(paths), CHUNK)
    return convert(paths, out_dir, timeout, fmt="pdf", recalculate=False)


def _poppler(tool: str) -> str:
    exe = shutil.which(tool)
    if exe is None:
        raise RecalcError(f"{tool} is not installed; {POPPLER_HINT}")
    return exe


def pdf_pages_png(pdf, out_dir, dpi: int = 80) -> list[Path]:
    """One PNG per page of ``pdf``: ``out_dir/<stem>-<page>.png``."""
    pdf, out = Path(pdf), Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    for old in out.glob(f"{pdf.stem}-*.png"):
        old.unlink()
    subprocess.run([_poppler("pdftoppm"), "-png", "-r", str(dpi), str(pdf), str(out / pdf.stem)], check=True,
                   capture_output=True, timeout=300)
    return sorted(out.glob(f"{pdf.stem}-*.png"), key=lambda p: int(p.stem.rsplit("-", 1)[1]))


def pdf_text(pdf) -> list[str]:
    """The text layer of every page (``pdftotext -layout``), one string per page."""
    done = subprocess.run([_poppler("pdftotext"), "-layout", str(pdf), "-"], check=True, capture_output=True,
                          timeout=300)
    pages = done.stdout.decode("utf-8", errors="replace").split("\f")
    return pages[:-1] if pages and not pages[-1].strip() else pages


__all__ = ["render_pdf", "pdf_pages_png", "pdf_text"]
