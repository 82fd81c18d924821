"""A local list: an agency's own designations (debarments, internal blocks) as a UTF-8 CSV.

The first line is exactly this header:

    id,kind,name,aliases,programs,countries,birth_dates,id_numbers,remarks

- id: unique within the file; the entity id becomes `local:<id>`.
- kind: person, organization, vessel or aircraft.
- name: the primary name (required).
- aliases: `;`-separated strong a.k.a. names; prefix one with `weak:` to mark it weak
  (e.g. `El Chapo;weak:EL RAPIDO`).
- programs: `;`-separated program codes (e.g. `DEBARRED;SDGT`).
- countries, birth_dates: `;`-separated, as listed (dates preferably ISO, `1966-07-17`).
- id_numbers: `;`-separated `TYPE:VALUE` or `TYPE:VALUE:COUNTRY` (e.g. `RFC:JAP090911D37:Mexico`);
  a bare value gets the type `ID`.
- remarks: free text.

Example row: `ACME-1,organization,ACME TRADING SA,ACME SA;weak:ACME,DEBARRED,Mexico,,RFC:ACM010101AA1:Mexico,debarred 2024`
"""

from __future__ import annotations

import csv
import io

from aidvet.errors import InputError
from aidvet.lists.model import KINDS, Alias, Entity, Identifier
from aidvet.lists.normalize import unique

SOURCE = "local"
HEADER = ["id", "kind", "name", "aliases", "programs", "countries", "birth_dates", "id_numbers", "remarks"]
WEAK_PREFIX = "weak:"


def looks_like(data: bytes) -> bool:
    first = data.lstrip(b"\xef\xbb\xbf").split(b"\n", 1)[0].strip(b"\r ")
    return first.decode("utf-8", "replace").lower() == ",".join(HEADER)


def parse(name: str, data: bytes) -> list[Entity]:
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = data[: error.start].count(b"\n") + 1
        raise InputError(name, f"line {line}", f"UTF-8 text (byte {error.start} is not)") from None
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    entities: list[Entity] = []
    seen: set[str] = set()
    try:
        header = next(reader, None)
        if [h.strip().lower() for h in header or []] != HEADER:
            raise InputError(name, "line 1", "the header " + ",".join(HEADER))
        for fields in reader:
            if not any(f.strip() for f in fields):
                continue
            entity = row_entity(name, f"line {reader.line_num}", fields)
            if entity.id in seen:
                raise InputError(name, f"line {reader.line_num}", f"a unique id, {fields[0]!r} is repeated")
            seen.add(entity.id)
            entities.append(entity)
    except csv.Error as error:
        raise InputError(name, f"line {reader.line_num}", f"well-formed CSV ({error})") from None
    return entities


def split(value: str) -> list[str]:
    return unique(" ".join(part.split()) for part in value.split(";"))


def row_entity(name: str, record: str, fields: list[str]) -> Entity:
    if len(fields) != len(HEADER):
        raise InputError(name, record, f"{len(HEADER)} fields ({','.join(HEADER)}), found {len(fields)}")
    row = dict(zip(HEADER, (f.strip() for f in fields)))
    if not row["id"]:
        raise InputError(name, record, "a non-empty id")
    record += f" (id {row['id']})"
    if row["kind"] not in KINDS:
        raise InputError(name, record, f"kind one of {', '.join(KINDS)}, found {row['kind']!r}")
    if not row["name"]:
        raise InputError(name, record, "a non-empty name")
    return Entity(
        id=f"{SOURCE}:{row['id']}",
        source=SOURCE,
        kind=row["kind"],
        name=" ".join(row["name"].split()),
        aliases=[local_alias(a) for a in split(row["aliases"])],
        programs=split(row["programs"]),
        countries=split(row["countries"]),
        birth_dates=split(row["birth_dates"]),
        identifiers=[local_identifier(i) for i in split(row["id_numbers"])],
        remarks=row["remarks"] or None,
    )


def local_alias(value: str) -> Alias:
    if value.lower().startswith(WEAK_PREFIX):
        return Alias(value[len(WEAK_PREFIX):].strip(), "weak", "aka")
    return Alias(value, "strong", "aka")


def local_identifier(value: str) -> Identifier:
    parts = [p.strip() for p in value.split(":")]
    if len(parts) == 1:
        return Identifier("ID", parts[0])
    if len(parts) == 2:
        return Identifier(parts[0], parts[1])
    return Identifier(parts[0], ":".join(parts[1:-1]), parts[-1] or None)
