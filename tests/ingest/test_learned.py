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
    for span in ("who", "but", "which", "I'm", "it"):
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
