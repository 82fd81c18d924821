"""Property: no record is ever silently dropped, whatever the input looks like.

Generated IATI documents, grants CSV exports and USAspending subaward CSVs (under the real d2
header), then mutated (truncated, bytes replaced,
a BOM, re-encoded, duplicated), are ingested together. An independent oracle (lxml's full parse
and XPath for XML, the csv module for CSV) says which disbursement records each file holds;
every one must end in exactly one of accepted / quarantined, or its file must be listed as
rejected with a reason.
"""

from __future__ import annotations

import csv
import io
import os
from collections import Counter
from pathlib import Path

from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st
from iati_builders import iati_activity, iati_document, iati_transaction
from lxml import etree

from aidvet.quality import QualityPolicy
from aidvet.sources.grants_csv import DISBURSEMENT_COLUMNS
from aidvet.sources.ingest import ingest

EXPECTATIONS = Path(__file__).resolve().parents[2] / "expectations"
SAFE_PARSER = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False)

def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


names = st.one_of(
    st.sampled_from(["Org A", "nan", "n/a", "Unspecified Vendors - Mexico", "Campaa Global A.C.", "Fundación Ñandú",
                     "USAID redacted this field", "", "   ", "Ω Corp & Sons"]),
    st.text(alphabet=st.characters(blacklist_categories=("Cs", "Cc")), max_size=12),
)
amounts = st.sampled_from(["100.00", "-5", "0", "", "abc", "1e3", "12,50", "99999999.99"])
transactions = st.builds(
    iati_transaction,
    code=st.sampled_from(["3", "3", "3", "2", "1", "4", None, "D"]),
    amount=st.one_of(st.none(), amounts),
    # Mostly escaped names; an unescaped one may break the XML, which is a case too.
    name=st.one_of(st.none(), names.map(_escape), names.map(_escape), names.map(_escape), names),
    ref=st.sampled_from([None, "R1", "R2", ""]),
    currency=st.sampled_from([None, "EUR", "XXX", "usd"]),
    country=st.sampled_from([None, "MX", "ZZ"]),
    date=st.sampled_from([None, "2024-02-29", "1999-01-01", "not a date"]),
)
activities = st.builds(
    iati_activity,
    identifier=st.sampled_from(["A-1", "A-2", "A-3", None]),
    transactions=st.lists(transactions, max_size=5),
    currency=st.sampled_from(["USD", None]),
)


@st.composite
def iati_files(draw) -> bytes:
    docs = draw(st.lists(activities, max_size=4))
    text = iati_document(docs)
    return _mutate(draw, text.encode("utf-8"))


@st.composite
def grants_files(draw) -> bytes:
    rows = draw(st.lists(st.fixed_dictionaries({
        "disbursement_id": st.sampled_from(["D-1", "D-2", "D-3", ""]),
        "award_id": st.sampled_from(["AW-1", ""]),
        "payee_name": names.map(lambda n: n.replace("\r", " ")),
        "amount": amounts,
        "currency": st.sampled_from(["USD", "", "XXX"]),
    }), max_size=6))
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(DISBURSEMENT_COLUMNS)
    for row in rows:
        full = {c: "x" for c in DISBURSEMENT_COLUMNS} | {"disbursement_date": "2024-01-02", "payee_country": "MX"} | row
        writer.writerow([full[c] for c in DISBURSEMENT_COLUMNS])
    return _mutate(draw, out.getvalue().encode("utf-8"))


# Read when drawn, i.e. after the shared_data fixture has skipped the test if the folder is absent.
SHARED_DATA = Path(os.environ.get("AIDVET_SHARED_DATA", Path(__file__).resolve().parents[2].parent / "shared" / "data"))
USASPENDING_COLUMNS = SHARED_DATA / "usaspending" / "subaward_d2_columns.txt"


@st.composite
def usaspending_files(draw) -> bytes:
    """Rows under the real d2 header (fsrs or sam names), some with a field too many or too few."""
    columns = USASPENDING_COLUMNS.read_text().split()
    if draw(st.booleans()):
        columns = [c.replace("subaward_sam_report_", "subaward_fsrs_report_") for c in columns]
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(columns)
    for _ in range(draw(st.integers(0, 5))):
        values = {"prime_award_unique_key": draw(st.sampled_from(["ASST_1", ""])),
                  "subaward_number": draw(st.sampled_from(["S-1", "S-2", ""])),
                  "subaward_amount": draw(amounts), "subawardee_name": draw(names), "subaward_action_date": "2024-03-03",
                  "subawardee_country_code": draw(st.sampled_from(["MEX", "MX", "", "ZZZ"]))}
        row = [values.get(c, "x") for c in columns]
        row = row + ["extra"] if draw(st.integers(0, 6)) == 0 else row
        writer.writerow(row)
    return _mutate(draw, out.getvalue().encode("utf-8"))


def _mutate(draw, data: bytes) -> bytes:
    kind = draw(st.sampled_from(["none"] * 5 + ["truncate", "replace", "bom", "latin1", "empty"]))
    if kind == "truncate" and data:
        return data[: draw(st.integers(0, len(data) - 1))]
    if kind == "replace" and data:
        position = draw(st.integers(0, len(data) - 1))
        return data[:position] + bytes([draw(st.integers(0, 255))]) + data[position + 1:]
    if kind == "bom":
        return b"\xef\xbb\xbf" + data
    if kind == "latin1":
        return data.decode("utf-8").encode("latin-1", errors="replace")
    if kind == "empty":
        return b""
    return data


def _xml_oracle(data: bytes) -> Counter | None:
    """Records of disbursement type (3 / D) or of no type; None when the oracle cannot parse the file."""
    try:
        root = etree.fromstring(data, SAFE_PARSER)
    except etree.XMLSyntaxError:
        return None
    if root.tag != "iati-activities":
        return None
    records = Counter()
    for i, activity in enumerate(root.findall("iati-activity"), start=1):
        for n, transaction in enumerate(activity.findall("transaction"), start=1):
            type_element = transaction.find("transaction-type")
            code = (type_element.get("code") or "").strip() if type_element is not None else ""
            if code in ("3", "D", ""):
                records[f"/iati-activities/iati-activity[{i}]/transaction[{n}]"] += 1
    return records


def _csv_oracle(data: bytes) -> Counter | None:
    try:
        text = data.decode("utf-8-sig")
        reader = csv.reader(io.StringIO(text, newline=""), strict=True)
        next(reader, None)
        records, start = Counter(), reader.line_num + 1
        for fields in reader:
            if any(field.strip() for field in fields):
                records[f"line {start}"] += 1
            start = reader.line_num + 1
    except (UnicodeDecodeError, csv.Error):
        return None
    return records


@settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture,
                                                                HealthCheck.too_slow])
@given(files=st.lists(st.one_of(iati_files().map(lambda d: ("xml", d)), grants_files().map(lambda d: ("csv", d)),
                                usaspending_files().map(lambda d: ("csv", d))), min_size=1, max_size=4),
       repeat=st.booleans())
def test_no_record_is_silently_dropped(shared_data, tmp_path_factory, files, repeat):
    folder = tmp_path_factory.mktemp("inputs")
    paths, oracles = [], {}
    for number, (kind, data) in enumerate(files):
        path = folder / f"input{number}.{kind}"
        path.write_bytes(data)
        paths.append(path)
        oracles[str(path)] = (_xml_oracle if kind == "xml" else _csv_oracle)(data)
    if repeat:
        paths.append(paths[0])
    result = ingest(paths, expectations_dir=EXPECTATIONS, policy=QualityPolicy(max_bad_share=0.5))

    landed = Counter((d.source_file, d.source_record) for d in result.accepted)
    landed.update((q.disbursement.source_file, q.disbursement.source_record) for q in result.quarantined)
    assert all(q.reason for q in result.quarantined)
    assert len(result.files) == len(paths)
    status = {}
    for entry in result.files:
        assert entry.status in ("ingested", "stopped", "rejected", "duplicate")
        if entry.status in ("rejected", "duplicate"):
            assert entry.reason
        status.setdefault(entry.source_file, entry.status)
        event(f"{Path(entry.source_file).suffix} file {entry.status}")
    for path in map(str, paths):
        expected = oracles[path]
        got = Counter({record: count for (file, record), count in landed.items() if file == path})
        if status[path] == "rejected":
            assert not got
        elif status[path] == "duplicate":
            continue  # its content is accounted for under the first file with the same SHA-256
        else:
            assert expected is not None, f"{path}: read although the oracle could not parse it"
            assert got == expected
