"""Korean names in either romanization: one spelling key per Korean syllable string.

North Korean names on the lists are written in McCune-Reischauer, apostrophes and breves dropped
("Cho'ng-man" -> "chong man", "Kyŏng" -> "kyong"), South Korean ones and Hangul transliterated by
anyascii in the Revised Romanization ("jeong", "gyeong"). The two differ in how they write the
same sounds: plain stops as k/t/p/ch or g/d/b/j, the vowels ŏ/ŭ as o/u or eo/eu, l or r. A token
that reads as one to three Korean syllables gets a key with those differences folded, so
"Jong"/"Chong", "Je"/"Che", "Gyeong"/"Kyong" and "Cheol"/"Chol" share one.
"""

from __future__ import annotations

import re
from functools import lru_cache

_INITIAL = "(?:kk|tt|pp|ss|jj|tch|ch|sh|k|g|n|d|t|r|l|m|b|p|s|j|h)?"
_VOWEL = "(?:yeo|yae|wae|weo|eo|eu|ae|ya|yo|yu|ye|wa|wo|we|wi|ui|oe|a|e|i|o|u)"
_FINAL = "(?:ng|n|m|l|k|p|t)?"
_SYLLABLES = re.compile(f"(?:{_INITIAL}{_VOWEL}{_FINAL}){{1,3}}")
# Applied in order: vowels first (so "cheol" loses its "e" before "ch" is read), then consonants.
_FOLDS = tuple((re.compile(pattern), replacement) for pattern, replacement in (
    ("eo", "o"), ("eu", "u"),
    ("tch|ch|jj", "j"), ("sh|ss", "s"), ("kk|k", "g"), ("tt|t", "d"), ("pp|p", "b"), ("l", "r"),
))


@lru_cache(maxsize=200_000)
def korean_key(token: str) -> str:
    """The token's spelling key when it reads as one to three romanized Korean syllables, else ""."""
    if not token.isascii() or not _SYLLABLES.fullmatch(token):
        return ""
    for pattern, replacement in _FOLDS:
        token = pattern.sub(replacement, token)
    return token
