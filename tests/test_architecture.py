"""The shape of the code, checked: small modules, and a core that knows no terminal."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from conftest import REPO

PACKAGE = REPO / "src" / "tltrack"
# The layers above the core: the command line, the views and writers, the documents.
OUTER = {
    "cli",
    "cli_errors",
    "cli_options",
    "views",
    "command_views",
    "writers",
    "texttable",
    "bulletin",
    "formatting",
    "safetext",
    "unit_views",
    "plan_views",
    "cli_store",
    "cli_db",
    "bulletin_units",
    "bulletin_text",
    "bulletin_html",
    "bulletin_xlsx",
    "bulletin_docx",
    "form_files",
    "cli_cycle",
}
CORE = sorted(
    p.stem for p in PACKAGE.glob("*.py") if p.stem not in OUTER and not p.stem.startswith("__")
)


def _imports(path: Path) -> set[str]:
    names = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module)
            if node.module == "tltrack":
                names |= {f"tltrack.{alias.name}" for alias in node.names}
        elif isinstance(node, ast.Import):
            names |= {alias.name for alias in node.names}
    return names


@pytest.mark.parametrize("module", CORE)
def test_the_core_imports_no_output_layer_nor_typer_nor_rich(module: str) -> None:
    imported = _imports(PACKAGE / f"{module}.py")
    outer = {f"tltrack.{name}" for name in OUTER}
    assert imported & outer == set(), module
    assert not any(name.split(".")[0] in ("typer", "rich", "click") for name in imported), module


# The catalogs of messages are tables of sentences, not code: they grow with the words.
CODE = sorted(p for p in PACKAGE.rglob("*.py") if not p.name.startswith("messages_"))


@pytest.mark.parametrize("path", CODE, ids=lambda p: str(p.relative_to(PACKAGE)))
def test_no_module_is_over_500_lines(path: Path) -> None:
    assert len(path.read_text(encoding="utf-8").splitlines()) <= 500, path.name
