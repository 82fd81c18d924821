"""Given-name variants across languages and transliterations, from rigour's name symbols.

rigour (OpenSanctions' name library) tags person-name parts with the Wikidata item of the given
name they spell: "Aleksandr" and "Alexander", "Fyodor" and "Fedor", "Hashem" and "Hashim",
"Abdallah" and "Abdullah" share one. Two tokens sharing such a symbol are one name written two
ways; nomenklatura's logic-v2 gives such a pair 0.9, and so does `compare.token_credit`.
"""

from __future__ import annotations

from functools import lru_cache

from rigour.names import NameTypeTag, Symbol, analyze_names

# Tokens shorter than this carry too little to trust a symbol alone ("li", "ma").
MIN_VARIANT_LENGTH = 3


@lru_cache(maxsize=200_000)
def name_symbols(token: str) -> frozenset[str]:
    """Wikidata ids of the given names the token spells (empty for other words and numbers)."""
    if len(token) < MIN_VARIANT_LENGTH or not token.isalpha():
        return frozenset()
    names = analyze_names(NameTypeTag.PER, [token], consolidate=False, phonetics=False, numerics=False)
    return frozenset(span.symbol.id for name in names for span in name.spans
                     if span.symbol.category == Symbol.Category.NAME)


def name_variants(a: str, b: str) -> bool:
    """Whether two tokens spell one given name: a shared symbol and the same first letter (the
    symbols also join names across languages that screening should keep apart, such as the
    Korean family name "Kim" and the Chinese "Jin", one character in both)."""
    return a[0] == b[0] and not name_symbols(a).isdisjoint(name_symbols(b))
