"""OFAC legacy CSV sets, on the real files; expected counts are derived here with plain csv/regex."""

from __future__ import annotations

import csv
import io
import re
from collections import Counter
from pathlib import Path

import pytest

from aidvet.errors import InputError
from aidvet.lists import load_files
from aidvet.lists.formats.ofac_remarks import parse_remarks

COMPLETE_WEAK_AKA = re.compile(r"(?:^|; )(?:alt\. )?[afn]\.k\.a\. '.*?'(?=; |\.?$)")


def ofac_rows(path: Path) -> list[list[str]]:
    text = path.read_bytes().decode("latin-1").rstrip("\x1a\r\n")
    rows = [row for row in csv.reader(io.StringIO(text, newline="")) if row]
    return [row for row in rows if row[0] != "ent_num"]


def expected_programs(rows: list[list[str]]) -> Counter:
    programs = Counter()
    for row in rows:
        if row[3].strip() != "-0-":
            programs.update(re.split(r"\] \[", row[3]))
    return programs


def weak_alias_count(rows: list[list[str]]) -> int:
    return sum(len(COMPLETE_WEAK_AKA.findall(row[11].strip())) for row in rows)


def complete_remarks(row: list[str]) -> str:
    """Remarks without a last item cut off at OFAC's 1,000-character limit."""
    remarks = row[11].strip()
    return remarks.rsplit("; ", 1)[0] if len(row[11]) >= 1000 else remarks


def item_count(rows: list[list[str]], pattern: str) -> int:
    return sum(len(re.findall(rf"(?:^|; )(?:alt\. )?{pattern}", complete_remarks(row))) for row in rows)


@pytest.fixture(scope="module")
def ofac(shared_data: Path) -> Path:
    return shared_data / "lists" / "ofac"


@pytest.fixture(scope="module")
def sdn_2021(ofac: Path):
    return load_files([ofac / "2021-04-25"])


def test_2021_set_counts_match_the_raw_files(ofac: Path, sdn_2021) -> None:
    sdn = ofac_rows(ofac / "2021-04-25" / "sdn.csv")
    alt = ofac_rows(ofac / "2021-04-25" / "alt.csv")
    entities = sdn_2021.entities
    assert sdn_2021.source == "ofac" and len(entities) == len(sdn) == 8890
    assert len({e.id for e in entities}) == len(entities)
    strong = sum(1 for e in entities for a in e.aliases if a.strength == "strong")
    weak = sum(1 for e in entities for a in e.aliases if a.strength == "weak")
    assert strong == len(alt)
    assert weak == weak_alias_count(sdn)
    assert Counter(p for e in entities for p in e.programs) == expected_programs(sdn)
    assert sum(len(e.linked_to) for e in entities) == item_count(sdn, "Linked To: ")
    assert sum(len(e.birth_dates) for e in entities) == item_count(sdn, "DOB ")
    assert sum(len(e.birth_places) for e in entities) == item_count(sdn, "POB ")
    assert sum(1 for e in entities for i in e.identifiers if i.type == "Passport") == item_count(sdn, "Passport ")
    assert sum(1 for e in entities for i in e.identifiers if i.type == "C.U.R.P.") == item_count(sdn, r"C\.U\.R\.P\. ")
    alias_types = Counter(a.type for e in entities for a in e.aliases if a.strength == "strong")
    assert alias_types == Counter(row[2] for row in alt)
    cut = [row[0] for row in sdn if len(row[11]) >= 1000]
    assert len(sdn_2021.warnings) == 1 and sdn_2021.warnings[0].startswith(f"Remarks of {len(cut)} ent_num(s) are cut")
    assert sdn_2021.published_at is None


def test_2021_entity_details(sdn_2021) -> None:
    by_id = {e.id: e for e in sdn_2021.entities}
    bnc = by_id["ofac:306"]
    assert bnc.kind == "organization" and bnc.programs == ["CUBA"]
    assert [(a.name, a.strength) for a in bnc.aliases] == [("NATIONAL BANK OF CUBA", "strong"), ("BNC", "weak")]
    assert "Zurich CH-8022" in [a.city for a in bnc.addresses]
    kinds = Counter(e.kind for e in sdn_2021.entities)
    assert set(kinds) == {"person", "organization", "vessel", "aircraft"}


def test_2024_set_with_header_row(ofac: Path) -> None:
    parsed = load_files([ofac / "2024-06-27"])
    sdn = ofac_rows(ofac / "2024-06-27" / "sdn.csv")
    assert len(parsed.entities) == len(sdn) == 15402
    assert sum(len(e.aliases) for e in parsed.entities) == weak_alias_count(sdn)
    assert any("dataspec.txt: not a list file, ignored" in w for w in parsed.warnings)
    # remarks cut at 1,000 characters with no sdn_comments.csv in this folder are flagged
    cut = [row[0] for row in sdn if len(row[11]) >= 1000]
    assert cut and any(f"are cut at 1000 characters" in w and cut[0] in w for w in parsed.warnings)


def test_consolidated_set_joins_overflow_comments(ofac: Path) -> None:
    folder = ofac / "consolidated-2025-12"
    parsed = load_files([folder])
    prim = ofac_rows(folder / "cons_prim.csv")
    comments = {row[0]: row[1] for row in ofac_rows(folder / "cons_comments.csv")}
    assert parsed.source == "ofac-cons" and len(parsed.entities) == len(prim)
    assert all(e.id.startswith("ofac-cons:") for e in parsed.entities)
    by_id = {e.id: e for e in parsed.entities}
    for row in prim:
        if row[0] in comments:
            assert by_id[f"ofac-cons:{row[0]}"].remarks == (row[11] + comments[row[0]]).strip()
    gazprombank = by_id["ofac-cons:17016"]
    assert ("Legal Entity Number", "253400WSS48YWMBUA688") in [(i.type, i.value) for i in gazprombank.identifiers]
    weak = sum(1 for e in parsed.entities for a in e.aliases if a.strength == "weak")
    joined = [[*row[:11], row[11] + comments.get(row[0], "")] for row in prim]
    assert weak == weak_alias_count(joined)
    assert parsed.warnings == []


def test_2026_cartels_are_terrorist_designated_with_their_aliases(ofac: Path) -> None:
    parsed = load_files([ofac / "2026-04-23-excerpt" / "sdn.csv", ofac / "2025-12-24"])
    by_id = {e.id: e for e in parsed.entities}
    assert len(by_id) == 11
    fto = {row[0] for row in ofac_rows(ofac / "2026-04-23-excerpt" / "sdn.csv") if "[FTO]" in f"[{row[3]}]"}
    assert {e.id for e in parsed.entities if "FTO" in e.programs} == {f"ofac:{n}" for n in fto}
    assert {"ofac:11438", "ofac:11440", "ofac:15412", "ofac:17671", "ofac:11462"} <= {
        e.id for e in parsed.entities if e.terrorist}
    assert not by_id["ofac:11439"].terrorist and not by_id["ofac:17672"].terrorist

    def names(ent_id: str, strength: str) -> set[str]:
        return {a.name for a in by_id[ent_id].aliases if a.strength == strength}

    assert {"CJNG", "JALISCO NEW GENERATION CARTEL"} <= names("ofac:17671", "strong")
    assert "CARTEL DE SINALOA" in names("ofac:11440", "strong")
    assert names("ofac:11440", "weak") == {"MEXICAN FEDERATION", "GUADALAJARA CARTEL"}
    assert "MARA SALVATRUCHA" in names("ofac:15412", "strong")
    assert names("ofac:11438", "weak") == {"CDN", "NORTHEAST CARTEL", "LOS ZETAS"}
    assert by_id["ofac:11440"].programs == ["SDNTK", "FTO", "SDGT", "ILLICIT-DRUGS-EO14059"]
    mencho = by_id["ofac:17674"]
    assert mencho.kind == "person" and mencho.birth_dates == ["1966-07-17"]
    assert ("C.U.R.P.", "OECR660717HMNSRB00", "Mexico") in [(i.type, i.value, i.country) for i in mencho.identifiers]
    assert mencho.linked_to == ["CARTEL DE JALISCO NUEVA GENERACION"]
    assert {"El Mencho", "El Senor de los Gallos"} == names("ofac:17674", "weak")


def test_2025_orphans_are_reported_not_fatal(ofac: Path) -> None:
    parsed = load_files([ofac / "2026-04-23-excerpt" / "sdn.csv", ofac / "2025-12-24"])
    primary = {row[0] for row in ofac_rows(ofac / "2026-04-23-excerpt" / "sdn.csv")}
    for name in ("alt.csv", "add.csv", "sdn_comments.csv"):
        path = ofac / "2025-12-24" / name
        expected = {row[0] for row in ofac_rows(path)} - primary
        assert set(parsed.orphans[str(path)]) == expected
        assert any(w.startswith(f"{path}: rows for {len(expected)} ent_num(s) with no primary row")
                   for w in parsed.warnings)
    assert "49756" in parsed.orphans[str(ofac / "2025-12-24" / "alt.csv")]  # EL TREN DE ARAGUA


def test_set_without_primary_file_is_rejected(ofac: Path) -> None:
    with pytest.raises(InputError, match="needs its primary file"):
        load_files([ofac / "2025-12-24"])


def test_remarks_items() -> None:
    facts = parse_remarks(
        "DOB 01 Jan 1958; alt. DOB Mar 1960; POB Culiacan, Sinaloa, Mexico; nationality Mexico; "
        "Passport AB 123456 (Colombia) issued 01 Jan 2000; Cedula No. 6068015 (Colombia); "
        "NIT # 800018928-0 (Colombia); C.U.I.P. X123 (Mexico); Registration Number HRA 738077 (Stuttgart) (Germany); "
        "Digital Currency Address - XBT 12QtD5B; Secondary sanctions risk: section 1(b) (x); "
        "a.k.a. 'KATA'IB X'; f.k.a. 'OLD NAME'; Linked To: ACME, S.A.."
    )
    assert facts.birth_dates == ["1958-01-01", "1960-03"]
    assert facts.birth_places == ["Culiacan, Sinaloa, Mexico"] and facts.countries == ["Mexico"]
    assert [(i.type, i.value, i.country) for i in facts.identifiers] == [
        ("Passport", "AB 123456", "Colombia"), ("Cedula No.", "6068015", "Colombia"),
        ("NIT #", "800018928-0", "Colombia"), ("C.U.I.P.", "X123", "Mexico"),
        ("Registration Number", "HRA 738077 (Stuttgart)", "Germany"),
        ("Digital Currency Address - XBT", "12QtD5B", None)]
    assert [(a.name, a.strength, a.type) for a in facts.weak_aliases] == [
        ("KATA'IB X", "weak", "aka"), ("OLD NAME", "weak", "fka")]
    assert facts.linked_to == ["ACME, S.A."]


SDN_ROW = '36,"AEROCARIBBEAN AIRLINES",-0- ,"CUBA",-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- \r\n'


def test_row_with_a_missing_column_names_file_and_line(tmp_path: Path) -> None:
    path = tmp_path / "sdn.csv"
    path.write_bytes((SDN_ROW + '173,"ANGLO-CARIBBEAN CO., LTD.",-0- ,"CUBA",-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- \r\n\x1a')
                     .encode("latin-1"))
    with pytest.raises(InputError) as error:
        load_files([path])
    assert str(path) in str(error.value) and "line 2 (ent_num '173')" in str(error.value)
    assert "12 comma-separated fields" in str(error.value)


def test_utf16_file_is_rejected_as_wrong_encoding(tmp_path: Path) -> None:
    path = tmp_path / "sdn.csv"
    path.write_bytes(SDN_ROW.encode("utf-16"))
    with pytest.raises(InputError, match=r"sdn\.csv, byte \d+: latin-1 text"):
        load_files([path])


def test_unknown_sdn_type_is_rejected(tmp_path: Path) -> None:
    path = tmp_path / "sdn.csv"
    path.write_text(SDN_ROW.replace('",-0- ,"CUBA"', '","ship","CUBA"'), encoding="latin-1")
    with pytest.raises(InputError, match=r"line 1 \(ent_num 36\): SDN_Type"):
        load_files([path])


def test_latin1_names_are_decoded(tmp_path: Path) -> None:
    path = tmp_path / "sdn.csv"
    path.write_bytes(SDN_ROW.replace("AEROCARIBBEAN", "AÉROCARIBBEAN").encode("latin-1") + b"\x1a")
    assert load_files([path]).entities[0].name == "AÉROCARIBBEAN AIRLINES"
