"""The `aidvet` entry point: every command listed, and only the command given is imported, so
`aidvet --help` and `aidvet review list` start without Great Expectations, pandas or Airflow."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

from aidvet.cli import COMMANDS, build_parser, main

HEAVY = ("great_expectations", "pandas", "airflow")

# Runs `aidvet ARGS...` as the console script does, then prints the top-level modules it loaded.
_PROBE = """
import json, sys
from aidvet.cli import main
try:
    code = main(sys.argv[1:])
except SystemExit as exit:
    code = exit.code
print(json.dumps({"code": code, "modules": sorted({name.split(".")[0] for name in sys.modules})}), file=sys.stderr)
"""


def _loaded_by(args: list[str], env: dict[str, str] | None = None) -> tuple[int, set[str], str]:
    result = subprocess.run([sys.executable, "-c", _PROBE, *args], capture_output=True, text=True, timeout=60,
                            env={**os.environ, **(env or {})})
    report = json.loads(result.stderr.strip().splitlines()[-1])
    return report["code"], set(report["modules"]), result.stdout


@pytest.mark.timeout(120)
def test_help_lists_every_command_and_imports_no_command_module():
    code, modules, output = _loaded_by(["--help"])
    assert code == 0
    assert all(f"    {name} " in output for name in COMMANDS)
    assert not modules & {*HEAVY, "sqlalchemy"}


@pytest.mark.timeout(120)
def test_review_list_imports_neither_great_expectations_nor_pandas_nor_airflow(tmp_path):
    from aidvet.store.migrate import upgrade

    url = f"sqlite:///{tmp_path / 'aidvet.db'}"
    upgrade(url)
    code, modules, output = _loaded_by(["review", "list"], {"AIDVET_DB_URL": url})
    assert code == 0, output
    assert "review queue (0 items)" in output
    assert "sqlalchemy" in modules  # the probe saw the command really run
    assert not modules & set(HEAVY)


def test_listed_help_is_what_each_module_registers():
    """The help `aidvet --help` shows without importing a module is the help that module gives."""
    full = build_parser()
    [registered] = [action for action in full._subparsers._group_actions]
    assert {choice.dest: choice.help for choice in registered._choices_actions} == {
        name: help_text for name, (_module, help_text) in COMMANDS.items()}


def test_a_command_is_parsed_with_its_own_module_only():
    parser = build_parser(["score"])
    args = parser.parse_args(["score", "--pairs", "p.csv", "--output", "o.csv"])
    assert args.func.__module__ == "aidvet.cli.screen"
    with pytest.raises(SystemExit):
        main(["no-such-command"])
