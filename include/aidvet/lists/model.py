"""The normalized designated-entity model every list loader produces.

One `Entity` per listed person, organization, vessel or aircraft, whatever the source format.
Entities are stored as JSON (`to_dict` / `from_dict`) inside a list version, so adding a field
here means giving it a default and keeping `from_dict` tolerant of older rows.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

KINDS = ("person", "organization", "vessel", "aircraft")
STRENGTHS = ("strong", "weak")
ALIAS_TYPES = ("aka", "fka", "nka")

# Program tags that make an entity a designated terrorist (decision policy treats them strictly).
TERRORIST_PROGRAMS = frozenset({"FTO", "SDGT"})


@dataclass
class Alias:
    name: str
    strength: str = "strong"  # strong | weak
    type: str = "aka"  # aka | fka | nka


@dataclass
class Identifier:
    type: str  # e.g. "Passport", "Cedula No.", "CURP", "RFC", "vessel IMO"
    value: str
    country: str | None = None


@dataclass
class Address:
    text: str  # one line, as listed
    city: str | None = None
    country: str | None = None


@dataclass
class Entity:
    id: str  # source-qualified: "ofac:17671", "un:6908148", "os:Q123", "local:ACME-1"
    source: str  # "ofac", "ofac-cons", "un", "opensanctions", "local", "sample"
    kind: str  # one of KINDS
    name: str  # primary name, as listed
    aliases: list[Alias] = field(default_factory=list)
    programs: list[str] = field(default_factory=list)
    countries: list[str] = field(default_factory=list)  # countries and nationalities, as listed
    birth_dates: list[str] = field(default_factory=list)  # "1957-04-04", "1957", "circa 1960"
    birth_places: list[str] = field(default_factory=list)
    identifiers: list[Identifier] = field(default_factory=list)
    addresses: list[Address] = field(default_factory=list)
    remarks: str | None = None
    listed_on: str | None = None  # ISO date where the source gives one
    linked_to: list[str] = field(default_factory=list)
    # FtM Ownership / Directorship / Family: {"party": other entity id, "role", "share", "schema", "name"}
    relations: list[dict[str, Any]] = field(default_factory=list)

    @property
    def terrorist(self) -> bool:
        return any(program.strip().upper() in TERRORIST_PROGRAMS for program in self.programs)

    def all_names(self) -> list[tuple[str, Alias | None]]:
        """The primary name (alias None) followed by every alias."""
        return [(self.name, None)] + [(alias.name, alias) for alias in self.aliases]

    def to_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["terrorist"] = self.terrorist
        if not data["relations"]:
            del data["relations"]  # absent when empty: content hashes of entities stored before it existed hold
        return data

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> "Entity":
        data = {k: v for k, v in data.items() if k in cls.__dataclass_fields__}
        data["aliases"] = [Alias(**a) for a in data.get("aliases", [])]
        data["identifiers"] = [Identifier(**i) for i in data.get("identifiers", [])]
        data["addresses"] = [Address(**a) for a in data.get("addresses", [])]
        return cls(**data)
