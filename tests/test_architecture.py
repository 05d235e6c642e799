"""The shape of the code, checked: packages in layers with no import circle, small modules, and
a core that knows no terminal.

Every import counts, at the top of a module, inside a function or under TYPE_CHECKING: a lazy
import cannot hide an arrow that climbs back up or closes a circle. The checks are functions
of a tree of modules, and the last tests run them on small made-up trees, so that a check
that stopped seeing a back arrow or a circle would fail too.
"""

from __future__ import annotations

import ast
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from conftest import REPO

PACKAGE = REPO / "src" / "tltrack"

# The packages from the bottom up: a package may import itself and those below it. Two names
# on one floor stand side by side: neither may import the other.
LAYERS: tuple[tuple[str, ...], ...] = (
    ("tltrack",),  # __init__: the version
    ("text",),
    ("errors",),
    ("domain",),
    ("files",),
    ("stores", "sources"),
    ("workspace",),
    ("app",),
    ("views",),
    ("documents",),
    ("cli",),
    ("__main__",),
)
# What the rest of tltrack may import of the stores: their interface and the one choice.
STORE_INTERFACE = ("tltrack.stores.base", "tltrack.stores.choice")
STORES = ("toml", "sqlite", "postgresql")
# Where the terminal libraries may be imported: typer and click by the command line, Rich's
# cell widths by the table renderer.
TERMINAL = {"typer": ("cli",), "click": ("cli",), "rich": ("views", "cli")}


@dataclass(frozen=True)
class Import:
    source: str  # the importing module, e.g. tltrack.app.status
    target: str  # the imported module, e.g. tltrack.domain.assess, or typer
    line: int
    lazy: bool  # made inside a function
    reason: bool  # a comment on its line or right above its block of imports


def module_name(root: Path, path: Path) -> str:
    parts = path.relative_to(root.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def imports(root: Path) -> Iterator[Import]:
    """Every import of every module under `root` (the package folder), resolved to a module
    where it names one: `from tltrack.views import texttable` is tltrack.views.texttable."""
    modules = {module_name(root, p) for p in root.rglob("*.py")}
    for path in sorted(root.rglob("*.py")):
        source = module_name(root, path)
        text = path.read_text(encoding="utf-8")
        lines = text.split("\n")
        tree = ast.parse(text)
        lazy_lines = {
            node.lineno
            for function in ast.walk(tree)
            if isinstance(function, ast.FunctionDef | ast.AsyncFunctionDef)
            for node in ast.walk(function)
            if isinstance(node, ast.Import | ast.ImportFrom)
        }
        for node in ast.walk(tree):
            if isinstance(node, ast.Import):
                targets = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.level:
                targets = [f"relative:{'.' * node.level}{node.module or ''}"]
            elif isinstance(node, ast.ImportFrom) and node.module:
                targets = [
                    f"{node.module}.{alias.name}"
                    if f"{node.module}.{alias.name}" in modules
                    else node.module
                    for alias in node.names
                ]
            else:
                continue
            lazy = node.lineno in lazy_lines
            reason = lazy and _explained(lines, node.lineno)
            for target in dict.fromkeys(targets):
                yield Import(source, target, node.lineno, lazy, reason)


def _explained(lines: list[str], number: int) -> bool:
    """A comment in words on the import's line, or above the block of imports it belongs to
    (a tool's mark alone, noqa or type: ignore, says nothing of why)."""
    index = number - 1
    if _said(lines[index].partition("#")[2]):
        return True
    while index > 0:
        index -= 1
        above = lines[index].strip()
        if above.startswith("#"):
            return _said(above[1:])
        if not above.startswith(("from ", "import ")) and above:
            return False
    return False


def _said(comment: str) -> bool:
    words = re.sub(r"(noqa|type:\s*ignore|fmt:\s*\w+)(\[[^]]*\]|:\s*[\w,]+)?", "", comment)
    return bool(re.search(r"[^\W\d_]{3}", words))


def package_of(module: str) -> str:
    parts = module.split(".")
    return parts[1] if len(parts) > 1 else parts[0]


def floor_of(package: str) -> int:
    return next(i for i, floor in enumerate(LAYERS) if package in floor)


def back_arrows(found: list[Import]) -> list[str]:
    """Imports of a package from a higher floor, or from the one beside it."""
    wrong = []
    for item in found:
        if not item.target.startswith("tltrack"):
            continue
        mine, theirs = package_of(item.source), package_of(item.target)
        if mine == theirs:
            continue
        if floor_of(theirs) >= floor_of(mine):
            wrong.append(f"{item.source}:{item.line} imports {item.target}")
    return wrong


def circles(found: list[Import]) -> list[list[str]]:
    """Modules that import each other in a loop (package faces, which only hold a docstring,
    are left out: importing tltrack.stores.toml.lines runs them, but they import nothing)."""
    graph: dict[str, set[str]] = {}
    for item in found:
        if item.target.startswith("tltrack") and item.target != item.source:
            graph.setdefault(item.source, set()).add(item.target)
    loops: list[list[str]] = []
    state: dict[str, int] = {}  # 1: on the path, 2: done
    path: list[str] = []

    def visit(node: str) -> None:
        state[node] = 1
        path.append(node)
        for nxt in sorted(graph.get(node, ())):
            if state.get(nxt) == 1:
                loops.append([*path[path.index(nxt) :], nxt])
            elif nxt not in state:
                visit(nxt)
        path.pop()
        state[node] = 2

    for node in sorted(graph):
        if node not in state:
            visit(node)
    return loops


def unexplained_lazy(found: list[Import]) -> list[str]:
    """Imports inside a function without a word of why (start-up time, an optional library)."""
    return [f"{i.source}:{i.line} {i.target}" for i in found if i.lazy and not i.reason]


def store_reach(found: list[Import]) -> list[str]:
    """Outside stores/, only the stores' interface; inside, no store reaches another."""
    wrong = []
    for item in found:
        if not item.target.startswith("tltrack.stores."):
            continue
        if package_of(item.source) != "stores":
            if not item.target.startswith(STORE_INTERFACE):
                wrong.append(f"{item.source}:{item.line} imports {item.target}")
            continue
        mine = item.source.split(".")[2] if item.source.count(".") >= 3 else None
        theirs = item.target.split(".")[2] if item.target.count(".") >= 3 else None
        if mine in STORES and theirs in STORES and mine != theirs:
            wrong.append(f"{item.source}:{item.line} imports {item.target}")
    return wrong


def terminal_reach(found: list[Import]) -> list[str]:
    return [
        f"{item.source}:{item.line} imports {item.target}"
        for item in found
        if item.target.split(".")[0] in TERMINAL
        and package_of(item.source) not in TERMINAL[item.target.split(".")[0]]
    ]


FOUND = list(imports(PACKAGE))


def test_every_package_is_on_a_floor() -> None:
    packages = {package_of(module_name(PACKAGE, p)) for p in PACKAGE.rglob("*.py")}
    on_floors = {name for floor in LAYERS for name in floor}
    assert packages == on_floors


def test_no_import_runs_back_up_a_floor() -> None:
    assert back_arrows(FOUND) == []


def test_no_import_circle_between_modules() -> None:
    assert circles(FOUND) == []


def test_no_relative_import() -> None:
    """Every import names its module whole: a relative one would pass by every check here."""
    assert [f"{i.source}:{i.line}" for i in FOUND if i.target.startswith("relative:")] == []


def test_every_lazy_import_says_why() -> None:
    assert unexplained_lazy(FOUND) == []


def test_only_the_stores_interface_is_imported_from_outside() -> None:
    assert store_reach(FOUND) == []


def test_the_core_knows_no_terminal() -> None:
    assert terminal_reach(FOUND) == []


# The catalogs of messages are tables of sentences, not code: they grow with the words.
CODE = sorted(p for p in PACKAGE.rglob("*.py") if not p.name.startswith("messages_"))


@pytest.mark.parametrize("path", CODE, ids=lambda p: str(p.relative_to(PACKAGE)))
def test_no_module_is_over_500_lines(path: Path) -> None:
    assert len(path.read_text(encoding="utf-8").splitlines()) <= 500, path.name


@pytest.mark.parametrize(
    "path",
    sorted(PACKAGE.rglob("*.py")),
    ids=lambda p: str(p.relative_to(PACKAGE)),
)
def test_every_module_opens_by_saying_what_it_is(path: Path) -> None:
    if path.name == "__main__.py":
        return  # `python -m tltrack`: one line that runs main
    docstring = ast.get_docstring(ast.parse(path.read_text(encoding="utf-8")))
    assert docstring and len(docstring.split()) >= 4, path


# --- the checks themselves, on made-up trees --------------------------------------------------


def _tree(tmp_path: Path, files: dict[str, str]) -> list[Import]:
    root = tmp_path / "tltrack"
    for name, body in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(body, encoding="utf-8")
    return list(imports(root))


def test_a_back_arrow_is_seen_even_inside_a_function(tmp_path: Path) -> None:
    found = _tree(
        tmp_path,
        {
            "domain/assess.py": "def f():\n    # why\n    from tltrack.app import status\n",
            "app/status.py": '"""x"""\nfrom tltrack.domain import assess\n',
        },
    )
    assert back_arrows(found) == ["tltrack.domain.assess:3 imports tltrack.app.status"]
    assert circles(found) == [["tltrack.app.status", "tltrack.domain.assess", "tltrack.app.status"]]


def test_a_circle_inside_one_package_is_seen(tmp_path: Path) -> None:
    found = _tree(
        tmp_path,
        {
            "documents/bulletin.py": '"""x"""\nfrom tltrack.documents.word import docx\n',
            "documents/word.py": '"""x"""\nfrom typing import TYPE_CHECKING\n'
            "if TYPE_CHECKING:\n    from tltrack.documents.bulletin import Bulletin\n",
        },
    )
    assert back_arrows(found) == []
    assert circles(found) == [
        ["tltrack.documents.bulletin", "tltrack.documents.word", "tltrack.documents.bulletin"]
    ]


def test_side_by_side_packages_may_not_import_each_other(tmp_path: Path) -> None:
    found = _tree(tmp_path, {"sources/reader.py": "from tltrack.stores.base import X\n"})
    assert back_arrows(found) == ["tltrack.sources.reader:1 imports tltrack.stores.base"]


def test_a_lazy_import_without_a_reason_and_a_store_reached_into_are_seen(
    tmp_path: Path,
) -> None:
    found = _tree(
        tmp_path,
        {
            "app/status.py": "def f():\n    x = 1\n    from tltrack.stores.toml.store import T\n"
            "def g():\n    from tltrack.domain import y  # noqa: F401\n",
            "stores/sqlite/store.py": "from tltrack.stores.toml.lines import render\n",
            "domain/targets.py": "import rich\n",
            "domain/periods.py": "from . import targets\n",
        },
    )
    assert unexplained_lazy(found) == [
        "tltrack.app.status:3 tltrack.stores.toml.store",
        "tltrack.app.status:5 tltrack.domain",
    ]
    assert store_reach(found) == [
        "tltrack.app.status:3 imports tltrack.stores.toml.store",
        "tltrack.stores.sqlite.store:1 imports tltrack.stores.toml.lines",
    ]
    assert terminal_reach(found) == ["tltrack.domain.targets:1 imports rich"]
    assert [i.target for i in found if i.source == "tltrack.domain.periods"] == ["relative:."]
