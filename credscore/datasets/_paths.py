"""Where the public research corpora live on disk, and a clear error when they do not.

The corpora (LIAR, LIAR2) are research data that the project never copies. They are looked
up, in order, under ``$CREDSCORE_DATASETS/<name>`` and ``<repo>/../shared/datasets/<name>``.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Sequence
from pathlib import Path

import pandas as pd

from credscore.exceptions import CorpusNotFoundError

__all__ = [
    "CORPUS_FILES",
    "ENV_VAR",
    "CorpusNotFoundError",
    "corpus_available",
    "default_data_dir",
    "resolve_corpus_dir",
]

#: Environment variable naming the folder that holds one sub-folder per corpus.
ENV_VAR = "CREDSCORE_DATASETS"

#: Split files each corpus may have, by split name.
CORPUS_FILES: dict[str, dict[str, str]] = {
    "liar": {"train": "train.tsv", "valid": "valid.tsv", "test": "test.tsv"},
    "liar2": {"train": "train.csv", "valid": "valid.csv", "test": "test.csv"},
}


def default_data_dir() -> Path:
    """Return the folder expected to hold one sub-folder per public corpus.

    ``$CREDSCORE_DATASETS`` when set, else ``<repo>/../shared/datasets`` (the repository being
    the folder that contains the ``credscore`` package). The folder may not exist.

    Returns
    -------
    Path
        The folder, not checked for existence.

    Examples
    --------
    >>> import os
    >>> from credscore.datasets import default_data_dir
    >>> os.environ["CREDSCORE_DATASETS"] = "/data/corpora"
    >>> default_data_dir().as_posix()
    '/data/corpora'
    >>> del os.environ["CREDSCORE_DATASETS"]
    >>> default_data_dir().name
    'datasets'
    """
    env = os.environ.get(ENV_VAR)
    if env:
        return Path(env).expanduser()
    repo = Path(__file__).resolve().parents[2]
    return (repo / ".." / "shared" / "datasets").resolve()


def _check_name(name: str) -> str:
    key = name.lower()
    if key not in CORPUS_FILES:
        raise ValueError(f"unknown corpus {name!r}; known corpora: {sorted(CORPUS_FILES)}")
    return key


def corpus_available(name: str, path: str | os.PathLike[str] | None = None) -> bool:
    """Tell whether a corpus folder with at least one split file can be found.

    Parameters
    ----------
    name : {"liar", "liar2"}
        The corpus.
    path : path-like, optional
        The corpus folder; default ``default_data_dir() / name``.

    Returns
    -------
    bool
        True when the folder holds at least one of the corpus's split files.

    Examples
    --------
    >>> from credscore.datasets import corpus_available
    >>> corpus_available("liar", "/nonexistent/liar")
    False
    """
    key = _check_name(name)
    folder = Path(path) if path is not None else default_data_dir() / key
    return any((folder / f).is_file() for f in CORPUS_FILES[key].values())


def resolve_corpus_dir(name: str, path: str | os.PathLike[str] | None = None) -> Path:
    """Return the corpus folder, or raise :class:`CorpusNotFoundError` saying where it looked.

    Parameters
    ----------
    name : {"liar", "liar2"}
        The corpus.
    path : path-like, optional
        The corpus folder; default ``default_data_dir() / name``.

    Returns
    -------
    Path
        A folder holding at least one split file of the corpus.

    Raises
    ------
    CorpusNotFoundError
        When no split file is found there.

    Examples
    --------
    >>> from credscore.datasets import resolve_corpus_dir
    >>> try:
    ...     resolve_corpus_dir("liar", "/nonexistent/liar")
    ... except FileNotFoundError as err:
    ...     print("set CREDSCORE_DATASETS" in str(err))
    True
    """
    key = _check_name(name)
    folder = Path(path) if path is not None else default_data_dir() / key
    if corpus_available(key, folder):
        return folder
    expected = ", ".join(CORPUS_FILES[key].values())
    how = (
        f"pass path=... to the loader, or set {ENV_VAR} to a folder that holds a '{key}/' "
        "sub-folder"
    )
    raise CorpusNotFoundError(
        f"{key.upper()} corpus not found: looked for {expected} in {folder}"
        + ("" if path is not None else f" (from {ENV_VAR} or <repo>/../shared/datasets)")
        + f"; {how}. The corpus is research data and is not shipped with credscore."
    )


def read_splits(
    name: str,
    path: str | os.PathLike[str] | None,
    splits: Sequence[str] | None,
    reader: Callable[[Path], pd.DataFrame],
    example: str,
) -> pd.DataFrame:
    """Reads the asked splits of corpus ``name`` with ``reader``, each tagged with ``split``.

    ``splits=None`` reads every split file present. An unknown split is a ``ValueError``; a
    known one whose file is missing is a :class:`CorpusNotFoundError` listing what is there.
    """
    label = name.upper()
    folder = resolve_corpus_dir(name, path)
    files = CORPUS_FILES[name]
    if splits is None:
        splits = [s for s, f in files.items() if (folder / f).is_file()]
    frames = []
    for split in splits:
        if split not in files:
            raise ValueError(f"unknown {label} split {split!r}; expected one of {sorted(files)}")
        file = folder / files[split]
        if not file.is_file():
            present = sorted(p.name for p in folder.iterdir())
            raise CorpusNotFoundError(
                f"{label} split {split!r} not found: no {file}; the folder holds {present}. "
                f"Ask for the splits you have, e.g. splits={example}."
            )
        frames.append(reader(file).assign(split=split))
    return pd.concat(frames, ignore_index=True)
