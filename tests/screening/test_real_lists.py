"""The engine on the real public lists and data in ../shared/data (read in place)."""

import csv

import pytest

from aidvet.lists import load_files
from aidvet.screening import DEFAULT_THRESHOLD, Query, Screener
from aidvet.screening.evaluation import CARTEL_LISTS, REFERENCE_LISTS, iati_names


@pytest.fixture(scope="module")
def reference(shared_data):
    entities = [entity for path in REFERENCE_LISTS for entity in load_files([shared_data / path]).entities]
    return Screener(entities)


@pytest.fixture(scope="module")
def cartel_screener(shared_data):
    return Screener(load_files([shared_data / path for path in CARTEL_LISTS]).entities)


@pytest.mark.parametrize(
    ("name", "entity_id"),
    [
        ("Cartel de Sinaloa", "ofac:11440"),
        ("Cártel del Noreste", "ofac:11438"),
        ("CJNG", "ofac:17671"),
        ("Cartel de Jalisco Nueva Generación, S.A. de C.V.", "ofac:17671"),
        ("Mara Salvatrucha", "ofac:15412"),
        ("MS13", "ofac:15412"),
    ],
)
def test_real_cartel_designations_are_found(cartel_screener, name, entity_id):
    hits = cartel_screener.screen([Query("q", name)])
    assert [hit.entity_id for hit in hits][:1] == [entity_id]
    assert hits[0].terrorist


def test_iati_partners_are_not_held(shared_data, reference):
    names = iati_names(shared_data)
    assert len(names) > 100
    hits = reference.screen(Query(str(i), name, "organization") for i, name in enumerate(names))
    assert [hit.explanation for hit in hits] == []


def test_un_typo_positives_are_found(shared_data, reference):
    with open(shared_data / "eval" / "un_positives_dev.csv", encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    queries = [Query(row["case_id"], row["query_name"], "person", row["nationality"] or None,
                     row["date_of_birth"] or None) for row in rows]
    found = {hit.query_id for hit in reference.screen(queries) if hit.source == "un"}
    assert len(found) / len(rows) >= 0.99


def test_negatives_are_rarely_held(shared_data, reference):
    with open(shared_data / "eval" / "negatives_dev.csv", encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    queries = [Query(str(i), row["full_name"], "person") for i, row in enumerate(rows)]
    held = {hit.query_id for hit in reference.screen(queries)}
    assert len(held) / len(rows) <= 0.01
    assert reference.threshold == DEFAULT_THRESHOLD
