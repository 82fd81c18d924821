"""Screening: candidates, hits, attributes, weak aliases, explanations."""

import json
import os
import threading

import pytest

from aidvet.screening import DEFAULT_THRESHOLD, Hit, Query, Screener


@pytest.fixture(scope="module")
def screener(entities) -> Screener:
    return Screener(entities)


def ids(hits: list[Hit]) -> list[str]:
    return [hit.entity_id for hit in hits]


@pytest.mark.parametrize(
    ("name", "entity_id"),
    [
        ("Cartel de Sinaloa", "ofac:11440"),
        ("CARTEL DEL NORESTE", "ofac:11438"),
        ("Carteles Unidos", "eval:cu"),
        ("Tren de Aragua", "ofac:49756"),
        ("Mara Salvatrucha", "ofac:15412"),
        ("CJNG", "ofac:17671"),
        ("Cártel Jalisco Nueva Generación", "ofac:17671"),
        ("Jalisco New Generation Cartel, S.A. de C.V.", "ofac:17671"),
    ],
)
def test_cartel_variants_hit(screener, name, entity_id):
    hits = screener.screen([Query("q", name)])
    assert ids(hits)[:1] == [entity_id]
    assert hits[0].terrorist
    assert "FTO" in hits[0].programs


@pytest.mark.parametrize(
    "name", ["RTI International", "National Academy of Sciences", "Cartel Nacional de Artistas",
             "Universidad Autónoma de Sinaloa", "Constructora Esperanza, S.A. de C.V.", "Juan Perez"],
)
def test_legitimate_partners_are_not_held(screener, name):
    assert screener.screen([Query("q", name)]) == []


def test_hit_fields_and_explanation(screener):
    [hit] = screener.screen([Query("p1", "Ismael Zambada Garcia", "person", "MX", "1948-01-01")])
    assert (hit.query_id, hit.entity_id, hit.source, hit.matched_alias) == ("p1", "ofac:7226", "ofac", None)
    assert hit.matched_name == "ZAMBADA GARCIA, Ismael"
    assert hit.score == 100
    assert "ismael=ismael" in hit.explanation and "date of birth 1948-01-01 agrees" in hit.explanation
    assert "country MX agrees" in hit.explanation
    details = json.loads(json.dumps(hit.to_dict()))["details"]
    assert {pair["input"] for pair in details["name"]["token_pairs"]} == {"ismael", "zambada", "garcia"}
    assert [check["attribute"] for check in details["attributes"]] == ["dob", "country"]


def test_date_of_birth_raises_and_lowers(screener):
    base = Query("p", "Juan Karlos Peres Lopes", "person")
    [plain] = screener.screen([base])
    [agrees] = screener.screen([Query("p", base.name, "person", date_of_birth="1970-05-12")])
    assert agrees.score > plain.score
    assert screener.screen([Query("p", base.name, "person", date_of_birth="1991-02-03")]) == []
    [year_only] = screener.screen([Query("p", base.name, "person", date_of_birth="1970")])
    assert plain.score < year_only.score < agrees.score


def test_circa_birth_dates_tolerate_nearby_years(screener):
    name = "Sirajudin Jalaloudine Haqani"
    [plain] = screener.screen([Query("p", name, "person")])
    [near] = screener.screen([Query("p", name, "person", date_of_birth="1978")])
    assert near.entity_id == "un:1" and near.score == plain.score
    assert screener.screen([Query("p", name, "person", date_of_birth="1990")]) == []


def test_identifier_match_is_a_hit_on_its_own(screener):
    [hit] = screener.screen([Query("p", "Someone Else Entirely", "person", id_number="ZAGI-480101-HSLMRS09")])
    assert hit.entity_id == "ofac:7226" and hit.score >= 95
    assert "identifier" in hit.explanation


def test_weak_alias_counts_only_on_exact_match_or_strong_evidence(screener):
    [exact] = screener.screen([Query("p", "El Mayo", "person")])
    assert (exact.entity_id, exact.matched_alias) == ("ofac:7226", "aka/weak")
    assert screener.screen([Query("p", "El Mayos", "person")]) == []
    [with_dob] = screener.screen([Query("p", "El Mayos", "person", date_of_birth="1948-01-01")])
    assert with_dob.matched_alias == "aka/weak"


def test_kind_conflict_lowers_the_score(screener):
    [as_org] = screener.screen([Query("q", "Tren de Aragua", "organization")])
    [as_person] = screener.screen([Query("q", "Tren de Aragua", "person")])
    assert as_person.score == as_org.score - 12
    assert "kinds differ: input person, listed organization (-12)" in as_person.explanation


def test_thresholds_per_program_and_source(entities):
    strict = Screener(entities, threshold=99, thresholds={"FTO": 80})
    assert ids(strict.screen([Query("q", "Tren de Aragva")])) == ["ofac:49756"]
    assert strict.screen([Query("q", "Juan Carlos Peres Lopez", "person")]) == []


def test_hits_best_first_and_one_per_entity(screener):
    hits = screener.screen([Query("a", "Cartel de Sinaloa"), Query("b", "nobody at all"), Query("c", "CDN")])
    assert [hit.query_id for hit in hits] == ["a", "c"]
    assert len({(hit.query_id, hit.entity_id) for hit in hits}) == len(hits)


@pytest.mark.timeout(120)
def test_parallel_screening_gives_the_same_hits(screener):
    queries = [Query(str(i), name) for i, name in enumerate(["Cartel de Sinaloa", "CJNG", "RTI International"] * 5)]
    assert screener.screen(queries, workers=2, chunk_size=4) == screener.screen(queries)


_FORKS_OF_THIS_PROCESS: list[int] = []
os.register_at_fork(before=lambda: _FORKS_OF_THIS_PROCESS.append(os.getpid()))


@pytest.mark.timeout(120)
def test_parallel_screening_never_forks_a_threaded_caller(screener):
    """A thread holds a lock while screening runs in parallel: workers must not be forks of this
    process (a fork copies the held lock), so `os.fork` is never called here."""
    held, release = threading.Lock(), threading.Event()

    def hold_the_lock():
        with held:
            release.wait(60)

    holder = threading.Thread(target=hold_the_lock, daemon=True)
    holder.start()
    forks_before = len(_FORKS_OF_THIS_PROCESS)
    try:
        queries = [Query(str(i), name) for i, name in enumerate(["Cartel de Sinaloa", "CJNG", "Los Zetas"] * 3)]
        assert screener.screen(queries, workers=2, chunk_size=2) == screener.screen(queries)
    finally:
        release.set()
        holder.join(10)
    assert len(_FORKS_OF_THIS_PROCESS) == forks_before


def test_screener_scores_like_screening(screener):
    [hit] = screener.screen([Query("q", "Cartel Jalisco Nueva Generacion")])
    assert screener.score_names("Cartel Jalisco Nueva Generacion", hit.matched_name) == hit.details["name"]["name_score"]


def test_default_threshold_is_applied(entities):
    assert Screener(entities).threshold == DEFAULT_THRESHOLD


def test_empty_list_and_degenerate_names():
    assert Screener([]).screen([Query("q", "Anything")]) == []


@pytest.mark.parametrize("name", ["", "   ", "---", "S.A. de C.V.", "de la", "ٌ", "A"])
def test_degenerate_queries_do_not_fail(screener, name):
    assert isinstance(screener.screen([Query("q", name), Query("r", name, "person")]), list)


def test_the_index_and_bounds_lose_nothing_brute_force_finds(entities):
    """Every record scored with the plain scorer, then judged by the same hit rules, gives the
    same hits as the indexed screening: candidate generation and bounds only save work."""
    from aidvet.screening.compare import compare
    from aidvet.screening.prepare import kind_of, prepare

    screener = Screener(entities, threshold=70)
    names = [name for entity in entities for name, _ in entity.all_names()]
    queries = []
    for number, name in enumerate(names):
        for variant in (name, name[1:], name[:-1], name.replace("A", "E", 1), " ".join(reversed(name.split())),
                        name.replace(" ", "", 1), f"{name} S.A. de C.V.", name.split()[0]):
            for kind in (None, "person", "organization"):
                queries.append(Query(f"{number}-{len(queries)}", variant, kind))
    for query in queries:
        prepared = prepare(query.name, kind_of(query.kind))
        needed = screener.lowest_name_score(query)
        scored = [(score, number) for number, record in enumerate(screener.index.records)
                  if (score := compare(prepared, record.prepared, screener.index.weights).score) >= needed]
        assert screener.screen_one(query) == screener.hits_from(query, scored), query
