"""Wording of a :class:`Rank` for a fact-checker (private; public as ``describe_rank``)."""

from __future__ import annotations

from credscore.features._rank_model import Rank

_MIL_OFFICER = (
    (9, "top general/flag officer"),
    (6, "senior military officer"),
    (3, "field-grade military officer"),
    (1, "junior military officer"),
)
_MIL_CODES = {
    "OF-D": "officer cadet",
    "VET": "military veteran",
    "ANALYST": "military analyst or commentator",
}
_COUNTRY = {
    "us": "US", "uk": "British", "ca": "Canadian", "au": "Australian", "fr": "French",
    "de": "German", "ua": "Ukrainian", "ru": "Russian",
}  # fmt: skip
#: (lowest level, words) per family, most senior first; a person unless said otherwise.
_BANDS: dict[str, tuple[tuple[float, str], ...]] = {
    "government": (
        (0.9, "top-level government official"),
        (0.75, "senior government official"),
        (0.55, "mid-level government official"),
        (0.35, "junior government official"),
        (0.0, "low-level government figure"),
    ),
    "judiciary": (
        (0.9, "top-court judge or chief prosecutor"),
        (0.6, "senior judge or prosecutor"),
        (0.0, "court official or prosecutor"),
    ),
    "organization": (
        (0.75, "top figure in a company or organisation"),
        (0.55, "senior figure in a company or organisation"),
        (0.35, "professional or organisation member"),
        (0.28, "activist, advocate or organisation member"),
        (0.0, "private individual"),
    ),
    "media": (
        (0.55, "senior editor or publisher"),
        (0.45, "journalist or editor"),
        (0.38, "writer or columnist"),
        (0.3, "host or commentator"),
        (0.0, "blogger or online personality"),
    ),
    "outlet": (
        (0.5, "major news outlet"),
        (0.43, "news outlet"),
        (0.3, "tabloid, partisan or state-run outlet"),
        (0.15, "website, blog or podcast"),
        (0.0, "fake-news or satire website"),
    ),
}


def _military(rank: Rank) -> str:
    code = rank.code or ""
    if code.startswith("OF-") and code[3:].isdigit():
        n = int(code[3:])
        return next(name for lo, name in _MIL_OFFICER if n >= lo)
    if code.startswith("WO-"):
        return "warrant officer"
    if code.startswith("OR-") and code[3:].isdigit():
        return "non-commissioned officer" if int(code[3:]) >= 5 else "enlisted service member"
    return _MIL_CODES.get(code, "military organisation or unit")


def _details(rank: Rank) -> list[str]:
    out = [rank.code] if rank.code and rank.code not in _MIL_CODES else []
    if rank.service or rank.country:
        where = " ".join(x for x in (_COUNTRY.get(rank.country or ""), rank.service) if x)
        out.append(where)
    if rank.note:
        out.append(rank.note)
    if rank.fuzzy and rank.matched:
        out.append(f"spelling read as '{rank.matched}'")
    return out


def describe_rank(rank: Rank) -> str:
    """A short phrase a fact-checker reads, for explanations.

    An outlet is worded as an outlet ("major news outlet"), a person by what they are
    ("journalist or editor", "field-grade military officer"); the code, the service and
    country whose scale gave it, a note on an unnamed service and a spelling correction follow
    in parentheses.

    Parameters
    ----------
    rank : Rank

    Returns
    -------
    str

    Examples
    --------
    >>> from credscore.features.rank import resolve_rank
    >>> describe_rank(resolve_rank("Lt. Gen."))
    'senior military officer (OF-8)'
    >>> describe_rank(resolve_rank("Captain", hint="U.S. Navy"))
    'field-grade military officer (OF-5, US navy)'
    >>> describe_rank(resolve_rank("The New York Times"))
    'major news outlet'
    >>> describe_rank(resolve_rank("Chief Warrant Officer 3"))
    'warrant officer (WO-3)'
    >>> describe_rank(resolve_rank("a person familiar with the talks"))
    'unnamed source'
    >>> describe_rank(resolve_rank(""))
    'unknown title'
    """
    if not rank.known:
        return "unknown title"
    if rank.family == "anonymous":
        return "unnamed source" if rank.level >= 0.1 else "anonymous social-media content"
    if rank.family == "military":
        text = _military(rank)
    else:
        fam = "outlet" if rank.family == "media" and rank.code == "OUTLET" else rank.family
        text = next(name for lo, name in _BANDS[fam] if rank.level >= lo)
    if rank.is_head:
        text += ", in command" if rank.family == "military" else ", head of an organisation"
    if rank.is_spokesperson:
        text += ", spokesperson for an organisation"
    details = [d for d in _details(rank) if not (d == "OUTLET" and rank.family == "media")]
    return f"{text} ({'; '.join([', '.join(details[:2]), *details[2:]])})" if details else text
