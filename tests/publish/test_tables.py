import hashlib
import io
from pathlib import Path

import pandas as pd
import pyarrow.parquet as pq

from aidvet.artifacts import ArtifactRoot
from aidvet.publish.tables import amounts_by_currency, csv_chunks, to_csv_bytes, to_parquet_bytes, write_parquet


def test_amounts_are_exact_and_unparseable_ones_are_counted_not_dropped():
    frame = pd.DataFrame({"amount": ["0.10", "0.20", "12,5OO", "NaN", None, "-1"],
                          "currency": ["USD", "USD", "USD", "USD", "MXN", None]})
    assert amounts_by_currency(frame) == {
        "(none)": {"total": "-1", "unparsed": 0},
        "MXN": {"total": "0", "unparsed": 1},
        "USD": {"total": "0.30", "unparsed": 2},
    }


def _table(rows: int) -> pd.DataFrame:
    return pd.DataFrame({"disbursement_id": [f"D-{n}" for n in range(rows)],
                         "payee_name": ["=HYPERLINK(\"x\")" if n % 3 == 0 else None if n % 3 == 1 else "Acme"
                                        for n in range(rows)],
                         "amount": ["-120.50" if n % 2 else "7" for n in range(rows)],
                         "best_score": [0.5 + n / 1000 if n % 4 else None for n in range(rows)]})


def test_csv_in_chunks_is_byte_for_byte_the_whole_csv_header_once_formulas_neutralized():
    for rows in (0, 1, 7, 8):
        frame = _table(rows)
        joined = b"".join(csv_chunks(frame, rows=2))
        assert joined == to_csv_bytes(frame)
        assert joined.count(b"disbursement_id") == 1
    assert b"'=HYPERLINK" in b"".join(csv_chunks(_table(4), rows=3))


def test_parquet_in_row_groups_reads_back_as_the_whole_table_and_its_hash_is_of_the_file(tmp_path):
    frame = _table(7)
    staging = ArtifactRoot(str(tmp_path)).stage("run-1")
    with staging.writer("held.parquet") as sink:
        write_parquet(frame, sink, rows=3)
    with staging.writer("empty.parquet") as sink:
        write_parquet(frame.iloc[:0], sink, rows=3)
    target = Path(staging.commit().removeprefix("file://"))
    written = target / "held.parquet"
    assert pq.ParquetFile(written).num_row_groups == 3
    assert staging.sha256["held.parquet"] == hashlib.sha256(written.read_bytes()).hexdigest()
    expected = pd.read_parquet(io.BytesIO(to_parquet_bytes(frame)))
    pd.testing.assert_frame_equal(pd.read_parquet(written), expected)
    assert list(pd.read_parquet(written)["payee_name"])[0] == "=HYPERLINK(\"x\")"  # Parquet keeps the raw value
    empty = pd.read_parquet(target / "empty.parquet")
    assert len(empty) == 0 and list(empty.columns) == list(frame.columns)
