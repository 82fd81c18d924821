"""Candidate generation: which listed names are worth scoring for a query, without scanning all.

Every listed name (primary or alias) is one record. A query reaches a record through:
- its tokens, as many as a record paired through none of them could not reach the threshold
  (prefix filtering on token weights); each query token reaches the list tokens the scorer
  would pair it with, found through a deletion neighbourhood (SymSpell, as many edits as the
  scorer allows, which also holds the words rigour's residue distance pairs), doubled letters,
  transliteration spellings, consonant skeletons, given-name variants (rigour's name symbols),
  Arabic articles written joined, Korean romanization keys and misspelt number words ("firts" for
  "1", from "FIRST"), each checked with the scorer's own
  `token_credit`, so that the neighbour table is exactly the scorer's;
- the joined letters, in the order used or written ("alqaida" reaches "AL QAIDA");
- one word written as two, either way ("alighadeer" reaches "ALI GHADEER", "dehghan pour" reaches
  "DEHGHANPOUR");
- acronyms in both directions ("CJNG", "MS-13");
- an identifier (passport, tax number...) equal to one the entity carries.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, fields
from operator import itemgetter
from typing import NamedTuple

from aidvet.lists.model import Alias, Entity
from aidvet.screening.attributes import normalize_identifier
from aidvet.screening.compare import (
    JOINED_PART_MIN,
    LONG_TOKEN,
    MIN_FUZZY_LENGTH,
    SHORT_TOKEN,
    PERSON_UNMATCHED_FACTOR,
    article_rest,
    baltic_stems,
    joinable,
    misspelt_numbers,
    phonetic,
    skeleton,
    squeeze,
    token_credit,
    weight_pairs,
)
from aidvet.screening.korean import korean_key
from aidvet.screening.packed import PackedTable, PickledList
from aidvet.screening.prepare import PERSON, PreparedName, consonants_of, kind_of, prepare
from aidvet.screening.variants import name_symbols
from aidvet.screening.weights import TokenWeights

_NEIGHBOUR_CACHE_LIMIT = 100_000
_NOT_STORED = ("_neighbours", "_query_tokens")


class Candidates(NamedTuple):
    records: set[int]
    special: set[int]  # reached by joined letters or an acronym: no token bound applies
    by_identifier: set[int]  # entity indexes


class Neighbours(NamedTuple):
    tokens: dict[str, tuple[float, float, str]]  # list token -> token_credit
    partner_weight: float  # the highest weight among those list tokens
    reach: frozenset[int]  # record numbers


_reach_size = itemgetter(0)


def _bound(matched: float, unmatched: float) -> float:
    """Highest name score with this much weight paired and at least this much unpaired."""
    total = matched + PERSON_UNMATCHED_FACTOR * unmatched
    return 100.0 * matched / total if total else 0.0


@dataclass(slots=True)
class NameRecord:
    entity_index: int
    alias: Alias | None
    prepared: PreparedName
    weights: tuple[tuple[float, float], ...] = ()  # per token: (paired, unpaired) weight


def letter_mask(text: str) -> int:
    """One bit per distinct character (all are ASCII after preparation)."""
    mask = 0
    for character in set(text):
        mask |= 1 << (ord(character) & 127)
    return mask


def _one_deletion(token: str) -> set[str]:
    return {token[:i] + token[i + 1 :] for i in range(len(token))}


def deletion_keys(token: str) -> set[str]:
    """The token and what remains after deleting up to the edits it may differ by (SymSpell):
    two tokens within d edits share a key with at most d deletions on each side."""
    if len(token) < SHORT_TOKEN or token.isdigit():
        return {token}
    keys = _one_deletion(token)
    if len(token) >= LONG_TOKEN:
        keys |= {smaller for key in keys for smaller in _one_deletion(key)}
    keys.add(token)
    return keys


def _alias_values(alias: Alias | None) -> tuple[str, str, str] | None:
    return None if alias is None else (alias.name, alias.strength, alias.type)


_PREPARED_FIELDS = tuple(field.name for field in fields(PreparedName))


def _prepared_values(prepared: PreparedName) -> tuple:
    """The fields of `prepared` in order: `PreparedName(*values)` makes it again."""
    return tuple(getattr(prepared, name) for name in _PREPARED_FIELDS)


class NameIndex:
    def __init__(self, entities: Sequence[Entity]):
        self.entities: Sequence[Entity] = list(entities)  # a loaded index: a PickledList
        self.records: list[NameRecord] = []
        self.primary_record: list[int] = []
        person_tokens: set[str] = set()
        for entity_index, entity in enumerate(self.entities):
            kind = kind_of(entity.kind)
            self.primary_record.append(len(self.records))
            for name, alias in entity.all_names():
                if name and name.strip():
                    self.records.append(NameRecord(entity_index, alias, prepare(name, kind)))
                    if kind == PERSON:
                        person_tokens.update(self.records[-1].prepared.tokens)
        self.weights = TokenWeights.from_token_sets(record.prepared.tokens for record in self.records)
        for record in self.records:
            record.weights = weight_pairs(record.prepared.tokens, self.weights)
        self.postings: dict[str, list[int]] = defaultdict(list)
        self.compact: dict[str, list[int]] = defaultdict(list)
        self.acronyms: dict[str, list[int]] = defaultdict(list)
        self.acronym_keys: dict[str, list[int]] = defaultdict(list)
        self.written_apart: dict[str, list[int]] = defaultdict(list)  # "alighadeer" -> records of "ali ghadeer"
        for number, record in enumerate(self.records):
            prepared = record.prepared
            for token in set(prepared.tokens):
                self.postings[token].append(number)
            for first, second in zip(prepared.tokens, prepared.tokens[1:]):
                if joinable(first, second):
                    self.written_apart[first + second].append(number)
            self.compact[prepared.compact].append(number)
            if prepared.written != prepared.compact:
                self.compact[prepared.written].append(number)
            if prepared.joined not in (prepared.compact, prepared.written):
                self.compact[prepared.joined].append(number)
            if prepared.acronym:
                self.acronyms[prepared.acronym].append(number)
            if prepared.acronym_key:
                self.acronym_keys[prepared.acronym_key].append(number)
        # Consonant keys (prepare.consonant_key) of the names not in Arabic/Hebrew script, so a query
        # in one of those scripts reaches their rendering.
        self.written_apart = dict(self.written_apart)
        self.consonants: dict[str, list[int]] = defaultdict(list)
        for number, record in enumerate(self.records):
            if not record.prepared.abjad and (key := consonants_of(record.prepared)):
                self.consonants[key].append(number)
        self.consonants = dict(self.consonants)
        deletions: dict[str, list[str]] = defaultdict(list)
        for token in self.postings:
            if len(token) >= SHORT_TOKEN and not token.isdigit():
                for key in deletion_keys(token):
                    deletions[key].append(token)
        # A listed person's name in Latvian or Lithuanian form is reached through its stems too.
        for token in person_tokens:
            for stem in baltic_stems(token):
                for key in deletion_keys(stem):
                    if token not in deletions[key]:
                        deletions[key].append(token)
        # The list tokens of a deletion key, space-separated, packed in one string: hundreds of
        # thousands of keys would be as many objects for every worker to make when it loads.
        self.deletion_index = PackedTable({key: " ".join(tokens) for key, tokens in deletions.items()})
        self.squeezed: dict[str, list[str]] = defaultdict(list)
        for token in self.postings:
            if squeeze(token) != token:
                self.squeezed[squeeze(token)].append(token)
        self.squeezed = dict(self.squeezed)
        self.phonetic: dict[str, list[str]] = defaultdict(list)
        for token in self.postings:
            if len(token) >= MIN_FUZZY_LENGTH:
                self.phonetic[phonetic(token)].append(token)
        self.phonetic = dict(self.phonetic)
        self.skeletons: dict[str, list[str]] = defaultdict(list)
        for token in self.postings:
            if len(skeleton(token)) >= 3 and token.isalpha():
                self.skeletons[skeleton(token)].append(token)
        self.skeletons = dict(self.skeletons)
        self.variants: dict[str, list[str]] = defaultdict(list)
        for token in self.postings:
            for symbol in name_symbols(token):
                self.variants[symbol].append(token)
        for token in person_tokens:
            for symbol in {symbol for stem in baltic_stems(token) for symbol in name_symbols(stem)}:
                if token not in self.variants[symbol]:
                    self.variants[symbol].append(token)
        self.variants = dict(self.variants)
        self.articled: dict[str, list[str]] = defaultdict(list)  # "qahtani" -> ["alqahtani", "elqahtani"]
        for token in self.postings:
            if rest := article_rest(token):
                self.articled[rest].append(token)
        self.articled = dict(self.articled)
        self.korean: dict[str, list[str]] = defaultdict(list)
        for token in self.postings:
            if key := korean_key(token):
                self.korean[key].append(token)
        self.korean = dict(self.korean)
        self.identifiers: dict[str, set[int]] = defaultdict(set)
        for entity_index, entity in enumerate(self.entities):
            for identifier in entity.identifiers:
                value = normalize_identifier(identifier.value)
                if len(value) >= 4:
                    self.identifiers[value].add(entity_index)
        self.postings = dict(self.postings)
        self.compact, self.acronyms, self.acronym_keys = dict(self.compact), dict(self.acronyms), dict(self.acronym_keys)
        self.identifiers = dict(self.identifiers)
        # Per record: total weight of its tokens when paired, and whether it has initials.
        self.paired_weight = [sum(paired for paired, _ in record.weights) for record in self.records]
        # Initials are single letters; a single digit ("Two Rivers" -> "2") pairs only with itself.
        self.has_initials = [any(len(token) == 1 and token.isalpha() for token in record.prepared.tokens)
                             for record in self.records]
        self.unpaired_weight = [sum(unpaired for _, unpaired in record.weights) for record in self.records]
        self.compact_length = [len(record.prepared.compact) for record in self.records]
        self.token_count = [len(record.prepared.tokens) for record in self.records]

        self.letter_masks = [letter_mask(record.prepared.compact) for record in self.records]
        self.with_initials = {number for number, initials in enumerate(self.has_initials) if initials}
        self._clear_caches()

    def _clear_caches(self) -> None:
        # Per kind of query: True when the query may be a person's name (person or unknown kind),
        # whose tokens also reach what the persons-only rules pair.
        self._neighbours: dict[bool, dict[str, Neighbours]] = {True: {}, False: {}}
        self._query_tokens: dict[bool, dict[str, tuple[Neighbours | None, tuple[float, float]]]] = {True: {}, False: {}}

    def state(self) -> dict:
        """The index in plain values (tuples, dicts, strings, numbers: marshal writes them and
        reads them back far faster than pickle makes the objects), for `from_state`. The caches
        fill as queries are screened; a stored index starts without them."""
        state = {name: value for name, value in vars(self).items() if name not in _NOT_STORED}
        state["entities"] = PickledList.pickled(self.entities)
        state["records"] = tuple((record.entity_index, _alias_values(record.alias), _prepared_values(record.prepared),
                                  record.weights) for record in self.records)
        state["weights"] = self.weights.state()
        state["deletion_index"] = self.deletion_index.state()
        return state

    @classmethod
    def from_state(cls, state: dict) -> NameIndex:
        """The index `state` holds. Its entities are unpickled one by one, each when first read."""
        index = cls.__new__(cls)
        vars(index).update(state)
        index.entities = PickledList(state["entities"])
        index.records = [NameRecord(entity_index, None if alias is None else Alias(*alias), PreparedName(*prepared),
                                    weights)
                         for entity_index, alias, prepared, weights in state["records"]]
        index.weights = TokenWeights.from_state(state["weights"])
        index.deletion_index = PackedTable.from_state(state["deletion_index"])
        index._clear_caches()
        return index

    def __reduce__(self):
        return NameIndex.from_state, (self.state(),)

    def query_tokens(self, tokens: Sequence[str], persons: bool = True
                     ) -> tuple[list[Neighbours | None], tuple[tuple[float, float], ...]]:
        """Per query token: its neighbours (None for an initial, which pairs by its letter) and its
        (paired, unpaired) weight, as `weight_pairs` gives it. `persons`: the query may be a
        person's name (see `neighbours`)."""
        cache = self._query_tokens[persons]
        known = [cache.get(token) for token in tokens]
        if None in known:
            if len(cache) > _NEIGHBOUR_CACHE_LIMIT:
                cache.clear()
            for position, token in enumerate(tokens):
                if known[position] is None:
                    neighbours = self.neighbours(token, persons) if len(token) > 1 or token.isdigit() else None
                    known[position] = cache[token] = (neighbours, weight_pairs((token,), self.weights)[0])
        return [neighbours for neighbours, _ in known], tuple(pair for _, pair in known)

    def neighbours(self, token: str, persons: bool = True) -> Neighbours:
        """Every list token the scorer pairs with `token` (-> its `token_credit`), the highest
        weight among them, and the records holding any of them. `persons`: with the pairs of the
        rules for persons' names only (an organization's query leaves them out)."""
        cache = self._neighbours[persons]
        cached = cache.get(token)
        if cached is not None:
            return cached
        found: dict[str, tuple[float, float, str]] = {}
        if token in self.postings:
            found[token] = (1.0, 1.0, "exact")

        def consider(others) -> None:
            for other in others:
                if other not in found and (credit := token_credit(token, other, False, persons))[0] > 0:
                    found[other] = credit

        if len(token) >= SHORT_TOKEN and not token.isdigit():
            for key in deletion_keys(token):
                consider(self.deletion_index.get(key, "").split())
        if len(token) >= MIN_FUZZY_LENGTH:
            consider(self.phonetic.get(phonetic(token), ()))
        squeezed = squeeze(token)
        consider([*self.squeezed.get(squeezed, ()), *([squeezed] if squeezed in self.postings else [])])
        if token.isalpha() and len(skeleton(token)) >= 3:
            consider(self.skeletons.get(skeleton(token), ()))
        for symbol in name_symbols(token):
            consider(self.variants.get(symbol, ()))
        rest = article_rest(token)
        consider([*self.articled.get(token, ()), *([rest] if rest in self.postings else [])])
        consider(self.korean.get(korean_key(token), ()))
        for stem in baltic_stems(token) if persons else ():
            consider({other for key in deletion_keys(stem) for other in self.deletion_index.get(key, "").split()})
            consider(other for symbol in name_symbols(stem) for other in self.variants.get(symbol, ()))
        consider(other for other in misspelt_numbers(token) if other in self.postings)
        partner_weight = max((self.weights(other) for other in found), default=0.0)
        reach: frozenset[int] = frozenset().union(*(self.postings[other] for other in found))
        if len(cache) > _NEIGHBOUR_CACHE_LIMIT:
            cache.clear()
        result = cache[token] = Neighbours(found, partner_weight, reach)
        return result

    def joined_words(self, tokens: Sequence[str]) -> set[int]:
        """Records the scorer may pair through one word written as two (`joinable`): two adjacent
        query words that are one listed word, or a query word that is two adjacent listed words."""
        found: set[int] = set()
        apart, postings = self.written_apart, self.postings
        previous = ""
        for token in tokens:
            if len(token) < JOINED_PART_MIN:
                previous = ""
                continue
            if len(token) >= 2 * JOINED_PART_MIN and (records := apart.get(token)) is not None:
                found.update(records)
            if previous and (records := postings.get(previous + token)) is not None:
                found.update(records)
            previous = token
        return found

    def candidates(self, query: PreparedName, needed: float, found: Sequence[Neighbours | None],
                   query_weights: Sequence[tuple[float, float]], id_number: str | None = None) -> Candidates:
        """Records whose name score may reach `needed`, and entities reached by identifier.
        `found` and `query_weights` are the query tokens' neighbours (None for initials) and
        (paired, unpaired) weights.

        Prefix filtering: query tokens are set aside for blocking, cheapest reach first, until
        a record paired only through the remaining tokens could not reach `needed` even if
        each of them paired at full credit with its heaviest neighbour; the records reached by
        the tokens set aside are the candidates."""
        records: set[int] = set()
        remaining = []  # (reach size, query weight, partner weight, unpaired weight, reach)
        initials = 0
        for neighbours, (paired, unpaired) in zip(found, query_weights):
            if neighbours is None:
                remaining.append((-1, paired, 1.0, unpaired, None))
                initials += 1
            else:
                remaining.append((len(neighbours.reach), paired, neighbours.partner_weight, unpaired, neighbours.reach))
        remaining.sort(key=_reach_size)
        matched = sum(item[1] + item[2] for item in remaining)
        unmatched = 0.0
        # Initials (size -1) sort first and never block: the tokens that can follow them.
        for _, weight, partner, unpaired, reach in remaining[initials:]:
            if _bound(matched, unmatched) < needed:
                break
            matched -= weight + partner
            unmatched += unpaired
            records.update(reach)
        special: set[int] = set()
        for key in {query.compact, query.written, query.joined}:
            if (found_by_letters := self.compact.get(key)) is not None:
                special.update(found_by_letters)
        if query.abjad and query.consonants:
            special.update(self.consonants.get(query.consonants, ()))
        if not query.syllabic:
            special.update(self.joined_words(query.tokens))
        if query.acronym_key:
            special.update(self.acronyms.get(query.acronym_key, ()))
        if query.acronym:
            special.update(self.acronym_keys.get(query.acronym, ()))
        records |= special
        by_identifier: set[int] = set()
        if id_number:
            by_identifier = self.identifiers.get(normalize_identifier(id_number), set())
        return Candidates(records, special, by_identifier)
