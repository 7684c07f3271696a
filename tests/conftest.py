"""Shared fixtures: small tables written for the tests, and the example corpus."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from credscore import Tables

REPO = Path(__file__).resolve().parents[1]
EXAMPLE = REPO / "datasets" / "examples" / "kursk_withdrawal_reports"


@pytest.fixture
def example_dir() -> Path:
    return EXAMPLE


@pytest.fixture
def small_tables() -> Tables:
    """Two sources, five statements, one retraction; labels on the first three."""
    sources = pd.DataFrame(
        {
            "source_id": ["gen", "col"],
            "name": ["A General", "A Colonel"],
            "title": ["Lieutenant General", "Colonel"],
            "organization": ["army", "army"],
            "source_type": ["person", "person"],
        }
    )
    statements = pd.DataFrame(
        {
            "statement_id": ["s1", "s2", "s3", "s4", "s5"],
            "source_id": ["col", "gen", "col", "col", "gen"],
            "text": [
                "All of their troops have completely withdrawn.",
                "About 8,000 soldiers remain, according to our estimates.",
                "They were probably pulled back only in some sectors.",
                "The units left the front.",
                "Nearly a quarter of the force was lost.",
            ],
            "made_at": ["2025-01-01", "2025-01-05", "2025-01-10", "2025-02-01", "2025-02-02"],
            "label": [0, 1, 1, None, None],
        }
    )
    events = pd.DataFrame(
        {"event_id": ["e1"], "statement_id": ["s1"], "kind": ["retraction"], "at": ["2025-01-08"]}
    )
    return Tables(statements=statements, sources=sources, events=events)


@pytest.fixture(scope="session")
def sim_tables():
    """A small simulated corpus with known true probabilities (tables, true_p)."""
    from credscore.datasets.simulator import simulate

    return simulate(n_statements=1500, n_sources=80, random_state=3)


@pytest.fixture(scope="session")
def fitted_model(sim_tables):
    """A quick logistic model fitted on the simulated corpus (shared, do not mutate)."""
    from credscore import CredibilityModel

    tables, _ = sim_tables
    return CredibilityModel(base_learners=("logistic",), cv=3).fit(tables)
