"""One entry point for every list format: `load_files(paths) -> ParsedList`.

A path is a file or a folder (e.g. an OFAC CSV set). The format of each file is detected from its
content (OFAC CSV files are also recognized by OFAC's own file names, which say which list they
belong to). All files of one call must belong to one source.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from pathlib import Path

from aidvet.errors import InputError
from aidvet.lists.formats import ftm_json, local_csv, ofac_csv, ofac_xml, un_xml
from aidvet.lists.formats.safe_xml import parse_xml, root_tag
from aidvet.lists.model import Entity

FORMATS = ("auto", "ofac-csv", "ofac-xml", "un-xml", "ftm", "local-csv")
DATA_SUFFIXES = {".csv", ".xml", ".json", ".jsonl", ".ndjson"}
EXPECTED = ("one of: an OFAC legacy CSV file (sdn/alt/add/sdn_comments.csv or cons_*.csv), "
            "OFAC legacy XML (<sdnList>), UN consolidated XML (<CONSOLIDATED_LIST>), "
            "OpenSanctions FollowTheMoney JSON lines, or a local CSV with the header "
            "id,kind,name,aliases,programs,countries,birth_dates,id_numbers,remarks")


@dataclass
class ParsedList:
    source: str  # ofac | ofac-cons | un | opensanctions | local
    entities: list[Entity]
    files: list[tuple[str, str]]  # (path, sha256 of the raw bytes)
    sha256: str  # over all raw files, independent of their order and paths
    published_at: str | None = None  # ISO date the publisher put in the file, if any
    warnings: list[str] = field(default_factory=list)
    format: str = ""
    orphans: dict[str, list[str]] = field(default_factory=dict)  # OFAC CSV: file -> ent_nums
    parts: list[str] = field(default_factory=list)  # OFAC CSV: the roles its files play (primary, alt...)
    set_problems: list[str] = field(default_factory=list)  # why the files may not belong to one set


@dataclass
class RawFile:
    path: str
    data: bytes

    @property
    def sha256(self) -> str:
        return hashlib.sha256(self.data).hexdigest()


def load_files(paths: list[str | Path], format: str = "auto") -> ParsedList:
    """Parse the list files at `paths` (files or folders) into one `ParsedList`."""
    if format not in FORMATS:
        raise InputError(", ".join(map(str, paths)), None, f"--format one of {', '.join(FORMATS)}")
    raws, ignored = read_paths(paths)
    detected = [(raw, detect(raw, format)) for raw in raws]
    kinds = {fmt for _raw, fmt in detected}
    if len(kinds) > 1:
        listing = "; ".join(f"{raw.path}: {fmt}" for raw, fmt in detected)
        raise InputError(", ".join(map(str, paths)), None,
                         f"files of one list format per load, found several ({listing})")
    parsed = parse_detected(kinds.pop(), raws)
    parsed.files = [(raw.path, raw.sha256) for raw in raws]
    parsed.sha256 = combined_sha256(raw.sha256 for raw in raws)
    parsed.warnings = [f"{path}: not a list file, ignored" for path in ignored] + parsed.warnings
    return parsed


def combined_sha256(digests) -> str:
    return hashlib.sha256("\n".join(sorted(digests)).encode()).hexdigest()


def read_paths(paths: list[str | Path]) -> tuple[list[RawFile], list[str]]:
    """Raw bytes of every file; a folder contributes its data files (.csv/.xml/.json...)."""
    if not paths:
        raise InputError("(no path)", None, "at least one list file or folder")
    raws, ignored = [], []
    for path in map(Path, paths):
        if path.is_dir():
            for child in sorted(path.iterdir()):
                if child.name.startswith(".") or not child.is_file():
                    continue
                if child.suffix.lower() in DATA_SUFFIXES:
                    raws.append(read_one(child))
                else:
                    ignored.append(str(child))
        elif path.is_file():
            raws.append(read_one(path))
        else:
            raise InputError(str(path), None, "an existing list file or folder")
    if not raws:
        raise InputError(", ".join(map(str, paths)), None, "at least one list data file; " + EXPECTED)
    return raws, ignored


def read_one(path: Path) -> RawFile:
    return RawFile(str(path), path.read_bytes())


def detect(raw: RawFile, requested: str) -> str:
    """The format of one file: the requested one (checked) or the detected one."""
    found = sniff(raw)
    if requested != "auto" and found != requested:
        raise InputError(raw.path, None, f"a {requested} file (--format {requested}); "
                         f"its content looks like {found or 'none of the known formats'}")
    if found is None:
        raise InputError(raw.path, None, EXPECTED)
    return found


def sniff(raw: RawFile) -> str | None:
    head = raw.data[:4096].lstrip(b"\xef\xbb\xbf \t\r\n")
    if head.startswith(b"<"):
        return sniff_xml(raw)
    if local_csv.looks_like(raw.data):
        return "local-csv"
    if ftm_json.looks_like(raw.data):
        return "ftm"
    if ofac_csv.sniff_role(raw.path, raw.data):
        return "ofac-csv"
    return None


def sniff_xml(raw: RawFile) -> str | None:
    tag = root_tag(raw.data)
    if tag == ofac_xml.ROOT:
        return "ofac-xml"
    if tag == un_xml.ROOT:
        return "un-xml"
    parse_xml(raw.path, raw.data)  # an unsafe or broken document gets its own, clearer error
    return None


def parse_ofac_csv(raws: list[RawFile]) -> ParsedList:
    roles = {raw.path: ofac_csv.sniff_role(raw.path, raw.data) for raw in raws}
    sources = {source for source, _role in roles.values()}
    if len(sources) > 1:
        raise InputError(", ".join(roles), None,
                         "files of one OFAC list per load (SDN sdn/alt/add.csv or consolidated cons_*.csv), not both")
    source = sources.pop()
    files = [ofac_csv.CsvFile(raw.path, raw.data, roles[raw.path][1]) for raw in raws]
    result = ofac_csv.parse_csv_set(files, source)
    return ParsedList(source, result.entities, [], "", None, result.warnings, "ofac-csv", result.orphans,
                      parts=sorted({file.role for file in files}), set_problems=result.set_problems)


def parse_xml_files(module, fmt: str, raws: list[RawFile]) -> ParsedList:
    entities, dates, sources = [], [], set()
    for raw in raws:
        found, published = module.parse(raw.path, raw.data)
        entities += found
        dates.append(published)
        sources.add(found[0].source if found else getattr(module, "SOURCE", None) or module.source_for(raw.path))
    if len(sources) > 1:
        raise InputError(", ".join(r.path for r in raws), None, "files of one list source per load, "
                         f"found {', '.join(sorted(sources))}")
    published_at = max((d for d in dates if d), default=None)
    return ParsedList(sources.pop(), entities, [], "", published_at, [], fmt)


def parse_ftm(raws: list[RawFile]) -> ParsedList:
    entities, warnings = [], []
    for raw in raws:
        found, notes = ftm_json.parse(raw.path, raw.data)
        entities += found
        warnings += notes
    return ParsedList(ftm_json.SOURCE, entities, [], "", None, warnings, "ftm")


def parse_local(raws: list[RawFile]) -> ParsedList:
    entities = [entity for raw in raws for entity in local_csv.parse(raw.path, raw.data)]
    return ParsedList(local_csv.SOURCE, entities, [], "", None, [], "local-csv")


PARSERS = {
    "ofac-csv": parse_ofac_csv,
    "ofac-xml": lambda raws: parse_xml_files(ofac_xml, "ofac-xml", raws),
    "un-xml": lambda raws: parse_xml_files(un_xml, "un-xml", raws),
    "ftm": parse_ftm,
    "local-csv": parse_local,
}


def parse_detected(fmt: str, raws: list[RawFile]) -> ParsedList:
    return PARSERS[fmt](raws)
