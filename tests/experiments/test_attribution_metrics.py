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
