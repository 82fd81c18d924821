"""Who acts: user names compared as people, not as strings, and shown safely.

`fold` maps a name to a confusable skeleton (in the spirit of Unicode TS #39): NFKC, invisible
and bidi control characters removed, every letter transliterated to ASCII (Cyrillic "е" and Latin
"e" become one), case folded. Two names with the same skeleton are the same person for
four-eyes: a false "same" refuses an approval, a false "different" would let one person approve
their own release.

`visible` makes bidi controls and other invisible format characters in a name harmless for
display: each is shown as its code point (U+202E), so a right-to-left override cannot make a
name read reversed in the review UI or the run report.
"""

from __future__ import annotations

import unicodedata

from anyascii import anyascii

BIDI_CONTROLS = frozenset("\u061c\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")


def fold(name: str) -> str:
    """The confusable skeleton of a user name."""
    text = unicodedata.normalize("NFKC", name or "")
    text = "".join(char for char in text if unicodedata.category(char) not in ("Cf", "Cc", "Mn", "Me"))
    return " ".join(anyascii(text).casefold().split())


def same_person(first: str | None, second: str | None) -> bool:
    return bool(first and second) and fold(first) == fold(second)


def visible(text) -> str:
    """`text` with bidi controls and other format characters (Cf) shown as ⟨U+XXXX⟩."""
    if text is None:
        return ""
    return "".join(f"⟨U+{ord(char):04X}⟩" if char in BIDI_CONTROLS or unicodedata.category(char) == "Cf" else char
                   for char in str(text))
