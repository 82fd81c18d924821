"""Given-name variants across languages and transliterations, from rigour's name symbols.

rigour (OpenSanctions' name library) tags person-name parts with the Wikidata item of the given
name they spell: "Aleksandr" and "Alexander", "Fyodor" and "Fedor", "Hashem" and "Hashim",
"Abdallah" and "Abdullah" share one. Two tokens sharing such a symbol are one name written two
ways; nomenklatura's logic-v2 gives such a pair 0.9, and so does `compare.token_credit`.

rigour's tagger takes about 8 CPU-seconds to load, too much for every screening process, so its
symbols are kept in a table (`name_variants.txt`, one line per token: the token and its symbols)
for the vocabulary of person names on the reference lists, rebuilt from ../shared/data by

    .venv/bin/python benchmarks/make_name_tables.py [--data ../shared/data]

Only symbols that join two spellings of that vocabulary are kept; a spelling that no list uses
has no variants.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from functools import lru_cache
from pathlib import Path

TABLE = Path(__file__).with_name("name_variants.txt")
LISTS = ("lists/ofac/2021-04-25", "lists/un/consolidated-2025-04-19.xml")
# Tokens shorter than this carry too little to trust a symbol alone ("li", "ma").
MIN_VARIANT_LENGTH = 3
_NONE: frozenset[str] = frozenset()


@lru_cache(maxsize=1)
def _table() -> dict[str, frozenset[str]]:
    table = {}
    with open(TABLE, encoding="utf-8") as handle:
        for line in handle:
            token, *symbols = line.split()
            table[token] = frozenset(symbols)
    return table


def name_symbols(token: str) -> frozenset[str]:
    """Wikidata ids of the given names the token spells (empty for other words and numbers)."""
    return _table().get(token, _NONE)


def name_variants(a: str, b: str) -> bool:
    """Whether two tokens spell one given name: a shared symbol and the same first letter (the
    symbols also join names across languages that screening should keep apart, such as the
    Korean family name "Kim" and the Chinese "Jin", one character in both)."""
    return a[0] == b[0] and not name_symbols(a).isdisjoint(name_symbols(b))


def rigour_symbols(tokens: Iterable[str]) -> dict[str, frozenset[str]]:
    """rigour's given-name symbols of each token (tokens with none left out)."""
    from rigour.names import NameTypeTag, Symbol, analyze_names

    found = {}
    for token in tokens:
        if len(token) < MIN_VARIANT_LENGTH or not token.isalpha():
            continue
        names = analyze_names(NameTypeTag.PER, [token], consolidate=False, phonetics=False, numerics=False)
        symbols = frozenset(span.symbol.id for name in names for span in name.spans
                            if span.symbol.category == Symbol.Category.NAME)
        if symbols:
            found[token] = symbols
    return found


def variant_table(tokens: Iterable[str]) -> dict[str, frozenset[str]]:
    """Per token, the symbols it shares with another token of the same first letter."""
    symbols = rigour_symbols(sorted(set(tokens)))
    spellings: dict[tuple[str, str], set[str]] = defaultdict(set)
    for token, ids in symbols.items():
        for symbol in ids:
            spellings[(token[0], symbol)].add(token)
    table = {}
    for token, ids in symbols.items():
        shared = frozenset(symbol for symbol in ids if len(spellings[(token[0], symbol)]) > 1)
        if shared:
            table[token] = shared
    return table


def person_tokens(data: Path) -> set[str]:
    """The tokens of every person name (primary and aliases) on the reference lists."""
    from aidvet.lists import load_files
    from aidvet.screening.prepare import PERSON, kind_of, prepare

    tokens: set[str] = set()
    for path in LISTS:
        for entity in load_files([data / path]).entities:
            if kind_of(entity.kind) == PERSON:
                for name, _ in entity.all_names():
                    tokens.update(prepare(name, PERSON).tokens)
    return tokens


def write_table(table: dict[str, frozenset[str]], path: Path = TABLE) -> None:
    with open(path, "w", encoding="utf-8", newline="\n") as handle:
        for token in sorted(table):
            handle.write(" ".join([token, *sorted(table[token])]) + "\n")
