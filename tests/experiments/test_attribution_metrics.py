"""The PolNeAR matching rules of ``experiments/_attribution_metrics.py`` on a constructed text.

``attribution_eval.py`` needs the corpus; these checks run without it, so a renamed module or
a changed rule breaks here and not only in a long evaluation run.
"""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "experiments"))
am = pytest.importorskip("_attribution_metrics")
sys.path.pop(0)

TEXT = (
    "Sen. Mary Holt (D-Ore.) said the bridge would open in May. "
    "Mr. Pavel Brandt disagreed. He said the budget was gone. "
    "She added that the vote was close."
)


def _span(word: str, nth: int = 0) -> tuple[int, int]:
    start = -1
    for _ in range(nth + 1):
        start = TEXT.index(word, start + 1)
    return (start, start + len(word))


def _gold(source: str, content: str, nth: int = 0) -> am.Gold:
    return am.Gold([_span(content)], [], [_span(source, nth)], "indirect", True)


def test_lenient_match_needs_half_of_the_shorter_span_and_is_one_to_one():
    gold = [[(10, 20)], [(30, 40)]]
    # 5 of the shorter span's 10 characters overlap: a match; 4 of 10 is not
    assert am.match([[(15, 25)]], gold) == {0: 0}
    assert am.match([[(16, 26)]], gold) == {}
    # two predictions on one gold span: only the larger overlap is matched
    assert am.match([[(10, 19)], [(10, 20)]], [[(10, 20)]]) == {1: 0}


def test_gold_head_skips_titles_and_appositions():
    assert am.gold_head(TEXT, [_span("Sen. Mary Holt (D-Ore.)")]) == "holt"


def test_pronouns_resolve_to_the_nearest_earlier_person_of_their_gender():
    golds = [
        _gold("Sen. Mary Holt", "the bridge would open in May"),
        _gold("Mr. Pavel Brandt", "disagreed"),
        _gold("He", "the budget was gone"),
        _gold("She", "the vote was close"),
    ]
    am.antecedents(TEXT, golds)
    assert golds[2].antecedent == "brandt"
    assert golds[3].antecedent == "holt"  # skips the nearer man


def test_speaker_right_judges_the_named_person_and_the_pronoun_antecedent():
    holt = _gold("Sen. Mary Holt (D-Ore.)", "the bridge would open in May")
    he = _gold("He", "the budget was gone")
    am.antecedents(TEXT, [holt, _gold("Mr. Pavel Brandt", "disagreed"), he])
    right = am.Pred([_span("the bridge would open in May")], speaker="Mary Holt")
    wrong = am.Pred([_span("the bridge would open in May")], speaker="Pavel Brandt")
    assert am.speaker_right(TEXT, right, holt) is True
    assert am.speaker_right(TEXT, wrong, holt) is False
    assert am.speaker_right(TEXT, am.Pred([], speaker="Pavel Brandt"), he) is True
    assert am.speaker_right(TEXT, am.Pred([], speaker="Mary Holt"), he) is False


def test_pronouns_skip_sources_that_name_no_person():
    text = (
        "Mr. Pavel King said the king was gone. Americans said the bridge was fine. "
        "Florida said the roads were shut. Street said the fee was too high on the street. "
        "He said the vote was close."
    )

    def gold(source: str, content: str) -> am.Gold:
        a, c = text.index(source), text.index(content)
        return am.Gold([(c, c + len(content))], [], [(a, a + len(source))], "indirect", True)

    he = gold("He", "the vote was close")
    golds = [
        gold("Mr. Pavel King", "the king was gone"),
        gold("Americans", "the bridge was fine"),
        gold("Florida", "the roads were shut"),
        gold("Street", "the fee was too high"),
        he,
    ]
    am.antecedents(text, golds)
    # a demonym, a place and a word also written in lower case are no one; "Mr. King" is
    # a person although "king" also appears in lower case
    assert he.antecedent == "king"


def _golds_in(text: str, *pairs: tuple[str, str]) -> list:
    out = []
    for source, content in pairs:
        a, c = text.index(source), text.index(content)
        out.append(am.Gold([(c, c + len(content))], [], [(a, a + len(source))], "direct", True))
    return out


def test_a_pronoun_refers_to_the_person_named_just_before_it_not_the_last_gold_source():
    """ "Ms. Gil gazed out. 'Fine,' she said": the subject named in the sentence before, not
    the last woman who was a gold source; the old rule ("source") took the latter."""
    text = (
        "Ms. Nora Vale said the park was closing. Ms. Ida Gil gazed out across the ramp. "
        "''We will keep skating,'' she said."
    )
    golds = _golds_in(text, ("Ms. Nora Vale", "the park was closing"), ("she", "We will keep"))
    am.antecedents(text, golds)
    assert golds[1].antecedent == "gil"
    old = _golds_in(text, ("Ms. Nora Vale", "the park was closing"), ("she", "We will keep"))
    am.antecedents(text, old, rule="source")
    assert old[1].antecedent == "vale"


def test_the_subject_rule_skips_possessives_prepositions_quotes_and_the_claim_itself():
    text = (
        "Mr. Paul Reed spoke on Monday. Mr. Tom Cole filled his speeches for Mr. Dan Ames "
        "with jokes. He praised Mr. Ames's plan, he said. Mr. Al Vogt's idea failed, he said."
    )
    golds = _golds_in(
        text,
        ("Mr. Paul Reed", "on Monday"),
        ("He", "praised"),
        ("he", "praised Mr"),
        ("he", "idea failed"),
    )
    golds[2].source = [(text.index("he said"), text.index("he said") + 2)]
    golds[2].content = [(text.index("He praised"), text.index(", he said"))]
    k = text.index("he said. Mr. Al")
    golds[3].source = [(text.index("he said", k + 1), text.index("he said", k + 1) + 2)]
    am.antecedents(text, golds)
    # the previous sentence's subject, not the man after "for"
    assert golds[1].antecedent == "cole"
    # a subject pronoun opens the sentence: its names are not the referent (and the claim
    # "He praised Mr. Ames's plan" is the attribution's own content)
    assert golds[2].antecedent == "cole"
    # a possessive is no subject: "Mr. Al Vogt's idea failed, he said" is not Vogt; with no
    # subject named in this sentence or the one before, the nearest gold source stands
    assert golds[3].antecedent == "reed"


def test_unnamed_sources_need_a_shared_word_or_an_overlapping_span():
    text = (
        "Revenue rose, according to data released Friday by state gaming regulators. "
        "Prices fell, a senior adviser said."
    )
    data, adviser = _golds_in(
        text,
        ("data released Friday by state gaming regulators", "Revenue rose"),
        ("a senior adviser", "Prices fell"),
    )
    regulators = am.Pred([], speaker="state gaming regulators", speaker_type="anonymous")
    assert am.speaker_right(text, regulators, data) is True
    assert am.speaker_right(text, regulators, data, rule="head") is False  # "friday"
    hours = am.Pred([], speaker="hours", speaker_type="anonymous")
    assert am.speaker_right(text, hours, adviser) is False
    assert am.speaker_right(text, hours, adviser, rule="head") is True
    a = text.index("a senior adviser")
    role = am.Pred([], source=(a, a + 16), speaker="senior adviser", speaker_type="anonymous")
    assert am.speaker_right(text, role, adviser) is True


def test_a_person_inside_an_unnamed_source_is_its_author_only_for_documents():
    text = (
        "Taxes rose, the Freedom Partners Action Fund, a super PAC financed by billionaire "
        "industrialist Charles Koch and other donors, said. Turnout fell, a Times/CBS News "
        "poll in December found. Rents fell, Authorities in North Westphalia said."
    )
    fund, poll, authorities = _golds_in(
        text,
        (
            "the Freedom Partners Action Fund, a super PAC financed by billionaire "
            "industrialist Charles Koch and other donors",
            "Taxes rose",
        ),
        ("a Times/CBS News poll in December", "Turnout fell"),
        ("Authorities in North Westphalia", "Rents fell"),
    )
    koch = am.Pred([], speaker="Charles Koch", speaker_type="person")
    assert am.speaker_right(text, koch, fund) is False
    times = am.Pred([], speaker="Times", speaker_type="person")
    assert am.speaker_right(text, times, poll) is True
    unnamed = am.Pred([], speaker="Authorities", speaker_type="organization")
    assert am.speaker_right(text, unnamed, authorities) is True
    assert am.speaker_right(text, unnamed, authorities, rule="head") is False
