"""OFAC legacy XML: sdn.xml and consolidated.xml (root `sdnList`, one `sdnEntry` per listing).

Aliases carry `category` strong/weak and `type` a.k.a./f.k.a./n.k.a.; identity documents and
listing features share `idList` (features such as "Secondary sanctions risk:" are not kept as
identifiers; they are in OFAC's remarks text anyway). `publshInformation/Publish_Date`
(MM/DD/YYYY) is the publish date; `Record_Count` must match the number of entries.
"""

from __future__ import annotations

from xml.etree.ElementTree import Element

from aidvet.errors import InputError
from aidvet.lists.formats.ofac_remarks import is_feature
from aidvet.lists.formats.safe_xml import parse_xml, text, texts
from aidvet.lists.model import Address, Alias, Entity, Identifier
from aidvet.lists.normalize import iso_date, unique

ROOT = "sdnList"
KINDS = {"individual": "person", "entity": "organization", "vessel": "vessel", "aircraft": "aircraft"}
ALIAS_TYPES = {"a.k.a.": "aka", "f.k.a.": "fka", "n.k.a.": "nka"}


def source_for(name: str) -> str:
    """consolidated.xml is OFAC's non-SDN list; any other sdnList file is the SDN list."""
    return "ofac-cons" if "cons" in name.replace("\\", "/").rsplit("/", 1)[-1].lower() else "ofac"


def parse(name: str, data: bytes) -> tuple[list[Entity], str | None]:
    """(entities, publish date) of one OFAC XML file."""
    root = parse_xml(name, data)
    if root.tag != ROOT:
        raise InputError(name, None, f"an OFAC XML list with root <{ROOT}>, found <{root.tag}>")
    source = source_for(name)
    entries = root.findall("sdnEntry")
    entities = [entry_entity(name, index, entry, source) for index, entry in enumerate(entries, start=1)]
    declared = text(root, "publshInformation/Record_Count")
    if declared is not None and declared.isdigit() and int(declared) != len(entities):
        raise InputError(name, "publshInformation/Record_Count",
                         f"{declared} sdnEntry records as declared, found {len(entities)} (truncated file?)")
    published = text(root, "publshInformation/Publish_Date")
    return entities, iso_date(published) if published else None


def entry_entity(name: str, index: int, entry: Element, source: str) -> Entity:
    uid = text(entry, "uid")
    record = f"sdnEntry #{index}" + (f" (uid {uid})" if uid else "")
    if not uid or not uid.isdigit():
        raise InputError(name, record, "an integer <uid>")
    sdn_type = (text(entry, "sdnType") or "").lower()
    if sdn_type not in KINDS:
        raise InputError(name, record, f"<sdnType> Individual, Entity, Vessel or Aircraft, found {sdn_type!r}")
    entity = Entity(
        id=f"{source}:{uid}",
        source=source,
        kind=KINDS[sdn_type],
        name=full_name(entry) or "",
        programs=unique(texts(entry, "programList/program")),
        remarks=text(entry, "remarks"),
    )
    entity.aliases = [alias(name, record, aka) for aka in entry.findall("akaList/aka")]
    entity.aliases = [a for a in entity.aliases if a.name]
    add_ids(entity, entry)
    countries = texts(entry, "nationalityList/nationality/country") + texts(entry, "citizenshipList/citizenship/country")
    entity.addresses = [a for a in map(address, entry.findall("addressList/address")) if a]
    countries += [a.country for a in entity.addresses if a.country]
    entity.birth_dates = [iso_date(d) for d in texts(entry, "dateOfBirthList/dateOfBirthItem/dateOfBirth")]
    entity.birth_places = texts(entry, "placeOfBirthList/placeOfBirthItem/placeOfBirth")
    if call_sign := text(entry, "vesselInfo/callSign"):
        entity.identifiers.append(Identifier("Call Sign", call_sign))
    countries += texts(entry, "vesselInfo/vesselFlag")
    entity.countries = unique(entity.countries + countries)
    return entity


def full_name(element: Element) -> str | None:
    """`LAST, First` as OFAC writes individuals in its flat files; entities have a last name only."""
    last, first = text(element, "lastName"), text(element, "firstName")
    return ", ".join(part for part in (last, first) if part) or None


def alias(name: str, record: str, aka: Element) -> Alias:
    category = (text(aka, "category") or "strong").lower()
    if category not in ("strong", "weak"):
        raise InputError(name, record, f"aka <category> strong or weak, found {category!r}")
    alias_type = ALIAS_TYPES.get((text(aka, "type") or "a.k.a.").lower(), "aka")
    return Alias(full_name(aka) or "", category, alias_type)


def add_ids(entity: Entity, entry: Element) -> None:
    for item in entry.findall("idList/id"):
        id_type, number, country = text(item, "idType"), text(item, "idNumber"), text(item, "idCountry")
        if not id_type or not number:
            continue
        if id_type.rstrip(":") == "Linked To":
            entity.linked_to.append(number)
        elif id_type == "Nationality of Registration":
            entity.countries.append(number)
        elif not is_feature(id_type):
            entity.identifiers.append(Identifier(id_type, number, country))


def address(element: Element) -> Address | None:
    parts = [text(element, tag) for tag in ("address1", "address2", "address3", "city",
                                             "stateOrProvince", "postalCode", "country")]
    line = ", ".join(part for part in parts if part)
    if not line:
        return None
    return Address(line, text(element, "city"), text(element, "country"))
