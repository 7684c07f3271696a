"""Reading a model directory once, into memory, refusing anything but plain files.

The directory is opened once (refused if it is a symbolic link) and every file is opened
relative to that handle without following links, checked to be a regular file, and read in
full. The bytes read are the bytes hashed, checked and loaded: nothing is read a second time,
so a file swapped after the check cannot be the one that loads. A directory replaced while it
is read (see :func:`credscore.artifacts._fs.exchange`) is read entirely from its old or
entirely from its new version, because every file is opened through the one handle.
"""

from __future__ import annotations

import errno
import os
import stat
from dataclasses import dataclass
from pathlib import Path

from credscore.artifacts._common import (
    ARTIFACT_NAMES,
    MAX_MODEL_BYTES,
    MAX_TEXT_BYTES,
    SKOPS,
    refuse,
)

__all__ = ["RawArtifact", "read_artifact_dir", "read_small_file"]

_NOFOLLOW = getattr(os, "O_NOFOLLOW", 0)
_DIRECTORY = getattr(os, "O_DIRECTORY", 0)
_NONBLOCK = getattr(os, "O_NONBLOCK", 0)
_CLOEXEC = getattr(os, "O_CLOEXEC", 0)
_FIX_RESTORE = "restore the model directory from a trusted copy, or save the model again"


@dataclass(frozen=True)
class RawArtifact:
    """The files of a model directory, as read once."""

    root: Path
    files: dict[str, bytes]


def _open_dir(root: Path) -> int:
    try:
        if _NOFOLLOW == 0 and root.is_symlink():  # platforms without O_NOFOLLOW
            raise OSError(errno.ELOOP, "symbolic link")
        return os.open(root, os.O_RDONLY | _DIRECTORY | _NOFOLLOW | _CLOEXEC)
    except FileNotFoundError:
        raise refuse(
            root,
            "does not exist",
            "pass the directory that credscore.save_model wrote (it holds manifest.json and "
            "model.skops), or a registry directory",
        ) from None
    except OSError as exc:
        if exc.errno == errno.ELOOP or os.path.islink(root):
            problem = "is a symbolic link; model directories are read only where they are"
            fix = f"pass the directory it points to ({os.path.realpath(root)}) if you trust it"
        elif exc.errno == errno.ENOTDIR:
            problem, fix = "is not a directory", "pass the model directory, not a file in it"
        else:
            problem, fix = f"cannot be opened ({exc.strerror})", "check its permissions"
        raise refuse(root, problem, fix) from None


def _read_fd(fd: int, path: Path, limit: int) -> bytes:
    st = os.fstat(fd)
    if not stat.S_ISREG(st.st_mode):
        raise refuse(path, "is not a regular file", _FIX_RESTORE)
    if st.st_size > limit:
        raise refuse(path, f"is {st.st_size:,} bytes, over the limit of {limit:,}", _FIX_RESTORE)
    chunks, size = [], 0
    while True:
        chunk = os.read(fd, 1 << 20)
        if not chunk:
            break
        size += len(chunk)
        if size > limit:
            raise refuse(path, f"grew past {limit:,} bytes while it was read", _FIX_RESTORE)
        chunks.append(chunk)
    if size != st.st_size:
        raise refuse(
            path, "changed size while it was read", "load it again when no save is running"
        )
    return b"".join(chunks)


def _entry_kind(entry: os.DirEntry) -> str:
    if entry.is_symlink():
        return "a symbolic link"
    if entry.is_dir(follow_symlinks=False):
        return "a sub-directory"
    if entry.is_file(follow_symlinks=False):
        return "file"
    return "a special file (FIFO, socket or device)"


class _Replaced(Exception):
    """The directory was replaced (and its old version deleted) while it was read."""


def read_artifact_dir(root: str | os.PathLike, *, attempts: int = 5) -> RawArtifact:
    """Every file of the model directory ``root``, read once.

    A directory replaced while it is read (``save_model(..., replace=True)`` swaps it in one
    step, then deletes the old version) is read again from the start, so the files returned
    always come from one version.

    Raises
    ------
    ArtifactError
        If ``root`` is missing, a symbolic link or not a directory, or holds a name that is not
        part of an artifact, a symbolic link, a sub-directory, a special file, or a file over
        the size limit.
    """
    root = Path(root)
    for _ in range(attempts - 1):
        try:
            return _read_once(root)
        except _Replaced:
            continue
    try:
        return _read_once(root)
    except _Replaced:
        raise refuse(
            root, "kept changing while it was read", "load it when no save is running"
        ) from None


def _read_once(root: Path) -> RawArtifact:
    dir_fd = _open_dir(root)
    try:
        with os.scandir(dir_fd) as it:
            entries = sorted(it, key=lambda e: e.name)
        for entry in entries:
            kind = _entry_kind(entry)
            if kind != "file":
                raise refuse(
                    root / entry.name,
                    f"is {kind}; a model directory holds only plain files",
                    f"remove it; {_FIX_RESTORE}",
                )
            if entry.name not in ARTIFACT_NAMES:
                raise refuse(
                    root / entry.name,
                    "is not part of a credscore artifact (the manifest does not list it, "
                    f"and only {', '.join(ARTIFACT_NAMES)} may sit beside it)",
                    "remove it; an artifact holds only what it was saved with, plus NOTES.md",
                )
        files: dict[str, bytes] = {}
        for entry in entries:
            path = root / entry.name
            limit = MAX_MODEL_BYTES if entry.name == SKOPS else MAX_TEXT_BYTES
            try:
                fd = os.open(
                    entry.name, os.O_RDONLY | _NOFOLLOW | _NONBLOCK | _CLOEXEC, dir_fd=dir_fd
                )
            except FileNotFoundError:
                raise _Replaced from None  # listed a moment ago: deleted with its directory
            except OSError as exc:
                raise refuse(path, f"cannot be opened ({exc.strerror})", _FIX_RESTORE) from None
            try:
                files[entry.name] = _read_fd(fd, path, limit)
            finally:
                os.close(fd)
        opened, now = os.fstat(dir_fd), os.stat(root, follow_symlinks=False)
        if (opened.st_dev, opened.st_ino) != (now.st_dev, now.st_ino):
            raise _Replaced  # swapped while read: its old version may be half deleted
        return RawArtifact(root=root, files=files)
    finally:
        os.close(dir_fd)


def read_small_file(path: Path, *, limit: int = 1 << 16, follow: bool = False) -> bytes | None:
    """The bytes of a small regular file, or None when it does not exist.

    Symbolic links are refused unless ``follow`` (key files may be mounted as links).
    """
    flags = os.O_RDONLY | _NONBLOCK | _CLOEXEC | (0 if follow else _NOFOLLOW)
    try:
        fd = os.open(path, flags)
    except FileNotFoundError:
        return None
    except OSError as exc:
        if exc.errno == errno.ELOOP or os.path.islink(path):
            raise refuse(path, "is a symbolic link", "replace it with a plain file") from None
        raise refuse(path, f"cannot be opened ({exc.strerror})", "check its permissions") from None
    try:
        return _read_fd(fd, path, limit)
    finally:
        os.close(fd)
