"""DESIGN.md's layers hold: checked in a fresh interpreter, so nothing else imported them."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

PROBE = """
import json, sys
import {module}
print(json.dumps(sorted(m for m in sys.modules if m.split('.')[0] in
                        ('textual', 'peewee', 'playhouse', 'frontdesk'))))
"""


def loaded_by(module: str) -> set[str]:
    out = subprocess.run([sys.executable, "-c", PROBE.format(module=module)],
                         capture_output=True, text=True, check=True).stdout
    return set(json.loads(out))


def _tops(modules: set[str]) -> set[str]:
    return {m.split(".")[0] for m in modules}


def modules_of(package: str) -> list[str]:
    """Every module of a package, found on disk: a new one is checked without being listed."""
    import importlib.util
    import pkgutil
    folder = importlib.util.find_spec(package).submodule_search_locations
    return sorted(f"{package}.{info.name}" for info in pkgutil.iter_modules(folder))


@pytest.mark.parametrize("module", modules_of("frontdesk.domain"))
def test_domain_imports_neither_peewee_nor_textual_nor_other_layers(module):
    loaded = loaded_by(module)
    assert not _tops(loaded) & {"peewee", "textual", "playhouse"}
    assert {m for m in loaded if m.startswith("frontdesk.")} <= {
        m for m in loaded if m.startswith("frontdesk.domain")}


@pytest.mark.parametrize("module", modules_of("frontdesk.services") + modules_of("frontdesk.db")
                         + ["frontdesk.cli", "frontdesk.config", "frontdesk.clock"])
def test_services_db_and_cli_never_import_textual(module):
    loaded = loaded_by(module)
    assert "textual" not in _tops(loaded)
    if module.startswith("frontdesk.db"):
        assert not any(m.startswith("frontdesk.services") for m in loaded)


def test_the_tui_reaches_the_database_only_through_services():
    import ast
    from pathlib import Path
    import frontdesk.tui
    root = Path(frontdesk.tui.__file__).parent
    offenders = []
    for path in root.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text())):
            names = ([node.module or ""] if isinstance(node, ast.ImportFrom)
                     else [a.name for a in node.names] if isinstance(node, ast.Import) else [])
            offenders += [f"{path.name}: {n}" for n in names
                          if n.startswith(("frontdesk.db", "peewee", "playhouse"))]
    assert offenders == []
