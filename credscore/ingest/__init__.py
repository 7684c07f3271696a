"""News text -> sources, statements and events.

The public entry point is :func:`extract`; ``credscore extract ARTICLE.txt --out DIR`` wraps
it (see :mod:`credscore.ingest._cli`).

Attribution (who said what) is read by a tagger trained on PolNeAR (source / cue / content
spans; an averaged structured perceptron over hashed token features that include the
rule-based reading of the article), then speakers are resolved to sources by the rules
(titles, later surnames, roles, he/she). Every statement has a ``kind``: ``direct``,
``indirect``, ``according_to`` (the assertions, kept by default), ``belief`` and ``other``
(kept with ``extract(..., kinds="all")`` or ``--kinds all``). ``tagger="rules"`` gives the
rule-based extractor alone. Cross-validated figures: ``experiments/results/
attribution_eval.md``; the bundled weights are ``data/attribution_tagger.npz``, their
hashes in :func:`data_file_hashes`.
"""

from credscore.ingest._cli import add_extract_parser, cli_extract, extract_files
from credscore.ingest._extract import EVENT_DELAY, EVENT_LEAD, FALLBACK_PUBLISHED_AT, extract
from credscore.ingest._link import ASSERTION_KINDS, KINDS
from credscore.ingest._tagger import TaggerModel, data_file_hashes, default_tagger

__all__ = [
    "ASSERTION_KINDS",
    "EVENT_DELAY",
    "EVENT_LEAD",
    "FALLBACK_PUBLISHED_AT",
    "KINDS",
    "TaggerModel",
    "add_extract_parser",
    "cli_extract",
    "data_file_hashes",
    "default_tagger",
    "extract",
    "extract_files",
]
