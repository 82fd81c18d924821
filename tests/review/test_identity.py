from aidvet.review.identity import fold, same_person, visible


def test_confusable_names_fold_to_one_person():
    assert fold("alic\u0435") == fold("ALICE") == fold("\uff41lice") == fold("al\u200bice") == "alice"
    assert same_person("alice", "\u202ealice") and not same_person("alice", "alicia")
    assert not same_person("", "") and not same_person(None, "x")


def test_bidi_controls_are_shown_not_obeyed():
    assert visible("abc\u202edef") == "abc⟨U+202E⟩def"
    assert visible("Cartel \u2066x\u2069") == "Cartel ⟨U+2066⟩x⟨U+2069⟩"
    assert visible("Zoë Ñandú 北京") == "Zoë Ñandú 北京" and visible(None) == ""
