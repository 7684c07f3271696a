"""Tests of credscore/ingest/_events.py and _eventlink.py: walk-backs, their dates, targets."""

from __future__ import annotations

import pandas as pd

from credscore.ingest import EVENT_LEAD, extract

_TEXT = """General Ivan Petrov said on Monday that all tanks had left the region.
On Tuesday, Petrov said his remarks only applied to the eastern tanks.
"The convoy is gone," an unnamed official at the ministry said.
Mayor Tom Reed said the plant would close in May.
Reed later retracted his claim that the plant would close in May.
Officials said the dam had been breached, a claim ministry spokeswoman Olga Ivanova denied.
"""


def _tables(tagger):
    return extract(_TEXT, published_at="2025-03-01", tagger=tagger, kinds="all")


def test_own_remarks_narrow_the_earlier_claim():
    for tagger in ("rules", "default"):
        t = _tables(tagger)
        st = t.statements.set_index("statement_id")
        ev = t.events[t.events["source_id"] == "ivan-petrov"]
        assert ev["kind"].tolist() == ["scope_narrowing"]
        assert "all tanks" in st.loc[ev.iloc[0]["statement_id"], "text"]


def test_walk_backs_are_dated_between_the_claim_and_the_report():
    published = pd.Timestamp("2025-03-01", tz="UTC")
    t = _tables("default")
    st = t.statements.set_index("statement_id")
    for ev in t.events.itertuples():
        assert ev.at == published - EVENT_LEAD
        assert st.loc[ev.statement_id, "made_at"] < ev.at
    later = t.statements[~t.statements["statement_id"].isin(t.events["statement_id"])]
    assert (later["made_at"] == published).all()


def test_retracted_content_is_no_new_claim():
    for tagger in ("rules", "default"):
        t = _tables(tagger)
        reed = t.statements[t.statements["source_id"] == "tom-reed"]
        assert len(reed) == 1  # the claim, not a second copy from the retraction sentence
        assert t.events[t.events["source_id"] == "tom-reed"]["kind"].tolist() == ["retraction"]


def test_unnamed_official_and_titles():
    for tagger in ("rules", "default"):
        t = _tables(tagger)
        src = t.sources.set_index("source_id")
        quote = t.statements[t.statements["text"].str.contains("convoy")].iloc[0]
        assert src.loc[quote["source_id"], "source_type"] == "anonymous"
        if "olga-ivanova" in src.index:
            assert not src.loc["olga-ivanova", "title"].startswith("claim")
