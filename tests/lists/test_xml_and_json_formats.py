"""OFAC XML, UN XML and OpenSanctions FtM on the real files; expected counts derived with plain
ElementTree/json here, not with the parsers."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from collections import Counter
from pathlib import Path

import pytest

from aidvet.lists import load_files


def strip_ns(root: ET.Element) -> ET.Element:
    for element in root.iter():
        element.tag = element.tag.split("}")[-1]
    return root


@pytest.fixture(scope="module")
def lists_dir(shared_data: Path) -> Path:
    return shared_data / "lists"


def test_ofac_consolidated_xml(lists_dir: Path) -> None:
    path = lists_dir / "ofac" / "consolidated-2025-03-28.xml"
    root = strip_ns(ET.parse(path).getroot())
    entries = root.findall("sdnEntry")
    parsed = load_files([path])
    assert parsed.source == "ofac-cons" and parsed.format == "ofac-xml"
    assert parsed.published_at == "2025-03-28"
    assert len(parsed.entities) == len(entries) == int(root.findtext("publshInformation/Record_Count"))
    assert [e.id for e in parsed.entities] == [f"ofac-cons:{e.findtext('uid')}" for e in entries]
    categories = Counter(a.findtext("category") for a in root.iter("aka"))
    assert Counter(a.strength for e in parsed.entities for a in e.aliases) == categories
    types = Counter({"a.k.a.": "aka", "f.k.a.": "fka"}[a.findtext("type")] for a in root.iter("aka"))
    assert Counter(a.type for e in parsed.entities for a in e.aliases) == types
    programs = Counter(p.text for p in root.iter("program"))
    assert Counter(p for e in parsed.entities for p in e.programs) == programs
    haniya = parsed.entities[0]
    assert haniya.name == "HANIYA, Ismail Abdul Salah" and haniya.kind == "person"
    assert haniya.birth_dates == ["1962"] and haniya.birth_places == ["Shati"]
    by_id = {e.id: e for e in parsed.entities}
    # idList: documents are identifiers, listing features ("Secondary sanctions risk:") are not
    id_types = {i.type for e in parsed.entities for i in e.identifiers}
    assert {"Tax ID No.", "SWIFT/BIC", "ISIN"} <= id_types and "Secondary sanctions risk:" not in id_types
    assert any(i.type == "Legal Entity Number" for i in by_id["ofac-cons:17016"].identifiers)


def test_un_consolidated_xml(lists_dir: Path) -> None:
    path = lists_dir / "un" / "consolidated-2025-04-19.xml"
    root = ET.parse(path).getroot()
    individuals, entities = root.findall("INDIVIDUALS/INDIVIDUAL"), root.findall("ENTITIES/ENTITY")
    parsed = load_files([path])
    assert parsed.source == "un" and parsed.published_at == root.get("dateGenerated")[:10] == "2025-04-19"
    kinds = Counter(e.kind for e in parsed.entities)
    assert kinds == {"person": len(individuals), "organization": len(entities)} == {"person": 684, "organization": 193}
    quality = Counter((a.findtext("QUALITY") or "").strip() for a in root.iter("INDIVIDUAL_ALIAS")
                      if (a.findtext("ALIAS_NAME") or "").strip())
    entity_quality = Counter((a.findtext("QUALITY") or "").strip() for a in root.iter("ENTITY_ALIAS")
                             if (a.findtext("ALIAS_NAME") or "").strip())
    original_script = sum(1 for e in individuals + entities if (e.findtext("NAME_ORIGINAL_SCRIPT") or "").strip())
    strengths = Counter(a.strength for e in parsed.entities for a in e.aliases)
    assert strengths["weak"] == quality["Low"] == 619
    assert strengths["strong"] == quality["Good"] + sum(entity_quality.values()) + original_script
    fka = sum(1 for e in parsed.entities for a in e.aliases if a.type == "fka")
    assert fka == entity_quality["f.k.a."]
    programs = Counter(e.findtext("UN_LIST_TYPE").strip() for e in individuals + entities)
    assert Counter(p for e in parsed.entities for p in e.programs) == programs
    first = parsed.entities[0]
    assert first.id == "un:110447" and first.name == "MUHAMMAD TAHER ANWARI"
    assert first.birth_dates == ["circa 1961"] and first.countries == ["Afghanistan"]
    assert first.listed_on == "2001-02-23"
    passports = sum(1 for d in root.iter("INDIVIDUAL_DOCUMENT") if (d.findtext("NUMBER") or "").strip())
    assert sum(1 for e in parsed.entities for i in e.identifiers if i.type != "UN Reference Number") == passports


def prop(record: dict, key: str) -> set[str]:
    found = record["properties"].get(key, [])
    found = [found] if isinstance(found, str) else found  # real records hold bare strings, ""
    return {" ".join(value.split()) for value in found if value.strip()}


def test_opensanctions_ftm(lists_dir: Path) -> None:
    path = lists_dir / "opensanctions" / "peps-2024-03.ftm.json"
    records = [json.loads(line) for line in path.read_text().splitlines() if line.strip()]
    assert len(records) == 1565
    parties = [r for r in records if r["schema"] in {"Person", "Organization", "Company", "LegalEntity"}]
    parsed = load_files([path])
    assert parsed.source == "opensanctions" and parsed.format == "ftm"
    assert [e.id for e in parsed.entities] == [f"os:{r['id']}" for r in parties]
    assert "202 non-party records skipped (Occupancy 102, Position 100)" in parsed.warnings[0]
    assert "756 relation records kept on their entities (Family 756)" in parsed.warnings[1]
    families = [r for r in records if r["schema"] == "Family"]
    kept = [(e.id, rel["party"]) for e in parsed.entities for rel in e.relations]
    assert all(rel["role"] == "family" and rel["share"] is None for e in parsed.entities for rel in e.relations)
    assert len(kept) == sum(1 for r in families if f"os:{prop(r, 'person').pop()}" in {e.id for e in parsed.entities})

    weak = sum(len(prop(r, "weakAlias") - prop(r, "name") - prop(r, "alias")) for r in parties)
    assert sum(1 for e in parsed.entities for a in e.aliases if a.strength == "weak") == weak == 13
    by_id = {e.id: e for e in parsed.entities}
    for record in parties:
        entity = by_id[f"os:{record['id']}"]
        names = {entity.name} | {a.name for a in entity.aliases}
        expected = prop(record, "name") | prop(record, "alias") | prop(record, "weakAlias") | prop(record, "previousName")
        assert names == (expected or {record["caption"]})
        assert set(entity.birth_dates) == prop(record, "birthDate")


def test_local_csv(tmp_path: Path) -> None:
    path = tmp_path / "agency-blocks.csv"
    path.write_text(
        "id,kind,name,aliases,programs,countries,birth_dates,id_numbers,remarks\n"
        "ACME-1,organization,ACME TRADING SA,ACME SA;weak:ACME,DEBARRED,Mexico,,RFC:ACM010101AA1:Mexico,debarred 2024\n"
        'P-2,person,"PEREZ, Juan",,INTERNAL-BLOCK;SDGT,Colombia;Peru,1970-01-02,Cedula No.:123,\n',
        encoding="utf-8",
    )
    parsed = load_files([path])
    assert parsed.source == "local" and [e.id for e in parsed.entities] == ["local:ACME-1", "local:P-2"]
    acme, perez = parsed.entities
    assert [(a.name, a.strength) for a in acme.aliases] == [("ACME SA", "strong"), ("ACME", "weak")]
    assert [(i.type, i.value, i.country) for i in acme.identifiers] == [("RFC", "ACM010101AA1", "Mexico")]
    assert perez.name == "PEREZ, Juan" and perez.terrorist and perez.countries == ["Colombia", "Peru"]
