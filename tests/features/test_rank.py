"""Tests of credscore.features.rank: families, ordering, modifiers, tables, features, coverage."""

from __future__ import annotations

import csv
import json
import math
import os
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from credscore.exceptions import LexiconError
from credscore.features.rank import (
    RANK_COLUMNS,
    RANK_FAMILIES,
    UNKNOWN_LEVEL_FILL,
    Rank,
    describe_rank,
    load_rank_table,
    rank_features,
    resolve_rank,
)


def lv(title: str) -> float:
    return resolve_rank(title).level


# --------------------------------------------------------------------------- families
@pytest.mark.parametrize(
    ("title", "family"),
    [
        ("Lieutenant General, head of the Defence Intelligence Directorate", "military"),
        ("Colonel", "military"),
        ("Lt. Col. (ret.)", "military"),
        ("Petty Officer Third Class", "military"),
        ("Air Vice-Marshal", "military"),
        ("the commander of the 1st Combat Divers Battalion", "military"),
        ("an adviser to the President", "government"),
        ("U.S. Senator", "government"),
        ("state representative", "government"),
        ("Deputy Foreign Minister", "government"),
        ("Mayor of Springfield", "government"),
        ("spokesperson for the Ministry of Defence", "government"),
        ("Justice of the Supreme Court", "judiciary"),
        ("county prosecutor", "judiciary"),
        ("Chief executive of a regional bank", "organization"),
        ("Union president", "organization"),
        ("Professor of economics", "organization"),
        ("The New York Times", "media"),
        ("radio talk-show host", "media"),
        ("blogger", "media"),
        ("sources close to the cabinet", "anonymous"),
        ("a person familiar with the negotiations", "anonymous"),
        ("Social media posting", "anonymous"),
        ("viral image shared on Facebook", "anonymous"),
        ("unnamed senior defence official", "anonymous"),
        ("zxq blorp", "unknown"),
    ],
)
def test_family(title: str, family: str) -> None:
    assert resolve_rank(title).family == family


def test_codes_and_flags() -> None:
    r = resolve_rank("Lieutenant General, head of the Defence Intelligence Directorate")
    assert (r.code, r.is_head, r.is_spokesperson) == ("OF-8", True, False)
    assert resolve_rank("Cpl.").code == "OR-4"
    assert resolve_rank("Rear Admiral").code == "OF-7"
    assert resolve_rank("Squadron Leader").code == "OF-3"
    assert resolve_rank("commander of the 1st Combat Divers Battalion").is_head
    spokes = resolve_rank("spokesperson for the Ministry of Defence")
    assert spokes.is_spokesperson and not spokes.is_head
    assert resolve_rank("Director of the National Museum").is_head
    assert not resolve_rank("deputy director of the agency").is_head
    assert resolve_rank("Colonel").matched == "colonel"


# --------------------------------------------------------------------------- ordering
OUTRANKS = [
    # within military
    ("General", "Lieutenant General"),
    ("Lt. Gen.", "Maj. Gen."),
    ("Brigadier", "Colonel"),
    ("Colonel", "Major"),
    ("Captain", "Lieutenant"),
    ("Second Lieutenant", "Sergeant Major"),
    ("Sergeant", "Corporal"),
    ("Corporal", "Private"),
    ("Vice Admiral", "Commodore"),
    ("Air Chief Marshal", "Group Captain"),
    ("Field Marshal", "General"),
    # within government
    ("President", "Vice President"),
    ("Prime Minister", "Defence Minister"),
    ("Defence Minister", "Deputy Defence Minister"),
    ("Secretary of Defense", "Under Secretary of Defense"),
    ("U.S. Senator", "State Senator"),
    ("U.S. Representative", "State Representative"),
    ("Governor", "Mayor"),
    ("Mayor", "city council member"),
    ("Senator", "candidate for Senate"),
    ("Governor", "former governor"),
    ("President", "Presidential candidate"),
    ("Attorney General", "Ohio attorney general"),
    ("Ambassador", "embassy press attache"),
    # judiciary
    ("Chief Justice of the Supreme Court", "federal district judge"),
    ("Justice of the Constitutional Court", "municipal court judge"),
    ("federal appeals court judge", "county prosecutor"),
    # organization / media
    ("CEO of a bank", "bank teller"),
    ("Editor-in-chief", "columnist"),
    ("correspondent", "blogger"),
    ("professor", "activist"),
    # across families
    ("President", "Colonel"),
    ("four-star general", "U.S. Representative"),
    ("Lieutenant General", "talk show host"),
    ("Defence Minister", "The New York Times"),
    ("Colonel", "sources close to the cabinet"),
    ("blogger", "Social media posting"),
    ("a person familiar with the matter", "viral image"),
    ("Justice of the Supreme Court", "lawyer"),
    ("Mayor", "private citizen"),
    ("an adviser to the President", "unnamed official"),
]


@pytest.mark.parametrize(("high", "low"), OUTRANKS)
def test_outranks(high: str, low: str) -> None:
    h, lo = resolve_rank(high), resolve_rank(low)
    assert h.known and lo.known, (h, lo)
    assert h.level > lo.level, f"{high!r} {h} should outrank {low!r} {lo}"


def test_anchor_levels() -> None:
    assert lv("President") == 1.0
    assert lv("General") >= 0.9  # a four-star general near the top
    assert lv("unnamed source") <= 0.2  # an unnamed source near the bottom
    assert lv("Social media posting") <= 0.1


def test_modifiers() -> None:
    assert math.isclose(lv("former Governor"), 0.85 * lv("Governor"))
    assert math.isclose(lv("retired General"), 0.85 * lv("General"))
    assert lv("acting Minister") < lv("Minister")
    assert lv("candidate for governor") < lv("governor")
    assert lv("President-elect") < lv("President")
    assert lv("assistant secretary of state") < lv("secretary of state")
    assert lv("President, Acme Widgets Inc.") < 0.75  # a company president, not a head of state
    assert resolve_rank("President, Acme Widgets Inc.").family == "organization"


# --------------------------------------------------------------------------- bad input
@pytest.mark.parametrize("value", [None, "", "   ", float("nan"), 3, b"colonel", ["x"], pd.NA])
def test_missing_and_non_strings(value: object) -> None:
    r = resolve_rank(value)
    assert r.family == "unknown" and math.isnan(r.level) and not r.known
    assert describe_rank(r) == "unknown title"


def test_long_biography_reads_first_sentence() -> None:
    bio = (
        "Jane Roe is a U.S. senator from Nowhere. Before that she served as a city council "
        "member and ran a small business for a decade, and she hosts a weekly radio talk show "
        "about local politics and agriculture."
    )
    assert resolve_rank(bio).code == "LEG-U"


# --------------------------------------------------------------------------- properties
@settings(max_examples=200, deadline=None)
@given(st.text(max_size=300))
def test_property_never_raises_level_in_range(text: str) -> None:
    """Any text resolves without raising; the family is one of RANK_FAMILIES; the level is in
    [0, 1] for known families and NaN for unknown; resolving twice gives the same Rank."""
    r = resolve_rank(text)
    assert isinstance(r, Rank) and r.family in RANK_FAMILIES
    assert (0.0 <= r.level <= 1.0) if r.known else math.isnan(r.level)
    assert resolve_rank(text) == r


WORDS = (
    "former deputy general senator of the head ministry and , sources candidate for cnn host us "
    "state president acme"
).split()


@settings(max_examples=200, deadline=None)
@given(st.lists(st.sampled_from(WORDS), max_size=12))
def test_property_word_salad(words: list[str]) -> None:
    """Combinations of table words keep the invariants, and rank_features agrees with
    resolve_rank for every row (same family, level filled only when unknown)."""
    text = " ".join(words)
    r = resolve_rank(text)
    assert r.family in RANK_FAMILIES
    assert (0.0 <= r.level <= 1.0) if r.known else math.isnan(r.level)
    row = rank_features([text]).iloc[0]
    assert row["rank_family"] == r.family
    assert row["rank_level"] == (r.level if r.known else UNKNOWN_LEVEL_FILL)


# --------------------------------------------------------------------------- features
def test_rank_features_columns_index_and_fill() -> None:
    s = pd.Series(
        ["Colonel", None, "U.S. Senator", "Colonel", "", 7], index=[10, 11, 12, 13, 14, 15]
    )
    df = rank_features(s)
    assert tuple(df.columns) == RANK_COLUMNS
    assert df.index.equals(s.index)
    assert df["rank_family"].dtype == "string"
    assert df["rank_level"].dtype == np.float64 and not df["rank_level"].isna().any()
    assert df["rank_known"].tolist() == [1, 0, 1, 1, 0, 0]
    assert df.loc[11, "rank_level"] == UNKNOWN_LEVEL_FILL
    assert df.loc[10, "rank_level"] == resolve_rank("Colonel").level
    assert set(df["rank_is_head"].unique()) <= {0, 1}
    assert rank_features([]).shape == (0, len(RANK_COLUMNS))


# --------------------------------------------------------------------------- tables
def test_table_hash_and_user_extension(tmp_path: Path) -> None:
    base = load_rank_table()
    assert len(base.sha256) == 64 and base.version
    assert load_rank_table().sha256 == base.sha256  # deterministic
    ext = tmp_path / "mine.json"
    ext.write_text(
        json.dumps(
            {
                "format": "credscore-ranks/1",
                "version": "acme-1",
                "entries": [
                    {"family": "organization", "level": 0.66, "phrases": ["chief wizard"]},
                    {"family": "military", "code": "OF-5", "phrases": ["oberst"]},
                ],
            }
        )
    )
    table = load_rank_table(ext)
    assert table.sha256 != base.sha256 and table.version.endswith("+acme-1")
    assert resolve_rank("Chief Wizard", table).level == 0.66
    assert resolve_rank("Oberst", table).code == "OF-5"
    assert resolve_rank("Colonel", table).code == "OF-5"  # bundled entries kept
    only = load_rank_table(ext, extend=False)
    assert not resolve_rank("Colonel", only).known


def _doc(entries: list | None = None, **extra: object) -> dict:
    return {"format": "credscore-ranks/1", "entries": entries or [], **extra}


BAD_TABLES = [
    ({"format": "nope"}, "format"),
    (_doc([{"family": "army", "level": 0.5, "phrases": ["x"]}]), "entry 0"),
    (_doc([{"family": "media", "level": 1.5, "phrases": ["x"]}]), "level"),
    (_doc([{"family": "media", "level": 0.5}]), "phrases"),
    (_doc([{"family": "media", "code": "ZZ-9", "phrases": ["x"]}]), "ZZ-9"),
    (_doc(modifiers={"old": {"phrases": ["old"], "factor": -1}}), "old"),
    (_doc([{"family": "media", "level": 0.5, "phrases": ["x"], "colour": 1}]), "colour"),
]


@pytest.mark.parametrize(("doc", "needle"), BAD_TABLES)
def test_malformed_tables_raise(tmp_path: Path, doc: dict, needle: str) -> None:
    f = tmp_path / "bad.json"
    f.write_text(json.dumps(doc))
    with pytest.raises(LexiconError, match=needle) as info:
        load_rank_table(f)
    assert "bad.json" in str(info.value)


def test_unreadable_table(tmp_path: Path) -> None:
    f = tmp_path / "broken.json"
    f.write_text("{not json")
    with pytest.raises(LexiconError, match=r"broken\.json"):
        load_rank_table(f)
    with pytest.raises(LexiconError, match="does not exist"):
        load_rank_table(tmp_path / "missing.json")


def test_describe() -> None:
    assert describe_rank(resolve_rank("Lt. Gen.")) == "senior military officer (OF-8)"
    assert describe_rank(resolve_rank("unnamed source")) == "unnamed source"
    assert "spokesperson" in describe_rank(resolve_rank("Kremlin spokesman"))


# --------------------------------------------------------------------------- corpus coverage
DATASETS = Path(
    os.environ.get(
        "CREDSCORE_DATASETS", Path(__file__).resolve().parents[2].parent / "shared" / "datasets"
    )
)


@pytest.mark.corpus
@pytest.mark.skipif(
    not (DATASETS / "liar" / "train.tsv").exists(),
    reason=f"LIAR corpus not found under {DATASETS} (set CREDSCORE_DATASETS)",
)
def test_liar_coverage_floor() -> None:
    """>= 90% of LIAR train statements with a non-empty job title resolve to a known family."""
    with open(DATASETS / "liar" / "train.tsv", encoding="utf-8", newline="") as fh:
        titles = [r[5].strip() for r in csv.reader(fh, delimiter="\t", quoting=csv.QUOTE_NONE)]
    titles = [t for t in titles if t]
    share = rank_features(titles)["rank_known"].mean()
    assert share >= 0.90, f"LIAR coverage {share:.1%} < 90%"
