"""`aidvet policy check FILE` and `aidvet policy diff OLD NEW`: the policy file against its schema."""

from __future__ import annotations

from pathlib import Path

from aidvet.compliance.schema import diff, flatten
from aidvet.policy import read_schema


def register(subparsers) -> None:
    parser = subparsers.add_parser("policy", help="validate or compare policy files")
    commands = parser.add_subparsers(dest="policy_command", required=True)
    check = commands.add_parser("check", help="validate a policy file against the schema")
    check.add_argument("file", type=Path)
    check.set_defaults(func=_check)
    compare = commands.add_parser("diff", help="settings that differ between two policy files")
    compare.add_argument("old", type=Path)
    compare.add_argument("new", type=Path)
    compare.set_defaults(func=_diff)


def _check(args) -> int:
    checked = read_schema(args.file)  # raises PolicyError naming the key and the expected value
    print(f"{args.file}: valid ({len(flatten(checked.model_dump()))} settings)")
    return 0


def _diff(args) -> int:
    changes = diff(read_schema(args.old), read_schema(args.new))
    for key, before, after in changes:
        print(f"{key}: {before!r} -> {after!r}")
    print(f"{len(changes)} setting(s) differ")
    return 1 if changes else 0
