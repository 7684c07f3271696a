"""The :class:`Rank` read from a title, and title normalisation (private)."""

from __future__ import annotations

import math
import re
import unicodedata
from dataclasses import dataclass

__all__ = ["UNKNOWN", "Rank", "normalize_title"]


@dataclass(frozen=True)
class Rank:
    """The rank read from one free-text title.

    Attributes
    ----------
    family : str
        One of :data:`RANK_FAMILIES`.
    level : float
        Seniority on the common scale, in [0, 1] (higher = more senior); NaN when unknown.
    code : str or None
        NATO STANAG 2116 code (``"OF-8"``, ``"OR-4"``) or an office code (``"HOS"``...).
    is_head : bool
        The title heads a body (head of state, minister, director, commander, chair...).
    is_spokesperson : bool
        The title speaks for a body (spokesperson, press secretary...).
    matched : str or None
        The normalised text that decided the rank (after any spelling correction).
    service : str or None
        Military service whose scale gave the code ("army", "navy", "marines", "air force",
        "space force", "coast guard"), from the title or the hint; None when not named.
    country : str or None
        Country whose scale gave the code ("us", "uk", "ca", "au", "fr", "de", "ua", "ru").
    fuzzy : bool
        A misspelt word was corrected to read the title ("Air Vice Marshall").
    note : str or None
        Why the reading may be uncertain, e.g. that the service was not named and the most
        common reading of the word was taken.
    """

    family: str
    level: float
    code: str | None
    is_head: bool
    is_spokesperson: bool
    matched: str | None
    service: str | None = None
    country: str | None = None
    fuzzy: bool = False
    note: str | None = None

    @property
    def known(self) -> bool:
        """Whether the title resolved to a family other than ``unknown``."""
        return self.family != "unknown"


UNKNOWN = Rank("unknown", math.nan, None, False, False, None)

_ABBREV = re.compile(r"(?<![a-z0-9])[a-z](?:\.\s?[a-z])+(?![a-z0-9])\.?")
_APOS = re.compile(r"['’`]s\b|['’`]")
_SEP = re.compile(r"\s*(?:--+|[,;:()\[\]/|\u2013\u2014]|\s-\s)\s*")
_NONWORD = re.compile(r"[^a-z0-9,]+")
_NONWORD_U = re.compile(r"[^\w,]+|_")  # non-Latin scripts keep their letters
_SLASH = re.compile(r"(?<![a-z0-9])([a-z])/(?=[a-z])")  # "C/Sgt", "L/Cpl"


def normalize_title(text: str) -> str:
    """Lower-case, strip accents and punctuation; keep commas as clause separators.

    Parameters
    ----------
    text : str
        Free text.

    Returns
    -------
    str
        Space-separated tokens; dotted abbreviations are joined ("U.S." -> "us").

    Examples
    --------
    >>> normalize_title("Lt. Gen., head of the U.S. Army's 3rd Corps")
    'lt gen , head of the us army 3rd corps'
    >>> normalize_title("C/Sgt, Генерал-майор")
    'c sgt , генерал маиор'
    """
    ascii_ = text.isascii()
    if ascii_:
        s = text.lower()
    else:
        s = unicodedata.normalize("NFKD", text)
        s = "".join(c for c in s if not unicodedata.combining(c)).lower()
    s = _ABBREV.sub(lambda m: re.sub(r"[.\s]", "", m.group(0)), s)
    s = _APOS.sub("", s).replace("&", " and ")
    if "/" in s:
        s = _SLASH.sub(r"\1 ", s)
    s = _SEP.sub(" , ", s)
    s = (_NONWORD if ascii_ else _NONWORD_U).sub(" ", s).replace(",", " , ")
    toks = s.split()
    out: list[str] = []
    for t in toks:  # collapse repeated and leading/trailing commas
        if t == "," and (not out or out[-1] == ","):
            continue
        out.append(t)
    while out and out[-1] == ",":
        out.pop()
    return " ".join(out)
