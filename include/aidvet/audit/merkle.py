"""Merkle tree hashes and inclusion proofs as RFC 6962 (Certificate Transparency) defines them.

    leaf hash   = SHA-256(0x00 || leaf bytes)
    node hash   = SHA-256(0x01 || left hash || right hash)
    root of []  = SHA-256("")
    root of n>1 leaves: split at k, the largest power of two below n; root = node(root(D[:k]), root(D[k:]))

The 0x00 / 0x01 prefixes keep a leaf from ever passing for an inner node. An inclusion proof
(RFC 6962 section 2.1.1 "audit path") lists the sibling hashes from the leaf up; `verify_inclusion`
is RFC 9162 section 2.1.3.2's check, short enough to do by hand (see docs/audit.md).
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Sequence


def leaf_hash(data: bytes) -> bytes:
    return hashlib.sha256(b"\x00" + data).digest()


def node_hash(left: bytes, right: bytes) -> bytes:
    return hashlib.sha256(b"\x01" + left + right).digest()


def root(leaf_hashes: Iterable[bytes]) -> bytes:
    """The tree head over leaf hashes in order. Built bottom up: pairing neighbours level by
    level and carrying an odd last node up unchanged gives exactly RFC 6962's left-full tree."""
    level = list(leaf_hashes)
    if not level:
        return hashlib.sha256(b"").digest()
    while len(level) > 1:
        paired = [node_hash(level[i], level[i + 1]) for i in range(0, len(level) - 1, 2)]
        if len(level) % 2:
            paired.append(level[-1])
        level = paired
    return level[0]


def inclusion_proof(index: int, leaf_hashes: Sequence[bytes]) -> list[bytes]:
    """The audit path of leaf `index` (RFC 6962 PATH(m, D[n])), nearest sibling first."""
    if not 0 <= index < len(leaf_hashes):
        raise IndexError(f"leaf {index} is outside a tree of {len(leaf_hashes)} leaves")
    return _path(index, list(leaf_hashes))


def _path(index: int, leaves: list[bytes]) -> list[bytes]:
    if len(leaves) == 1:
        return []
    k = _split(len(leaves))
    if index < k:
        return _path(index, leaves[:k]) + [root(leaves[k:])]
    return _path(index - k, leaves[k:]) + [root(leaves[:k])]


def _split(n: int) -> int:
    """The largest power of two smaller than n (n > 1)."""
    return 1 << ((n - 1).bit_length() - 1)


def verify_inclusion(leaf: bytes, index: int, size: int, proof: Sequence[bytes], expected_root: bytes) -> bool:
    """RFC 9162 2.1.3.2: does `proof` lead from leaf hash `leaf` at `index` of `size` leaves to the root?"""
    if not 0 <= index < size:
        return False
    fn, sn, r = index, size - 1, leaf
    for sibling in proof:
        if sn == 0:
            return False
        if fn & 1 or fn == sn:
            r = node_hash(sibling, r)
            while not fn & 1 and fn != 0:
                fn, sn = fn >> 1, sn >> 1
        else:
            r = node_hash(r, sibling)
        fn, sn = fn >> 1, sn >> 1
    return sn == 0 and r == expected_root
