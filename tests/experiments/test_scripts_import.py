"""Every ``credscore`` name the experiment and example scripts import exists, inner ones too.

The scripts run for minutes on the shared corpora, and many import inside functions; a name
moved in the library would otherwise break a script only when it reaches that line.
"""

from __future__ import annotations

import ast
import importlib
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
SCRIPTS = sorted([*REPO.glob("experiments/*.py"), *REPO.glob("datasets/*/*.py")])


def _credscore_imports(path: Path) -> list[tuple[int, str, str | None]]:
    """(line, module, name) of every ``import credscore...`` / ``from credscore... import``."""
    out: list[tuple[int, str, str | None]] = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and (node.module or "").split(".")[0] == "credscore":
            out += [(node.lineno, node.module or "", a.name) for a in node.names]
        elif isinstance(node, ast.Import):
            names = [a.name for a in node.names if a.name.split(".")[0] == "credscore"]
            out += [(node.lineno, name, None) for name in names]
    return out


def test_the_scripts_import_credscore():
    assert sum(bool(_credscore_imports(p)) for p in SCRIPTS) >= 20


@pytest.mark.parametrize("script", SCRIPTS, ids=[p.relative_to(REPO).as_posix() for p in SCRIPTS])
def test_every_credscore_name_a_script_imports_exists(script):
    missing = []
    for line, module, name in _credscore_imports(script):
        try:
            mod = importlib.import_module(module)
        except ImportError as exc:
            missing.append(f"line {line}: {module} ({exc})")
            continue
        if name is not None and name != "*" and not hasattr(mod, name):
            try:
                importlib.import_module(f"{module}.{name}")
            except ImportError:
                missing.append(f"line {line}: {module}.{name}")
    assert missing == [], f"{script.name} imports names credscore does not have: {missing}"
