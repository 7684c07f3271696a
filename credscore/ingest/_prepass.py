"""First pass over an article: full names, titled people, outlets and call signs mentioned
anywhere outside quotes (antecedents for later surnames, roles and pronouns)."""

from __future__ import annotations

import re

from credscore.ingest._lexicon import lexicon
from credscore.ingest._speakers import Mention, person_or_org
from credscore.ingest._speakers_registry import Source, SpeakerRegistry, implausible_person
from credscore.ingest._text import Sentence
from credscore.ingest._titles import organization_of
from credscore.ingest._tokens import runs, tokens

__all__ = ["prepass"]

_CALL_SIGN_RE = re.compile(
    r"\b(?:[Tt]he|[Aa]n?)\s+([a-z][^,.;:“”\"\n]{2,120}?)\s+(?:with|under|known\s+by)\s+(?:the\s+)?"
    r"call\s*-?sign\s+[“\"‘']?([^\W\d_][\w\-]*)"
)


def _outside_quotes(s: Sentence) -> list[tuple[int, int]]:
    pieces, a = [], s.start
    for q in s.standalone:
        if q.open_at > a:
            pieces.append((a, q.open_at))
        a = max(a, (q.close_at + 1) if q.closed else q.end)
    if a < s.end:
        pieces.append((a, s.end))
    return pieces


# A capitalised word right after a lower-case word or a comma: a name, not a sentence start.
_MIDCAP_RE = re.compile(r"(?<=[a-z,] )[A-Z][\w\-]*")
_DEMONYM_RE = re.compile(r"(?:an|ian|ean|ese|ish|i|ic)$")
_AFTER_NAME = frozenset("and who was is has had will would could did does later also then".split())


def _adjectival(toks: list, i: int, j: int, m: Mention) -> bool:
    """``North Korean troops``, ``Ukrainian forces``: a demonym, not a person."""
    if m.title or not _DEMONYM_RE.search(toks[j - 1].text):
        return False
    if j >= len(toks):
        return False
    nxt = toks[j]
    if nxt.text == "(":
        return True
    low = nxt.text.lower()
    return (
        nxt.text[:1].islower() and low not in lexicon().reporting_verbs and low not in _AFTER_NAME
    )


#: "Sanders's" after a name: the name is a possessive, not the sentence's subject.
_POSSESSIVE_AT = re.compile(r"['’]s?\b")


#: Verbs right after a name that make it the subject of its clause ("The day before, at a
#: rally in Ames, Mr. Lee was just as blunt").
_SUBJECT_VERBS = frozenset(
    """was is has had have will would could can did does also then later again wasn isn
    hasn hadn didn doesn won wouldn couldn""".split()
)
#: Conjunctions after a comma that open a clause with its own subject ("..., but Christie
#: wasn't having it").
_CLAUSE_JOINS = frozenset("but and while as yet so".split())


#: A speech tag with a pronoun later in the sentence ("Also, Trump isn't a conservative, he
#: said."): the names before it are what was said, not the sentence's subject.
_PRONOUN_TAG = re.compile(r",\s+(?:he|she)\s+(?:said|says|added|adds|argued|noted|told)\b")


def _subject_verb(low: str, reporting: frozenset[str]) -> bool:
    """Whether the word after a name is its verb ("was", "wasn’t", "said")."""
    return re.split(r"['’]", low)[0] in _SUBJECT_VERBS or low in reporting


def prepass(text: str, sents: list[Sentence], reg: SpeakerRegistry) -> list[Source]:
    """Full names, titled people, outlets and call signs mentioned anywhere (outside quotes)."""
    lex = lexicon()
    always: list[Source] = []
    reg.midcaps.update(w.lower() for w in _MIDCAP_RE.findall(text))
    for s in sents:
        for a, b in _outside_quotes(s):
            toks = tokens(text, a, b)
            first_person = True
            for i, j in runs(toks):
                m = person_or_org(toks, i, j, text, 0)
                if m is None:
                    continue
                if m.kind == "person":
                    if _adjectival(toks, i, j, m) or implausible_person(m.name):
                        continue
                    if len(m.name.split()) >= 2:
                        reg.add_fullname(m.name)
                    # "Mr. Obama" (an honorific gives the gender) is a person as surely as a
                    # titled or a full name
                    if (
                        m.title
                        or m.gender
                        or len(m.name.split()) >= 2
                        or m.name.lower() in reg.fullnames
                    ):
                        reg.note_person(m)
                        opens = i == 0 and a == s.start
                        # "At a rally in Beaumont, Tex., Mr. Trump was just as blunt": the
                        # subject after a fronted phrase
                        fronted = (
                            a == s.start
                            and i > 1
                            and first_person
                            and (
                                toks[i - 1].text == ","
                                or (toks[i - 1].low in _CLAUSE_JOINS and toks[i - 2].text == ",")
                            )
                            and j < len(toks)
                            and _subject_verb(toks[j].low, lex.reporting_verbs)
                        )
                        if (
                            (opens or fronted)
                            and not _POSSESSIVE_AT.match(text, m.end)
                            and not _PRONOUN_TAG.search(text, m.end, s.end)
                        ):
                            reg.note_subject(m)
                        first_person = False
                    if m.title:
                        reg.resolve(m)
                    continue
                if m.kind == "organization":
                    reg.note_org(m)
                desc = any(t.low in lex.outlet_descriptors for t in toks[max(0, i - 3) : i])
                if m.kind == "outlet" or (desc and m.kind == "organization" and j - i > 1):
                    src = reg.resolve(Mention("outlet", m.name, "", "", m.start, m.end))
                    if src is not None:
                        always.append(src)
                        alias = re.match(r"\s*\(([^()\s]{2,12})\)", text[m.end : m.end + 20])
                        if alias:
                            reg.add_alias(alias.group(1), src.source_id)
    for cs in _CALL_SIGN_RE.finditer(text):
        title, name = cs.group(1).strip(), cs.group(2)
        mention = Mention("person", name, title, organization_of(title), cs.start(2), cs.end(2))
        src = reg.resolve(mention)
        reg.note_person(mention)
        if src is not None:
            always.append(src)
    return always
