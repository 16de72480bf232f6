"""The apps form layers: the graph of which app imports which is acyclic, and docs/architecture.md
draws it as it is.

Every ``import`` counts, at module level or inside a function (a function-level import is still
a dependency); tests and migrations do not. A project-level module (``ravao/urls.py``,
``ravao/settings.py``, ``ravao/cli.py``, ``ravao/testing*.py``) is not an app.
"""

import ast
import re
from pathlib import Path

RAVAO = Path(__file__).resolve().parents[2]
DOC = RAVAO.parent / "docs" / "architecture.md"


def apps() -> list[str]:
    return sorted(p.name for p in RAVAO.iterdir() if (p / "apps.py").exists())


def imported_modules(path: Path) -> set[str]:
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), filename=str(path))):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.add(node.module)
            found.update(f"{node.module}.{alias.name}" for alias in node.names)
    return found


def app_edges() -> dict[tuple[str, str], list[str]]:
    """(importer, imported) -> the files of the importer that do it."""
    names = set(apps())
    edges: dict[tuple[str, str], list[str]] = {}
    for path in sorted(RAVAO.rglob("*.py")):
        rel = path.relative_to(RAVAO).parts
        if rel[0] not in names or "tests" in rel or "migrations" in rel:
            continue
        for module in imported_modules(path):
            parts = module.split(".")
            if len(parts) > 1 and parts[0] == "ravao" and parts[1] in names and parts[1] != rel[0]:
                files = edges.setdefault((rel[0], parts[1]), [])
                if str(path.relative_to(RAVAO)) not in files:
                    files.append(str(path.relative_to(RAVAO)))
    return edges


def find_cycle(edges) -> list[str] | None:
    graph: dict[str, set[str]] = {}
    for a, b in edges:
        graph.setdefault(a, set()).add(b)
    state: dict[str, int] = {}  # 1: on the current path, 2: done
    path: list[str] = []

    def visit(node):
        state[node] = 1
        path.append(node)
        for nxt in sorted(graph.get(node, ())):
            if state.get(nxt) == 1:
                return path[path.index(nxt) :] + [nxt]
            if nxt not in state and (cycle := visit(nxt)):
                return cycle
        path.pop()
        state[node] = 2
        return None

    for node in sorted(graph):
        if node not in state and (cycle := visit(node)):
            return cycle
    return None


def direct_layers(edges) -> set[tuple[str, str]]:
    """The edges that the others do not already imply (transitive reduction): what the map draws."""
    graph: dict[str, set[str]] = {}
    for a, b in edges:
        graph.setdefault(a, set()).add(b)

    def reach(start, skip):
        seen, todo = set(), [n for n in graph.get(start, ()) if (start, n) != skip]
        while todo:
            n = todo.pop()
            if n not in seen:
                seen.add(n)
                todo.extend(graph.get(n, ()))
        return seen

    return {(a, b) for a, b in edges if b not in reach(a, (a, b))}


def mermaid(edges) -> str:
    lines = ["```mermaid", "graph BT"]
    lines += [f"  {a} --> {b}" for a, b in sorted(direct_layers(edges))]
    return "\n".join(lines + ["```"])


def test_the_app_import_graph_is_acyclic():
    edges = app_edges()
    cycle = find_cycle(edges)
    if cycle:
        detail = "\n".join(f"  {a} -> {b}: {', '.join(edges[(a, b)])}" for a, b in zip(cycle, cycle[1:], strict=False))
        raise AssertionError(f"import cycle between apps: {' -> '.join(cycle)}\n{detail}")


def test_the_cycle_finder_finds_a_cycle():
    assert find_cycle({("a", "b"): [], ("b", "c"): [], ("c", "a"): []}) == ["a", "b", "c", "a"]
    assert find_cycle({("a", "b"): [], ("b", "c"): [], ("a", "c"): []}) is None


def test_base_apps_import_no_feature_app():
    # The layers every feature builds on, and what each may use below it.
    base = {
        "core": set(),
        "catalog": {"core"},
        "units": {"core"},
        "codes": {"core"},
        "accounts": {"core", "catalog", "units"},
        "audit": {"core", "catalog", "units", "accounts"},
    }
    for (a, b), files in app_edges().items():
        if a in base:
            assert b in base[a], f"{a} is a base layer but imports {b} ({', '.join(files)})"


def test_the_architecture_map_draws_the_graph_as_it_is():
    expected = mermaid(app_edges())
    found = re.search(r"```mermaid\ngraph BT\n.*?```", DOC.read_text(encoding="utf-8"), re.S)
    assert found and found.group(0) == expected, (
        "docs/architecture.md's app graph is out of date; replace its mermaid block with:\n" + expected
    )
