"""Relations from the lists: OFAC remarks' "Linked To:" and FtM Ownership / Directorship records."""

import json

from aidvet.compliance.fifty_percent import compute, explain
from aidvet.compliance.holds import is_designated
from aidvet.compliance.relations import Edge, list_edges
from aidvet.lists import load_files
from aidvet.sample import designated


def test_ofac_linked_to_becomes_a_linked_edge(tmp_path):
    designated.write_ofac_csv(tmp_path / "sdn")
    entities = load_files([tmp_path / "sdn"]).entities
    edges = list_edges(entities)
    assert Edge("ofac:17671", "ofac:17674", None, "linked", "ofac remarks: Linked To",
                "CARTEL DE JALISCO NUEVA GENERACION") in edges


def _ftm(tmp_path, records):
    path = tmp_path / "entities.ftm.json"
    path.write_text("\n".join(json.dumps(r) for r in records) + "\n")
    return load_files([path]).entities


def test_ftm_ownership_blocks_an_unlisted_company_and_directorship_holds_for_review(tmp_path):
    entities = _ftm(tmp_path, [
        {"id": "p1", "schema": "Person", "properties": {"name": ["Pedro Sancionado"], "topics": ["sanction"]}},
        {"id": "c1", "schema": "Company", "properties": {"name": ["Empresa Fachada SA"]}},
        {"id": "c2", "schema": "Company", "properties": {"name": ["Otra Empresa SA"]}},
        {"id": "pep", "schema": "Person", "properties": {"name": ["Politico Expuesto"], "topics": ["role.pep"]}},
        {"id": "o1", "schema": "Ownership", "properties": {"owner": ["p1"], "asset": ["c1"], "percentage": ["60"]}},
        {"id": "d1", "schema": "Directorship", "properties": {"director": ["p1"], "organization": ["c2"]}},
    ])
    by_id = {e.id: e for e in entities}
    assert by_id["os:c1"].relations == [{"party": "os:p1", "role": "owner", "share": 60.0, "schema": "Ownership"}]
    assert is_designated(by_id["os:p1"]) and not is_designated(by_id["os:c1"]) and not is_designated(by_id["os:pep"])
    designated_ids = {e.id: "listed" for e in entities if is_designated(e)}
    graph = compute(list_edges(entities), designated_ids, {e.id: e.name for e in entities})
    assert "os:c1" in graph.blocked
    assert explain(graph, "os:c1") == "owned 60 % by Pedro Sancionado [os:p1] (designated: listed)"
    assert "os:c2" in graph.controlled and "os:c2" not in graph.blocked


def test_an_entity_without_relations_hashes_as_before_relations_existed():
    from aidvet.lists.model import Entity
    from aidvet.lists.versions import content_hash

    plain = Entity(id="ofac:1", source="ofac", kind="organization", name="ACME")
    assert "relations" not in plain.to_dict()  # whitelist entries and deltas bound to old hashes still match
    related = Entity(id="os:c1", source="opensanctions", kind="organization", name="ACME",
                     relations=[{"party": "os:p1", "role": "owner", "share": 60.0, "schema": "Ownership"}])
    assert Entity.from_dict(related.to_dict()).relations == related.relations
    assert content_hash(plain.to_dict()) != content_hash({**plain.to_dict(), "relations": []})


def test_real_ofac_linked_to_relations_resolve_to_listed_entities(shared_data):
    entities = load_files([shared_data / "lists" / "ofac" / "2024-06-27"]).entities
    written = sum(len(e.linked_to) for e in entities)
    linked = [edge for edge in list_edges(entities) if edge.role == "linked"]
    ids = {e.id for e in entities}
    assert written > 5000
    assert len(linked) >= 0.99 * written  # measured: 6,462 of 6,471 resolve by exact name
    assert all(edge.owner in ids and edge.owned in ids and edge.owner != edge.owned for edge in linked)
