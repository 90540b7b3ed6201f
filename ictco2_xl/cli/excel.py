"""Commands that deploy the worksheet functions: ``excel-config`` (classic add-in) and ``lite``."""
from __future__ import annotations

import sys
from pathlib import Path

from ..excel.deploy import (CLASSIC_STEPS, check_wheel_url, classic_settings, merge_conf, user_conf_path, wheel_name,
                            write_lite)
from .common import UsageError, add_overwrite_option, install_command

LITE_HOSTING = ("ictco2-xl is not on PyPI, so xlwings Lite installs the wheel written here from where you host it: "
                f"put {wheel_name()} at an https:// address that Excel may fetch (the server must allow cross-origin "
                "requests, CORS), and give that address as --wheel-url. With a package index of your own that serves "
                "ictco2-xl, give its requirement line as --requirement instead.")


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
    print(CLASSIC_STEPS.format(install=install_command("excel")), file=sys.stderr if target is None else sys.stdout)
    return 0


def cmd_lite(args) -> int:
    from ..core.models import USER_MODELS
    if args.wheel_url:
        requirement = check_wheel_url(args.wheel_url)
    elif args.requirement:
        requirement = args.requirement.strip()
    else:
        raise UsageError("give --wheel-url URL (or --requirement SPEC). " + LITE_HOSTING)
    paths = write_lite(args.out, requirement, args.overwrite)
    print("wrote " + ", ".join(str(p) for p in paths))
    if USER_MODELS:
        print(f"main.py embeds {len(USER_MODELS)} model file(s): {', '.join(USER_MODELS)} (each its own function)")
    if args.wheel_url:
        print(f"\nNow upload {paths[-1]} to {requirement} (it must be reachable there, with CORS allowed), paste "
              "main.py into xlwings Lite's main.py and add the lines of requirements.txt to its requirements.txt.")
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

    s = sub.add_parser("lite", help="write main.py, requirements.txt and a wheel for xlwings Lite",
                       description=LITE_HOSTING)
    s.add_argument("--out", required=True, help="directory to write to (created if missing)")
    which = s.add_mutually_exclusive_group()
    which.add_argument("--wheel-url", help=f"the https:// address where you will host the wheel (it ends in "
                                           f"{wheel_name()})")
    which.add_argument("--requirement", help="instead of --wheel-url: the requirement line for a package index "
                                             "of your own that serves ictco2-xl")
    add_overwrite_option(s)
    s.set_defaults(func=cmd_lite)
