"""OFAC legacy CSV sets: sdn.csv + alt.csv + add.csv + sdn_comments.csv (SDN list) and
cons_prim.csv + cons_alt.csv + cons_add.csv + cons_comments.csv (consolidated non-SDN list).

Layout (OFAC's dataspec.txt): no header row; `-0-` (often `-0- `) is null; latin-1; CRLF; the
file ends with a 0x1A byte. Some releases (June 2024) start with a header row `ent_num,...`,
which is skipped. Columns:

- primary (12): ent_num, SDN_Name, SDN_Type, Program, Title, Call_Sign, Vess_type, Tonnage, GRT,
  Vess_flag, Vess_owner, Remarks
- alt (5): ent_num, alt_num, alt_type (aka/fka/nka), alt_name, alt_remarks  -> strong aliases
- add (6): ent_num, add_num, address, city/state/postal code, country, add_remarks
- comments (2): ent_num, remarks overflow (appended verbatim to a Remarks cut at 1,000 chars)

Weak aliases, dates of birth, identifiers, "Linked To" live in Remarks (see ofac_remarks).
Rows of alt/add/comments whose ent_num has no primary row are orphans. The parser reports them
(and files of one set that do not all end with OFAC's 0x1A end-of-file mark, or hold no record) as
`set_problems`: signs that the files do not belong to one set or that one was cut short. Storing
such a set as a list version is refused unless it is explicitly accepted as partial
(`aidvet lists load --accept-partial-set`, e.g. for an excerpt of sdn.csv with the full alt.csv).
"""

from __future__ import annotations

import csv
import io
from collections import defaultdict
from dataclasses import dataclass, field

from aidvet.errors import InputError
from aidvet.lists.formats.ofac_remarks import parse_remarks
from aidvet.lists.model import Address, Alias, Entity, Identifier
from aidvet.lists.normalize import unique

NULL = "-0-"
EOF_MARK = "\x1a"
ROLE_COLUMNS = {"primary": 12, "alt": 5, "add": 6, "comments": 2}
ROLE_FILE_NAMES = {
    "sdn.csv": ("ofac", "primary"), "alt.csv": ("ofac", "alt"), "add.csv": ("ofac", "add"),
    "sdn_comments.csv": ("ofac", "comments"),
    "cons_prim.csv": ("ofac-cons", "primary"), "cons_alt.csv": ("ofac-cons", "alt"),
    "cons_add.csv": ("ofac-cons", "add"), "cons_comments.csv": ("ofac-cons", "comments"),
}
KINDS = {None: "organization", "individual": "person", "vessel": "vessel", "aircraft": "aircraft"}
ALIAS_TYPES = {"aka": "aka", "fka": "fka", "nka": "nka"}
REMARKS_LIMIT = 1000  # OFAC cuts Remarks here and puts the rest in sdn_comments.csv


@dataclass
class CsvFile:
    name: str  # path as given, for error messages
    data: bytes
    role: str  # primary | alt | add | comments


@dataclass
class CsvSetResult:
    entities: list[Entity]
    warnings: list[str] = field(default_factory=list)
    orphans: dict[str, list[str]] = field(default_factory=dict)  # file -> orphan ent_nums
    set_problems: list[str] = field(default_factory=list)  # why the files may not belong together


def decode(name: str, data: bytes) -> str:
    """Bytes of an OFAC flat file as text: UTF-8 when it is valid UTF-8, else latin-1."""
    if b"\x00" in data:
        offset = data.index(b"\x00")
        raise InputError(name, f"byte {offset}", "latin-1 text (OFAC legacy CSV); found a NUL byte "
                         "(UTF-16 or binary data?)")
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        text = data.decode("latin-1")
    return text.rstrip(EOF_MARK + "\r\n") + "\n"


def null(value: str) -> str | None:
    value = value.strip()
    return None if value in ("", NULL) else value


def raw_or_none(value: str) -> str | None:
    """Like `null` but keeps surrounding spaces: remarks are concatenated with their overflow."""
    return None if value.strip() in ("", NULL) else value


def rows(file: CsvFile) -> list[tuple[int, list[str]]]:
    """(line number, fields) per record, checking the column count and the integer ent_num."""
    expected = ROLE_COLUMNS[file.role]
    reader = csv.reader(io.StringIO(decode(file.name, file.data), newline=""), strict=True)
    records = []
    try:
        for fields in reader:
            line = reader.line_num
            if not fields or fields == [""]:
                continue
            if not records and fields[0].strip().lower() == "ent_num":
                continue  # some OFAC releases (e.g. June 2024) start with a header row
            if len(fields) != expected:
                raise InputError(file.name, f"line {line} (ent_num {fields[0]!r})",
                                 f"{expected} comma-separated fields of an OFAC {file.role} file, "
                                 f"found {len(fields)}")
            if not fields[0].strip().isdigit():
                raise InputError(file.name, f"line {line}",
                                 f"an integer ent_num in the first column, found {fields[0]!r}")
            records.append((line, fields))
    except csv.Error as error:
        raise InputError(file.name, f"line {reader.line_num}", f"well-formed CSV ({error})") from None
    return records


def sniff_role(name: str, data: bytes) -> tuple[str, str] | None:
    """(source, role) of an OFAC CSV file, from its name when it is OFAC's, else its columns."""
    base = name.replace("\\", "/").rsplit("/", 1)[-1].lower()
    if base in ROLE_FILE_NAMES:
        return ROLE_FILE_NAMES[base]
    head = data[:4096].lstrip(b"\x1a\xef\xbb\xbf")
    try:
        first = next(csv.reader(io.StringIO(head.decode("latin-1"))))
    except (StopIteration, csv.Error):
        return None
    if not first or not (first[0].strip().isdigit() or first[0].strip().lower() == "ent_num"):
        return None
    by_count = {count: role for role, count in ROLE_COLUMNS.items()}
    role = by_count.get(len(first))
    if role == "alt" and first[2].strip().lower() not in ALIAS_TYPES:
        return None
    source = "ofac-cons" if base.startswith("cons") else "ofac"
    return (source, role) if role else None


def parse_csv_set(files: list[CsvFile], source: str) -> CsvSetResult:
    """Entities of one OFAC CSV set; the files may come from several folders (e.g. a new
    sdn.csv with older alt/add files)."""
    by_role: dict[str, list[CsvFile]] = defaultdict(list)
    for file in files:
        by_role[file.role].append(file)
    if not by_role["primary"]:
        names = ", ".join(f.name for f in files)
        raise InputError(names, None, "an OFAC CSV set needs its primary file (sdn.csv or "
                         "cons_prim.csv); only alt/add/comments files were given")
    entities: list[Entity] = []
    by_ent_num: dict[str, Entity] = {}
    for file in by_role["primary"]:
        for line, fields in rows(file):
            entity = primary_entity(file.name, line, fields, source)
            entities.append(entity)
            by_ent_num.setdefault(fields[0].strip(), entity)
    overflow = collect_overflow(by_role["comments"], by_ent_num)
    result = CsvSetResult(entities)
    result.orphans.update(overflow.orphans)
    for file in by_role["alt"]:
        result.orphans[file.name] = attach(file, by_ent_num, add_alias)
    for file in by_role["add"]:
        result.orphans[file.name] = attach(file, by_ent_num, add_address)
    truncated = []
    for ent_num, entity in by_ent_num.items():
        complete = True
        if ent_num in overflow.joined:
            entity.remarks = (entity.remarks or "") + overflow.joined[ent_num]
        elif entity.remarks and len(entity.remarks) >= REMARKS_LIMIT:
            truncated.append(ent_num)
            complete = False
        apply_remarks(entity, complete)
    for entity in entities:
        entity.countries = unique(entity.countries)
        entity.remarks = entity.remarks.strip() if entity.remarks else None
    result.orphans = {name: ents for name, ents in result.orphans.items() if ents}
    result.warnings = [orphan_warning(name, ents) for name, ents in result.orphans.items()]
    result.set_problems = set_problems(files, result.orphans)
    if truncated:
        result.warnings.append(
            f"Remarks of {len(truncated)} ent_num(s) are cut at {REMARKS_LIMIT} characters and no "
            f"comments (overflow) file continues them; their last remarks item was not parsed: "
            + ", ".join(truncated[:10]) + (", ..." if len(truncated) > 10 else ""))
    return result


def primary_entity(name: str, line: int, fields: list[str], source: str) -> Entity:
    ent_num, sdn_name, sdn_type, program = fields[0].strip(), null(fields[1]), null(fields[2]), null(fields[3])
    kind_key = sdn_type.lower() if sdn_type else None
    if kind_key not in KINDS:
        raise InputError(name, f"line {line} (ent_num {ent_num})",
                         f"SDN_Type individual, vessel, aircraft or -0-, found {sdn_type!r}")
    entity = Entity(
        id=f"{source}:{ent_num}",
        source=source,
        kind=KINDS[kind_key],
        name=sdn_name or "",
        programs=split_programs(program),
        remarks=raw_or_none(fields[11]),
    )
    if call_sign := null(fields[5]):
        entity.identifiers.append(Identifier("Call Sign", call_sign))
    if flag := null(fields[9]):
        entity.countries.append(flag)
    return entity


def split_programs(program: str | None) -> list[str]:
    """`SDNTK] [FTO] [SDGT` -> ['SDNTK', 'FTO', 'SDGT']."""
    if not program:
        return []
    return unique(part.strip(" []") for part in program.split("] ["))


def apply_remarks(entity: Entity, complete: bool = True) -> None:
    """Add the facts of the entity's Remarks; the last item of a cut Remarks is not trusted."""
    facts = parse_remarks(entity.remarks, drop_last=not complete)
    entity.aliases.extend(facts.weak_aliases)
    entity.birth_dates.extend(facts.birth_dates)
    entity.birth_places.extend(facts.birth_places)
    entity.countries.extend(facts.countries)
    entity.identifiers.extend(facts.identifiers)
    entity.linked_to.extend(facts.linked_to)


@dataclass
class Overflow:
    joined: dict[str, str]
    orphans: dict[str, list[str]]


def collect_overflow(files: list[CsvFile], by_ent_num: dict[str, Entity]) -> Overflow:
    joined: dict[str, str] = {}
    orphans: dict[str, list[str]] = {}
    for file in files:
        missing = []
        for _line, fields in rows(file):
            ent_num = fields[0].strip()
            if ent_num not in by_ent_num:
                missing.append(ent_num)
                continue
            joined[ent_num] = joined.get(ent_num, "") + (raw_or_none(fields[1]) or "")
        orphans[file.name] = unique(missing)
    return Overflow(joined, orphans)


def attach(file: CsvFile, by_ent_num: dict[str, Entity], add) -> list[str]:
    """Add each row of an alt/add file to its entity; return the orphan ent_nums."""
    missing = []
    for line, fields in rows(file):
        entity = by_ent_num.get(fields[0].strip())
        if entity is None:
            missing.append(fields[0].strip())
        else:
            add(file.name, line, fields, entity)
    return unique(missing)


def add_alias(name: str, line: int, fields: list[str], entity: Entity) -> None:
    alt_type, alt_name = (null(fields[2]) or "aka").lower(), null(fields[3])
    if alt_type not in ALIAS_TYPES:
        raise InputError(name, f"line {line} (ent_num {fields[0].strip()})",
                         f"alt_type aka, fka or nka, found {alt_type!r}")
    if alt_name:
        entity.aliases.append(Alias(alt_name, "strong", ALIAS_TYPES[alt_type]))


def add_address(name: str, line: int, fields: list[str], entity: Entity) -> None:
    street, city, country = null(fields[2]), null(fields[3]), null(fields[4])
    text = ", ".join(part for part in (street, city, country) if part)
    if text:
        entity.addresses.append(Address(text, city, country))
    if country:
        entity.countries.append(country)


def set_problems(files: list[CsvFile], orphans: dict[str, list[str]]) -> list[str]:
    """Why the files of one set may not belong together: orphan rows, a file without OFAC's
    end-of-file mark beside files that have it (cut short or half-written), a file with no record."""
    problems = [f"{name}: {len(ents)} ent_num(s) have no row in the primary file (e.g. "
                f"{', '.join(ents[:5])}): the files do not belong to one OFAC set" for name, ents in orphans.items()]
    marked = [file.name for file in files if file.data.endswith(EOF_MARK.encode())]
    if marked:
        problems += [f"{file.name}: does not end with OFAC's end-of-file mark (0x1A) while {marked[0]} does: "
                     "cut short or half-written" for file in files if file.name not in marked]
    problems += [f"{file.name}: holds no record; an OFAC {file.role} file of a published set is never empty"
                 for file in files if not decode(file.name, file.data).strip()]
    return problems


def orphan_warning(name: str, ent_nums: list[str]) -> str:
    sample = ", ".join(ent_nums[:10]) + (", ..." if len(ent_nums) > 10 else "")
    return (f"{name}: rows for {len(ent_nums)} ent_num(s) with no primary row were skipped "
            f"(orphans: {sample})")
