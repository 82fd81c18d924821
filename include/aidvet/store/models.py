"""The vetting store's tables (SQLAlchemy 2.0 declarative). Alembic migrations mirror this file.

Rows a run derives (run items, hits, decisions) are keyed by run, so re-running a run replaces
them. Inputs (source files, parties, disbursements) and list versions are keyed by content or
natural id, so ingesting the same bytes twice adds nothing. Audit events are append-only: the
migration installs triggers that refuse UPDATE and DELETE (and TRUNCATE on PostgreSQL).
"""

from __future__ import annotations

from datetime import datetime, timezone
from typing import Any

from sqlalchemy import (JSON, Boolean, DateTime, Float, ForeignKey, Index, Integer, String, Text, UniqueConstraint, func,
                        literal_column)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column


def utcnow() -> datetime:
    return datetime.now(timezone.utc)


class Base(DeclarativeBase):
    type_annotation_map = {dict[str, Any]: JSON, list[Any]: JSON, datetime: DateTime(timezone=True)}


class Run(Base):
    __tablename__ = "runs"

    run_id: Mapped[str] = mapped_column(String(250), primary_key=True)
    dag_run_id: Mapped[str | None] = mapped_column(String(250))
    status: Mapped[str] = mapped_column(String(20), default="running")  # running | succeeded | failed
    started_at: Mapped[datetime] = mapped_column(default=utcnow)
    finished_at: Mapped[datetime | None]
    policy_hash: Mapped[str | None] = mapped_column(String(64))
    code_version: Mapped[str | None] = mapped_column(String(80))
    list_version_ids: Mapped[list[Any]] = mapped_column(default=list)
    screening_unavailable: Mapped[str | None] = mapped_column(Text)  # why no usable list, if so
    counts: Mapped[dict[str, Any]] = mapped_column(default=dict)
    manifest_uri: Mapped[str | None] = mapped_column(Text)
    failed_stage: Mapped[str | None] = mapped_column(String(40))  # the stage an aborted run stopped in
    screening_partitions: Mapped[int | None]  # how many partitions plan_screening split the run's parties into
    # every input of the run: [{path, sha256, format, status, reason, records}], rejected files too
    inputs: Mapped[list[Any] | None] = mapped_column(JSON)


class SourceFile(Base):
    __tablename__ = "source_files"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    sha256: Mapped[str] = mapped_column(String(64), unique=True)
    path: Mapped[str] = mapped_column(Text)
    format: Mapped[str] = mapped_column(String(40))
    ingested_at: Mapped[datetime] = mapped_column(default=utcnow)
    record_count: Mapped[int] = mapped_column(default=0)
    status: Mapped[str] = mapped_column(String(20), default="ingested")  # ingested | rejected
    reason: Mapped[str | None] = mapped_column(Text)


class Party(Base):
    __tablename__ = "parties"

    party_key: Mapped[str] = mapped_column(String(250), primary_key=True)
    name: Mapped[str | None] = mapped_column(Text)
    kind: Mapped[str] = mapped_column(String(20), default="organization")
    role: Mapped[str] = mapped_column(String(20), default="payee")
    country: Mapped[str | None] = mapped_column(String(80))
    date_of_birth: Mapped[str | None] = mapped_column(String(40))
    id_number: Mapped[str | None] = mapped_column(String(120))
    id_type: Mapped[str | None] = mapped_column(String(80))
    nationality: Mapped[str | None] = mapped_column(String(80))
    parent_key: Mapped[str | None] = mapped_column(String(250))
    content_hash: Mapped[str] = mapped_column(String(64))


class Award(Base):
    __tablename__ = "awards"
    __table_args__ = (Index("ix_awards_prime_party_key", "prime_party_key"),)

    award_id: Mapped[str] = mapped_column(String(250), primary_key=True)
    title: Mapped[str | None] = mapped_column(Text)
    prime_party_key: Mapped[str | None] = mapped_column(String(250))
    country: Mapped[str | None] = mapped_column(String(80))
    source_file_id: Mapped[int | None] = mapped_column(ForeignKey("source_files.id"))
    source_record: Mapped[str | None] = mapped_column(Text)


class Disbursement(Base):
    """An input disbursement as given; amounts stay text so a malformed value is kept, not lost."""

    __tablename__ = "disbursements"
    __table_args__ = (Index("ix_disbursements_payee_key", "payee_key"), Index("ix_disbursements_award_id", "award_id"))

    disbursement_id: Mapped[str] = mapped_column(String(250), primary_key=True)
    award_id: Mapped[str | None] = mapped_column(String(250))
    payee_key: Mapped[str | None] = mapped_column(String(250))
    payee_name: Mapped[str | None] = mapped_column(Text)
    amount: Mapped[str | None] = mapped_column(String(80))
    currency: Mapped[str | None] = mapped_column(String(20))
    date: Mapped[str | None] = mapped_column(String(40))
    value_date: Mapped[str | None] = mapped_column(String(40))  # IATI: the date the amount's currency applies
    country: Mapped[str | None] = mapped_column(String(80))
    source_file_id: Mapped[int] = mapped_column(ForeignKey("source_files.id"))
    source_record: Mapped[str] = mapped_column(Text)


class RunItem(Base):
    """One input disbursement inside one run, and where it ended."""

    __tablename__ = "run_items"

    run_id: Mapped[str] = mapped_column(ForeignKey("runs.run_id"), primary_key=True)
    disbursement_id: Mapped[str] = mapped_column(ForeignKey("disbursements.disbursement_id"), primary_key=True)
    quality_failures: Mapped[list[Any]] = mapped_column(default=list)  # failing expectations, if any
    outcome: Mapped[str | None] = mapped_column(String(20))  # cleared | held | quarantined
    reason: Mapped[str | None] = mapped_column(Text)
    best_score: Mapped[float | None] = mapped_column(Float)


NAME_PREFIX = 100


def name_prefix(column):
    """The first characters of a name: what the name index holds (a whole 1,000-character name
    could exceed PostgreSQL's limit on an index entry). Literal numbers, so that SQLite matches the
    expression of a query to the index's."""
    return func.substr(column, literal_column("1"), literal_column(str(NAME_PREFIX)))


# a payee without a key, known only by name: screening finds the disbursements paying it by name
# (partial: a run whose payees all have keys pays nothing to keep it)
Index("ix_disbursements_payee_name", name_prefix(Disbursement.payee_name),
      postgresql_where=Disbursement.payee_key.is_(None), sqlite_where=Disbursement.payee_key.is_(None))


class RunParty(Base):
    """A distinct party one run's valid disbursements reach, as screened, and the screening
    partition it belongs to: written once by plan_screening, read partition by partition."""

    __tablename__ = "run_parties"
    __table_args__ = (Index("ix_run_parties_partition", "run_id", "partition"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    run_id: Mapped[str] = mapped_column(ForeignKey("runs.run_id"))
    partition: Mapped[int]
    party_key: Mapped[str] = mapped_column(Text)  # `name:<payee name>` can be longer than a stored key
    name: Mapped[str | None] = mapped_column(Text)
    kind: Mapped[str] = mapped_column(String(20))
    country: Mapped[str | None] = mapped_column(String(80))
    date_of_birth: Mapped[str | None] = mapped_column(String(40))
    id_number: Mapped[str | None] = mapped_column(String(120))


class ScreeningHit(Base):
    __tablename__ = "screening_hits"
    __table_args__ = (Index("ix_screening_hits_run_item", "run_id", "disbursement_id"),
                      Index("ix_screening_hits_run_party", "run_id", "party_key"))

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    run_id: Mapped[str] = mapped_column(ForeignKey("runs.run_id"))
    disbursement_id: Mapped[str] = mapped_column(String(250))
    party_key: Mapped[str] = mapped_column(String(250))
    list_version_id: Mapped[int] = mapped_column(ForeignKey("list_versions.id"))
    entity_id: Mapped[str] = mapped_column(String(120))
    score: Mapped[float] = mapped_column(Float)
    matched_name: Mapped[str] = mapped_column(Text)
    matched_alias: Mapped[str | None] = mapped_column(String(40))
    programs: Mapped[list[Any]] = mapped_column(default=list)
    terrorist: Mapped[bool] = mapped_column(Boolean, default=False)
    explanation: Mapped[str] = mapped_column(Text)
    details: Mapped[dict[str, Any]] = mapped_column(default=dict)


class Decision(Base):
    """A decision on a run item: automatic (decided_by 'policy') or a person's."""

    __tablename__ = "decisions"
    __table_args__ = (Index("ix_decisions_run_item", "run_id", "disbursement_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    run_id: Mapped[str] = mapped_column(ForeignKey("runs.run_id"))
    disbursement_id: Mapped[str] = mapped_column(String(250))
    outcome: Mapped[str] = mapped_column(String(20))
    reason: Mapped[str] = mapped_column(Text)
    decided_by: Mapped[str] = mapped_column(String(120), default="policy")
    decided_at: Mapped[datetime] = mapped_column(default=utcnow)
    policy_hash: Mapped[str | None] = mapped_column(String(64))
    list_version_ids: Mapped[list[Any]] = mapped_column(default=list)
    score: Mapped[float | None] = mapped_column(Float)


class ListVersion(Base):
    __tablename__ = "list_versions"
    __table_args__ = (UniqueConstraint("source", "sha256"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    source: Mapped[str] = mapped_column(String(40))
    sha256: Mapped[str] = mapped_column(String(64))
    files: Mapped[list[Any]] = mapped_column(default=list)  # [[path, sha256], ...]
    retrieved_at: Mapped[datetime] = mapped_column(default=utcnow)
    # the last time these same bytes were fetched or loaded again: the list is confirmed current
    confirmed_at: Mapped[datetime | None]
    published_at: Mapped[str | None] = mapped_column(String(40))
    counts: Mapped[dict[str, Any]] = mapped_column(default=dict)
    warnings: Mapped[list[Any]] = mapped_column(default=list)
    status: Mapped[str] = mapped_column(String(20), default="accepted")  # accepted | rejected
    reason: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class ListEntity(Base):
    __tablename__ = "list_entities"

    version_id: Mapped[int] = mapped_column(ForeignKey("list_versions.id"), primary_key=True)
    entity_id: Mapped[str] = mapped_column(String(120), primary_key=True)
    kind: Mapped[str] = mapped_column(String(20))
    name: Mapped[str] = mapped_column(Text)
    terrorist: Mapped[bool] = mapped_column(Boolean, default=False)
    data: Mapped[dict[str, Any]] = mapped_column()  # Entity.to_dict()
    content_hash: Mapped[str] = mapped_column(String(64))


class ListDelta(Base):
    __tablename__ = "list_deltas"

    version_id: Mapped[int] = mapped_column(ForeignKey("list_versions.id"), primary_key=True)
    previous_version_id: Mapped[int | None] = mapped_column(ForeignKey("list_versions.id"))
    added: Mapped[list[Any]] = mapped_column(default=list)
    removed: Mapped[list[Any]] = mapped_column(default=list)
    changed: Mapped[dict[str, Any]] = mapped_column(default=dict)  # entity id -> changed field names


class PolicyVersion(Base):
    """Each distinct policy file a run used, kept whole so a replay applies exactly that policy."""

    __tablename__ = "policy_versions"

    sha256: Mapped[str] = mapped_column(String(64), primary_key=True)
    content: Mapped[str] = mapped_column(Text)
    first_used_at: Mapped[datetime] = mapped_column(default=utcnow)


class AuditEvent(Base):
    """Append-only, hash-chained: `hash` covers this event and `prev_hash`; prev_hash is unique,
    so two writers can never fork the chain."""

    __tablename__ = "audit_events"

    seq: Mapped[int] = mapped_column(Integer, primary_key=True)
    at: Mapped[datetime] = mapped_column(default=utcnow)
    actor: Mapped[str] = mapped_column(String(120))
    kind: Mapped[str] = mapped_column(String(60))
    run_id: Mapped[str | None] = mapped_column(String(250), index=True)
    subject: Mapped[str | None] = mapped_column(Text)
    payload: Mapped[dict[str, Any]] = mapped_column(default=dict)
    prev_hash: Mapped[str] = mapped_column(String(64), unique=True)
    hash: Mapped[str] = mapped_column(String(64), unique=True)
    # HMAC-SHA256 of `hash` under AIDVET_AUDIT_KEY (None when no key was set): see aidvet.audit.signing
    signature: Mapped[str | None] = mapped_column(String(64))


# --- review (issue 6) ---


class ReviewItem(Base):
    """A held disbursement in the review queue, once per distinct body of evidence.

    `evidence_hash` fingerprints the hits that held it (party and listed entity, with the content
    hash of both): a later run holding the same disbursement on the same evidence joins this item,
    different evidence opens a new one. `version` guards every status change (optimistic locking).
    """

    __tablename__ = "review_items"
    __table_args__ = (UniqueConstraint("disbursement_id", "evidence_hash"),
                      Index("ix_review_items_status", "status"))

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    disbursement_id: Mapped[str] = mapped_column(ForeignKey("disbursements.disbursement_id"))
    evidence_hash: Mapped[str] = mapped_column(String(64))
    run_id: Mapped[str] = mapped_column(ForeignKey("runs.run_id"))  # the run that first held it
    last_run_id: Mapped[str] = mapped_column(ForeignKey("runs.run_id"))  # the newest run that held it
    status: Mapped[str] = mapped_column(String(20), default="pending")
    assignee: Mapped[str | None] = mapped_column(String(120))
    reason: Mapped[str | None] = mapped_column(Text)  # why the run held it
    best_score: Mapped[float | None] = mapped_column(Float)
    entity_id: Mapped[str | None] = mapped_column(String(120))  # the strongest hit's listed entity
    party_key: Mapped[str | None] = mapped_column(String(250))
    list_source: Mapped[str | None] = mapped_column(String(40))
    programs: Mapped[str] = mapped_column(Text, default="")  # " FTO SDGT " (space-delimited, for filtering)
    terrorist: Mapped[bool] = mapped_column(Boolean, default=False)
    country: Mapped[str | None] = mapped_column(String(80))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)
    version: Mapped[int] = mapped_column(Integer, default=1)


class ReviewDecision(Base):
    """A person's decision on a review item; a release waits for a second person's approval."""

    __tablename__ = "review_decisions"
    __table_args__ = (Index("ix_review_decisions_item", "item_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    item_id: Mapped[int] = mapped_column(ForeignKey("review_items.id"))
    decision: Mapped[str] = mapped_column(String(20))  # release | block | escalate
    reason_code: Mapped[str] = mapped_column(String(40))
    justification: Mapped[str] = mapped_column(Text)
    whitelist: Mapped[bool] = mapped_column(Boolean, default=False)  # whitelist the pair when approved
    decided_by: Mapped[str] = mapped_column(String(120))
    decided_at: Mapped[datetime] = mapped_column(default=utcnow)
    state: Mapped[str] = mapped_column(String(20))  # awaiting_approval | effective | rejected
    approved_by: Mapped[str | None] = mapped_column(String(120))
    approved_at: Mapped[datetime | None]
    approval_note: Mapped[str | None] = mapped_column(Text)
    # a release is bound to the disbursement content it approved (aidvet.review.content)
    content_hash: Mapped[str | None] = mapped_column(String(64))


class WhitelistEntry(Base):
    """A (party, listed entity) pair a second person confirmed as a false positive, bound to the
    content hash of both: it clears the pair only while neither changed and it has not expired."""

    __tablename__ = "whitelist_entries"
    __table_args__ = (Index("ix_whitelist_pair", "party_key", "entity_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    party_key: Mapped[str] = mapped_column(String(250))
    entity_id: Mapped[str] = mapped_column(String(120))
    party_hash: Mapped[str] = mapped_column(String(64))
    entity_hash: Mapped[str] = mapped_column(String(64))
    party_name: Mapped[str | None] = mapped_column(Text)
    entity_name: Mapped[str | None] = mapped_column(Text)
    item_id: Mapped[int | None] = mapped_column(ForeignKey("review_items.id"))
    justification: Mapped[str] = mapped_column(Text)
    decided_by: Mapped[str] = mapped_column(String(120))
    approved_by: Mapped[str] = mapped_column(String(120))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    expires_at: Mapped[datetime]
    revoked_at: Mapped[datetime | None]
    revoked_by: Mapped[str | None] = mapped_column(String(120))
    revoke_reason: Mapped[str | None] = mapped_column(Text)


# --- compliance (issue 14) ---


class OwnershipRelation(Base):
    """One row of a grants system's owners.csv: `owner_key` owns (share) or controls (role) `owned_key`.
    A row the quality gate refused is kept with status 'quarantined' and its reason, never used."""

    __tablename__ = "ownership_relations"
    __table_args__ = (UniqueConstraint("source_file_id", "source_record"), Index("ix_ownership_owned", "owned_key"))

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    source_file_id: Mapped[int] = mapped_column(ForeignKey("source_files.id"))
    source_record: Mapped[str] = mapped_column(String(250))
    owned_key: Mapped[str | None] = mapped_column(String(250))
    owner_key: Mapped[str | None] = mapped_column(String(250))
    owner_name: Mapped[str | None] = mapped_column(Text)
    owner_kind: Mapped[str | None] = mapped_column(String(20))
    share_percent: Mapped[str | None] = mapped_column(String(40))  # as given
    role: Mapped[str | None] = mapped_column(String(20))
    status: Mapped[str] = mapped_column(String(20), default="accepted")  # accepted | quarantined
    reason: Mapped[str | None] = mapped_column(Text)


class VettingResult(Base):
    """The vetting of one party for one award: favourable until it expires or a trigger asks for re-vetting."""

    __tablename__ = "vetting_results"
    __table_args__ = (UniqueConstraint("party_key", "award_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    party_key: Mapped[str] = mapped_column(String(250))
    award_id: Mapped[str] = mapped_column(String(250))
    result: Mapped[str] = mapped_column(String(20), default="favourable")
    vetted_at: Mapped[datetime]
    expires_at: Mapped[datetime]
    run_id: Mapped[str] = mapped_column(String(250))  # the run (or review) that vetted it
    key_individuals_hash: Mapped[str] = mapped_column(String(64))
    candidates: Mapped[list[Any]] = mapped_column(default=list)  # listed entity ids scored at vetting time
    list_version_ids: Mapped[list[Any]] = mapped_column(default=list)
    revet_reason: Mapped[str | None] = mapped_column(Text)  # set while re-vetting is due


class ComplianceReport(Base):
    """A draft report to OFAC on a reviewer's block (31 CFR 501.603) or reject (501.604)."""

    __tablename__ = "compliance_reports"
    __table_args__ = (UniqueConstraint("review_decision_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    kind: Mapped[str] = mapped_column(String(20))  # blocking | rejected
    review_decision_id: Mapped[int] = mapped_column(ForeignKey("review_decisions.id"))
    review_item_id: Mapped[int] = mapped_column(ForeignKey("review_items.id"))
    disbursement_id: Mapped[str] = mapped_column(String(250))
    facts: Mapped[dict[str, Any]] = mapped_column(default=dict)
    event_date: Mapped[str] = mapped_column(String(10))  # the date of blocking / rejection (YYYY-MM-DD)
    due_date: Mapped[str] = mapped_column(String(10))
    status: Mapped[str] = mapped_column(String(20), default="draft")  # draft | filed
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    filed_at: Mapped[datetime | None]
    filed_by: Mapped[str | None] = mapped_column(String(120))
