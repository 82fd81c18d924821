"""Designated-entity lists: parse every real format into `Entity` objects, version them, guard them."""

from aidvet.lists.model import Address, Alias, Entity, Identifier
from aidvet.lists.parse import ParsedList, load_files

__all__ = ["Address", "Alias", "Entity", "Identifier", "ParsedList", "load_files"]
