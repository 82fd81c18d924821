"""Chinese names in Wade-Giles read as pinyin ("Mao Tse-tung" -> "mao zedong"), with pypinyin's
Wade-Giles table.

Lists write Chinese names in pinyin; older documents and many people in Wade-Giles. A person name
of 2-4 Latin words, every one a Wade-Giles syllable and one at least spelt as only Wade-Giles
spells ("tse", "hsiao", "chiang", "shih"), is read as Wade-Giles: each syllable becomes its pinyin and the given
name one word, as pinyin writes it. Apostrophes are gone by then (and often absent as written),
so "t" reads as pinyin "d", never "t": "ping" becomes "bing", a fuzzy pair with "ping".
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import lru_cache


@lru_cache(maxsize=1)
def _tables() -> tuple[dict[str, str], frozenset[str]]:
    """(Wade-Giles syllable without apostrophe or umlaut -> pinyin, pinyin syllables). Built on
    first use (pypinyin's dictionary takes a fifth of a second to load)."""
    from pypinyin.contrib.tone_convert import to_normal
    from pypinyin.pinyin_dict import pinyin_dict
    from pypinyin.style.wadegiles import to_wade_glides

    readings = {reading for values in pinyin_dict.values() for reading in values.split(",")}
    syllables = {to_normal(reading).replace("ü", "v") for reading in readings}
    syllables = {syllable for syllable in syllables if syllable.isascii() and syllable.isalpha()}
    wade_giles: dict[str, str] = {}
    for syllable in sorted(syllables):
        written = to_wade_glides(syllable)
        key = written.replace("'", "").replace("ü", "u").replace("v", "u")
        if not key.isascii() or not key.isalpha():
            continue
        if "'" not in written or key not in wade_giles:  # unaspirated reading first
            wade_giles[key] = syllable.replace("v", "u")
    return wade_giles, frozenset(syllable.replace("v", "u") for syllable in syllables)


# Spellings only Wade-Giles has, and no Korean or Cantonese romanization uses either: "hs", "ts" and
# "tz" at the start, "ueh" at the end, "chi"/"ch'i" before another vowel or "ng", and the syllables
# below. Other Wade-Giles syllables ("chin", "jang", "ho") are just as often Korean names.
_MARKED_SYLLABLES = frozenset({"chih", "shih", "jih", "szu", "ssu", "erh"})


def _wade_giles_mark(token: str) -> bool:
    return (token.startswith(("hs", "ts", "tz")) or token.endswith("ueh") or token in _MARKED_SYLLABLES
            or (token.startswith("chi") and (token[3:4] in ("a", "e", "o", "u") or token == "ching")))


def pinyin_from_wade_giles(tokens: Sequence[str], family_first: bool) -> list[str] | None:
    """The pinyin form of a Wade-Giles person name (family name, given name as one word, in the
    order given), or None when the tokens are not such a name."""
    if not 2 <= len(tokens) <= 4 or not all(token.isalpha() for token in tokens):
        return None
    wade_giles, _ = _tables()
    if not all(token in wade_giles for token in tokens) or not any(map(_wade_giles_mark, tokens)):
        return None
    converted = [wade_giles[token] for token in tokens]
    if family_first:
        return [converted[0], "".join(converted[1:])]
    return ["".join(converted[:-1]), converted[-1]]
