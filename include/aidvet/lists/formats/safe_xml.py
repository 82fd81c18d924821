"""XML parsing for untrusted list files: no entity expansion, no external entities, no network.

defusedxml refuses any `<!ENTITY>` declaration (which covers "billion laughs" expansion bombs
and external entities) and external references; expat never fetches anything.
"""

from __future__ import annotations

from xml.etree.ElementTree import Element, ParseError

import defusedxml.ElementTree as safe_etree
from defusedxml import DefusedXmlException, DTDForbidden, EntitiesForbidden, ExternalReferenceForbidden

from aidvet.errors import InputError


def parse_xml(name: str, data: bytes) -> Element:
    """The root element of `data`, namespaces stripped from every tag."""
    try:
        root = safe_etree.fromstring(data, forbid_dtd=False, forbid_entities=True, forbid_external=True)
    except EntitiesForbidden as error:
        kind = "an external entity" if error.sysid or error.pubid else "an entity declaration"
        raise InputError(name, f"entity {error.name!r}", f"XML without entity declarations; found {kind} "
                         "(entity expansion and external entities are refused)") from None
    except (ExternalReferenceForbidden, DTDForbidden, DefusedXmlException) as error:
        raise InputError(name, None, f"XML without external references ({error})") from None
    except ParseError as error:
        line, column = error.position
        raise InputError(name, f"line {line}, column {column}",
                         f"well-formed XML ({str(error).rsplit(': line', 1)[0]})") from None
    for element in root.iter():
        if isinstance(element.tag, str) and "}" in element.tag:
            element.tag = element.tag.split("}", 1)[1]
    return root


def root_tag(data: bytes) -> str | None:
    """The root element name of an XML document, read from its first bytes without parsing it."""
    head = data[:8192].decode("utf-8", "replace")
    position = 0
    while True:
        start = head.find("<", position)
        if start < 0 or start + 1 >= len(head):
            return None
        if head[start + 1] in "?!":
            position = start + 1
            continue
        name = head[start + 1:].split(None, 1)[0].split(">", 1)[0].split("/", 1)[0]
        return name.split(":", 1)[-1] or None


def text(element: Element | None, path: str) -> str | None:
    """Stripped text of the first `path` below `element`, None if absent or empty."""
    if element is None:
        return None
    found = element.find(path)
    if found is None or found.text is None:
        return None
    value = " ".join(found.text.split())
    return value or None


def texts(element: Element, path: str) -> list[str]:
    values = []
    for found in element.findall(path):
        value = " ".join((found.text or "").split())
        if value:
            values.append(value)
    return values
