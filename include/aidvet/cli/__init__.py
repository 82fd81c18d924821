"""The `aidvet` command line: one module per command group, each with a `register(subparsers)`.

A command function takes the parsed arguments and returns the process exit code.
"""

from __future__ import annotations

import argparse
import importlib
import sys

from aidvet.errors import AidvetError

# Each module here adds its own sub-commands; add a new group by adding its module name.
COMMAND_MODULES = ("db", "sample", "lists", "ingest", "screen", "run", "review", "audit", "replay", "policy",
                   "compliance")


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="aidvet", description=__doc__.splitlines()[0])
    subparsers = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    for name in COMMAND_MODULES:
        importlib.import_module(f"aidvet.cli.{name}").register(subparsers)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        return int(args.func(args) or 0)
    except AidvetError as error:
        print(f"aidvet: error: {error}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
