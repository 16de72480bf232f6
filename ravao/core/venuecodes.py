"""Venue short codes: the alphabet, and the one normaliser that the visitor page, the gate
scan, the API, the manager and official pages and the CLI all use.

It lives in core, not in ravao/venues, because core's home page and the check-in path read
codes, and base apps must not import feature apps. ``ravao.venues.models`` makes codes with it.
"""

import unicodedata

# No 0/O, 1/I/L, 2/Z, 5/S, 8/B: codes are read aloud and typed on cheap phones.
CODE_ALPHABET = "34679ACDEFGHJKMNPQRTUVWXY"
CODE_LENGTH = 7


def normalise_venue_code(raw: str | None) -> str:
    """The code as stored, from what a person types or a scanner sends: lower case, spaces,
    hyphens, dots, the poster's printed grouping ("A C 3 4 …") and full-width characters (some
    phone keyboards) are forgiven. "" when the text cannot be a code (wrong length or a letter
    that codes never use), so that callers answer "no such venue" without a query."""
    text = unicodedata.normalize("NFKC", raw or "").upper()
    code = "".join(ch for ch in text if ch.isalnum())
    if len(code) != CODE_LENGTH or any(ch not in CODE_ALPHABET for ch in code):
        return ""
    return code
