"""The package layout keeps its promises: one stage per folder, no import circles, no borrowed privates."""

from __future__ import annotations

import ast
from pathlib import Path

PACKAGE = Path(__file__).resolve().parents[1] / "src" / "reti_adi"
STAGES = {"cli", "catalogue", "rules", "publish", "site", "maintain", "reporters", "federation"}
TOP_LEVEL = {"__init__", "check", "build", "clock", "resources", "stopwatch", "gc_pause"}


def _modules() -> dict[str, Path]:
    found = {}
    for path in PACKAGE.rglob("*.py"):
        parts = ["reti_adi", *path.relative_to(PACKAGE).with_suffix("").parts]
        if parts[-1] == "__init__":
            parts.pop()
        found[".".join(parts)] = path
    return found


def _runtime_nodes(tree: ast.AST):
    """Every node except those under `if TYPE_CHECKING:` (annotations only, never executed)."""
    stack = [tree]
    while stack:
        node = stack.pop()
        if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test):
            stack.extend(node.orelse)
            continue
        yield node
        stack.extend(ast.iter_child_nodes(node))


def _imports(name: str, path: Path, modules: dict[str, Path]):
    """(imported module, imported names) for each import of a reti_adi module, lazy ones included."""
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    for node in _runtime_nodes(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join(anchor + ([node.module] if node.module else []))
            if not base.startswith("reti_adi"):
                continue
            for alias in node.names:
                submodule = f"{base}.{alias.name}"
                if submodule in modules:
                    yield submodule, []
                else:
                    yield base, [alias.name]
        elif isinstance(node, ast.Import):
            for alias in node.names:
                if alias.name.startswith("reti_adi"):
                    yield alias.name, []


def _graph() -> dict[str, set[str]]:
    modules = _modules()
    return {name: {target for target, _ in _imports(name, path, modules) if target != name and target in modules}
            for name, path in modules.items()}


def test_no_module_imports_a_private_name_of_another():
    modules = _modules()
    borrowed = [f"{name} importa {target}.{imported}"
                for name, path in modules.items()
                for target, names in _imports(name, path, modules) if target != name
                for imported in names if imported.startswith("_") and not imported.endswith("__")]
    assert borrowed == []


def _circles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Tarjan's strongly connected components: any component of two or more modules is a circle."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    circles: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for target in sorted(graph.get(node, ())):
            if target not in index:
                visit(target)
                low[node] = min(low[node], low[target])
            elif target in on_stack:
                low[node] = min(low[node], index[target])
        if low[node] == index[node]:
            component = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                component.append(member)
                if member == node:
                    break
            if len(component) > 1:
                circles.append(sorted(component))

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return circles


def test_there_are_no_import_circles():
    assert _circles(_graph()) == []


def test_the_circle_detector_finds_a_circle_through_three_modules():
    graph = _graph()
    graph["reti_adi.catalogue.kinds"] = graph["reti_adi.catalogue.kinds"] | {"reti_adi.catalogue.loader"}
    assert ["reti_adi.catalogue.kinds", "reti_adi.catalogue.loader"] in [
        [m for m in c if m in ("reti_adi.catalogue.kinds", "reti_adi.catalogue.loader")] for c in _circles(graph)]
    assert _circles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]


def test_every_module_lives_in_a_stage():
    loose = sorted(name for name in _modules()
                   if name.count(".") == 1 and name.split(".")[1] not in STAGES | TOP_LEVEL)
    assert loose == []
    assert {name.split(".")[1] for name in _modules() if name.count(".") >= 1} <= STAGES | TOP_LEVEL
