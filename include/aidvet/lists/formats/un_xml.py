"""UN Security Council consolidated list XML (root `CONSOLIDATED_LIST`, attribute `dateGenerated`).

INDIVIDUALS/INDIVIDUAL and ENTITIES/ENTITY. Individual aliases have QUALITY Good (strong) or Low
(weak); entity aliases have QUALITY a.k.a. / f.k.a. (strong). Empty alias rows are skipped. The
program is the UN_LIST_TYPE (e.g. "Al-Qaida", "DPRK"); the REFERENCE_NUMBER (e.g. QDi.058) is
kept as an identifier of type "UN Reference Number". The file is not validated against the 2018
XSD, which the live file no longer follows.
"""

from __future__ import annotations

from xml.etree.ElementTree import Element

from aidvet.errors import InputError
from aidvet.lists.formats.safe_xml import parse_xml, text, texts
from aidvet.lists.model import Address, Alias, Entity, Identifier
from aidvet.lists.normalize import unique

ROOT = "CONSOLIDATED_LIST"
SOURCE = "un"
QUALITY = {"good": ("strong", "aka"), "low": ("weak", "aka"), "a.k.a.": ("strong", "aka"),
           "f.k.a.": ("strong", "fka"), "n.k.a.": ("strong", "nka"), "": ("strong", "aka")}
NAME_PARTS = ("FIRST_NAME", "SECOND_NAME", "THIRD_NAME", "FOURTH_NAME")


def parse(name: str, data: bytes) -> tuple[list[Entity], str | None]:
    """(entities, generation date) of one UN consolidated list file."""
    root = parse_xml(name, data)
    if root.tag != ROOT:
        raise InputError(name, None, f"a UN consolidated list with root <{ROOT}>, found <{root.tag}>")
    entities = []
    for section, tag, kind in (("INDIVIDUALS", "INDIVIDUAL", "person"), ("ENTITIES", "ENTITY", "organization")):
        for index, element in enumerate(root.findall(f"{section}/{tag}"), start=1):
            entities.append(record_entity(name, f"{tag} #{index}", element, tag, kind))
    generated = root.get("dateGenerated")
    return entities, generated[:10] if generated else None


def record_entity(name: str, record: str, element: Element, tag: str, kind: str) -> Entity:
    data_id = text(element, "DATAID")
    if not data_id or not data_id.isdigit():
        raise InputError(name, record, "an integer <DATAID>")
    record += f" (DATAID {data_id})"
    primary = " ".join(part for part in (text(element, p) for p in NAME_PARTS) if part)
    entity = Entity(
        id=f"{SOURCE}:{data_id}",
        source=SOURCE,
        kind=kind,
        name=primary,
        programs=unique(texts(element, "UN_LIST_TYPE")),
        remarks=text(element, "COMMENTS1"),
        listed_on=text(element, "LISTED_ON"),
    )
    if original := text(element, "NAME_ORIGINAL_SCRIPT"):
        entity.aliases.append(Alias(original, "strong", "aka"))
    for alias_element in element.findall(f"{tag}_ALIAS"):
        if alias := un_alias(name, record, alias_element):
            entity.aliases.append(alias)
    if reference := text(element, "REFERENCE_NUMBER"):
        entity.identifiers.append(Identifier("UN Reference Number", reference))
    entity.identifiers += [doc for doc in map(document, element.findall(f"{tag}_DOCUMENT")) if doc]
    entity.addresses = [a for a in map(address, element.findall(f"{tag}_ADDRESS")) if a]
    entity.birth_dates = unique(birth_date(d) for d in element.findall(f"{tag}_DATE_OF_BIRTH"))
    entity.birth_places = unique(place(p) for p in element.findall(f"{tag}_PLACE_OF_BIRTH"))
    entity.countries = unique(texts(element, "NATIONALITY/VALUE") + [a.country for a in entity.addresses])
    return entity


def un_alias(name: str, record: str, element: Element) -> Alias | None:
    alias_name = text(element, "ALIAS_NAME")
    if not alias_name:
        return None
    quality = (text(element, "QUALITY") or "").lower()
    if quality not in QUALITY:
        raise InputError(name, record, f"alias QUALITY Good, Low, a.k.a. or f.k.a., found {quality!r}")
    strength, alias_type = QUALITY[quality]
    return Alias(alias_name, strength, alias_type)


def document(element: Element) -> Identifier | None:
    number = text(element, "NUMBER")
    if not number:
        return None
    doc_type = text(element, "TYPE_OF_DOCUMENT") or text(element, "TYPE_OF_DOCUMENT2") or "Document"
    country = text(element, "ISSUING_COUNTRY") or text(element, "COUNTRY_OF_ISSUE")
    return Identifier(doc_type, number, country)


def address(element: Element) -> Address | None:
    parts = [text(element, tag) for tag in ("STREET", "CITY", "STATE_PROVINCE", "ZIP_CODE", "COUNTRY")]
    line = ", ".join(part for part in parts if part)
    if not line:
        return None
    return Address(line, text(element, "CITY"), text(element, "COUNTRY"))


def birth_date(element: Element) -> str | None:
    """EXACT -> the date or year; APPROXIMATELY -> 'circa ...'; BETWEEN -> 'YYYY to YYYY'."""
    kind = (text(element, "TYPE_OF_DATE") or "").upper()
    if kind == "BETWEEN" and text(element, "FROM_YEAR"):
        return f"{text(element, 'FROM_YEAR')} to {text(element, 'TO_YEAR') or ''}".strip()
    value = text(element, "DATE") or text(element, "YEAR")
    if not value:
        return None
    return f"circa {value}" if kind == "APPROXIMATELY" else value


def place(element: Element) -> str | None:
    parts = [text(element, tag) for tag in ("STREET", "CITY", "STATE_PROVINCE", "COUNTRY")]
    return ", ".join(part for part in parts if part) or None
