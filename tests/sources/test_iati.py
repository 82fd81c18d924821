"""IATI activity XML: real USAID files, and every kind of bad input named by file and record."""

from __future__ import annotations


import pytest
from iati_builders import iati_activity, iati_document, iati_transaction
from lxml import etree

from aidvet.errors import InputError
from aidvet.sources.iati import read_iati

REAL_FILES = ("usaid-mx.xml", "usaid-cr.xml")


def _xpath_count(path, expression):
    return int(etree.parse(str(path)).xpath(f"count({expression})"))


@pytest.mark.parametrize("name", REAL_FILES)
def test_real_file_type3_count_matches_independent_xpath(shared_data, name):
    path = shared_data / "iati" / name
    batch = read_iati(path)
    assert len(batch.disbursements) == _xpath_count(path, '//transaction[transaction-type/@code="3"]')
    assert len(batch.commitments) == _xpath_count(path, '//transaction[transaction-type/@code="2"]')
    assert len(batch.awards) == _xpath_count(path, "//iati-activity")
    assert len({d.disbursement_id for d in batch.disbursements}) == len(batch.disbursements)


@pytest.mark.parametrize("name", REAL_FILES)
def test_real_file_source_record_xpath_points_at_the_transaction(shared_data, name):
    path = shared_data / "iati" / name
    tree = etree.parse(str(path))
    for disbursement in read_iati(path).disbursements[::97]:
        (transaction,) = tree.xpath(disbursement.source_record)
        assert transaction.find("transaction-type").get("code") == "3"
        assert transaction.find("value").text.strip() == disbursement.amount
        names = [n.text for n in transaction.findall("receiver-org/narrative")]
        assert disbursement.payee_name in names


def test_real_file_currency_falls_back_to_default_currency_and_country_is_transaction_level(shared_data):
    batch = read_iati(shared_data / "iati" / "usaid-mx.xml")
    assert {d.currency for d in batch.disbursements} == {"USD"}  # no value/@currency in this file
    assert {d.country for d in batch.disbursements} == {"MX"}
    assert all(d.date and d.value_date for d in batch.disbursements)


def test_real_file_keeps_accent_stripped_names_exactly_as_given(shared_data):
    batch = read_iati(shared_data / "iati" / "usaid-mx.xml")
    names = {d.payee_name for d in batch.disbursements}
    assert "Campaa Global por la Libertad de Expresin A19 A.C." in names
    assert not any("Campaña" in name for name in names if name)


def test_real_file_prime_recipient_is_the_implementing_org(shared_data):
    path = shared_data / "iati" / "usaid-mx.xml"
    batch = read_iati(path)
    tree = etree.parse(str(path))
    primes = {p.party_key: p.name for p in batch.parties if p.role == "prime"}
    for award in batch.awards[::29]:
        (activity,) = tree.xpath(award.source_record)
        expected = activity.xpath('participating-org[@role="4"]/narrative/text()')[0]
        assert primes[award.prime_recipient] == expected


def test_currency_value_level_wins_and_country_falls_back_to_activity(write_file):
    doc = iati_document([
        iati_activity("A-1", [iati_transaction(currency="EUR"), iati_transaction()], currency="USD", country="HN"),
    ])
    batch = read_iati(write_file("a.xml", doc))
    assert [d.currency for d in batch.disbursements] == ["EUR", "USD"]
    assert [d.country for d in batch.disbursements] == ["HN", "HN"]
    assert batch.awards[0].country == "HN"


def test_transaction_country_wins_over_activity_country(write_file):
    doc = iati_document([iati_activity("A-1", [iati_transaction(country="GT")], country="HN")])
    assert read_iati(write_file("a.xml", doc)).disbursements[0].country == "GT"


def test_ids_use_ref_when_unique_and_position_otherwise(write_file):
    doc = iati_document([iati_activity("A-1", [
        iati_transaction(ref="R1"),
        iati_transaction(ref="R2"),
        iati_transaction(ref="R2"),
        iati_transaction(code="2", ref="R1"),
        iati_transaction(),
    ])])
    batch = read_iati(write_file("a.xml", doc))
    assert [d.disbursement_id for d in batch.disbursements] == ["A-1/R1", "A-1/t2", "A-1/t3", "A-1/t5"]
    assert [c.commitment_id for c in batch.commitments] == ["A-1/R1"]
    assert batch.disbursements[3].source_record == "/iati-activities/iati-activity[1]/transaction[5]"


def test_every_transaction_is_accounted_for(write_file):
    doc = iati_document([iati_activity("A-1", [
        iati_transaction(code="3"), iati_transaction(code="2"), iati_transaction(code="1"), iati_transaction(code=None),
    ])])
    batch = read_iati(write_file("a.xml", doc))
    assert len(batch.disbursements) == len(batch.commitments) == len(batch.ignored) == len(batch.rejected) == 1
    assert batch.ignored[0][0].endswith("transaction[3]")
    assert batch.rejected[0] == ("/iati-activities/iati-activity[1]/transaction[4]",
                                 "transaction-type/@code is missing: cannot tell whether this is a disbursement")


def test_activity_without_identifier_keeps_its_transactions_without_award(write_file):
    doc = iati_document([iati_activity(None, [iati_transaction()])])
    batch = read_iati(write_file("a.xml", doc))
    assert batch.awards == []
    assert batch.disbursements[0].award_id is None
    assert batch.disbursements[0].disbursement_id == "/iati-activities/iati-activity[1]/t1"
    assert batch.rejected == []


def test_values_are_kept_as_given_for_validation_to_judge(write_file):
    doc = iati_document([iati_activity("A-1", [iati_transaction(amount="-12,5", name="nan", currency="XXX")])])
    (d,) = read_iati(write_file("a.xml", doc)).disbursements
    assert (d.amount, d.payee_name, d.currency) == ("-12,5", "nan", "XXX")


def test_same_name_gives_same_party_key_and_missing_name_none(write_file):
    doc = iati_document([iati_activity("A-1", [
        iati_transaction(name="Fundación Ejemplo"), iati_transaction(name="FUNDACION  EJEMPLO"), iati_transaction(name=None),
    ])])
    batch = read_iati(write_file("a.xml", doc))
    keys = [d.payee_key for d in batch.disbursements]
    assert keys[0] == keys[1] and keys[0].startswith("iati:name:")
    assert keys[2] is None and batch.disbursements[2].payee_name is None
    assert batch.disbursements[0].payee_name == "Fundación Ejemplo"


def test_narrative_in_activity_language_is_chosen(write_file):
    transaction = ('<transaction><transaction-type code="3"/><value>5</value><receiver-org>'
                   '<narrative xml:lang="es">Nombre</narrative><narrative xml:lang="en">Name</narrative>'
                   "</receiver-org></transaction>")
    doc = iati_document([iati_activity("A-1", [transaction])])
    assert read_iati(write_file("a.xml", doc)).disbursements[0].payee_name == "Name"


def test_narrative_language_falls_back_to_the_document_language(write_file):
    transaction = ('<transaction><transaction-type code="3"/><value>5</value><receiver-org>'
                   '<narrative xml:lang="en">Name</narrative><narrative xml:lang="fr">Nom</narrative>'
                   "</receiver-org></transaction>")
    doc = ('<iati-activities version="2.03" xml:lang="fr"><iati-activity><iati-identifier>A-1</iati-identifier>'
           f"{transaction}</iati-activity></iati-activities>")
    assert read_iati(write_file("a.xml", doc)).disbursements[0].payee_name == "Nom"


def test_iati_1_letter_codes_and_plain_text_names(write_file):
    doc = ('<iati-activities version="1.05"><iati-activity default-currency="GBP"><iati-identifier>OLD-1</iati-identifier>'
           '<participating-org role="Implementing">Old Prime</participating-org>'
           '<transaction><transaction-type code="D"/><value>10</value><receiver-org>Old Payee</receiver-org></transaction>'
           '<transaction><transaction-type code="C"/><value>20</value><receiver-org>Old Payee</receiver-org></transaction>'
           "</iati-activity></iati-activities>")
    batch = read_iati(write_file("old.xml", doc))
    assert [(d.payee_name, d.currency) for d in batch.disbursements] == [("Old Payee", "GBP")]
    assert len(batch.commitments) == 1
    assert [p.name for p in batch.parties if p.role == "prime"] == ["Old Prime"]


def test_utf8_bom_and_utf16_are_read(write_file):
    text = iati_document([iati_activity("A-1", [iati_transaction(name="Asociación Ñandú")])])
    with_bom = read_iati(write_file("bom.xml", b"\xef\xbb\xbf" + text.encode("utf-8")))
    utf16 = read_iati(write_file("u16.xml", text.replace("UTF-8", "UTF-16").encode("utf-16")))
    assert with_bom.disbursements[0].payee_name == utf16.disbursements[0].payee_name == "Asociación Ñandú"


def test_declared_latin1_is_read(write_file):
    text = iati_document([iati_activity("A-1", [iati_transaction(name="Asociación")])]).replace("UTF-8", "ISO-8859-1")
    assert read_iati(write_file("l1.xml", text.encode("latin-1"))).disbursements[0].payee_name == "Asociación"


BAD_INPUTS = {
    "empty": (b"", None, "empty"),
    "blank": (b"  \n\n", None, "empty"),
    "csv": (b"disbursement_id,amount\n1,2\n", "line 1", "starting with '<'"),
    "other root": (b"<iati-organisations><iati-organisation/></iati-organisations>", "line 1", "found <iati-organisations>"),
    "truncated": (iati_document([iati_activity("A-1", [iati_transaction()]), iati_activity("A-2", [iati_transaction()])])[:-60].encode(),
                  "iati-activity[2]", "well-formed XML"),
    "latin1 bytes declared utf-8": (iati_document([iati_activity("A-1", [iati_transaction(name="Ñandú")])]).encode("latin-1"),
                                     "line 2 (in /iati-activities/iati-activity[1])", "well-formed XML"),
    "external entity": (b'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]>'
                        b"<iati-activities><iati-activity><iati-identifier>&e;</iati-identifier></iati-activity></iati-activities>",
                        "prolog", "without a DOCTYPE"),
    "billion laughs": (b'<?xml version="1.0"?><!DOCTYPE l [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">'
                       b'<!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;"><!ENTITY d "&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;">]>'
                       b"<iati-activities><iati-activity><title><narrative>&d;</narrative></title></iati-activity></iati-activities>",
                       "prolog", "without a DOCTYPE"),
}


@pytest.mark.parametrize("case", BAD_INPUTS, ids=list(BAD_INPUTS))
def test_bad_input_is_an_input_error_naming_file_and_record(write_file, case):
    content, record, expected = BAD_INPUTS[case]
    path = write_file("bad.xml", content)
    with pytest.raises(InputError) as raised:
        read_iati(path)
    error = raised.value
    assert error.file == str(path)
    assert error.record == record or (record and record in (error.record or ""))
    assert expected in error.expected
    assert "root:" not in str(error)  # /etc/passwd content never leaks into the message


def test_missing_file_is_an_input_error(tmp_path):
    with pytest.raises(InputError, match="readable file"):
        read_iati(tmp_path / "absent.xml")
