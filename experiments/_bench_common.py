"""Helpers shared by the LIAR / LIAR2 benchmarks and the default-model training script.

* :func:`hide_labels` — statements to be scored, with their verdicts removed;
* :func:`history_counts` — point-in-time verdict counts per row, from credscore's history
  features (never the corpora's leaky count columns);
* :func:`plain_pipeline` — the scikit-learn pipeline a user would write: TF-IDF of the
  statement, one-hot speaker/job/party/state/context, history counts, logistic regression,
  sigmoid calibration (``CalibratedClassifierCV``);
* :func:`evaluate` — log loss, Brier, AUC, smECE with bootstrap intervals, the calibration
  slope with its interval and the calibration test (``credscore.calibration``);
* :func:`markdown_table` — one row per model.

Only aggregate figures leave these helpers: no corpus row is printed or written.
"""

from __future__ import annotations

import os

# HistGradientBoosting uses OpenMP; on a small shared machine its threads oversubscribe the
# cores (measured: a 3-fold HGB fit on LIAR takes 166 s with default threads, 17 s with one).
os.environ.setdefault("OMP_NUM_THREADS", "1")

import json
import warnings
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from sklearn.calibration import CalibratedClassifierCV
from sklearn.compose import ColumnTransformer
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.impute import SimpleImputer
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import Pipeline, make_pipeline
from sklearn.preprocessing import OneHotEncoder, StandardScaler

from credscore import Tables
from credscore._io import atomic_write_text
from credscore.calibration import calibration_report
from credscore.features.extractor import FeatureExtractor

RESULTS = Path(__file__).resolve().parent / "results"

#: Categorical columns of the plain pipeline (speaker identity included: that is what users do).
PLAIN_CATEGORICAL = ("source_id", "speaker_title", "party", "state", "context")
#: Point-in-time history counts of the plain pipeline.
PLAIN_COUNTS = ("hist_n_verdicts", "hist_n_false", "hist_n_true")


def quiet() -> None:
    """Silence the loaders' parse-issue warnings (the rows are kept; the counts are known)."""
    warnings.filterwarnings("ignore", category=UserWarning)


def hide_labels(statements: pd.DataFrame) -> pd.DataFrame:
    """A copy of ``statements`` with ``label`` and ``label_at`` emptied (rows to be scored)."""
    out = statements.copy()
    out["label"] = np.nan
    out["label_at"] = pd.Series(pd.NaT, index=out.index, dtype="datetime64[ns, UTC]")
    return out


def subset(tables: Tables, statements: pd.DataFrame) -> Tables:
    """Tables restricted to ``statements`` (sources and events kept whole)."""
    return Tables(
        statements=statements.reset_index(drop=True), sources=tables.sources, events=tables.events
    )


def history_counts(train: Tables, score: Tables | None = None) -> tuple[pd.DataFrame, ...]:
    """Point-in-time verdict counts from credscore's history features.

    Training rows see the verdicts of rows before them (their pseudo-order or dates); rows of
    ``score`` see every training verdict dated before them (``train`` is their history) and
    never their own label (``score`` must have its labels hidden).
    """
    fe = FeatureExtractor(families=("history",)).fit(train)
    frames = [fe.transform(train)]
    if score is not None:
        frames.append(fe.transform(score, history=train))
    out = []
    for f in frames:
        c = f[["hist_n_verdicts", "hist_n_false"]].reset_index(drop=True).copy()
        c["hist_n_true"] = c["hist_n_verdicts"] - c["hist_n_false"]
        out.append(c)
    return tuple(out)


def plain_frame(statements: pd.DataFrame, counts: pd.DataFrame) -> pd.DataFrame:
    """The plain pipeline's input: text, categorical columns and the history counts."""
    st = statements.reset_index(drop=True)
    out = pd.DataFrame({"text": st["text"].fillna("").astype(str)})
    for col in PLAIN_CATEGORICAL:
        vals = st[col] if col in st else pd.Series(None, index=st.index, dtype=object)
        out[col] = vals.fillna("missing").astype(str)
    for col in PLAIN_COUNTS:
        out[col] = np.log1p(counts[col].to_numpy(dtype=float))
    return out


def plain_pipeline(C: float = 1.0, cv: int = 5, text: bool = True) -> Pipeline:
    """TF-IDF + one-hot + log history counts → LogisticRegression → sigmoid calibration."""
    blocks: list[tuple[str, Any, Any]] = [
        ("cat", OneHotEncoder(handle_unknown="ignore", min_frequency=1), list(PLAIN_CATEGORICAL)),
        (
            "num",
            make_pipeline(SimpleImputer(strategy="median"), StandardScaler()),
            list(PLAIN_COUNTS),
        ),
    ]
    if text:
        blocks.insert(
            0, ("text", TfidfVectorizer(ngram_range=(1, 2), min_df=2, sublinear_tf=True), "text")
        )
    pre = ColumnTransformer(blocks)
    clf = CalibratedClassifierCV(LogisticRegression(C=C, max_iter=2000), method="sigmoid", cv=cv)
    return Pipeline([("features", pre), ("model", clf)])


def logit(p: np.ndarray) -> np.ndarray:
    """``log(p / (1 - p))`` with ``p`` clipped to ``[1e-6, 1 - 1e-6]``."""
    q = np.clip(np.asarray(p, dtype=float), 1e-6, 1 - 1e-6)
    return np.log(q / (1 - q))


def fit_logit_shift(z: np.ndarray, y: np.ndarray, iters: int = 25) -> float:
    """Maximum-likelihood ``b`` in ``P(y=1) = sigmoid(z + b)`` (Newton, 1-D)."""
    b = 0.0
    for _ in range(iters):
        q = 1 / (1 + np.exp(-(z + b)))
        g, h = np.sum(y - q), np.sum(q * (1 - q)) + 1e-9
        b += g / h
    return float(b)


def evaluate(
    y: np.ndarray,
    p: np.ndarray,
    *,
    n_boot: int = 1000,
    n_sim: int = 1000,
    seed: int = 0,
    groups: Any = None,
) -> dict[str, Any]:
    """The benchmark figures of one model's probabilities ``p`` for outcomes ``y``.

    ``groups`` (the source of each row) makes the bootstrap intervals resample whole sources;
    the calibration test's null still draws each outcome independently.
    """
    y = np.asarray(y, dtype=float)
    p = np.clip(np.asarray(p, dtype=float), 1e-6, 1 - 1e-6)
    rep = calibration_report(y, p, n_boot=n_boot, n_sim=n_sim, random_state=seed, groups=groups)
    iv, test = rep["intervals"], rep["test"]
    slope: dict[str, Any] = {
        "estimate": test["slope"],
        "low": test["slope_ci"][0],
        "high": test["slope_ci"][1],
    }
    if np.ptp(p) < 1e-12:  # constant predictions: the slope is undefined
        slope = {"estimate": None, "low": None, "high": None}
    return {
        "n": rep["n"],
        "log_loss": iv["log_loss"],
        "brier": iv["brier_score"],
        "auc": iv["roc_auc"],
        "smece": iv["smece"],
        "slope": slope,
        "intercept": {
            "estimate": test["intercept"],
            "low": test["intercept_ci"][0],
            "high": test["intercept_ci"][1],
        },
        "calibration_in_the_large": rep["metrics"]["calibration_in_the_large"],
        "mean_p": float(p.mean()),
        "base_rate": float(y.mean()),
        "smece_p_value": test["smece"]["p_value"],
        "ece_p_value": test["ece"]["p_value"],
        "consistent_with_calibrated": bool(test["consistent"]),
    }


def _iv(d: dict[str, float], fmt: str = ".3f") -> str:
    est, lo, hi = d["estimate"], d["low"], d["high"]
    if est is None or not np.isfinite(est):
        return "n/a"
    return f"{est:{fmt}} [{lo:{fmt}}, {hi:{fmt}}]"


def markdown_table(rows: dict[str, dict[str, Any]]) -> str:
    """One Markdown row per model: metrics with 95% intervals, test p-value and verdict."""
    head = (
        "| model | log loss | Brier | AUC | calib. slope | smECE | mean p / base rate "
        "| smECE test p | consistent with calibrated |"
    )
    lines = [head, "|" + "---|" * 9]
    for name, r in rows.items():
        lines.append(
            f"| {name} | {_iv(r['log_loss'])} | {_iv(r['brier'])} | {_iv(r['auc'])} "
            f"| {_iv(r['slope'], '.2f')} | {_iv(r['smece'])} "
            f"| {r['mean_p']:.3f} / {r['base_rate']:.3f} "
            f"| {r['smece_p_value']:.3f} | {'yes' if r['consistent_with_calibrated'] else 'no'} |"
        )
    return "\n".join(lines)


def write_results(stem: str, payload: dict[str, Any], markdown: str) -> None:
    """Writes ``results/<stem>.json`` and ``results/<stem>.md``."""
    RESULTS.mkdir(parents=True, exist_ok=True)
    atomic_write_text(
        RESULTS / f"{stem}.json", json.dumps(payload, indent=2, default=_default) + "\n"
    )
    atomic_write_text(RESULTS / f"{stem}.md", markdown.rstrip() + "\n")


def _default(obj: Any) -> Any:
    if isinstance(obj, np.generic):
        return obj.item()
    if isinstance(obj, np.ndarray):
        return obj.tolist()
    return str(obj)
