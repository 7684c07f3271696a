"""Rebuild ``credscore/ingest/data/given_names.json``: our curated given names plus the
strongly gendered names of the nomquamgender name data.

Usage: ``pip install nomquamgender==0.1.4 && python experiments/build_given_names.py``

The extractor uses a given name's usual gender to match "he"/"she" to a named person and to
tell a person ("Hope Hicks") from a capitalised run that names no one. The curated lists
(``curated_m`` / ``curated_f`` in the file, kept as they were) win over the derived ones. A
derived name is one nomquamgender (MIT licence, copyright 2022 Ian Van Buskirk; its notice is
copied into the file) has seen at least ``MIN_COUNT`` times with p(female) <= ``MAX_P`` (male)
or >= ``1 - MAX_P`` (female), made of lower-case letters, apostrophes and hyphens only.
Words our lexicon lists as capitalised non-names or places, and the heads of groups, bodies
and places that the registry knows, are left out.
"""

from __future__ import annotations

import json
import re
from importlib import metadata, resources
from pathlib import Path

from credscore._io import atomic_write_text
from credscore.ingest._lexicon import lexicon
from credscore.ingest._speakers_registry import _BODY_HEADS, _GROUP_HEADS, _PLACE_HEADS

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "credscore" / "ingest" / "data" / "given_names.json"
MIN_COUNT = 200
MAX_P = 0.05
_WORD = re.compile(r"[a-z][a-z'-]+")


def derived() -> tuple[list[str], list[str], str]:
    """(male, female, licence text) from the installed nomquamgender."""
    data = json.loads(resources.files("nomquamgender").joinpath("name_data.json").read_text())
    dist = metadata.distribution("nomquamgender")
    lic = next(f for f in dist.files or () if f.name == "LICENSE")
    lex = lexicon()
    # places ("China" in "South China Sea") and the heads of groups and bodies are no
    # given names here, whatever a name list holds
    skip = set(lex.non_names) | {w.lower() for n in lex.collective_names for w in n.split()}
    skip |= _BODY_HEADS | _GROUP_HEADS | _PLACE_HEADS
    male, female = [], []
    for name, (_, count, p_female, *_rest) in data.items():
        if count < MIN_COUNT or not _WORD.fullmatch(name) or name in skip:
            continue
        if p_female <= MAX_P:
            male.append(name)
        elif p_female >= 1 - MAX_P:
            female.append(name)
    return sorted(male), sorted(female), Path(str(dist.locate_file(lic))).read_text()


def main() -> int:
    old = json.loads(OUT.read_text(encoding="utf-8"))
    cur_m = old.get("curated_m", old["m"])
    cur_f = old.get("curated_f", old["f"])
    male, female, licence = derived()
    curated = set(cur_m) | set(cur_f)
    out = {
        "_about": (
            "Given names with a usual grammatical gender, lower-case; used to match 'he'/'she' "
            "to a named speaker and to tell a person from a capitalised run that names no one. "
            "m/f = curated_m/curated_f (ours; they win) plus the names of the nomquamgender "
            f"name data seen at least {MIN_COUNT} times with p(female) <= {MAX_P} or >= "
            f"{1 - MAX_P}. Rebuild: python experiments/build_given_names.py"
        ),
        "_license_of_derived_names": licence,
        "version": 2,
        "curated_m": cur_m,
        "curated_f": cur_f,
        "m": sorted(set(cur_m) | {n for n in male if n not in curated}),
        "f": sorted(set(cur_f) | {n for n in female if n not in curated}),
    }
    body = "{\n" + ",\n".join(f"{json.dumps(k)}: {json.dumps(v)}" for k, v in out.items()) + "\n}\n"
    atomic_write_text(OUT, body)
    print(f"{OUT.relative_to(ROOT)}: m {len(out['m'])}, f {len(out['f'])}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
