"""architecture.md's layers: a lower app never imports a higher one."""

import ast
from pathlib import Path

import pytest

SRC = Path(__file__).resolve().parents[1] / "src" / "dichvucong"
# Lowest first; apps on one rank may use each other (documents ↔ notifications ↔ feedback, api ↔ web).
RANK = {
    "core": 0,
    "agencies": 1,
    "accounts": 2,
    "catalog": 3,
    "dossiers": 4,
    "workflow": 5,
    "documents": 6,
    "notifications": 6,
    "feedback": 6,
    "api": 7,
    "web": 7,
}


def _imported_apps(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module)
    return {name.split(".")[1] for name in names if name.startswith("dichvucong.") and "." in name}


@pytest.mark.parametrize("app", sorted(RANK))
def test_no_app_imports_a_higher_one(app):
    offenders = []
    for path in sorted((SRC / app).rglob("*.py")):
        for imported in _imported_apps(path):
            if imported in RANK and RANK[imported] > RANK[app]:
                offenders.append(f"{path.relative_to(SRC)} imports {imported}")
    assert offenders == []


def test_every_app_has_a_rank():
    apps = {path.parent.name for path in SRC.glob("*/apps.py")}
    assert apps == set(RANK)


# Modules that assign a `.status` of their OWN model (not a dossier's), with the reason.
OTHER_STATUS_WRITERS = {
    "catalog/services.py": "ProcedureVersion: draft → published → superseded, in version_publish",
    "notifications/services.py": "Delivery: queued → sent / failed, in the sending service",
}


def test_only_the_workflow_assigns_a_dossier_status():
    """style.md: exactly one function changes a dossier's status (workflow.engine)."""
    offenders = []
    for path in sorted(SRC.rglob("*.py")):
        relative = path.relative_to(SRC).as_posix()
        if relative.startswith("workflow/") or "/migrations/" in relative:
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            targets = node.targets if isinstance(node, ast.Assign) else []
            for target in targets:
                if (
                    isinstance(target, ast.Attribute)
                    and target.attr == "status"
                    and relative not in OTHER_STATUS_WRITERS
                ):
                    offenders.append(f"{relative}:{node.lineno}")
    assert offenders == []
