"""Grants-management export in CSV: the column contract and its reader.

An export is a folder (or the `disbursements.csv` path itself) holding:

`disbursements.csv` — one row per disbursement, header exactly DISBURSEMENT_COLUMNS:
    disbursement_id       the grants system's id (a row without one gets `<file>:line N`)
    award_id, award_title the award (grant / cooperative agreement) it is paid under
    prime_recipient_id, prime_recipient_name, prime_recipient_country (ISO 3166 alpha-2)
    payee_id, payee_name  the organization or person paid (subrecipient or the prime itself)
    payee_type            organization | person
    payee_role            prime | subrecipient
    payee_country         ISO 3166 alpha-2
    amount                decimal with a dot, no thousands separator; positive
    currency              ISO 4217 code
    disbursement_date     YYYY-MM-DD

`key_individuals.csv` (optional) — the key individuals of each payee, as a Partner Vetting
System form collects them, header exactly KEY_INDIVIDUAL_COLUMNS:
    payee_id, full_name, date_of_birth (YYYY-MM-DD), id_type, id_number, nationality (alpha-2)

`owners.csv` (optional) — beneficial ownership and control, header exactly OWNER_COLUMNS:
    owned_id       a payee_id, or the owner_id of another row (so chains can be written)
    owner_id, owner_name, owner_kind (person | organization)
    share_percent  0-100, or empty for control without shares
    role           owner | director | officer | controller
Owners become parties (role `owner`) and are screened; rows are judged by the `owners` suite and
the graph checks in `aidvet.compliance.owners_quality` (a bad row is quarantined with its reason).

Files are UTF-8 (a BOM is accepted). Values are kept as given; the quality gate judges them.
"""

from __future__ import annotations

import csv
import codecs
import hashlib
from sys import intern
from collections.abc import Iterator
from pathlib import Path

from aidvet.errors import InputError
from aidvet.sources import csv_rows  # noqa: F401  (sets the csv module's field limit)
from aidvet.sources.model import Award, Disbursement, Party, SourceBatch

DISBURSEMENT_COLUMNS = (
    "disbursement_id", "award_id", "award_title", "prime_recipient_id", "prime_recipient_name",
    "prime_recipient_country", "payee_id", "payee_name", "payee_type", "payee_role", "payee_country",
    "amount", "currency", "disbursement_date",
)
KEY_INDIVIDUAL_COLUMNS = ("payee_id", "full_name", "date_of_birth", "id_type", "id_number", "nationality")
OWNER_COLUMNS = ("owned_id", "owner_id", "owner_name", "owner_kind", "share_percent", "role")
FORMAT = "grants-csv"


def read_rows(path: Path, columns: tuple[str, ...]) -> Iterator[tuple[int, dict[str, str]]]:
    """(line number, row) pairs, one at a time (a big export's rows are never all in memory as
    dicts, nor is the file's text); the header must be exactly `columns`, in any order. Errors are
    raised as they are met, an encoding error before any row."""
    _check_utf8(path)
    with path.open(encoding="utf-8-sig", newline="") as handle:
        yield from _checked_rows(path, columns, csv.DictReader(handle, strict=True))


def _check_utf8(path: Path) -> None:
    """The whole file decodes as UTF-8 (read a megabyte at a time); else an InputError naming the line."""
    decoder = codecs.getincrementaldecoder("utf-8-sig")()
    try:
        with path.open("rb") as handle:
            while chunk := handle.read(1 << 20):
                decoder.decode(chunk)
            decoder.decode(b"", final=True)
    except UnicodeDecodeError:
        data = path.read_bytes()  # only for the message: where the first bad byte is
        try:
            data.decode("utf-8-sig")
        except UnicodeDecodeError as error:
            line = data[: error.start].count(b"\n") + 1
            raise InputError(path, f"line {line}", "UTF-8 text (the export contract's encoding)") from None
        raise


def _checked_rows(path: Path, columns: tuple[str, ...], reader: csv.DictReader):
    header = tuple(reader.fieldnames or ())
    if not header:
        raise InputError(path, None, f"a CSV header with columns {', '.join(columns)} (the file is empty)")
    missing, extra = [c for c in columns if c not in header], [c for c in header if c not in columns]
    if missing or extra:
        detail = "; ".join(part for part in (
            f"missing {', '.join(missing)}" if missing else "", f"unexpected {', '.join(extra)}" if extra else "") if part)
        raise InputError(path, "line 1", f"header with columns {', '.join(columns)} ({detail})")
    try:
        for line, row in _numbered(reader, reader.line_num + 1):
            yield line, _checked_row(path, columns, line, row)
    except csv.Error as error:
        raise InputError(path, f"line {reader.line_num}", f"well-formed CSV ({error})") from None


def _numbered(reader, start: int):
    """(first line of the record, row): a quoted field may span lines."""
    for row in reader:
        yield start, row
        start = reader.line_num + 1


def _checked_row(path: Path, columns: tuple[str, ...], start: int, row: dict) -> dict[str, str]:
    if None in row or any(value is None for value in row.values()):
        raise InputError(path, f"line {start}", f"{len(columns)} fields per row")
    return {key: value.strip() for key, value in row.items()}


def sha256_of(paths: list[Path]) -> str:
    digest = hashlib.sha256()
    for path in sorted(paths):
        digest.update(hashlib.sha256(path.read_bytes()).digest())
    return digest.hexdigest()


def load(path: Path) -> SourceBatch:
    path = Path(path)
    disbursements_path = path / "disbursements.csv" if path.is_dir() else path
    if not disbursements_path.is_file():
        raise InputError(path, None, "a grants export folder holding disbursements.csv")
    individuals_path = disbursements_path.with_name("key_individuals.csv")
    owners_path = disbursements_path.with_name("owners.csv")
    files = [disbursements_path] + [p for p in (individuals_path, owners_path) if p.is_file()]
    batch = SourceBatch(source_file=str(disbursements_path), sha256=sha256_of(files))
    parties: dict[str, Party] = {}
    awards: dict[str, Award] = {}
    for line, row in read_rows(disbursements_path, DISBURSEMENT_COLUMNS):
        add_row(batch, parties, awards, disbursements_path, line, row)
    if individuals_path.is_file():
        for line, row in read_rows(individuals_path, KEY_INDIVIDUAL_COLUMNS):
            party = key_individual(row, line)
            parties.setdefault(party.party_key, party)
    if owners_path.is_file():
        for line, row in read_rows(owners_path, OWNER_COLUMNS):
            batch.owners.append((f"{owners_path.name} line {line}", row))
            if row["owner_id"]:
                party = owner_party(row)
                parties.setdefault(party.party_key, party)
    batch.parties, batch.awards = list(parties.values()), list(awards.values())
    return batch


def add_row(batch: SourceBatch, parties: dict, awards: dict, path: Path, line: int, row: dict[str, str]) -> None:
    """One disbursement row: its record, and its payee, prime and award the first time they are met
    (each is built once, not once per row). Text many rows repeat (names, dates, codes) is held as
    one string object per value: a million rows share a few thousand."""
    prime_key = f"grants:{row['prime_recipient_id']}" if row["prime_recipient_id"] else None
    payee_key = f"grants:{row['payee_id']}" if row["payee_id"] else None
    if prime_key and prime_key not in parties:
        parties[prime_key] = Party(prime_key, row["prime_recipient_name"] or None, "organization", "prime",
                                   row["prime_recipient_country"] or None)
    if payee_key:  # the party's own key string, not a copy per disbursement (a payee has many)
        if payee_key not in parties:
            parties[payee_key] = Party(payee_key, row["payee_name"] or None, row["payee_type"] or "organization",
                                       row["payee_role"] or "subrecipient", row["payee_country"] or None)
        payee_key = parties[payee_key].party_key
    if row["award_id"] and row["award_id"] not in awards:
        awards[row["award_id"]] = Award(row["award_id"], row["award_title"] or None, prime_key,
                                        row["prime_recipient_country"] or None, str(path), f"line {line}")
    batch.disbursements.append(Disbursement(
        disbursement_id=row["disbursement_id"] or f"{path.name}:line {line}",
        award_id=_repeated(row["award_id"]), payee_key=payee_key, payee_name=_repeated(row["payee_name"]),
        amount=row["amount"] or None, currency=_repeated(row["currency"]), date=_repeated(row["disbursement_date"]),
        country=_repeated(row["payee_country"]), source_file=_shared(batch.source_file, str(path)),
        source_record=f"line {line}",
    ))


def _repeated(value: str) -> str | None:
    """A non-empty value as the one string object equal text shares (interned), else None."""
    return intern(value) if value else None


def _shared(kept: str, value: str) -> str:
    """`value`, as the string object `kept` when equal (one object for a file's many rows)."""
    return kept if value == kept else value


def key_individual(row: dict[str, str], line: int) -> Party:
    key = f"grants:{row['payee_id']}/ki/{row['full_name']}"
    return Party(key, row["full_name"] or None, "person", "key_individual", row["nationality"] or None,
                 date_of_birth=row["date_of_birth"] or None, id_number=row["id_number"] or None,
                 id_type=row["id_type"] or None, nationality=row["nationality"] or None,
                 parent_key=f"grants:{row['payee_id']}")


def owner_party(row: dict[str, str]) -> Party:
    """An owner, director, officer or controller: a party of its own (role `owner`), screened like the payee."""
    kind = "person" if row["owner_kind"] == "person" else "organization"
    return Party(f"grants:{row['owner_id']}", row["owner_name"] or None, kind, "owner")
