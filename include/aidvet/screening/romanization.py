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
from pathlib import Path


TABLE = Path(__file__).with_name("wade_giles.txt")


@lru_cache(maxsize=1)
def _table() -> dict[str, str]:
    """Wade-Giles syllable (no apostrophe, no umlaut) -> pinyin, as `wade_giles_table` made it."""
    with open(TABLE, encoding="utf-8") as handle:
        return dict(line.split() for line in handle if line.strip())


def wade_giles_table() -> dict[str, str]:
    """Every pinyin syllable of pypinyin's dictionary with its Wade-Giles spelling, apostrophes and
    umlauts dropped; where two syllables then look alike ("chang" is ch'ang and chang), the
    unaspirated one. pypinyin loads about 100 MB of phrase data, so screening reads the table
    kept in `wade_giles.txt` (rebuilt by benchmarks/make_name_tables.py)."""
    from pypinyin.contrib.tone_convert import to_normal
    from pypinyin.pinyin_dict import pinyin_dict
    from pypinyin.style.wadegiles import to_wade_glides

    readings = {reading for values in pinyin_dict.values() for reading in values.split(",")}
    syllables = {to_normal(reading).replace("ü", "v") for reading in readings}
    table: dict[str, str] = {}
    for syllable in sorted(s for s in syllables if s.isascii() and s.isalpha()):
        written = to_wade_glides(syllable)
        key = written.replace("'", "").replace("ü", "u").replace("v", "u")
        if key.isascii() and key.isalpha() and ("'" not in written or key not in table):
            table[key] = syllable.replace("v", "u")
    return table


def write_table(table: dict[str, str], path: Path = TABLE) -> None:
    with open(path, "w", encoding="utf-8", newline="\n") as handle:
        handle.writelines(f"{key} {table[key]}\n" for key in sorted(table))


# Spellings only Wade-Giles has, and no Korean or Cantonese romanization uses either: "hs", "ts" and
# "tz" at the start, "ueh" at the end, "chi"/"ch'i" before another vowel or "ng", and the syllables
# below. Other Wade-Giles syllables ("chin", "jang", "ho") are just as often Korean names.
_MARKED_SYLLABLES = frozenset({"chih", "shih", "jih", "szu", "ssu", "erh"})


def _wade_giles_mark(token: str, in_family_name: bool = False) -> bool:
    """Whether the token is spelt as only Wade-Giles spells; a family name starting "ts" is as
    often Cantonese ("Tsang", "Tse", "Tsui") and does not count."""
    starts = ("hs", "tz") if in_family_name else ("hs", "ts", "tz")
    return (token.startswith(starts) or token.endswith("ueh") or token in _MARKED_SYLLABLES
            or (token.startswith("chi") and (token[3:4] in ("a", "e", "o", "u") or token == "ching")))


def pinyin_from_wade_giles(tokens: Sequence[str], family_first: bool) -> list[str] | None:
    """The pinyin form of a Wade-Giles person name (family name, given name as one word, in the
    order given), or None when the tokens are not such a name."""
    if not 2 <= len(tokens) <= 4 or not all(token.isalpha() for token in tokens):
        return None
    wade_giles = _table()
    if not all(token in wade_giles for token in tokens):
        return None
    given = tokens[1:] if family_first else tokens[:-1]
    family = tokens[0] if family_first else tokens[-1]
    if not (any(map(_wade_giles_mark, given)) or _wade_giles_mark(family, in_family_name=True)):
        return None
    converted = [wade_giles[token] for token in tokens]
    if family_first:
        return [converted[0], "".join(converted[1:])]
    return ["".join(converted[:-1]), converted[-1]]
