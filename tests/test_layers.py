"""The layers contract: imports run one way, lowest layer first (DESIGN.md, "Shape").

import-linter cannot see this project's packages (setup.py maps engine/, adapters/ ...
into `mediaopt.*`, and grimp only walks the folder of the top package), so this reads
every module's imports, lazy ones inside functions included, and checks them against the
order written down once below. A new cycle or an upward import fails CI with the line.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
FOLDERS = {
    "mediaopt": "mediaopt",
    "mediaopt.engine": "engine",
    "mediaopt.adapters": "adapters",
    "mediaopt.hosts": "hosts",
    "mediaopt.fixtures": "fixtures",
}

LAYERS: list[list[str]] = [
    # Highest first. Packages in one row are siblings that may not import each other.
    ["mediaopt.fixtures"],  # test and benchmark generators: nothing in the product uses them
    ["mediaopt.hosts"],
    ["mediaopt.engine.cli", "mediaopt.engine.serve"],
    ["mediaopt.engine.api"],
    ["mediaopt.engine.demo"],
    ["mediaopt.engine.report"],
    ["mediaopt.engine.actions"],
    ["mediaopt.engine.recommend"],
    ["mediaopt.engine.production"],  # the one layer that calls the project readers
    ["mediaopt.adapters"],
    [
        "mediaopt.engine.projects",
        "mediaopt.engine.lineage",
        "mediaopt.engine.dedup",
        "mediaopt.engine.render",
        "mediaopt.engine.bandwidth",
    ],
    ["mediaopt.engine.fingerprint"],
    ["mediaopt.engine.refs"],
    ["mediaopt.engine.scan"],
    ["mediaopt.engine.catalog"],
    ["mediaopt.engine.model", "mediaopt.engine.progress", "mediaopt.engine.units"],
]
BASE = {"mediaopt.engine.model", "mediaopt.engine.progress", "mediaopt.engine.units"}
"""The base row is one layer, not siblings: records, progress and units go together."""

ADAPTERS_MAY_IMPORT = ("mediaopt.adapters", "mediaopt.engine.model")
"""Adapters turn outside formats into records and know nothing else of the engine."""


def _modules() -> dict[str, Path]:
    found = {}
    for package, folder in FOLDERS.items():
        for path in (REPO / folder).rglob("*.py"):
            parts = list(path.relative_to(REPO / folder).with_suffix("").parts)
            if parts[-1] == "__init__":
                parts = parts[:-1]
            found[".".join([package, *parts])] = path
    return found


def _imports(module: str, path: Path) -> list[tuple[str, int]]:
    is_package = path.name == "__init__.py"
    found = []
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        if isinstance(node, ast.Import):
            found += [(alias.name, node.lineno) for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = module.split(".")[: None if is_package else -1]
                base = base[: len(base) - (node.level - 1)]
                target = ".".join(base + ([node.module] if node.module else []))
            else:
                target = node.module or ""
            found.append((target, node.lineno))
            # `from mediaopt.engine import api` imports the module mediaopt.engine.api
            found += [(f"{target}.{alias.name}", node.lineno) for alias in node.names]
    return [(name, line) for name, line in found if name.startswith("mediaopt")]


def _layer_of(module: str) -> tuple[int, str] | None:
    best = None
    for rank, row in enumerate(LAYERS):
        for package in row:
            inside = module == package or module.startswith(package + ".")
            if inside and (best is None or len(package) > len(best[1])):
                best = (rank, package)
    return best


def _violations(modules: dict[str, Path]) -> list[str]:
    found = []
    for module, path in sorted(modules.items()):
        here = _layer_of(module)
        seen_lines = set()  # `from a import b` names a and a.b: one verdict a statement
        for target, line in _imports(module, path):
            there = _layer_of(target)
            if here is None or there is None or here[1] == there[1] or line in seen_lines:
                continue
            where = f"{path.name}:{line}: {module} imports {target}"
            if module.startswith("mediaopt.adapters") and not target.startswith(
                ADAPTERS_MAY_IMPORT
            ):
                found.append(f"{where} (adapters import only the model)")
            elif there[0] < here[0]:
                found.append(f"{where} (a lower layer imports a higher one)")
            elif there[0] == here[0] and not (here[1] in BASE and there[1] in BASE):
                found.append(f"{where} (siblings in one layer import each other)")
            else:
                continue
            seen_lines.add(line)
    return found


def test_every_engine_package_has_a_layer():
    modules = _modules()
    missing = sorted(
        {
            ".".join(m.split(".")[:3])
            for m in modules
            if _layer_of(m) is None and m not in ("mediaopt", "mediaopt.engine")
        }
    )
    assert not missing, f"packages with no place in LAYERS: {missing}"


def test_imports_run_one_way():
    violations = _violations(_modules())
    assert not violations, "\n".join(violations)


@pytest.mark.parametrize(
    "module, statement, why",
    [
        ("mediaopt.engine.projects.planted", "from mediaopt.engine.lineage import report", "sibl"),
        ("mediaopt.engine.catalog.planted", "import mediaopt.engine.scan.walk", "lower layer"),
        ("mediaopt.adapters.planted", "from mediaopt.engine.catalog import Catalog", "adapters"),
        ("mediaopt.engine.render.planted", "from mediaopt.fixtures import dupes", "lower layer"),
    ],
)
def test_a_planted_wrong_import_is_caught(module, statement, why, tmp_path):
    """The check itself can fail: a module with an upward, sideways or adapter import,
    even one hidden inside a function, is reported with its line."""
    planted = tmp_path / "planted.py"
    planted.write_text(f"def later():\n    {statement}\n")
    (violation,) = _violations({module: planted})
    assert violation.startswith("planted.py:2:") and why in violation
