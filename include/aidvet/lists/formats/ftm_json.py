"""OpenSanctions exports in FollowTheMoney line-delimited JSON (`*.ftm.json`, `entities.ftm.json`).

One JSON object per line: `{"id", "schema", "properties": {prop: [values]}, ...}`. Parties are
loaded (Person, Organization, Company, LegalEntity, PublicBody, Vessel, Airplane); other schemata
(Position, Occupancy, Sanction, Address...) are skipped with a count in the warnings, except the
relations aidvet's ownership rules read: `Ownership` (owner -> asset, `percentage`), `Directorship`
(director -> organization) and `Family` (person <-> relative), kept on the related entity as
`relations` (see aidvet.compliance.relations). Names: `name` (first is primary, the rest strong aliases), `alias`
(strong), `weakAlias` (weak), `previousName` (strong, fka). Programs: `programId` and `topics`.
"""

from __future__ import annotations

import json
from collections import Counter

from aidvet.errors import InputError
from aidvet.lists.model import Address, Alias, Entity, Identifier
from aidvet.lists.normalize import unique

SOURCE = "opensanctions"
ID_PREFIX = "os"
KINDS = {
    "Person": "person", "Organization": "organization", "Company": "organization",
    "LegalEntity": "organization", "PublicBody": "organization", "Vessel": "vessel",
    "Airplane": "aircraft",
}
ID_PROPERTIES = ("idNumber", "registrationNumber", "taxNumber", "passportNumber", "imoNumber",
                 "mmsi", "leiCode", "swiftBic", "innCode", "ogrnCode", "vatCode", "icijId",
                 "callSign", "registrationNumber")
COUNTRY_PROPERTIES = ("country", "nationality", "citizenship", "jurisdiction", "flag", "mainCountry")


def looks_like(data: bytes) -> bool:
    """True when the first line is a JSON object with FtM's `schema` and `properties`."""
    first = data.lstrip(b"\xef\xbb\xbf \t\r\n").split(b"\n", 1)[0]
    if not first.startswith(b"{"):
        return False
    try:
        record = json.loads(first)
    except ValueError:
        return False
    return isinstance(record, dict) and "schema" in record and "properties" in record


def parse(name: str, data: bytes) -> tuple[list[Entity], list[str]]:
    """(entities, warnings) of one FtM JSON lines file."""
    entities: list[Entity] = []
    relations: list[tuple[str, dict]] = []  # (entity the relation is about, relation)
    skipped: Counter = Counter()
    kept: Counter = Counter()
    for number, raw_line in enumerate(data.split(b"\n"), start=1):
        if not raw_line.strip():
            continue
        record = json_record(name, number, raw_line)
        schema = record["schema"]
        if schema in RELATION_SCHEMATA:
            relations += relation_of(record)
            kept[schema] += 1
            continue
        if schema not in KINDS:
            skipped[schema] += 1
            continue
        entities.append(record_entity(name, number, record))
    by_id = {entity.id: entity for entity in entities}
    for subject, relation in relations:
        if subject in by_id:
            by_id[subject].relations.append(relation)
    warnings = []
    if skipped:
        kinds = ", ".join(f"{schema} {count}" for schema, count in skipped.most_common())
        warnings.append(f"{name}: {sum(skipped.values())} non-party records skipped ({kinds})")
    if kept:
        kinds = ", ".join(f"{schema} {count}" for schema, count in kept.most_common())
        warnings.append(f"{name}: {sum(kept.values())} relation records kept on their entities ({kinds})")
    return entities, warnings


# schema -> (property naming the related party, property naming the entity it is about, role)
RELATION_SCHEMATA = {
    "Ownership": ("owner", "asset", "owner"),
    "Directorship": ("director", "organization", "director"),
    "Family": ("relative", "person", "family"),
}


def relation_of(record: dict) -> list[tuple[str, dict]]:
    """(subject entity id, relation) pairs of one Ownership / Directorship / Family record."""
    party_prop, subject_prop, role = RELATION_SCHEMATA[record["schema"]]
    props = record.get("properties") or {}
    share = next((_percent(v) for v in values(props, "percentage") if _percent(v) is not None), None)
    return [(f"{ID_PREFIX}:{subject}", {"party": f"{ID_PREFIX}:{party}", "role": role, "share": share,
                                        "schema": record["schema"]})
            for party in values(props, party_prop) for subject in values(props, subject_prop)]


def _percent(text: str) -> float | None:
    try:
        return float(text.strip().rstrip("%"))
    except ValueError:
        return None


def json_record(name: str, number: int, raw_line: bytes) -> dict:
    try:
        line = raw_line.decode("utf-8")
    except UnicodeDecodeError as error:
        raise InputError(name, f"line {number}", f"UTF-8 text (byte {error.start} is not)") from None
    try:
        record = json.loads(line)
    except ValueError as error:
        raise InputError(name, f"line {number}", f"one FollowTheMoney JSON object per line ({error})") from None
    if not isinstance(record, dict) or not isinstance(record.get("id"), str) or not record.get("schema"):
        raise InputError(name, f"line {number}", "a JSON object with string 'id' and 'schema'")
    if not isinstance(record.get("properties", {}), dict):
        raise InputError(name, f"line {number} (id {record['id']})", "'properties' as an object of lists")
    return record


def values(properties: dict, key: str) -> list[str]:
    found = properties.get(key) or []
    if isinstance(found, str):
        found = [found]
    return unique(" ".join(str(v).split()) for v in found if v is not None)


def record_entity(name: str, number: int, record: dict) -> Entity:
    props = record.get("properties") or {}
    names = values(props, "name") or ([record["caption"]] if record.get("caption") else [])
    if not names:
        raise InputError(name, f"line {number} (id {record['id']})", "a party with at least one 'name'")
    entity = Entity(
        id=f"{ID_PREFIX}:{record['id']}",
        source=SOURCE,
        kind=KINDS[record["schema"]],
        name=names[0],
        programs=unique(values(props, "programId") + values(props, "topics")),
        birth_dates=values(props, "birthDate"),
        birth_places=values(props, "birthPlace"),
        countries=unique(c for key in COUNTRY_PROPERTIES for c in values(props, key)),
        remarks="; ".join(values(props, "notes")) or None,
    )
    entity.aliases = aliases(names, props)
    entity.identifiers = [Identifier(key, v) for key in unique(ID_PROPERTIES) for v in values(props, key)]
    entity.addresses = [Address(text) for text in values(props, "address")]
    return entity


def aliases(names: list[str], props: dict) -> list[Alias]:
    """Every other name once: the first property that gives a name decides its strength/type."""
    candidates = (
        [Alias(n, "strong", "aka") for n in names[1:]]
        + [Alias(n, "strong", "aka") for n in values(props, "alias")]
        + [Alias(n, "weak", "aka") for n in values(props, "weakAlias")]
        + [Alias(n, "strong", "fka") for n in values(props, "previousName")]
    )
    seen, kept = {names[0]}, []
    for alias in candidates:
        if alias.name not in seen:
            seen.add(alias.name)
            kept.append(alias)
    return kept
