"""The house's plan, drawn from its imports: floors of rooms, no import running back up.

Rooms are the shell (``petition_site``), the infrastructure package
(``petition_site.lib``), the benchmark (``bench``), and each module or
subpackage of the app (``signatures.signing``, ``signatures.models``, ...).
A room imports another when any of its modules does, at the top of a file or
inside a function. docs/architecture.md draws the plan these rules keep.
"""

import ast
import re
import subprocess
import sys
from collections import Counter
from functools import cache
from pathlib import Path

import pytest

from tests.helpers import ROOT

SHELL = "petition_site"
LIB = "petition_site.lib"
APP = "signatures"
LONGEST_CHAIN = 7
MAX_LINES = 400
MAX_MODULES = 12


def module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


@cache
def modules() -> dict[str, Path]:
    """Every module of the shell, the infrastructure, the app and the benchmark."""
    return {
        module_name(path): path
        for package in [SHELL, APP, "bench"]
        for path in sorted((ROOT / package).rglob("*.py"))
        if "migrations" not in path.parts
    }


def room(module: str) -> str:
    """The room a module belongs to."""
    if module == LIB or module.startswith(LIB + "."):
        return LIB
    parts = module.split(".")
    if parts[0] == APP and len(parts) > 1:
        return ".".join(parts[:2])
    return parts[0]


def imports_of(path: Path) -> set[str]:
    """The project modules ``path`` imports anywhere in the file, at the top or in a function."""
    found = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            found |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            for alias in node.names:
                submodule = f"{node.module}.{alias.name}"
                found.add(submodule if submodule in modules() else node.module)
    return found & modules().keys()


@cache
def rooms() -> dict[str, frozenset[str]]:
    """Each room and the rooms it imports."""
    graph: dict[str, set[str]] = {}
    for name, path in modules().items():
        graph.setdefault(room(name), set()).update(room(m) for m in imports_of(path))
    return {name: frozenset(imported - {name}) for name, imported in graph.items()}


def cycles(graph: dict[str, frozenset[str]] | dict[str, set[str]]) -> list[list[str]]:
    """Every import cycle, each once, found by depth-first search."""
    found: list[list[str]] = []
    done: set[str] = set()

    def visit(node: str, trail: list[str]) -> None:
        for imported in sorted(graph.get(node, ())):
            if imported in trail:
                cycle = trail[trail.index(imported) :]
                if not any(set(cycle) == set(c) for c in found):
                    found.append([*cycle, imported])
            elif imported not in done:
                visit(imported, [*trail, imported])
        done.add(node)

    for node in sorted(graph):
        if node not in done:
            visit(node, [node])
    return found


def longest_chain(graph: dict[str, frozenset[str]]) -> list[str]:
    """The longest chain of rooms, each importing the next (the graph has no cycle)."""

    @cache
    def from_(node: str) -> tuple[str, ...]:
        below = [from_(imported) for imported in graph.get(node, ())]
        return (node, *max(below, key=len, default=()))

    longest: tuple[str, ...] = ()
    for node in graph:
        if len(chain := from_(node)) > len(longest):
            longest = chain
    return list(longest)


def test_no_two_rooms_import_each_other_directly_or_through_others():
    assert cycles(rooms()) == []


def test_the_house_stands_on_at_most_seven_floors():
    chain = longest_chain(rooms())
    assert len(chain) <= LONGEST_CHAIN, " → ".join(chain)


def test_the_infrastructure_imports_no_app_and_not_the_shell():
    assert rooms()[LIB] == frozenset()


def test_the_shell_imports_only_what_its_urls_and_settings_need():
    assert rooms()[SHELL] <= {LIB, f"{APP}.views", f"{APP}.urls"}


def test_the_cycle_finder_and_the_chain_finder_find_what_is_there():
    assert cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c", "a"]]
    graph = {"a": frozenset({"b", "d"}), "b": frozenset({"c"}), "c": frozenset(), "d": frozenset()}
    assert longest_chain(graph) == ["a", "b", "c"]


def test_no_module_passes_four_hundred_lines():
    long = {
        str(path.relative_to(ROOT)): lines
        for path in modules().values()
        if (lines := len(path.read_text().splitlines())) > MAX_LINES
    }
    assert long == {}


def test_no_folder_holds_more_than_twelve_modules():
    folders = Counter(path.parent for path in modules().values() if path.name != "__init__.py")
    crowded = {str(f.relative_to(ROOT)): n for f, n in folders.items() if n > MAX_MODULES}
    assert crowded == {}


def public_functions(path: Path) -> list[str]:
    return [
        node.name
        for node in ast.parse(path.read_text()).body
        if isinstance(node, ast.FunctionDef) and not node.name.startswith("_")
    ]


def test_no_two_modules_define_a_public_function_of_the_same_name():
    defined: dict[str, list[str]] = {}
    for name, path in modules().items():
        if room(name) == "bench" or ".management.commands." in name:
            continue  # scripts and commands: their functions are their own
        for function in public_functions(path):
            defined.setdefault(function, []).append(name)
    assert {f: where for f, where in defined.items() if len(where) > 1} == {}


@pytest.mark.parametrize(
    ("what", "pattern", "only_in"),
    [
        (
            "a count change",
            r"(?<!class )CountDelta\(|CountDelta\.objects\.(create|bulk_)",
            "counts.py",
        ),
        ("a batch", r"Batch\.objects\.create\(", "handins/services.py"),
    ],
)
def test_each_thing_is_done_one_way_in_one_place(what, pattern, only_in):
    doing = sorted(
        str(path.relative_to(ROOT / APP))
        for name, path in modules().items()
        if room(name) not in {"bench", SHELL, LIB} and re.search(pattern, path.read_text())
    )
    assert doing == [only_in], what


def test_every_import_sits_at_the_top_of_its_file():
    inside = [
        f"{path.relative_to(ROOT)}:{node.lineno}"
        for name, path in modules().items()
        if room(name) != "bench"
        for function in ast.walk(ast.parse(path.read_text()))
        if isinstance(function, ast.FunctionDef | ast.AsyncFunctionDef)
        for node in ast.walk(function)
        if isinstance(node, ast.Import | ast.ImportFrom)
    ]
    assert inside == []


MUTABLE = (ast.Dict, ast.List, ast.Set, ast.DictComp, ast.ListComp, ast.SetComp)
MUTABLE_CALLS = {"dict", "list", "set", "OrderedDict", "defaultdict", "deque", "Counter"}


@pytest.mark.parametrize("module", ["signatures/views.py", "signatures/mail/emails.py"])
def test_views_and_emails_keep_no_mutable_state_between_requests(module):
    state = []
    for node in ast.parse((ROOT / module).read_text()).body:
        if isinstance(node, ast.Assign | ast.AnnAssign) and node.value is not None:
            value = node.value
            called = getattr(value.func, "id", "") if isinstance(value, ast.Call) else ""
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
            names |= {
                arg.value
                for arg in node.args
                if isinstance(arg, ast.Constant) and isinstance(arg.value, str)
            }
    return names


def test_no_test_imports_a_migration():
    importing = {
        str(path.relative_to(ROOT)): name
        for path in (ROOT / "tests").rglob("*.py")
        for name in imported_names(path)
        if ".migrations" in name
    }
    assert importing == {}


@pytest.mark.slow
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
