"""Resolution of speaker mentions to sources: full names, later surnames, roles, pronouns."""

from __future__ import annotations

import bisect
import hashlib
import json
import re
import unicodedata
from dataclasses import dataclass
from functools import cache, lru_cache
from importlib import resources

from credscore.ingest._lexicon import lexicon
from credscore.ingest._speakers import Mention

__all__ = ["Source", "SpeakerRegistry", "slug"]


@dataclass
class Source:
    """A resolved source; ``used`` marks it for the output table."""

    source_id: str
    name: str
    title: str
    organization: str
    source_type: str
    gender: str = ""
    used: bool = False


@cache
def _data(name: str) -> dict:
    return json.loads(resources.files("credscore.ingest").joinpath(name).read_text("utf-8"))


@cache
def _translit() -> dict[int, str]:
    return str.maketrans(_data("data/transliteration.json")["letters"])


@lru_cache(maxsize=65536)
def slug(name: str) -> str:
    """ASCII identifier of a name, the same in every process and on every machine.

    Latin letters lose their accents, Cyrillic and Greek are transliterated
    (``data/transliteration.json``); a name with nothing left (e.g. only Chinese characters)
    gets ``x`` + 10 hex digits of the SHA-256 of its NFC form.

    Examples
    --------
    >>> slug("The New York Times"), slug("Mykhailo Podolyak"), slug("Müller")
    ('new-york-times', 'mykhailo-podolyak', 'muller')
    >>> slug("Кирило Буданов"), slug("习近平")
    ('kirilo-budanov', 'x92a054e84d')
    """
    nfc = unicodedata.normalize("NFC", name)
    latin = unicodedata.normalize("NFKD", nfc.translate(_translit())).translate(_translit())
    ascii_name = latin.encode("ascii", "ignore").decode()
    s = re.sub(r"[^a-z0-9]+", "-", ascii_name.lower()).strip("-")
    s = s.removeprefix("the-")
    if s:
        return s
    return "x" + hashlib.sha256(nfc.encode("utf-8", "surrogatepass")).hexdigest()[:10]


def given_name_gender(name: str) -> str:
    """``m``/``f`` from the given name of a multi-word person name, else ``""``: the first
    word, or the second of three or more words when the first is no given name ("Democrat
    Hillary Clinton").

    Examples
    --------
    >>> given_name_gender("Hillary Clinton"), given_name_gender("Clinton")
    ('f', '')
    >>> given_name_gender("Democrat Hillary Clinton"), given_name_gender("Democrat Clinton")
    ('f', '')
    """
    parts = name.split()
    if len(parts) < 2:
        return ""
    names = _given_names()
    first = names.get(parts[0].lower(), "")
    if first or len(parts) < 3:
        return first
    return names.get(parts[1].lower(), "")


@cache
def _given_names() -> dict[str, str]:
    raw = _data("data/given_names.json")
    return {**{w: "m" for w in raw["m"]}, **{w: "f" for w in raw["f"]}}


@lru_cache(maxsize=65536)
def _name_key(name: str) -> str:
    return slug(re.sub(r"(?:'s|’s)$", "", name))


#: "PACs", "CEOs": a plural of an acronym, never a person.
_ACRONYM_PLURAL = re.compile(r"[A-Z]{2,}s")
_NOT_NAME_RE = re.compile(r"(?:ly|ing|ian|ican|ean|ese|ish|ic|one|body|ers)$|^(?:anti|pro|non)-")

#: Last words that make a capitalised run a group or a people, unless a given name comes
#: first ("Wisconsin Republican", "African Americans"; "Mark Cuban" is a person).
_GROUP_HEADS = frozenset(
    """republican republicans democrat democrats american americans eastern western northern
    southern cuban cubans latino latinos hispanic hispanics""".split()
)
#: Last words of laws, bodies and places: never a person's name ("Affordable Care Act",
#: "Islamic State", "Myrtle Beach").
_BODY_HEADS = frozenset("act acts state states project institute center centre party beach".split())
#: Last words of places, wars, institutions and prizes ("South China Sea", "World War II",
#: "Right Wing Watch"); some are surnames too ("Picabo Street"), so a name with a known given
#: name first stays a person.
_PLACE_HEADS = frozenset(
    """sea ocean river lake avenue street road boulevard square war wars island islands
    mountains valley county airport station cathedral university college school hospital
    museum library prize award cup olympics league operations forces council committee
    commission agency department ministry watch usa daily news enforcement security service
    services administration bureau foundation fund association union corporation company
    group network coalition alliance caucus federation board indians africans asians
    europeans muslims christians jews arabs mexicans""".split()
)
#: Capitalised words that a headline holds and a person's name never does.
_HEADLINE_WORDS = frozenset("On For With And To In At Is Are Was Says Said The".split())
#: Named days and seasons that read as a two-word name ("Super Tuesday", "New Year").
_OCCASIONS = frozenset(
    """super tuesday;new year;new year's;election day;christmas eve;christmas day;labor day;
    memorial day;veterans day;independence day;thanksgiving day;black friday;cyber monday;
    good friday;easter sunday;inauguration day;presidents day;new year's eve""".replace("\n", "")
    .replace("    ", "")
    .split(";")
)
_REGION_WORDS = frozenset("north south east west central northern southern upper lower".split())
#: US state abbreviations written after a party letter ("R-Calif.", "D-Mass.").
_STATE_ABBREVIATIONS = frozenset(
    """ala ariz ark calif colo conn del fla ga ill ind kan ky la md mass mich minn miss mo
    mont neb nev okla ore pa tenn tex va vt wash wis wyo""".split()
)


_ROMAN = re.compile(r"[ivx]{1,4}")
#: US states that no one bears as a given name ("Virginia", "Georgia", "Dakota" are left out).
_STATES = frozenset(
    """alabama alaska arizona arkansas california colorado connecticut delaware florida
    hawaii idaho illinois iowa kansas kentucky louisiana maine maryland massachusetts
    michigan minnesota mississippi missouri nebraska ohio oklahoma oregon pennsylvania
    tennessee texas utah vermont wisconsin wyoming""".split()
)


@lru_cache(maxsize=65536)
def implausible_person(name: str) -> bool:
    """A run typed as a person that names no one: a dateline in capitals ("MYRTLE BEACH"), a
    headline (more than four words), a group, law or body ("Hispanic Republican", "Islamic
    State", "Affordable Care Act"), a region ("South Florida"), an "-based" modifier or a
    state abbreviation ("Calif"). A known given name first keeps a person ("Mark Cuban",
    "JOEL BENENSON").

    Examples
    --------
    >>> implausible_person("Affordable Care Act"), implausible_person("Jeb Bush")
    (True, False)
    >>> implausible_person("George Washington"), implausible_person("South Florida")
    (False, True)
    >>> implausible_person("Mark Cuban"), implausible_person("Wisconsin Republican")
    (False, True)
    """
    words = name.replace(".", " ").split()
    if not words:
        return True
    low = [w.lower() for w in words]
    if len(low) > 1 and _ROMAN.fullmatch(low[-1]):
        low = low[:-1]  # "World War II"
    if low[-1] in _BODY_HEADS or len(words) > 4 or " ".join(low) in _OCCASIONS:
        return True
    if any(w in _HEADLINE_WORDS for w in words[1:]):
        return True  # "Attacks On Donald Trump", "Hollande Says Trump": a headline
    if len(words) >= 2 and given_name_gender(" ".join(words)):
        return False
    return (
        (len(words) >= 2 and all(w.isupper() and len(w) > 1 for w in words))
        or (len(words) >= 2 and all(len(w) == 1 for w in words))  # "U S"
        or low[-1] in _PLACE_HEADS
        or low[-1] in _GROUP_HEADS
        or low[-1].rsplit("-", 1)[-1] in _GROUP_HEADS  # "African-Americans"
        or low[-1].endswith("-based")
        or (len(words) == 1 and low[0] in _STATE_ABBREVIATIONS)
        or (len(words) == 2 and low[0] in _REGION_WORDS and words[1] in _place_names())
        # "Wisconsin Trump" (a headline's "Wisconsin Trump rally"): a place, then a surname
        or (len(words) == 2 and low[0] in _STATES)
    )


@cache
def _place_names() -> frozenset[str]:
    """The last words of the lexicon's place names ("Florida", "Carolina")."""
    return frozenset(n.split()[-1] for n in lexicon().collective_names if n.split())


#: A he/she within this many characters after a person's statement refers to that person
#: (when the gender agrees) before any other recently mentioned person.
SPEAKER_REACH = 400

_GENERIC_ORG = frozenset(
    "company firm group carmaker steelmaker maker manufacturer bank lender insurer retailer "
    "airline start-up startup business conglomerate developer producer operator chain".split()
)


def _plural(low: str) -> bool:
    """A lower-case word that reads as a plural ("voters", not "boss")."""
    return low.endswith("s") and not low.endswith("ss")


def can_be_he_or_she(src: Source) -> bool:
    """A person or a singular unnamed source ("a spokesman"); not an organisation, an outlet
    or a group ("Democrats", "officials")."""
    if src.source_type == "person":
        return True
    if src.source_type != "anonymous":
        return False
    return not _plural((src.name.split() or [""])[-1].lower())


class SpeakerRegistry:
    """Sources of one article.

    Person ids are the slug of the full name (so that the same person gets the same id in
    every article); outlets and organisations the slug of their name; unnamed sources are
    per-article (``<article_id>-anon-<role>``) because "officials" in two articles are not
    the same people.
    """

    def __init__(self, article_id: str) -> None:
        self.article_id = article_id
        self.sources: dict[str, Source] = {}
        self.fullnames: dict[str, str] = {}
        self._mention_pos: list[int] = []
        self._mention_src: list[Mention] = []
        self._aliases: dict[str, str] = {}
        self._org_pos: list[int] = []
        self._org_src: list[Mention] = []
        self.midcaps: set[str] = set()
        self._speaker_pos: list[int] = []
        self._speaker_src: list[Source] = []
        self._subject_pos: list[int] = []
        self._subject_src: list[Mention] = []

    # -- building -------------------------------------------------------------------------
    def add_fullname(self, name: str) -> None:
        """Remember a multi-word person name so that a later surname expands to it."""
        last = name.split()[-1].lower()
        self.fullnames.setdefault(last, name)

    def add_alias(self, alias: str, source_id: str) -> None:
        """``TWZ`` is another name of ``the-war-zone``."""
        self._aliases[_name_key(alias)] = source_id

    def note_person(self, m: Mention) -> None:
        """A named person mentioned at ``m.start`` (antecedent for later pronouns)."""
        if self._mention_pos and m.start < self._mention_pos[-1]:
            i = bisect.bisect_right(self._mention_pos, m.start)
            self._mention_pos.insert(i, m.start)
            self._mention_src.insert(i, m)
        else:
            self._mention_pos.append(m.start)
            self._mention_src.append(m)

    def note_subject(self, m: Mention) -> None:
        """A named person who opens a sentence at ``m.start`` (its subject): the topic a
        later he/she may have moved to since the last speaker."""
        i = bisect.bisect_right(self._subject_pos, m.start)
        self._subject_pos.insert(i, m.start)
        self._subject_src.insert(i, m)

    def note_speaker(self, pos: int, src: Source) -> None:
        """The person who speaks at ``pos`` (preferred antecedent of a following he/she)."""
        if not self._speaker_pos or pos >= self._speaker_pos[-1]:
            self._speaker_pos.append(pos)
            self._speaker_src.append(src)

    def note_org(self, m: Mention) -> None:
        """An organisation named at ``m.start`` (antecedent of "the company")."""
        if self._org_pos and m.start < self._org_pos[-1]:
            return
        self._org_pos.append(m.start)
        self._org_src.append(m)

    def _org_before(self, pos: int, head: str) -> Source | None:
        """Most recent organisation before ``pos`` named with ``head`` (else multi-word)."""
        i = bisect.bisect_left(self._org_pos, pos) - 1
        fallback = None
        for k in range(i, max(-1, i - 20), -1):
            m = self._org_src[k]
            if head in m.name.lower():
                fallback = m
                break
            if fallback is None and len(m.name.split()) > 1:
                fallback = m
        if fallback is None:
            return None
        m = fallback
        return self._get(_name_key(m.name), m.name, "", m.name, "organization", "")

    def _org_by_first_word(self, word: str) -> Source | None:
        for m in reversed(self._org_src[-200:]):
            if m.name.split()[0] == word and len(m.name.split()) > 1:
                return self._get(_name_key(m.name), m.name, "", m.name, "organization", "")
        return None

    def _get(self, sid: str, name: str, title: str, org: str, kind: str, gender: str) -> Source:
        src = self.sources.get(sid)
        if src is None:
            src = Source(sid, name, title, org, kind, gender)
            self.sources[sid] = src
            return src
        if title and (not src.title or (src.title in title and len(title) > len(src.title))):
            src.title = title
        if org and not src.organization:
            src.organization = org
        if gender and not src.gender:
            src.gender = gender
        if len(name) > len(src.name) and kind == src.source_type:
            src.name = name
        return src

    # -- resolution -----------------------------------------------------------------------
    def resolve(self, m: Mention | None) -> Source | None:
        """Resolve a mention to a source (creating it if new)."""
        if m is None:
            return None
        if m.kind == "pronoun":
            return self._pronoun(m)
        if m.kind == "person" and self._not_a_name(m):
            low = m.name.lower()
            if not _plural(low):
                return None
            # "Voters", "Pollsters" are common nouns at a sentence start; "Democrats" is
            # the proper name of a group and keeps its capital
            name = m.name if low in _GROUP_HEADS else low
            m = Mention("anonymous", name, low, "", m.start, m.end)
        elif m.kind == "person" and self._names_no_one(m):
            # "Wisconsin Republican", "Islamic State": the statement keeps an unnamed
            # source under that name, never a person of that name
            m = Mention("anonymous", m.name, m.name.lower(), "", m.start, m.end)
        elif m.kind == "person":
            return self._person(m)
        if m.kind in ("outlet", "organization"):
            sid = self._aliases.get(_name_key(m.name), _name_key(m.name))
            if m.kind == "organization" and m.name.islower():
                known = self._find_org(m.name)
                if known is None and m.name.split()[-1:] and m.name.split()[-1] in _GENERIC_ORG:
                    known = self._org_before(m.start, m.name.split()[-1])
                if known is not None:
                    return known
            return self._get(sid, m.name, m.title, m.organization, m.kind, "")
        if m.kind == "role":
            known = self._find_role(m.name, m.start)
            if known is not None:
                return known
        sid = f"{self.article_id}-anon-{_name_key(m.name)}"
        return self._get(sid, m.name, m.title, m.organization, "anonymous", "")

    def _names_no_one(self, m: Mention) -> bool:
        """A person mention that names no one: a state abbreviation, or a multi-word name
        that :func:`implausible_person` rejects. A lone word is otherwise left to
        :meth:`_not_a_name` and the article's full names and organisations ("Cuban" after
        "Mark Cuban" is a person, "State" after "State Department" the department)."""
        if " " not in m.name.strip():
            low = m.name.lower().rstrip(".")
            # "Calif", "African-Americans"
            return low in _STATE_ABBREVIATIONS or (
                "-" in low and low.rsplit("-", 1)[-1] in _GROUP_HEADS
            )
        return implausible_person(m.name)

    def _not_a_name(self, m: Mention) -> bool:
        """A lone capitalised word that is no known surname and looks like a sentence-initial
        common word: one letter, an adverb or gerund ("Realistically", "Leading"), a demonym
        ("American"), a plural ("Voters"), or a listed non-name. "Mr. King" is a name."""
        if m.title or m.gender or " " in m.name.strip():
            return False
        low = m.name.lower()
        if low in _GROUP_HEADS and low.endswith("s"):
            return True  # "the Democrats" is capitalised mid-sentence, yet names no person
        if low in self.fullnames or any(
            s.source_type == "person" and s.name.split()[-1:] == [m.name]
            for s in self._recent_people()
        ):
            return False
        return (
            len(low) < 2
            or bool(_ACRONYM_PLURAL.fullmatch(m.name.strip()))
            or low in lexicon().non_names
            or (bool(_NOT_NAME_RE.search(low)) and not self._surname_in_ers(low))
            or (_plural(low) and low not in self.midcaps)
        )

    def _surname_in_ers(self, low: str) -> bool:
        """ "Sanders", "Rogers": a word in "-ers" that the article capitalises mid-sentence
        is a surname ("Voters" and "Pollsters" are lower case there)."""
        return low.endswith("ers") and "-" not in low and low in self.midcaps

    def _recent_people(self) -> list[Source]:
        return self._speaker_src[-50:]

    def _person(self, m: Mention) -> Source:
        name = m.name
        parts = name.split()
        if len(parts) == 1:
            full = self.fullnames.get(parts[0].lower())
            org = self._org_by_first_word(parts[0]) if full is None else None
            if org is not None:
                return org
            if full is not None:
                name = full
            else:
                for src in self.sources.values():
                    if src.source_type == "person" and src.name.split()[-1:] == parts:
                        name = src.name
                        break
        sid = self._aliases.get(_name_key(name), _name_key(name))
        gender = m.gender or given_name_gender(name)
        return self._get(sid, name, m.title, m.organization, "person", gender)

    def _recent_speaker(self, m: Mention) -> Source | None:
        """The last speaker before ``m`` within :data:`SPEAKER_REACH` characters, if their
        gender does not contradict the pronoun's."""
        i = bisect.bisect_left(self._speaker_pos, m.start) - 1
        if i < 0 or m.start - self._speaker_pos[i] > SPEAKER_REACH:
            return None
        src = self._speaker_src[i]
        if not can_be_he_or_she(src):
            return None
        gender = src.gender or given_name_gender(src.name)
        return src if gender in ("", m.gender) else None

    def _topic_since_speaker(self, m: Mention, recent: Source) -> Source | None:
        """The last person of ``m``'s gender who opened a sentence after the last speaker
        spoke and before ``m`` ("Trump posted ... Sanders captured Vermont. ... He told the
        crowd": Sanders), when not the speaker."""
        k = bisect.bisect_left(self._speaker_pos, m.start) - 1
        lo = bisect.bisect_right(self._subject_pos, self._speaker_pos[k])
        hi = bisect.bisect_left(self._subject_pos, m.start)
        for s in reversed(self._subject_src[lo:hi]):
            src = self._person(s)
            if src.source_id == recent.source_id:
                return None
            gender = given_name_gender(src.name) or src.gender
            if gender == m.gender and can_be_he_or_she(src):
                return src
        return None

    def _pronoun(self, m: Mention) -> Source | None:
        if m.gender == "p":
            return None
        recent = self._recent_speaker(m)
        if recent is not None:
            return self._topic_since_speaker(m, recent) or recent
        i = bisect.bisect_left(self._mention_pos, m.start) - 1
        first: Source | None = None
        while i >= 0 and i >= len(self._mention_pos) - 400:
            src = (
                self._person(self._mention_src[i])
                if self._mention_src[i].kind == "person"
                else None
            )
            if src is not None:
                if first is None:
                    first = src
                if not src.gender or src.gender == m.gender:
                    if not src.gender:
                        src.gender = m.gender
                    return src
            i -= 1
        return first

    def _find_role(self, phrase: str, pos: int) -> Source | None:
        lex = lexicon()
        words = [w for w in re.findall(r"[a-z\-]+", phrase.lower()) if w in lex.role_nouns]
        if not words:
            return None
        head = words[-1]
        i = bisect.bisect_left(self._mention_pos, pos) - 1
        while i >= 0 and i >= len(self._mention_pos) - 400:
            src = self._person(self._mention_src[i])
            if head in src.title.lower():
                return src
            i -= 1
        for src in reversed(list(self.sources.values())):
            if src.source_type == "person" and head in src.title.lower():
                return src
        return None

    def _find_org(self, phrase: str) -> Source | None:
        head = phrase.lower().split()[-1] if phrase.split() else ""
        for src in reversed(list(self.sources.values())):
            if src.source_type == "organization" and head and head in src.name.lower():
                return src
        return None
