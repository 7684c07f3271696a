"""Resolve one normalised title against a :class:`RankTable` (private).

The reading of a title proceeds in five steps:

1. **Match** every table phrase (longest first) and scope marker in the normalised text.
2. **Attach** institutions to roles: "head *of the* Defence Intelligence Directorate",
   "*CNN* host", "spokesperson *for the* Ministry of Defence", "adviser *to the* President".
   A generic role ("head", "chairman", "president") takes its family and level from the body it
   heads; a relational role ("adviser", "spokesperson", "aide") from its principal.
3. **Modify**: "former", "deputy", "acting", "candidate for"... scale the level of the role they
   qualify by the modifier's ``factor``; some clear ``is_head``.
4. **Scope**: "U.S."/"federal" vs "state"/a US state name vs "city"/"county" choose between an
   entry's national, state and local level.
5. **Choose** the most senior reading; anonymity cues ("sources", "unnamed", "social media")
   turn the result into the ``anonymous`` family with a capped level.

Military rank words are read on the scale of the service and country named in the title or
the hint (:mod:`credscore.features._rank_military`). Spelling correction, pay grades, long
descriptions and caching are in :mod:`credscore.features._rank_read`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from itertools import pairwise
from typing import Any

from credscore.features._rank_military import MilitaryContext
from credscore.features._rank_model import UNKNOWN, Rank
from credscore.features._rank_table import RankTable

#: Highest level an anonymous source can reach (an unnamed senior official).
ANONYMOUS_CAP = 0.35
#: Share of the named role's level that an anonymity cue keeps as a bonus.
ANONYMOUS_BONUS = 0.15

_RIGHT = frozenset({"of", "for", "to", "at", "on", "in", "with", "from", "within", "under"})
_OBJECT = frozenset({"for", "representing", "against", "of", "backing", "supporting"})
_AFTER_OFFICIAL = frozenset(
    {",", "said", "says", "who", "with", "from", "in", "at", "of", "for", "familiar", "close",
     "told", "and", "quoted", "cited", "briefed", "speaking", "not", "involved", "on"}
)  # fmt: skip
_SKIP = frozenset({"the", "a", "an", "s", "its", "his", "her", "their", "our"})
_CORES = frozenset({"title", "generic", "relational", "body", "adjective"})


@dataclass
class _Item:
    i0: int
    i1: int
    text: str
    kind: str
    ent: dict[str, Any]
    owner: _Item | None = None  # set when attached to (consumed by) another item
    attached: _Item | None = None  # body / principal / inherited generic
    how: str = ""  # "body", "principal", "inherit", "tail"
    mods: list[_Item] = field(default_factory=list)
    group: list[_Item] = field(default_factory=list)  # roles read together with this one
    reading: tuple[str, float, str | None, bool, bool] | None = None
    phrase: str = ""  # the table phrase this surface form stands for
    extra: dict[str, Any] | None = None  # service / country / note of a military reading


def _lengths(table: RankTable) -> dict[str, tuple[int, ...]]:
    """First word -> lengths (in words) of the table forms starting with it, longest first."""
    out = table.extra.get("lengths")
    if out is None:
        acc: dict[str, set[int]] = {}
        for form in table.lookup:
            w = form.split(" ")
            acc.setdefault(w[0], set()).add(len(w))
        out = table.extra["lengths"] = {k: tuple(sorted(v, reverse=True)) for k, v in acc.items()}
    return out


def _longest(toks: list[str], i: int, lengths: dict, lookup: dict, cap: int) -> int:
    """Length of the longest table phrase starting at token ``i`` (at most ``cap``), or 0."""
    for length in lengths.get(toks[i], ()):
        if length <= cap and (length == 1 or " ".join(toks[i : i + length]) in lookup):
            return length
    return 0


def _rank_word(toks: list[str], j: int, length: int, table: RankTable) -> bool:
    """Whether tokens ``[j, j + length)`` are a military rank (a coded military title)."""
    ent = table.lookup[" ".join(toks[j : j + length])][1]
    return ent is not None and ent.get("family") == "military" and ent.get("kind") == "title" \
        and bool(ent.get("code")) and not ent.get("head")  # fmt: skip


def _items(toks: list[str], table: RankTable) -> tuple[list[_Item], list[_Item]]:
    """Longest match of table phrases and scope markers over the tokens, left to right; a
    match gives way to an overlapping one at least as long that reaches further ("army |
    officer cadet", not "army officer | cadet"), or to an overlapping military rank ("air
    force | chief technician", not "air force chief | technician")."""
    n = len(toks)
    items: list[_Item] = []
    markers: list[_Item] = []
    lengths, lookup = _lengths(table), table.lookup
    memo = [-1] * n
    i = 0
    while i < n:
        length = memo[i] if memo[i] >= 0 else _longest(toks, i, lengths, lookup, n - i)
        if length == 0:
            i += 1
            continue
        for j in range(i + 1, i + length):
            if memo[j] < 0:
                memo[j] = _longest(toks, j, lengths, lookup, n - j)
            other = memo[j]
            if (
                other
                and j + other > i + length
                and (other >= length or _rank_word(toks, j, other, table))
            ):
                length = _longest(toks, i, lengths, lookup, j - i)
                break
        if length == 0:
            i += 1
            continue
        s = " ".join(toks[i : i + length]) if length > 1 else toks[i]
        form, ent, scope = table.lookup[s]
        if ent is not None:
            items.append(_Item(i, i + length, s, ent["kind"], ent, phrase=form))
        if scope is not None:  # a phrase may also be a marker ("united states", "city")
            markers.append(_Item(i, i + length, s, scope, {}))
        i += length
    return items, markers


def _comma_between(toks: list[str], a: int, b: int) -> bool:
    return "," in toks[a:b]


def _attach(toks: list[str], cores: list[_Item]) -> None:
    """Attach bodies / principals / following generics to roles (right first, then left)."""
    for j in range(len(cores) - 1, -1, -1):
        it = cores[j]
        if it.kind not in ("title", "generic", "relational") or it.owner is not None:
            continue
        right = cores[j + 1] if j + 1 < len(cores) else None
        if right is not None and right.owner is None and right.i0 - it.i1 <= 6:
            gap = toks[it.i1 : right.i0]
            words = [w for w in gap if w not in _SKIP]
            commas = gap.count(",")
            after_comma = commas == 1 and gap[0] == ","
            lead = words[0] if words else ""
            # one preposition only: "CEO of Acme for America" does not head America
            one_link = sum(w in _RIGHT for w in words) == 1
            if right.kind == "body" and (
                after_comma or (lead in _RIGHT and one_link and commas == 0)
            ):
                it.attached, it.how, right.owner = right, "body", it
                continue
            if it.kind == "relational" and right.kind in ("title", "generic"):
                if lead in _RIGHT and commas == 0:
                    it.attached, it.how, right.owner = right, "principal", it
                    continue
            # one link word and at most a place between: "spokesman for N.J. Governor"
            served = (
                right.kind in ("title", "generic") and commas == 0 and one_link and len(words) <= 3
            )
            if served and it.kind == "generic" and it.ent.get("role") == "spokes":
                if lead in ("to", "for"):  # "spokesman for the Minister": speaks for them
                    it.attached, it.how, right.owner = right, "body", it
                    continue
            if served and it.kind == "title" and lead == "to":
                # "Senior Enlisted Advisor to the Secretary of Defense", "Sergeant Major to
                # the Commandant": the title is the person's; whom they serve is not
                right.owner = it
                continue
            if (
                it.kind == "generic"
                and right.kind == "generic"
                and commas <= 1
                and len(words) <= 1
                and lead in ("and", ",", "")
            ):  # "president and CEO of Acme": one role, read from its last word
                it.attached, it.how, it.owner = right, "inherit", right
                right.group.append(it)
                continue
        if j > 0 and cores[j - 1].kind == "body" and cores[j - 1].owner is None:
            left = cores[j - 1]
            gap = toks[left.i1 : it.i0]
            if 0 < len(gap) <= 3 and gap[0] in _OBJECT and "," not in gap:
                # "advocacy group for senior citizens": the role is the body's object
                it.owner = left
                continue
        if j > 0:
            left = cores[j - 1]
            if (
                left.kind == "body"
                and left.owner is None
                and it.i0 - left.i1 <= 3
                and not _comma_between(toks, left.i1, it.i0)
                and "and" not in toks[left.i1 : it.i0]
            ):
                it.attached, it.how, left.owner = left, "body", it


def _has_tail(toks: list[str], it: _Item, covered: set[int]) -> bool:
    """A generic role followed by "of/at/for/," and an unmatched name ("President, Acme")."""
    k = it.i1
    if k >= len(toks) or toks[k] not in ("of", "at", "for", ","):
        return False
    for t in toks[k + 1 : k + 5]:
        if t == ",":
            return False
        if t not in _SKIP and t not in _RIGHT and t != "and" and k not in covered:
            return True
    return False


def _scope(toks: list[str], it: _Item, markers: list[_Item]) -> str | None:
    """national > state > local markers in the title's clause; US state names count only
    before the title or before the body it is attached to ("Ohio treasurer", "leader in the
    Ohio House"), not after it ("senator from Ohio")."""
    lo, hi = it.i0, it.i1
    while lo > 0 and toks[lo - 1] != ",":
        lo -= 1
    while hi < len(toks) and toks[hi] != ",":
        hi += 1
    att = it.attached if it.how == "body" else None
    reach = att.i0 if att is not None and att.i0 > it.i0 else it.i0
    found = set()
    for m in markers:
        if lo <= m.i0 and m.i1 <= hi:
            if m.kind != "region":
                found.add(m.kind)
            elif m.i1 <= reach:
                found.add("state")
    body = att.ent if att is not None else {}
    if body.get("scope") == "national":
        found.add("national")
    for scope in ("national", "state", "local"):
        if scope in found:
            return scope
    return body.get("scope", it.ent.get("scope"))


def _level(ent: dict[str, Any], scope: str | None) -> float:
    if scope in ("state", "local") and scope in ent:
        return float(ent[scope])
    if scope == "local" and "state" in ent:
        return float(ent["state"])
    return float(ent["level"])


def _read(
    it: _Item, toks: list[str], markers: list[_Item], covered: set[int], mil: MilitaryContext
) -> tuple:
    """(family, level, code, is_head, is_spokesperson) of one core item before modifiers."""
    if it.reading is not None:
        return it.reading
    e, sc = it.ent, _scope(toks, it, markers)
    fam, lvl, code = e["family"], _level(e, sc), e.get("code")
    head, spokes = bool(e.get("head")), bool(e.get("spokesperson"))
    att = it.attached
    if fam == "military" and it.kind in ("title", "generic") and it.how in ("", "body"):
        body = att if it.kind == "generic" else None
        if it.kind == "title" or mil.rank_not_head(it.phrase, body, it.i0, it.i1):
            code, new, it.extra = mil.read(it.phrase, code, it.i0, it.i1)
            lvl = lvl if new is None else new
            it.reading = (fam, min(1.0, lvl), code, False if it.kind == "generic" else head,
                          spokes)  # fmt: skip
            return it.reading
    if it.kind == "generic":
        role = e.get("role", "head")
        if att is not None and it.how == "inherit":
            fam, lvl, code, head, spokes = _read(att, toks, markers, covered, mil)
        elif att is not None:
            b = att.ent
            bl = _level(b, sc)
            hl = float(b.get("head_level", min(1.0, bl + 0.1)))
            if sc in ("state", "local") and sc in b and float(b["level"]) > 0:
                hl *= bl / float(b["level"])
            fam = b["family"]
            if role == "head":
                lvl, code, head = hl, b.get("head_code"), True
            elif role == "member":
                lvl, code, head = bl, b.get("code"), False
            else:
                lvl, code, head, spokes = max(lvl, 0.6 * hl), None, False, True
        elif e.get("tail") and _has_tail(toks, it, covered):
            fam, lvl, code = e["tail"]["family"], e["tail"]["level"], None
        if role == "head" and (att is None or it.how == "body"):
            head = True
    elif it.kind == "relational" and att is not None:
        pf, pl, *_ = _read(att, toks, markers, covered, mil)
        fam, lvl = pf, max(lvl, float(e.get("relational", 0.6)) * pl)
        head = False
    it.reading = (fam, min(1.0, lvl), code, head, spokes)
    return it.reading


def _apply_modifiers(toks: list[str], items: list[_Item], cores: list[_Item]) -> list[_Item]:
    """Give each modifier to the role it qualifies; return candidate-style leftovers."""
    leftovers = []
    for m in (i for i in items if i.kind == "modifier"):
        mod = m.ent["mod"]
        target = None
        if mod["position"] in ("post", "both"):
            before = [c for c in cores if c.i1 <= m.i0 and m.i0 - c.i1 <= 1]
            # "Colonel (ret.)", "General (retired)": a trailing modifier may cross one comma
            pure_post = mod["position"] == "post" or m.i1 >= len(toks) or toks[m.i1] == ","
            if before and (pure_post or not _comma_between(toks, before[-1].i1, m.i0)):
                target = before[-1]
        if target is None and mod["position"] in ("pre", "both"):
            after = [c for c in cores if c.i0 >= m.i1 and c.i0 - m.i1 <= mod["window"]]
            if after and not _comma_between(toks, m.i1, after[0].i0):
                target = after[0]
        if target is None:
            if mod.get("alone"):
                leftovers.append(m)
            continue
        while target.owner is not None and target.owner is not target:
            target = target.owner
        target.mods.append(m)
    return leftovers


def _anonymous_applies(a: _Item, toks: list[str], has_role: bool, has_any: bool) -> bool:
    """Strong cues ("sources", "unnamed") always apply; social-media cues only when no role is
    named; weak cues ("video", "online") only when nothing else matched. "official" used as
    an adjective ("the official party organization") is not a cue."""
    strength = a.ent.get("strength", "strong")
    if (strength == "social" and has_role) or (strength == "weak" and has_any):
        return False
    if a.text in ("official", "officials") and a.i1 < len(toks):
        return toks[a.i1] in _AFTER_OFFICIAL
    return True


#: A graded military rank wins over an occupation this close to it in level: "Army pilot
#: Staff Sergeant" and "Sergeant Pilot" are sergeants, not pilots.
_GRADE_MARGIN = 0.05


def _outranks(rd: tuple, best: tuple) -> bool:
    """Whether reading ``rd`` beats ``best``: a higher level, where a military reading with
    a NATO code counts :data:`_GRADE_MARGIN` more than an organisation-family one."""

    def key(r: tuple, other: tuple) -> float:
        graded = r[0] == "military" and r[2] is not None and other[0] == "organization"
        return r[1] + (_GRADE_MARGIN if graded else 0.0)

    return key(rd, best) > key(best, rd) + 1e-9


def _military_code(it: _Item) -> bool:
    return it.ent.get("family") == "military" and bool(it.ent.get("code"))


def _without_service_words(cores: list[_Item], table: RankTable) -> list[_Item]:
    """Drop a rank that also names a service when another rank is written: in "Marine Pvt."
    the word "Marine" names the service, and the private is the rank (alone, "Marine" is a
    rank of the Royal Marines)."""
    ranks = [c for c in cores if _military_code(c)]
    if len(ranks) < 2:
        return cores
    names = table.military.markers
    service = [c for c in ranks if c.phrase in names]
    if not service or len(service) == len(ranks):
        return cores
    return [c for c in cores if not any(c is s for s in service)]


#: Words between a country and a body that end the country's phrase ("America is a nonprofit").
_NOT_QUALIFYING = frozenset(
    {"and", ",", "a", "an", "is", "are", "was", "were", "be", "has", "have"}
)


def _without_qualifiers(toks: list[str], cores: list[_Item]) -> list[_Item]:
    """Drop a country (a ``qualifier`` body) named shortly before another body: in "commander
    of the French Navy" and "commander of Russia's Black Sea Fleet" the country says whose
    body it is, and the role heads the navy or the fleet, not the country. Link words ("of",
    "to", "and", a comma) or a verb between them keep both ("Ambassador of Ukraine to the UN",
    "Concerned Veterans for America is a nonprofit")."""
    drop = set()
    for a, b in pairwise(cores):
        gap = toks[a.i1 : b.i0]
        if (
            a.kind == "body"
            and b.kind == "body"
            and a.ent.get("qualifier")
            and len(gap) <= 3
            and not any(t in _RIGHT or t in _NOT_QUALIFYING for t in gap)
        ):
            drop.add(id(a))
    return [c for c in cores if id(c) not in drop] if drop else cores


def resolve_tokens(
    toks: list[str], table: RankTable, hint: tuple[str | None, str | None] = (None, None)
) -> tuple[Rank, list[_Item]]:
    """Resolve a normalised title's tokens; also return the matched items.

    ``hint`` is the (service, country) named outside the title (organisation, context)."""
    items, markers = _items(toks, table)
    mil = MilitaryContext(table, toks, hint)
    cores = _without_service_words([i for i in items if i.kind in _CORES], table)
    cores = _without_qualifiers(toks, cores)
    anon = [i for i in items if i.kind == "anonymous"]
    covered = {k for i in items for k in range(i.i0, i.i1)}
    _attach(toks, cores)
    leftovers = _apply_modifiers(toks, items, cores)
    readings = []
    for it in cores:
        if it.owner is not None:
            continue
        fam, lvl, code, head, spokes = _read(it, toks, markers, covered, mil)
        candidate = any(m.ent["mod"].get("candidate") for m in it.mods)
        if it.kind == "adjective" and not candidate:
            continue
        for m in it.mods:
            lvl *= m.ent["mod"]["factor"]
            if m.ent["mod"].get("clears_head"):
                head = False
        lvl = min(1.0, max(0.0, lvl))
        span = [it, *it.mods, *it.group] + ([it.attached] if it.attached is not None else [])
        role = it.kind != "body" or bool(it.mods)
        readings.append((role, (fam, lvl, code, head, spokes, span)))
    # A title that names a role is read as that role; bare institutions only when no role is
    # named ("The New York Times", "U.S. House of Representatives"), and then the first one.
    roles = [rd for role, rd in readings if role]
    if not roles and readings:
        readings = [readings[0]]
    elif roles:
        readings = [(True, rd) for rd in roles]
    best: tuple | None = None
    any_head = any_spokes = False
    for _, rd in readings:
        any_head |= rd[3]
        any_spokes |= rd[4]
        if best is None or _outranks(rd, best):
            best = rd
    for m in leftovers:
        alone = m.ent["mod"]["alone"]
        if best is None or alone["level"] > best[1]:
            best = (alone["family"], float(alone["level"]), None, False, False, [m])
    anon = [a for a in anon if _anonymous_applies(a, toks, bool(roles), best is not None)]
    if anon:
        a = max(anon, key=lambda i: i.ent["level"])
        named = best[1] if best is not None and a.ent.get("strength", "strong") == "strong" else 0.0
        lvl = min(ANONYMOUS_CAP, float(a.ent["level"]) + ANONYMOUS_BONUS * named)
        lvl = max(lvl, float(a.ent["level"]))
        span = [a] + (best[5] if best is not None else [])
        best = ("anonymous", lvl, a.ent.get("code", "ANON"), False, False, span)
        any_head = any_spokes = False
    if best is None:
        return UNKNOWN, items
    fam, lvl, code, head, spokes, span = best
    i0 = min(s.i0 for s in span)
    i1 = max(s.i1 for s in span)
    extra = (span[0].extra or {}) if fam == "military" else {}
    rank = Rank(fam, round(lvl, 4), code, head or any_head, spokes or any_spokes,
                " ".join(toks[i0:i1]), **extra)  # fmt: skip
    return rank, items


def resolve_normalized(text: str, table: RankTable) -> Rank:
    """Resolve an already normalised title (see ``normalize_title``), exactly."""
    return resolve_tokens(text.split(" "), table)[0] if text else UNKNOWN
