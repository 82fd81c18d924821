"""The canonical recipient-side records every source produces.

A source turns an input file into `Award`, `Party` and `Disbursement` records. Values are kept as
given (strings) where they may be malformed: validation, not parsing, decides what is quarantined,
so a bad row is never lost in a parser.
"""

from __future__ import annotations

from dataclasses import dataclass, field

PARTY_ROLES = ("prime", "subrecipient", "payee", "key_individual", "owner")


@dataclass
class Award:
    award_id: str
    title: str | None = None
    prime_recipient: str | None = None  # party_key of the prime recipient
    country: str | None = None
    source_file: str | None = None
    source_record: str | None = None


@dataclass
class Party:
    party_key: str  # stable key inside its source, e.g. "grants:SUB-0042" or a name hash
    name: str | None
    kind: str = "organization"  # organization | person
    role: str = "payee"  # one of PARTY_ROLES
    country: str | None = None
    date_of_birth: str | None = None
    id_number: str | None = None
    id_type: str | None = None
    nationality: str | None = None
    parent_key: str | None = None  # key individuals point at their organization


@dataclass
class Disbursement:
    disbursement_id: str
    award_id: str | None
    payee_key: str | None
    payee_name: str | None
    amount: str | None  # as given; validation decides whether it is a positive number
    currency: str | None
    date: str | None
    country: str | None
    source_file: str
    source_record: str  # line number ("line 42") or XPath
    value_date: str | None = None  # IATI value/@value-date: the date the amount's currency applies


@dataclass
class Commitment:
    """Money promised to a party but not (yet) paid, e.g. IATI transaction type 2.

    Kept apart from `Disbursement` so a commitment can never be cleared or held as a payment.
    """

    commitment_id: str
    award_id: str | None
    payee_key: str | None
    payee_name: str | None
    amount: str | None
    currency: str | None
    date: str | None
    country: str | None
    source_file: str
    source_record: str
    value_date: str | None = None


@dataclass
class SourceBatch:
    """Everything one input file yielded, plus the records it could not parse at all."""

    source_file: str
    sha256: str
    awards: list[Award] = field(default_factory=list)
    parties: list[Party] = field(default_factory=list)
    disbursements: list[Disbursement] = field(default_factory=list)
    rejected: list[tuple[str, str]] = field(default_factory=list)  # (source_record, reason)
    commitments: list[Commitment] = field(default_factory=list)
    # Records read and deliberately not carried (e.g. IATI incoming funds): (source_record, why).
    ignored: list[tuple[str, str]] = field(default_factory=list)
    # Beneficial-ownership rows (grants owners.csv), as given: (source_record, row); see aidvet.compliance.relations.
    owners: list[tuple[str, dict[str, str]]] = field(default_factory=list)
