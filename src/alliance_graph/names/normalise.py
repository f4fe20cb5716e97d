"""Comparison keys for names: one key whatever the case, accents, script or legal form.

A key is lower-case ASCII words separated by single spaces. Cyrillic, Chinese, Arabic and other
scripts are transliterated with ``anyascii`` (a maintained table, not code of ours), so that
"Сбербанк" and "Sberbank" share the key ``sberbank`` and "中国" becomes ``zhongguo``. Legal-form
words (PJSC, ПАО, Ltd, Inc …) are dropped, because analysts write "Sberbank" for "PJSC Sberbank".

>>> name_key("ПАО Сбербанк")
'sberbank'
>>> name_key("Türkiye")
'turkiye'
>>> name_key("Russie, Fédération de")
'russie federation de'
>>> name_key("Global Partnership on Artificial Intelligence") == name_key("Global Partnership on AI")
True
"""

from __future__ import annotations

import re
import unicodedata

from anyascii import anyascii

#: Words that name a legal form, not the organisation (after transliteration and case folding).
LEGAL_FORMS = frozenset(
    {
        "pjsc", "pao", "jsc", "ao", "oao", "ooo", "ojsc", "cjsc", "zao",
        "llc", "ltd", "limited", "inc", "incorporated", "corp", "plc", "ag", "sa", "gmbh", "bv", "nv",
        "co",
    }
)  # fmt: skip
_NON_WORD = re.compile(r"[^a-z0-9]+")


def _ascii_words(text: str) -> list[str]:
    decomposed = unicodedata.normalize("NFKD", text)
    # Drop combining marks: accents, and the Arabic vowel signs and shadda few people type.
    folded = "".join(char for char in decomposed if unicodedata.category(char) != "Mn")
    # anyascii writes each Chinese syllable capitalised ("ZhongGuo"): keep them one word.
    ascii_text = anyascii(folded)
    return [word for word in _NON_WORD.split(ascii_text.casefold()) if word]


#: Words that carry no name ("the Russian Federation" is "Russian Federation").
_ARTICLES = frozenset({"the"})


def name_key(text: str) -> str:
    """The comparison key of a name (see the module's docstring)."""
    words = _ascii_words(text)
    kept = [word for word in words if word not in LEGAL_FORMS and word not in _ARTICLES]
    # "Artificial Intelligence" and "AI" name the same thing in every organisation's name.
    return " ".join(kept or words).replace("artificial intelligence", "ai")


def compact_key(text: str) -> str:
    """The key without spaces, so "Sber Bank" meets "Sberbank" and "Zhong Guo" meets "中国"."""
    return name_key(text).replace(" ", "")


def initials(text: str) -> str:
    """The acronym a name's words make ("Russian Federation" → ``rf``); empty for one word."""
    words = [w for w in name_key(text).split() if w not in {"of", "the", "and", "de", "for"}]
    return "".join(w[0] for w in words) if len(words) > 1 else ""


def script_of(text: str) -> str:
    """A coarse script name for the first letter of ``text``: latin, cyrillic, han, arabic, …"""
    for char in text:
        if char.isalpha():
            if char.isascii():
                return "latin"
            name = unicodedata.name(char, "")
            return name.split(" ")[0].lower() if name else "other"
    return "latin"
