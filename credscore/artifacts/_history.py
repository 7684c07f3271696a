"""A registry's append-only ``history.jsonl``: one JSON line per decision, never rewritten."""

from __future__ import annotations

import datetime as _dt
import getpass
import json
import os
import socket
from pathlib import Path
from typing import Any

from credscore.artifacts._common import jsonable

__all__ = ["append", "champion_stack", "read_history", "who"]


def who(name: str | None = None) -> str:
    """Who made a decision: ``name``, else ``$CREDSCORE_USER``, else ``user@host``."""
    if name:
        return name
    if os.environ.get("CREDSCORE_USER"):
        return os.environ["CREDSCORE_USER"]
    try:
        user = getpass.getuser()
    except Exception:  # no user name in this environment
        user = "unknown"
    return f"{user}@{socket.gethostname()}"


def now() -> str:
    """The current UTC time, ISO 8601 to the microsecond."""
    return _dt.datetime.now(_dt.UTC).isoformat(timespec="microseconds")


def read_history(path: Path) -> tuple[list[dict], list[str]]:
    """The records of ``path`` and a list of problems (unreadable lines, by number).

    A last line cut short by a crash is reported and skipped; the next append starts a new
    line, so it never joins a later record.
    """
    if not path.is_file():
        return [], []
    records: list[dict] = []
    problems: list[str] = []
    lines = path.read_bytes().split(b"\n")
    for i, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        try:
            rec = json.loads(line)
        except ValueError:
            last = i == len(lines) or (i == len(lines) - 1 and not lines[-1])
            problems.append(f"{path}: line {i} is {'cut short' if last else 'not JSON'}")
            continue
        if isinstance(rec, dict):
            records.append(rec)
        else:
            problems.append(f"{path}: line {i} is not a record")
    return records, problems


def append(path: Path, record: dict[str, Any]) -> dict[str, Any]:
    """Appends ``record`` (with ``seq`` and ``at`` added) as one line, flushed to disk."""
    records, _ = read_history(path)
    full = {"seq": (records[-1].get("seq", len(records)) + 1) if records else 1, "at": now()}
    full |= jsonable(record)
    line = json.dumps(full, sort_keys=True).encode("utf-8") + b"\n"
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o666)
    try:
        size = os.fstat(fd).st_size
        if size:
            with open(path, "rb") as fh:
                fh.seek(size - 1)
                if fh.read(1) != b"\n":  # a torn last line: start afresh
                    line = b"\n" + line
        os.write(fd, line)
        os.fsync(fd)
    finally:
        os.close(fd)
    return full


def champion_stack(records: list[dict]) -> list[str]:
    """The champions in order, replaying promotions (push) and rollbacks (pop).

    Examples
    --------
    >>> champion_stack([{"action": "train", "promoted": True, "champion_after": "a"},
    ...                 {"action": "promote", "promoted": True, "champion_after": "b"},
    ...                 {"action": "rollback", "champion_after": "a"}])
    ['a']
    """
    stack: list[str] = []
    for rec in records:
        action, after = rec.get("action"), rec.get("champion_after")
        if action == "rollback" and stack:
            stack.pop()
            if not stack or stack[-1] != after:
                stack.append(str(after))
        elif action not in ("add", "rollback") and rec.get("promoted") and after:
            if not stack or stack[-1] != after:
                stack.append(str(after))
    return stack
