"""News text -> sources, statements and events (rule-based quote attribution).

The public entry point is :func:`extract`; ``credscore extract ARTICLE.txt --out DIR`` wraps
it (see :mod:`credscore.ingest._cli`).
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
