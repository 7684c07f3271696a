"""Tests of credscore/ingest/_learned.py: speaker mentions of tagged source spans, and the
failure classes of issue 15 through the whole extractor."""

from __future__ import annotations

import pytest

from credscore.ingest import extract
from credscore.ingest._learned import mention_of_span


@pytest.mark.parametrize(
    ("span", "kind", "name"),
    [
        ("Sen. Lindsey Graham (R-S.C.)", "person", "Lindsey Graham"),
        ("Billionaire entrepreneur Peter Thiel", "person", "Peter Thiel"),
        ("Sanders campaign spokesman Michael Briggs", "person", "Michael Briggs"),
        ("Iowa State University's Dianne Bystrom", "person", "Dianne Bystrom"),
        ("an unnamed official at the ministry", "anonymous", None),
        ("Hillary Clinton’s aides", "anonymous", None),
        ("she", "pronoun", "she"),
    ],
)
def test_mention_of_span(span, kind, name):
    m = mention_of_span(span, 0, len(span))
    assert m.kind == kind
    if name is not None:
        assert m.name == name


def test_function_words_are_no_speakers():
    for span in ("who", "but", "which", "I'm", "it", "The", "Its", "don’t", "That’s", "Nor"):
        assert mention_of_span(span, 0, len(span)) is None


@pytest.mark.parametrize("tagger", ["rules", "default"])
@pytest.mark.parametrize(
    ("text", "speaker"),
    [
        ('"We will win," Mr. King added.', "king"),
        ("''We will win the state,'' Mr. King added.", "king"),
        (
            "Sen. Lindsey Graham (R-S.C.) said the deal was a disaster for the country.",
            "lindsey-graham",
        ),
        ("Michael Flynn said Trump was 'absolutely right' about the deal.", "michael-flynn"),
        ("Sen. Ron Johnson, R-Wis., said the hearing would go ahead.", "ron-johnson"),
        ("Rep. Adam Schiff, D-Calif., told reporters the memo was misleading.", "adam-schiff"),
        ("Sen. Chuck Schumer, D-N.Y., said the vote would be close.", "chuck-schumer"),
    ],
)
def test_issue_failure_classes(text, speaker, tagger):
    t = extract(text, tagger=tagger)
    assert t.statements["source_id"].tolist()[:1] == [speaker]


def test_kinds_default_and_all():
    text = "Ann Lee said prices would fall. Tom Reed believes the plant will close."
    assert set(extract(text).statements["kind"]) <= {"direct", "indirect", "according_to"}
    every = extract(text, kinds="all").statements
    assert {"indirect", "belief"} <= set(every["kind"])
    with pytest.raises(ValueError, match="kinds"):
        extract(text, kinds=["gossip"])


@pytest.mark.parametrize("tagger", ["rules", "default"])
def test_a_conjunction_after_a_comma_ends_the_claim(tagger):
    text = "Ann Lee said the bill would hurt families, while Tom Reed argued it would help."
    t = extract(text, tagger=tagger)
    first = t.statements.iloc[0]
    assert first["text"] == "the bill would hurt families"
    assert not first["text"].endswith(("while", ","))


def test_possessive_pronouns_are_pronoun_mentions():
    for span, gender in (("his", "m"), ("His", "m"), ("her", "f")):
        m = mention_of_span(span, 0, len(span))
        assert (m.kind, m.gender) == ("pronoun", gender)


def test_party_groups_keep_their_capitals_and_common_nouns_do_not():
    text = "Democrats said the bill would hurt families. Voters said the tax was too high."
    t = extract(text, kinds="all")
    names = t.sources.set_index("source_id").loc[t.statements["source_id"], "name"].tolist()
    assert names == ["Democrats", "voters"]


@pytest.mark.parametrize(
    ("span", "name"),
    [
        ("France's far-right National Front party leader, Marine Le Pen,", "Marine Le Pen"),
        ("The company's chief spokesman, John Smith", "John Smith"),
    ],
)
def test_a_role_before_a_comma_gives_the_apposed_name(span, name):
    m = mention_of_span(span, 0, len(span))
    assert (m.kind, m.name) == ("person", name)


def test_a_list_of_organisations_keeps_the_first():
    span = "Microsoft, Google and Apple"
    assert mention_of_span(span, 0, len(span)).name == "Microsoft"


@pytest.mark.parametrize(
    ("text", "speaker"),
    [
        (
            "Mark Penn, the Democratic pollster who worked for both Clintons for decades, "
            "argued that the party had lost ground on guns.",
            "mark-penn",
        ),
        (
            "Senator Bob Corker, a Tennessee Republican who has met with the nominee, said "
            "the party could still lose the state.",
            "bob-corker",
        ),
        (
            "LA CROSSE, Wisc. — Gov. Mike Pence on Thursday blamed the press, saying reporters "
            "had missed the point of the speech.",
            "mike-pence",
        ),
    ],
)
def test_appositions_and_datelines_do_not_take_the_speaker(text, speaker):
    """A role apposed to a name ("Mark Penn, the Democratic pollster who ...") speaks as the
    name, and a dateline is no subject; every statement of the sentence is the person's.
    (The tagger's reading: the rules alone still miss the first two.)"""
    t = extract(text, kinds="all")
    assert len(t.statements) >= 1
    assert set(t.statements["source_id"]) == {speaker}


def test_a_parenthetical_source_is_not_an_apposition():
    """In "Clinton, aides said, ..." the aides speak (no comma between them and the verb)."""
    from credscore.ingest._learned import apposed_person

    t = "Asked about Clinton, the senator said the talks had stalled."
    assert apposed_person(t, 0, t.index("the senator")) is None
    t = "Ann Lee, the mayor, said the bridge would reopen."
    assert apposed_person(t, 0, t.index("the mayor")).name == "Ann Lee"


@pytest.mark.parametrize("tagger", ["rules", "default"])
def test_an_inverted_said_after_a_list_of_names_gives_the_speaker_after_it(tagger):
    """Read forward, "... both Trump and Sanders, said Brad Bannon, a pollster" made
    Sanders say "Brad Bannon, a pollster"; "..., said Jane Doe" is Jane Doe's claim."""
    text = (
        "The plan would create a summer of agony for Clinton leading up to the convention, "
        "forcing her to fend off both Trump and Sanders, said Brad Bannon, a Democratic "
        "pollster and consultant."
    )
    st = extract(text, tagger=tagger, kinds="all").statements
    assert st["source_id"].tolist() == ["brad-bannon"]
    assert st["text"].iloc[0].startswith("The plan would create")


@pytest.mark.parametrize(
    "text",
    [
        "Craig Morris, an environmental blogger, wrote in German Energy Transition that "
        "the plan had failed.",
        "The senator, who opposed the plan, said Congress would act.",
        "Ann Lee, a law professor, wrote an assessment of the cases before the Supreme Court.",
    ],
)
def test_a_subject_before_the_verb_is_not_an_inversion(text):
    from credscore.ingest._reported import _inverted, _last_verb
    from credscore.ingest._text import segment

    s = segment(text)[0]
    assert not _inverted(text, s, _last_verb(text, s))


@pytest.mark.parametrize("tagger", ["rules", "default"])
def test_a_contraction_or_an_opening_participle_is_no_speaker(tagger):
    text = (
        "I'm old enough to remember President Jimmy Carter going on TV in 1977, declaring a "
        "war against dependence on oil. Reached by phone on Tuesday, Joyce — who is listed as "
        "an attorney in Illinois but does not practice law — told the paper he is not "
        "planning an appeal. He said, however, that he hopes somebody else takes up the cause."
    )
    t = extract(text, tagger=tagger, kinds="all", min_confidence=float("-inf"))
    names = set(t.sources.loc[t.sources["source_id"].isin(t.statements["source_id"]), "name"])
    assert not names & {"I'm", "Reached"}


def test_the_object_of_according_to_runs_past_a_title_abbreviation():
    from credscore.ingest._learned import _alternatives
    from credscore.ingest._link import TagAttribution
    from credscore.ingest._tagdoc import tag_doc

    text = "Prices rose, according to former Sen. Scott Brown."
    d = tag_doc(text)
    acc = d.words.index("according")
    att = TagAttribution([(acc, acc + 2)], [(0, 2)], None, kind="according_to")
    alts = dict(_alternatives(text, d, att, None, None))
    assert alts["according"].name == "Scott Brown"


@pytest.mark.parametrize("tagger", ["rules", "default"])
def test_a_parenthetical_reporting_clause_reports_the_sentence_around_it(tagger):
    text = (
        "The council met on Monday. Rents, the mayor said on Monday, will rise again next "
        "year. Voters, Ann Lee suggested, need not worry about the new tax."
    )
    t = extract(text, tagger=tagger)
    st = t.statements.merge(t.sources, on="source_id")
    got = dict(zip(st["text"], st["name"], strict=True))
    assert got.get("Rents will rise again next year") == "mayor"
    assert got.get("Voters need not worry about the new tax") == "Ann Lee"


def test_a_source_span_with_an_unlisted_title_before_the_name_is_that_person():
    """ "master of ceremonies Omar Haddad, a Syrian engineer": the name after a title no
    lexicon holds, not an unnamed source called by the whole span; "a spokesman for Mayor
    Frank Jackson" stays the spokesman."""
    t = "master of ceremonies Omar Haddad, a Syrian engineer who moved to Ames years ago"
    m = mention_of_span(t, 0, len(t))
    assert (m.kind, m.name) == ("person", "Omar Haddad")
    t = "a spokesman for Mayor Frank Jackson"
    assert mention_of_span(t, 0, len(t)).kind != "person"


@pytest.mark.parametrize(
    ("text", "head", "start"),
    [
        # the tagger starts the source at its head; the modifiers and the noun whose
        # prepositional phrase it is belong to it
        ("Some backers of tidal power research said the plan works.", "research", "Some"),
        ("Yesterday, rural school principals said it was unclear.", "principals", "rural"),
        ("Parents in the town of Kessel said the school stays.", "Kessel", "Parents"),
        # a verb, a relative word or an -ly adverb is no modifier
        ("The memo that reporters said was leaked named him.", "reporters", "reporters"),
        ("He told them recently officials said so.", "officials", "officials"),
    ],
)
def test_a_source_span_starts_at_its_noun_phrase(text, head, start):
    from credscore.ingest._learned import _np_start
    from credscore.ingest._tagdoc import tag_doc

    d = tag_doc(text)
    k = list(d.words).index(head)
    assert d.words[_np_start(d, k)] == start


@pytest.mark.parametrize(
    ("text", "name"),
    [
        ("Inside the packed union hall, Rosa Diaz on Friday called", "Rosa Diaz"),
        ("Prior to the vote, Omar Haddad urged", "Omar Haddad"),
        ("After the second debate, the governor argued", "governor"),
        ("After the vote, in a statement, Dan Reyes said", "Dan Reyes"),
    ],
)
def test_the_subject_follows_a_fronted_phrase(text, name):
    from credscore.ingest._reported import sentence_subject

    m = sentence_subject(text, 0, text.rindex(" "))
    assert m is not None and m.name == name


def test_an_opening_adverb_or_time_phrase_is_no_speaker():
    from credscore.ingest._reported import sentence_subject

    t = "Previously, the agency had spent weeks denying claims"
    m = sentence_subject(t, 0, t.index(" had"))
    assert m is not None and m.name != "Previously"
    for span in (
        "Previously",
        "Reportedly",
        "softly",
        "Moreover",
        "two weeks ago",
        "a few days ago",
    ):
        assert mention_of_span(span, 0, len(span)) is None
    # a name is still a name, and "years ago" inside a longer span is no time phrase
    assert mention_of_span("Kelly", 0, 5).kind == "person"


def test_a_verb_phrase_taken_for_the_source_gives_way_to_the_name_after_said():
    """The tagger may tag "were decided by 5-to-4 votes" as the source of "..., said Lee
    Epstein"; a span that opens with a verb (or "I'm") is no speaker, and the name after
    the inverted "said" is."""
    from credscore.ingest._learned import _ByStart, _to_raw
    from credscore.ingest._link import TagAttribution
    from credscore.ingest._tagdoc import tag_doc

    for span in ("were decided by 5-to-4 votes", "I'm old enough", "Orlando-based"):
        assert mention_of_span(span, 0, len(span)) is None, span
    text = "Most big cases were decided by 5-to-4 votes, said Lee Epstein, who teaches law."
    d = tag_doc(text)
    w = list(d.words)
    said, were = w.index("said"), w.index("were")
    att = TagAttribution(
        cue=[(said, said + 1)],
        content=[(0, w.index(","))],
        source=(were, w.index(",")),
        kind="indirect",
    )
    raw = _to_raw(text, d, att, _ByStart([]))
    assert raw is not None and raw.attribution.speaker.name == "Lee Epstein"


def test_fronted_phrases_are_skipped_in_linear_time():
    """A chain of fronted phrases ("In a, in b, in c, ...") is read one level deep: the call
    count grows with the commas, not exponentially."""
    import credscore.ingest._reported as rep

    calls = 0
    real = rep.sentence_subject

    def counting(*args, **kwargs):
        nonlocal calls
        calls += 1
        return real(*args, **kwargs)

    text = "In the hall, " + "in the hall, " * 14 + "the hall"
    rep.sentence_subject = counting
    try:
        counting(text, 0, len(text))
    finally:
        rep.sentence_subject = real
    assert calls <= 16
