"""Readers for the annotated uncertainty corpora (CoNLL-2010 Wikipedia, BioScope) and our set.

The corpora are research data: they are read at run time from ``$CREDSCORE_DATASETS/hedges``
or ``<repo>/../shared/datasets/hedges`` and nothing of them is written anywhere (only
aggregate figures and learned weights leave the scripts that use them).

Every reader returns a DataFrame with ``text``, ``label`` (1 = the sentence carries an
uncertainty cue), ``cues`` (list of ``(start, end)`` gold cue spans, or ``None`` where the
corpus labels sentences only), ``corpus`` and ``fold`` (0..4, see each reader for how folds
keep related sentences together).
"""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from credscore.datasets import default_data_dir

N_FOLDS = 5
REPO = Path(__file__).resolve().parents[1]
OWN_SET = REPO / "datasets" / "qualifiers" / "eval.jsonl"
#: Our categories that count as an uncertainty cue for the learned model's word labels.
UNCERTAIN_CATEGORIES = ("hedge", "hearsay", "weasel", "peacock")


def hedges_dir() -> Path:
    """The folder holding the hedge corpora (it may not exist)."""
    return default_data_dir() / "hedges"


def available() -> bool:
    """Whether both shared corpora are present."""
    d = hedges_dir()
    return (d / "wikipedia_weasel_train.csv").is_file() and (d / "bioscope_abstracts.xml").is_file()


def _label_block_folds(label: np.ndarray) -> np.ndarray:
    """Fold k = the k-th contiguous fifth of each label's rows, in file order.

    The file lists all negative sentences, then all positive ones, each block in article
    order; contiguous chunks keep most sentences of one article in one fold.
    """
    fold = np.zeros(len(label), dtype=np.int64)
    for value in (0, 1):
        idx = np.flatnonzero(label == value)
        fold[idx] = np.arange(len(idx)) * N_FOLDS // max(len(idx), 1)
    return fold


def wikipedia(path: Path | None = None) -> pd.DataFrame:
    """CoNLL-2010 Wikipedia sentences (CSV ``text,label``): sentence labels, no cue spans."""
    df = pd.read_csv(path or hedges_dir() / "wikipedia_weasel_train.csv")
    out = pd.DataFrame({"text": df["text"].fillna("").astype(str).str.strip()})
    out["label"] = df["label"].astype(int).to_numpy()
    out["cues"] = None
    out["corpus"] = "wikipedia"
    out["fold"] = _label_block_folds(out["label"].to_numpy())
    return out


def _walk(el: ET.Element, out: list[str], cues: list[tuple[str, int, int]]) -> None:
    if el.text:
        out.append(el.text)
    for child in el:
        start = sum(map(len, out))
        _walk(child, out, cues)
        if child.tag == "cue":
            cues.append((child.get("type") or "", start, sum(map(len, out))))
        if child.tail:
            out.append(child.tail)


def bioscope(path: Path | None = None) -> pd.DataFrame:
    """BioScope sentences with their speculation cue spans; folds are blocks of documents."""
    root = ET.parse(path or hedges_dir() / "bioscope_abstracts.xml").getroot()
    rows: list[tuple[str, int, list[tuple[int, int]], int]] = []
    for d, doc in enumerate(root.iter("Document")):
        for sent in doc.iter("sentence"):
            parts: list[str] = []
            found: list[tuple[str, int, int]] = []
            _walk(sent, parts, found)
            spec = [(a, b) for kind, a, b in found if kind == "speculation"]
            rows.append(("".join(parts), int(bool(spec)), spec, d))
    out = pd.DataFrame(rows, columns=["text", "label", "cues", "doc"])
    out["corpus"] = "bioscope"
    n_docs = int(out["doc"].max()) + 1 if len(out) else 1
    out["fold"] = out["doc"] * N_FOLDS // n_docs
    return out.drop(columns="doc")


def own_set(path: Path = OWN_SET) -> pd.DataFrame:
    """Our annotated news sentences: cue spans of the uncertainty categories."""
    rows: list[dict[str, Any]] = [
        json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line
    ]
    out = pd.DataFrame({"text": [r["text"] for r in rows]})
    out["cues"] = [
        [(s["start"], s["end"]) for s in r["spans"] if s["category"] in UNCERTAIN_CATEGORIES]
        for r in rows
    ]
    out["label"] = [int(bool(c)) for c in out["cues"]]
    out["corpus"] = "own"
    out["fold"] = np.arange(len(out)) * N_FOLDS // max(len(out), 1)
    return out


def all_corpora() -> pd.DataFrame:
    """Wikipedia, BioScope and our set, one frame (index reset)."""
    return pd.concat([wikipedia(), bioscope(), own_set()], ignore_index=True)
