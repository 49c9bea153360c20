"""Name normalisation shared by the gazetteer, within-document resolution, the store and `ask`."""
from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

from anyascii import anyascii

_ARTICLE = re.compile(r"^(the|a|an)\s+")
_POSSESSIVE = re.compile(r"['\u2019]s$")
_NON_WORD = re.compile(r"[^a-z0-9\u0600-\u06ff]+")


@lru_cache(maxsize=1 << 16)
def normalize(name: str) -> str:
    """Lower-case, drop a leading article and a trailing possessive, fold punctuation to spaces.
    Cached: ingest normalises the same aliases and mention texts for every document.

    Arabic-script letters are kept as they are (so an alias in Arabic script matches itself);
    Latin diacritics are folded ("Öcalan" -> "ocalan").
    """
    text = unicodedata.normalize("NFKC", name).strip().lower().replace("\u2019", "'")
    text = _ARTICLE.sub("", text)
    text = _POSSESSIVE.sub("", text)
    if not re.search(r"[\u0600-\u06ff]", text):
        text = anyascii(text).lower()
    return _NON_WORD.sub(" ", text).strip()


def slug(name: str) -> str:
    """A stable id fragment for an actor found in text: 'x-' + normalised words joined by '-'."""
    return "x-" + normalize(anyascii(name)).replace(" ", "-")
