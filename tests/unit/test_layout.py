"""The code's layout: modules import each other without cycles, and hold no hidden state."""

import ast
import subprocess
import sys
from pathlib import Path

import pytest

from tests.helpers import ROOT

PACKAGES = ["signatures", "petition_site"]


def module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def app_modules() -> dict[str, Path]:
    return {
        module_name(path): path
        for package in PACKAGES
        for path in sorted((ROOT / package).rglob("*.py"))
        if "migrations" not in path.parts
    }


def imports_of(path: Path, modules: dict[str, Path]) -> set[str]:
    """The app modules ``path`` imports anywhere in the file, at the top or in a function."""
    found = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            found |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            for alias in node.names:
                submodule = f"{node.module}.{alias.name}"
                found.add(submodule if submodule in modules else node.module)
    return found & modules.keys()


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Every import cycle, each once, found by depth-first search."""
    found: list[list[str]] = []
    done: set[str] = set()

    def visit(module: str, trail: list[str]) -> None:
        for imported in sorted(graph[module]):
            if imported in trail:
                cycle = trail[trail.index(imported) :]
                if not any(set(cycle) == set(c) for c in found):
                    found.append([*cycle, imported])
            elif imported not in done:
                visit(imported, [*trail, imported])
        done.add(module)

    for module in sorted(graph):
        if module not in done:
            visit(module, [module])
    return found


def test_the_app_modules_import_each_other_without_a_cycle():
    modules = app_modules()
    graph = {name: imports_of(path, modules) - {name} for name, path in modules.items()}

    assert cycles(graph) == []


def test_the_cycle_finder_finds_a_cycle():
    assert cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c", "a"]]


def test_every_import_sits_at_the_top_of_its_file():
    inside = [
        f"{path.relative_to(ROOT)}:{node.lineno}"
        for path in app_modules().values()
        for function in ast.walk(ast.parse(path.read_text()))
        if isinstance(function, ast.FunctionDef | ast.AsyncFunctionDef)
        for node in ast.walk(function)
        if isinstance(node, ast.Import | ast.ImportFrom)
    ]
    assert inside == []


MUTABLE = (ast.Dict, ast.List, ast.Set, ast.DictComp, ast.ListComp, ast.SetComp)
MUTABLE_CALLS = {"dict", "list", "set", "OrderedDict", "defaultdict", "deque", "Counter"}


@pytest.mark.parametrize("module", ["signatures/views.py", "signatures/emails.py"])
def test_views_and_emails_keep_no_mutable_state_between_requests(module):
    state = []
    for node in ast.parse((ROOT / module).read_text()).body:
        if isinstance(node, ast.Assign | ast.AnnAssign) and node.value is not None:
            value = node.value
            called = isinstance(value, ast.Call) and getattr(value.func, "id", "")
            if isinstance(value, MUTABLE) or called in MUTABLE_CALLS:
                state.append(ast.unparse(node))
    assert state == []


def imported_names(path: Path) -> set[str]:
    """Modules named by import statements and by import_module("...") calls."""
    names = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            names |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom):
            names |= {f"{node.module}.{alias.name}" for alias in node.names}
        elif isinstance(node, ast.Call) and getattr(node.func, "id", "") == "import_module":
            names |= {arg.value for arg in node.args if isinstance(arg, ast.Constant)}
    return names


def test_no_test_imports_a_migration():
    importing = {
        str(path.relative_to(ROOT)): name
        for path in (ROOT / "tests").rglob("*.py")
        for name in imported_names(path)
        if ".migrations" in name
    }
    assert importing == {}


def test_the_quick_tier_leaves_out_every_browser_and_system_test():
    collected = subprocess.run(
        [sys.executable, "-m", "pytest", "--collect-only", "-q", "-m", "not slow", "tests"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    ).stdout.splitlines()
    tests = [line for line in collected if "::" in line]

    assert any(t.startswith("tests/unit/") for t in tests)
    assert any(t.startswith("tests/http/") for t in tests)
    assert not any(t.startswith(("tests/browser/", "tests/system/")) for t in tests)
