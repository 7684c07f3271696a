"""Military services, countries and the per-service rank scales (private).

A rank table file may carry, besides its entries:

``services``
    ``{service: [phrases]}``: words naming a service ("navy", "naval", "air force").
``countries``
    ``{code: {"name": ..., "phrases": [...], "services": {phrase: service}}}``: words naming a
    country ("british"), and service names that also name the country ("royal navy", "usmc").
``default_country``
    The country whose scale is read when a service is named but no country ("Navy Captain").
``aliases``
    ``{word: [abbreviations]}``: every scale key is also read in these forms.
``word_aliases``
    ``{word: [abbreviations]}``: abbreviations of single words, read inside every military
    phrase and scale key ("master sergeant" is also "master sgt", "lieutenant commander"
    "lt cmdr"), as news copy writes them ("Master Sgt.", "Sgt. 1st Class"). A form that
    the tables define otherwise keeps its own reading.
``scales``
    ``[{"country": ..., "service": ..., "like": other service, "ranks": {word: code}}]``: the
    code a rank word has in that service of that country. ``like`` copies another scale of the
    same country first. A word that no entry defines becomes a military rank phrase of its own,
    read with the code of the first scale that lists it when no service is named.

A country's scales, in file order, also rank its services by how common they are: with the
service unnamed, the first scale that knows a word gives its reading, and the :class:`Rank`
says so in its ``note``.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any, NamedTuple

SERVICES: tuple[str, ...] = ("army", "navy", "marines", "air force", "space force", "coast guard")
_US_RAW = re.compile(r"(?<![A-Za-z])(?:U\.\s?S\.(?:\s?A\.)?|USA?)(?![A-Za-z])|United States|Americ")

Fail = Callable[[str, str], Exception]  # (where, why) -> error naming the file
Normalize = Callable[[Any, str], list[str]]  # (raw phrases, where) -> normalised phrases


class Mark(NamedTuple):
    """A service or country named at tokens ``[i0, i1)``."""

    i0: int
    i1: int
    phrase: str
    service: str | None
    country: str | None


#: At most this many abbreviated forms of one phrase (the product of its words' forms).
MAX_VARIANTS = 64


def word_variants(phrase: str, word_aliases: dict[str, list[str]]) -> list[str]:
    """Forms of ``phrase`` with some of its words abbreviated, the phrase itself excluded.

    Examples
    --------
    >>> word_variants("lieutenant commander", {"lieutenant": ["lt"], "commander": ["cmdr"]})
    ['lieutenant cmdr', 'lt commander', 'lt cmdr']
    >>> word_variants("general", {"major": ["maj"]})
    []
    """
    if not word_aliases:
        return []
    forms = [""]
    for w in phrase.split(" "):
        alts = [w, *word_aliases.get(w, ())]
        forms = [f"{f} {a}" if f else a for f in forms for a in alts][:MAX_VARIANTS]
    return [f for f in forms if f != phrase]


@dataclass
class ScaleAcc:
    """What the files declared, before :meth:`ServiceScales.build`."""

    default_country: str | None = None
    services: dict[str, list[str]] = field(default_factory=dict)
    countries: dict[str, dict[str, Any]] = field(default_factory=dict)
    aliases: dict[str, list[str]] = field(default_factory=dict)
    word_aliases: dict[str, list[str]] = field(default_factory=dict)
    scales: list[tuple[str, str, str | None, dict[str, str]]] = field(default_factory=list)

    def add(self, doc: dict[str, Any], fail: Fail, norm: Normalize, codes: Iterable[str]) -> None:
        """Read the service sections of one file (``codes``: the known scale codes)."""
        known = set(codes)
        if "default_country" in doc:
            self.default_country = str(doc["default_country"])
        for svc, words in (doc.get("services") or {}).items():
            if svc not in SERVICES:
                raise fail(f"services {svc!r}", f"service must be one of {SERVICES}")
            self.services.setdefault(svc, []).extend(norm(words, f"services {svc!r}"))
        for cc, spec in (doc.get("countries") or {}).items():
            if not isinstance(spec, dict):
                raise fail(f"countries {cc!r}", "must be {'name', 'phrases', 'services'}")
            c = self.countries.setdefault(cc, {"name": cc, "phrases": [], "services": {}})
            c["name"] = str(spec.get("name", c["name"]))
            c["phrases"] += norm(spec.get("phrases") or [cc], f"countries {cc!r}")
            for ph, svc in (spec.get("services") or {}).items():
                if svc not in SERVICES:
                    raise fail(f"countries {cc!r} service {ph!r}", f"one of {SERVICES}")
                for p in norm(ph, f"countries {cc!r}"):
                    c["services"][p] = svc
        for word, abbrevs in (doc.get("aliases") or {}).items():
            (w,) = norm(word, f"aliases {word!r}")[:1]
            self.aliases.setdefault(w, []).extend(norm(abbrevs, f"aliases {word!r}"))
        for word, abbrevs in (doc.get("word_aliases") or {}).items():
            full = norm(word, f"word_aliases {word!r}")
            forms = norm(abbrevs, f"word_aliases {word!r}")
            if len(full) != 1 or " " in full[0] or any(" " in a for a in forms):
                why = "a word and its abbreviations must be single words"
                raise fail(f"word_aliases {word!r}", why)
            self.word_aliases.setdefault(full[0], []).extend(forms)
        for i, sc in enumerate(doc.get("scales") or []):
            self._add_scale(i, sc, fail, norm, known)

    def _add_scale(self, i: int, sc: Any, fail: Fail, norm: Normalize, known: set[str]) -> None:
        where = f"scale {i}"
        if not isinstance(sc, dict) or not isinstance(sc.get("ranks", {}), dict):
            raise fail(where, "must be {'country', 'service', 'ranks': {word: code}}")
        cc, svc, like = sc.get("country"), sc.get("service"), sc.get("like")
        if not isinstance(cc, str) or svc not in SERVICES:
            raise fail(where, f"needs a country code and a service in {SERVICES}")
        ranks: dict[str, str] = {}
        for word, code in (sc.get("ranks") or {}).items():
            if code not in known:
                raise fail(f"{where} ({cc} {svc}) {word!r}", f"code {code!r} is not in the scale")
            for p in norm(word, f"{where} {word!r}"):
                ranks[p] = str(code)
        if like is not None and (cc, like) not in {(c, s) for c, s, _, _ in self.scales}:
            raise fail(where, f"'like': {like!r} must name an earlier scale of {cc!r}")
        self.scales.append((cc, svc, like, ranks))


@dataclass
class ServiceScales:
    """Compiled services, countries and scales of a :class:`RankTable`."""

    default_country: str | None = None
    country_names: dict[str, str] = field(default_factory=dict)
    markers: dict[str, tuple[str | None, str | None]] = field(default_factory=dict)
    first: dict[str, int] = field(default_factory=dict)
    scales: dict[tuple[str, str], dict[str, str]] = field(default_factory=dict)
    order: dict[str, list[str]] = field(default_factory=dict)
    words: frozenset[str] = frozenset()
    _notes: dict[tuple[str, str | None, str | None], str | None] = field(default_factory=dict)

    @classmethod
    def build(cls, acc: ScaleAcc) -> ServiceScales:
        out = cls(default_country=acc.default_country)
        markers: dict[str, tuple[str | None, str | None]] = {}
        for svc, words in acc.services.items():
            for w in words:
                markers[w] = (svc, None)
        for cc, spec in acc.countries.items():
            out.country_names[cc] = spec["name"]
            for w in spec["phrases"]:
                markers[w] = (None, cc)
            for w, svc in spec["services"].items():
                markers[w] = (svc, cc)
        for cc, svc, like, ranks in acc.scales:
            merged = dict(out.scales.get((cc, like), {})) if like else {}
            merged.update(ranks)
            for word, abbrevs in acc.aliases.items():
                if word in merged:
                    for a in abbrevs:
                        merged.setdefault(a, merged[word])
            for key in list(merged):
                for form in word_variants(key, acc.word_aliases):
                    merged.setdefault(form, merged[key])
            out.scales[(cc, svc)] = merged
            if svc not in out.order.setdefault(cc, []):
                out.order[cc].append(svc)
        out.markers = markers
        for m in markers:
            parts = m.split(" ")
            out.first[parts[0]] = max(out.first.get(parts[0], 1), len(parts))
        out.words = frozenset(p for sc in out.scales.values() for p in sc)
        return out

    def first_codes(self) -> dict[str, str]:
        """Scale word -> code of the first scale listing it (for words no entry defines)."""
        out: dict[str, str] = {}
        for sc in self.scales.values():
            for p, code in sc.items():
                out.setdefault(p, code)
        return out

    def marks(self, toks: list[str]) -> list[Mark]:
        """Greedy longest match of service and country names over the tokens."""
        out: list[Mark] = []
        i, n = 0, len(toks)
        while i < n:
            longest = self.first.get(toks[i])
            if longest is None:
                i += 1
                continue
            for length in range(min(longest, n - i), 0, -1):
                s = " ".join(toks[i : i + length])
                hit = self.markers.get(s)
                if hit is not None:
                    out.append(Mark(i, i + length, s, hit[0], hit[1]))
                    i += length
                    break
            else:
                i += 1
        return out

    def hint_context(self, raw: str, toks: list[str]) -> tuple[str | None, str | None]:
        """(service, country) named by a hint, each only when the hint names exactly one.
        "us" counts as the United States only when written "U.S."/"US" (not the pronoun)."""
        us_ok = _US_RAW.search(raw) is not None
        svcs = set()
        ccs = set()
        for m in self.marks(toks):
            if m.phrase in ("us", "u s") and not us_ok:
                continue
            if m.service:
                svcs.add(m.service)
            if m.country:
                ccs.add(m.country)
        return (svcs.pop() if len(svcs) == 1 else None, ccs.pop() if len(ccs) == 1 else None)

    def knows(self, phrase: str, service: str | None, country: str | None) -> bool:
        """Whether a scale of the given context (default country if None) lists ``phrase``."""
        cc = country or self.default_country
        svcs = [service] if service else self.order.get(cc or "", [])
        return any(phrase in self.scales.get((cc or "", s), {}) for s in svcs)

    def reading(
        self, phrase: str, base: str | None, service: str | None, country: str | None
    ) -> tuple[str | None, str | None, str | None, str | None]:
        """(code, service, country, note) of a rank word in a context.

        ``base`` is the bare reading (the entry's code). With neither service nor country
        named the bare reading stands (with a note when the services disagree); otherwise the
        context's scale decides, falling back to the country's most common service that lists
        the word, then to the bare reading."""
        if phrase not in self.words:
            return base, service, country, None
        cc = country or (self.default_country if service else None)
        if cc is None:
            return base, None, None, self._note(phrase, base, None)
        sc = self.scales.get((cc, service or ""), {})
        if service and phrase in sc:
            return sc[phrase], service, cc, None
        for svc in self.order.get(cc, []):
            code = self.scales[(cc, svc)].get(phrase)
            if code is not None:
                note = None if service else self._note(phrase, code, cc)
                return code, service or svc, cc, note
        return base, service, country, None

    def _note(self, phrase: str, code: str | None, country: str | None) -> str | None:
        key = (phrase, code, country)
        if key not in self._notes:
            cc = country or self.default_country or ""
            alt: dict[str, list[str]] = {}
            for svc in self.order.get(cc, []):
                other = self.scales[(cc, svc)].get(phrase)
                if other is not None and other != code:
                    alt.setdefault(other, []).append(svc)
            self._notes[key] = (
                "service not named; "
                + "; ".join(f"{c} in the {' or '.join(s)}" for c, s in alt.items())
                if alt
                else None
            )
        return self._notes[key]
