"""Attribution on PolNeAR: cross-validated figures of the learned extractor beside today's rules.

Usage: ``python experiments/attribution_eval.py [--folds 5] [--epochs 8] [--bits 18]
[--limit N] [--baseline-commit SHA]``

The 840 PolNeAR training articles (one annotator each; ``experiments/_polnear.py``) are cut
into ``--folds`` folds by article (stratified by publisher). For each fold the tagger is
trained on the other folds and the whole extractor (``credscore.ingest.extract`` with that
tagger, every kind kept) reads the held-out articles. The baseline is the extractor as it was
at ``--baseline-commit`` (the rules only), materialised from git into a temporary package and
run on the same articles in the same process. Matching rules: ``_attribution_metrics.py``.
Figures go to ``experiments/results/attribution_eval.{json,md}``. The corpus text is never
written anywhere.
"""

from __future__ import annotations

import argparse
import importlib
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))

import _attribution_metrics as am
from _attribution_report import agreement, report
from _polnear import load_all_annotators

from credscore._io import atomic_write_text
from credscore.ingest import extract
from credscore.ingest._learn import gold_labels, train_tagger
from credscore.ingest._link import ASSERTION_KINDS, TagAttribution, attribution_kind, cue_kind
from credscore.ingest._linklearn import RecordingLinker, fit_linker
from credscore.ingest._rules import rule_statements
from credscore.ingest._stack import rule_codes
from credscore.ingest._tagdoc import tag_doc

ROOT = Path(__file__).resolve().parents[1]
RESULTS = ROOT / "experiments" / "results"
BASELINE_COMMIT = "3706f05"
KIND_ORDER = ("direct", "indirect", "according_to", "belief", "other")


def baseline_extract(commit: str):
    """``extract`` of the ingest package at ``commit``, imported as ``_baseline_ingest``."""
    tmp = Path(tempfile.mkdtemp(prefix="baseline_ingest_"))
    pkg = tmp / "_baseline_ingest"
    names = subprocess.run(
        ["git", "ls-tree", "-r", "--name-only", commit, "credscore/ingest"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    ).stdout.split()
    for name in names:
        body = subprocess.run(
            ["git", "show", f"{commit}:{name}"], cwd=ROOT, capture_output=True, check=True
        ).stdout
        out = pkg / Path(name).relative_to("credscore/ingest")
        out.parent.mkdir(parents=True, exist_ok=True)
        if name.endswith(".py"):
            body = body.replace(b"credscore.ingest", b"_baseline_ingest")
        out.write_bytes(body)
    sys.path.insert(0, str(tmp))
    return importlib.import_module("_baseline_ingest").extract


def folds_of(names: list[str], publishers: list[str], k: int, seed: int = 0) -> np.ndarray:
    rng = np.random.default_rng(seed)
    fold = np.zeros(len(names), dtype=int)
    for pub in sorted(set(publishers)):
        idx = [i for i, p in enumerate(publishers) if p == pub]
        idx = [idx[j] for j in rng.permutation(len(idx))]
        for r, i in enumerate(idx):
            fold[i] = r % k
    return fold


def gold_of(text: str, doc, atts) -> list[am.Gold]:
    out = []
    for t in atts:

        def tok(spans):
            res = []
            for a, b in spans:
                lo = int(np.searchsorted(doc.ends, a, side="right"))
                hi = int(np.searchsorted(doc.starts, b, side="left"))
                if hi > lo:
                    res.append((lo, hi))
            return res

        ta = TagAttribution(tok(t.cue), tok(t.content))
        kind = attribution_kind(doc, ta) if ta.content else "other"
        cue_text = " ".join(text[a:b] for a, b in t.cue)
        speech = cue_kind(cue_text) in ("indirect", "according_to")
        out.append(am.Gold(t.content, t.cue, t.source, kind, speech))
    am.antecedents(text, out)
    return out


def _pairs(field: str) -> list[tuple[int, int]]:
    if not isinstance(field, str) or not field:
        return []
    return [(int(a), int(b)) for a, b in (p.split(":") for p in field.split(";"))]


def preds_of(tables) -> list[am.Pred]:
    src = tables.sources.set_index("source_id")
    out = []
    for r in tables.statements.to_dict("records"):
        s = src.loc[r["source_id"]]
        span = _pairs(r.get("source_span", ""))
        kind = r.get("kind") or {"direct": "direct", "according_to": "according_to"}.get(
            r["quote_type"], "indirect"
        )
        conf = r.get("confidence")
        out.append(
            am.Pred(
                # the content as the corpus annotates it ("that" included); older extractors
                # (the baseline) have only the claim's spans
                _pairs(r.get("content_spans") or r["spans"]),
                _pairs(r.get("cue_spans", "")),
                span[0] if span else None,
                kind,
                str(s["name"]),
                str(s["source_type"]),
                float(conf) if conf is not None and conf == conf else float("inf"),
            )
        )
    return _one_per_cue(out)


def _one_per_cue(preds: list[am.Pred]) -> list[am.Pred]:
    """Statements that share a cue are one attribution (PolNeAR's unit): the extractor
    writes one statement per sentence ('"A," he said. "B."' gives two), PolNeAR one
    attribution with two content pieces."""
    out: list[am.Pred] = []
    by_cue: dict[tuple, am.Pred] = {}
    for p in preds:
        key = tuple(p.cue)
        if key and key in by_cue:
            q = by_cue[key]
            q.content = sorted(q.content + p.content)
            q.confidence = max(q.confidence, p.confidence)
            continue
        if key:
            by_cue[key] = p
        out.append(p)
    return out


def _speech(text: str, cue: list[tuple[int, int]]) -> bool:
    return cue_kind(" ".join(text[a:b] for a, b in cue)) in ("indirect", "according_to")


def score_article(
    t: am.Tally,
    text: str,
    preds: list[am.Pred],
    golds: list[am.Gold],
    speakers: list,
    has_cues: bool,
    assertions: list | None = None,
    old_measure: list | None = None,
) -> None:
    for scope, gs in (("all", golds), ("with_source", [g for g in golds if g.source])):
        m = am.match([p.content for p in preds], [g.content for g in gs])
        t.add(f"{scope}.content.lenient", len(m), len(preds), len(m), len(gs))
        ex = am.exact_matches(text, [p.content for p in preds], [g.content for g in gs])
        t.add(f"{scope}.content.exact", ex, len(preds), ex, len(gs))
        if scope != "with_source":
            continue
        matched_g = {j: i for i, j in m.items()}
        for kind in KIND_ORDER:
            pk = [i for i, p in enumerate(preds) if p.kind == kind]
            gk = [j for j, g in enumerate(gs) if g.kind == kind]
            t.add(
                f"kind.{kind}",
                sum(i in m for i in pk),
                len(pk),
                sum(j in matched_g for j in gk),
                len(gk),
            )
        for cls, want in (("speech_cue", True), ("other_cue", False)):
            gk = [j for j, g in enumerate(gs) if g.speech_cue is want]
            pk = [
                i
                for i, p in enumerate(preds)
                if has_cues and p.cue and _speech(text, p.cue) is want
            ]
            t.add(
                f"cue_class.{cls}",
                sum(i in m for i in pk),
                len(pk),
                sum(j in matched_g for j in gk),
                len(gk),
            )
        for i, j in m.items():
            ok = am.speaker_right(text, preds[i], gs[j])
            he_she = " ".join(text[a:b] for a, b in gs[j].source).lower() in ("he", "she")
            if ok is not None:
                speakers.append((ok, he_she))
            if old_measure is not None:
                ok = am.speaker_right(text, preds[i], gs[j], rule="head")
                if ok is not None:
                    old_measure.append((ok, he_she))
        if assertions is not None:
            # what extract() returns by default: the assertions alone, matched on their own
            ps = [p for p in preds if p.kind in ASSERTION_KINDS]
            for i, j in am.match([p.content for p in ps], [g.content for g in gs]).items():
                ok = am.speaker_right(text, ps[i], gs[j])
                if ok is not None:
                    low = " ".join(text[a:b] for a, b in gs[j].source).lower()
                    assertions.append((ok, low in ("he", "she")))
    if has_cues:
        for role in ("source", "cue"):
            ps = sorted(
                {
                    tuple(getattr(p, role) if role == "cue" else [p.source])
                    for p in preds
                    if (p.source if role == "source" else p.cue)
                }
            )
            gs_ = sorted({tuple(getattr(g, role)) for g in golds if getattr(g, role)})
            pl, gl = [list(x) for x in ps], [list(x) for x in gs_]
            m = am.match(pl, gl)
            t.add(f"{role}.lenient", len(m), len(pl), len(m), len(gl))
            ex = am.exact_matches(text, pl, gl)
            t.add(f"{role}.exact", ex, len(pl), ex, len(gl))


def link_groups(text: str, records: list, golds: list[am.Gold]) -> list[tuple]:
    """Training groups of the speaker linker from one article: for every recorded statement
    whose content matches a gold attribution with a source, its candidate features and
    whether each candidate is the right speaker (``am.speaker_right``, the measure itself).
    Statements the measure cannot judge are left out."""
    gs = [g for g in golds if g.source]
    m = am.match([r.spans for r in records], [g.content for g in gs])
    out = []
    for i, j in m.items():
        r = records[i]
        ys = []
        for c in r.candidates:
            near = min(c.spans, key=lambda s: abs(s[0] - r.cue_at)) if c.spans else None
            span = r.source_span if "default" in c.origins or near is None else near
            p = am.Pred(r.spans, r.cue, span, "", c.source.name, c.source.source_type)
            ys.append(am.speaker_right(text, p, gs[j]))
        if ys and ys[0] is not None:
            out.append((r.x, [bool(y) for y in ys]))
    return out


def read_all(art, tagger, linker) -> object:
    """Every attribution ``extract`` finds in one article (all kinds, no confidence cut)."""
    return extract(
        art.text,
        published_at=art.published,
        kinds="all",
        tagger=tagger,
        min_confidence=float("-inf"),
        linker=linker,
    )


def tagger_on(rows: list[int], docs, labels, codes, args) -> object:
    """The attribution tagger trained on the articles at ``rows``."""
    return train_tagger(
        [docs[i] for i in rows],
        [labels[i] for i in rows],
        [codes[i] for i in rows],
        bits=args.bits,
        epochs=args.epochs,
    )


def recorded_groups(art, tagger, golds: list[am.Gold]) -> list[tuple]:
    """:func:`link_groups` of one article read with ``tagger``."""
    rec = RecordingLinker()
    read_all(art, tagger, rec)
    return link_groups(art.text, rec.records, golds)


def _pair_taggers(docs, labels, codes, folds, args) -> dict[tuple[int, int], object]:
    """One tagger per pair of folds, trained on the others: the linker of fold ``f`` learns
    from fold ``g`` read by the tagger of pair ``(f, g)``, so no label of ``f`` (nor of the
    article read) reaches it."""
    out = {}
    for f in range(args.folds):
        for g in range(f + 1, args.folds):
            tr = [i for i in range(len(docs)) if folds[i] not in (f, g)]
            out[(f, g)] = tagger_on(tr, docs, labels, codes, args)
    return out


def _threshold(arts, golds, oof, idx, min_precision):
    scored, n_gold = [], 0
    for i in idx:
        gs = [g for g in golds[i] if g.source]
        m = am.match([p.content for p in oof[i]], [g.content for g in gs])
        scored += [(p.confidence, k in m) for k, p in enumerate(oof[i])]
        n_gold += len(gs)
    return am.choose_threshold(scored, n_gold, min_precision)


def _prepare(arts) -> tuple[list, list, list, list]:
    docs, codes, labels, golds = [], [], [], []
    for a in arts:
        d = tag_doc(a.text)
        docs.append(d)
        codes.append(rule_codes(d, rule_statements(a.text, d.sents)))
        spans = [{"source": g.source, "cue": g.cue, "content": g.content} for g in a.attributions]
        labels.append(gold_labels(d, spans))
        golds.append(gold_of(a.text, d, a.attributions))
    return docs, codes, labels, golds


def _speaker_summary(sp: list) -> dict:
    return {
        "all": sum(ok for ok, _ in sp) / len(sp) if sp else None,
        "n": len(sp),
        "pronoun_he_she": (sum(ok for ok, pr in sp if pr) / max(1, sum(pr for _, pr in sp))),
        "n_pronoun": sum(pr for _, pr in sp),
    }


def _summary(t: am.Tally, sp: list, n_articles: int, seconds: float) -> dict:
    res: dict = {k: t.prf(k) for k in t.keys()}
    res["speaker_right"] = _speaker_summary(sp)
    res["articles_per_s"] = n_articles / seconds if seconds else None
    return res


def run(args) -> dict:
    versions = load_all_annotators()
    names = sorted(versions)
    if args.limit:
        names = names[: args.limit]
    arts = [versions[n][0] for n in names]
    folds = folds_of(names, [a.publisher for a in arts], args.folds)
    docs, codes, labels, golds = _prepare(arts)
    base = baseline_extract(args.baseline_commit)
    tallies = {"learned": am.Tally(), "baseline": am.Tally()}
    speakers: dict[str, list] = {"learned": [], "baseline": []}
    assertions: dict[str, list] = {"learned": [], "baseline": []}
    old_measure: dict[str, list] = {"learned": [], "baseline": []}
    seconds = {"learned": 0.0, "baseline": 0.0}
    oof: dict[int, list[am.Pred]] = {}
    t0 = time.perf_counter()
    pairs = _pair_taggers(docs, labels, codes, folds, args) if args.linker else {}
    print(f"pair taggers trained in {time.perf_counter() - t0:.0f} s", flush=True)
    for f in range(args.folds):
        tr = [i for i in range(len(arts)) if folds[i] != f]
        te = [i for i in range(len(arts)) if folds[i] == f]
        t0 = time.perf_counter()
        model = tagger_on(tr, docs, labels, codes, args)
        linker = "none"
        if args.linker:
            groups = []
            for i in tr:
                key = (min(f, folds[i]), max(f, folds[i]))
                groups += recorded_groups(arts[i], pairs[key], golds[i])
            linker = fit_linker(groups, c=args.linker_c)
        print(
            f"fold {f}: trained on {len(tr)} articles in {time.perf_counter() - t0:.0f} s",
            flush=True,
        )
        for i in te:
            a = arts[i]
            t0 = time.perf_counter()
            tabs = read_all(a, model, linker)
            seconds["learned"] += time.perf_counter() - t0
            oof[i] = preds_of(tabs)
            t0 = time.perf_counter()
            btabs = base(a.text, published_at=a.published)
            seconds["baseline"] += time.perf_counter() - t0
            score_article(
                tallies["baseline"],
                a.text,
                preds_of(btabs),
                golds[i],
                speakers["baseline"],
                False,
                assertions["baseline"],
                old_measure["baseline"],
            )
    thresholds = []
    for f in range(args.folds):
        tau = _threshold(arts, golds, oof, [i for i in oof if folds[i] != f], args.min_precision)
        thresholds.append(tau[0])
        for i in (i for i in oof if folds[i] == f):
            kept = [p for p in oof[i] if p.confidence >= tau[0]]
            score_article(
                tallies["learned"],
                arts[i].text,
                kept,
                golds[i],
                speakers["learned"],
                True,
                assertions["learned"],
                old_measure["learned"],
            )
    shipped = _threshold(arts, golds, oof, list(oof), args.min_precision)
    out: dict = {
        "articles": len(arts),
        "fold_thresholds": thresholds,
        "threshold_all_folds": shipped[0],
        "min_precision": args.min_precision,
        "folds": args.folds,
        "epochs": args.epochs,
        "bits": args.bits,
        "baseline_commit": args.baseline_commit,
        "speaker_linker": bool(args.linker),
        "linker_c": args.linker_c,
        "gold_attributions": sum(len(g) for g in golds),
        "gold_with_source": sum(1 for gs in golds for g in gs if g.source),
    }
    for name, t in tallies.items():
        out[name] = _summary(t, speakers[name], len(arts), seconds[name])
        out[name]["speaker_right_assertions"] = _speaker_summary(assertions[name])
        out[name]["speaker_right_old_measure"] = _speaker_summary(old_measure[name])
    out["speed_ratio_learned_over_baseline"] = seconds["learned"] / seconds["baseline"]
    multi = {n: v for n, v in versions.items() if len(v) > 1}
    out["annotator_agreement"] = agreement(multi)
    return out


def own_articles(base) -> dict:
    import ingest_eval

    out = {}
    for name, fn in (("learned", extract), ("baseline", base)):
        c = ingest_eval.evaluate(ROOT / "datasets" / "articles", extract_fn=fn)
        out[name] = {
            "statement span": ingest_eval._pr(c["span_tp"], c["n_pred"], c["span_tp"], c["n_gold"]),
            "attribution": ingest_eval._pr(c["att_tp"], c["n_pred"], c["att_tp"], c["n_gold"]),
        }
    return out


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--folds", type=int, default=5)
    ap.add_argument("--epochs", type=int, default=8)
    ap.add_argument("--bits", type=int, default=18)
    ap.add_argument("--limit", type=int, default=0, help="first N articles only (smoke runs)")
    ap.add_argument("--baseline-commit", default=BASELINE_COMMIT)
    ap.add_argument(
        "--min-precision",
        type=float,
        default=0.8,
        help="the confidence threshold keeps precision at least this on the other folds "
        "(0.8: the shipped tagger's threshold and the results file were chosen with it)",
    )
    ap.add_argument("--no-write", action="store_true")
    ap.add_argument(
        "--no-linker",
        dest="linker",
        action="store_false",
        help="keep the extractor's first speaker reading (no learned speaker linker)",
    )
    ap.add_argument("--linker-c", type=float, default=1.0, help="inverse L2 strength")
    args = ap.parse_args(argv)
    out = run(args)
    base = baseline_extract(args.baseline_commit)
    out["own_articles"] = own_articles(base)
    text = report(out, out["own_articles"])
    print(text)
    if not args.no_write:
        RESULTS.mkdir(parents=True, exist_ok=True)
        atomic_write_text(RESULTS / "attribution_eval.json", json.dumps(out, indent=1) + "\n")
        atomic_write_text(RESULTS / "attribution_eval.md", text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
