"""Military readings: service and country context, pay grades, rank-or-head (private).

* **Context.** The service and country named nearest to a rank word in the title (a service
  name such as "Royal Navy" also names its country), else the ones the hint names, pick the
  scale (:class:`~credscore.features._rank_scales.ServiceScales`).
* **Pay grades and codes as titles.** ``E-7``, ``O-5``, ``W-2``, ``CW4``, ``OR-4``, ``OF-3``
  give the NATO code directly (E-n = OR-n, W-n = WO-n, O-1/O-2 = OF-1, O-n = OF-(n-1)); a grade
  written next to a rank word decides its code ("Chief Warrant Officer, W-4").
* **Rank or head.** A command word that is also a rank in the context's scale ("commander" in
  a navy) is read as the rank when it heads no body ("Navy Commander", "Commander"), and as the
  head of a body otherwise ("commander of the navy", "battalion commander").
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

from credscore.features._rank_scales import Mark, ServiceScales

if TYPE_CHECKING:  # pragma: no cover
    from credscore.features._rank_table import RankTable

_GRADE = re.compile(
    r"(?<![A-Za-z0-9-])(?:"
    # NATO codes: OR-4, OF-3, and WO-2 only with its hyphen ("WO2" is the British warrant
    # officer class 2)
    r"(?P<nato>OR-?\s?|OF-?\s?|WO-)(?P<n1>\d{1,2})"
    r"|(?P<pay>[EOW])-?(?P<n2>\d{1,2})"  # US pay grades: E-7, O5, W-2 (upper case)
    r"|(?P<payl>[eow])-(?P<n3>\d{1,2})"  # lower case only with the hyphen: e-7
    r"|(?P<cw>CWO?|cwo?)-?\s?(?P<n4>[2-5])"  # chief warrant officers: CW4, CWO-3
    r")(?![0-9A-Za-z])"
)
_STOP = frozenset({"a", "an", "the", "in", "of", "at", "with", "rank", "grade", "pay", ","})


def grade_code(raw: str) -> tuple[str, str] | None:
    """The NATO code of a pay grade or code written in ``raw``, and the text that gave it.

    Examples
    --------
    >>> grade_code("Chief Warrant Officer, W-4")
    ('WO-4', 'W-4')
    >>> grade_code("an O-4 in the Army"), grade_code("OF-3"), grade_code("mother of 3")
    (('OF-3', 'O-4'), ('OF-3', 'OF-3'), None)
    """
    for m in _GRADE.finditer(raw):
        if m.group("nato"):
            kind, n = m.group("nato")[:2], int(m.group("n1"))
            top = {"OR": 9, "OF": 10, "WO": 5}[kind]
            if 1 <= n <= top:
                return f"{kind}-{n}", m.group(0)
            continue
        if m.group("cw"):
            return f"WO-{m.group('n4')}", m.group(0)
        letter = (m.group("pay") or m.group("payl") or "").upper()
        n = int(m.group("n2") or m.group("n3"))
        if letter == "E" and 1 <= n <= 9:
            return f"OR-{n}", m.group(0)
        if letter == "W" and 1 <= n <= 5:
            return f"WO-{n}", m.group(0)
        if letter == "O" and 1 <= n <= 10:
            return f"OF-{max(1, n - 1)}", m.group(0)
    return None


def grade_alone(text: str, grade: str) -> bool:
    """Whether a normalised title says nothing but the grade (and filler words)."""
    g = set(re.sub(r"[^a-z0-9]+", " ", grade.lower()).split())
    return all(t in _STOP or t in g for t in text.split(" "))


class MilitaryContext:
    """Service/country context of one title (its own names, then the hint's)."""

    def __init__(self, table: RankTable, toks: list[str], hint: tuple[str | None, str | None]):
        self.sc: ServiceScales = table.military
        self.levels = table.scale
        self.toks = toks
        self.hint = hint
        self._marks: list[Mark] | None = None

    @property
    def marks(self) -> list[Mark]:
        """Services and countries named in the title (scanned on first use)."""
        if self._marks is None:
            self._marks = self.sc.marks(self.toks) if self.sc.first else []
        return self._marks

    @staticmethod
    def _dist(m: Mark, i0: int, i1: int) -> float:
        if m.i1 <= i0:
            return i0 - m.i1
        if m.i0 >= i1:
            return m.i0 - i1 + 0.5  # a name before the rank word wins a tie
        return 0.0

    def context(self, i0: int, i1: int) -> tuple[str | None, str | None]:
        """(service, country) for the rank word at tokens ``[i0, i1)``."""
        service = country = svc_country = None
        best_s = best_c = float("inf")
        for m in self.marks:
            d = self._dist(m, i0, i1)
            if m.service and d < best_s:
                best_s, service, svc_country = d, m.service, m.country
            if m.country and d < best_c:
                best_c, country = d, m.country
        if service is not None and svc_country is not None:
            country = svc_country  # "Royal Navy" names its country
        return service or self.hint[0], country or self.hint[1]

    def read(
        self, phrase: str, base: str | None, i0: int, i1: int
    ) -> tuple[str | None, float | None, dict[str, Any] | None]:
        """(code, level, extra Rank fields) of a rank word in its context."""
        if phrase not in self.sc.words:
            return base, None, None
        service, country = self.context(i0, i1)
        code, svc, cc, note = self.sc.reading(phrase, base, service, country)
        level = self.levels.get(code) if code is not None else None
        return code, level, {"service": svc, "country": cc, "note": note}

    def rank_not_head(self, phrase: str, body: Any, i0: int, i1: int) -> bool:
        """Whether a command word reads as a rank: it heads no body, or only the service
        named just before it ("Navy Commander"), and the context's scale knows it."""
        if phrase not in self.sc.words:
            return False
        if body is not None:
            service_body = any(m.service and m.i1 == body.i1 for m in self.marks)
            if body.i1 > i0:
                # "Commander, U.S. Navy" and "Commander in the Navy" name the service the
                # rank is held in (the service ends the title or its clause); "commander of
                # the navy" and "Commander, Navy Region Southwest" head a body
                # (after "in" a country's words may come first: "Commander in the Royal
                # Canadian Navy"; after a comma they may not: "Commander, Royal Canadian
                # Navy" is how that navy's head signs)
                named = {k for m in self.marks if m.country for k in range(m.i0, m.i1)}
                gap = [t for k, t in enumerate(self.toks[i1 : body.i0], i1)
                       if t not in ("the", "us") and not (k in named and t != ",")]  # fmt: skip
                ends = body.i1 == len(self.toks) or self.toks[body.i1] == ","
                plain = [t for t in self.toks[i1 : body.i0] if t not in ("the", "us")]
                if not (service_body and ends and (gap == ["in"] or plain == [","])):
                    return False
            elif not service_body:
                return False  # "battalion commander", "Black Sea Fleet commander"
        service, country = self.context(i0, i1)
        if body is None and service is None and country is None:
            return phrase in self.sc.words  # a bare "Commander" is a rank, not a head
        return self.sc.knows(phrase, service, country)
