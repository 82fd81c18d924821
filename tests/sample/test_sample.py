import hashlib

from aidvet.sample import designated, grants
from aidvet.sources import grants_csv


def _digest(paths):
    return [hashlib.sha256(p.read_bytes()).hexdigest() for p in paths]


def test_sample_is_deterministic(tmp_path):
    first = grants.generate(tmp_path / "a") + designated.write_ofac_csv(tmp_path / "a" / "lists")
    second = grants.generate(tmp_path / "b") + designated.write_ofac_csv(tmp_path / "b" / "lists")
    assert _digest(first) == _digest(second)


def test_sample_has_awards_countries_currencies_and_planted_cases(tmp_path):
    grants.generate(tmp_path)
    batch = grants_csv.load(tmp_path)
    rows = batch.disbursements
    assert 200 <= len(rows) <= 500 and len(batch.awards) >= 5
    assert {r.currency for r in rows} >= {"USD", "MXN"}
    assert {r.country for r in rows} >= {"MX", "GT", "HN", "SV"}
    names = {r.payee_name for r in rows}
    assert {"Cártel de Sinaloa", "Tren de Aragua", "Jalisco New Generation Cartel"} <= names
    assert any(p.role == "key_individual" and p.id_number == "OECR660717HMNSRB00" for p in batch.parties)
    assert any(r.payee_name is None for r in rows) and any(r.amount == "-1500.00" for r in rows)
    assert any(r.currency == "XYZ" for r in rows)


def test_sample_list_is_ofac_legacy_csv(tmp_path):
    sdn, alt = designated.write_ofac_csv(tmp_path)
    raw = sdn.read_bytes()
    assert raw.endswith(b"\r\n\x1a") and b"-0- " in raw and not raw.startswith(b"ent_num")
    raw.decode("latin-1")
    assert b'"MARA SALVATRUCHA"' in alt.read_bytes()
    assert b"FTO] [SDGT" in raw
