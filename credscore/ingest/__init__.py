"""News text -> sources, statements and events (rule-based quote attribution).

The public entry point is :func:`extract`; ``credscore extract ARTICLE.txt --out DIR`` wraps
it (see :mod:`credscore.ingest._cli`).
"""

from credscore.ingest._cli import add_extract_parser, cli_extract, extract_files
from credscore.ingest._extract import EVENT_DELAY, FALLBACK_PUBLISHED_AT, extract

__all__ = [
    "EVENT_DELAY",
    "FALLBACK_PUBLISHED_AT",
    "add_extract_parser",
    "cli_extract",
    "extract",
    "extract_files",
]
