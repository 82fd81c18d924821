"""The 50 % rule on hand-computed graphs: direct, chains, aggregation, cycles, control."""

from aidvet.compliance.fifty_percent import compute, effective_share, explain, explain_control
from aidvet.compliance.relations import Edge

NAMES = {"X": "PERSON X", "Y": "PERSON Y", "A": "HOLDCO A", "B": "SUPPLIER B", "P": "PAYEE P"}


def owns(owner, owned, share, role="owner"):
    return Edge(owner, owned, share, role, "test")


def test_direct_majority_blocks_and_minority_does_not():
    graph = compute([owns("X", "P", 50.0), owns("X", "B", 49.9)], {"X": "listed"}, NAMES)
    assert "P" in graph.blocked and graph.blocked["P"].share == 50.0
    assert "B" not in graph.blocked and "B" not in graph.controlled


def test_chain_blocked_intermediate_counts_in_full():
    # X owns 50 % of A; A owns 50 % of P. OFAC's example: A is blocked, so P is blocked too,
    # although X's share multiplied along the chain is only 25 %.
    graph = compute([owns("X", "A", 50.0), owns("A", "P", 50.0)], {"X": "listed"}, NAMES)
    assert set(graph.blocked) == {"X", "A", "P"}
    assert effective_share(graph, "P") == 25.0
    assert explain(graph, "P") == ("owned 50 % by HOLDCO A [A] (owned 50 % by PERSON X [X] (designated: listed))")


def test_chain_breaks_at_a_minority_link():
    # X owns 40 % of A (A not blocked), A owns 100 % of P: P is not blocked.
    graph = compute([owns("X", "A", 40.0), owns("A", "P", 100.0)], {"X": "listed"}, NAMES)
    assert set(graph.blocked) == {"X"}


def test_aggregation_over_several_blocked_owners():
    # X 25 % + Y 25 % directly = 50 %: blocked. With Y at 24 % it is 49 %: not blocked.
    edges = [owns("X", "P", 25.0), owns("Y", "P", 25.0), owns("Z", "P", 50.0)]
    graph = compute(edges, {"X": "listed", "Y": "listed"}, NAMES)
    assert graph.blocked["P"].share == 50.0
    assert explain(graph, "P").startswith("50 % in aggregate: owned 25 % by PERSON X [X]")
    short = compute([owns("X", "P", 25.0), owns("Y", "P", 24.0)], {"X": "l", "Y": "l"}, NAMES)
    assert "P" not in short.blocked


def test_aggregation_of_direct_and_indirect_holdings():
    # X owns 30 % of P directly and 60 % of A; A owns 20 % of P: 30 + 20 = 50 % held by blocked persons.
    graph = compute([owns("X", "P", 30.0), owns("X", "A", 60.0), owns("A", "P", 20.0)], {"X": "listed"}, NAMES)
    assert graph.blocked["P"].share == 50.0
    assert round(effective_share(graph, "P"), 6) == 42.0  # 30 + 60 % of 20


def test_cycle_terminates_and_blocks_what_it_should():
    # A and B own each other 60 %; X owns 50 % of A: A blocked, hence B, and the walk ends.
    edges = [owns("A", "B", 60.0), owns("B", "A", 60.0), owns("X", "A", 50.0)]
    graph = compute(edges, {"X": "listed"}, NAMES)
    assert set(graph.blocked) == {"X", "A", "B"}
    assert "PERSON X" in explain(graph, "B")
    unrelated = compute([owns("A", "B", 60.0), owns("B", "A", 60.0)], {"X": "listed"}, NAMES)
    assert set(unrelated.blocked) == {"X"}


def test_directorship_and_shareless_ownership_hold_for_review_not_block():
    edges = [owns("X", "P", None, "director"), owns("Y", "B", None, "owner"), owns("X", "A", 10.0)]
    graph = compute(edges, {"X": "listed", "Y": "listed"}, NAMES)
    assert "P" not in graph.blocked and "B" not in graph.blocked
    assert set(graph.controlled) == {"P", "B"}
    assert explain_control(graph, "P") == "director PERSON X [X] (designated: listed)"
    assert "A" not in graph.controlled
    strict = compute(edges, {"X": "listed", "Y": "listed"}, NAMES, review_roles=("director", "owner"))
    assert "A" in strict.controlled  # a policy may hold minority ownership for review too


def test_threshold_is_policy():
    graph = compute([owns("X", "P", 30.0)], {"X": "listed"}, NAMES, threshold=25.0)
    assert "P" in graph.blocked
