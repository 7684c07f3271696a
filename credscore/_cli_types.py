"""Argument types for the command line: a bad value is a usage error (exit 2) naming the flag."""

from __future__ import annotations

import argparse
from collections.abc import Callable

__all__ = ["int_at_least", "open_fraction"]


def int_at_least(low: int) -> Callable[[str], int]:
    """An argparse type: an integer ``>= low``.

    Examples
    --------
    >>> int_at_least(2)("5")
    5
    >>> int_at_least(2)("1")
    Traceback (most recent call last):
    ...
    argparse.ArgumentTypeError: must be an integer >= 2, got 1
    """

    def parse(text: str) -> int:
        try:
            value = int(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"must be an integer >= {low}, got {text!r}") from None
        if value < low:
            raise argparse.ArgumentTypeError(f"must be an integer >= {low}, got {value}")
        return value

    parse.__name__ = f"integer >= {low}"
    return parse


def open_fraction(text: str) -> float:
    """An argparse type: a number strictly between 0 and 1.

    Examples
    --------
    >>> open_fraction("0.2")
    0.2
    >>> open_fraction("1.5")
    Traceback (most recent call last):
    ...
    argparse.ArgumentTypeError: must be a fraction strictly between 0 and 1, got 1.5
    """
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"must be a fraction strictly between 0 and 1, got {text!r}"
        ) from None
    if not 0.0 < value < 1.0:
        raise argparse.ArgumentTypeError(
            f"must be a fraction strictly between 0 and 1, got {value}"
        )
    return value
