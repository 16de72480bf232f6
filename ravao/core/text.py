"""Folding text for comparisons: the one accent-free form of names, labels and search keys."""

import re
import unicodedata


def fold(text: str) -> str:
    """Lower-case, accent-free form for searching ("Hà Nội" -> "ha noi")."""
    text = text.replace("đ", "d").replace("Đ", "D")
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(c for c in decomposed if not unicodedata.combining(c)).lower()


def fold_words(text: str) -> str:
    """Folded, punctuation as spaces, single spaces ("Chợ  Đông-Ba" -> "cho dong ba")."""
    return " ".join(re.sub(r"[^0-9a-z]+", " ", fold(text or "")).split())
