"""Cheap upper bounds of the name score, to skip candidates before aligning their tokens.

A candidate record can only reach `needed` if the query tokens that have a neighbour in it (their
reach) weigh enough. Candidates are grouped by which query tokens reach them; within a group the
bound is a little arithmetic per record: each query token pairs with one list token at most, no
heavier than its heaviest neighbour, so the rest of the record's weight stays unpaired. The
survivors get a second, tighter bound (their list tokens that no query token reaches stay
unpaired). Fused-letters comparisons are bounded by joined length and letters used; records found
through joined letters or acronyms are always kept.
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import lru_cache

from aidvet.screening.compare import FUSED_CUTOFF, PERSON_UNMATCHED_FACTOR, fused_score
from aidvet.screening.index import NameIndex, Neighbours, letter_mask
from aidvet.screening.prepare import PreparedName
from aidvet.screening.weights import UNMATCHED_GENERIC_WEIGHT


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
    tokens = [(neighbours.reach, paired, unpaired, neighbours.partner_weight)
              for neighbours, (paired, unpaired) in zip(found, query_weights) if neighbours is not None]
    initial_count = sum(1 for neighbours in found if neighbours is None)
    initials = sum(paired for neighbours, (paired, _) in zip(found, query_weights) if neighbours is None)
    if always:
        kept = list(always & records)
        rest = records - always
    else:
        kept, rest = [], records
    if index.with_initials:
        kept.extend(index.with_initials & rest)
        rest = rest - index.with_initials
    reachable_tokens: set[str] | None = None  # every list token some query token pairs with, once needed
    paired_weight, unpaired_weight = index.paired_weight, index.unpaired_weight
    factor = PERSON_UNMATCHED_FACTOR * share
    keep = 1.0 - share
    failed: list[int] = []
    for pattern, members in _token_groups(rest, [token[0] for token in tokens]).items():
        matched = initials + sum(tokens[i][1] for i in pattern)
        unmatched = sum(token[2] for i, token in enumerate(tokens) if i not in pattern)
        # Each query token pairs with one list token at most, no heavier than its heaviest
        # neighbour: the record's other tokens stay unpaired.
        pair_cap = initial_count + sum(tokens[i][3] for i in pattern)
        if (matched + pair_cap) * keep < factor * unmatched:
            failed.extend(members)  # not even a record paired up to the caps could reach it
            continue
        unpair_cap = initial_count + sum(max(tokens[i][3], UNMATCHED_GENERIC_WEIGHT) for i in pattern)
        hopeful = [
            number for number in members
            if (matched + min(paired_weight[number], pair_cap)) * keep
            >= factor * (unmatched + max(0.0, unpaired_weight[number] - unpair_cap))
        ]
        if hopeful and reachable_tokens is None:
            reachable_tokens = {token for neighbours in found if neighbours is not None for token in neighbours.tokens}
        passed = [number for number in hopeful
                  if _two_sided(index, number, reachable_tokens, matched, unmatched) >= needed]
        kept.extend(passed)
        failed.extend(members.difference(passed) if passed else members)
    kept.extend(_fused_reaching(index, query, failed, needed))
    return kept


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
    """Records whose fused-letters score reaches `needed`. Indel similarity FUSED_CUTOFF allows
    few insertions and deletions: the joined lengths must be close and the sets of letters used
    nearly the same (each letter only one side uses costs at least one edit)."""
    length = len(query.compact)
    slack = 1.0 - FUSED_CUTOFF
    token_count, compact_length, masks = index.token_count, index.compact_length, index.letter_masks
    words = len(query.tokens)
    shortest, longest = _close_lengths(length)
    numbers = [number for number in numbers
               if shortest <= compact_length[number] <= longest
               and token_count[number] != words]  # equal counts: exact joined letters, found by the index
    if not numbers:
        return []
    letters = letter_mask(query.compact)
    return [
        number for number in numbers
        if (letters ^ masks[number]).bit_count() <= slack * (compact_length[number] + length)
        and fused_score(query, index.records[number].prepared) >= needed
    ]


@lru_cache(maxsize=None)
def _close_lengths(length: int) -> tuple[int, int]:
    """The joined lengths `other` with abs(other - length) <= (1 - FUSED_CUTOFF) * (other + length),
    as evaluated here (an interval of whole numbers, at most 2 * length + 1)."""
    slack = 1.0 - FUSED_CUTOFF
    close = [other for other in range(2 * length + 2) if abs(other - length) <= slack * (other + length)]
    return close[0], close[-1]
