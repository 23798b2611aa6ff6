"""The house's import rules, read from the code (every ``import`` of every module in ``app/``,
those written inside functions included), so that a change that breaks one fails here with the
line to look at.

The layers, from the floor up (README, « Architecture »):

- the floor: ``app.core``, ``app.geo`` and the modules ``app.db``, ``app.config``: they import
  no domain;
- the domains: ``estimator`` (pure aid rules), ``directory`` (structures, offers and their rules,
  history), ``search`` (the index of the directory), ``accounts``, ``referrals``,
  ``moderation``, ``management`` (the back office), ``api``, ``estimator_web``, ``widget``;
  their package graph has no cycle, and no domain's non-web modules import the back office;
- the web modules (each package's ``views.py``): they may import any domain's non-web modules,
  never another blueprint's views;
- the composition root (``app/__init__.py``, ``app/cli.py``, ``app/__main__.py``,
  ``app/migrate.py``, ``app/health.py``): it assembles the application and may import anything.

Function-local imports are allowed only in ``app/__init__.py`` (the factory, which every module
loads as its parent package); anywhere else an import goes at the top of its module.
"""

from __future__ import annotations

import ast
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path

APP = Path(__file__).resolve().parent.parent / "app"

FLOOR = {"core", "geo", "db", "config"}
ROOT = {"app", "cli", "__main__", "migrate", "health"}
BACK_OFFICE = "management"
#: Function-local imports are allowed here only (see :func:`app.create_app`).
LOCAL_IMPORTS_ALLOWED = {"app"}
#: Package cycles that are known and explained; each must still exist (so that this list is
#: emptied once one is broken) and no other may appear. None today: ``search`` indexes the
#: directory's models and runs a search of it (``search.services``); ``directory`` never imports
#: the index.
KNOWN_CYCLES: set[frozenset[str]] = set()


@dataclass(frozen=True)
class Edge:
    source: str  # app.directory.presenters
    target: str  # app.directory.rules (a module when it is one, else the package imported)
    line: int
    local: bool  # written inside a function or a class

    @property
    def where(self) -> str:
        return f"{self.source.replace('.', '/')}.py:{self.line} imports {self.target}"


def module_name(path: Path) -> str:
    parts = path.relative_to(APP.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


MODULES = {module_name(p): p for p in sorted(APP.rglob("*.py"))}


def resolve(source: str, is_package: bool, node: ast.ImportFrom) -> str:
    if not node.level:
        return node.module or ""
    base = source.split(".")
    if not is_package:
        base = base[:-1]
    base = base[: len(base) - node.level + 1]
    return ".".join(base + ([node.module] if node.module else []))


def imports_of(name: str, path: Path) -> list[Edge]:
    tree = ast.parse(path.read_text(encoding="utf-8"), str(path))
    top = {id(node) for node in tree.body}
    # Imports under a top-level ``if``/``try`` (TYPE_CHECKING, optional packages) count as top.
    for node in tree.body:
        if isinstance(node, (ast.If, ast.Try)):
            top.update(id(child) for child in ast.walk(node))
    edges = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            targets = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            module = resolve(name, path.name == "__init__.py", node)
            # ``from app.directory import hours`` imports the module app.directory.hours
            targets = [
                f"{module}.{alias.name}" if f"{module}.{alias.name}" in MODULES else module
                for alias in node.names
            ]
        else:
            continue
        local = id(node) not in top
        edges.extend(Edge(name, target, node.lineno, local) for target in dict.fromkeys(targets))
    return edges


EDGES = [edge for name, path in MODULES.items() for edge in imports_of(name, path)]
APP_EDGES = [e for e in EDGES if e.target == "app" or e.target.startswith("app.")]


def package(module: str) -> str:
    """app.directory.rules → directory; app.db → db; app → app."""
    parts = module.split(".")
    return parts[1] if len(parts) > 1 else parts[0]


def is_view(module: str) -> bool:
    return module.endswith(".views")


def is_domain(module: str) -> bool:
    return package(module) not in FLOOR | ROOT


def domain_graph() -> dict[str, set[str]]:
    """Package → packages its non-web modules import (the web modules sit above all)."""
    graph: dict[str, set[str]] = defaultdict(set)
    for e in APP_EDGES:
        a, b = package(e.source), package(e.target)
        if a != b and is_domain(e.source) and is_domain(e.target) and not is_view(e.source):
            graph[a].add(b)
    return graph


def strongly_connected(graph: dict[str, set[str]]) -> list[set[str]]:
    """Tarjan's algorithm: the groups of packages that import each other, in a cycle."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    groups: list[set[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for nxt in sorted(graph.get(node, ())):
            if nxt not in index:
                visit(nxt)
                low[node] = min(low[node], low[nxt])
            elif nxt in on_stack:
                low[node] = min(low[node], index[nxt])
        if low[node] == index[node]:
            group = set()
            while True:
                member = stack.pop()
                on_stack.discard(member)
                group.add(member)
                if member == node:
                    break
            if len(group) > 1:
                groups.append(group)

    for node in sorted(set(graph) | {b for targets in graph.values() for b in targets}):
        if node not in index:
            visit(node)
    return groups


def report(title: str, edges: list[Edge]) -> str:
    return title + ":\n" + "\n".join(f"  {e.where}" for e in edges)


# --------------------------------------------------------------------------- the reader works


def test_the_reader_finds_the_imports():
    """Known edges, at the top and inside a function, so the rules below cannot pass on an
    empty graph."""
    found = {(e.source, e.target, e.local) for e in APP_EDGES}
    assert ("app.directory.presenters", "app.directory.rules", False) in found
    assert ("app.management.views", "app.directory.presenters", False) in found
    assert ("app", "app.directory.views", True) in found  # inside create_app
    assert ("app.directory.presenters", "app.directory.hours", False) in found  # from pkg import
    assert len(MODULES) > 80 and len(APP_EDGES) > 300
    graph = domain_graph()
    assert {"management", "search"} <= set(graph) and "directory" in graph["search"]
    assert strongly_connected({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [{"a", "b", "c"}]


# --------------------------------------------------------------------------- the rules


def test_a_view_module_never_imports_another_blueprints_views():
    wrong = [
        e
        for e in APP_EDGES
        if is_view(e.source) and is_view(e.target) and package(e.source) != package(e.target)
    ]
    assert not wrong, report(
        "A view module imports another blueprint's views (move what it needs to that "
        "domain's presenters, services or queries)",
        wrong,
    )


def test_only_the_composition_root_imports_view_modules():
    """Views sit on top: no rule, query, service or presenter reaches up into one."""
    wrong = [
        e
        for e in APP_EDGES
        if is_view(e.target) and not is_view(e.source) and package(e.source) not in ROOT
    ]
    assert not wrong, report("A non-web module imports a view module", wrong)


def test_core_and_geo_import_no_domain():
    wrong = [
        e
        for e in APP_EDGES
        if package(e.source) in {"core", "geo"} and package(e.target) not in FLOOR
    ]
    assert not wrong, report(
        "The floor (app.core, app.geo) imports a domain or the composition root", wrong
    )


def test_no_domain_imports_the_back_office_outside_its_views():
    wrong = [
        e
        for e in APP_EDGES
        if package(e.target) == BACK_OFFICE
        and package(e.source) != BACK_OFFICE
        and is_domain(e.source)
        and not is_view(e.source)
    ]
    assert not wrong, report(
        "A domain's rules, queries or services import the back office (app.management); the "
        "rule belongs to the domain that owns the thing",
        wrong,
    )


def test_the_domain_packages_form_no_cycle():
    cycles = {frozenset(group) for group in strongly_connected(domain_graph())}
    new = cycles - KNOWN_CYCLES
    details = [
        e
        for e in APP_EDGES
        if is_domain(e.source)
        and not is_view(e.source)
        and any(package(e.source) in c and package(e.target) in c for c in new)
        and package(e.source) != package(e.target)
    ]
    assert not new, report(
        "Package cycle(s) " + ", ".join(" ↔ ".join(sorted(c)) for c in new) + ", through",
        details,
    )
    gone = KNOWN_CYCLES - cycles
    assert not gone, f"Cycle(s) no longer there, remove them from KNOWN_CYCLES: {gone}"


def test_only_search_imports_whoosh():
    wrong = [
        e
        for e in EDGES
        if (e.target == "whoosh" or e.target.startswith("whoosh."))
        and package(e.source) != "search"
    ]
    assert not wrong, report("Only app/search may import Whoosh", wrong)


def test_no_function_local_import_outside_the_factory():
    """An import inside a function hides a dependency (and often a cycle): they go at the top
    of the module, except in ``create_app`` (see its docstring)."""
    wrong = [e for e in EDGES if e.local and e.source not in LOCAL_IMPORTS_ALLOWED]
    assert not wrong, report("Import(s) written inside a function", wrong)
