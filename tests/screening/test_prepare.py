"""Name preparation rules."""

import pytest

from aidvet.screening.prepare import normalize, prepare


@pytest.mark.parametrize(
    ("name", "tokens", "legal"),
    [
        ("Servicios Integrales del Norte, S. de R.L. de C.V.", ("servicios", "integrales", "norte"), ("S. de R.L. de C.V.",)),
        ("ACME S.A. DE C.V.", ("acme",), ("S.A. de C.V.",)),
        ("Comercializadora Sol SA de CV", ("comercializadora", "sol"), ("S.A. de C.V.",)),
        ("Fundación Ayuda, A.C.", ("fundacion", "ayuda"), ("A.C.",)),
        ("Casa Hogar de Ancianos I.A.P.", ("casa", "hogar", "ancianos"), ("I.A.P.",)),
        ("Acme Widgets LLC", ("acme", "widgets"), ("LLC",)),
        ("Acme Widgets, Ltd.", ("acme", "widgets"), ("Ltd",)),
        ("Siemens GmbH & Co. KG", ("siemens",), ("GmbH & Co. KG",)),
        ("CARILLANCA C.A.", ("carillanca",), ("C.A.",)),
    ],
)
def test_legal_forms_are_set_aside(name, tokens, legal):
    prepared = prepare(name, "organization")
    assert prepared.tokens == tokens
    assert prepared.legal_forms == legal


def test_short_legal_forms_only_count_at_the_end():
    assert prepare("SA Holdings Mining", "organization").tokens[0] == "sa"
    assert prepare("Co Operative Bank", "organization").tokens[0] == "co"


def test_a_name_made_only_of_legal_words_keeps_them():
    assert prepare("The Company", "organization").tokens == ("company",)


def test_accents_case_and_punctuation():
    assert normalize("  José   MARÍA O'Brien-Núñez ") == "jose maria obrien nunez"
    assert normalize("Ｍｉｃｒｏ") == "micro"  # NFKC folds full-width letters


def test_non_latin_scripts_are_transliterated():
    assert prepare("Владимир Путин", "person").tokens == ("vladimir", "putin")
    assert prepare("김정은", "person").tokens == ("kim", "jeong", "eun")  # one token per syllable


def test_person_surname_comma_given_is_reordered():
    assert prepare("SALEK, ABDULHAI", "person").tokens == ("abdulhai", "salek")
    assert prepare("RIVERA VARELA, Carlos Andres", "person").tokens == ("carlos", "andres", "rivera", "varela")


def test_person_initials_and_titles():
    assert prepare("JUAN A. PEREZ", "person").tokens == ("juan", "a", "perez")
    assert prepare("AL ZAWAHIRI, Dr. Ayman", "person").tokens == ("ayman", "zawahiri")  # article dropped


def test_particles_are_dropped():
    assert prepare("EL TREN DE ARAGUA").tokens == ("tren", "aragua")
    assert prepare("Cartel del Golfo").tokens == ("cartel", "golfo")
    assert prepare("Society of the Friends of Peace").tokens == ("society", "friends", "peace")
    assert prepare("Maria de la Cruz", "person").tokens == ("maria", "cruz")


def test_numbers_are_kept():
    assert prepare("MS-13").tokens == ("ms", "13")
    assert prepare("FHI 360").tokens == ("fhi", "360")


def test_acronyms():
    assert prepare("Cartel de Jalisco Nueva Generación").acronym == "cjng"
    assert prepare("CJNG").acronym_key == "cjng"
    assert prepare("MS-13").acronym_key == "ms"
    assert prepare("Mara Salvatrucha").acronym == "ms"
    assert prepare("Juan Perez", "person").acronym == ""


def test_stacked_and_misspelt_legal_forms():
    assert prepare("Comercial Limex, S.A. S.A.", "organization").tokens == ("comercial", "limex")
    assert prepare("PETRO BIO, S. DE R.L. DE C.V. S.A.", "organization").legal_forms == ("S. de R.L. de C.V.", "S.A.")
    assert prepare("Success Move Ld.", "organization").tokens == ("success", "move")
    assert prepare("Sky One Construction Company Limeted", "organization").tokens == ("sky", "1", "construction")
    assert prepare("U.S.A. Trading", "organization").tokens == ("usa", "trading")  # not legal forms
