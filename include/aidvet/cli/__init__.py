"""The `aidvet` command line: one module per command group, each with a `register(subparsers)`.

A command function takes the parsed arguments and returns the process exit code. Only the module
of the command given is imported (`aidvet --help` imports none), so every command starts without
paying for the others' imports (Great Expectations, pandas, Airflow...).
"""

from __future__ import annotations

import argparse
import importlib
import sys
from collections.abc import Iterable

from aidvet.errors import AidvetError

# Top-level command -> (the module in aidvet.cli that registers it, its one-line help as that
# module gives it). Add a new group here; tests check that both agree with the module.
COMMANDS: dict[str, tuple[str, str]] = {
    "db": ("db", "the vetting store's schema"),
    "sample": ("sample", "sample data"),
    "lists": ("lists", "designated-entity list versions"),
    "ingest": ("ingest", "read input files into disbursements.csv and quarantined.csv"),
    "screen": ("screen", "screen names in a CSV against list files"),
    "score": ("screen", "score name pairs in a CSV (0-100)"),
    "run": ("run", "vetting runs"),
    "review": ("review", "review held items (four-eyes)"),
    "audit": ("audit", "the audit trail"),
    "replay": ("replay", "re-screen a run against its recorded lists and policy"),
    "policy": ("policy", "validate or compare policy files"),
    "reports": ("compliance", "OFAC blocking / rejected report drafts and the annual summary"),
}
COMMAND_MODULES = tuple(dict.fromkeys(module for module, _help in COMMANDS.values()))


def build_parser(commands: Iterable[str] | None = None) -> argparse.ArgumentParser:
    """The parser of every command. Only the modules of `commands` (default: all) are imported
    and register their real arguments; other commands are listed by name and help alone."""
    parser = argparse.ArgumentParser(prog="aidvet", description=__doc__.splitlines()[0])
    subparsers = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    wanted = {COMMANDS[name][0] for name in (COMMANDS if commands is None else commands)}
    registered: set[str] = set()
    for name, (module, help_text) in COMMANDS.items():
        if module in wanted and module not in registered:
            importlib.import_module(f"aidvet.cli.{module}").register(subparsers)
            registered.add(module)
        elif module not in wanted:
            subparsers.add_parser(name, help=help_text)
    return parser


def command_in(argv: list[str]) -> str | None:
    """The command `argv` names (its first word not starting with '-'), if it is one of ours."""
    first = next((word for word in argv if not word.startswith("-")), None)
    return first if first in COMMANDS else None


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    command = command_in(argv)  # none: `aidvet --help`, a mistyped command: nothing imported
    args = build_parser([command] if command else []).parse_args(argv)
    try:
        return int(args.func(args) or 0)
    except AidvetError as error:
        print(f"aidvet: error: {error}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
