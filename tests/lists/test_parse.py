"""load_files: detection, hashing, and malformed inputs rejected with file + record named."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest

from aidvet.errors import InputError
from aidvet.lists import load_files

UN_HEAD = ("<?xml version='1.0' encoding='UTF-8'?>\n"
           "<CONSOLIDATED_LIST dateGenerated='2025-04-19T23:00:04.625Z'><INDIVIDUALS>"
           "<INDIVIDUAL><DATAID>1</DATAID><FIRST_NAME>{name}</FIRST_NAME><UN_LIST_TYPE>Al-Qaida</UN_LIST_TYPE>"
           "</INDIVIDUAL></INDIVIDUALS><ENTITIES/></CONSOLIDATED_LIST>\n")
BOMB = ('<?xml version="1.0"?>\n<!DOCTYPE lolz [<!ENTITY lol "lol">'
        '<!ENTITY lol1 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">'
        '<!ENTITY lol2 "&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;">]>\n'
        "<sdnList><sdnEntry><uid>1</uid><lastName>&lol2;</lastName><sdnType>Entity</sdnType></sdnEntry></sdnList>")
EXTERNAL = ('<?xml version="1.0"?>\n<!DOCTYPE x [<!ENTITY secret SYSTEM "file:///etc/passwd">]>\n'
            "<CONSOLIDATED_LIST><INDIVIDUALS><INDIVIDUAL><DATAID>1</DATAID><FIRST_NAME>&secret;</FIRST_NAME>"
            "</INDIVIDUAL></INDIVIDUALS></CONSOLIDATED_LIST>")


def write(tmp_path: Path, name: str, content: str | bytes) -> Path:
    path = tmp_path / name
    path.write_bytes(content.encode() if isinstance(content, str) else content)
    return path


def test_truncated_real_xml_names_file_and_position(tmp_path: Path, shared_data: Path) -> None:
    data = (shared_data / "lists" / "un" / "consolidated-2025-04-19.xml").read_bytes()
    path = write(tmp_path, "un.xml", data[: len(data) // 2])
    with pytest.raises(InputError) as error:
        load_files([path])
    assert str(error.value).startswith(f"{path}, line ") and "well-formed XML" in str(error.value)


def test_truncated_ofac_xml_with_whole_entries_fails_the_record_count(tmp_path: Path, shared_data: Path) -> None:
    text = (shared_data / "lists" / "ofac" / "consolidated-2025-03-28.xml").read_text()
    cut = text[: text.index("<sdnEntry>", len(text) // 2)] + "</sdnList>\n"
    path = write(tmp_path, "consolidated.xml", cut)
    with pytest.raises(InputError, match=r"Record_Count: 443 sdnEntry records as declared, found \d+"):
        load_files([path])


def test_xml_in_the_wrong_encoding(tmp_path: Path) -> None:
    path = write(tmp_path, "un.xml", UN_HEAD.format(name="JOSÉ").encode("latin-1"))
    with pytest.raises(InputError, match=r"un\.xml, line 2, column \d+: well-formed XML \(not well-formed"):
        load_files([path])


def test_entity_expansion_bomb_is_refused(tmp_path: Path) -> None:
    path = write(tmp_path, "sdn.xml", BOMB)
    with pytest.raises(InputError, match=r"sdn\.xml, entity 'lol': XML without entity declarations; found an entity"):
        load_files([path])


def test_external_entity_is_refused(tmp_path: Path) -> None:
    path = write(tmp_path, "un.xml", EXTERNAL)
    with pytest.raises(InputError, match=r"un\.xml, entity 'secret': .*found an external entity"):
        load_files([path])


def test_bomb_with_an_unknown_root_is_refused_too(tmp_path: Path) -> None:
    path = write(tmp_path, "list.xml", BOMB.replace("sdnList", "lolz"))
    with pytest.raises(InputError, match="entity 'lol'"):
        load_files([path])


def test_un_record_without_dataid_is_named(tmp_path: Path) -> None:
    path = write(tmp_path, "un.xml", UN_HEAD.format(name="X").replace("<DATAID>1</DATAID>", ""))
    with pytest.raises(InputError, match=r"un\.xml, INDIVIDUAL #1: an integer <DATAID>"):
        load_files([path])


def test_un_minimal_file_parses(tmp_path: Path) -> None:
    parsed = load_files([write(tmp_path, "un.xml", UN_HEAD.format(name="JOSÉ"))])
    assert [(e.id, e.name, e.programs) for e in parsed.entities] == [("un:1", "JOSÉ", ["Al-Qaida"])]
    assert parsed.published_at == "2025-04-19"


def test_ftm_bad_line_is_named(tmp_path: Path) -> None:
    good = '{"id": "a", "schema": "Person", "properties": {"name": ["A B"]}}\n'
    path = write(tmp_path, "x.ftm.json", good + '{"id": "b", "schema": "Person", "properties": \n')
    with pytest.raises(InputError, match=r"x\.ftm\.json, line 2: one FollowTheMoney JSON object per line"):
        load_files([path])
    path = write(tmp_path, "y.ftm.json", good.encode() + b'{"id": "\xe9"}\n')
    with pytest.raises(InputError, match=r"y\.ftm\.json, line 2: UTF-8 text"):
        load_files([path])


def test_local_csv_missing_column_is_named(tmp_path: Path) -> None:
    path = write(tmp_path, "local.csv", "id,kind,name,aliases,programs,countries,birth_dates,id_numbers,remarks\n"
                                        "A,person,X,,,,,,\nB,person,Y,,,,\n")
    with pytest.raises(InputError, match=r"local\.csv, line 3 \(id B\)|local\.csv, line 3: 9 fields"):
        load_files([path])


def test_unknown_file_says_what_was_expected(tmp_path: Path) -> None:
    path = write(tmp_path, "grants.csv", "grant_id,amount\nG1,100\n")
    with pytest.raises(InputError) as error:
        load_files([path])
    assert str(error.value).startswith(f"{path}: one of: an OFAC legacy CSV file")


def test_requested_format_is_checked(tmp_path: Path, shared_data: Path) -> None:
    with pytest.raises(InputError, match="a un-xml file .* looks like ofac-csv"):
        load_files([shared_data / "lists" / "ofac" / "2026-04-23-excerpt" / "sdn.csv"], format="un-xml")


def test_mixed_formats_in_one_load_are_refused(shared_data: Path) -> None:
    lists = shared_data / "lists"
    with pytest.raises(InputError, match="one list format per load"):
        load_files([lists / "ofac" / "2026-04-23-excerpt" / "sdn.csv", lists / "un" / "consolidated-2025-04-19.xml"])


def test_sha256_is_per_file_and_order_independent(shared_data: Path) -> None:
    folder = shared_data / "lists" / "ofac" / "consolidated-2025-12"
    files = sorted(folder.glob("cons_*.csv"))
    forward, backward = load_files(files), load_files(list(reversed(files)))
    assert forward.sha256 == backward.sha256 == load_files([folder]).sha256
    assert dict(forward.files) == {str(f): hashlib.sha256(f.read_bytes()).hexdigest() for f in files}
    fewer = load_files([f for f in files if "comments" not in f.name])
    assert fewer.sha256 != forward.sha256
