"""Countries and territories for the nationality field: ISO 3166-1 alpha-2 codes (what is
stored) with their names in Vietnamese and English (what people choose from).

The list is ``data/countries.json``, made once from django-countries (MIT licence) and its
Vietnamese catalogue (its ``source`` says which release); nothing is fetched at run time.
"""

import json
import unicodedata
from functools import lru_cache
from pathlib import Path

DATA = Path(__file__).parent / "data" / "countries.json"


@lru_cache(maxsize=1)
def countries() -> tuple[dict, ...]:
    with DATA.open(encoding="utf-8") as f:
        return tuple(json.load(f)["countries"])


@lru_cache(maxsize=1)
def _by_code() -> dict[str, dict]:
    return {c["code"]: c for c in countries()}


def _fold(text: str) -> str:
    text = unicodedata.normalize("NFD", text.replace("đ", "d").replace("Đ", "D"))
    return " ".join("".join(ch for ch in text if not unicodedata.combining(ch)).casefold().split())


@lru_cache(maxsize=1)
def _by_name() -> dict[str, str]:
    names = {}
    for c in countries():
        for key in (c["en"], c["vi"]):
            names.setdefault(_fold(key), c["code"])
    return names


def country_code(text) -> str | None:
    """The ISO code that ``text`` names: a code ("VN", any case) or a name in Vietnamese or
    English (accents optional); None when it names no country."""
    if not isinstance(text, str):
        return None
    text = text.strip()
    if len(text) == 2 and text.upper() in _by_code():
        return text.upper()
    return _by_name().get(_fold(text)) if text else None


def country_name(code: str, lang: str = "vi") -> str:
    found = _by_code().get((code or "").upper())
    if found is None:
        return code or ""
    return found["en"] if lang.startswith("en") else found["vi"]


def country_choices(lang: str = "vi") -> list[tuple[str, str]]:
    """(code, name) in the language's alphabetical order (Việt Nam first: most visitors)."""
    key = "en" if lang.startswith("en") else "vi"
    rows = sorted(countries(), key=lambda c: _fold(c[key]))
    first = [c for c in rows if c["code"] == "VN"]
    return [(c["code"], c[key]) for c in first + [c for c in rows if c["code"] != "VN"]]
