"""The screener: queries in, explained hits out.

`Screener(entities)` prepares every listed name once and builds the index (or takes one built
and stored before, `Screener(index=...)`, see `aidvet.screening.stored`); `screen(queries)`
returns, per query, one hit per entity whose best name (primary or alias) scores at or above the
threshold after the attribute adjustments, best first.
"""

from __future__ import annotations

import gc
import multiprocessing
import tempfile
from collections.abc import Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field
from itertools import islice
from typing import Any

from aidvet.lists.model import Entity
from aidvet.screening import attributes
from aidvet.screening.attributes import AttributeCheck
from aidvet.screening.bound import reachable_records
from aidvet.screening.compare import NameComparison, compare
from aidvet.screening.index import NameIndex, NameRecord
from aidvet.screening.prepare import ORGANIZATION, kind_of, prepare
from aidvet.screening.stored import read_index, write_index

# Chosen on the evaluation in docs/screening.md.
DEFAULT_THRESHOLD = 85.0
# A weak alias ("low quality" a.k.a.) only counts on strong evidence: the names agree exactly
# after preparation, or an identifier or the full date of birth agrees.
WEAK_ALIAS_EXACT = 99.0
# Screening workers start from a fresh interpreter, never as forks of the caller: a fork copies
# the locks other threads (Airflow's, Celery's, a test runner's) hold at that moment, and a
# worker that waits on one waits for ever.
WORKER_START_METHOD = "forkserver"
# OFAC: a weak a.k.a. is for confirming a hit, not for screening on its own. A weak alias that is
# a bare acronym of this many letters or fewer ("CDN") needs an identifier or the full date of
# birth, unless the entity is a designated terrorist organization (material-support risk).
WEAK_ACRONYM_MAX_LETTERS = 3


@dataclass(frozen=True, slots=True)
class Query:
    id: str
    name: str
    kind: str | None = None
    country: str | None = None
    date_of_birth: str | None = None
    id_number: str | None = None


@dataclass(slots=True)
class Hit:
    query_id: str
    query_name: str
    score: float
    entity_id: str
    source: str
    matched_name: str
    matched_alias: str | None  # None for the primary name, else "aka/weak", "fka/strong"...
    programs: list[str]
    terrorist: bool
    explanation: str
    details: dict[str, Any] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


class Screener:
    def __init__(self, entities: Iterable[Entity] = (), threshold: float = DEFAULT_THRESHOLD,
                 thresholds: Mapping[str, float] | None = None, *,
                 index: NameIndex | None = None, index_uri: str | None = None):
        """`thresholds` overrides the threshold per source ("un") or program ("FTO"); when several
        apply to an entity the lowest (strictest screening) wins. `index` is an index built
        before (then `entities` is ignored) and `index_uri` where it is stored, which parallel
        workers load."""
        self.threshold = float(threshold)
        self.thresholds = {key.upper(): float(value) for key, value in (thresholds or {}).items()}
        self.index = index if index is not None else NameIndex(list(entities))
        self.index_uri = index_uri
        self._floor = min([self.threshold, *self.thresholds.values()])

    @property
    def entities(self) -> Sequence[Entity]:
        return self.index.entities

    def threshold_for(self, entity: Entity) -> float:
        keys = [entity.source.upper(), *(program.strip().upper() for program in entity.programs)]
        overrides = [self.thresholds[key] for key in keys if key in self.thresholds]
        return min(overrides) if overrides else self.threshold

    def score_names(self, name1: str, name2: str, kind: str | None = None) -> float:
        """Name-to-name score with this list's token weights."""
        return round(compare(prepare(name1, kind), prepare(name2, kind), self.index.weights).score, 2)

    def screen(self, queries: Iterable[Query], workers: int = 1, chunk_size: int = 2000) -> list[Hit]:
        """Hits for every query, grouped by query in input order, best first within a query."""
        if workers <= 1:
            return [hit for query in queries for hit in self.screen_one(query)]
        return list(self._screen_parallel(queries, workers, chunk_size))

    def screen_one(self, query: Query) -> list[Hit]:
        prepared = prepare(query.name, kind_of(query.kind))
        needed = self.lowest_name_score(query)
        index = self.index
        found, query_weights = index.query_tokens(prepared.tokens, prepared.kind != ORGANIZATION)
        candidates = index.candidates(prepared, needed, found, query_weights, query.id_number)
        reachable = reachable_records(index, prepared, found, query_weights,
                                      candidates.records, candidates.special, needed)
        if not reachable and not candidates.by_identifier:
            return []
        weights, all_records = index.weights, index.records
        tables = [neighbours.tokens if neighbours else None for neighbours in found]
        scored = []
        for number in reachable:
            record = all_records[number]
            score = compare(prepared, record.prepared, weights, False, tables, query_weights, record.weights).score
            if score >= needed:
                scored.append((score, number))
        return self.hits_from(query, scored, candidates.by_identifier)

    def lowest_name_score(self, query: Query) -> float:
        """The name score below which no listed name can become a hit for this query, whatever
        its attributes add."""
        return self._floor - _possible_bonus(query)

    def hits_from(self, query: Query, scored: Iterable[tuple[float, int]],
                  by_identifier: set[int] = frozenset()) -> list[Hit]:
        """Hits from (name score, record number) pairs: per entity its best name that passes the
        hit rules (a weak alias lacking strong evidence gives way to the next name), best first.
        `by_identifier` holds entities whose identifier the query carries."""
        prepared = prepare(query.name, kind_of(query.kind))
        by_entity: dict[int, list[tuple[float, int]]] = {}
        for score, number in scored:
            by_entity.setdefault(self.index.records[number].entity_index, []).append((score, number))
        hits = []
        for entity_index, names in by_entity.items():
            for _, number in sorted(names, reverse=True):
                hit = self._hit(query, prepared, number, entity_index in by_identifier)
                if hit is not None:
                    hits.append(hit)
                    break
        for entity_index in set(by_identifier) - by_entity.keys():
            number = self.index.primary_record[entity_index]
            if number < len(self.index.records) and self.index.records[number].entity_index == entity_index:
                hit = self._hit(query, prepared, number, True)
                if hit is not None:
                    hits.append(hit)
        hits.sort(key=lambda hit: (-hit.score, hit.entity_id))
        return hits

    def _hit(self, query: Query, prepared, number: int, identifier_match: bool) -> Hit | None:
        record: NameRecord = self.index.records[number]
        entity = self.index.entities[record.entity_index]
        comparison = compare(prepared, record.prepared, self.index.weights, detailed=True)
        checks = self._attribute_checks(query, entity, identifier_match)
        score = comparison.score + sum(check.points for check in checks)
        if identifier_match:
            score = max(score, attributes.IDENTIFIER_MATCH_SCORE)
        score = round(max(0.0, min(100.0, score)), 2)
        threshold = self.threshold_for(entity)
        if score < threshold:
            return None
        if record.alias is not None and record.alias.strength == "weak" and not _strong_evidence(
                comparison, checks, bare_acronym=_bare_acronym(record.prepared) and not entity.terrorist):
            return None
        alias = None if record.alias is None else f"{record.alias.type}/{record.alias.strength}"
        return Hit(
            query_id=query.id,
            query_name=query.name,
            score=score,
            entity_id=entity.id,
            source=entity.source,
            matched_name=record.alias.name if record.alias else entity.name,
            matched_alias=alias,
            programs=list(entity.programs),
            terrorist=entity.terrorist,
            explanation=_explain(query, record, entity, comparison, checks, score),
            details={
                "name": comparison.to_dict(),
                "input_prepared": prepared.text,
                "list_prepared": record.prepared.text,
                "legal_forms": {"input": list(prepared.legal_forms), "list": list(record.prepared.legal_forms)},
                "attributes": [check.to_dict() for check in checks],
                "threshold": threshold,
            },
        )

    @staticmethod
    def _attribute_checks(query: Query, entity: Entity, identifier_match: bool) -> list[AttributeCheck]:
        checks = [
            attributes.compare_kinds(query.kind, entity.kind),
            attributes.compare_birth_dates(query.date_of_birth, entity.birth_dates),
            attributes.compare_countries(query.country, entity.countries),
        ]
        if identifier_match:
            checks.append(AttributeCheck("identifier", "matches", 0.0,
                                         f"identifier {query.id_number} matches the listed one"))
        return [check for check in checks if check is not None]

    def _screen_parallel(self, queries: Iterable[Query], workers: int, chunk_size: int) -> Iterator[Hit]:
        """Each worker loads the stored index (an index never stored is written to a temporary
        file first) and screens chunks of queries; hits come back in input order."""
        context = multiprocessing.get_context(WORKER_START_METHOD)
        context.set_forkserver_preload([__name__])  # the server forks workers with the engine imported
        with self._stored_index_uri() as uri:
            with context.Pool(workers, initializer=_start_worker,
                              initargs=(uri, self.threshold, self.thresholds)) as pool:
                for hits in pool.imap(_screen_chunk, _chunks(queries, chunk_size)):
                    yield from hits

    @contextmanager
    def _stored_index_uri(self) -> Iterator[str]:
        if self.index_uri is not None:
            yield self.index_uri
            return
        with tempfile.TemporaryDirectory(prefix="aidvet-index-") as folder:
            uri = f"{folder}/screener.index"
            write_index(uri, self.index, {"key": None, "lists": [], "code_version": None})
            yield uri


# A worker's screener, loaded once by `_start_worker`, or why it could not be.
_WORKER_SCREENER: Screener | None = None
_WORKER_FAILURE: str | None = None


def _start_worker(index_uri: str, threshold: float, thresholds: dict[str, float]) -> None:
    global _WORKER_SCREENER, _WORKER_FAILURE
    try:
        _WORKER_SCREENER = Screener(threshold=threshold, thresholds=thresholds,
                                    index=read_index(index_uri), index_uri=index_uri)
    except Exception as error:  # noqa: BLE001 - a pool restarts a worker whose initializer raises, for ever
        _WORKER_FAILURE = f"screening worker could not load the index {index_uri}: {error!r}"
    # The worker keeps the index until it exits: out of the cyclic collector's passes, which
    # would otherwise walk its hundreds of thousands of objects again and again.
    gc.freeze()


def _screen_chunk(queries: Sequence[Query]) -> list[Hit]:
    if _WORKER_SCREENER is None:
        raise RuntimeError(_WORKER_FAILURE or "screening worker started without an index")
    return [hit for query in queries for hit in _WORKER_SCREENER.screen_one(query)]


def _chunks(queries: Iterable[Query], size: int) -> Iterator[list[Query]]:
    iterator = iter(queries)
    while chunk := list(islice(iterator, size)):
        yield chunk


def _possible_bonus(query: Query) -> float:
    bonus = attributes.DOB_EXACT_BONUS if query.date_of_birth else 0.0
    return bonus + (attributes.COUNTRY_AGREE_BONUS if query.country else 0.0)


def _bare_acronym(prepared) -> bool:
    return len(prepared.tokens) == 1 and prepared.tokens[0].isalpha() \
        and len(prepared.tokens[0]) <= WEAK_ACRONYM_MAX_LETTERS


def _strong_evidence(comparison: NameComparison, checks: list[AttributeCheck], bare_acronym: bool = False) -> bool:
    if comparison.score >= WEAK_ALIAS_EXACT and not bare_acronym:
        return True
    return any(
        (check.attribute == "identifier") or (check.attribute == "dob" and check.points >= attributes.DOB_EXACT_BONUS)
        for check in checks
    )


def _explain(query: Query, record: NameRecord, entity: Entity, comparison: NameComparison,
             checks: list[AttributeCheck], score: float) -> str:
    listed = record.alias.name if record.alias else entity.name
    which = "primary name" if record.alias is None else f"{record.alias.type} alias ({record.alias.strength})"
    parts = [f'"{query.name}" ~ "{listed}" ({which}) name score {comparison.score:.0f}: {comparison.describe()}']
    if comparison.pairs and (record.prepared.legal_forms or _legal_forms_of(query)):
        parts[0] += f" (legal forms set aside: {', '.join(_legal_forms_of(query) + list(record.prepared.legal_forms))})"
    for check in checks:
        sign = f" ({check.points:+.0f})" if check.points else ""
        if check.attribute == "identifier":  # decides the hit on its own: say so first
            parts.insert(0, check.text)
        else:
            parts.append(check.text + sign)
    if entity.programs:
        flag = " [terrorist designation]" if entity.terrorist else ""
        parts.append("programs " + ", ".join(entity.programs) + flag)
    return f"score {score:.0f} | " + " | ".join(parts)


def _legal_forms_of(query: Query) -> list[str]:
    return list(prepare(query.name, kind_of(query.kind)).legal_forms)


def score_names(name1: str, name2: str, kind: str | None = None) -> float:
    """Name-to-name score 0-100 with built-in weights (generic words count little).

    Screening uses the same comparison with weights from the screened list
    (`Screener.score_names`)."""
    return round(compare(prepare(name1, kind), prepare(name2, kind)).score, 2)
