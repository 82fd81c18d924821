"""Name preparation: turn a name as written into the tokens the scorer compares.

Steps, in order: Unicode NFKC, transliteration of every script to ASCII (anyascii, which also
drops accents), case folding, punctuation to spaces, "SURNAME, Given" reordering for persons,
joining runs of single letters for organizations ("S. A. de C. V." -> "sa de cv"), legal-form
removal (kept aside for the explanation), and particle removal ("de", "la", "of", "the"...).
Numbers are kept as tokens ("MS-13" -> "ms 13").
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache

from anyascii import anyascii
from rapidfuzz.distance import OSA

PERSON = "person"
ORGANIZATION = "organization"

# Scripts written without spaces between syllables: transliterate one character at a time and
# separate them, so "김정은" becomes "gim jeong eun" rather than one token "gimjeongeun".
_SYLLABIC_RANGES = (
    (0x1100, 0x11FF), (0x3040, 0x30FF), (0x3130, 0x318F), (0x3400, 0x4DBF),
    (0x4E00, 0x9FFF), (0xAC00, 0xD7AF), (0xF900, 0xFAFF),
)

_APOSTROPHES = re.compile(r"['`\u2019\u00b4]")  # joined: "O'Brien" -> "obrien"
_NON_ALNUM = re.compile(r"[^a-z0-9]+")

# Words that carry no identity. Persons keep single letters (initials), so "e"/"y" are
# particles only outside person names.
PARTICLES = frozenset(
    "de del la las los el lo da do dos das di du des van von der den ter le les et und "
    "the of and for at on in a an".split()
)
_SINGLE_LETTER_PARTICLES = frozenset({"y", "e"})
# Titles and honorifics in person names: not part of who someone is.
PERSON_TITLES = frozenset(
    "dr mr mrs ms miss sir sheikh shaykh sheik haji hajji alhaji mullah mulla maulvi mawlawi "
    "maulavi qari engr eng prof gen general col colonel capt captain lt major maj".split()
)

# Legal forms as token sequences (after punctuation removal and single-letter joining) with the
# label shown in explanations. Longest sequences are tried first.
_LEGAL_FORM_LABELS = {
    "sa de cv": "S.A. de C.V.", "sab de cv": "S.A.B. de C.V.", "sapi de cv": "S.A.P.I. de C.V.",
    "sapib de cv": "S.A.P.I.B. de C.V.", "s de rl de cv": "S. de R.L. de C.V.",
    "s de rl": "S. de R.L.", "srl de cv": "S.R.L. de C.V.", "sc de rl": "S.C. de R.L.",
    "sc de rl de cv": "S.C. de R.L. de C.V.", "spr de rl": "S.P.R. de R.L.",
    "s en c": "S. en C.", "s en cs": "S. en C.S.", "s en nc": "S. en N.C.", "y cia": "y Cia.",
    "sa": "S.A.", "sas": "S.A.S.", "sab": "S.A.B.", "sapi": "S.A.P.I.", "sl": "S.L.",
    "slu": "S.L.U.", "srl": "S.R.L.", "sc": "S.C.", "ac": "A.C.", "iap": "I.A.P.",
    "abp": "A.B.P.", "ca": "C.A.", "cv": "C.V.", "cia": "Cia.", "ltda": "Ltda.", "eirl": "E.I.R.L.",
    "spa": "S.p.A.", "sarl": "S.A.R.L.", "sprl": "S.P.R.L.", "snc": "S.N.C.", "scs": "S.C.S.",
    "llc": "LLC", "l l c": "LLC", "llp": "LLP", "lp": "LP", "ltd": "Ltd", "limited": "Ltd",
    "inc": "Inc", "incorporated": "Inc", "corp": "Corp", "corporation": "Corp",
    "co": "Co", "company": "Co", "plc": "PLC", "pllc": "PLLC", "pc": "PC",
    "gmbh": "GmbH", "gmbh co kg": "GmbH & Co. KG", "ag": "AG", "kg": "KG", "ohg": "OHG",
    "ev": "e.V.", "ug": "UG", "bv": "B.V.", "nv": "N.V.", "ab": "AB", "as": "AS", "asa": "ASA",
    "aps": "ApS", "oy": "Oy", "oyj": "Oyj", "pte": "Pte", "pty": "Pty", "bhd": "Bhd",
    "sdn bhd": "Sdn Bhd", "fze": "FZE", "fzco": "FZCO", "fzc": "FZC", "fz llc": "FZ-LLC",
    "ooo": "OOO", "oao": "OAO", "zao": "ZAO", "pao": "PAO", "ao": "AO", "jsc": "JSC",
    "ojsc": "OJSC", "cjsc": "CJSC", "pjsc": "PJSC", "tov": "TOV", "kft": "Kft", "zrt": "Zrt",
    "sp z oo": "Sp. z o.o.", "doo": "d.o.o.", "ltd sti": "Ltd. Sti.", "as ltd": "AS Ltd", "sal": "S.A.L.", "lda": "Lda.",
}
# Short forms that are also ordinary words or initials: removed only at the end of a name.
_TRAILING_ONLY = frozenset(
    "sa sl sc ac ca cv co as ab ag ao ev kg lp pc ug bv nv oy pte pty cia sab sas".split()
)
_LEGAL_FORMS = sorted(
    (tuple(form.split()) for form in _LEGAL_FORM_LABELS), key=len, reverse=True
)
_MAX_LEGAL_LEN = max(len(form) for form in _LEGAL_FORMS)
_LEGAL_FIRST_TOKENS = frozenset(form[0] for form in _LEGAL_FORMS)
_LONG_LEGAL_WORDS = ("limited", "company", "corporation", "incorporated")
_SINGLE_TOKEN_FORMS = frozenset(form for form in _LEGAL_FORM_LABELS if " " not in form)
# Final short legal forms also recognized one letter off ("Ld.", "Lda", "Rtd", "Inc" as "Icn").
_FUZZY_SHORT_FORMS = ("ltd", "llc", "inc", "ltda", "corp", "gmbh", "plc", "sarl", "srl")


@dataclass(frozen=True, slots=True)
class PreparedName:
    original: str
    kind: str | None  # person | organization | None (unknown)
    tokens: tuple[str, ...]  # comparison tokens, in written order (persons: given names first)
    legal_forms: tuple[str, ...]  # labels of removed legal forms, e.g. ("S.A. de C.V.",)
    acronym: str  # initials of the content words for multi-word organization names, else ""
    acronym_key: str  # letters of a name that is itself an acronym ("cjng", "ms" for MS-13), else ""

    @property
    def text(self) -> str:
        return " ".join(self.tokens)

    @property
    def compact(self) -> str:
        return self.letters

    letters: str = ""  # the tokens joined without spaces
    written: str = ""  # the letters in the order written ("SURNAME, Given": surname first)

    def __post_init__(self) -> None:
        object.__setattr__(self, "letters", "".join(self.tokens))
        if not self.written:
            object.__setattr__(self, "written", self.letters)


def transliterate(text: str) -> str:
    """NFKC, then ASCII; syllabic scripts (CJK, Hangul, kana) one character per token."""
    text = unicodedata.normalize("NFKC", text)
    if text.isascii():
        return text
    parts = []
    for char in text:
        code = ord(char)
        if any(low <= code <= high for low, high in _SYLLABIC_RANGES):
            parts.append(f" {anyascii(char)} ")
        else:
            parts.append(char)
    return anyascii("".join(parts))


def normalize(text: str) -> str:
    """Transliterated, case-folded, punctuation-free text, single spaces."""
    text = _APOSTROPHES.sub("", transliterate(text).casefold())
    return " ".join(_NON_ALNUM.sub(" ", text).split())


def kind_of(kind: str | None) -> str | None:
    """Query and entity kinds folded to person / organization / None; vessels are organizations."""
    if not kind:
        return None
    kind = kind.strip().lower()
    if kind in ("person", "individual"):
        return PERSON
    if kind in ("organization", "organisation", "entity", "vessel", "aircraft", "company"):
        return ORGANIZATION
    return None


def _reorder_person(text: str) -> str:
    """'SURNAME, Given Names' -> 'Given Names SURNAME' (only for exactly one comma)."""
    if text.count(",") != 1:
        return text
    surname, given = (part.strip() for part in text.split(","))
    if not surname or not given:
        return text
    return f"{given} {surname}"


def _join_single_letters(tokens: list[str]) -> list[str]:
    """Runs of two or more one-letter tokens become one token: 's a de c v' -> 'sa de cv'."""
    joined: list[str] = []
    run: list[str] = []
    for token in tokens + [""]:
        if len(token) == 1 and token.isalpha():
            run.append(token)
            continue
        if run:
            joined.extend(_split_legal_run("".join(run)) if len(run) > 1 else run)
            run = []
        if token:
            joined.append(token)
    return joined


def _split_legal_run(letters: str) -> list[str]:
    """Joined letters that are several legal forms in a row ("S.A. S.A.", "C.V. S.A.") split
    back into them; any other run stays one token."""
    if letters in _LEGAL_FORM_LABELS:
        return [letters]
    for size in range(len(letters) - 1, 1, -1):
        head = letters[:size]
        if head in _SINGLE_TOKEN_FORMS and (rest := _split_legal_run(letters[size:])) and all(
                part in _SINGLE_TOKEN_FORMS for part in rest):
            return [head, *rest]
    return [letters]


def _strip_legal_forms(tokens: list[str]) -> tuple[list[str], list[str]]:
    """Remove legal forms: unambiguous ones anywhere, short ambiguous ones only at the end."""
    kept: list[str] = []
    labels: list[str] = []
    if tokens and tokens[-1] not in _LEGAL_FORM_LABELS and (word := _misspelt_legal_word(tokens[-1])):
        tokens = [*tokens[:-1], word]  # "Limeted", "Corportion", "Ld." at the end of a name
    i = 0
    while i < len(tokens):
        form = _legal_form_at(tokens, i)
        if form and (" ".join(form) not in _TRAILING_ONLY or _only_legal_after(tokens, i + len(form))):
            labels.append(_LEGAL_FORM_LABELS[" ".join(form)])
            i += len(form)
            continue
        kept.append(tokens[i])
        i += 1
    if all(token in PARTICLES for token in kept):  # "The Company" keeps its words
        return tokens, []
    return kept, labels


def _misspelt_legal_word(token: str) -> str | None:
    if 2 <= len(token) <= 5 and token.isalpha():
        for form in _FUZZY_SHORT_FORMS:
            if abs(len(form) - len(token)) <= 1 and OSA.distance(token, form, score_cutoff=1) <= 1:
                return form
        return None
    if len(token) < 6:
        return None
    for word in _LONG_LEGAL_WORDS:
        if OSA.distance(token, word, score_cutoff=2 if len(word) >= 8 else 1) <= (2 if len(word) >= 8 else 1):
            return word
    return None


def _legal_form_at(tokens: list[str], start: int) -> tuple[str, ...] | None:
    if tokens[start] not in _LEGAL_FIRST_TOKENS:
        return None
    window = tuple(tokens[start : start + _MAX_LEGAL_LEN])
    for form in _LEGAL_FORMS:
        if window[: len(form)] == form:
            return form
    return None


def _only_legal_after(tokens: list[str], start: int) -> bool:
    i = start
    while i < len(tokens):
        form = _legal_form_at(tokens, i)
        if not form:
            return False
        i += len(form)
    return True


def _drop_particles(tokens: list[str], person: bool) -> list[str]:
    if person:  # initials stay: "JUAN A. PEREZ" keeps its "a"
        kept = [token for token in tokens
                if len(token) == 1 or (token not in PARTICLES and token not in PERSON_TITLES)]
    else:
        kept = [token for token in tokens if token not in PARTICLES and token not in _SINGLE_LETTER_PARTICLES]
    return kept or tokens


def _acronym(tokens: list[str]) -> str:
    words = [token for token in tokens if token.isalpha()]
    return "".join(word[0] for word in words) if len(words) >= 2 else ""


def _acronym_key(tokens: list[str]) -> str:
    """Letters of a name that looks like an acronym: short alphabetic tokens, maybe a number."""
    words = [token for token in tokens if not token.isdigit()]
    if any(token.isdigit() and len(token) > 3 for token in tokens):
        return ""  # "RA-02791" is a registration, not an acronym
    if not words or len(tokens) > 3 or any(len(word) > 5 or not word.isalpha() for word in words):
        return ""
    letters = "".join(words)
    return letters if 2 <= len(letters) <= 8 else ""


@lru_cache(maxsize=200_000)
def prepare(name: str, kind: str | None = None) -> PreparedName:
    """The comparison form of a name. `kind` is person, organization or None (unknown)."""
    kind = kind_of(kind)
    person = kind == PERSON
    text = _reorder_person(name) if person else name
    written = "" if text == name else "".join(_drop_particles(normalize(name).split(), True))
    tokens = normalize(text).split()
    legal: list[str] = []
    if not person:
        tokens = _join_single_letters(tokens)
        tokens, legal = _strip_legal_forms(tokens)
    tokens = _drop_particles(tokens, person)
    acronym = acronym_key = ""
    if not person:
        acronym = _acronym(tokens) if len(tokens) >= 2 else ""
        acronym_key = _acronym_key(tokens)
    return PreparedName(name, kind, tuple(tokens), tuple(legal), acronym, acronym_key, written=written)
