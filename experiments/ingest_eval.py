"""Precision and recall of ``credscore.ingest.extract`` on the hand-annotated articles.

Usage: ``python experiments/ingest_eval.py [--articles DIR] [--verbose]``

Matching rules (see datasets/articles/README.md for the annotation format):

* **statement span**: a predicted statement ``[start, end)`` and a gold one (the first
  occurrence of its ``text`` in the article) match when their overlap is at least half of the
  longer of the two. Pairs are matched one-to-one, largest overlap first.
* **attribution**: a span match whose speaker also matches. Gold ``speaker: null`` (an unnamed
  source) matches a predicted ``anonymous`` source; otherwise the gold speaker's last word
  (lower-case, possessive dropped) must be one of the words of the predicted source's name.
* **titles**: over named people. A predicted titled person matches a gold one by name (same
  rule) and the titles match when their word-level F1 is >= 0.5 (lower-case words, without
  "the/a/an/of/'s" and punctuation). Precision is over predicted people with a title; recall
  over gold people with a title.
* **events**: a predicted event matches a gold one when the kinds are equal and the event's
  statement span-matches the gold event's statement.
* **contradictions**: (source, contradicted source) pairs, names matched as above.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
import time
from pathlib import Path

from credscore.ingest import extract

ROOT = Path(__file__).resolve().parents[1]
_STOP = {"the", "a", "an", "of", "s", "'s", "’s"}


def _words(s: str) -> list[str]:
    s = re.sub(r"(?:'s|’s)\b", "", (s or "").lower())
    return [w for w in re.findall(r"[a-z0-9\-]+", s) if w not in _STOP]


def name_match(gold: str | None, pred_name: str, pred_type: str) -> bool:
    if gold is None:
        return pred_type == "anonymous"
    g = _words(gold)
    return bool(g) and g[-1] in _words(pred_name)


def title_match(gold: str, pred: str) -> bool:
    g, p = _words(gold), _words(pred)
    if not g or not p:
        return False
    common = sum(min(g.count(w), p.count(w)) for w in set(g))
    if common == 0:
        return False
    prec, rec = common / len(p), common / len(g)
    return 2 * prec * rec / (prec + rec) >= 0.5


def _overlap(a: tuple[int, int], b: tuple[int, int]) -> int:
    return max(0, min(a[1], b[1]) - max(a[0], b[0]))


def _pr(tp_p: int, n_p: int, tp_g: int, n_g: int) -> tuple[float, float]:
    return (tp_p / n_p if n_p else 1.0), (tp_g / n_g if n_g else 1.0)


def evaluate(directory: Path, verbose: bool = False, extract_fn=extract) -> dict:
    c = dict.fromkeys(
        "span_tp att_tp n_pred n_gold t_tp_p t_np t_tp_g t_ng e_tp e_np e_ng "
        "c_tp c_np c_ng".split(),
        0,
    )
    for gold_path in sorted(directory.glob("*.json")):
        text = gold_path.with_suffix(".txt").read_text(encoding="utf-8")
        gold = json.loads(gold_path.read_text(encoding="utf-8"))
        tables = extract_fn(text, published_at=gold.get("published_at"))
        src = tables.sources.set_index("source_id")
        preds = tables.statements.to_dict("records")
        gspans = {}
        for g in gold["statements"]:
            at = text.find(g["text"])
            if at < 0:
                raise SystemExit(f"{gold_path.name}: gold text not in article: {g['text']!r}")
            gspans[g["id"]] = (at, at + len(g["text"]))
        pairs = []
        for pi, p in enumerate(preds):
            for g in gold["statements"]:
                gs = gspans[g["id"]]
                ov = _overlap((p["start"], p["end"]), gs)
                if ov >= 0.5 * max(p["end"] - p["start"], gs[1] - gs[0]):
                    pairs.append((ov, pi, g["id"]))
        used_p, used_g, match = set(), set(), {}
        for _, pi, gid in sorted(pairs, reverse=True):
            if pi not in used_p and gid not in used_g:
                used_p.add(pi)
                used_g.add(gid)
                match[pi] = gid
        gby = {g["id"]: g for g in gold["statements"]}
        att = 0
        for pi, gid in match.items():
            s = src.loc[preds[pi]["source_id"]]
            ok = name_match(gby[gid]["speaker"], s["name"], s["source_type"])
            att += ok
            if verbose and not ok:
                print(f"  {gold_path.stem}: speaker {s['name']!r} != {gby[gid]['speaker']!r}")
        if verbose:
            for gid in set(gby) - used_g:
                print(f"  {gold_path.stem}: missed {gby[gid]['text'][:70]!r}")
            for pi in set(range(len(preds))) - used_p:
                print(f"  {gold_path.stem}: spurious {preds[pi]['text'][:70]!r}")
        c["span_tp"] += len(match)
        c["att_tp"] += att
        c["n_pred"] += len(preds)
        c["n_gold"] += len(gold["statements"])
        # titles
        gpeople = [g for g in gold["sources"] if g["source_type"] == "person" and g["title"]]
        ppeople = src[(src["source_type"] == "person") & (src["title"].fillna("") != "")]
        c["t_np"] += len(ppeople)
        c["t_ng"] += len(gpeople)
        for g in gpeople:
            hit = [
                t
                for n, t in zip(ppeople["name"], ppeople["title"], strict=True)
                if name_match(g["name"], n, "person") and title_match(g["title"], t)
            ]
            c["t_tp_g"] += bool(hit)
            if verbose and not hit:
                print(f"  {gold_path.stem}: title of {g['name']!r} != {g['title']!r}")
        for n, t in zip(ppeople["name"], ppeople["title"], strict=True):
            c["t_tp_p"] += any(
                name_match(g["name"], n, "person") and title_match(g["title"], t) for g in gpeople
            )
        # events
        inv = {gid: pi for pi, gid in match.items()}
        sid_index = {p["statement_id"]: i for i, p in enumerate(preds)}
        pev = tables.events.to_dict("records")
        gev = gold["events"]
        c["e_np"] += len(pev)
        c["e_ng"] += len(gev)
        done = set()
        for e in pev:
            pi = sid_index.get(e["statement_id"])
            for k, g in enumerate(gev):
                if k not in done and g["kind"] == e["kind"] and inv.get(g["statement"]) == pi:
                    done.add(k)
                    break
            else:
                if verbose:
                    print(
                        f"  {gold_path.stem}: spurious event {e['kind']} on "
                        f"{preds[pi]['text'][:50]!r}"
                    )
        c["e_tp"] += len(done)
        if verbose:
            for k, g in enumerate(gev):
                if k not in done:
                    print(f"  {gold_path.stem}: missed event {g['kind']} on {g['statement']}")
        # contradictions
        ppairs = set()
        for p in preds:
            for t in filter(None, str(p["contradicts"] or "").split(";")):
                ppairs.add((src.loc[p["source_id"], "name"], src.loc[t, "name"]))
        gpairs = [
            (g["source"], t) for g in gold.get("contradictions", []) for t in g["contradicts"]
        ]
        c["c_np"] += len(ppairs)
        c["c_ng"] += len(gpairs)
        c["c_tp"] += sum(
            any(name_match(a, pa, "person") and name_match(b, pb, "person") for pa, pb in ppairs)
            for a, b in gpairs
        )
    return c


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--articles", default=str(ROOT / "datasets" / "articles"))
    ap.add_argument("--verbose", action="store_true")
    args = ap.parse_args(argv)
    c = evaluate(Path(args.articles), args.verbose)
    n = len(list(Path(args.articles).glob("*.json")))
    rows = [
        (
            "statement span",
            _pr(c["span_tp"], c["n_pred"], c["span_tp"], c["n_gold"]),
            c["n_pred"],
            c["n_gold"],
        ),
        (
            "attribution (span + speaker)",
            _pr(c["att_tp"], c["n_pred"], c["att_tp"], c["n_gold"]),
            c["n_pred"],
            c["n_gold"],
        ),
        ("titles", _pr(c["t_tp_p"], c["t_np"], c["t_tp_g"], c["t_ng"]), c["t_np"], c["t_ng"]),
        (
            "events (kind + statement)",
            _pr(c["e_tp"], c["e_np"], c["e_tp"], c["e_ng"]),
            c["e_np"],
            c["e_ng"],
        ),
        ("contradictions", _pr(c["c_tp"], c["c_np"], c["c_tp"], c["c_ng"]), c["c_np"], c["c_ng"]),
    ]
    print(f"credscore.ingest on {n} annotated articles ({args.articles})")
    print(f"{'':30s} {'precision':>9s} {'recall':>7s} {'pred':>5s} {'gold':>5s}")
    for name, (p, r), npred, ngold in rows:
        print(f"{name:30s} {p:9.3f} {r:7.3f} {npred:5d} {ngold:5d}")
    article = (Path(args.articles) / "01_kursk_withdrawal.txt").read_text(encoding="utf-8")
    big = (article + "\n") * (1_000_000 // (len(article) + 1) + 1)
    t0 = time.perf_counter()
    out = extract(big)
    dt = time.perf_counter() - t0
    print(f"1 MB of news text ({len(big):,} chars): {dt:.2f} s, {len(out.statements):,} statements")
    return 0


if __name__ == "__main__":
    sys.exit(main())
