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

from aidvet.screening.romanization import pinyin_from_wade_giles

PERSON = "person"
ORGANIZATION = "organization"

# Scripts written without spaces between syllables: transliterate one character at a time and
# separate them, so "김정은" becomes "gim jeong eun" rather than one token "gimjeongeun".
_SYLLABIC_RANGES = (
    (0x1100, 0x11FF), (0x3040, 0x30FF), (0x3130, 0x318F), (0x3400, 0x4DBF),
    (0x4E00, 0x9FFF), (0xAC00, 0xD7AF), (0xF900, 0xFAFF),
)

_ABJAD = re.compile("[\u0590-\u05ff\u0600-\u06ff\u0750-\u077f\ufb1d-\ufdff\ufe70-\ufeff]")
_LATIN = re.compile("[A-Za-z]")
_ABJAD_VOWELS = re.compile("[aeiou]")
_APOSTROPHES = re.compile(r"['`\u2019\u00b4]")  # joined: "O'Brien" -> "obrien"
_NON_ALNUM = re.compile(r"[^a-z0-9]+")

# Words that carry no identity. Persons keep single letters (initials), so "e"/"y" are
# particles only outside person names.
PARTICLES = frozenset(
    "de del la las los el lo da do dos das di du des van von der den ter le les et und "
    "the of and for at on in a an".split()
)
_SINGLE_LETTER_PARTICLES = frozenset({"y", "e"})
# Arabic articles: "AL-RAWI", "El Masri" and "RAWI" name one family; dropped in person names.
PERSON_ARTICLES = frozenset({"al", "el", "ul"})
# Patronymic connectors: "A bin B" is A, son of B; the names after a connector are ancestors.
# Written one way ("bin") so that "ibn" and "bin" pair exactly.
PATRONYMIC_CONNECTORS = frozenset({"bin", "ben", "ibn", "ibnu", "bint", "binti", "binte", "ould", "wuld", "walad"})
PATRONYMIC = "bin"
# Number words and ordinals (English, Spanish) written as digits: "Twenty-One" = "21", "3rd" = "Third".
_UNITS = ("zero one two three four five six seven eight nine ten eleven twelve thirteen fourteen fifteen "
          "sixteen seventeen eighteen nineteen").split()
_TENS = {"twenty": 20, "thirty": 30, "forty": 40, "fifty": 50, "sixty": 60, "seventy": 70, "eighty": 80, "ninety": 90}
_ORDINALS = ("zeroth first second third fourth fifth sixth seventh eighth ninth tenth eleventh twelfth "
             "thirteenth fourteenth fifteenth sixteenth seventeenth eighteenth nineteenth").split()
_SPANISH = {"uno": 1, "una": 1, "dos": 2, "tres": 3, "cuatro": 4, "cinco": 5, "seis": 6, "siete": 7, "ocho": 8,
            "nueve": 9, "diez": 10, "doce": 12, "veinte": 20, "treinta": 30, "cuarenta": 40,
            "cincuenta": 50, "primero": 1, "primera": 1, "segundo": 2, "segunda": 2, "tercero": 3, "tercera": 3,
            "cuarto": 4, "cuarta": 4, "quinto": 5, "quinta": 5}
NUMBER_WORDS: dict[str, int] = {
    **{word: value for value, word in enumerate(_UNITS)}, **_TENS,
    **{word: value for value, word in enumerate(_ORDINALS)},
    **{word.replace("ty", "tieth"): value for word, value in _TENS.items()}, **_SPANISH,
}
_NUMBER_WORD_SET = frozenset(NUMBER_WORDS)
_DIGIT = re.compile(r"\d")
_ORDINAL_DIGITS = re.compile(r"^(\d+)(st|nd|rd|th|o|a|er|eme)$")
# Titles and honorifics in person names: not part of who someone is.
PERSON_TITLES = frozenset(
    "dr mr mrs ms miss sir sheikh shaykh sheik haj haji hajji alhaji mullah mulla maulvi mawlawi "
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
    "limited liability company": "LLC", "limited liability partnership": "LLP",
    "joint stock company": "JSC", "closed joint stock company": "CJSC", "open joint stock company": "OJSC",
    "public joint stock company": "PJSC", "sociedad anonima": "S.A.",
    "sociedad de responsabilidad limitada": "S. de R.L.", "sp z oo": "Sp. z o.o.", "doo": "d.o.o.", "ltd sti": "Ltd. Sti.", "as ltd": "AS Ltd", "sal": "S.A.L.", "lda": "Lda.",
}
# Short forms that are also ordinary words or initials: removed only at the end of a name.
_TRAILING_ONLY = frozenset(
    "sa sl sc ac ca cv co as ab ag ao ev kg lp pc ug bv nv oy pte pty cia sab sas".split()
)
# Legal forms by jurisdiction and kind of company: two names whose legal forms are of the same
# jurisdiction but different kinds are different companies ("X AG" / "X GmbH", "X Ltd" / "X PLC",
# "X LLC" / "X Inc"). Forms of different jurisdictions say nothing (an "OOO" is written "LLC" in
# English), nor does "Co".
_LEGAL_KINDS = {
    "AG": "de:stock", "GmbH": "de:limited", "UG": "de:limited", "KG": "de:partnership", "OHG": "de:partnership",
    "GmbH & Co. KG": "de:partnership", "e.V.": "de:association",
    "OOO": "ru:limited", "ZAO": "ru:stock", "OAO": "ru:stock", "PAO": "ru:stock", "AO": "ru:stock",
    "JSC": "ru:stock", "CJSC": "ru:stock", "OJSC": "ru:stock", "PJSC": "ru:stock",
    "Ltd": "en:limited", "LLC": "en:limited", "Pte": "en:limited", "Pty": "en:limited", "Bhd": "en:limited",
    "Sdn Bhd": "en:limited", "PLC": "en:public", "Inc": "en:corporation", "Corp": "en:corporation",
    "LLP": "en:partnership", "LP": "en:partnership", "PLLC": "en:limited",
    "S.A.": "es:stock", "S.A. de C.V.": "es:stock", "S.A.B. de C.V.": "es:stock", "S.A.P.I. de C.V.": "es:stock",
    "S.A.P.I.B. de C.V.": "es:stock", "S.A.B.": "es:stock", "S.A.P.I.": "es:stock",
    "S. de R.L.": "es:limited", "S. de R.L. de C.V.": "es:limited", "S.R.L. de C.V.": "es:limited",
    "S.C.": "es:civil", "A.C.": "es:association", "I.A.P.": "es:association",
    "S.A.R.L.": "fr:limited", "S.A.S.": "fr:simplified", "B.V.": "nl:limited", "N.V.": "nl:stock",
}


def legal_kind(label: str) -> str:
    """'jurisdiction:kind' of a legal-form label, or "" when it tells no kind of company apart."""
    return _LEGAL_KINDS.get(label, "")


def legal_forms_conflict(first: frozenset[str], second: frozenset[str]) -> bool:
    """Whether two sets of legal kinds name different companies: some jurisdiction appears on both
    sides, with no kind in common."""
    if not first or not second or first & second:
        return False
    return bool({kind.split(":")[0] for kind in first} & {kind.split(":")[0] for kind in second})


_LEGAL_FORMS = sorted(
    (tuple(form.split()) for form in _LEGAL_FORM_LABELS), key=len, reverse=True
)
_MAX_LEGAL_LEN = max(len(form) for form in _LEGAL_FORMS)
_LEGAL_FIRST_TOKENS = frozenset(form[0] for form in _LEGAL_FORMS)
_LONG_LEGAL_WORDS = ("limited", "company", "corporation", "incorporated")
_SINGLE_TOKEN_FORMS = frozenset(form for form in _LEGAL_FORM_LABELS if " " not in form)
# Final short legal forms also recognized one letter off ("Ld.", "Lda", "Rtd", "Inc" as "Icn").
_FUZZY_SHORT_FORMS = ("ltd", "llc", "inc", "ltda", "corp", "gmbh", "plc", "sarl", "srl")
_FUZZY_FIRST_LETTERS = frozenset("lcigps")


# Never changed once made (prepare's cache shares it), but not a frozen dataclass: that sets each
# field through object.__setattr__, five times the work, and one is made per name screened.
@dataclass(slots=True, unsafe_hash=True)
class PreparedName:
    original: str
    kind: str | None  # person | organization | None (unknown)
    tokens: tuple[str, ...]  # comparison tokens, in written order (persons: given names first)
    legal_forms: tuple[str, ...]  # labels of removed legal forms, e.g. ("S.A. de C.V.",)
    acronym: str  # initials of the content words for multi-word organization names, else ""
    acronym_key: str  # letters of a name that is itself an acronym ("cjng", "ms" for MS-13), else ""
    lineage_at: int = -1  # persons: position of the first token after a patronymic connector, else -1
    legal_kinds: frozenset[str] = frozenset()  # "jurisdiction:kind" of the legal forms (see legal_kind)

    @property
    def text(self) -> str:
        return " ".join(self.tokens)

    @property
    def compact(self) -> str:
        return self.letters

    letters: str = ""  # the tokens joined without spaces
    written: str = ""  # the letters in the order written ("SURNAME, Given": surname first)
    joined: str = ""  # every letter as written, particles and legal forms included ("vanhorn", "acmeag")
    abjad: bool = False  # written in Arabic or Hebrew script (consonants only)
    syllabic: bool = False  # written in Chinese characters or Hangul: a syllable is a character
    family_at: int = -1  # persons written "SURNAME, Given": position of the first surname token, else -1
    romanized: str = ""  # Wade-Giles read as pinyin: "mao tse tung -> mao zedong", else ""
    consonants: str = ""  # names in Arabic/Hebrew script: consonant key (see consonant_key), else ""

    def __post_init__(self) -> None:
        if not self.letters:
            self.letters = "".join(self.tokens)
        if not self.written:
            self.written = self.letters
        if not self.joined:
            self.joined = self.written


# Korean family names as Latin spellings write them (anyascii gives the Revised Romanization:
# 김 "gim", 이 "i", 박 "bak"); given-name syllables stay apart, as "Kim Jong Un" writes them.
_KOREAN_FAMILY_NAMES = dict(zip(
    "김이박최정강조윤장임한오서신권황안송류전홍고문양손배백허유남심노하곽성차주우구민리림",
    "kim lee park choi jung kang cho yoon jang lim han oh seo shin kwon hwang ahn song ryu jeon hong ko moon "
    "yang son bae baek heo yoo nam shim noh ha kwak sung cha joo woo koo min ri rim".split(),
))


def _syllabic_class(char: str) -> str:
    """'kana', 'hangul', 'han' (Chinese characters) or '' for other scripts."""
    code = ord(char)
    if 0x3040 <= code <= 0x30FF:
        return "kana"
    if 0xAC00 <= code <= 0xD7AF or 0x1100 <= code <= 0x11FF or 0x3130 <= code <= 0x318F:
        return "hangul"
    return "han" if any(low <= code <= high for low, high in _SYLLABIC_RANGES) else ""


def _syllable_run(run: str, script: str) -> str:
    """A run of syllables as words. Kana: one word ("やまだ" -> "yamada"). Chinese characters of
    personal-name length (2-4): family name, then the given name as one word, the way pinyin
    writes them ("习近平" -> "xi jinping"). Hangul: one syllable per word, the family name as
    usually spelt ("김정은" -> "kim jeong eun"). Longer runs one syllable per word."""
    syllables = [anyascii(char).strip() for char in run]
    if script == "kana":
        return " " + "".join(syllables) + " "
    if script == "hangul":
        if 1 <= len(run) <= 4 and run[0] in _KOREAN_FAMILY_NAMES:
            syllables[0] = _KOREAN_FAMILY_NAMES[run[0]]
        return " " + " ".join(syllables) + " "
    if 2 <= len(syllables) <= 4:
        return f" {syllables[0]} {''.join(syllables[1:])} "
    return " " + " ".join(syllables) + " "


def transliterate(text: str) -> str:
    """NFKC, then ASCII; syllabic scripts (CJK, Hangul, kana) grouped into words (`_syllable_run`)."""
    if text.isascii():  # NFKC leaves every ASCII character as it is
        return text
    text = unicodedata.normalize("NFKC", text)
    if text.isascii():
        return text
    parts = []
    run, run_script = [], ""
    for char in text + " ":
        script = _syllabic_class(char)
        if run and script != run_script:
            parts.append(_syllable_run("".join(run), run_script))
            run = []
        if script:
            run.append(char)
            run_script = script
        else:
            parts.append(char)
    return anyascii("".join(parts))


def is_abjad(text: str) -> bool:
    """Written in Arabic or Hebrew script (consonants only; short vowels are not written)."""
    return _ABJAD.search(text) is not None and _LATIN.search(text) is None


def normalize(text: str) -> str:
    """Transliterated, case-folded, punctuation-free text, single spaces."""
    return " ".join(_spaced(text).split())


def _spaced(text: str) -> str:
    """Transliterated, case-folded text, punctuation as spaces (`normalize` before the spaces are
    made single)."""
    return _NON_ALNUM.sub(" ", _APOSTROPHES.sub("", transliterate(text).casefold()))


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


def _reorder_person(text: str) -> tuple[str, str]:
    """'SURNAME, Given Names' -> ('Given Names SURNAME', 'SURNAME') (only for exactly one comma);
    other names as they are, with no surname known."""
    if text.count(",") != 1:
        return text, ""
    surname, given = (part.strip() for part in text.split(","))
    if not surname or not given:
        return text, ""
    return f"{given} {surname}", surname


def _syllabic(name: str) -> bool:
    return not name.isascii() and any(_syllabic_class(char) in ("han", "hangul") for char in name)


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
    original = tokens
    # "Limeted", "Corportion", "Ld." at the end of a name, after at least one word of the name: a
    # one-word name ("SAR", "PLX") is never read as a misspelt legal form.
    if len(tokens) >= 2 and tokens[-1] not in _LEGAL_FORM_LABELS and (word := _misspelt_legal_word(tokens[-1])) \
            and any(token not in PARTICLES and token not in _LEGAL_FORM_LABELS for token in tokens[:-1]):
        tokens = [*tokens[:-1], word]
    i = 0
    while i < len(tokens):
        form = _legal_form_at(tokens, i) if tokens[i] in _LEGAL_FIRST_TOKENS else None
        if form and (" ".join(form) not in _TRAILING_ONLY or _only_legal_after(tokens, i + len(form))):
            labels.append(_LEGAL_FORM_LABELS[" ".join(form)])
            i += len(form)
            continue
        kept.append(tokens[i])
        i += 1
    if all(token in PARTICLES for token in kept):  # "The Company" keeps its words, as written
        return original, []
    return kept, labels


def _misspelt_legal_word(token: str) -> str | None:
    """A final word one or two edits from a legal form, its first letter kept ("Limeted", "Icn")."""
    if token[0] not in _FUZZY_FIRST_LETTERS:
        return None
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
        form = _legal_form_at(tokens, i) if tokens[i] in _LEGAL_FIRST_TOKENS else None
        if not form:
            return False
        i += len(form)
    return True


_PERSON_DROPPED = PARTICLES | PERSON_TITLES | PERSON_ARTICLES
_ORGANIZATION_DROPPED = PARTICLES | _SINGLE_LETTER_PARTICLES


def _drop_particles(tokens: list[str], person: bool) -> list[str]:
    if person:  # initials stay: "JUAN A. PEREZ" keeps its "a"
        kept = [token for token in tokens if len(token) == 1 or token not in _PERSON_DROPPED]
    else:
        kept = [token for token in tokens if token not in _ORGANIZATION_DROPPED]
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
    text, surname = _reorder_person(name) if person else (name, "")
    as_written = _numbers(_spaced(name))
    written = "" if text == name else "".join(_drop_particles(as_written, True))
    tokens = as_written if text == name else _numbers(_spaced(text))
    joined = "".join(as_written)
    legal: list[str] = []
    if not person:
        tokens = _join_single_letters(tokens)
        tokens, legal = _strip_legal_forms(tokens)
    tokens = _drop_particles(tokens, person)
    abjad = not name.isascii() and is_abjad(name)
    syllabic = _syllabic(name)
    if abjad:  # short vowels are not written: compare consonants ("mhmd" ~ "mohammed")
        tokens = [_ABJAD_VOWELS.sub("", token) or token for token in tokens]
    acronym = acronym_key = romanized = ""
    lineage_at = -1
    if not person:
        acronym = _acronym(tokens) if len(tokens) >= 2 else ""
        acronym_key = _acronym_key(tokens)
    elif (pinyin := pinyin_from_wade_giles(tokens, family_first=not surname)) is not None:
        romanized = f"{' '.join(tokens)} -> {' '.join(pinyin)}"
        tokens = pinyin
    elif not PATRONYMIC_CONNECTORS.isdisjoint(tokens) and not syllabic:  # 斌 is "bin", not "son of"
        tokens = [PATRONYMIC if token in PATRONYMIC_CONNECTORS else token for token in tokens]
        lineage_at = _lineage_start(tokens)
    kinds = frozenset(kind for kind in map(legal_kind, legal) if kind) if legal else _NO_KINDS
    letters = "".join(tokens)
    family_at = _family_start(tokens, surname)
    return PreparedName(name, kind, tuple(tokens), tuple(legal), acronym, acronym_key, lineage_at, kinds,
                        letters=letters, written=written, joined=joined if joined != letters else "",
                        abjad=abjad, consonants=consonant_key(letters) if abjad else "",
                        syllabic=syllabic, family_at=family_at, romanized=romanized)


def _family_start(tokens: list[str], surname: str) -> int:
    """Position of the first surname token of a "SURNAME, Given" name (the surname's tokens end
    the prepared tokens), or -1."""
    if not surname:
        return -1
    count = len(_drop_particles(_numbers(normalize(surname)), True))
    return len(tokens) - count if 0 < count < len(tokens) else -1


_NO_KINDS: frozenset[str] = frozenset()


_DIGRAPHS = (("th", "s"), ("dh", "z"), ("sh", "$"), ("kh", "k"), ("gh", "g"), ("ph", "f"))
_CONSONANT_TABLE = str.maketrans({"q": "k", **{vowel: None for vowel in "aeiouwyh"}})
_REPEATS = re.compile(r"(.)\1+")
MIN_CONSONANTS = 4


def consonants_of(name: PreparedName) -> str:
    """The consonant key of a prepared name (computed when asked for names in Latin script)."""
    return name.consonants if name.abjad else consonant_key(name.letters)


@lru_cache(maxsize=200_000)
def consonant_key(letters: str) -> str:
    """The consonants of a name as Arabic or Hebrew script writes them and Latin spellings render
    them ("mhmd sy khwnd" and "MOHAMMAD ESSA AKHUND" -> "mdsknd"): digraphs folded (th=s, dh=z,
    kh=k, q=k), vowels, w, y and h dropped, doubled letters once. "" when under MIN_CONSONANTS."""
    if "h" in letters:
        for digraph, replacement in _DIGRAPHS:
            letters = letters.replace(digraph, replacement)
    letters = _REPEATS.sub(r"\1", letters.translate(_CONSONANT_TABLE))
    return letters if len(letters) >= MIN_CONSONANTS else ""


def _lineage_start(tokens: list[str]) -> int:
    """Position of the first name after a patronymic connector ("A bin B": B's position), or -1
    when the connector is first or absent."""
    for position, token in enumerate(tokens[1:-1], 1):
        if token == PATRONYMIC:
            return position + 1
    return -1


def _numbers(text: str) -> list[str]:
    """The words of normalized (or `_spaced`) text, number words and ordinals as digits: "twenty
    one" -> "21", "third" / "3rd" -> "3"."""
    tokens = text.split()
    if _NUMBER_WORD_SET.isdisjoint(tokens) and _DIGIT.search(text) is None:
        return tokens
    result: list[str] = []
    for token in tokens:
        if (match := _ORDINAL_DIGITS.match(token)) is not None:
            token = match.group(1)
        elif token in NUMBER_WORDS:
            value = NUMBER_WORDS[token]
            if result and result[-1].isdigit() and int(result[-1]) in _TENS.values() and value < 10 \
                    and result[-1] != "0":
                result[-1] = str(int(result[-1]) + value)  # "twenty one" -> "21"
                continue
            token = str(value)
        result.append(token)
    return result
