"""Small hand-made IATI activity documents for tests (importable by hypothesis tests too)."""

from __future__ import annotations


def iati_transaction(code="3", amount="100.00", name="Org A", ref=None, currency=None, country=None, date="2024-01-31"):
    """One <transaction> element as text; None for a part leaves it out."""
    parts = []
    if code is not None:
        parts.append(f'<transaction-type code="{code}"/>')
    if date is not None:
        parts.append(f'<transaction-date iso-date="{date}"/>')
    if amount is not None:
        currency_attr = f' currency="{currency}"' if currency else ""
        parts.append(f'<value value-date="{date or "2024-01-01"}"{currency_attr}>{amount}</value>')
    if name is not None:
        parts.append(f"<receiver-org><narrative>{name}</narrative></receiver-org>")
    if country is not None:
        parts.append(f'<recipient-country code="{country}"/>')
    ref_attr = f' ref="{ref}"' if ref else ""
    return f"<transaction{ref_attr}>{''.join(parts)}</transaction>"


def iati_activity(identifier="XM-1", transactions=(), currency="USD", country=None, prime="Prime Org"):
    identifier_xml = f"<iati-identifier>{identifier}</iati-identifier>" if identifier is not None else ""
    country_xml = f'<recipient-country code="{country}" percentage="100"/>' if country else ""
    prime_xml = f'<participating-org role="4"><narrative>{prime}</narrative></participating-org>' if prime else ""
    currency_attr = f' default-currency="{currency}"' if currency else ""
    return (
        f'<iati-activity{currency_attr} xml:lang="en">{identifier_xml}<title><narrative>Title of {identifier}</narrative></title>'
        f"{prime_xml}{country_xml}{''.join(transactions)}</iati-activity>"
    )


def iati_document(activities=()):
    return f'<?xml version="1.0" encoding="UTF-8"?>\n<iati-activities version="2.03">{"".join(activities)}</iati-activities>\n'
