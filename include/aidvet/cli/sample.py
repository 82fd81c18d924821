"""`aidvet sample generate`: the bundled, seeded sample grants export and designated-entity list."""

from __future__ import annotations

from pathlib import Path

from aidvet.config import settings
from aidvet.sample import designated, grants


def register(subparsers) -> None:
    sample = subparsers.add_parser("sample", help="sample data").add_subparsers(dest="sample_command", required=True)
    generate = sample.add_parser("generate", help="write the sample grants export and list (deterministic)")
    generate.add_argument("--out", type=Path, default=None, help="folder (default: $AIDVET_HOME/var/sample)")
    generate.set_defaults(func=_generate)


def _generate(args) -> int:
    out = args.out or settings().sample_dir
    for path in grants.generate(out / "grants") + designated.write_ofac_csv(out / "lists" / "sample-sdn"):
        print(path)
    return 0
