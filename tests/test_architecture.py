"""The apps import each other in one direction only: the graph of imports between apps, built from the source, has no
loop. A loop means two apps that cannot be understood, tested or changed apart."""

import ast
from pathlib import Path

from django.apps import apps
from django.conf import settings

ROOT = Path(settings.BASE_DIR)


def project_apps() -> set[str]:
    """The installed apps and the project's other top-level packages (programme, config), tests aside."""
    installed = {config.name for config in apps.get_app_configs() if Path(config.path).parent == ROOT}
    packages = {path.parent.name for path in ROOT.glob("*/__init__.py")} - {"tests"}
    return installed | packages


def imported_modules(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names.add(node.module)
    return names


def import_graph() -> dict[str, set[str]]:
    """app → the other apps its modules import (migrations included: they load the app's code too)."""
    names = project_apps()
    graph: dict[str, set[str]] = {name: set() for name in names}
    for name in names:
        for path in (ROOT / name).rglob("*.py"):
            for module in imported_modules(path):
                target = module.split(".")[0]
                if target in names and target != name:
                    graph[name].add(target)
    return graph


def find_cycle(graph: dict[str, set[str]]) -> list[str] | None:
    """A loop of the graph as the list of apps along it (first = last), or None (depth-first search)."""
    state: dict[str, int] = {}  # 1: on the current path, 2: done
    path: list[str] = []

    def visit(node: str) -> list[str] | None:
        state[node] = 1
        path.append(node)
        for target in sorted(graph[node]):
            if state.get(target) == 1:
                return [*path[path.index(target) :], target]
            if target not in state and (cycle := visit(target)):
                return cycle
        path.pop()
        state[node] = 2
        return None

    for node in sorted(graph):
        if node not in state and (cycle := visit(node)):
            return cycle
    return None


def test_it_finds_a_loop_and_none_in_a_chain():
    assert find_cycle({"a": {"b"}, "b": {"c"}, "c": {"a"}}) == ["a", "b", "c", "a"]
    assert find_cycle({"a": {"b"}, "b": {"c"}, "c": set()}) is None


def test_the_graph_is_built_from_the_source():
    graph = import_graph()
    assert {"ledger", "villages", "advisors", "common"} <= set(graph)
    assert "villages" in graph["ledger"]  # ledger/models.py imports villages


def test_the_imports_between_apps_have_no_loop():
    cycle = find_cycle(import_graph())
    assert cycle is None, "apps import each other in a loop: " + " → ".join(cycle)
