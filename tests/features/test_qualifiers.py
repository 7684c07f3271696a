"""Tests for credscore.features.qualifiers: spans, context rules, features, lexicon files."""

from __future__ import annotations

import itertools
import json
import time

import numpy as np
import pandas as pd
import pytest

from credscore.exceptions import LexiconError, SchemaError
from credscore.features.qualifiers import (
    COUNT_CAP,
    FEATURE_COLUMNS,
    QUALIFIER_CATEGORIES,
    SPAN_COLUMNS,
    Lexicon,
    Qualifier,
    find_qualifiers,
    load_lexicon,
    qualifier_features,
    scan_qualifiers,
)

#: The cue rules alone: most tests below pin lexicon behaviour, which the learned model (tested
#: on its own further down) only adds to.
LEX = load_lexicon(learned=False)


def spans(text: str, lexicon: Lexicon | None = None) -> list[tuple[str, str]]:
    return [(q.category, q.cue) for q in find_qualifiers(text, lexicon or LEX)]


def cats(text: str) -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    for cat, cue in spans(text):
        out.setdefault(cat, []).append(cue.lower())
    return out


# --------------------------------------------------------------------------- the issue's examples


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("They were probably forced to withdraw", [("hedge", "probably")]),
        ("almost total withdrawal", [("approximator", "almost"), ("absolute", "total")]),
        (
            "his comments only referred to areas where our units are active",
            [("scope_limiter", "only"), ("scope_limiter", "areas where")],
        ),
        ("according to reports", [("hearsay", "according to")]),
        ("as many as 8,000", [("approximator", "as many as"), ("number", "8,000")]),
    ],
)
def test_issue_examples(text, expected):
    assert spans(text) == expected


@pytest.mark.parametrize(
    "figure", ["8,000", "4.7 percent", "a third", "1.2 million", "40%", "$4.5 billion", "twelve"]
)
def test_concrete_figures_are_numbers(figure):
    assert spans(f"The count was {figure} on Monday.") == [("number", figure)]


def test_offsets_slice_the_original_text_with_curly_quotes_and_case():
    text = "“PROBABLY,” he said — ‘It’s possible’, Reportedly."
    found = find_qualifiers(text, LEX)
    assert [q.category for q in found] == ["hedge", "hedge", "hearsay"]
    for q in found:
        assert text[q.start : q.end] == q.cue
    assert found[1].cue == "It’s possible"


def test_result_is_sorted_and_non_overlapping():
    found = find_qualifiers("At least 17 people, at least in the north, almost all of them.")
    starts = [q.start for q in found]
    assert starts == sorted(starts)
    assert all(a.end <= b.start for a, b in itertools.pairwise(found))


# --------------------------------------------------------------------------- context rules


def test_about_is_an_approximator_only_before_a_quantity():
    assert cats("They spoke about the war.") == {}
    assert cats("They spoke about 300 soldiers.") == {"approximator": ["about"], "number": ["300"]}
    assert cats("It lasted about a week.") == {"approximator": ["about"]}


@pytest.mark.parametrize(
    "text",
    ["between 1990 and 2005", "Between the years 2001 and 2009", "between 1990-2005",
     "between 1990 \u2013 2005"],
)  # fmt: skip
def test_a_range_of_years_is_no_approximation(text):
    assert "approximator" not in cats(text)


@pytest.mark.parametrize(
    "text", ["between 20 and 30 percent", "between 2000 and 3000 people", "between 1,000 and 2,000"]
)
def test_a_range_of_quantities_is_an_approximation(text):
    assert cats(text)["approximator"] == ["between"]


def test_at_least_before_a_number_or_a_place():
    assert cats("at least 17 people died") == {"approximator": ["at least"], "number": ["17"]}
    assert cats("at least in the north") == {"scope_limiter": ["at least"]}
    assert cats("At least that is what he said.") == {}


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Some 300 families remain.", {"approximator": ["some"], "number": ["300"]}),
        ("Some units were pulled back.", {"scope_limiter": ["some"]}),
        ("They waited for some time.", {}),
    ],
)
def test_some(text, expected):
    assert cats(text) == expected


def test_only_is_a_limiter_but_not_in_not_only():
    assert cats("The law applies only to large firms.") == {"scope_limiter": ["only"]}
    assert cats("Not only the army but also the police left.") == {}


def test_may_the_month_is_not_a_hedge():
    assert cats("The vote was held on May 14.") == {"number": ["14"]}
    assert cats("In May the talks resumed.") == {}
    assert cats("The talks may resume.") == {"hedge": ["may"]}


def test_all_and_total_exceptions():
    assert cats("After all, the troops stayed.") == {}
    assert cats("A total of 214 seats were won.") == {"number": ["214"]}
    assert cats("Not all units left.") == {"scope_limiter": ["not all"]}
    assert cats("All units left.") == {"absolute": ["all"]}


def test_according_to_plan_is_not_hearsay():
    assert cats("Everything went according to plan.") == {"absolute": ["everything"]}


def test_could_not_is_not_a_hedge():
    assert cats("Police could not confirm the report.") == {}
    assert cats("Prices could rise.") == {"hedge": ["could"]}


def test_one_of_is_not_a_number_but_one_soldier_is():
    assert cats("It is one of the worst floods.") == {}
    assert cats("One soldier was wounded.") == {"number": ["one"]}
    assert cats("No one was hurt.") == {"absolute": ["no one"]}


def test_longest_cue_wins_across_categories():
    assert cats("It will most likely rain.") == {"hedge": ["most likely"]}
    assert cats("All but one village was evacuated.") == {
        "approximator": ["all but"],
        "number": ["one"],
    }


# --------------------------------------------------------------------------- boundaries


@pytest.mark.parametrize(
    "text",
    [
        "The overall picture is allegorical.",  # all / alleged inside words
        "A nevertheless unlikelihood",  # never / likely inside words
        "Everyone's",  # no match inside a possessive word part after a letter
        "an all-out war and a non-total ban",  # hyphenated compounds
        "The onlyness of it",
    ],
)
def test_cue_inside_a_larger_word_never_matches(text):
    found = {q.cue.lower() for q in find_qualifiers(text)}
    assert not found & {"all", "never", "likely", "total", "only", "alleged"}


def test_hyphenated_and_spaced_multiword_cues():
    for text in ("so-called experts", "so called experts", "so - called experts"):
        assert [c for c, _ in spans(text)] == ["hearsay"]
    assert cats("up-to 300 people") == {"approximator": ["up-to"], "number": ["300"]}
    assert spans("at\nleast 5") == [("approximator", "at\nleast"), ("number", "5")]


def test_dotted_capital_i_keeps_offsets():
    text = "İstanbul officials said almost all left."
    found = find_qualifiers(text, LEX)
    assert [q.cue for q in found] == ["almost", "all"]
    assert all(text[q.start : q.end] == q.cue for q in found)


# --------------------------------------------------------------------------- missing and bad input


@pytest.mark.parametrize("missing", [None, float("nan"), pd.NA, ""])
def test_missing_text_gives_no_spans(missing):
    assert find_qualifiers(missing) == []


def test_non_string_text_raises_schema_error():
    with pytest.raises(SchemaError, match="int"):
        find_qualifiers(42)  # type: ignore[arg-type]


def test_features_missing_values_are_zero_rows():
    df = qualifier_features(["Almost all left.", None, float("nan"), "", pd.NA])
    assert list(df.columns) == list(FEATURE_COLUMNS)
    assert list(qualifier_features([], LEX).columns) == [
        c for c in FEATURE_COLUMNS if c != "q_uncertainty"
    ]
    assert df.iloc[0]["q_any"] == 1
    assert (df.iloc[1:].to_numpy() == 0).all()


def test_features_non_string_raises_naming_index_labels():
    s = pd.Series(["fine", 3, "ok", 4.5], index=["a", "b", "c", "d"])
    with pytest.raises(SchemaError) as info:
        qualifier_features(s)
    assert "'b'" in str(info.value) and "'d'" in str(info.value)
    assert info.value.problems[0]["rows"] == ["b", "d"]


def test_features_reject_a_bare_string():
    with pytest.raises(SchemaError, match="single string"):
        qualifier_features("probably")  # type: ignore[arg-type]


# --------------------------------------------------------------------------- features


def test_features_match_spans_and_keep_the_index():
    texts = pd.Series(
        [
            "Up to 40,000 people could lose their jobs, according to the union.",
            "The talks ended.",
            "Up to 40,000 people could lose their jobs, according to the union.",
            "Nobody knows; sources said only 3 of the 9 units left\x00 entirely.",
        ],
        index=[10, 20, 30, 40],
    )
    df = qualifier_features(texts, LEX)
    assert list(df.index) == [10, 20, 30, 40]
    for label, text in texts.items():
        found = find_qualifiers(text, LEX)
        for cat in QUALIFIER_CATEGORIES:
            assert df.loc[label, f"q_{cat}"] == sum(q.category == cat for q in found)
    row = df.loc[10]
    assert (row["q_approximator"], row["q_number"], row["q_hedge"], row["q_hearsay"]) == (
        1,
        1,
        1,
        1,
    )
    assert row["q_any"] == 1
    assert row["q_per_100_words"] == pytest.approx(100 * 3 / 12)  # 12 words, numbers excluded
    assert df.loc[20, "q_any"] == 0


def test_features_plain_sequence_and_empty_input():
    df = qualifier_features(["It may rain.", "Never."], LEX)
    assert list(df.index) == [0, 1]
    assert df["q_hedge"].tolist() == [1, 0] and df["q_absolute"].tolist() == [0, 1]
    empty = qualifier_features([])
    assert empty.shape == (0, len(FEATURE_COLUMNS))


def test_features_string_dtype_series():
    s = pd.Series(["probably", None], dtype="string")
    assert qualifier_features(s)["q_hedge"].tolist() == [1, 0]


def test_numbers_alone_do_not_make_q_any():
    df = qualifier_features(["8,000 troops remain."])
    assert df.loc[0, "q_number"] == 1
    assert df.loc[0, "q_any"] == 0 and df.loc[0, "q_per_100_words"] == 0.0


# --------------------------------------------------------------------------- lexicon files


def write(tmp_path, data, name="lex.json"):
    path = tmp_path / name
    path.write_text(json.dumps(data), encoding="utf-8")
    return path


def test_default_lexicon_has_version_and_file_hash():
    import hashlib
    from importlib import resources

    lex = load_lexicon(learned=False)
    raw = resources.files("credscore.features").joinpath("data/qualifiers.json").read_bytes()
    assert lex.sha256 == lex.lexicon_sha256 == hashlib.sha256(raw).hexdigest()
    assert lex.version == json.loads(raw)["version"]
    assert lex.manifest_entry()["sha256"] == lex.sha256


def test_sha256_covers_the_lexicon_and_the_model_file(tmp_path):
    import hashlib
    import shutil
    from importlib import resources

    lex = load_lexicon()
    model = resources.files("credscore.features").joinpath("data/qualifier_model.npz")
    model_sha = hashlib.sha256(model.read_bytes()).hexdigest()
    assert lex.model is not None and lex.model.sha256 == model_sha
    assert lex.sha256 == hashlib.sha256(f"{lex.lexicon_sha256}:{model_sha}".encode()).hexdigest()
    assert lex.version.startswith(load_lexicon(learned=False).version + ";model=")
    entry = lex.manifest_entry()
    assert entry["sha256"] == lex.sha256 and entry["model_sha256"] == model_sha
    # A different model file (here: the same weights, one byte of metadata changed) changes it.
    copy = tmp_path / "m.npz"
    with resources.as_file(model) as src:
        shutil.copy(src, copy)
    _rewrite_meta(copy, version="other")
    assert load_lexicon(learned=copy).sha256 != lex.sha256


def _rewrite_meta(path, **changes):
    with np.load(path, allow_pickle=False) as npz:
        arrays = {k: npz[k] for k in npz.files}
    meta = json.loads(str(arrays["meta"]))
    meta.update(changes)
    arrays["meta"] = np.array(json.dumps(meta))
    np.savez(path, **arrays)


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"version": 3}, "meta.version"),
        ({"bits": 40}, "meta.bits"),
        ({"format": 9}, "format"),
        ({"lexicon_categories": "hedge"}, "lexicon_categories"),
    ],
)
def test_malformed_model_file_names_the_file(tmp_path, change, message):
    import shutil
    from importlib import resources

    path = tmp_path / "bad_model.npz"
    with resources.as_file(
        resources.files("credscore.features").joinpath("data/qualifier_model.npz")
    ) as src:
        shutil.copy(src, path)
    _rewrite_meta(path, **change)
    with pytest.raises(LexiconError, match=message) as info:
        load_lexicon(learned=path)
    assert "bad_model.npz" in str(info.value)


def test_model_file_that_is_not_npz_or_holds_objects_is_refused(tmp_path):
    junk = tmp_path / "junk.npz"
    junk.write_bytes(b"not a zip")
    with pytest.raises(LexiconError, match=r"junk\.npz"):
        load_lexicon(learned=junk)
    pickled = tmp_path / "pickled.npz"
    np.savez(
        pickled,
        meta=np.array([{"a": 1}], dtype=object),
        index=np.zeros(1),
        value=np.zeros(1),
        lexicon=np.zeros(1),
        bias=np.zeros(1),
    )
    with pytest.raises(LexiconError, match="pickled"):
        load_lexicon(learned=pickled)
    with pytest.raises(LexiconError, match="cannot be read"):
        load_lexicon(learned=tmp_path / "missing.npz")


def test_user_file_extends_the_default(tmp_path):
    path = write(
        tmp_path,
        {
            "version": "u1",
            "categories": {"hedge": ["in my humble opinion"]},
            "remove": {"hedge": ["probably"]},
        },
    )
    lex = load_lexicon(path, learned=False)
    assert lex.version.endswith("+u1")
    assert lex.sha256 != LEX.sha256
    assert spans("In my humble opinion it is probably fine, perhaps.", lex) == [
        ("hedge", "In my humble opinion"),
        ("hedge", "perhaps"),
    ]


def test_a_changed_user_file_is_compiled_again(tmp_path):
    # compiled lexicons are reused by content: the same file twice shares its pattern, an
    # edited file at the same path gets its own
    first = write(tmp_path, {"version": "c1", "categories": {"hedge": ["grapevine"]}})
    a = load_lexicon(first, extend=False, learned=False)
    b = load_lexicon(first, extend=False, learned=False)
    assert a.pattern is b.pattern and a.sha256 == b.sha256
    write(tmp_path, {"version": "c1", "categories": {"hedge": ["rumour mill"]}})
    c = load_lexicon(first, extend=False, learned=False)
    assert c.sha256 != a.sha256
    assert spans("It came from the rumour mill, not the grapevine.", c) == [
        ("hedge", "rumour mill")
    ]
    assert spans("It came from the rumour mill, not the grapevine.", a) == [("hedge", "grapevine")]


def test_user_file_replaces_the_default(tmp_path):
    path = write(tmp_path, {"version": "r1", "categories": {"hearsay": [{"cue": "grapevine"}]}})
    lex = load_lexicon(path, extend=False, learned=False)
    assert spans("Probably heard it on the grapevine.", lex) == [("hearsay", "grapevine")]
    assert qualifier_features(["on the grapevine"], lexicon=lex)["q_hearsay"].tolist() == [1]


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"categories": {"hedge": ["x"]}}, "version"),
        ({"version": "1", "categories": {"rumour": ["x"]}}, "unknown category 'rumour'"),
        ({"version": "1", "categories": {"hedge": [""]}}, "entry #0"),
        ({"version": "1", "categories": {"hedge": ["ok", {"cue": 5}]}}, "entry #1"),
        ({"version": "1", "categories": {"hedge": [{"regex": "(a)"}]}}, "capturing groups"),
        ({"version": "1", "categories": {"hedge": [{"regex": "[a"}]}}, "invalid regex"),
        ({"version": "1", "categories": {"hedge": [{"cue": "x", "nxt": "y"}]}}, "unknown key"),
        ({"version": "1", "categories": {"hedge": [{"cue": "x", "next": "{NOPE}"}]}}, "NOPE"),
        ({"version": "1", "categories": {"hedge": [{"regex": "Abc"}]}}, "lower-cased"),
    ],
)
def test_malformed_lexicon_names_file_and_entry(tmp_path, data, message):
    path = write(tmp_path, data, "bad.json")
    with pytest.raises(LexiconError, match=message) as info:
        load_lexicon(path, extend=False)
    assert "bad.json" in str(info.value)


def test_unreadable_or_invalid_json(tmp_path):
    with pytest.raises(LexiconError, match="cannot be read"):
        load_lexicon(tmp_path / "missing.json")
    bad = tmp_path / "broken.json"
    bad.write_text("{not json", encoding="utf-8")
    with pytest.raises(LexiconError, match=r"broken\.json"):
        load_lexicon(bad)


# --------------------------------------------------------------------------- linear time


def test_adversarial_megabyte_finishes_quickly():
    """Long runs of cue prefixes, spaces, hyphens, digits: generous bound, catches blow-ups."""
    units = [
        "at lea accordin as many a up t ",
        " ",
        "-- ",
        "1,000,00",
        "a ",
        "twenty-five ",
        "the reports ",  # refutation lookahead over the next 100 characters
        "according to reports, ",
        "denied the the the ",
        "x",  # one 1 MB word: the tokenizer's hash over a single run
    ]
    for unit in units:
        text = (unit * (1_000_000 // len(unit) + 1))[:1_000_000]
        t0 = time.process_time()
        find_qualifiers(text)
        scan_qualifiers([text], spans=True)
        assert time.process_time() - t0 < 5.0, unit  # generous: each call is under 2 s


def test_qualifier_is_a_frozen_value():
    q = Qualifier("hedge", 0, 8, "probably")
    with pytest.raises(AttributeError):
        q.start = 1  # type: ignore[misc]
    assert np.array_equal(
        qualifier_features(["probably"]).iloc[0, :6].to_numpy(), [1, 0, 0, 0, 0, 0]
    )


# --------------------------------------------------------------------------- issue 14 rules


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("This may help the talks.", {"hedge": ["may"]}),
        ("Last May, the talks resumed.", {}),
        ("Next May when the vote is held.", {}),
        ("The likelihood ratio was high.", {}),
        ("In all likelihood the vote passes.", {"hedge": ["in all likelihood"]}),
        ("NF-kB could not be detected.", {}),
        ("These results suggest a role for NF-kB.", {"hedge": ["suggest"]}),
        ("A putative binding site.", {"hedge": ["putative"]}),
        ("Experts think the rate will rise.", {"weasel": ["experts"], "hedge": ["think"]}),
    ],
)
def test_sense_rules(text, expected):
    assert cats(text) == expected


@pytest.mark.parametrize(
    ("text", "cue"),
    [
        ("Critics argue that the plan will fail.", "critics"),
        ("It is widely expected that rates will hold.", "it is widely expected"),
        ("The plan is considered by some to be unworkable.", "considered by some"),
        ("Many believe the vote is rigged.", "many believe"),
    ],
)
def test_vague_attribution_is_weasel(text, cue):
    assert cats(text).get("weasel") == [cue]


def test_peacock_wording():
    assert cats("She is one of the most celebrated architects.") == {
        "peacock": ["one of the most", "celebrated"]
    }


@pytest.mark.parametrize(
    ("text", "refutation"),
    [
        ("The reports of a withdrawal from the town are wrong.", ["the reports", "are wrong"]),
        ("The ministry denied reports that troops had left.", ["denied reports that"]),
        ("The company dismissed claims of fraud.", ["dismissed claims of"]),
        ("The story is simply false.", ["is simply false"]),
    ],
)
def test_refutation_is_not_hearsay(text, refutation):
    found = cats(text)
    assert found.get("refutation") == refutation
    assert "hearsay" not in found


def test_relying_on_reports_stays_hearsay():
    assert cats("According to reports, the reports of a withdrawal are accurate.") == {
        "hearsay": ["according to", "the reports"]
    }


# --------------------------------------------------------------------------- saturation, spans


def test_counts_saturate_at_the_cap():
    """Issue 20: a repeated cue counts COUNT_CAP times at most; the spans are all listed."""
    text = "according to reports, " * 1000
    feats, table = scan_qualifiers([text], spans=True)
    assert feats.loc[0, "q_hearsay"] == COUNT_CAP == 3
    assert (table["category"] == "hearsay").sum() == 1000
    assert 0.0 <= feats.loc[0, "q_uncertainty"] <= 1.0


def test_scan_qualifiers_is_qualifier_features_plus_the_span_table():
    texts = pd.Series(
        ["It may rain, critics say.", None, "It may rain, critics say.", "Nothing here."],
        index=["a", "b", "c", "d"],
    )
    feats, table = scan_qualifiers(texts, spans=True)
    pd.testing.assert_frame_equal(feats, qualifier_features(texts))
    assert scan_qualifiers(texts)[1] is None
    assert list(table.columns) == list(SPAN_COLUMNS)
    assert table["row"].dtype == np.int64 and table["start"].dtype == np.int64
    assert table["row"].tolist() == sorted(table["row"].tolist())
    assert set(table["row"]) <= {0, 2, 3}
    for r, cat, cue, s, e, learned in table.itertuples(index=False):
        assert texts.iloc[r][s:e] == cue
        spans_alone = find_qualifiers(texts.iloc[r])
        assert Qualifier(cat, s, e, cue, learned) in spans_alone


# --------------------------------------------------------------------------- learned model


def test_learned_model_scores_uncertainty_and_adds_spans_marked_learned():
    lex = load_lexicon()
    f = qualifier_features(
        ["These data suggest that the protein may bind DNA.", "The bridge opened in 1932."], lex
    )
    hedged, plain = f["q_uncertainty"].tolist()
    assert hedged > lex.model.threshold > plain
    found = find_qualifiers("The protein is a candidate regulator of the gene.", lex)
    assert all(q.category == "hedge" for q in found if q.learned)
    assert all(not q.learned for q in find_qualifiers("It may rain.", LEX))


def test_hearsay_counts_vague_attribution():
    f = qualifier_features(["Critics argue that the plan failed.", "Reportedly it failed."], LEX)
    assert f["q_weasel"].tolist() == [1, 0]
    assert f["q_hearsay"].tolist() == [1, 1]
    assert f["q_any"].tolist() == [1, 1] and f["q_per_100_words"].iloc[0] == 100 / 6


def _with_fallback(threshold):
    from dataclasses import replace

    lex = load_lexicon()
    return replace(lex, model=replace(lex.model, fallback_threshold=threshold))


def test_fallback_span_explains_an_uncertain_text_the_cues_miss():
    texts = [
        "The company's claim was disputed by others.",  # q 0.13, no uncertainty cue
        "The bridge opened in 1932.",  # certain
        "Many believe that the bridge is unsafe.",  # explained by its weasel span
        "The drug may reduce pain.",  # explained by its hedge
    ]
    cut = 0.1
    plain = scan_qualifiers(texts, _with_fallback(None), spans=True)
    feats, table = scan_qualifiers(texts, _with_fallback(cut), spans=True)
    q = feats["q_uncertainty"].tolist()
    assert q == plain[0]["q_uncertainty"].tolist()  # the probability never moves
    assert q[1] < cut <= min(q[0], q[2], q[3])
    added = table.merge(plain[1], how="left", indicator=True).query("_merge == 'left_only'")
    assert added["row"].tolist() == [0]
    (cue,) = added["cue"].tolist()
    assert added["category"].tolist() == ["hedge"] and added["learned"].all()
    assert cue.lower() not in {"the", "was", "by"}  # a content word
    assert feats["q_hedge"].iloc[0] == plain[0]["q_hedge"].iloc[0] + 1
    # off at a threshold no text reaches
    assert len(scan_qualifiers(texts, _with_fallback(0.999999), spans=True)[1]) == len(plain[1])


def test_fallback_skips_the_word_after_a_cue_and_quantifiers_join_learned_spans():
    lex = _with_fallback(0.1)
    # "Some" (a scope limiter) carries the evidence: "residents" is no cue of its own
    assert [q.learned for q in find_qualifiers("Some residents refused to leave.", lex)] == [False]
    # a vague quantifier before a learned word joins its span
    learned = [q.cue for q in find_qualifiers("He played for many clubs in Sweden.", lex)]
    assert learned == ["many clubs"]


def test_fallback_threshold_must_be_a_probability(tmp_path):
    import shutil
    from importlib import resources

    path = tmp_path / "fb_model.npz"
    with resources.as_file(
        resources.files("credscore.features").joinpath("data/qualifier_model.npz")
    ) as src:
        shutil.copy(src, path)
    _rewrite_meta(path, fallback_threshold=1.5)
    with pytest.raises(LexiconError, match="fallback_threshold") as info:
        load_lexicon(learned=path)
    assert "fb_model.npz" in str(info.value)
    _rewrite_meta(path, fallback_threshold=0.3)
    assert load_lexicon(learned=path).model.fallback_threshold == 0.3


def test_nul_inside_a_text_keeps_rows_apart():
    feats, table = scan_qualifiers(["probably\x00 all", "never"], spans=True)
    assert feats["q_hedge"].tolist()[0] == 1 and feats["q_absolute"].tolist() == [1, 1]
    assert table.loc[table["row"] == 1, "cue"].tolist() == ["never"]


def test_noisy_or_of_huge_word_log_odds_is_one_without_a_warning():
    """A user's model with huge weights: a word log-odds past exp's range gives q = 1 (the
    exact softplus's limit), and no overflow warning reaches the caller."""
    import warnings

    import numpy as np

    from credscore.features._qualifiers_model import WordScores, load_model_file

    words = WordScores(
        starts=np.array([0, 1, 2]),
        ends=np.array([1, 2, 3]),
        doc=np.array([0, 1, 1]),
        logit=np.array([800.0, -3.0, -2.0]),
    )
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        q = load_model_file().text_probability(words, 3)
    expected = 1.0 - 1.0 / ((1.0 + np.exp(-3.0)) * (1.0 + np.exp(-2.0)))
    assert q[0] == 1.0 and q[2] == 0.0
    assert abs(q[1] - expected) < 1e-15


def test_a_saved_model_file_loads_back_and_a_failed_save_keeps_the_old_one(tmp_path, monkeypatch):
    """save_model_file writes atomically: the file loads back with the same weights, and a
    crash at the rename leaves the earlier file whole and no temporary file behind."""
    import os

    import numpy as np

    from credscore.features._qualifiers_model import load_model_file, save_model_file

    shipped = load_model_file()
    meta = dict(shipped.meta)
    table = shipped.weights.astype(np.float32)
    lexicon = np.array([shipped.lexicon_weights[c] for c in meta["lexicon_categories"]])
    target = tmp_path / "model.npz"
    save_model_file(target, meta, table, lexicon, shipped.bias)
    again = load_model_file(target)
    assert np.array_equal(again.weights, shipped.weights) and again.bias == shipped.bias
    before = target.read_bytes()

    def boom(*args, **kwargs):
        raise OSError("disk full")

    monkeypatch.setattr(os, "replace", boom)
    with pytest.raises(OSError, match="disk full"):
        save_model_file(target, meta | {"version": "other"}, table * 2, lexicon, 0.0)
    assert target.read_bytes() == before
    assert [p.name for p in tmp_path.iterdir()] == ["model.npz"]


def test_a_user_cue_that_starts_or_ends_with_a_hyphen_is_found(tmp_path):
    """A cue written with a leading or trailing hyphen ("-ish", "so-") is found with its
    category (its lookup key was "  ish" while a match reads " ish": a KeyError)."""
    path = tmp_path / "lexicon.json"
    content = {"version": "t", "categories": {"hedge": ["-ish", "kind of-"]}}
    path.write_text(json.dumps(content), encoding="utf-8")
    lex = load_lexicon(path, extend=False, learned=False)
    found = [(q.category, q.cue) for q in find_qualifiers("wrong -ish and kind of- odd", lex)]
    assert found == [("hedge", "-ish"), ("hedge", "kind of-")]
