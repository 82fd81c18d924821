"""RFC 6962 Merkle trees: roots match the RFC's recursive definition, every proof checks, and a
proof for the wrong leaf, index or root does not."""

import hashlib

import pytest

from aidvet.audit import merkle


def rfc6962_root(leaves: list[bytes]) -> bytes:
    """MTH(D[n]) written as the RFC states it (recursive split at the largest power of two < n)."""
    if not leaves:
        return hashlib.sha256(b"").digest()
    if len(leaves) == 1:
        return hashlib.sha256(b"\x00" + leaves[0]).digest()
    k = 1
    while k * 2 < len(leaves):
        k *= 2
    return hashlib.sha256(b"\x01" + rfc6962_root(leaves[:k]) + rfc6962_root(leaves[k:])).digest()


def _leaves(n):
    return [f"leaf {i}".encode() for i in range(n)]


@pytest.mark.parametrize("n", [0, 1, 2, 3, 4, 5, 7, 8, 9, 13, 16, 33])
def test_root_is_rfc6962s_tree_head(n):
    data = _leaves(n)
    assert merkle.root(merkle.leaf_hash(d) for d in data) == rfc6962_root(data)


def test_rfc6962_known_answer_for_an_empty_tree():
    assert merkle.root([]).hex() == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"


@pytest.mark.parametrize("n", [1, 2, 3, 5, 8, 11])
def test_every_inclusion_proof_verifies_and_no_wrong_one_does(n):
    hashes = [merkle.leaf_hash(d) for d in _leaves(n)]
    head = merkle.root(hashes)
    for index in range(n):
        proof = merkle.inclusion_proof(index, hashes)
        assert merkle.verify_inclusion(hashes[index], index, n, proof, head)
        assert not merkle.verify_inclusion(merkle.leaf_hash(b"forged"), index, n, proof, head)
        assert not merkle.verify_inclusion(hashes[index], index, n, proof, merkle.leaf_hash(b"other root"))
        if n > 1:
            assert not merkle.verify_inclusion(hashes[index], (index + 1) % n, n, proof, head)


def test_a_leaf_cannot_pass_for_an_inner_node():
    a, b = merkle.leaf_hash(b"a"), merkle.leaf_hash(b"b")
    assert merkle.leaf_hash(a + b) != merkle.node_hash(a, b)
