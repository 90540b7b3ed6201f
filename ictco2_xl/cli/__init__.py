"""The ``ictco2-xl`` command: a thin adapter that parses arguments, calls the core and the adapters, and
prints. One module per group of commands, each with ``add_commands(sub)``; ``common`` holds what they share.
Errors are one line on stderr with a non-zero exit code, never a traceback.

May import: the core, ``excel``, ``workbook``, ``recalc``, ``batch`` (the adapters lazily, inside commands,
so ``ictco2-xl reconcile`` starts without openpyxl or formulas).
"""
from __future__ import annotations

import argparse
import re
import sys

from .. import __version__
from ..core.errors import ICTCO2Error, did_you_mean
from . import analysis, compute, excel, reference, workbooks
from .common import UsageError, missing_dependency_line  # noqa: F401  (UsageError re-exported for callers)
from .usermodels import add_models_option, load_user_models

COMMAND_GROUPS = (reference, compute, workbooks, excel, analysis)
START_HERE = """start here:
  ictco2-xl batch --example --out ictco2_examples   fill the bundled example scenarios into workbooks
  ictco2-xl models                                  every model; ictco2-xl models MODEL: its inputs
  ictco2-xl reconcile                               every figure of the report, recomputed and classified
  ictco2-xl COMMAND --help                          the options of a command"""


class _Parser(argparse.ArgumentParser):
    """argparse with "did you mean" for a misspelt command or choice (Python 3.11's argparse has none)."""

    def error(self, message):
        m = re.search(r"invalid choice: '?([^' ]*)'? \(choose from (.*)\)", message)
        if m:
            message += did_you_mean(m.group(1), [c.strip(" '") for c in m.group(2).split(",")])
        super().error(message)


def build_parser() -> argparse.ArgumentParser:
    p = _Parser(prog="ictco2-xl", description="CO2 reduction models of the 2010 WWF / China Mobile "
                                "low-carbon ICT report, for Excel and Python.", epilog=START_HERE,
                                formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--version", action="version", version=f"ictco2-xl {__version__}")
    sub = p.add_subparsers(dest="command", required=True, metavar="COMMAND", title="commands")

    for group in COMMAND_GROUPS:
        group.add_commands(sub)
    for command in sub.choices.values():  # every command takes user models
        add_models_option(command)
    return p


def main(argv=None) -> int:
    args = build_parser().parse_args(argv)
    try:
        load_user_models(args)
        return args.func(args)
    except ModuleNotFoundError as exc:   # an optional dependency (openpyxl, formulas, matplotlib...) is missing
        print(f"ictco2-xl {args.command}: {missing_dependency_line(exc)}", file=sys.stderr)
        return 2
    except (ICTCO2Error, KeyError, FileNotFoundError, RuntimeError) as exc:
        msg = exc.args[0] if isinstance(exc, KeyError) and exc.args else exc
        for line in str(msg).splitlines() or [""]:  # a model file's problems: one line each
            print(f"ictco2-xl {args.command}: {line}", file=sys.stderr)
        return 2
    except BrokenPipeError:
        return 0
    except KeyboardInterrupt:   # Ctrl+C or SIGTERM (batch): files in progress were removed on the way out
        print(f"ictco2-xl {args.command}: interrupted", file=sys.stderr)
        return 130
