"""Charts of the core's analyses (matplotlib, an optional dependency: the ``plot`` extra).

    from ictco2_xl.core.analysis.sensitivity import sensitivity
    from ictco2_xl.workbook.charts import tornado_png
    tornado_png(sensitivity("LOGISTICS_POTENTIAL"), "tornado.png")
"""
from __future__ import annotations

import re
from pathlib import Path

from ..core.analysis.sensitivity import Sensitivity
from ..core.errors import ICTCO2Error, MissingDependency

LOW_COLOUR, HIGH_COLOUR = "#4C72B0", "#DD8452"


class ChartError(ICTCO2Error):
    """A chart cannot be drawn (e.g. matplotlib is not installed)."""


def _pyplot():
    try:
        import matplotlib
        matplotlib.use("Agg")  # files only: no display needed (CI, servers)
        import matplotlib.pyplot as plt
    except ImportError:
        raise MissingDependency("matplotlib", "plot", "charts") from None
    return plt


def _latin(text: str) -> str:
    """Text without Chinese: matplotlib's bundled font has no CJK glyphs, and most CI machines none either."""
    text = re.sub(r"\s*[(（][^()（）]*[\u3000-\u9fff][^()（）]*[)）]", "", text)
    return re.sub(r"[\u3000-\u9fff]+", "", text).strip()


def _short(v: float) -> str:
    return f"{v:,.0f}" if abs(v) >= 1000 else f"{v:.3g}"


def tornado_figure(sens: Sensitivity, max_label: int = 48):
    """A tornado chart: one horizontal bar per input, from the result at its low end to the result at its
    high end, largest swing on top; the vertical line is the deterministic result."""
    plt = _pyplot()
    rows = sens.table.iloc[::-1]  # largest swing at the top
    height = max(2.5, 1.2 + 0.42 * len(rows))
    fig, ax = plt.subplots(figsize=(9, height), dpi=110)
    base = sens.base
    labels = []
    for y, r in enumerate(rows.itertuples()):
        ax.barh(y, r.result_low - base, left=base, color=LOW_COLOUR, height=0.6,
                label="input at its low end" if y == 0 else None)
        ax.barh(y, r.result_high - base, left=base, color=HIGH_COLOUR, height=0.6,
                label="input at its high end" if y == 0 else None)
        label = _latin(r.label)
        name = label if len(label) <= max_label else label[:max_label - 1] + "…"
        labels.append(f"{name}\n({_short(r.low)} – {_short(r.high)} {r.unit})")
    ax.set_yticks(range(len(rows)), labels, fontsize=8)
    ax.axvline(base, color="black", linewidth=1)
    ax.set_xlabel(f"{sens.output} [{sens.unit}]  (deterministic: {_short(base)})")
    ax.set_title(f"{_latin(sens.model.title)}\none input at a time over its range (factor set {sens.factor_set})", fontsize=10)
    if len(rows):
        ax.legend(loc="lower right", fontsize=8, frameon=False)
    else:
        ax.text(0.5, 0.5, "no input of this case has a range", transform=ax.transAxes, ha="center")
    from matplotlib.ticker import EngFormatter, MaxNLocator
    ax.xaxis.set_major_locator(MaxNLocator(6))
    ax.xaxis.set_major_formatter(EngFormatter(sep=""))  # 600M rather than 600000000
    fig.tight_layout()
    return fig


def tornado_png(sens: Sensitivity, path) -> Path:
    """Write the tornado chart of ``sens`` to a PNG file; returns the path."""
    plt = _pyplot()
    fig = tornado_figure(sens)
    path = Path(path)
    try:
        fig.savefig(path, format="png")
    finally:
        plt.close(fig)
    return path


__all__ = ["tornado_figure", "tornado_png", "ChartError"]
