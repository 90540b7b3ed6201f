"""Commands that deploy the worksheet functions: ``excel-config`` (classic add-in) and ``lite``."""
from __future__ import annotations

import sys
from pathlib import Path

from .. import __version__
from .common import UsageError
from ..excel.deploy import CLASSIC_STEPS, DIST_NAME, classic_settings, merge_conf, user_conf_path, write_lite


def cmd_excel_config(args) -> int:
    if args.models and args.out:
        raise UsageError("--models goes to your user xlwings.conf (--write) or the ICTCO2_MODELS variable: Python "
                         "reads the models folder from there, not from a workbook's xlwings.conf")
    settings = classic_settings(args.interpreter, args.pythonpath, args.models)
    target = user_conf_path() if args.write else Path(args.out) if args.out else None
    if target is None:
        sys.stdout.write(merge_conf("", settings))
        print(f"\n(print only: --write saves this to {user_conf_path()}, --out FILE elsewhere, e.g. an "
              "xlwings.conf next to the workbook)\n", file=sys.stderr)
    else:
        target.parent.mkdir(parents=True, exist_ok=True)
        old = target.read_text(encoding="utf-8") if target.is_file() else ""
        target.write_text(merge_conf(old, settings), encoding="utf-8")
        print(f"wrote {', '.join(settings)} to {target}" + (" (other settings kept)" if old else ""))
    print(CLASSIC_STEPS, file=sys.stderr if target is None else sys.stdout)
    return 0


def cmd_lite(args) -> int:
    from ..core.models import USER_MODELS
    paths = write_lite(args.out, args.requirement, args.overwrite)
    print("wrote " + ", ".join(str(p) for p in paths))
    if USER_MODELS:
        print(f"main.py embeds {len(USER_MODELS)} model file(s): {', '.join(USER_MODELS)} (each its own function)")
    if not args.requirement:
        print(f"\nrequirements.txt asks for {DIST_NAME}=={__version__} from PyPI. If your package index does not "
              f"have it, host {paths[-1].name} at a URL Excel may fetch (CORS allowed, e.g. a GitHub release) and "
              "rerun with --requirement URL.")
    return 0


def add_commands(sub) -> None:
    """Add ``excel-config`` and ``lite`` to the ``ictco2-xl`` command line."""
    s = sub.add_parser("excel-config", help="print or write the xlwings.conf for the classic Excel add-in")
    where = s.add_mutually_exclusive_group()
    where.add_argument("--write", action="store_true", help=f"update {user_conf_path()}")
    where.add_argument("--out", help="update this xlwings.conf instead (e.g. next to the workbook)")
    s.add_argument("--interpreter", help="python.exe/pythonw.exe Excel should run (default: this Python)")
    s.add_argument("--pythonpath", help="directory to add to Python's path (default: the source checkout, "
                                        "if ictco2_xl is not installed)")
    s.set_defaults(func=cmd_excel_config)

    s = sub.add_parser("lite", help="write main.py, requirements.txt and a wheel for xlwings Lite")
    s.add_argument("--out", required=True, help="directory to write to")
    s.add_argument("--requirement", help=f"requirement line for ictco2-xl (default: {DIST_NAME}=={__version__}; "
                                         "e.g. the URL where you host the wheel)")
    s.add_argument("--overwrite", action="store_true")
    s.set_defaults(func=cmd_lite)
