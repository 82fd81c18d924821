"""IATI activity XML (2.0x, and 1.0x letter codes) -> awards, parties, disbursements, commitments.

One activity is one award; its implementing participating-org (role 4) is the prime recipient.
Transactions of type 3 (Disbursement) become disbursements to their receiver-org, type 2
(Outgoing Commitment) become commitments; other types are listed in `batch.ignored` and a
transaction without a type is listed in `batch.rejected`, so every transaction is accounted for.

Parsing is safe and streaming: no DTD (so no external entities and no entity expansion), no
network, one activity in memory at a time. A file that is not well-formed is rejected whole, with
the line and activity where reading stopped: a truncated file must not pass as a shorter one.
"""

from __future__ import annotations

import io
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from lxml import etree

from aidvet.errors import InputError
from aidvet.sources.files import read_input, sha256_hex
from aidvet.sources.model import Award, Commitment, Disbursement, Party, SourceBatch
from aidvet.sources.parties import party_key_from_name, party_key_from_ref

SOURCE = "iati"
ROOT_TAG = "iati-activities"
ACTIVITY_TAG = "iati-activity"
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"

# IATI 2.x codes, and the letter codes of IATI 1.x for the same transaction types.
DISBURSEMENT_TYPES = frozenset({"3", "D"})
COMMITMENT_TYPES = frozenset({"2", "C"})
IMPLEMENTING_ROLES = frozenset({"4", "implementing"})


def read_iati(path: str | Path) -> SourceBatch:
    """Read one IATI activity file; InputError naming file and line if it cannot be read whole."""
    file = str(path)
    data = read_input(path)
    batch = SourceBatch(source_file=file, sha256=sha256_hex(data))
    parties: dict[tuple[str, str], Party] = {}
    for index, activity in iter_activities(data, file):
        _add_activity(batch, parties, activity, f"/{ROOT_TAG}/{ACTIVITY_TAG}[{index}]")
    batch.parties = list(parties.values())
    return batch


def looks_like_iati(head: bytes) -> bool:
    """True when the first bytes of a file open an <iati-activities> document (format detection)."""
    return b"<" + ROOT_TAG.encode() in head.replace(b"\x00", b"")


def iter_activities(data: bytes, file: str) -> Iterator[tuple[int, etree._Element]]:
    """Yield (position, element) for each iati-activity, freeing each one after use."""
    _require_markup(data, file)
    events = etree.iterparse(
        io.BytesIO(data),
        events=("start", "end"),
        resolve_entities=False,
        no_network=True,
        load_dtd=False,
        huge_tree=False,
        remove_comments=True,
        remove_pis=True,
    )
    depth = index = 0
    try:
        for event, element in events:
            if event == "start":
                depth += 1
                if depth == 1:
                    _check_root(element, file)
                elif depth == 2 and element.tag == ACTIVITY_TAG:
                    index += 1
                continue
            depth -= 1
            if depth == 1 and element.tag == ACTIVITY_TAG:
                yield index, element
                _free(element)
    except etree.XMLSyntaxError as error:
        where = f"line {error.lineno}"
        if index:
            where += f" (in /{ROOT_TAG}/{ACTIVITY_TAG}[{index}])"
        raise InputError(file, where, f"well-formed XML in a declared or UTF-8 encoding ({error.msg})") from error
    if depth != 0:  # pragma: no cover - lxml reports unclosed elements as syntax errors
        raise InputError(file, None, "a complete XML document")


def _require_markup(data: bytes, file: str) -> None:
    start = data.lstrip(b"\xef\xbb\xbf\xff\xfe\x00 \t\r\n")[:1]
    if start != b"<":
        raise InputError(file, "line 1", f"an IATI XML file starting with '<' (found {data[:20]!r})")


def _check_root(root: etree._Element, file: str) -> None:
    doctype = root.getroottree().docinfo.doctype
    if doctype:
        raise InputError(file, "prolog", f"IATI XML without a DOCTYPE (DTDs and entities are refused: {doctype[:80]})")
    if root.tag != ROOT_TAG:
        raise InputError(file, f"line {root.sourceline}", f"an IATI activity file with root <{ROOT_TAG}> (found <{root.tag}>)")


def _free(element: etree._Element) -> None:
    element.clear()
    parent = element.getparent()
    while element.getprevious() is not None:
        del parent[0]


@dataclass(frozen=True)
class _Activity:
    """What a transaction inherits from its activity."""

    element: etree._Element
    iati_id: str | None
    default_currency: str | None
    country: str | None


def _add_activity(batch: SourceBatch, parties: dict, element: etree._Element, path: str) -> None:
    activity = _Activity(element, _text(element.find("iati-identifier")), _attr(element, "default-currency"),
                         _activity_country(element))
    prime_key = _add_primes(parties, element)
    if activity.iati_id is not None:
        title = _narrative(element.find("title"), element)
        batch.awards.append(Award(activity.iati_id, title, prime_key, activity.country, batch.source_file, path))
    # Without an identifier there is no award; the transactions still go on, with no award,
    # for validation to quarantine them.
    transactions = element.findall("transaction")
    ids = _transaction_ids(activity.iati_id or path, transactions)
    for position, (transaction, record_id) in enumerate(zip(transactions, ids), start=1):
        _add_transaction(batch, parties, activity, transaction, record_id, f"{path}/transaction[{position}]")


def _transaction_ids(prefix: str, transactions: list[etree._Element]) -> list[str]:
    """`<activity>/<ref>` where the ref is unique in the activity for its type, else `<activity>/t<n>`."""
    keys = [(_type_code(t), (t.get("ref") or "").strip()) for t in transactions]
    counts = Counter(keys)
    return [
        f"{prefix}/{ref}" if ref and counts[(code, ref)] == 1 else f"{prefix}/t{position}"
        for position, (code, ref) in enumerate(keys, start=1)
    ]


def _add_transaction(batch: SourceBatch, parties: dict, activity: _Activity, transaction: etree._Element,
                     record_id: str, record: str) -> None:
    code = _type_code(transaction)
    if code is None:
        batch.rejected.append((record, "transaction-type/@code is missing: cannot tell whether this is a disbursement"))
        return
    if code not in DISBURSEMENT_TYPES and code not in COMMITMENT_TYPES:
        batch.ignored.append((record, f"transaction type {code} is neither a disbursement (3) nor a commitment (2)"))
        return
    receiver = transaction.find("receiver-org")
    name = _narrative(receiver, activity.element)
    key = party_key_from_ref(SOURCE, _attr(receiver, "ref")) or party_key_from_name(SOURCE, name)
    if key is not None:
        parties.setdefault((key, "payee"), Party(key, name, role="payee"))
    value = transaction.find("value")
    fields = dict(
        award_id=activity.iati_id,
        payee_key=key,
        payee_name=name,
        amount=_text(value),
        currency=_attr(value, "currency") or activity.default_currency,
        date=_attr(transaction.find("transaction-date"), "iso-date"),
        country=_attr(transaction.find("recipient-country"), "code") or activity.country,
        source_file=batch.source_file,
        source_record=record,
        value_date=_attr(value, "value-date"),
    )
    if code in DISBURSEMENT_TYPES:
        batch.disbursements.append(Disbursement(disbursement_id=record_id, **fields))
    else:
        batch.commitments.append(Commitment(commitment_id=record_id, **fields))


def _add_primes(parties: dict, activity: etree._Element) -> str | None:
    """Every implementing organisation becomes a prime party; the first is the award's prime."""
    first = None
    for org in activity.findall("participating-org"):
        if (org.get("role") or "").strip().lower() not in IMPLEMENTING_ROLES:
            continue
        name = _narrative(org, activity)
        key = party_key_from_ref(SOURCE, org.get("ref")) or party_key_from_name(SOURCE, name)
        if key is None:
            continue
        parties.setdefault((key, "prime"), Party(key, name, role="prime"))
        first = first or key
    return first


def _activity_country(activity: etree._Element) -> str | None:
    """The activity's recipient country: the only one, or the one with the largest percentage."""
    best, best_share = None, -1.0
    for element in activity.findall("recipient-country"):
        code = _attr(element, "code")
        try:
            share = float(element.get("percentage") or 100)
        except ValueError:
            share = 0.0
        if code and share > best_share:
            best, best_share = code, share
    return best


def _type_code(transaction: etree._Element) -> str | None:
    return _attr(transaction.find("transaction-type"), "code")


def _narrative(element: etree._Element | None, activity: etree._Element) -> str | None:
    """The narrative in the activity's language (or without one), else the first; 1.x plain text."""
    if element is None:
        return None
    narratives = [(n.get(XML_LANG), _text(n)) for n in element.findall("narrative")]
    narratives = [(lang, text) for lang, text in narratives if text is not None]
    if not narratives:
        return _text(element)
    root = activity.getparent()
    language = activity.get(XML_LANG) or (root.get(XML_LANG) if root is not None else None)
    for lang, text in narratives:
        if lang is None or lang == language:
            return text
    return narratives[0][1]


def _text(element: etree._Element | None) -> str | None:
    if element is None or element.text is None:
        return None
    return element.text.strip() or None


def _attr(element: etree._Element | None, name: str) -> str | None:
    if element is None:
        return None
    return (element.get(name) or "").strip() or None
