"""Screening partitions at scale: each partition reads only its own parties (recorded once by
plan) and expands its hits in SQL to every valid disbursement reaching them, by each way money
reaches a party: payee, payee known only by name, the award's prime recipient, the payee's key
individuals (SQLite and PostgreSQL)."""

from __future__ import annotations

import csv
import dataclasses

import pytest
from sqlalchemy import delete, select

from aidvet.errors import AidvetError
from aidvet.sources.grants_csv import DISBURSEMENT_COLUMNS, KEY_INDIVIDUAL_COLUMNS
from aidvet.stages import screen
from aidvet.stages.extract import extract
from aidvet.stages.validate import validate
from aidvet.store.db import session_scope
from aidvet.store.models import Run, RunParty, ScreeningHit

CLEAN_PRIME = ("PR-1", "Consorcio Desarrollo Rural", "MX")
LISTED_PRIME = ("PR-2", "CARTEL DEL NORESTE", "MX")
# (disbursement id, award, prime, payee id, payee name, payee country, amount)
ROWS = [
    ("D-PAYEE-1", "AW-1", CLEAN_PRIME, "SUB-1", "GULF CARTEL", "MX", "1000.00"),
    ("D-PAYEE-2", "AW-1", CLEAN_PRIME, "SUB-1", "GULF CARTEL", "MX", "2000.00"),
    ("D-PAYEE-BAD", "AW-1", CLEAN_PRIME, "SUB-1", "GULF CARTEL", "MX", "-1500.00"),  # quarantined: not screened
    ("D-NAME-1", "AW-1", CLEAN_PRIME, "", "TREN DE ARAGUA", "VE", "3000.00"),
    ("D-NAME-2", "AW-1", CLEAN_PRIME, "", "TREN DE ARAGUA", "CO", "4000.00"),
    ("D-KI-1", "AW-1", CLEAN_PRIME, "SUB-3", "Cooperativa Agricola del Valle", "MX", "5000.00"),
    ("D-PRIME-1", "AW-2", LISTED_PRIME, "SUB-4", "Asociacion Civil Horizonte", "MX", "6000.00"),
    ("D-PRIME-2", "AW-2", LISTED_PRIME, "SUB-5", "Fundacion Esperanza", "GT", "7000.00"),
    ("D-CLEAN-1", "AW-1", CLEAN_PRIME, "SUB-6", "Red de Salud Comunitaria", "HN", "8000.00"),
    ("D-CLEAN-2", "AW-1", CLEAN_PRIME, "SUB-7", "Escuelas Rurales Unidas", "HN", "9000.00"),
]
KEY_INDIVIDUAL = "grants:SUB-3/ki/OSEGUERA CERVANTES, Ruben"
EXPECTED = {  # party that hits -> the valid disbursements its hits are recorded for
    "grants:SUB-1": {"D-PAYEE-1", "D-PAYEE-2"},
    "name:TREN DE ARAGUA": {"D-NAME-1", "D-NAME-2"},
    KEY_INDIVIDUAL: {"D-KI-1"},
    "grants:PR-2": {"D-PRIME-1", "D-PRIME-2"},
}


@pytest.fixture
def reach_settings(sample_with_list, tmp_path):
    """The sample list, a small grants export reaching listed names every way, and one partition per payee."""
    folder = tmp_path / "reach-grants"
    folder.mkdir()
    with (folder / "disbursements.csv").open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(DISBURSEMENT_COLUMNS)
        for d_id, award, (prime_id, prime_name, prime_country), payee_id, payee_name, country, amount in ROWS:
            writer.writerow([d_id, award, f"Award {award}", prime_id, prime_name, prime_country, payee_id, payee_name,
                             "organization", "subrecipient", country, amount, "USD", "2026-03-02"])
    with (folder / "key_individuals.csv").open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(KEY_INDIVIDUAL_COLUMNS)
        writer.writerow(["SUB-3", "OSEGUERA CERVANTES, Ruben", "1966-07-17", "", "", "MX"])
    policy = tmp_path / "policy.toml"
    policy.write_text(sample_with_list.policy_path.read_text().replace("parties_per_partition = 2000",
                                                                       "parties_per_partition = 1"))
    return dataclasses.replace(sample_with_list, inputs=(str(folder),), policy_path=policy)


def _planned(settings) -> tuple[str, list[int]]:
    run_id = validate(settings, extract(settings, "reach-run"))
    return run_id, screen.plan(settings, run_id)


def _hits(settings, run_id) -> list[tuple]:
    """(id, disbursement, party, entity, list version, score, matched name, programs) of every hit row."""
    with session_scope(settings.db_url) as session:
        rows = session.execute(select(ScreeningHit.id, ScreeningHit.disbursement_id, ScreeningHit.party_key,
                                      ScreeningHit.entity_id, ScreeningHit.list_version_id, ScreeningHit.score,
                                      ScreeningHit.matched_name, ScreeningHit.programs)
                               .where(ScreeningHit.run_id == run_id)).all()
    return sorted((*row[:-1], tuple(row[-1])) for row in rows)


def _content(hits) -> list[tuple]:
    """The hits without their row ids."""
    return sorted(hit[1:] for hit in hits)


def _partition_of_party(settings, run_id) -> dict[str, int]:
    with session_scope(settings.db_url) as session:
        return dict(session.execute(select(RunParty.party_key, RunParty.partition)
                                    .where(RunParty.run_id == run_id)).all())


def test_hits_reach_every_valid_disbursement_by_payee_name_prime_and_key_individual(reach_settings):
    run_id, partitions = _planned(reach_settings)
    assert len(partitions) == 7  # one per distinct payee (six ids and one name)
    recorded = sum(screen.screen_partition(reach_settings, run_id, p, len(partitions)) for p in partitions)
    hits = _hits(reach_settings, run_id)
    assert recorded == len(hits)
    reached: dict[str, set[str]] = {}
    for _, disbursement_id, party_key, *_ in hits:
        reached.setdefault(party_key, set()).add(disbursement_id)
    assert reached == EXPECTED
    by_party = _partition_of_party(reach_settings, run_id)
    assert {"grants:SUB-1", "name:TREN DE ARAGUA", KEY_INDIVIDUAL, "grants:PR-1", "grants:PR-2",
            "grants:SUB-6"} <= set(by_party)
    assert all(by_party[key] == screen.partition_of(key, len(partitions)) for key in by_party)


def test_a_payee_known_only_by_name_is_screened_once_with_the_same_country_on_every_retry(reach_settings):
    run_id, partitions = _planned(reach_settings)
    with session_scope(reach_settings.db_url) as session:
        [(kind, country)] = session.execute(select(RunParty.kind, RunParty.country).where(
            RunParty.run_id == run_id, RunParty.party_key == "name:TREN DE ARAGUA")).all()
    assert (kind, country) == ("organization", "CO")  # the lowest of the countries given (VE, CO)


def test_a_retried_partition_replaces_only_its_own_hits_with_identical_ones(reach_settings):
    run_id, partitions = _planned(reach_settings)
    for p in partitions:
        screen.screen_partition(reach_settings, run_id, p, len(partitions))
    before = _hits(reach_settings, run_id)
    partition_of_party = _partition_of_party(reach_settings, run_id)
    mine = partition_of_party["grants:SUB-1"]
    others = [h for h in before if partition_of_party[h[2]] != mine]
    assert others  # hits of other partitions exist, and must not be touched

    screen.screen_partition(reach_settings, run_id, mine, len(partitions))
    after = _hits(reach_settings, run_id)
    assert _content(after) == _content(before)
    assert [h for h in after if partition_of_party[h[2]] != mine] == others  # the same rows, ids and all
    assert {h[0] for h in after if h[2] == "grants:SUB-1"}.isdisjoint(h[0] for h in before)  # its own: rewritten


def test_a_partition_reads_nothing_of_the_other_partitions(reach_settings):
    run_id, partitions = _planned(reach_settings)
    for p in partitions:
        screen.screen_partition(reach_settings, run_id, p, len(partitions))
    mine = _partition_of_party(reach_settings, run_id)[KEY_INDIVIDUAL]
    own = _content(h for h in _hits(reach_settings, run_id) if h[2] == KEY_INDIVIDUAL)
    with session_scope(reach_settings.db_url) as session:  # the other partitions' work lists and hits gone
        session.execute(delete(RunParty).where(RunParty.run_id == run_id, RunParty.partition != mine))
        session.execute(delete(ScreeningHit).where(ScreeningHit.run_id == run_id))
    screen.screen_partition(reach_settings, run_id, mine, len(partitions))
    assert _content(h for h in _hits(reach_settings, run_id) if h[2] == KEY_INDIVIDUAL) == own


def test_a_partition_that_fails_while_recording_keeps_its_previous_hits(reach_settings, monkeypatch):
    run_id, partitions = _planned(reach_settings)
    for p in partitions:
        screen.screen_partition(reach_settings, run_id, p, len(partitions))
    before = _hits(reach_settings, run_id)

    def broken(session, run_id, found):
        raise RuntimeError("database went away")

    monkeypatch.setattr(screen.party_hits, "record", broken)
    with pytest.raises(RuntimeError):
        screen.screen_partition(reach_settings, run_id, _partition_of_party(reach_settings, run_id)["grants:SUB-1"],
                                len(partitions))
    assert _hits(reach_settings, run_id) == before  # its delete rolled back with the failed insert


def test_screening_unavailable_clears_the_partitions_hits_and_records_none(reach_settings):
    run_id, partitions = _planned(reach_settings)
    for p in partitions:
        screen.screen_partition(reach_settings, run_id, p, len(partitions))
    with session_scope(reach_settings.db_url) as session:
        session.get(Run, run_id).screening_unavailable = "screening unavailable: list source not usable (test)"
    assert sum(screen.screen_partition(reach_settings, run_id, p, len(partitions)) for p in partitions) == 0
    assert _hits(reach_settings, run_id) == []


def test_a_partition_of_another_plan_is_refused(reach_settings):
    run_id, partitions = _planned(reach_settings)
    with pytest.raises(AidvetError, match=r"partition 0 of 3 asked for, but screening was planned in 7 partitions"):
        screen.screen_partition(reach_settings, run_id, 0, 3)


def test_the_run_and_replay_agree_on_which_parties_each_disbursement_reaches(reach_settings):
    from aidvet.store.models import Award, Disbursement, Party, RunItem
    from aidvet.store.run_items import without_quality_failures

    run_id, partitions = _planned(reach_settings)
    for p in partitions:
        screen.screen_partition(reach_settings, run_id, p, len(partitions))
    with session_scope(reach_settings.db_url) as session:
        valid = session.execute(select(Disbursement).join(RunItem, RunItem.disbursement_id == Disbursement.disbursement_id)
                                .where(RunItem.run_id == run_id, without_quality_failures())).scalars().all()
        stored = session.scalars(select(Party)).all()
        replayed = screen.parties_reached(valid, dict(session.execute(select(Award.award_id, Award.prime_party_key)).all()),
                                          {p.party_key: p for p in stored if not p.parent_key},
                                          [p for p in stored if p.parent_key])
        recorded = session.execute(select(*(getattr(RunParty, f) for f in screen.reach.PARTY_FIELDS))
                                   .where(RunParty.run_id == run_id)).all()
    in_replay = {p.party_key: (p.name, p.kind, p.country) for parties in replayed.values() for p in parties}
    assert in_replay == {p.party_key: (p.name, p.kind, p.country) for p in recorded}  # the same queries screened
    hits = _hits(reach_settings, run_id)
    hit_parties = {h[2] for h in hits}
    assert {(h[1], h[2]) for h in hits} == {(d, p.party_key) for d, parties in replayed.items()
                                           for p in parties if p.party_key in hit_parties}


def test_a_payee_key_with_no_stored_party_is_reached_by_name(reach_settings):
    from aidvet.store.models import Party

    run_id = validate(reach_settings, extract(reach_settings, "reach-run"))
    with session_scope(reach_settings.db_url) as session:  # no source writes such a key; the rule still holds
        session.execute(delete(Party).where(Party.party_key == "grants:SUB-1"))
    partitions = screen.plan(reach_settings, run_id)
    for p in partitions:
        screen.screen_partition(reach_settings, run_id, p, len(partitions))
    reached: dict[str, set[str]] = {}
    for _, disbursement_id, party_key, *_ in _hits(reach_settings, run_id):
        reached.setdefault(party_key, set()).add(disbursement_id)
    assert reached.pop("name:GULF CARTEL") == EXPECTED["grants:SUB-1"]
    assert reached == {key: ids for key, ids in EXPECTED.items() if key != "grants:SUB-1"}
