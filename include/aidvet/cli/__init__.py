"""The `aidvet` command line: one module per command group, each with a `register(subparsers)`.

A command function takes the parsed arguments and returns the process exit code.
"""

from __future__ import annotations

import argparse
import importlib
import sys

from aidvet.errors import AidvetError

# Each module here adds its own sub-commands; add a new group by adding its module name.
COMMAND_MODULES = ("db", "sample", "lists", "ingest", "screen", "run", "review", "audit", "replay")


def build_parser(argv: list[str] | None = None) -> argparse.ArgumentParser:
    """The parser; when `argv` names a command group, only that group's module is imported (a
    shell command such as `aidvet review decide` then starts in a second, not after importing
    Great Expectations and pandas for every other group)."""
    parser = argparse.ArgumentParser(prog="aidvet", description=__doc__.splitlines()[0])
    subparsers = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    wanted = [argv[0]] if argv and argv[0] in COMMAND_MODULES else COMMAND_MODULES
    for name in wanted:
        importlib.import_module(f"aidvet.cli.{name}").register(subparsers)
    return parser


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    args = build_parser(argv).parse_args(argv)
    try:
        return int(args.func(args) or 0)
    except AidvetError as error:
        print(f"aidvet: error: {error}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
