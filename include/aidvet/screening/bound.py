"""Cheap upper bounds of the name score, to skip candidates before aligning their tokens.

A candidate record can only reach `needed` if the query tokens that have a neighbour in it (their
reach) weigh enough: the record's own tokens are all assumed paired at first, and the query
tokens without a neighbour in it stay unpaired. Candidates are grouped by which query tokens reach
them, so each group's bound reduces to one minimum on the record's paired weight, checked with
set operations and one comparison per record. The survivors get a second, tighter bound (their
list tokens no query token reaches stay unpaired too). Fused-letters and acronym comparisons are
bounded separately: by joined length, and by the acronym lookups that found the record.
"""

from __future__ import annotations

from collections.abc import Sequence

from rapidfuzz import process
from rapidfuzz.distance import Indel

from aidvet.screening.compare import FUSED_CUTOFF, PERSON_UNMATCHED_FACTOR, fused_score
from aidvet.screening.index import NameIndex, Neighbours
from aidvet.screening.prepare import PreparedName


def _token_groups(records: set[int], reaches: Sequence[frozenset[int]]) -> dict[tuple[int, ...], set[int]]:
    """Records split by which query tokens (by position in `reaches`) reach them."""
    groups: dict[tuple[int, ...], set[int]] = {(): records}
    for position, reach in enumerate(reaches):
        split: dict[tuple[int, ...], set[int]] = {}
        for pattern, members in groups.items():
            inside = members & reach
            if inside:
                split[pattern + (position,)] = inside
            if len(inside) < len(members):
                split[pattern] = members - inside if inside else members
        groups = split
    return groups


def reachable_records(index: NameIndex, query: PreparedName, found: Sequence[Neighbours | None],
                      query_weights: Sequence[tuple[float, float]], records: set[int],
                      always: set[int], needed: float) -> list[int]:
    """Records of `records` whose name score may reach `needed` (0-100); `always` are kept."""
    share = needed / 100.0
    if share <= 0:
        return list(records)
    tokens = [(neighbours.reach, paired, unpaired)
              for neighbours, (paired, unpaired) in zip(found, query_weights) if neighbours is not None]
    initials = sum(paired for neighbours, (paired, _) in zip(found, query_weights) if neighbours is None)
    reachable_tokens: set[str] = set()
    for neighbours in found:
        if neighbours is not None:
            reachable_tokens.update(neighbours.tokens)
    kept = list(always & records)
    kept.extend(index.with_initials & records)
    rest = records - always - index.with_initials
    paired_weight = index.paired_weight
    failed: list[int] = []
    for pattern, members in _token_groups(rest, [reach for reach, _, _ in tokens]).items():
        matched = initials + sum(tokens[i][1] for i in pattern)
        unmatched = sum(unpaired for i, (_, _, unpaired) in enumerate(tokens) if i not in pattern)
        minimum = _minimum_paired_weight(matched, unmatched, share)
        for number in members:
            if paired_weight[number] >= minimum and _two_sided(index, number, reachable_tokens, matched,
                                                               unmatched) >= needed:
                kept.append(number)
            else:
                failed.append(number)
    kept.extend(_fused_reaching(index, query, failed, needed))
    return kept


def _minimum_paired_weight(matched: float, unmatched: float, share: float) -> float:
    """Least paired weight of a record's own tokens for (matched + w) / (matched + w +
    factor * unmatched) to reach `share`."""
    if share >= 1.0:
        return 0.0 if unmatched == 0 else float("inf")
    return PERSON_UNMATCHED_FACTOR * unmatched * share / (1.0 - share) - matched


def _two_sided(index: NameIndex, number: int, reachable_tokens: set[str], matched: float, unmatched: float) -> float:
    """The bound once the record's tokens that no query token reaches count as unpaired too."""
    record = index.records[number]
    for token, (paired, unpaired) in zip(record.prepared.tokens, record.weights):
        if token in reachable_tokens:
            matched += paired
        else:
            unmatched += unpaired
    return 100.0 * matched / (matched + PERSON_UNMATCHED_FACTOR * unmatched) if matched else 0.0


def _fused_reaching(index: NameIndex, query: PreparedName, numbers: list[int], needed: float) -> list[int]:
    """Records whose fused-letters score reaches `needed`: one rapidfuzz call for all of them."""
    length = len(query.compact)
    shortest = length * FUSED_CUTOFF / (2 - FUSED_CUTOFF)
    longest = length * (2 - FUSED_CUTOFF) / FUSED_CUTOFF
    compact_length = index.compact_length
    numbers = [number for number in numbers if shortest <= compact_length[number] <= longest]
    if not numbers:
        return []
    listed = [index.records[number].prepared for number in numbers]
    matrix = process.cdist([query.compact, query.written], [name.compact for name in listed] + [name.written for name in listed],
                           scorer=Indel.normalized_similarity, score_cutoff=FUSED_CUTOFF, workers=1)
    count = len(numbers)
    return [number for column, number in enumerate(numbers)
            if (matrix[0, column] or matrix[0, count + column] or matrix[1, column])
            and fused_score(query, listed[column]) >= needed]
