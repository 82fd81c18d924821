"""Ingest through the quality gate: conservation, placeholders quarantined, idempotence, the CLI."""

from __future__ import annotations

import argparse
import csv
import hashlib
from pathlib import Path

import pytest
from iati_builders import iati_activity, iati_document, iati_transaction
from lxml import etree

from aidvet.cli import COMMAND_MODULES
from aidvet.cli import ingest as ingest_command
from aidvet.quality import QualityPolicy
from aidvet.sources.ingest import BATCH_STOPPED, UNREADABLE, ingest
from aidvet.sources.outputs import write_outputs

EXPECTATIONS = Path(__file__).resolve().parents[2] / "expectations"
PLACEHOLDER_REASON = "payee name is a placeholder"
REAL_FILES = ("usaid-mx.xml", "usaid-cr.xml")
LENIENT = QualityPolicy(max_bad_share=1.0)  # for tests about rows, not about the batch-level stop


def _read_csv(path):
    with open(path, newline="", encoding="utf-8") as stream:
        return list(csv.DictReader(stream))


@pytest.fixture(scope="module")
def real_result(shared_data):
    return ingest([shared_data / "iati" / name for name in REAL_FILES], expectations_dir=EXPECTATIONS)


@pytest.mark.parametrize("name", REAL_FILES)
def test_every_real_disbursement_is_accepted_or_quarantined_once(real_result, shared_data, name):
    path = str(shared_data / "iati" / name)
    tree = etree.parse(path)
    expected = int(tree.xpath('count(//transaction[transaction-type/@code="3"])'))
    records = [d.source_record for d in real_result.accepted if d.source_file == path]
    records += [q.disbursement.source_record for q in real_result.quarantined if q.disbursement.source_file == path]
    assert len(records) == len(set(records)) == expected
    for record in records[::50]:
        assert tree.xpath(f"{record}/transaction-type/@code") == ["3"]


def test_placeholder_and_redacted_payees_are_quarantined_with_their_reason(real_result):
    placeholders = ("nan", "Unspecified Vendors - Mexico", "Unspecified Vendors - El Salvador")
    quarantined_names = {q.disbursement.payee_name for q in real_result.quarantined
                         if PLACEHOLDER_REASON in q.reason}
    assert set(placeholders) <= quarantined_names
    assert any(name.startswith("USAID redacted this field") for name in quarantined_names)
    for disbursement in real_result.accepted:
        assert disbursement.payee_name not in placeholders
        assert "redacted this field" not in disbursement.payee_name
    for item in real_result.quarantined:
        if item.disbursement.payee_name in placeholders:
            assert PLACEHOLDER_REASON in item.reason and "expect_column_values_to_not_match_regex_list" in item.reason


def test_accent_stripped_names_pass_through_exactly_as_given(real_result):
    names = {d.payee_name for d in real_result.accepted}
    assert "Campaa Global por la Libertad de Expresin A19 A.C." in names


def test_negative_amounts_are_quarantined_as_not_positive(real_result):
    negatives = [q for q in real_result.quarantined if (q.disbursement.amount or "").startswith("-")]
    assert negatives and all("amount not positive" in q.reason for q in negatives)


def test_bad_file_is_rejected_with_reason_and_the_rest_goes_on(write_file):
    good = write_file("good.xml", iati_document([iati_activity("A-1", [iati_transaction(name="Good Org")])]))
    bad = write_file("bad.xml", b"<iati-activities><iati-activity>")
    result = ingest([bad, good], expectations_dir=EXPECTATIONS)
    assert [(f.status, f.source_file) for f in result.files] == [("rejected", str(bad)), ("ingested", str(good))]
    assert "well-formed XML" in result.files[0].reason
    assert result.files[0].sha256 == hashlib.sha256(bad.read_bytes()).hexdigest()
    assert [d.payee_name for d in result.accepted] == ["Good Org"]


def test_same_file_twice_gives_no_duplicates(write_file):
    text = iati_document([iati_activity("A-1", [iati_transaction(name="Org One"), iati_transaction(name="nan")])])
    first, copy = write_file("a.xml", text), write_file("copy.xml", text)
    result = ingest([first, copy, first], expectations_dir=EXPECTATIONS, policy=LENIENT)
    assert [f.status for f in result.files] == ["ingested", "duplicate", "duplicate"]
    assert len(result.accepted) == 1 and len(result.quarantined) == 1


def test_same_disbursement_id_from_another_file_is_quarantined_not_doubled(write_file):
    one = write_file("a.xml", iati_document([iati_activity("A-1", [iati_transaction(ref="R1", name="Org One")])]))
    two = write_file("b.xml", iati_document([iati_activity("A-1", [iati_transaction(ref="R1", name="Org One", amount="7")])]))
    result = ingest([one, two], expectations_dir=EXPECTATIONS, policy=LENIENT)
    assert [d.source_file for d in result.accepted] == [str(one)]
    assert "disbursement id not unique" in result.quarantined[0].reason


def test_unreadable_records_are_quarantined_with_their_reason(write_file):
    doc = iati_document([iati_activity("A-1", [iati_transaction(code=None), iati_transaction(code="1")])])
    result = ingest([write_file("a.xml", doc)], expectations_dir=EXPECTATIONS, policy=LENIENT)
    (item,) = result.quarantined
    assert item.reason.startswith(UNREADABLE) and item.disbursement.source_record.endswith("transaction[1]")
    assert result.accepted == [] and result.files[0].ignored == 1


def test_batch_level_failure_quarantines_the_whole_file(write_file):
    doc = iati_document([iati_activity("A-1", [iati_transaction(name="Org One"), iati_transaction(amount="-3")])])
    result = ingest([write_file("a.xml", doc)], expectations_dir=EXPECTATIONS, policy=QualityPolicy(max_bad_share=0.1))
    assert result.accepted == [] and len(result.quarantined) == 2
    assert all(q.reason.startswith(BATCH_STOPPED) for q in result.quarantined)
    assert result.files[0].status == "stopped" and result.rejected_files == result.files


def test_placeholder_payees_are_quarantined_without_stopping_the_batch(write_file):
    doc = iati_document([iati_activity("A-1", [iati_transaction(name="Org One"), iati_transaction(name="n/a")])])
    result = ingest([write_file("a.xml", doc)], expectations_dir=EXPECTATIONS, policy=QualityPolicy(max_bad_share=0.1))
    assert [d.payee_name for d in result.accepted] == ["Org One"]
    assert "placeholder" in result.quarantined[0].reason and result.files[0].status == "ingested"


def _run_cli(argv):
    parser = argparse.ArgumentParser()
    ingest_command.register(parser.add_subparsers(dest="command", required=True))
    args = parser.parse_args(argv)
    return args.func(args)


def test_cli_writes_both_files_idempotently(write_file, tmp_path, capsys):
    good = [iati_transaction(name=f"Org {n}") for n in ("One", "Two", "Three", "Four")]
    doc = iati_document([iati_activity("A-1", [*good, iati_transaction(name="nan"), iati_transaction(code="2")])])
    source = write_file("a.xml", doc)
    out = tmp_path / "out"
    assert _run_cli(["ingest", str(source), str(source), "--out", str(out)]) == 0
    first = {name: (out / name).read_bytes() for name in ("disbursements.csv", "quarantined.csv", "inputs.csv")}
    assert _run_cli(["ingest", str(source), "--format", "iati", "--out", str(out)]) == 0
    assert (out / "disbursements.csv").read_bytes() == first["disbursements.csv"]
    assert (out / "quarantined.csv").read_bytes() == first["quarantined.csv"]
    accepted, quarantined = _read_csv(out / "disbursements.csv"), _read_csv(out / "quarantined.csv")
    assert list(accepted[0])[:6] == ["disbursement_id", "payee_name", "amount", "currency", "source_file", "source_record"]
    assert [r["payee_name"] for r in accepted] == ["Org One", "Org Two", "Org Three", "Org Four"]
    assert accepted[0]["source_record"] == "/iati-activities/iati-activity[1]/transaction[1]"
    assert [(r["payee_name"], r["source_record"]) for r in quarantined] == [("nan", "/iati-activities/iati-activity[1]/transaction[5]")]
    assert PLACEHOLDER_REASON in quarantined[0]["reason"]
    assert "accepted 4" in capsys.readouterr().out
    (commitment,) = _read_csv(out / "commitments.csv")
    assert commitment["commitment_id"] == "A-1/t6" and commitment["source_record"].endswith("transaction[6]")
    assert not list(out.glob(".*.tmp"))


def test_cli_exit_code_is_1_when_a_file_is_rejected(write_file, tmp_path):
    bad = write_file("bad.csv", "just,some\ncsv,text\n")
    assert _run_cli(["ingest", str(bad), "--out", str(tmp_path / "out")]) == 1
    (entry,) = _read_csv(tmp_path / "out" / "inputs.csv")
    assert entry["status"] == "rejected" and "one of: IATI activity XML" in entry["reason"]


def test_ingest_is_a_registered_command():
    assert "ingest" in COMMAND_MODULES


def test_write_outputs_replaces_previous_outputs(tmp_path):
    from aidvet.sources.ingest import IngestResult

    out = tmp_path / "out"
    out.mkdir()
    (out / "disbursements.csv").write_text("stale\n")
    write_outputs(IngestResult(), out)
    assert _read_csv(out / "disbursements.csv") == []
