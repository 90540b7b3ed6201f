"""What every command module shares: the usage error, the one notation for numbers, plain-text tables,
NAME=VALUE parsing, the factor-set option, output files (never overwritten unless asked), the install
command for a missing optional dependency, and progress bars. Imports nothing from the other command modules."""
from __future__ import annotations

import io
import json
import math
import os
import re
import stat
import sys
import unicodedata
from importlib import metadata
from pathlib import Path
from urllib.parse import unquote, urlparse

from ..core.csvio import DEFAULT_ENCODING, ENCODINGS, rows_text
from ..core.errors import ICTCO2Error
from ..core.numbers import parse_number

DIST_NAME = "ictco2-xl"


class UsageError(ICTCO2Error):
    """A command-line argument the user must correct."""


# -- numbers -----------------------------------------------------------------------------------------
SIGNIFICANT = 6
FIXED_RANGE = (1e-6, 1e15)   # fixed-point inside, scientific outside


def fmt(value, unit: str | None = None) -> str:
    """Every number the command line prints, in one notation: fixed-point with thousands separators and six
    significant digits (integer digits are never cut: 206,987,654), scientific only below 1e-6 or from 1e15 on;
    years (unit ``year``) as years; a missing value (None, NaN) as ``-``. Text passes through."""
    if value is None:
        return "-"
    if isinstance(value, str) or isinstance(value, bool):
        return str(value)
    try:
        x = float(value)
    except (TypeError, ValueError):
        return str(value)
    if math.isnan(x):
        return "-"
    if math.isinf(x):
        return "inf" if x > 0 else "-inf"
    if unit == "year" and x.is_integer():
        return str(int(x))
    if x == 0:
        return "0"
    if not FIXED_RANGE[0] <= abs(x) < FIXED_RANGE[1]:
        return f"{x:.{SIGNIFICANT}g}"
    decimals = max(0, SIGNIFICANT - 1 - math.floor(math.log10(abs(x))))
    text = f"{x:,.{decimals}f}"
    return text.rstrip("0").rstrip(".") if "." in text else text


def display_width(text: str) -> int:
    """Columns a terminal gives the text: Chinese characters take two."""
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def text_table(headers, rows) -> str:
    """Columns aligned on screen (wide characters counted twice); nothing is cut."""
    cells = [[str(c) for c in headers], *([str(c) for c in r] for r in rows)]
    widths = [max(display_width(r[i]) for r in cells) for i in range(len(headers))]

    def line(r):
        return "  ".join(c + " " * (w - display_width(c)) for c, w in zip(r, widths)).rstrip()
    return "\n".join([line(cells[0]), "  ".join("-" * w for w in widths), *(line(r) for r in cells[1:])])


def assignment_names(pairs) -> list[str]:
    """The NAME of each NAME=VALUE; a missing '=', an empty name or a name given twice is refused (the later
    value would silently win)."""
    names = []
    for pair in pairs:
        name, eq, _ = pair.partition("=")
        if not eq or not name.strip():
            raise UsageError(f"expected NAME=VALUE, got {pair!r}")
        if name.strip() in names:
            raise UsageError(f"{name.strip()} is given twice ({pair!r} after an earlier {name.strip()}=...); "
                             "give each input once")
        names.append(name.strip())
    return names


def parse_assignments(pairs):
    assignment_names(pairs)
    values = {}
    for pair in pairs:
        name, text = pair.split("=", 1)
        parts = text.split(",")
        try:   # the same number parser as scenario tables: '2_020' or 'nan' are refused alike
            numbers = [parse_number(t) for t in parts]
        except ValueError as exc:
            k = next(k for k, t in enumerate(parts) if not _parses(t))
            where = f" (value {k + 1} of {len(parts)})" if len(parts) > 1 else ""
            raise UsageError(f"{name.strip()} {exc}, got {parts[k]!r}{where}") from None
        values[name.strip()] = numbers[0] if len(numbers) == 1 else numbers
    return values


def _parses(text: str) -> bool:
    try:
        parse_number(text)
    except ValueError:
        return False
    return True


# -- CSV output -------------------------------------------------------------------------------------------
def encoding_for(stream, requested: str | None) -> str:
    """``requested``, or for ``auto``/None: with a byte-order mark when the stream is a regular file
    (``> out.csv`` included: Excel opens it), without for a pipe or terminal (a program or a person reads it)."""
    if requested not in (None, "auto"):
        return requested
    try:
        regular = stat.S_ISREG(os.fstat(stream.fileno()).st_mode)
    except (AttributeError, OSError, ValueError, io.UnsupportedOperation):
        regular = False
    return DEFAULT_ENCODING if regular else "utf-8"


def write_csv_stdout(header, rows, encoding: str | None = None, float_format: str | None = None) -> None:
    """CSV through the one writer (core/csvio.py) to standard output, in the chosen encoding."""
    text = rows_text(header, rows, float_format, lineterminator="\n")
    out = sys.stdout
    buffer = getattr(out, "buffer", None)
    if buffer is None:
        out.write(text)
        return
    out.flush()
    buffer.write(text.encode(encoding_for(out, encoding)))
    buffer.flush()


def add_encoding_option(parser) -> None:
    parser.add_argument("--encoding", choices=["auto", *ENCODINGS], default="auto",
                        help="encoding of the CSV written: utf-8-sig (UTF-8 with a byte-order mark, what Excel on "
                             "Chinese Windows needs), utf-8 or gb18030; auto (default): utf-8-sig for files, "
                             "utf-8 to a pipe or terminal")
# -- factor sets -------------------------------------------------------------------------------------
FACTOR_SET_HELP = ("emission factors: 'report' (the report's own), 'current' (newer published factors) or the "
                   "path of your .toml/.csv factor file (keys it leaves out fall back to its base set)")


def add_factor_set_option(parser, default: str = "report", aliases=(), note: str = "") -> None:
    """The one factor-set option of every command that computes: a set name or a factor file."""
    parser.add_argument("--factor-set", *aliases, dest="factor_set", default=default, metavar="SET|FILE",
                        help=f"{FACTOR_SET_HELP}{note} (default: {default})")


def factor_set(spec):
    """The factor set a ``--factor-set`` value names (checked before any work starts)."""
    from ..core.factors import get_factor_set
    return get_factor_set(spec)


# -- output files ------------------------------------------------------------------------------------
OVERWRITE_HELP = "replace output files that already exist (default: refuse and change nothing)"


def add_overwrite_option(parser) -> None:
    parser.add_argument("--overwrite", action="store_true", help=OVERWRITE_HELP)


def output_paths(paths, overwrite: bool) -> list[Path]:
    """The files a command will write: refused if any exists (unless ``overwrite``); their folders created."""
    out = [Path(p) for p in paths]
    for p in out:
        if p.is_dir():
            raise UsageError(f"{p} is a folder; give a file name")
        if p.exists() and not overwrite:
            raise UsageError(f"{p} exists; pass --overwrite to replace it")
    for p in out:
        p.parent.mkdir(parents=True, exist_ok=True)
    return out


# -- optional dependencies ---------------------------------------------------------------------------
def _source_of_this_package() -> str | None:
    """Where this ictco2_xl installs from again: its source checkout, or the folder or wheel pip took it from."""
    root = Path(__file__).resolve().parents[2]
    if (root / "pyproject.toml").is_file() and (root / "ictco2_xl").is_dir():
        return str(root)
    try:
        info = json.loads(metadata.distribution(DIST_NAME).read_text("direct_url.json") or "{}")
    except (metadata.PackageNotFoundError, ValueError):
        return None
    url = urlparse(info.get("url", ""))
    if url.scheme != "file":
        return None
    path = Path(unquote(url.path.lstrip("/") if re.match(r"/[A-Za-z]:", url.path) else url.path))
    return str(path) if path.exists() else None


def extras() -> dict[str, list[str]]:
    """Each extra of ictco2-xl and its requirements, from the installed metadata or the checkout's pyproject."""
    try:
        requires = metadata.requires(DIST_NAME) or []
    except metadata.PackageNotFoundError:
        requires = []
    out: dict[str, list[str]] = {}
    for req in requires:
        m = re.search(r";\s*extra\s*==\s*['\"]([^'\"]+)['\"]", req)
        if m:
            out.setdefault(m.group(1), []).append(req[:m.start()].strip())
    if not out:
        pyproject = Path(__file__).resolve().parents[2] / "pyproject.toml"
        if pyproject.is_file():
            import tomllib
            out = tomllib.loads(pyproject.read_text("utf-8"))["project"].get("optional-dependencies", {})
    return out


def _module_of(requirement: str) -> str:
    return re.match(r"[A-Za-z0-9._-]+", requirement).group(0).lower().replace("-", "_")


def extra_for(module: str) -> str | None:
    """The smallest extra that installs ``module`` (the test extra only if no other has it)."""
    found = [name for name, reqs in extras().items() if module.lower() in {_module_of(r) for r in reqs}]
    found.sort(key=lambda name: (name == "test", len(extras()[name])))
    return found[0] if found else None


def _quote(text: str) -> str:
    return f'"{text}"' if re.search(r"[\s\[\]<>;&|*?$'\"]", text) else text


def install_command(extra: str) -> str:
    """The exact command that installs an extra into the Python running this (double quotes work in every shell)."""
    python = _quote(sys.executable) if sys.executable else "python"
    source = _source_of_this_package()
    if source:
        return f"{python} -m pip install {_quote(f'{source}[{extra}]')}"
    return f"{python} -m pip install " + " ".join(f'"{r}"' for r in extras().get(extra, [extra]))


def missing_dependency_line(exc: ModuleNotFoundError) -> str:
    """One line for a missing optional package: what is missing and the command that installs it."""
    module = (exc.name or "").split(".")[0]
    extra = getattr(exc, "extra", None) or extra_for(module)
    if not module:
        return str(exc)
    if extra is None:
        return f"{module} is not installed (No module named {module!r})"
    return f"needs {module}, which is not installed; install it with: {install_command(extra)}"


# -- progress ----------------------------------------------------------------------------------------
_USER_TQDM_DISABLE = os.environ.get("TQDM_DISABLE")   # read before the formulas engine sets it for itself


class _NoBar:
    def update(self, n: int = 1) -> None:
        pass

    def close(self) -> None:
        pass


def progress_bar(total: int | None = None, desc: str = "", unit: str = "it"):
    """A tqdm bar on stderr when stderr is a terminal; a silent stand-in otherwise (pipes, CI, no tqdm)."""
    if not sys.stderr.isatty() or _USER_TQDM_DISABLE not in (None, "", "0", "false", "False"):
        return _NoBar()
    try:
        from tqdm import tqdm
    except ImportError:
        return _NoBar()
    return tqdm(total=total, desc=desc, unit=unit, file=sys.stderr, disable=False, leave=False, dynamic_ncols=True)


class StageBars:
    """A progress callback ``(stage, advance, total)`` for long functions: one bar per stage."""

    def __init__(self, units: dict[str, str] | None = None):
        self.units, self.bars = units or {}, {}

    def __call__(self, stage: str, advance: int, total: int | None = None) -> None:
        bar = self.bars.get(stage)
        if bar is None:
            bar = self.bars[stage] = progress_bar(total, stage, self.units.get(stage, "it"))
        bar.update(advance)

    def close(self) -> None:
        for bar in self.bars.values():
            bar.close()
