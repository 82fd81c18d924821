"""The quality gate for awards (suite `grants`) and parties (suite `subrecipients`).

Their failures reach the disbursements behind them: a disbursement is quarantined when its award,
its payee, or one of its payee's key individuals fails, with that failure named.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from aidvet.quality.disbursements import iso_3166_codes
from aidvet.quality.gx_runner import QualityResult, load_suite_json, run_suite

AWARD_COLUMNS = ["award_id", "title", "prime_party_key", "country"]
PARTY_COLUMNS = ["party_key", "name", "kind", "role", "country", "date_of_birth", "id_number", "id_type",
                 "nationality", "parent_key"]


def validate_awards(awards: pd.DataFrame, *, expectations_dir: Path, docs_dir: Path | None = None) -> QualityResult:
    return run_suite(awards[AWARD_COLUMNS], load_suite_json(expectations_dir, "grants"),
                     {"iso_3166_codes": list(iso_3166_codes())}, docs_dir=docs_dir)


def validate_parties(parties: pd.DataFrame, *, expectations_dir: Path, docs_dir: Path | None = None) -> QualityResult:
    return run_suite(parties[PARTY_COLUMNS], load_suite_json(expectations_dir, "subrecipients"),
                     {"iso_3166_codes": list(iso_3166_codes())}, docs_dir=docs_dir)


def failures_by_disbursement(disbursements: pd.DataFrame, awards: pd.DataFrame, award_result: QualityResult,
                             parties: pd.DataFrame, party_result: QualityResult) -> dict[str, list[str]]:
    """disbursement id -> the award and party failures that reach it."""
    by_award = {awards.at[i, "award_id"]: [f"award {awards.at[i, 'award_id']}: {r}" for r in reasons]
                for i, reasons in award_result.row_failures.items()}
    by_payee: dict[str, list[str]] = {}
    for i, reasons in party_result.row_failures.items():
        key, parent = parties.at[i, "party_key"], parties.at[i, "parent_key"]
        label = "key individual" if parent else "payee"
        by_payee.setdefault(parent or key, []).extend(f"{label} {key}: {r}" for r in reasons)
    failures = {}
    if not by_award and not by_payee:
        return failures
    for disbursement_id, award_id, payee_key in zip(disbursements["disbursement_id"], disbursements["award_id"],
                                                    disbursements["payee_key"]):
        found = by_award.get(award_id, []) + by_payee.get(payee_key, [])
        if found:
            failures[disbursement_id] = found
    return failures
