"""Candidate generation: which listed names are worth scoring for a query, without scanning all.

Every listed name (primary or alias) is one record. A query reaches a record through:
- its rarest tokens (together at least BLOCKING_SHARE of its token weight): a record whose tokens
  match none of them cannot reach a screening threshold; each query token reaches the list
  tokens within one edit (a deletion neighbourhood, as in SymSpell), checked with the scorer's own
  token similarity;
- the joined letters ("alqaida" reaches "AL QAIDA");
- acronyms in both directions ("CJNG", "MS-13");
- an identifier (passport, tax number...) equal to one the entity carries.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from typing import NamedTuple

from aidvet.lists.model import Alias, Entity
from aidvet.screening.attributes import normalize_identifier
from aidvet.screening.compare import LONG_TOKEN, MIN_FUZZY_LENGTH, token_credit, weight_pairs
from aidvet.screening.prepare import PreparedName, kind_of, prepare
from aidvet.screening.weights import TokenWeights

BLOCKING_SHARE = 0.6
_NEIGHBOUR_CACHE_LIMIT = 100_000


class Neighbours(NamedTuple):
    tokens: dict[str, tuple[float, float, str]]  # list token -> token_credit
    weight: float
    reach: frozenset[int]  # record numbers


@dataclass(slots=True)
class NameRecord:
    entity_index: int
    alias: Alias | None
    prepared: PreparedName
    weights: tuple[tuple[float, float], ...] = ()  # per token: (paired, unpaired) weight


def _one_deletion(token: str) -> set[str]:
    return {token[:i] + token[i + 1 :] for i in range(len(token))}


def deletion_keys(token: str) -> set[str]:
    """The token and what remains after deleting up to the edits it may differ by (SymSpell):
    two tokens within d edits share a key with at most d deletions on each side."""
    if len(token) < MIN_FUZZY_LENGTH or token.isdigit():
        return {token}
    keys = _one_deletion(token)
    if len(token) >= LONG_TOKEN:
        keys |= {smaller for key in keys for smaller in _one_deletion(key)}
    keys.add(token)
    return keys


class NameIndex:
    def __init__(self, entities: Sequence[Entity]):
        self.entities = list(entities)
        self.records: list[NameRecord] = []
        self.primary_record: list[int] = []
        for entity_index, entity in enumerate(self.entities):
            kind = kind_of(entity.kind)
            self.primary_record.append(len(self.records))
            for name, alias in entity.all_names():
                if name and name.strip():
                    self.records.append(NameRecord(entity_index, alias, prepare(name, kind)))
        self.weights = TokenWeights.from_token_sets(record.prepared.tokens for record in self.records)
        for record in self.records:
            record.weights = weight_pairs(record.prepared.tokens, self.weights)
        self.postings: dict[str, list[int]] = defaultdict(list)
        self.compact: dict[str, list[int]] = defaultdict(list)
        self.acronyms: dict[str, list[int]] = defaultdict(list)
        self.acronym_keys: dict[str, list[int]] = defaultdict(list)
        for number, record in enumerate(self.records):
            prepared = record.prepared
            for token in set(prepared.tokens):
                self.postings[token].append(number)
            self.compact[prepared.compact].append(number)
            if prepared.acronym:
                self.acronyms[prepared.acronym].append(number)
            if prepared.acronym_key:
                self.acronym_keys[prepared.acronym_key].append(number)
        self.deletion_index: dict[str, list[str]] = defaultdict(list)
        for token in self.postings:
            if len(token) >= MIN_FUZZY_LENGTH and not token.isdigit():
                for key in deletion_keys(token):
                    self.deletion_index[key].append(token)
        self.identifiers: dict[str, set[int]] = defaultdict(set)
        for entity_index, entity in enumerate(self.entities):
            for identifier in entity.identifiers:
                value = normalize_identifier(identifier.value)
                if len(value) >= 4:
                    self.identifiers[value].add(entity_index)
        self.postings = dict(self.postings)
        self.deletion_index = dict(self.deletion_index)
        # Per record: total weight of its tokens when paired, and whether it has initials.
        self.paired_weight = [sum(paired for paired, _ in record.weights) for record in self.records]
        self.has_initials = [any(len(token) == 1 for token in record.prepared.tokens) for record in self.records]
        self._neighbours: dict[str, Neighbours] = {}

    def neighbours(self, token: str) -> Neighbours:
        """Every list token the scorer pairs with `token` (-> its `token_credit`), the weight
        `token` carries for blocking (its own, or its closest list token's when unseen), and the
        records holding any of those list tokens."""
        cached = self._neighbours.get(token)
        if cached is not None:
            return cached
        found: dict[str, tuple[float, float, str]] = {}
        if token in self.postings:
            found[token] = (1.0, 1.0, "exact")
        if len(token) >= MIN_FUZZY_LENGTH and not token.isdigit():
            for key in deletion_keys(token):
                for other in self.deletion_index.get(key, ()):
                    if other not in found:
                        credit = token_credit(token, other, False)
                        if credit[0] > 0:
                            found[other] = credit
        if token in self.postings:
            weight = self.weights(token)
        else:
            weight = max((self.weights(other) for other in found), default=1.0)
        reach: frozenset[int] = frozenset().union(*(self.postings[other] for other in found))
        if len(self._neighbours) > _NEIGHBOUR_CACHE_LIMIT:
            self._neighbours.clear()
        result = self._neighbours[token] = Neighbours(found, weight, reach)
        return result

    def candidates(self, query: PreparedName, id_number: str | None = None) -> tuple[set[int], set[int]]:
        """(record numbers, entity indexes reached by identifier) worth scoring for the query."""
        records: set[int] = set()
        tokens = [token for token in dict.fromkeys(query.tokens) if len(token) > 1]
        looked_up = sorted((self.neighbours(token) for token in tokens), key=lambda found: -found.weight)
        total = sum(found.weight for found in looked_up)
        covered = 0.0
        for found in looked_up:
            if covered >= BLOCKING_SHARE * total:
                break
            records.update(found.reach)
            covered += found.weight
        records.update(self.compact.get(query.compact, ()))
        if query.acronym_key:
            records.update(self.acronyms.get(query.acronym_key, ()))
        if query.acronym:
            records.update(self.acronym_keys.get(query.acronym, ()))
        by_identifier: set[int] = set()
        if id_number:
            by_identifier = self.identifiers.get(normalize_identifier(id_number), set())
        return records, by_identifier
