"""Name-to-name score (0-100) of two prepared names, with the token alignment that explains it.

Three ways two names can agree, the best one wins:
- tokens: each token of one name is paired with at most one token of the other (exact, fuzzy
  within one edit, two for long tokens, by rapidfuzz's OSA distance, or an initial for persons); the score is the weighted
  share of both names' tokens that found a partner, each pair counting by its similarity;
- fused: the names differ in how words are split ("AL QAIDA" / "ALQAIDA", "Xi Jinping" / "Xi Jin
  Ping"): the joined letters are compared when the token counts differ;
- acronym: one name is the initials of the other's content words ("CJNG", "MS-13").
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from functools import lru_cache

from rapidfuzz import process
from rapidfuzz.distance import OSA, Indel, LCSseq
# rigour's residue distance, from its compiled core: the public `rigour.names` loads its whole
# name-tagging stack first (0.2 s per process).
from rigour._core import NamePart, compare_parts

from aidvet.screening.korean import korean_key
from aidvet.screening.prepare import (
    NUMBER_WORDS, PATRONYMIC, PERSON, PreparedName, consonants_of, legal_forms_conflict,
)
from aidvet.screening.variants import name_variants
from aidvet.screening.weights import DEFAULT_WEIGHTS, INITIAL_WEIGHT, TokenWeights

# Tokens of MIN_FUZZY_LENGTH letters or more pair within one edit, of LONG_TOKEN or more within
# two; SHORT_TOKEN letters only by an added or swapped letter; shorter ones and numbers only when
# equal.
MIN_FUZZY_LENGTH = 4
LONG_TOKEN = 8
SHORT_TOKEN = 3
# A fuzzy pair earns 1 - FUZZY_PENALTY * (1 - similarity); similarity is 1 - edits / longer length.
FUZZY_PENALTY = 0.75
DOUBLED_CREDIT = 0.95
SKELETON_CREDIT = 0.8
SPELLING_CREDIT = 0.9
# Words of this many letters or more beyond the edit budget pair when rigour's residue similarity
# reaches the cutoff (`_transliteration_credit`).
TRANSLITERATION_MIN_LENGTH = 6
TRANSLITERATION_CUTOFF = 0.7
ARTICLES = ("al", "el")  # both two letters
ARTICLE_REST_MIN = 5  # "Alvaro" is no "Varo"
KOREAN = "korean romanization"  # how a pair of persons' Korean syllables in two romanizations pairs
# A person's name in Latvian or Lithuanian form, its nominative ending on ("Sergejs" / "Sergey",
# "Putinas" / "Putin"), pairs as its stem does; persons only, as the Korean rule.
BALTIC = "baltic ending"
_BALTIC_ENDINGS = ("ius", "us", "as", "is", "ys", "s")
BALTIC_STEM_MIN = 4
VARIANT_CREDIT = 0.9  # one given name in two languages or transliterations (variants.py)
# One word written as two ("Alighadeer" / "Ali Ghadeer", "Dehghanpour" / "Dehghan Pour", "Yongwon" /
# "Yong-won"): each part at least this long, the pair credited as doubled letters are.
JOINED_PART_MIN = 3
JOINED_WORDS = "joined words"
_PERSONS_ONLY = frozenset({KOREAN, BALTIC})
# Masculine and feminine forms of a name are not paired by spelling rules (see `other_gender`).
GENDER_STEM_MIN = 4
_SPELT_OTHERWISE = frozenset({"fuzzy", "spelling", "consonants", "transliteration", "name variant"})
# A number word is recognized misspelt only from this length on, on both sides: shorter ones are
# too often other words one letter away ("Nina" / "nine", "Tree" / "three").
MISSPELT_NUMBER_MIN = 5
_NUMBER_WORD_LIST = sorted(word for word in NUMBER_WORDS if len(word) >= MISSPELT_NUMBER_MIN)
_NUMBER_WORDS_OF: dict[str, list[str]] = {}  # "1" -> ["first", "primera", "primero"]
for _word in _NUMBER_WORD_LIST:
    _NUMBER_WORDS_OF.setdefault(str(NUMBER_WORDS[_word]), []).append(_word)
_PHONETIC_RULES = tuple(
    (re.compile(pattern), replacement)
    for pattern, replacement in (
        ("ph", "f"), ("kh", "k"), ("gh", "k"), ("dh", "d"), ("th", "t"), ("dj", "j"), ("q", "k"),
        ("ks", "x"),
        ("o*u+o*|oo", "u"), ("ee", "i"), ("[eiy]*[iy][eiy]*", "i"),
    )
)
_VOWELS = re.compile(r"[aeiou]")
_SKELETON_DROPPED = re.compile(r"[aeiouwy]")
_DOUBLED = re.compile(r"(.)\1+")
INITIAL_CREDIT = 0.8
# Persons: once two tokens agree, an extra name on one side (a middle name) costs half.
PERSON_UNMATCHED_FACTOR = 0.5
CONTAINED_MIN_WEIGHT = 1.5  # paired weight of the contained name (a rare word and a half)
FUSED_CUTOFF = 0.92
FUSED_DISCOUNT = 3.0
ACRONYM_SCORES = {2: 86.0, 3: 86.0}
ACRONYM_SCORE_LONG = 90.0
ACRONYM_WEAK = 75.0
# Tokens of at most SHORT_FUZZY_LENGTH letters a consonant apart (not two letters swapped) are often
# different words ("USAID" / "USAIR"): their fuzzy pairs earn 1 - SHORT_FUZZY_PENALTY * edits / length.
SHORT_FUZZY_LENGTH = 5
SHORT_FUZZY_PENALTY = 1.0
# Persons: "A bin B" vs "B bin A" (father and son swapped) are two people.
PATRONYMIC_SWAP_PENALTY = 25.0
# Persons written without a comma: "Given Family" against "Family Given" are two people.
NAME_ORDER_PENALTY = 25.0
# Companies: legal forms of different families ("X AG" / "X GmbH") are two companies.
LEGAL_FORM_CONFLICT_PENALTY = 20.0
# Organizations whose names both carry numbers, different ones: the score is multiplied by this.
NUMBERS_DIFFER_FACTOR = 0.7
# "ACME" / "ACME LTD": a one-word name with a legal form on one side only.
LONE_WORD_LEGAL_FORM_PENALTY = 20.0
JOINED_SCORE = 100.0 - FUSED_DISCOUNT
# A query in Arabic or Hebrew script against a listed name in another script (lists carry the Latin
# name of every entity, so a Latin query needs no such path): the same consonants over the whole name
# score CONSONANTS_SCORE (CONSONANTS_SCORE_LONG from LONG_CONSONANTS consonants, specific enough
# to hold); close ones (Indel similarity >= CONSONANTS_CUTOFF) CONSONANTS_NEAR times it, below.
CONSONANTS_SCORE = 80.0
CONSONANTS_SCORE_LONG = 88.0
LONG_CONSONANTS = 8
CONSONANTS_CUTOFF = 0.8
CONSONANTS_NEAR = 75.0


@dataclass(slots=True)
class TokenPair:
    query_token: str
    list_token: str
    how: str  # exact | fuzzy | initial
    similarity: float  # 0-1
    credit: float  # 0-1, what the pair earns


@dataclass(slots=True)
class NameComparison:
    score: float
    method: str  # tokens | fused | acronym | none
    pairs: list[TokenPair] = field(default_factory=list)
    unmatched_query: list[str] = field(default_factory=list)
    unmatched_list: list[str] = field(default_factory=list)
    rules: list[str] = field(default_factory=list)  # rules beyond the method that changed the score

    def describe(self) -> str:
        text = self._describe_method()
        return text + "; " + "; ".join(self.rules) if self.rules else text

    def _describe_method(self) -> str:
        if self.method == "acronym":
            return "acronym: " + ", ".join(f"{p.query_token}~{p.list_token}" for p in self.pairs)
        if self.method == "consonants":
            return "same consonants across scripts: " + ", ".join(f"{p.query_token}~{p.list_token}" for p in self.pairs)
        if self.method == "joined":
            return "same letters as written, split differently: " + ", ".join(
                f"{p.query_token}~{p.list_token}" for p in self.pairs)
        if self.method == "fused":
            return "same letters, split differently: " + ", ".join(
                f"{p.query_token}~{p.list_token} ({p.similarity:.2f})" for p in self.pairs
            )
        parts = []
        for pair in self.pairs:
            if pair.how == "exact":
                parts.append(f"{pair.query_token}={pair.list_token}")
            else:
                parts.append(f"{pair.query_token}~{pair.list_token} ({pair.how} {pair.similarity:.2f})")
        if self.unmatched_query:
            parts.append("unmatched in input: " + " ".join(self.unmatched_query))
        if self.unmatched_list:
            parts.append("unmatched in list: " + " ".join(self.unmatched_list))
        return "; ".join(parts) if parts else "no token in common"

    def to_dict(self) -> dict:
        return {
            "method": self.method,
            "name_score": round(self.score, 2),
            "rules": list(self.rules),
            "token_pairs": [
                {"input": p.query_token, "list": p.list_token, "how": p.how,
                 "similarity": round(p.similarity, 3), "credit": round(p.credit, 3)}
                for p in self.pairs
            ],
            "unmatched_input": self.unmatched_query,
            "unmatched_list": self.unmatched_list,
        }


@lru_cache(maxsize=200_000)
def squeeze(token: str) -> str:
    """Runs of one letter as one: transliterations disagree on doubling ("Haqqani", "Haqani")."""
    return _DOUBLED.sub(r"\1", token)


@lru_cache(maxsize=200_000)
def consonants_only(token: str) -> str:
    return _VOWELS.sub("", token)


@lru_cache(maxsize=200_000)
def phonetic(token: str) -> str:
    """The token with transliteration variants folded: "ou"/"oo" -> u, "ee"/"ie"/"ei"/"y" -> i, "ph" -> f, "kh" -> k, "gh" and "q" -> k
    (Persian writes its q as gh: "Araghi"/"Araqi", "Ghavamin"/"Qavvamin"), "dh" -> d, "th" -> t,
    "dj" -> j; doubled letters once ("Akhaiee"/"Akhaei", "Rungtawankeeree"/"Rungtawankhiri")."""
    for pattern, replacement in _PHONETIC_RULES:
        token = pattern.sub(replacement, token)
    return squeeze(token)


def unvoweled(token: str) -> bool:
    """Written without vowels, as Arabic and Hebrew script transliterate ("mhmd", "dvd")."""
    return token.isalpha() and not _VOWELS.search(token)


@lru_cache(maxsize=200_000)
def skeleton(token: str) -> str:
    """The consonants, doubled ones once, without the letters abjads write as vowels (w, y)."""
    return squeeze(_SKELETON_DROPPED.sub("", token))


def max_edits(a: str, b: str) -> int:
    """Edits (OSA: insert, delete, substitute, swap neighbours) allowed between two tokens.
    Three-letter tokens: a letter more or less ("Mig"/"Ming", "Hol"/"Chol") or two letters
    swapped ("Kmi"/"Kim"), never a different letter ("Kim"/"Kin")."""
    shorter, longer = sorted((len(a), len(b)))
    if shorter < SHORT_TOKEN or a.isdigit() or b.isdigit():
        return 0
    if shorter < MIN_FUZZY_LENGTH:
        return 1 if longer > shorter or sorted(a) == sorted(b) else 0
    return 2 if shorter >= LONG_TOKEN else 1


def token_credit(a: str, b: str, persons: bool, person_rules: bool = True) -> tuple[float, float, str]:
    """(credit, similarity, how) of pairing token a with token b; credit 0 means no pair.
    `person_rules`: also the rules for persons' names only (`_PERSONS_ONLY`); the neighbour tables
    hold them, and an organization's pair falls back to the rest (see `_align`)."""
    if a == b:
        return 1.0, 1.0, "exact"
    if a.isdigit() != b.isdigit():
        return _number_word_credit(a, b) if b.isdigit() else (0.0, 0.0, "")
    if len(a) == 1 or len(b) == 1:
        if persons and a[0] == b[0] and (len(a) == 1) != (len(b) == 1):
            return INITIAL_CREDIT, 1.0, "initial"
        return 0.0, 0.0, ""
    if a[0] == b[0] and squeeze(a) == squeeze(b):
        return DOUBLED_CREDIT, DOUBLED_CREDIT, "doubled letters"
    if article_rest(a) == b or article_rest(b) == a:
        return DOUBLED_CREDIT, DOUBLED_CREDIT, "article joined"
    if len(a) >= MIN_FUZZY_LENGTH and len(b) >= MIN_FUZZY_LENGTH and phonetic(a) == phonetic(b):
        return SPELLING_CREDIT, SPELLING_CREDIT, "spelling"
    if (unvoweled(a) or unvoweled(b)) and skeleton(a) == skeleton(b) and len(skeleton(a)) >= 3:
        return SKELETON_CREDIT, SKELETON_CREDIT, "consonants"
    fuzzy = _fuzzy_credit(a, b)
    if not fuzzy[0]:
        fuzzy = _transliteration_credit(a, b)
    if person_rules and fuzzy[0] < SPELLING_CREDIT:
        if (key := korean_key(a)) and key == korean_key(b):
            return SPELLING_CREDIT, SPELLING_CREDIT, KOREAN
        if (a[-1] == "s") != (b[-1] == "s"):
            baltic = _baltic_credit(a, b) if a[-1] == "s" else _baltic_credit(b, a)
            if baltic[0] > fuzzy[0]:
                fuzzy = baltic
    if fuzzy[0] < VARIANT_CREDIT and name_variants(a, b):
        return VARIANT_CREDIT, VARIANT_CREDIT, "name variant"
    return fuzzy


def article_rest(token: str) -> str:
    """The word after an Arabic article written joined to it ("alqahtani" -> "qahtani"), else "".
    Preparation drops the article written apart ("AL-QAHTANI"), so the joined one must meet it."""
    if token.startswith(ARTICLES) and len(token) >= len(ARTICLES[0]) + ARTICLE_REST_MIN:
        return token[2:]
    return ""


def _fuzzy_credit(a: str, b: str) -> tuple[float, float, str]:
    allowed = max_edits(a, b)
    if not allowed:
        return 0.0, 0.0, ""
    edits = OSA.distance(a, b, score_cutoff=allowed)
    if edits > allowed:
        return 0.0, 0.0, ""
    similarity = 1.0 - edits / max(len(a), len(b))
    penalty = FUZZY_PENALTY
    if max(len(a), len(b)) <= SHORT_FUZZY_LENGTH and consonants_only(a) != consonants_only(b) \
            and sorted(a) != sorted(b):
        # A vowel apart ("Reza" / "Riza") or two letters swapped ("Sarda" / "Sadra") is a spelling
        # or a typo; another consonant makes another word.
        penalty = SHORT_FUZZY_PENALTY
    return 1.0 - penalty * (1.0 - similarity), similarity, "fuzzy"


def _number_word_credit(word: str, digits: str) -> tuple[float, float, str]:
    """A query's misspelt number word against a listed number ("firts" / "1" from "FIRST"):
    preparation writes number words as digits, which a typo in the word would otherwise miss."""
    best = (0.0, 0.0, "")
    if len(word) < MISSPELT_NUMBER_MIN:
        return best
    for spelled in _NUMBER_WORDS_OF.get(digits, ()):
        credit, similarity, _ = _fuzzy_credit(word, spelled)
        if credit > best[0]:
            best = (credit, similarity, f"misspelt number ({spelled})")
    return best


@lru_cache(maxsize=100_000)
def misspelt_numbers(token: str) -> tuple[str, ...]:
    """The numbers (as digits) whose words `token` is a misspelling of: the index's reach for
    `_number_word_credit`."""
    if not token.isalpha() or len(token) < MISSPELT_NUMBER_MIN:
        return ()
    close = process.extract(token, _NUMBER_WORD_LIST, scorer=OSA.distance, score_cutoff=2, limit=None)
    numbers = {str(NUMBER_WORDS[word]) for word, _, _ in close}
    return tuple(digits for digits in sorted(numbers) if _number_word_credit(token, digits)[0] > 0)


@lru_cache(maxsize=100_000)
def baltic_stems(token: str) -> tuple[str, ...]:
    """A Latvian or Lithuanian rendering of a name without its nominative ending ("sergejs" ->
    "sergej", "abramovicius" -> "abramovic"), each also with "j" read as "y" ("sergey"), as
    English renderings spell it."""
    if token[-1] != "s" or not token.isalpha():
        return ()
    stems: dict[str, None] = {}
    for ending in _BALTIC_ENDINGS:
        if token.endswith(ending) and len(token) - len(ending) >= BALTIC_STEM_MIN:
            stem = token[:-len(ending)]
            if ending == "s" and stem[-1] in "aeiou":
                continue  # "-es", "-os": Spanish ("Torres", "Santos"), not a Latvian ending
            stems[stem] = None
            if "j" in stem:
                stems[stem.replace("j", "y")] = None
    return tuple(stems)


def _baltic_credit(declined: str, other: str) -> tuple[float, float, str]:
    """The best pair of a stem of `declined` with `other`: the same letters, one or two typos'
    worth, or one given name (capped at SPELLING_CREDIT: a rendering, not the same spelling)."""
    best = 0.0
    for stem in baltic_stems(declined):
        if stem == other:
            return SPELLING_CREDIT, SPELLING_CREDIT, BALTIC
        credit = _fuzzy_credit(stem, other)[0]
        if name_variants(stem, other):
            credit = max(credit, VARIANT_CREDIT)
        best = max(best, min(credit, SPELLING_CREDIT))
    return (best, best, BALTIC) if best else (0.0, 0.0, "")


def _transliteration_credit(a: str, b: str) -> tuple[float, float, str]:
    """Long words of about one length beyond the edit budget that rigour's residue distance
    (cheap edits for the letters transliterations confuse: c/k, ou/u, doubled letters) still finds
    close ("Moallem" / "Moualem", "Nourredine" / "Nureldine"): credit its similarity. Lengths two
    apart are as often another name ("Martin" / "Martinez", "Hamawi" / "Hamidawi"). Only words that share a deletion key
    (see `share_deletion_key`), so the index reaches every such pair."""
    if min(len(a), len(b)) < TRANSLITERATION_MIN_LENGTH or abs(len(a) - len(b)) > 1 \
            or not (a.isalpha() and b.isalpha()) or not share_deletion_key(a, b):
        return 0.0, 0.0, ""
    similarity = _residue_similarity(a, b)
    if similarity < TRANSLITERATION_CUTOFF:
        return 0.0, 0.0, ""
    return similarity, similarity, "transliteration"


@lru_cache(maxsize=200_000)
def _residue_similarity(a: str, b: str) -> float:
    return compare_parts([NamePart(a, 0)], [NamePart(b, 0)])[0].score


def deletions_allowed(token: str) -> int:
    """Letters the deletion index deletes from a token (SymSpell: the scorer's edit budget)."""
    return 2 if len(token) >= LONG_TOKEN else 1


def share_deletion_key(a: str, b: str) -> bool:
    """Whether deleting up to `deletions_allowed` letters from each token can leave the same
    letters: the pairs the index's deletion neighbourhood reaches."""
    common = LCSseq.similarity(a, b)
    return len(a) - common <= deletions_allowed(a) and len(b) - common <= deletions_allowed(b)


# Per query token: the list tokens it pairs with -> token_credit (None for one-letter tokens).
NeighbourTables = Sequence[Mapping[str, tuple[float, float, str]] | None]
# Per token: (weight when paired, weight when left unpaired).
TokenWeightPairs = Sequence[tuple[float, float]]


def _align(query: tuple[str, ...], listed: tuple[str, ...], persons: bool,
           tables: NeighbourTables | None, syllabic: bool = False, given: tuple[int, int] = (0, 0)):
    """Greedy one-to-one pairing, best credit first: list of (credit, sim, how, i, j). With
    `syllabic` (a name in Chinese characters or Hangul) no fuzzy pairs: a syllable a letter off
    is another character."""
    options = []
    for i, a in enumerate(query):
        table = tables[i] if tables is not None else None
        for j, b in enumerate(listed):
            if table is not None and len(b) > 1:
                found = table.get(b)
                if found is None:
                    continue
            else:
                found = token_credit(a, b, persons, person_rules=persons)
                if not found[0]:
                    continue
            if not persons and found[2] in _PERSONS_ONLY:  # a table made for a query of unknown kind
                found = token_credit(a, b, persons, person_rules=False)
                if not found[0]:
                    continue
            if syllabic and found[2] == "fuzzy":
                continue
            if persons and found[2] in _SPELT_OTHERWISE and other_gender(a, b, i < given[0] and j < given[1]):
                continue
            options.append((found[0], found[1], found[2], i, j))
    if len(options) > 1:
        options.sort(key=lambda option: (-option[0], option[3], option[4]))
    used_i: set[int] = set()
    used_j: set[int] = set()
    chosen = []
    for option in options:
        if option[3] not in used_i and option[4] not in used_j:
            used_i.add(option[3])
            used_j.add(option[4])
            chosen.append(option)
    return chosen, used_i, used_j


def other_gender(a: str, b: str, given: bool) -> bool:
    """The masculine and feminine forms of one name: two people, however few letters apart. A
    feminine "a" added to a name ending in a consonant ("Daniel" / "Daniela", "Hamid" / "Hamida",
    "Ivanov" / "Ivanova"), or, for given names only, a final "o" for an "a" ("Mario" / "Maria";
    Spanish surnames end either way whoever bears them)."""
    if len(a) > len(b):
        a, b = b, a
    if len(a) < GENDER_STEM_MIN:
        return False
    if len(a) == len(b):
        return given and a[:-1] == b[:-1] and {a[-1], b[-1]} == {"o", "a"}
    return len(b) == len(a) + 1 and b[-1] == "a" and b.startswith(a) and a[-1] not in "aeiou"


def _other_gender_pairs(query: Sequence[str], listed: Sequence[str], used_i: set[int], used_j: set[int],
                        given: tuple[int, int]) -> list[str]:
    """The unpaired "masculine / feminine" token pairs `_align` kept apart, for the explanation."""
    return [f"{a} / {b}" for i, a in enumerate(query) if i not in used_i
            for j, b in enumerate(listed) if j not in used_j and other_gender(a, b, i < given[0] and j < given[1])]


def given_count(name: PreparedName) -> int:
    """How many of a person's tokens, from the first, are given names: those before the surname
    marked by a comma, else all but the last."""
    return name.family_at if name.family_at > 0 else len(name.tokens) - 1


def joinable(first: str, second: str) -> bool:
    """Whether two adjacent words may be one word written apart (see `_joined_words`)."""
    return len(first) >= JOINED_PART_MIN and len(second) >= JOINED_PART_MIN


def _joined_words(query: Sequence[str], listed: Sequence[str], used_i: set[int],
                  used_j: set[int]) -> list[tuple[tuple[int, ...], tuple[int, ...]]]:
    """Unpaired words on one side that are two adjacent unpaired words of the other written
    together: [(query positions, listed positions)]. `used_i` and `used_j` gain them."""
    if len(query) - len(used_i) + len(listed) - len(used_j) < 3:
        return []
    joined = []
    for one, two, used_one, used_two, flip in ((query, listed, used_i, used_j, False),
                                               (listed, query, used_j, used_i, True)):
        # Only an unpaired word long enough for two parts can be two words written together.
        long_words = {word: position for position, word in enumerate(one)
                      if len(word) >= 2 * JOINED_PART_MIN and position not in used_one}
        if not long_words or len(two) < 2:
            continue
        for k in range(len(two) - 1):
            if k in used_two or k + 1 in used_two or not joinable(two[k], two[k + 1]):
                continue
            position = long_words.pop(two[k] + two[k + 1], None)
            if position is not None:
                used_one.add(position)
                used_two.update((k, k + 1))
                joined.append(((k, k + 1), (position,)) if flip else ((position,), (k, k + 1)))
    return joined


def _order_swapped(query: PreparedName, listed: PreparedName, chosen) -> bool:
    """Persons written without a comma on both sides whose first and last names pair crosswise
    ("Ali Hassan" / "Hassan Ali"): written in the same order, these are two people."""
    if query.written != query.letters or listed.written != listed.letters \
            or len(query.tokens) < 2 or len(listed.tokens) < 2:
        return False
    last_i, last_j = len(query.tokens) - 1, len(listed.tokens) - 1
    if query.tokens[0] == listed.tokens[0] or query.tokens[-1] == listed.tokens[-1]:
        return False  # a name repeated first and last ("Abdikadir Mohamed Abdikadir") pairs either way
    pairs = {(i, j) for _, _, _, i, j in chosen}
    return (0, last_j) in pairs and (last_i, 0) in pairs


def _both_unpaired(query: Sequence[str], listed: Sequence[str], i: int, j: int,
                   used_i: set[int], used_j: set[int]) -> bool:
    """Whether token i of the query and token j of the listed name are both unpaired full names
    (not initials)."""
    return i not in used_i and j not in used_j and len(query[i]) > 1 and len(listed[j]) > 1


def weight_pairs(tokens: Sequence[str], weights: TokenWeights) -> tuple[tuple[float, float], ...]:
    return tuple((weights(token), weights.unmatched(token)) for token in tokens)


def token_score(query: PreparedName, listed: PreparedName, weights: TokenWeights, persons: bool,
                detailed: bool = False, tables: NeighbourTables | None = None,
                query_weights: TokenWeightPairs | None = None,
                listed_weights: TokenWeightPairs | None = None) -> NameComparison:
    syllabic = query.syllabic or listed.syllabic
    given = (given_count(query), given_count(listed)) if persons else (0, 0)
    chosen, used_i, used_j = _align(query.tokens, listed.tokens, persons, tables, syllabic, given)
    joined = [] if syllabic else _joined_words(query.tokens, listed.tokens, used_i, used_j)
    if not chosen and not joined and not detailed:
        return NameComparison(0.0, "none")
    if query_weights is None:
        query_weights = weight_pairs(query.tokens, weights)
    if listed_weights is None:
        listed_weights = weight_pairs(listed.tokens, weights)
    earned = 0.0
    matched_weight = 0.0
    pairs = []
    for credit, similarity, how, i, j in chosen:
        pair_weight = query_weights[i][0] + listed_weights[j][0]
        if how == "initial":  # "A." for "ANTONIO" vouches for half the full name
            earned += credit * (INITIAL_WEIGHT + 0.5 * (pair_weight - INITIAL_WEIGHT))
        else:
            earned += credit * pair_weight
        matched_weight += pair_weight
        if detailed:
            pairs.append(TokenPair(query.tokens[i], listed.tokens[j], how, similarity, credit))
    for query_parts, listed_parts in joined:
        pair_weight = sum(query_weights[i][0] for i in query_parts) + sum(listed_weights[j][0] for j in listed_parts)
        earned += DOUBLED_CREDIT * pair_weight
        matched_weight += pair_weight
        if detailed:
            pairs.append(TokenPair(" ".join(query.tokens[i] for i in query_parts),
                                   " ".join(listed.tokens[j] for j in listed_parts),
                                   JOINED_WORDS, 1.0, DOUBLED_CREDIT))
    unmatched_weight = 0.0
    for i, pair in enumerate(query_weights):
        if i not in used_i:
            unmatched_weight += pair[1]
    for j, pair in enumerate(listed_weights):
        if j not in used_j:
            unmatched_weight += pair[1]
    family_differs = given_differs = False
    surname_unpaired: list[str] = []
    if persons and len(chosen) + len(joined) >= 2 and syllabic:
        pass  # a name in Chinese characters or Hangul: an extra syllable is another character, in full
    elif persons and len(chosen) + len(joined) >= 2:
        # Both family names (last, once "SURNAME, Given" is turned) or both first given names
        # unpaired: two relatives, or two people of one family, not one person. They count in
        # full, and so does a part of a surname marked by a comma ("RUIZ PEREZ, Leonardo" is not
        # any "Leonardo Ruiz"); other extra names (a middle name, a second surname) count half.
        full = 0.0
        if unmatched_weight:
            last_i, last_j = len(query.tokens) - 1, len(listed.tokens) - 1
            if _both_unpaired(query.tokens, listed.tokens, last_i, last_j, used_i, used_j):
                full += query_weights[last_i][1] + listed_weights[last_j][1]
                family_differs = True
            if last_i and last_j and _both_unpaired(query.tokens, listed.tokens, 0, 0, used_i, used_j):
                full += query_weights[0][1] + listed_weights[0][1]
                given_differs = True
            for name, used, weights_, last in ((query, used_i, query_weights, last_i),
                                               (listed, used_j, listed_weights, last_j)):
                if name.family_at > 0:
                    for k in range(name.family_at, last + 1):
                        if k not in used and not (k == last and family_differs):
                            full += weights_[k][1]
                            surname_unpaired.append(name.tokens[k])
        unmatched_weight = full + (unmatched_weight - full) * PERSON_UNMATCHED_FACTOR
    elif len(chosen) >= 2 and (len(used_i) == len(query.tokens) or len(used_j) == len(listed.tokens)) \
            and matched_weight >= 2 * CONTAINED_MIN_WEIGHT:
        # One organization name holds all of the other's words, distinctive ones among them
        # ("KISH INTERNATIONAL BANK" in "... OFFSHORE COMPANY"): the extra words count half.
        unmatched_weight *= PERSON_UNMATCHED_FACTOR
    total = matched_weight + unmatched_weight
    score = 100.0 * earned / total if total else 0.0
    method = "tokens" if chosen or joined else "none"
    order_swapped = persons and _order_swapped(query, listed, chosen)
    if order_swapped:
        score = max(0.0, score - NAME_ORDER_PENALTY)
    swapped = query.lineage_at > 0 and listed.lineage_at > 0 and any(
        (i >= query.lineage_at) != (j >= listed.lineage_at) and query.tokens[i] != PATRONYMIC
        for _, _, _, i, j in chosen)
    if swapped:
        score = max(0.0, score - PATRONYMIC_SWAP_PENALTY)
    if not detailed:
        return NameComparison(score, method)
    unmatched_query = [t for i, t in enumerate(query.tokens) if i not in used_i]
    unmatched_list = [t for j, t in enumerate(listed.tokens) if j not in used_j]
    rules = []
    if family_differs:
        rules.append(f"family names differ ({query.tokens[-1]} / {listed.tokens[-1]}: counted in full)")
    if surname_unpaired:
        rules.append(f"surname part unpaired ({' '.join(surname_unpaired)}: counted in full)")
    if order_swapped:
        rules.append(f"name order differs: first and last names swapped, no comma marks the surname "
                     f"(-{NAME_ORDER_PENALTY:.0f})")
    gendered = _other_gender_pairs(query.tokens, listed.tokens, used_i, used_j, given) if persons else []
    if gendered:
        rules.append(f"masculine and feminine forms of a name, not paired ({', '.join(gendered)})")
    if given_differs:
        rules.append(f"given names differ ({query.tokens[0]} / {listed.tokens[0]}: counted in full)")
    if swapped:
        rules.append(f"patronymic order differs: a name before 'bin' on one side is after it on the other "
                     f"(-{PATRONYMIC_SWAP_PENALTY:.0f})")
    return NameComparison(score, method, pairs, unmatched_query, unmatched_list, rules)


def fused_possible(query: PreparedName, listed: PreparedName) -> bool:
    """Whether the joined letters are close enough in length to reach FUSED_CUTOFF."""
    a, b = len(query.compact), len(listed.compact)
    return 2 * min(a, b) >= FUSED_CUTOFF * (a + b)


def fused_score(query: PreparedName, listed: PreparedName) -> float:
    """Similarity of the joined letters (in the order used and the order written) when the names
    have different numbers of words ("AL QAIDA" / "ALQAIDA", "Xi Jinping" / "Xi Jin Ping"), or
    their equality when only a word boundary moved; else 0."""
    if len(query.tokens) == len(listed.tokens):
        # As many words on both sides: only a word boundary moved ("Myongc-Hin" / "Myong-Chin")
        # counts here, the token comparison judges any other difference.
        if query.tokens != listed.tokens and (
                query.compact in (listed.compact, listed.written) or query.written == listed.compact):
            return 100.0 - FUSED_DISCOUNT
        return 0.0
    similarity = max(
        Indel.normalized_similarity(query.compact, listed.compact, score_cutoff=FUSED_CUTOFF),
        Indel.normalized_similarity(query.compact, listed.written, score_cutoff=FUSED_CUTOFF),
        Indel.normalized_similarity(query.written, listed.compact, score_cutoff=FUSED_CUTOFF),
    )
    return 100.0 * similarity - FUSED_DISCOUNT if similarity else 0.0


def acronym_score(query: PreparedName, listed: PreparedName) -> float:
    """Score when one name is the acronym of the other's content words, else 0.

    Three-word names have initials that equal some listed three-letter acronym all too often, so
    a full-name query reaching a listed acronym scores ACRONYM_WEAK unless the acronym carries a
    number ("MS-13") or has five letters or more. An acronym query reaching a listed full name
    ("CJNG") scores by its length."""
    key = query.acronym_key
    if key and key == listed.acronym and _words(listed) == len(key) and _usable_acronym(query) \
            and _numbers_kept(listed, query):
        # A short acronym query ("ACF", "IRD": consultancies, agencies) is the initials of some
        # long listed name far too often: only five letters or more, or one with a number, hold.
        if len(key) >= 5 or _numbers_of(query):
            return ACRONYM_SCORES.get(len(key), ACRONYM_SCORE_LONG)
        return ACRONYM_WEAK
    key = listed.acronym_key
    if key and key == query.acronym and _words(query) == len(key) and _usable_acronym(listed) \
            and _numbers_kept(listed, query):
        if _numbers_of(listed) or len(key) >= 5:
            return ACRONYM_SCORES.get(len(key), ACRONYM_SCORE_LONG)
        return ACRONYM_WEAK
    return 0.0


def _numbers_of(name: PreparedName) -> set[str]:
    return {token for token in name.tokens if token.isdigit()}


def _numbers_kept(listed: PreparedName, query: PreparedName) -> bool:
    """A number in the listed name must be in the query too ("MS-13" is not any "M... S...")."""
    return _numbers_of(listed) <= _numbers_of(query)


def _words(name: PreparedName) -> int:
    return sum(1 for token in name.tokens if not token.isdigit())


def _consonants(result: NameComparison, query: PreparedName, listed: PreparedName, detailed: bool) -> NameComparison:
    mine, theirs = consonants_of(query), consonants_of(listed)
    if not mine or not theirs:
        return result
    if mine == theirs:
        score = CONSONANTS_SCORE_LONG if len(mine) >= LONG_CONSONANTS else CONSONANTS_SCORE
    else:
        similarity = Indel.normalized_similarity(mine, theirs, score_cutoff=CONSONANTS_CUTOFF)
        score = CONSONANTS_NEAR * similarity
    if score <= result.score:
        return result
    comparison = NameComparison(score, "consonants")
    if detailed:
        comparison.pairs = [TokenPair(mine, theirs, "consonants", score / 100, 1.0)]
        comparison.rules.append("Arabic/Hebrew script: consonants of the whole name compared")
    return comparison


def _legal_form_conflict(result: NameComparison, query: PreparedName, listed: PreparedName,
                         detailed: bool) -> NameComparison:
    result.score = max(0.0, result.score - LEGAL_FORM_CONFLICT_PENALTY)
    if detailed:
        result.rules.append(f"different legal forms {'/'.join(query.legal_forms)} vs {'/'.join(listed.legal_forms)}: "
                            f"different companies (-{LEGAL_FORM_CONFLICT_PENALTY:.0f})")
    return result


def _lone_word_with_legal_form(query: PreparedName, listed: PreparedName) -> bool:
    """One word on both sides, a legal form on one side only ("ACME" / "ACME LTD"): a one-word
    name is any company of that word."""
    return len(query.tokens) == 1 and len(listed.tokens) == 1 and bool(query.legal_forms) != bool(listed.legal_forms)


def _lone_word_legal_form(result: NameComparison, query: PreparedName, listed: PreparedName,
                          detailed: bool) -> NameComparison:
    result.score = max(0.0, result.score - LONE_WORD_LEGAL_FORM_PENALTY)
    if detailed:
        form = "/".join(query.legal_forms or listed.legal_forms)
        result.rules.append(f"one-word name with a legal form ({form}) on one side only: any company of that "
                            f"word (-{LONE_WORD_LEGAL_FORM_PENALTY:.0f})")
    return result


def _usable_acronym(short: PreparedName) -> bool:
    """Two letters alone are too common to mean anything; with a number ("MS-13") they do."""
    return len(short.acronym_key) > 2 or any(token.isdigit() for token in short.tokens)


def compare(query: PreparedName, listed: PreparedName, weights: TokenWeights = DEFAULT_WEIGHTS,
            detailed: bool = False, tables: NeighbourTables | None = None,
            query_weights: TokenWeightPairs | None = None,
            listed_weights: TokenWeightPairs | None = None) -> NameComparison:
    """Best of the token, fused and acronym scores of two prepared names.

    The screener passes precomputed helpers that change speed, never the result: `tables` (per
    query token, every list token it pairs with and its `token_credit`) and token weight pairs."""
    result = _best(query, listed, weights, detailed, tables, query_weights, listed_weights)
    result = _numbers_differ(result, query, listed, detailed)
    if detailed:
        result.rules.extend(f"Wade-Giles read as pinyin ({name.romanized})"
                            for name in (query, listed) if name.romanized)
    return result


def _best(query: PreparedName, listed: PreparedName, weights: TokenWeights, detailed: bool,
          tables: NeighbourTables | None, query_weights: TokenWeightPairs | None,
          listed_weights: TokenWeightPairs | None) -> NameComparison:
    persons = PERSON in (query.kind, listed.kind)
    result = token_score(query, listed, weights, persons, detailed, tables, query_weights, listed_weights)
    if query.legal_kinds and listed.legal_kinds and legal_forms_conflict(query.legal_kinds, listed.legal_kinds):
        result = _legal_form_conflict(result, query, listed, detailed)
        if not detailed:
            return result  # nothing below can beat a name score the penalty is taken from
    elif _lone_word_with_legal_form(query, listed) and result.method == "tokens":
        result = _lone_word_legal_form(result, query, listed, detailed)
    if result.score >= 100.0:
        return result
    if result.score < JOINED_SCORE and query.joined == listed.joined and query.tokens != listed.tokens:
        # The same letters as written, spaces or legal forms apart ("vanhorn" / "van horn",
        # "ACMEAG" / "ACME AG").
        result = NameComparison(JOINED_SCORE, "joined")
        if detailed:
            result.pairs = [TokenPair(query.joined, listed.joined, "joined", 1.0, 1.0)]
    if query.abjad and not listed.abjad and result.score < CONSONANTS_SCORE_LONG:
        result = _consonants(result, query, listed, detailed)
    fused = fused_score(query, listed) if fused_possible(query, listed) else 0.0
    if fused > result.score:
        result = NameComparison(fused, "fused")
        if detailed:
            result.pairs = [TokenPair(query.text, listed.text, "fused", (fused + FUSED_DISCOUNT) / 100, 1.0)]
    if not persons and (query.acronym_key or listed.acronym_key):
        acronym = acronym_score(query, listed)
        if acronym > result.score:
            result = NameComparison(acronym, "acronym")
            if detailed:
                result.pairs = [TokenPair(query.text, listed.text, "acronym", 1.0, 1.0)]
    return result


def _numbers_differ(result: NameComparison, query: PreparedName, listed: PreparedName,
                    detailed: bool) -> NameComparison:
    """Organizations whose names both carry numbers, different ones ("77th Division" / "33rd
    Division", "Fifteenth Ocean" / "Fourth Ocean"): numbered units, funds and ships are different
    ones (logic-v2's number mismatch, the same factor)."""
    mine, theirs = _numbers_of(query), _numbers_of(listed)
    if not result.score or not mine or not theirs or mine == theirs or PERSON in (query.kind, listed.kind):
        return result
    result.score *= NUMBERS_DIFFER_FACTOR
    if detailed:
        result.rules.append(f"numbers differ ({' '.join(sorted(mine))} / {' '.join(sorted(theirs))}: "
                            f"x{NUMBERS_DIFFER_FACTOR})")
    return result
