"""Settings from environment variables, with defaults that make the embedded run work.

| variable | default | meaning |
|---|---|---|
| AIDVET_HOME | the project folder (parent of include/) | base for the defaults below |
| AIDVET_DB_URL | sqlite:///$AIDVET_HOME/var/aidvet.db | the vetting store |
| AIDVET_ARTIFACT_ROOT | $AIDVET_HOME/artifacts | where run outputs go; a local path or an fsspec URL (s3://...) |
| AIDVET_INPUTS | $AIDVET_HOME/var/sample/grants | inputs, `;`-separated: file or folder paths, or `sql:<SQLAlchemy URL>` |
| AIDVET_SQL_QUERY | aidvet.sources.sql.DEFAULT_QUERY | the query a `sql:` input runs (returns the canonical columns) |
| AIDVET_POLICY | $AIDVET_HOME/policy.toml | thresholds and decision policy (its hash is recorded per run) |
| AIDVET_EXPECTATIONS | $AIDVET_HOME/expectations | Great Expectations suites |
| AIDVET_LISTS_DIR | $AIDVET_HOME/var/lists | where refresh_watchlists downloads list files (one folder per fetch) |
| AIDVET_LIST_DROP | $AIDVET_HOME/var/lists-drop | drop folder: files in `<drop>/<source>/` are loaded instead of downloading |
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

PROJECT_HOME = Path(__file__).resolve().parents[2]
DEFAULT_SQL_QUERY = ("SELECT disbursement_id, award_id, payee_name, amount, currency, date, country "
                     "FROM disbursements")


@dataclass(frozen=True)
class Settings:
    home: Path
    db_url: str
    artifact_root: str
    inputs: tuple[str, ...]
    policy_path: Path
    sql_query: str
    expectations_dir: Path
    lists_dir: Path
    list_drop_dir: Path

    @property
    def sample_dir(self) -> Path:
        return self.home / "var" / "sample"


def settings() -> Settings:
    """Read the environment now (not at import), so tests and tasks can set it per run."""
    home = Path(os.environ.get("AIDVET_HOME", PROJECT_HOME))
    inputs = os.environ.get("AIDVET_INPUTS", str(home / "var" / "sample" / "grants"))
    return Settings(
        home=home,
        db_url=os.environ.get("AIDVET_DB_URL", f"sqlite:///{home / 'var' / 'aidvet.db'}"),
        artifact_root=os.environ.get("AIDVET_ARTIFACT_ROOT", str(home / "artifacts")),
        inputs=split_inputs(inputs),
        policy_path=Path(os.environ.get("AIDVET_POLICY", home / "policy.toml")),
        sql_query=os.environ.get("AIDVET_SQL_QUERY", DEFAULT_SQL_QUERY),
        expectations_dir=Path(os.environ.get("AIDVET_EXPECTATIONS", home / "expectations")),
        lists_dir=Path(os.environ.get("AIDVET_LISTS_DIR", home / "var" / "lists")),
        list_drop_dir=Path(os.environ.get("AIDVET_LIST_DROP", home / "var" / "lists-drop")),
    )


def split_inputs(value: str) -> tuple[str, ...]:
    """Inputs are `;`-separated (a `:` would split database URLs)."""
    return tuple(part.strip() for part in value.split(";") if part.strip())
