"""extract: idempotent ingest, rejected files kept with their reason, unreadable records kept."""

import dataclasses

import pytest
from sqlalchemy import func, select

from aidvet.errors import InputError
from aidvet.stages.extract import extract
from aidvet.store.db import session_scope
from aidvet.store.models import AuditEvent, Disbursement, RunItem, SourceFile


def _count(url, model):
    with session_scope(url) as session:
        return session.scalar(select(func.count()).select_from(model))


def test_the_same_file_in_two_runs_adds_no_rows(sample_settings):
    extract(sample_settings, "run-1")
    rows, files = _count(sample_settings.db_url, Disbursement), _count(sample_settings.db_url, SourceFile)
    extract(sample_settings, "run-2")
    assert (_count(sample_settings.db_url, Disbursement), _count(sample_settings.db_url, SourceFile)) == (rows, files)
    assert _count(sample_settings.db_url, RunItem) == 2 * rows


def test_an_unreadable_file_is_recorded_and_the_rest_goes_on(sample_settings, tmp_path):
    broken = tmp_path / "broken.xml"
    broken.write_text("<iati-activities><iati-activity>", encoding="utf-8")
    settings = dataclasses.replace(sample_settings, inputs=(str(broken),) + sample_settings.inputs)
    run_id = extract(settings, "run-1")
    with session_scope(settings.db_url) as session:
        rejected = session.scalars(select(SourceFile).where(SourceFile.status == "rejected")).one()
        assert "broken.xml" in rejected.reason
        assert session.scalar(select(func.count()).select_from(RunItem).where(RunItem.run_id == run_id)) == 320
        assert session.scalar(select(AuditEvent).where(AuditEvent.kind == "input.rejected")) is not None


def test_no_readable_input_at_all_stops_the_run(sample_settings, tmp_path):
    empty = tmp_path / "empty.csv"
    empty.write_text("")
    with pytest.raises(InputError, match="at least one readable input"):
        extract(dataclasses.replace(sample_settings, inputs=(str(empty),)), "run-1")


def test_records_a_parser_could_not_read_are_quarantined_stand_ins(sample_settings, tmp_path):
    iati = tmp_path / "partial.xml"
    iati.write_text(
        '<?xml version="1.0"?><iati-activities version="2.03"><iati-activity default-currency="USD">'
        "<iati-identifier>A-1</iati-identifier><title><narrative>T</narrative></title>"
        '<transaction><value>5</value><receiver-org><narrative>Org</narrative></receiver-org></transaction>'
        "</iati-activity></iati-activities>", encoding="utf-8")
    run_id = extract(dataclasses.replace(sample_settings, inputs=(str(iati),)), "run-1")
    with session_scope(sample_settings.db_url) as session:
        items = session.scalars(select(RunItem).where(RunItem.run_id == run_id)).all()
    assert len(items) == 1 and items[0].quality_failures[0].startswith("record could not be read")


def test_a_database_input_is_read_with_the_configured_query(sample_settings, tmp_path):
    import sqlite3

    path = tmp_path / "grants.db"
    with sqlite3.connect(path) as db:
        db.execute("CREATE TABLE payments (pay_no TEXT, grant_no TEXT, vendor TEXT, amt TEXT, cur TEXT, "
                   "paid_on TEXT, ctry TEXT)")
        db.executemany("INSERT INTO payments VALUES (?, ?, ?, ?, ?, ?, ?)",
                       [("P-1", "G-1", "Fundación Oaxaca A.C.", "100.00", "MXN", "2026-02-01", "MX"),
                        ("P-2", "G-1", "Tren de Aragua", "50.00", "USD", "2026-02-02", "SV")])
    query = ("SELECT pay_no AS disbursement_id, grant_no AS award_id, vendor AS payee_name, amt AS amount, "
             "cur AS currency, paid_on AS date, ctry AS country FROM payments")
    settings = dataclasses.replace(sample_settings, inputs=(f"sql:sqlite:///{path}",), sql_query=query)
    run_id = extract(settings, "run-sql")
    with session_scope(settings.db_url) as session:
        rows = session.scalars(select(Disbursement).join(RunItem, RunItem.disbursement_id == Disbursement.disbursement_id)
                               .where(RunItem.run_id == run_id)).all()
    assert sorted((d.disbursement_id, d.payee_name) for d in rows) == [("P-1", "Fundación Oaxaca A.C."),
                                                                       ("P-2", "Tren de Aragua")]


def test_a_run_without_readable_input_is_recorded_failed_with_every_file(sample_settings, tmp_path):
    from aidvet.store.models import Run

    empty, readme = tmp_path / "empty.csv", tmp_path / "README.txt"
    empty.write_text("")
    readme.write_text("exports follow next week\n")
    with pytest.raises(InputError, match="at least one readable input"):
        extract(dataclasses.replace(sample_settings, inputs=(str(empty), str(readme))), "nothing-readable")
    with session_scope(sample_settings.db_url) as session:
        run = session.get(Run, "nothing-readable")
        assert (run.status, run.failed_stage) == ("failed", "extract")
        assert [(e["path"], e["status"]) for e in run.inputs] == [(str(empty), "rejected"), (str(readme), "rejected")]
        failed = session.scalars(select(AuditEvent).where(AuditEvent.kind == "run.failed")).all()
    assert len(failed) == 1 and failed[0].payload["stage"] == "extract"
