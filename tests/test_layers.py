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


# Modules that write a `status` of their OWN model (not a dossier's), with the reason.
OTHER_STATUS_WRITERS = {
    "catalog/services.py": "ProcedureVersion: draft → published → superseded, in version_publish",
    "notifications/services.py": "Delivery: queued → sent / failed, in the sending service",
}
# The one write path of a dossier's status (style.md).
ENGINE = "workflow/engine.py"


def _names_status(node: ast.AST | None) -> bool:
    """A list, tuple or set of field names that holds "status" (update_fields, bulk_update)."""
    return isinstance(node, ast.List | ast.Tuple | ast.Set) and any(
        isinstance(item, ast.Constant) and item.value == "status" for item in node.elts
    )


def status_writes(source: str) -> list[int]:
    """Lines of `source` that write a `status` field: `x.status = …` (also augmented or
    annotated), `setattr(x, "status", …)`, `….update(status=…)`, `update_or_create(defaults={"status": …})`, `bulk_update(rows, ["status", …])` and
    `save(update_fields=["status", …])`."""
    lines = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Assign):
            targets = node.targets
        elif isinstance(node, ast.AugAssign | ast.AnnAssign):
            targets = [node.target]
        else:
            targets = []
        if any(isinstance(t, ast.Attribute) and t.attr == "status" for t in targets):
            lines.append(node.lineno)
        if not isinstance(node, ast.Call):
            continue
        function = node.func
        name = function.attr if isinstance(function, ast.Attribute) else getattr(function, "id", "")
        keywords = {keyword.arg: keyword.value for keyword in node.keywords}
        if (
            (
                name == "setattr"
                and len(node.args) >= 2
                and isinstance(node.args[1], ast.Constant)
                and node.args[1].value == "status"
            )
            or (name == "update" and "status" in keywords)
            or (
                name == "bulk_update"
                and (_names_status(keywords.get("fields")) or any(map(_names_status, node.args)))
            )
            or (name == "save" and _names_status(keywords.get("update_fields")))
            or (
                name == "update_or_create"
                and any(
                    isinstance(keywords.get(key), ast.Dict)
                    and any(
                        isinstance(k, ast.Constant) and k.value == "status"
                        for k in keywords[key].keys
                    )
                    for key in ("defaults", "create_defaults")
                )
            )
        ):
            lines.append(node.lineno)
    return sorted(lines)


def test_only_the_engine_writes_a_dossier_status():
    """style.md: exactly one function changes a dossier's status (workflow.engine)."""
    offenders = []
    for path in sorted(SRC.rglob("*.py")):
        relative = path.relative_to(SRC).as_posix()
        if relative == ENGINE or relative in OTHER_STATUS_WRITERS or "/migrations/" in relative:
            continue
        source = path.read_text(encoding="utf-8")
        offenders += [f"{relative}:{line}" for line in status_writes(source)]
    assert offenders == []


@pytest.mark.parametrize(
    "violation",
    [
        "dossier.status = DossierStatus.RECEIVED",
        "self.dossier.status: str = 'received'",
        "dossier.status += ''",
        "setattr(dossier, 'status', 'received')",
        "Dossier.objects.filter(pk=pk).update(status='received')",
        "Dossier.objects.update(status=F('status'))",
        "Dossier.objects.update_or_create(pk=pk, defaults={'status': 'received'})",
        "Dossier.objects.bulk_update(rows, ['status'])",
        "Dossier.objects.bulk_update(rows, fields=('code', 'status'))",
        "dossier.save(update_fields=['status', 'updated_at'])",
    ],
)
def test_the_check_catches_each_way_of_writing_a_status(violation):
    # The check above passes only because nothing outside the engine writes a status: each of
    # these, planted in any module, would make it fail.
    assert status_writes(f"def planted(dossier, rows, pk):\n    {violation}\n") == [2]


@pytest.mark.parametrize(
    "harmless",
    [
        "Dossier.objects.filter(status='received')",
        "dossier.save(update_fields=['code'])",
        "setattr(dossier, 'code', 'X')",
        "value = dossier.status",
        "Dossier.objects.update(code='X')",
    ],
)
def test_the_check_leaves_reads_and_other_fields_alone(harmless):
    assert status_writes(f"def harmless(dossier):\n    {harmless}\n") == []
