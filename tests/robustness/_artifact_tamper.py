"""Helpers that tamper with a model directory the way an attacker who can write it would.

``rehash`` rewrites the manifest's file hashes and the manifest's own hash, so that the hash
checks pass and only the structural checks (and a signature) stand between the edit and a load.
"""

from __future__ import annotations

import hashlib
import io
import json
import shutil
import zipfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np


def copy(src: Path, dst: Path) -> Path:
    shutil.copytree(src, dst, symlinks=True)
    return dst


def rehash(d: Path) -> None:
    """Rewrites manifest.json's file hashes and manifest.sha256 to match the files."""
    m = json.loads((d / "manifest.json").read_text())
    if isinstance(m, dict) and isinstance(m.get("files"), dict):
        for name in list(m["files"]):
            p = d / name
            if p.is_file() and not p.is_symlink():
                m["files"][name] = hashlib.sha256(p.read_bytes()).hexdigest()
    write_manifest(d, m)


def write_manifest(d: Path, manifest: Any, raw: bytes | None = None) -> None:
    body = (
        raw if raw is not None else (json.dumps(manifest, indent=2, sort_keys=True) + "\n").encode()
    )
    (d / "manifest.json").write_bytes(body)
    (d / "manifest.sha256").write_text(hashlib.sha256(body).hexdigest() + "\n")


def edit_manifest(d: Path, fn: Callable[[dict], Any]) -> None:
    m = json.loads((d / "manifest.json").read_text())
    out = fn(m)
    write_manifest(d, m if out is None else out)


def read_zip(d: Path) -> dict[str, bytes]:
    with zipfile.ZipFile(d / "model.skops") as z:
        return {n: z.read(n) for n in z.namelist()}


def write_zip(d: Path, members: dict[str, bytes]) -> None:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED) as z:
        for name, body in members.items():
            z.writestr(name, body)
    (d / "model.skops").write_bytes(out.getvalue())
    rehash(d)


def edit_schema(d: Path, fn: Callable[[dict, dict[str, bytes]], Any]) -> None:
    """Calls ``fn(schema, members)`` (edit in place), then rewrites the archive and hashes."""
    members = read_zip(d)
    schema = json.loads(members["schema.json"])
    out = fn(schema, members)
    schema = schema if out is None else out
    members["schema.json"] = json.dumps(schema).encode()
    used = {n["file"] for n in nodes(schema, None) if isinstance(n.get("file"), str)}
    write_zip(d, {k: v for k, v in members.items() if k == "schema.json" or k in used})


def nodes(schema: Any, cls: str | None) -> list[dict]:
    """Every schema node of class ``cls`` (by class name; None: all), in document order."""
    out, stack = [], [schema]
    while stack:
        n = stack.pop()
        if isinstance(n, dict):
            if "__loader__" in n and cls in (None, n.get("__class__")):
                out.append(n)
            stack.extend(reversed(list(n.values())))
        elif isinstance(n, list):
            stack.extend(reversed(n))
    return out


def fitted(schema: Any, cls: str, attr: str) -> dict:
    """The first node of class ``cls`` whose attributes hold ``attr``."""
    for n in nodes(schema, cls):
        content = n.get("content", {})
        if isinstance(content, dict) and attr in content.get("content", {}):
            return n
    raise LookupError(f"no fitted {cls} with {attr}")


def attr_node(schema: Any, cls: str, attr: str) -> dict:
    return fitted(schema, cls, attr)["content"]["content"][attr]


def edit_array(d: Path, cls: str, attr: str, fn: Callable[[np.ndarray], np.ndarray | None]) -> None:
    """Rewrites the array ``attr`` of the first fitted ``cls`` with ``fn`` (in place or new)."""

    def edit(schema: dict, members: dict[str, bytes]) -> None:
        node = attr_node(schema, cls, attr)
        arr = np.load(io.BytesIO(members[node["file"]]))
        new = fn(arr)
        buf = io.BytesIO()
        np.save(buf, arr if new is None else new)
        members[node["file"]] = buf.getvalue()

    edit_schema(d, edit)


def json_node(value: Any) -> dict:
    return {
        "__class__": "str",
        "__module__": "builtins",
        "__loader__": "JsonNode",
        "content": json.dumps(value),
        "is_json": True,
    }


def set_attr(d: Path, cls: str, attr: str, node: dict, *, marker: str | None = None) -> None:
    """Sets (or adds) attribute ``attr`` of the first fitted ``cls`` to the schema ``node``."""

    def edit(schema: dict, members: dict[str, bytes]) -> None:
        target = fitted(schema, cls, marker or attr)["content"]
        if attr not in target["content"]:
            target["key_types"]["content"].append(
                {"__class__": "str", "__module__": "builtins", "__loader__": "TypeNode"}
            )
        target["content"][attr] = node

    edit_schema(d, edit)


def save_scalar(members: dict[str, bytes], node: dict, value: Any) -> None:
    """Rewrites the numpy scalar stored for ``node``."""
    buf = io.BytesIO()
    np.save(buf, np.asarray(value, dtype=np.load(io.BytesIO(members[node["file"]])).dtype))
    members[node["file"]] = buf.getvalue()
