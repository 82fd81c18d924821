"""USAspending subaward downloads (assistance d2; contracts d1 too) -> awards, parties, disbursements.

Each row is one subaward action: a disbursement from the prime awardee (the prime party) to the
subawardee (the payee). The subawardee's highly compensated officers become key individuals.
Amounts are US dollars (USAspending reports no other currency). Country codes are given as
alpha-3 and are mapped to alpha-2 when they are ISO codes.

Columns are matched by name, so column order and added columns do not matter. The 2025 rename
of `subaward_fsrs_report_*` to `subaward_sam_report_*` is accepted both ways.
"""

from __future__ import annotations

from pathlib import Path

from aidvet.errors import InputError
from aidvet.sources.countries import alpha2
from aidvet.sources.csv_rows import decode_text, iter_rows, read_header
from aidvet.sources.files import read_input, sha256_hex
from aidvet.sources.model import Award, Disbursement, Party, SourceBatch
from aidvet.sources.parties import party_key_from_name

SOURCE = "usaspending"
FORMAT = "usaspending-subawards"
OLD_REPORT_PREFIX, REPORT_PREFIX = "subaward_fsrs_report_", "subaward_sam_report_"
REQUIRED_COLUMNS = (
    "prime_award_unique_key", "prime_awardee_uei", "prime_awardee_name", "prime_awardee_country_code",
    "prime_award_base_transaction_description", f"{REPORT_PREFIX}id", "subaward_number", "subaward_amount",
    "subaward_action_date", "subawardee_uei", "subawardee_name", "subawardee_country_code",
)
OFFICER_COLUMNS = tuple(f"subawardee_highly_compensated_officer_{n}_name" for n in range(1, 6))


def read_usaspending_subawards(path: str | Path) -> SourceBatch:
    file = str(path)
    data = read_input(path)
    text = decode_text(data, file)
    header = canonical_header(read_header(text, file), file)
    batch = SourceBatch(source_file=file, sha256=sha256_hex(data))
    parties: dict[tuple[str, str], Party] = {}
    awards: dict[str, Award] = {}
    for row in iter_rows(text, header, file):
        record = f"line {row.line}"
        if row.values is None:
            batch.rejected.append((record, row.problem))
            continue
        values = {name: value.strip() for name, value in row.values.items()}
        _add_row(batch, parties, awards, values, record)
    batch.parties, batch.awards = list(parties.values()), list(awards.values())
    return batch


def looks_like_usaspending(header: list[str]) -> bool:
    names = {_renamed(name) for name in header}
    return {"subaward_number", "subawardee_name", "prime_award_unique_key"} <= names


def canonical_header(header: list[str], file: str) -> list[str]:
    """The header with old FSRS names renamed; an InputError if required columns are missing."""
    renamed = [_renamed(name) for name in header]
    duplicated = sorted({name for name in renamed if renamed.count(name) > 1})
    if duplicated:
        raise InputError(file, "line 1", f"each column once (repeated, counting fsrs/sam renames: {', '.join(duplicated)})")
    missing = [name for name in REQUIRED_COLUMNS if name not in renamed]
    if missing:
        raise InputError(file, "line 1", f"a USAspending subaward download header (missing columns: {', '.join(missing)})")
    return renamed


def _renamed(name: str) -> str:
    name = name.strip().lstrip("\ufeff")
    return REPORT_PREFIX + name[len(OLD_REPORT_PREFIX):] if name.startswith(OLD_REPORT_PREFIX) else name


def _add_row(batch: SourceBatch, parties: dict, awards: dict, row: dict[str, str], record: str) -> None:
    prime_key = _party(parties, row, "prime_awardee", "prime")
    payee_key = _party(parties, row, "subawardee", "subrecipient")
    for column in OFFICER_COLUMNS:
        name = row.get(column) or None
        if name and payee_key:
            key = f"{payee_key}/officer/{name}"
            parties.setdefault((key, "key_individual"), Party(key, name, "person", "key_individual", parent_key=payee_key))
    award_id = row["prime_award_unique_key"] or None
    if award_id:
        awards.setdefault(award_id, Award(award_id, row["prime_award_base_transaction_description"] or None, prime_key,
                                          alpha2(row["prime_awardee_country_code"] or None), batch.source_file, record))
    batch.disbursements.append(Disbursement(
        disbursement_id=_subaward_id(row, batch.source_file, record),
        award_id=award_id, payee_key=payee_key, payee_name=row["subawardee_name"] or None,
        amount=row["subaward_amount"] or None, currency="USD", date=row["subaward_action_date"] or None,
        country=alpha2(row["subawardee_country_code"] or None),
        source_file=batch.source_file, source_record=record,
    ))


def _party(parties: dict, row: dict[str, str], prefix: str, role: str) -> str | None:
    """UEI is the federal identifier; an entity without one is keyed by its normalised name."""
    name = row.get(f"{prefix}_name") or None
    uei = row.get(f"{prefix}_uei") or None
    key = f"{SOURCE}:uei:{uei}" if uei else party_key_from_name(SOURCE, name)
    if key is not None:
        country = alpha2(row.get(f"{prefix}_country_code") or None)
        parties.setdefault((key, role), Party(key, name, "organization", role, country))
    return key


def _subaward_id(row: dict[str, str], file: str, record: str) -> str:
    """prime award / subaward number / report id: one report of one subaward is one action."""
    parts = (row["prime_award_unique_key"], row["subaward_number"], row[f"{REPORT_PREFIX}id"])
    if all(parts):
        return "/".join(parts)
    return f"{Path(file).name}:{record}"
