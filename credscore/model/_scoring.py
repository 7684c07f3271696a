"""Scoring with a fitted CredibilityModel: probabilities, intervals, reasons, recalibration."""

from __future__ import annotations

from typing import Any, Self

import numpy as np
import pandas as pd

from credscore._tables import Tables
from credscore.features import Extraction, merge_history
from credscore.model._explain import reason_strings, reason_table
from credscore.model._recalibration import apply_recalibration
from credscore.schema import history_for

__all__ = ["ScoringMixin"]


class ScoringMixin:
    """The scoring half of :class:`~credscore.CredibilityModel` (which holds the fitted state:
    ``extractor_``, ``classifier_``, ``reference_``, ``recalibration_``)."""

    extractor_: Any
    classifier_: Any
    reference_: pd.Series
    recalibration_: dict[str, Any] | None

    def _check_fitted(self) -> None:  # pragma: no cover - CredibilityModel defines it
        raise NotImplementedError

    def _tables(self, X: Any, sources: Any, events: Any) -> Tables:  # pragma: no cover
        raise NotImplementedError

    def _prepare(
        self, statements: Any, sources: Any, events: Any, history: Tables | None, details: bool
    ) -> tuple[Tables, Extraction]:
        """Validated tables and one extraction pass over them (history merged behind)."""
        self._check_fitted()
        tables = self._tables(statements, sources, events)
        # only the scored sources' record can change these features (the same numbers)
        combined, rows = merge_history(tables, history_for(tables, history))
        return tables, self.extractor_.extract(combined, rows, details=details)

    def _predict(self, feats: pd.DataFrame) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """``(p, p_low, p_high)`` for feature rows, after any :meth:`recalibrate` map."""
        return self._predict_explained(feats, explain=False)[:3]

    def _predict_explained(
        self, feats: pd.DataFrame, explain: bool = True
    ) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
        """``(p, p_low, p_high, deltas)``: ``deltas[g]`` is ``p - p(group g at reference)``
        for the extractor's groups (shape (0, n) without ``explain``); one pass over the fold
        models, any :meth:`recalibrate` map applied before the differences."""
        names = list(self.extractor_.groups().values()) if explain else []
        if len(feats) == 0:  # an empty table scores to an empty table
            return np.empty(0), np.empty(0), np.empty(0), np.zeros((len(names), 0))
        groups = [cols for _, cols in names]
        if groups:
            p, low, high, p_sub = self.classifier_.predict_with_effects(
                feats, self.reference_, groups
            )
        else:
            p, low, high = self.classifier_.predict_with_interval(feats)
            p_sub = np.zeros((0, len(feats)))
        recal = getattr(self, "recalibration_", None)
        if recal:
            p, low, high = (apply_recalibration(v, recal) for v in (p, low, high))
            p_sub = apply_recalibration(p_sub.ravel(), recal).reshape(p_sub.shape)
        return p, low, high, p[None, :] - p_sub

    def _proba(self, feats: pd.DataFrame) -> np.ndarray:
        return self._predict(feats)[0]

    def features(
        self,
        statements: Any,
        sources: pd.DataFrame | None = None,
        events: pd.DataFrame | None = None,
        *,
        history: Tables | None = None,
    ) -> pd.DataFrame:
        """The feature rows the model sees (one per statement, input order)."""
        return self._prepare(statements, sources, events, history, False)[1].features

    def predict_proba(
        self,
        statements: Any,
        sources: pd.DataFrame | None = None,
        events: pd.DataFrame | None = None,
        *,
        history: Tables | None = None,
    ) -> np.ndarray:
        """Calibrated ``[P(did not hold up), P(held up)]`` per statement, shape (n, 2)."""
        p = self._proba(self.features(statements, sources, events, history=history))
        return np.column_stack([1 - p, p])

    def score(
        self,
        statements: Any,
        sources: pd.DataFrame | None = None,
        events: pd.DataFrame | None = None,
        *,
        history: Tables | None = None,
        explain: bool = True,
    ) -> pd.DataFrame:
        """Scores statements: probability, interval and reasons, one row per input row.

        Parameters
        ----------
        statements : DataFrame or Tables
        sources, events : DataFrame, optional
        history : Tables, optional
            Earlier statements and events that feed the sources' records without being scored.
        explain : bool, default True
            Compute ``reasons`` (one extra batched prediction per feature group).

        Returns
        -------
        DataFrame
            ``statement_id``, ``p_reliable``, ``p_low``, ``p_high``, ``reasons``.
        """
        tables, ext = self._prepare(statements, sources, events, history, explain)
        return self._scores(tables, ext, explain)

    def _scores(self, tables: Tables, ext: Extraction, explain: bool) -> pd.DataFrame:
        """The :meth:`score` frame of one extraction pass over ``tables``' statements."""
        p, low, high, deltas = self._predict_explained(ext.features, explain)
        out = pd.DataFrame(
            {
                "statement_id": tables.statements["statement_id"].to_numpy(dtype=object),
                "p_reliable": p,
                "p_low": low,
                "p_high": high,
            }
        )
        out["reasons"] = reason_strings(self.extractor_, ext, deltas) if explain else ""
        return out

    def score_given(
        self, tables: Tables, given: dict[str, Any], *, explain: bool = False
    ) -> pd.DataFrame:
        """:meth:`score` of ``tables`` (no history), with some families' outputs given.

        For a caller that computed a family on a larger table than the one it scores (the
        Dask path computes the history family once on every statement's record and scores
        each partition with it). ``given`` maps a family name to its
        :class:`~credscore.features.FamilyOutput` for exactly these statements, in order.
        """
        self._check_fitted()
        tables = self._tables(tables, None, None)
        rows = np.arange(len(tables.statements))
        ext = self.extractor_.extract(tables, rows, details=explain, given=given)
        return self._scores(tables, ext, explain)

    def score_one(
        self,
        statement: Any,
        source: Any = None,
        events: pd.DataFrame | None = None,
        *,
        history: Tables | None = None,
        explain: bool = True,
    ) -> dict[str, Any]:
        """Scores one statement (a service scoring statements as they arrive).

        The same computation as :meth:`score` on a one-row table, so the result is exactly
        the row :meth:`score` gives that statement in a batch with the same ``history`` (the
        fold models' arithmetic does not depend on the batch).

        Parameters
        ----------
        statement : mapping or one-row DataFrame
            ``statement_id``, ``source_id``, ``text``, ``made_at`` and any optional columns.
        source : mapping or one-row DataFrame, optional
            The source's row (``source_id``, ``title``, ...).
        events : DataFrame, optional
        history : Tables, optional
            The source's earlier record (as in :meth:`score`). Only the scored source's part
            is read; a service passing its whole archive with every statement should
            validate it once (:func:`credscore.validate_tables`) and pass that object, which
            is then indexed by source once: 7.07 ms p50 against a 100,000-statement archive
            (``experiments/bench_score.py``).
        explain : bool, default True

        Returns
        -------
        dict
            ``statement_id``, ``p_reliable``, ``p_low``, ``p_high``, ``reasons``.

        Examples
        --------
        >>> import credscore
        >>> model = credscore.load_model()
        >>> out = model.score_one({"statement_id": "s1", "source_id": "a", "made_at":
        ...     "2025-03-01", "text": "According to reports, about 300 soldiers withdrew."},
        ...     {"source_id": "a", "title": "Colonel"})
        >>> sorted(out), 0 < out["p_reliable"] < 1
        (['p_high', 'p_low', 'p_reliable', 'reasons', 'statement_id'], True)
        """
        st = statement if isinstance(statement, pd.DataFrame) else pd.DataFrame([dict(statement)])
        if len(st) != 1:
            raise ValueError(
                f"score_one scores one statement, got {len(st)} rows. Fix: use score() for "
                "a table of statements."
            )
        src = source
        if source is not None and not isinstance(source, pd.DataFrame):
            src = pd.DataFrame([dict(source)])
        tables, ext = self._prepare(st, src, events, history, explain)
        p, low, high, deltas = self._predict_explained(ext.features, explain)
        reasons = reason_strings(self.extractor_, ext, deltas)[0] if explain else ""
        return {  # the score() row, without building its frame
            "statement_id": tables.statements["statement_id"].iat[0],
            "p_reliable": float(p[0]),
            "p_low": float(low[0]),
            "p_high": float(high[0]),
            "reasons": str(reasons),
        }

    def score_and_features(
        self,
        statements: Any,
        sources: pd.DataFrame | None = None,
        events: pd.DataFrame | None = None,
        *,
        history: Tables | None = None,
    ) -> tuple[pd.DataFrame, pd.DataFrame]:
        """``(scores without reasons, every feature column)`` from one extraction pass.

        The feature frame holds every column the families declare, the ones the model leaves
        out included (reports slice and compare baselines on them).

        Examples
        --------
        >>> import credscore
        >>> t = credscore.read_tables("datasets/examples/kursk_withdrawal_reports")
        >>> scores, feats = credscore.load_model().score_and_features(t)
        >>> len(scores) == len(feats) == len(t.statements)
        True
        """
        tables, ext = self._prepare(statements, sources, events, history, False)
        p, low, high = self._predict(ext.features)
        ids = tables.statements["statement_id"].to_numpy(dtype=object)
        scores = pd.DataFrame(
            {"statement_id": ids, "p_reliable": p, "p_low": low, "p_high": high, "reasons": ""}
        )
        return scores, ext.frame

    def explain(
        self,
        statements: Any,
        sources: pd.DataFrame | None = None,
        events: pd.DataFrame | None = None,
        *,
        history: Tables | None = None,
    ) -> pd.DataFrame:
        """Long table of every group's effect: ``statement_id, group, delta, description``."""
        tables, ext = self._prepare(statements, sources, events, history, True)
        table = reason_table(self.extractor_, ext, self._predict_explained(ext.features)[3])
        ids = tables.statements["statement_id"].to_numpy(dtype=object)
        table.insert(0, "statement_id", ids[table["row"].to_numpy(dtype=int)])
        return table.drop(columns="row")

    # -- drift -----------------------------------------------------------------------------
    def recalibrate(
        self,
        statements: Any,
        sources: pd.DataFrame | None = None,
        events: pd.DataFrame | None = None,
        *,
        history: Tables | None = None,
        since: Any = None,
        form: str = "auto",
        window: Any = "auto",
        period_days: float = 30.0,
        allow_overlap: bool = False,
    ) -> Self:
        """Adapts the calibration to drift, with a map chosen by evidence on recent verdicts.

        The verdict mix changes over time (e.g. far more false viral posts after 2020 in
        PolitiFact data); a model fitted on the past then ranks well but is miscalibrated on the
        present. The candidates are the identity, an intercept shift, slope + intercept and
        isotonic regression, each on the last 90, 180, 365 or 730 days or on every verdict
        given. They are compared by rolling-origin evaluation on the dated verdicts (fit on what
        was known before each monthly origin, log loss on the month after); the simplest within
        one standard error of the best is fitted on its latest window and applied to every later
        prediction and interval. If the model passes the calibration test on that window and the
        map would make it fail, the next candidate is taken, down to the identity. When the
        chosen map fails the calibration test on the latest month (period) alone, with an
        intercept shift of at least 3 standard errors, and that month's own intercept map
        passes there, that map is used: a recent change rolling origin cannot see. Every map is
        non-decreasing, so rankings and the domain monotonicity are unchanged. ``recalibration_``
        records what was chosen and why (``form``, ``window_days``, ``selection``); calling
        again replaces the previous map.

        Rows made inside the training period (where the model's scores are in-sample, sharper
        than on new rows) warn with :class:`~credscore.model.TrainingOverlapWarning`; exactly the
        training rows are refused (``SchemaError``) unless ``allow_overlap=True``.

        Parameters
        ----------
        statements : DataFrame or Tables
            Recent statements with labels.
        sources, events, history
            As in :meth:`score`.
        since : timestamp-like, optional
            Only statements with ``made_at >= since`` are used.
        form : {"auto", "none", "intercept", "logistic", "isotonic"}, default "auto"
            A fixed form still has its window chosen by the same evaluation.
        window : "auto", None or days, default "auto"
            ``None``: every verdict given.
        period_days : float, default 30
            Spacing of the rolling origins and length of each evaluation period.
        allow_overlap : bool, default False
            Accept rows made inside the training period (no warning, no refusal).

        Returns
        -------
        self
        """
        from credscore.model._recalibrate import recalibrate_model

        tables, ext = self._prepare(statements, sources, events, history, False)
        self.recalibration_ = recalibrate_model(
            self,
            tables.statements,
            ext.features,
            since=since,
            form=form,
            window=window,
            period_days=period_days,
            allow_overlap=allow_overlap,
        )
        return self
