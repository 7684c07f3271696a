"""Reading a skops file without constructing anything it describes.

A skops file is a zip archive holding ``schema.json`` (a tree of nodes, each naming the loader
that would rebuild it) and one ``.npy`` file per numeric array. :func:`decode_skops` checks the
archive and every node against what a credscore artifact can contain, and decodes the tree
into plain values: dicts, lists, tuples, numbers, strings, numpy arrays (read with
``allow_pickle=False``), and :class:`Obj` records (a class name and its attributes) where
skops would construct an object. The validators of ``_specs.py`` then check those records;
only when everything passed does ``load_model`` hand the same bytes to skops.

Refused, each with an :class:`~credscore.exceptions.ArtifactError` naming the file: a damaged
or encrypted archive, duplicate or unexpected member names, members over the size limits,
unreferenced members, a skops protocol credscore was not written with, a loader credscore
never writes (functions, methods, raw bytes, sparse matrices, ``partial``...), a type outside
:data:`~credscore.artifacts.TRUSTED_TYPES`, malformed nodes, a node containing itself, and
nesting deeper than :data:`MAX_DEPTH`. Like skops, a node whose id was seen before stands for
the first node of that id (skops ignores the repeated content, and so do the checks).
"""

from __future__ import annotations

import io
import json
import re
import zipfile
import zlib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from credscore.artifacts._common import LEGACY_TYPES, refuse
from credscore.exceptions import ArtifactError

__all__ = ["MAX_DEPTH", "Obj", "TypeRef", "decode_skops", "zip_members"]

#: skops protocols credscore artifacts are written with.
PROTOCOLS = (2,)
MAX_DEPTH = 120
MAX_MEMBERS = 200_000
MAX_UNZIPPED = 2 << 30
_MEMBER = re.compile(r"^[0-9]{1,24}\.npy$")
_FIX = "restore the model from a trusted copy or retrain it; never load a model you did not save"

_BASE = frozenset({"__class__", "__module__", "__loader__", "__id__"})
_KEYS = {
    "DictNode": {"content", "key_types"},
    "ListNode": {"content"},
    "TupleNode": {"content"},
    "JsonNode": {"content", "is_json"},
    "TypeNode": set(),
    "NdArrayNode": {"type", "file", "content", "shape"},
    "DTypeNode": {"content"},
    "SliceNode": {"content"},
    "ObjectNode": {"content"},
    "LossNode": {"__reduce__", "content"},
    "RandomGeneratorNode": {"content"},
}
_JSON_CLASSES = {f"builtins.{c}" for c in ("str", "int", "float", "bool", "NoneType", "list")}
_SCALAR_NAMES = ("float64", "float32", "int64", "int32", "int8", "int16", "uint8", "uint16")
_NUMPY_SCALARS = {f"numpy.{t}" for t in (*_SCALAR_NAMES, "uint32", "uint64", "bool_")}
_TYPE_REFS = {f"builtins.{t}" for t in ("str", "int", "float", "bool", "tuple", "list", "dict")}
_TYPE_REFS |= _NUMPY_SCALARS
_ARRAY_KINDS = "biuf"
_BIT_GENERATORS = {"PCG64", "PCG64DXSM", "MT19937", "Philox", "SFC64"}
_LOSS = "sklearn._loss._loss.CyHalfBinomialLoss"
_GENERATOR = "numpy.random._generator.Generator"


@dataclass(eq=False)
class Obj:
    """An object skops would construct: its type name, its attributes, where it sits."""

    cls: str
    attrs: dict[str, Any] = field(default_factory=dict)
    where: str = ""

    @property
    def name(self) -> str:
        """The class name without its module."""
        return self.cls.rsplit(".", 1)[-1]


@dataclass(frozen=True)
class TypeRef:
    """A type referred to by the file (e.g. a ``dtype=np.float64`` parameter)."""

    name: str


_PENDING = object()


def zip_members(path: Path, data: bytes) -> dict[str, bytes]:
    """The members of the skops archive ``data``, after checking names, sizes and flags."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as zf:
            infos = zf.infolist()
            names = [i.filename for i in infos]
            if len(infos) > MAX_MEMBERS or sum(i.file_size for i in infos) > MAX_UNZIPPED:
                raise refuse(path, "unpacks to more than the size limit", _FIX)
            bad = sorted({n for n in names if n != "schema.json" and not _MEMBER.match(n)})
            if bad or len(set(names)) != len(names) or "schema.json" not in names:
                problem = (
                    f"holds unexpected archive members {bad[:5]}"
                    if bad
                    else "holds duplicate archive members or no schema.json"
                )
                raise refuse(path, problem, _FIX)
            for info in infos:
                if info.flag_bits & 0x1 or info.compress_type not in (
                    zipfile.ZIP_STORED,
                    zipfile.ZIP_DEFLATED,
                ):
                    raise refuse(path, f"has an encrypted or unusual member {info.filename}", _FIX)
            return {i.filename: zf.read(i) for i in infos}
    except ArtifactError:
        raise
    except (zipfile.BadZipFile, zipfile.LargeZipFile, zlib.error, EOFError, ValueError) as exc:
        problem = f"is not a readable skops archive ({type(exc).__name__}: {exc})"
        raise refuse(path, problem, _FIX) from None
    except (OSError, NotImplementedError, RuntimeError) as exc:
        problem = f"is not a readable skops archive ({type(exc).__name__}: {exc})"
        raise refuse(path, problem, _FIX) from None


class _Decoder:
    def __init__(self, path: Path, members: dict[str, bytes], trusted: set[str]) -> None:
        self.path, self.members, self.trusted = path, members, trusted
        self.seen: dict[int, Any] = {}

    def fail(self, where: str, problem: str) -> Exception:
        return refuse(self.path, f"(schema.json, at {where or 'the root'}) {problem}", _FIX)

    def decode(self, node: Any, where: str, depth: int, extra: frozenset = frozenset()) -> Any:
        if depth > MAX_DEPTH:
            raise self.fail(where, f"nests deeper than {MAX_DEPTH} levels")
        if not isinstance(node, dict) or not isinstance(node.get("__loader__"), str):
            raise self.fail(where, "holds a node that is not a skops node")
        loader = node["__loader__"]
        if loader not in _KEYS:
            raise self.fail(
                where, f"uses the skops loader {loader!r}, which credscore artifacts never contain"
            )
        unknown = set(node) - _BASE - _KEYS[loader] - extra
        mod, cls = node.get("__module__"), node.get("__class__")
        if unknown or not isinstance(mod, str) or not isinstance(cls, str):
            raise self.fail(where, f"holds a malformed {loader} (keys {sorted(node)})")
        nid = node.get("__id__")
        if nid is not None:
            if not isinstance(nid, int) or isinstance(nid, bool):
                raise self.fail(where, f"holds a non-integer object id {nid!r}")
            if nid in self.seen:
                # skops reuses the first node of an id and ignores the rest; so do we
                value = self.seen[nid]
                if value is _PENDING:
                    raise self.fail(where, f"holds an object (id {nid}) that contains itself")
                return value
            self.seen[nid] = _PENDING
        name = LEGACY_TYPES.get(f"{mod}.{cls}", f"{mod}.{cls}")
        value = getattr(self, f"_{loader}")(node, name, where, depth + 1)
        if nid is not None:
            self.seen[nid] = value
        return value

    def _need(self, ok: bool, where: str, problem: str) -> None:
        if not ok:
            raise self.fail(where, problem)

    def _items(self, node: dict, where: str, depth: int) -> list:
        content: Any = node.get("content")
        self._need(isinstance(content, list), where, "holds a sequence without items")
        return [self.decode(v, f"{where}[{i}]", depth) for i, v in enumerate(content)]

    def _DictNode(self, node: dict, name: str, where: str, depth: int) -> dict:
        self._need(name in ("builtins.dict", "collections.OrderedDict"), where, f"is a {name}")
        content: Any = node.get("content")
        self._need(isinstance(content, dict), where, "holds a dict without content")
        key_types = self.decode(node.get("key_types"), f"{where}<keys>", depth)
        self._need(
            isinstance(key_types, list)
            and len(key_types) == len(content)
            and all(t in (TypeRef("builtins.str"), TypeRef("builtins.int")) for t in key_types),
            where,
            "holds dict keys of unexpected types",
        )
        out: dict = {}
        for kt, (key, value) in zip(key_types, content.items(), strict=True):
            try:
                k = int(key) if kt.name == "builtins.int" else key
            except ValueError:
                raise self.fail(where, f"holds the integer key {key[:40]!r}") from None
            out[k] = self.decode(value, f"{where}.{key}" if where else str(key), depth)
        return out

    def _ListNode(self, node: dict, name: str, where: str, depth: int) -> list:
        self._need(name == "builtins.list", where, f"is a {name}, not a list")
        return self._items(node, where, depth)

    def _TupleNode(self, node: dict, name: str, where: str, depth: int) -> tuple:
        self._need(name == "builtins.tuple", where, f"is a {name}, not a tuple")
        return tuple(self._items(node, where, depth))

    def _JsonNode(self, node: dict, name: str, where: str, depth: int) -> Any:
        content: Any = node.get("content")
        self._need(
            name in _JSON_CLASSES and isinstance(content, str) and node.get("is_json") is True,
            where,
            "holds a malformed JSON value",
        )
        try:
            value = json.loads(content)
        except (ValueError, RecursionError) as exc:
            raise self.fail(where, f"holds an unreadable JSON value ({exc})") from None
        self._need(not isinstance(value, dict), where, "holds a JSON object where a value goes")
        return value

    def _TypeNode(self, node: dict, name: str, where: str, depth: int) -> TypeRef:
        self._need(name in _TYPE_REFS, where, f"refers to the type {name}, which is not allowed")
        return TypeRef(name)

    def _NdArrayNode(self, node: dict, name: str, where: str, depth: int) -> Any:
        self._need(name == "numpy.ndarray" or name in _NUMPY_SCALARS, where, f"is a {name}")
        if node.get("type") == "json":
            items = self._items(node, where, depth)
            shape = self.decode(node.get("shape"), f"{where}<shape>", depth)
            self._need(
                name == "numpy.ndarray"
                and isinstance(shape, tuple)
                and len(shape) == 1
                and shape[0] == len(items)
                and all(isinstance(v, str | int | float) or v is None for v in items),
                where,
                "holds a malformed object array",
            )
            out = np.empty(len(items), dtype=object)
            out[:] = items
            return out
        file: Any = node.get("file")
        self._need(
            node.get("type") == "numpy" and isinstance(file, str) and file in self.members,
            where,
            f"refers to a missing array file {file!r}",
        )
        try:
            arr = np.load(io.BytesIO(self.members[file]), allow_pickle=False)
        except Exception as exc:  # numpy raises many types on a damaged .npy
            raise self.fail(where, f"holds an unreadable array {file} ({exc})") from None
        self._need(
            isinstance(arr, np.ndarray) and (arr.dtype.kind in _ARRAY_KINDS or arr.dtype.names),
            where,
            f"holds an array of dtype {getattr(arr, 'dtype', '?')}, which is not allowed",
        )
        if name != "numpy.ndarray":
            self._need(arr.ndim == 0 and not arr.dtype.names, where, "holds a malformed scalar")
            return getattr(np, name.split(".", 1)[1])(arr)
        return arr

    def _DTypeNode(self, node: dict, name: str, where: str, depth: int) -> np.dtype:
        arr = self.decode(node.get("content"), f"{where}<dtype>", depth)
        self._need(
            name == "numpy.dtype"
            and isinstance(arr, np.ndarray)
            and arr.dtype.kind in _ARRAY_KINDS + "OU"
            and not arr.dtype.names,
            where,
            "holds a malformed dtype",
        )
        return arr.dtype

    def _SliceNode(self, node: dict, name: str, where: str, depth: int) -> slice:
        c: Any = node.get("content")
        ok = (
            name == "builtins.slice" and isinstance(c, dict) and set(c) == {"start", "stop", "step"}
        )
        self._need(
            ok and all(v is None or (type(v) is int) for v in c.values()),
            where,
            "holds a malformed slice",
        )
        return slice(c["start"], c["stop"], c["step"])

    def _ObjectNode(self, node: dict, name: str, where: str, depth: int) -> Obj:
        if name not in self.trusted:
            raise self.fail(
                where,
                f"holds an object of type {name}, which credscore does not trust (nothing was "
                "loaded; if you extended credscore, add the type to "
                "credscore.artifacts.TRUSTED_TYPES after reviewing it)",
            )
        obj = Obj(name, where=where)
        if node.get("content") is not None:
            attrs = self.decode(node["content"], where, depth)
            attrs = {} if attrs is None else attrs  # skops sets nothing for a None state
            self._need(
                isinstance(attrs, dict) and all(isinstance(k, str) for k in attrs),
                where,
                "holds attributes that are not a dict of names",
            )
            obj.attrs = attrs
        return obj

    def _LossNode(self, node: dict, name: str, where: str, depth: int) -> Obj:
        reduce: Any = node.get("__reduce__")
        self._need(
            name == _LOSS and isinstance(reduce, dict) and set(reduce) == {"args"},
            where,
            f"holds a loss of type {name}",
        )
        state = self.decode(node.get("content"), where, depth)  # skops' order: state, args
        args = self.decode(reduce["args"], f"{where}<args>", depth)
        self._need(args == () and state == {}, where, "holds a loss with arguments or state")
        return Obj(name, where=where)

    def _RandomGeneratorNode(self, node: dict, name: str, where: str, depth: int) -> Obj:
        c: Any = node.get("content")
        self._need(
            name == _GENERATOR and isinstance(c, dict) and set(c) == {"bit_generator", "seed_seq"},
            where,
            "holds a malformed random generator",
        )
        state = {k: self.decode(c[k], f"{where}.{k}", depth) for k in ("bit_generator", "seed_seq")}
        bits = state["bit_generator"]
        self._need(
            isinstance(bits, dict) and bits.get("bit_generator") in _BIT_GENERATORS,
            where,
            "holds a random generator of an unknown kind",
        )
        return Obj(name, state, where)


def _referenced(schema: dict) -> set[str]:
    """Every array file named anywhere in the schema (repeated nodes included)."""
    out: set[str] = set()
    stack: list[Any] = [schema]
    while stack:
        node = stack.pop()
        if isinstance(node, dict):
            if node.get("__loader__") == "NdArrayNode" and isinstance(node.get("file"), str):
                out.add(node["file"])
            stack.extend(node.values())
        elif isinstance(node, list):
            stack.extend(node)
    return out


def decode_skops(path: Path, members: dict[str, bytes], trusted: set[str]) -> Any:
    """The decoded state of a skops archive's members (see the module docstring)."""
    try:
        schema = json.loads(members["schema.json"])
    except (ValueError, RecursionError) as exc:
        raise refuse(path, f"holds an unreadable schema.json ({exc})", _FIX) from None
    if not isinstance(schema, dict):
        raise refuse(path, "holds a schema.json that is not a skops schema", _FIX)
    protocol = schema.get("protocol")
    if type(protocol) is not int or protocol not in PROTOCOLS:
        raise refuse(
            path,
            f"was written with skops protocol {protocol!r}; credscore reads {list(PROTOCOLS)}",
            "retrain the model with this credscore version",
        )
    if not isinstance(schema.get("_skops_version"), str):
        raise refuse(path, "holds a schema.json without its skops version", _FIX)
    decoder = _Decoder(path, members, trusted)
    try:
        state = decoder.decode(schema, "", 0, extra=frozenset({"protocol", "_skops_version"}))
    except RecursionError:
        raise refuse(path, "holds a schema nested too deeply", _FIX) from None
    unused = sorted(set(members) - _referenced(schema) - {"schema.json"})
    if unused:
        raise refuse(path, f"holds archive members no object refers to: {unused[:5]}", _FIX)
    return state
