"""advisors sits below assessment: renewal asks the policies assessment registers, never imports it."""

import ast
from pathlib import Path

import advisors


def test_it_imports_nothing_from_assessment():
    imported = set()
    for path in Path(advisors.__file__).parent.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom) and node.module:
                imported.add((path.name, node.module))
            elif isinstance(node, ast.Import):
                imported.update((path.name, alias.name) for alias in node.names)
    assert imported, "the scan read advisors' imports"
    assert [(f, m) for f, m in imported if m.split(".")[0] == "assessment"] == []
