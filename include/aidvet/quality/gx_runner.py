"""Run a Great Expectations suite over a DataFrame and turn the result into per-row failures.

Column-level expectations name the rows they fail (GE's `unexpected_index_list`): those rows are
quarantined with the expectation's reason. Table-level expectations (schema, row counts) have no
rows to name: their failure rejects the whole batch.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

import pandas as pd

RESULT_FORMAT = {"result_format": "COMPLETE"}
DOCS_SITE = "aidvet_run"


@dataclass
class QualityResult:
    suite: str
    row_failures: dict[int, list[str]] = field(default_factory=dict)  # DataFrame index -> reasons
    structural_rows: set = field(default_factory=set)  # rows whose failures count toward the batch's bad share
    batch_failures: list[str] = field(default_factory=list)
    report: dict[str, Any] = field(default_factory=dict)  # GE's validation result, JSON-ready

    @property
    def success(self) -> bool:
        return not self.row_failures and not self.batch_failures


def load_suite_json(expectations_dir: Path, name: str) -> dict[str, Any]:
    path = Path(expectations_dir) / f"{name}.json"
    return json.loads(path.read_text(encoding="utf-8"))


@lru_cache(maxsize=1)
def _gx():
    """Great Expectations, imported when a suite first runs: a process that only reads the policy
    (a screening partition, say) does not pay its import (seconds, and some 150 MB)."""
    os.environ.setdefault("GX_ANALYTICS_ENABLED", "False")  # before the import reads it
    import great_expectations

    return great_expectations


def _new_context():
    from great_expectations.data_context.types.base import ProgressBarsConfig

    context = _gx().get_context(mode="ephemeral")
    context.variables.progress_bars = ProgressBarsConfig(globally=False, metric_calculations=False)
    return context


@lru_cache(maxsize=1)
def _shared_context():
    return _new_context()


def _batch_definition(context, name: str):
    source = context.data_sources.add_or_update_pandas(f"aidvet_{name}")
    asset = source.get_asset(name) if name in source.get_asset_names() else source.add_dataframe_asset(name)
    return next((d for d in asset.batch_definitions if d.name == "whole"), None) \
        or asset.add_batch_definition_whole_dataframe("whole")


def run_suite(frame: pd.DataFrame, suite_json: dict[str, Any], parameters: dict[str, Any],
              docs_dir: Path | None = None) -> QualityResult:
    """Validate `frame`; with `docs_dir`, also build Great Expectations Data Docs (HTML) there."""
    suite = _gx().ExpectationSuite(**json.loads(json.dumps(suite_json)))
    data = frame.reset_index(drop=True)
    if docs_dir is None:
        batch = _batch_definition(_shared_context(), suite.name).get_batch(batch_parameters={"dataframe": data})
        validation = batch.validate(suite, result_format=RESULT_FORMAT, expectation_parameters=parameters)
    else:
        validation = _validate_with_data_docs(data, suite, parameters, Path(docs_dir))
    return _collect(suite.name, frame, validation)


def _validate_with_data_docs(data: pd.DataFrame, suite, parameters: dict[str, Any], docs_dir: Path):
    from great_expectations.checkpoint import UpdateDataDocsAction

    gx, context = _gx(), _new_context()  # a context of its own: its Data Docs site is this folder only
    context.add_data_docs_site(DOCS_SITE, {
        "class_name": "SiteBuilder", "site_index_builder": {"class_name": "DefaultSiteIndexBuilder"},
        "store_backend": {"class_name": "TupleFilesystemStoreBackend", "base_directory": str(docs_dir)}})
    definition = context.validation_definitions.add(gx.ValidationDefinition(
        name=suite.name, data=_batch_definition(context, suite.name), suite=context.suites.add(suite)))
    checkpoint = context.checkpoints.add(gx.Checkpoint(
        name=suite.name, validation_definitions=[definition], result_format=RESULT_FORMAT,
        actions=[UpdateDataDocsAction(name="data_docs", site_names=[DOCS_SITE])]))
    result = checkpoint.run(batch_parameters={"dataframe": data}, expectation_parameters=parameters)
    return next(iter(result.run_results.values()))


def _collect(name: str, frame: pd.DataFrame, validation) -> QualityResult:
    result = QualityResult(suite=name, report=validation.describe_dict())
    for outcome in validation.results:
        config = outcome.expectation_config
        reason = (config.meta or {}).get("reason", config.type)
        label = f"{reason} [{config.type}({config.kwargs.get('column', '')})]"
        if outcome.exception_info and outcome.exception_info.get("raised_exception"):
            result.batch_failures.append(f"{label}: {outcome.exception_info.get('exception_message')}")
            continue
        if outcome.success:
            continue
        rows = (outcome.result or {}).get("unexpected_index_list")
        if rows is None:
            result.batch_failures.append(label)
            continue
        counts = (config.meta or {}).get("counts_toward_batch_share", True)
        for position in rows:
            index = frame.index[position] if isinstance(position, int) else position
            result.row_failures.setdefault(index, []).append(label)
            if counts:
                result.structural_rows.add(index)
    return result
