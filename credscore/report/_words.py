"""Words and figures for the report page: human names, one number format, figures bound to JSON.

Every figure the page shows goes through :func:`fig`, which formats one value of the result
and tags it with its JSON Pointer (``data-json``) and precision (``data-digits``), so a test can
check each figure on the page against the JSON twin. Internal names (column, learner and
calibrator identifiers) are turned into words here; the JSON keeps the identifiers.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from html import escape
from typing import Any

__all__ = [
    "baseline_text",
    "baseline_title",
    "ci",
    "fig",
    "fmt",
    "lookup",
    "outcome_words",
    "pointer",
    "selection_words",
    "slice_text",
    "slice_title",
    "table",
    "user",
    "value_words",
    "verdict_sentence",
]

_BASELINES = {
    "constant": ("constant prior", None),
    "track_record_only": (
        "track record only",
        "the source's earlier share of statements found false, shrunk towards the training "
        "prior, read as the probability of holding up (a source with no verdicts yet gets the "
        "constant prior)",
    ),
}
_SLICES = {
    "rank_family": ("rank family", "the source's rank family (military, government, media...)"),
    "context": (
        "context",
        "where the statement was made (speech, interview, social-media post...)",
    ),
    "track_record": (
        "track record",
        "whether the source had any earlier statement on record",
    ),
    "qualified": (
        "qualifiers",
        "whether the statement carries any scope qualifier (hedge, approximation, scope "
        "limit, attribution to others, absolute, figure)",
    ),
}
_LEARNERS = {"logistic": "logistic regression", "hgb": "monotone gradient boosting"}
_CALIBRATORS = {
    "sigmoid": "Platt (sigmoid) scaling",
    "isotonic": "isotonic regression",
    "temperature": "temperature scaling",
    "venn_abers": "Venn-Abers",
}
_OUTCOME_WORDS = {
    "better": "better than",
    "worse": "worse than",
    "not measurably different": "not measurably better than",
}


def fmt(v: Any, digits: int = 3) -> str:
    """One number format for the page: ``–`` for missing, thousands for integers.

    Examples
    --------
    >>> fmt(0.12345), fmt(1284), fmt(None), fmt(True), fmt(-0.0004, 3)
    ('0.123', '1,284', '–', 'yes', '-0.000')
    """
    if v is None:
        return "–"
    if isinstance(v, bool):
        return "yes" if v else "no"
    if isinstance(v, int):
        return f"{v:,}"
    if isinstance(v, float):
        return f"{v:.{digits}f}"
    return str(v)


def pointer(*path: Any) -> str:
    """The JSON Pointer (RFC 6901) of ``path``.

    Examples
    --------
    >>> pointer("slices", "a/b", "rows", 0, "n")
    '/slices/a~1b/rows/0/n'
    """
    return "".join("/" + str(p).replace("~", "~0").replace("/", "~1") for p in path)


def lookup(result: Any, ptr: str) -> Any:
    """The value at JSON Pointer ``ptr`` in ``result`` (lists indexed by position)."""
    node = result
    for raw in ptr.split("/")[1:]:
        key = raw.replace("~1", "/").replace("~0", "~")
        node = node[int(key)] if isinstance(node, list) else node[key]
    return node


def fig(result: dict[str, Any], *path: Any, digits: int = 3, text: str | None = None) -> str:
    """One figure of ``result`` as a tagged ``<span>`` (its JSON Pointer and precision).

    ``text`` replaces the formatted value (e.g. a date cut to the day); the tag still names
    the value it shows.

    Examples
    --------
    >>> fig({"m": {"log_loss": 0.6512}}, "m", "log_loss")
    "<span class='v' data-json='/m/log_loss' data-digits='3'>0.651</span>"
    """
    ptr = pointer(*path)
    shown = fmt(lookup(result, ptr), digits) if text is None else text
    return (
        f"<span class='v' data-json='{escape(ptr)}' data-digits='{digits}'>{escape(shown)}</span>"
    )


def table(head: Sequence[str], rows: Iterable[Sequence[str]], cls: str = "") -> str:
    """Cells are HTML already (escaped by the callers); headers may hold tagged figures."""
    th = "".join(f"<th>{h}</th>" for h in head)
    body = "".join("<tr>" + "".join(f"<td>{c}</td>" for c in r) + "</tr>" for r in rows)
    attr = f" class='{cls}'" if cls else ""
    return (
        f"<div class='scroll'><table{attr}><thead><tr>{th}</tr></thead><tbody>{body}</tbody>"
        "</table></div>"
    )


def ci(res: dict[str, Any], *path: Any, digits: int = 3) -> str:
    """An interval ``low to high`` of the dict at ``path`` (``–`` when absent)."""
    node: Any = res
    for p in path:
        if isinstance(node, dict):
            node = node.get(p)
        elif isinstance(node, list) and isinstance(p, int) and 0 <= p < len(node):
            node = node[p]
        else:
            node = None
    if not node:
        return "–"
    return f"{fig(res, *path, 'low', digits=digits)} to {fig(res, *path, 'high', digits=digits)}"


def user(text: Any) -> str:
    """Text that came from the user's tables (ids, statements, slice values), escaped and marked."""
    return f"<span class='u'>{escape(str(text))}</span>"


def baseline_title(name: str) -> str:
    """A baseline's name in words ("track record only")."""
    return _BASELINES.get(name, (name.replace("_", " "), None))[0]


def baseline_text(b: dict[str, Any]) -> str:
    """What a baseline predicts, in words (the constant one's description is already words)."""
    text = _BASELINES.get(b["name"], (None, None))[1]
    return text or str(b["description"])


def slice_title(name: str) -> str:
    """A slice's heading: the built-in slices in words, a column slice under its own name."""
    return _SLICES.get(name, (name, None))[0]


def slice_text(name: str, description: str) -> str:
    """What a slice groups by, in words."""
    known = _SLICES.get(name)
    return known[1] if known else f"values of the column '{name}'"


def value_words(value: str) -> str:
    """A slice value as words ("social_media" -> "social media")."""
    return str(value).replace("_", " ")


def selection_words(kind: str, name: Any) -> str:
    """A base learner's or calibrator's name in words."""
    table = _LEARNERS if kind == "base" else _CALIBRATORS
    return table.get(str(name), str(name).replace("_", " "))


def verdict_sentence(result: dict[str, Any]) -> str:
    """The verdict as one plain sentence (for the command line), figures as on the page.

    Examples
    --------
    >>> res = {"calibration": {"consistent": False, "smece_p_value": 0.01, "slope": 1.4},
    ...        "verdict": {"comparisons": [{"baseline": "constant", "outcome": "better",
    ...        "difference": {"estimate": -0.02, "low": -0.03, "high": -0.01}}]}}
    >>> for part in verdict_sentence(res).split("; "):
    ...     print(part)
    calibration NOT consistent with calibrated (smECE test p 0.010, slope 1.40)
    log loss better than the constant prior (model - baseline -0.0200, 95% CI -0.0300 to -0.0100)
    """
    c = result["calibration"]
    word = "consistent" if c["consistent"] else "NOT consistent"
    parts = [
        f"calibration {word} with calibrated (smECE test p {fmt(c['smece_p_value'])}, "
        f"slope {fmt(c['slope'], 2)})"
    ]
    for comp in result["verdict"]["comparisons"]:
        d = comp["difference"]
        parts.append(
            f"log loss {_OUTCOME_WORDS[comp['outcome']]} the {baseline_title(comp['baseline'])} "
            f"(model - baseline {fmt(d['estimate'], 4)}, 95% CI {fmt(d['low'], 4)} to "
            f"{fmt(d['high'], 4)})"
        )
    return "; ".join(parts)


def outcome_words(outcome: str) -> str:
    """ "better than", "worse than" or "not measurably better than"."""
    return _OUTCOME_WORDS[outcome]
