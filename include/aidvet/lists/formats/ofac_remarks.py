"""Structured facts hidden in OFAC's free-text Remarks (legacy CSV) and idList (legacy XML).

OFAC's flat files carry weak aliases, dates and places of birth, nationalities, identity
documents and "Linked To" relations inside one Remarks string of `; `-separated items, e.g.
`DOB 17 Jul 1966; POB Michoacan, Mexico; C.U.R.P. OECR660717HMNSRB00 (Mexico); a.k.a. 'El Mencho'.`
An item may start with `alt. ` (an alternative value of the same kind). Items this module does not
recognize stay in the remarks text, which is kept whole on the entity.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from aidvet.lists.model import Alias, Identifier
from aidvet.lists.normalize import iso_date

# Identifier types as OFAC writes them; matched as a prefix, longest first.
IDENTIFIER_TYPES = sorted(
    {
        "Passport", "Diplomatic Passport", "Refugee ID Card", "National ID No.", "National ID",
        "Cedula No.", "C.U.R.P.", "CURP", "R.F.C.", "RFC", "NIT #", "C.U.I.P.", "C.U.I.", "C.U.I.T.",
        "C.U.I.L.", "D.N.I.", "I.F.E.", "RUC #", "RIF #", "SSN", "US FEIN", "LE Number",
        "Tax ID No.", "Registration Number", "Registration ID", "Business Registration Number",
        "Business Registration Document #", "Business Number", "Identification Number",
        "Personal ID Card", "Folio Mercantil No.", "Matricula Mercantil No", "C.R. No.",
        "V.A.T. Number", "Company Number", "UK Company Number", "Commercial Registry Number",
        "Government Gazette Number", "Unified Social Credit Code (USCC)",
        "United Social Credit Code Certificate (USCCC)", "Legal Entity Number", "SWIFT/BIC",
        "BIK (RU)", "D-U-N-S Number", "ISIN", "Vessel Registration Identification", "MMSI",
        "Aircraft Manufacturer's Serial Number (MSN)", "Aircraft Tail Number",
        "Previous Aircraft Tail Number", "Aircraft Construction Number (also called L/N or S/N or F/N)",
        "Email Address", "Website", "Phone Number", "Telephone", "Telephone No.", "Fax",
        "Driver's License No.", "Credencial electoral", "Cartilla de Servicio Militar Nacional",
        "Electoral Registry No.", "Residency Number", "Birth Certificate Number",
        "Trade License No.", "Chamber of Commerce Number", "Central Registration System Number",
        "Economic Register Number (CBLS)", "Enterprise Number", "Branch Unit Number",
        "Certificate of Incorporation Number", "Public Registration Number",
        "Istanbul Chamber of Comm. No.", "Turkish Identification Number",
        "National Foreign ID Number", "Numero de Identidad", "Citizen's Card Number",
        "Italian Fiscal Code", "Kenyan ID No.", "Stateless Person ID Card", "Afghan Money Service Provider License Number",
        "License", "Serial No.", "Moroccan Personal ID No.", "Tazkira National ID Card",
        "Pasaporte", "Matricula", "Cedula de Identidad", "Permanent Resident Number",
    },
    key=len,
    reverse=True,
)

# idList / remarks items that describe a listing rather than identify someone.
FEATURE_PREFIXES = (
    "Secondary sanctions risk", "Additional Sanctions Information", "Transactions Prohibited",
    "Executive Order", "CAATSA Section", "Listing Date", "Effective Date", "Purchase/Sales",
    "Organization Established Date", "Organization Type", "Target Type", "Gender", "Issuer Name",
    "Equity Ticker", "Nationality of Registration", "Vessel Year of Build", "Vessel Type",
    "Other Vessel", "Former Vessel", "Aircraft Model", "Aircraft Operator", "Aircraft Manufacture",
    "Aircraft Mode S", "Title", "For more information",
)

_WEAK_ALIAS = re.compile(r"^([afn])\.k\.a\.\s+'(.*)'$", re.S)
_VALUE_COUNTRY = re.compile(
    r"^(?P<value>.+?)(?: \((?P<country>[^()]+)\))?"
    r"(?P<tail> (?:issued|expires|Issue Date|Expiration Date|Date of Issue|valid)\b.*)?$",
    re.S,
)
# An identifier type OFAC has not used before: `TYPE VALUE (COUNTRY)`, the value holding a digit.
_GENERIC_IDENTIFIER = re.compile(
    r"^(?P<type>[A-Za-z][^\d()]*?) (?P<value>[^ ()]*\d[^()]*?) \((?P<country>[^()\d]+)\)$"
)
_DIGITAL_CURRENCY = re.compile(r"^Digital Currency Address - (?P<coin>\S+) (?P<value>\S+)$")


@dataclass
class RemarkFacts:
    weak_aliases: list[Alias] = field(default_factory=list)
    birth_dates: list[str] = field(default_factory=list)
    birth_places: list[str] = field(default_factory=list)
    countries: list[str] = field(default_factory=list)  # nationality, citizen, vessel registration
    identifiers: list[Identifier] = field(default_factory=list)
    linked_to: list[str] = field(default_factory=list)


def split_items(remarks: str) -> list[str]:
    """The `; `-separated items of a Remarks string, without the closing period."""
    text = remarks.strip()
    if text.endswith("."):
        text = text[:-1]
    return [item.strip() for item in text.split("; ") if item.strip()]


def parse_remarks(remarks: str | None, drop_last: bool = False) -> RemarkFacts:
    """Facts of a Remarks string; `drop_last` skips a last item cut off by OFAC's length limit."""
    facts = RemarkFacts()
    if not remarks:
        return facts
    items = split_items(remarks)
    for item in items[:-1] if drop_last else items:
        add_item(facts, item)
    return facts


def add_item(facts: RemarkFacts, item: str) -> None:
    """Classify one remarks item and add what it says to `facts`."""
    if item.startswith("alt. "):
        item = item[5:].strip()
    if match := _WEAK_ALIAS.match(item):
        facts.weak_aliases.append(Alias(match.group(2).strip(), "weak", match.group(1) + "ka"))
    elif item.startswith("DOB "):
        facts.birth_dates.append(iso_date(item[4:]))
    elif item.startswith("POB "):
        facts.birth_places.append(item[4:].strip())
    elif item.startswith(("nationality ", "citizen ")):
        facts.countries.append(item.split(" ", 1)[1].strip())
    elif item.startswith("Nationality of Registration "):
        facts.countries.append(item[len("Nationality of Registration "):].strip())
    elif item.startswith("Linked To: "):
        facts.linked_to.append(item[len("Linked To: "):].strip())
    elif identifier := parse_identifier(item):
        facts.identifiers.append(identifier)


def parse_identifier(item: str) -> Identifier | None:
    """`Passport A1234 (Colombia)` -> Identifier('Passport', 'A1234', 'Colombia'); None if not one."""
    if match := _DIGITAL_CURRENCY.match(item):
        return Identifier(f"Digital Currency Address - {match['coin']}", match["value"])
    for id_type in IDENTIFIER_TYPES:
        if item.startswith(id_type + " "):
            return identifier_from_parts(id_type, item[len(id_type) + 1:])
    if item.startswith(FEATURE_PREFIXES):
        return None
    if match := _GENERIC_IDENTIFIER.match(item):
        return Identifier(match["type"], match["value"].strip(), match["country"].strip())
    return None


def identifier_from_parts(id_type: str, rest: str, country: str | None = None) -> Identifier | None:
    """Split `VALUE (COUNTRY) issued ...` into value and country."""
    match = _VALUE_COUNTRY.match(rest.strip())
    if not match or not match["value"].strip():
        return None
    return Identifier(id_type, match["value"].strip(), (match["country"] or country or None))


def is_feature(id_type: str) -> bool:
    """True for OFAC XML idList types that describe the listing rather than identify a party."""
    return id_type.strip().startswith(FEATURE_PREFIXES)
