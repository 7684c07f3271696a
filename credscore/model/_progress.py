"""Progress of a fit on stderr: folds, learners, calibrators, elapsed time.

``verbose=0`` prints nothing; ``1`` (the default of :class:`~credscore.CredibilityModel`)
prints only fits that run longer than :data:`QUIET_SECONDS` — the lines held back until then
are printed at once, so a long fit shows its whole course and a quick one stays silent;
``2`` prints every step as it happens. :class:`~credscore.CredibilityClassifier` reports to
the fit of the model that called it (:func:`progress_scope`), or to its own ``verbose``.
"""

from __future__ import annotations

import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import IO

__all__ = ["QUIET_SECONDS", "Progress", "current_progress", "progress_scope"]

#: With ``verbose=1``, a fit shorter than this prints nothing.
QUIET_SECONDS = 3.0

_CURRENT: ContextVar[Progress | None] = ContextVar("credscore_progress", default=None)


class Progress:
    """Timestamped progress lines (see the module docstring).

    Examples
    --------
    >>> import io
    >>> out = io.StringIO()
    >>> p = Progress(verbose=2, stream=out)
    >>> p.step("features: 10 statements")
    >>> out.getvalue().split("] ", 1)[1]
    'features: 10 statements\\n'
    """

    def __init__(
        self, verbose: int = 1, stream: IO[str] | None = None, quiet_seconds: float = QUIET_SECONDS
    ) -> None:
        self.verbose = int(verbose)
        self.stream = stream
        self.quiet_seconds = quiet_seconds
        self.start = time.perf_counter()
        self.held: list[str] = []
        self.live = self.verbose >= 2

    def elapsed(self) -> float:
        """Seconds since the fit began."""
        return time.perf_counter() - self.start

    def step(self, message: str) -> None:
        """Reports one step (held back while a ``verbose=1`` fit is still short)."""
        if self.verbose <= 0:
            return
        line = f"[credscore fit {self.elapsed():7.1f} s] {message}"
        if not self.live and self.elapsed() >= self.quiet_seconds:
            self.live = True
            self._write(self.held)
            self.held = []
        if self.live:
            self._write([line])
        else:
            self.held.append(line)

    def _write(self, lines: list[str]) -> None:
        if not lines:
            return
        stream = self.stream if self.stream is not None else sys.stderr
        stream.write("".join(line + "\n" for line in lines))
        stream.flush()


def current_progress(verbose: int = 0) -> Progress:
    """The progress of the enclosing fit, or a new one with ``verbose``."""
    active = _CURRENT.get()
    return active if active is not None else Progress(verbose)


@contextmanager
def progress_scope(progress: Progress) -> Iterator[Progress]:
    """Makes ``progress`` the one that nested fits report to."""
    token = _CURRENT.set(progress)
    try:
        yield progress
    finally:
        _CURRENT.reset(token)
