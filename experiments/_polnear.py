"""PolNeAR (Newell et al., LREC 2018) read at run time: articles with their gold attributions.

The corpus is research data that is never copied into this repository. It is looked up under
``$CREDSCORE_DATASETS/polnear`` or ``<repo>/../shared/datasets/polnear``.

Each ``train/attributions/<article>_<annotator>.ann`` file is brat standoff: ``T`` lines are
spans (``Source``, ``Cue``, ``Content``, possibly discontinuous ``a b;c d``), ``E`` lines tie a
source, a cue and one or two contents into an attribution. Articles annotated by several
annotators are read with one of them (the first in sorted order); :func:`load_all_annotators`
gives every annotator's version for agreement figures.
"""

from __future__ import annotations

import csv
import re
from dataclasses import dataclass, field
from pathlib import Path

from credscore.datasets import default_data_dir

__all__ = ["GoldAttribution", "PolnearArticle", "corpus_dir", "load_all_annotators", "load_train"]

Span = tuple[int, int]


@dataclass
class GoldAttribution:
    """One gold attribution: character spans of its source, cue and content."""

    source: list[Span] = field(default_factory=list)
    cue: list[Span] = field(default_factory=list)
    content: list[Span] = field(default_factory=list)


@dataclass
class PolnearArticle:
    """An article, its metadata row and one annotator's attributions."""

    name: str
    text: str
    publisher: str
    published: str
    annotator: str
    attributions: list[GoldAttribution]


def corpus_dir() -> Path:
    """The PolNeAR folder (may not exist)."""
    return default_data_dir() / "polnear"


def _spans(field_text: str) -> list[Span]:
    out = []
    for piece in field_text.split(";"):
        a, b = piece.split()
        out.append((int(a), int(b)))
    return out


def parse_ann(path: Path) -> list[GoldAttribution]:
    """The attributions of one brat ``.ann`` file (``Discard``/``Discuss`` spans ignored)."""
    spans: dict[str, tuple[str, list[Span]]] = {}
    events: list[list[str]] = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.startswith("T"):
            parts = line.split("\t")
            if len(parts) < 2:
                continue
            kind, _, rest = parts[1].partition(" ")
            spans[parts[0]] = (kind, _spans(rest))
        elif line.startswith("E"):
            parts = line.split("\t")
            if len(parts) >= 2:
                events.append(parts[1].split())
    out = []
    for ev in events:
        att = GoldAttribution()
        for arg in ev[1:]:
            role, _, tid = arg.partition(":")
            role = re.sub(r"\d+$", "", role)
            if tid not in spans:
                continue
            if role == "Source":
                att.source.extend(spans[tid][1])
            elif role == "Cue":
                att.cue.extend(spans[tid][1])
            elif role == "Content":
                att.content.extend(spans[tid][1])
        if att.content:
            att.content.sort()
            out.append(att)
    return out


def _metadata(root: Path) -> dict[str, dict[str, str]]:
    with (root / "metadata.tsv").open(encoding="utf-8", newline="") as fh:
        return {r["filename"]: r for r in csv.DictReader(fh, delimiter="\t")}


def load_all_annotators(root: Path | None = None) -> dict[str, list[PolnearArticle]]:
    """Every annotator's version of every training article, by article name."""
    root = root or corpus_dir()
    meta = _metadata(root)
    by_article: dict[str, list[PolnearArticle]] = {}
    for ann in sorted((root / "train" / "attributions").glob("*.ann")):
        name, _, annotator = ann.stem.rpartition("_")
        text = (root / "train" / "text" / f"{name}.txt").read_text(encoding="utf-8")
        row = meta.get(name, {})
        by_article.setdefault(name, []).append(
            PolnearArticle(
                name,
                text,
                row.get("publisher", ""),
                row.get("publication_date", ""),
                annotator,
                parse_ann(ann),
            )
        )
    return by_article


def load_train(root: Path | None = None) -> list[PolnearArticle]:
    """The 840 training articles, one annotator each (the first in sorted order)."""
    return [versions[0] for _, versions in sorted(load_all_annotators(root).items())]
