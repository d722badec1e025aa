"""Export of the catalogue: JSON, Excel (XLSX) and a bundle (zip of the JSON and form templates).

Each export holds the published version of each procedure, in the exchange format of
catalog.content, ordered by local code. Exports are deterministic: the same catalogue gives the
same bytes (sorted keys, fixed zip timestamps and sorted entries, fixed workbook properties),
so an export can be diffed, hashed and re-imported as a no-op.

The XLSX layout (`XLSX_SHEETS`) is shared with catalog.importing, which reads it back.
"""

from __future__ import annotations

import datetime
import io
import json
import re
import zipfile
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from django.db.models import QuerySet
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font
from openpyxl.writer.excel import ExcelWriter

from .content import (
    BUNDLE_DOCUMENT,
    FORMAT,
    canonical_json,
    procedure_item,
    procedures_document,
    template_bundle_path,
)
from .models import Procedure, ProcedureVersion, VersionStatus

# The earliest time a zip entry can carry: every entry gets it, so bytes never depend on "now".
ZIP_EPOCH = (1980, 1, 1, 0, 0, 0)
# Naive: openpyxl writes workbook times as UTC without a zone.
WORKBOOK_EPOCH = datetime.datetime(2000, 1, 1)
LIST_SEPARATOR = "; "


# --- Which versions -----------------------------------------------------------------------


def published_versions(
    source: QuerySet | Iterable[Procedure | ProcedureVersion] | None = None,
) -> list[ProcedureVersion]:
    """The published version of each procedure in `source`, ordered by local code.

    `source` is a queryset (or list) of procedures or of versions (their procedures count),
    or None for the whole catalogue. Procedures without a published version are left out.
    """
    versions = ProcedureVersion.objects.filter(status=VersionStatus.PUBLISHED)
    if source is not None:
        if isinstance(source, QuerySet):
            if source.model is Procedure:
                versions = versions.filter(procedure__in=source.values("pk"))
            elif source.model is ProcedureVersion:
                versions = versions.filter(procedure__in=source.values("procedure_id"))
            else:
                raise TypeError(f"Cannot export {source.model.__name__} rows.")
        else:
            ids = {
                obj.procedure_id if isinstance(obj, ProcedureVersion) else obj.pk for obj in source
            }
            versions = versions.filter(procedure__in=ids)
    return list(
        versions.select_related("procedure", "field__sector", "competent_agency")
        .prefetch_related(
            "time_options",
            "fees",
            "components",
            "steps",
            "process_steps__agency",
            "receiving_agencies",
        )
        .order_by("procedure__local_code")
    )


def procedures_items(source=None) -> list[dict[str, Any]]:
    return [procedure_item(version) for version in published_versions(source)]


# --- JSON and bundle ----------------------------------------------------------------------


def procedures_export_json(source=None) -> bytes:
    """The exchange document of the published versions, in canonical JSON."""
    return canonical_json(procedures_document(procedures_items(source)))


def procedures_export_bundle(source=None) -> bytes:
    """A zip with `procedures.json` and each component's form template at its `template` path."""
    versions = published_versions(source)
    entries: dict[str, bytes] = {
        BUNDLE_DOCUMENT: canonical_json(
            procedures_document(procedure_item(version) for version in versions)
        )
    }
    for version in versions:
        for position, component in enumerate(version.components.all(), start=1):
            path = template_bundle_path(
                procedure=version.procedure, position=position, component=component
            )
            if path:
                entries[path] = _read_file(component.template)
    return deterministic_zip(entries)


def _read_file(field_file) -> bytes:
    field_file.open("rb")
    try:
        return field_file.read()
    finally:
        field_file.close()


def deterministic_zip(entries: Mapping[str, bytes], *, sort: bool = True) -> bytes:
    """A zip of `entries` whose bytes depend on the names and contents only."""
    buffer = io.BytesIO()
    names = sorted(entries) if sort else list(entries)
    with zipfile.ZipFile(buffer, "w") as archive:
        for name in names:
            info = zipfile.ZipInfo(name, date_time=ZIP_EPOCH)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.create_system = 3  # Unix, whatever machine exports
            info.external_attr = 0o644 << 16
            archive.writestr(info, entries[name], compresslevel=9)
    return buffer.getvalue()


# --- XLSX ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Column:
    key: str
    kind: str  # text, int, bool, list, date, time, json
    help: Any  # a lazy Vietnamese-translated explanation for the README sheet
    required: bool = False


@dataclass(frozen=True)
class Sheet:
    name: str
    part: str | None  # the version's list key for a part sheet; None for the procedures
    columns: tuple[Column, ...]
    help: Any

    @property
    def keys(self) -> tuple[str, ...]:
        return tuple(column.key for column in self.columns)


_LOCAL_CODE = Column(
    "local_code",
    "text",
    gettext_lazy("Local code of the procedure: the key that ties the sheets together."),
    required=True,
)
_POSITION = Column(
    "position",
    "int",
    gettext_lazy("Order within the procedure: 1, 2, 3, ... (each number once)."),
    required=True,
)

PROCEDURES_SHEET = Sheet(
    "Procedures",
    None,
    (
        _LOCAL_CODE,
        Column(
            "national_code",
            "text",
            gettext_lazy(
                "National procedure code (1.001193), only when verified; otherwise leave empty."
            ),
        ),
        Column("dvc_code", "text", gettext_lazy("Online service code on the national portal.")),
        Column("name", "text", gettext_lazy("Exact name of the procedure."), required=True),
        Column("sector_code", "text", gettext_lazy("Sector code."), required=True),
        Column(
            "sector_name",
            "text",
            gettext_lazy("Sector name (used to create the sector if the code is new)."),
            required=True,
        ),
        Column("field_code", "text", gettext_lazy("Field code."), required=True),
        Column(
            "field_name",
            "text",
            gettext_lazy("Field name (used to create the field if the code is new)."),
            required=True,
        ),
        Column(
            "levels",
            "list",
            gettext_lazy(
                "Administrative levels, separated by “; ”: tinh (province), huyen (district), "
                "xa (commune)."
            ),
        ),
        Column(
            "subjects",
            "list",
            gettext_lazy("Subjects, separated by “; ”: citizens, organisations."),
        ),
        Column(
            "competent_agency",
            "text",
            gettext_lazy("Identifier code of the competent agency (000.00.02.H30)."),
            required=True,
        ),
        Column(
            "receiving_agencies",
            "list",
            gettext_lazy("Identifier codes of the receiving agencies (desks), separated by “; ”."),
        ),
        Column("online_level", "int", gettext_lazy("Online level: 1, 2, 3 or 4."), required=True),
        Column(
            "channels",
            "list",
            gettext_lazy("Channels, separated by “; ”: counter (at the desk), post, online."),
        ),
        Column("conditions", "text", gettext_lazy("Conditions.")),
        Column("legal_basis", "text", gettext_lazy("Legal basis, one document a line.")),
        Column("result_document", "text", gettext_lazy("Result of the procedure.")),
        Column("fee_note", "text", gettext_lazy("Note on fees.")),
        Column(
            "announcing_decision_number", "text", gettext_lazy("Number of the announcing decision.")
        ),
        Column(
            "announcing_decision_date",
            "date",
            gettext_lazy("Date of the announcing decision (YYYY-MM-DD or DD/MM/YYYY)."),
        ),
        Column(
            "retention_years",
            "int",
            gettext_lazy("Retention of dossiers in years; empty: kept permanently."),
        ),
        Column(
            "unverified",
            "list",
            gettext_lazy("Names of the values not verified against an official source, “; ”."),
        ),
        Column("sources", "text", gettext_lazy("Sources of the information.")),
        Column(
            "form",
            "json",
            gettext_lazy("The application form as JSON; empty: the generic application."),
        ),
    ),
    gettext_lazy("One row per procedure: its codes and the version's single values."),
)

PART_SHEETS = (
    Sheet(
        "TimeOptions",
        "time_options",
        (
            _LOCAL_CODE,
            _POSITION,
            Column("label", "text", gettext_lazy("Case (empty when there is one time).")),
            Column("duration", "int", gettext_lazy("Duration (0 for same-day)."), required=True),
            Column(
                "unit",
                "text",
                gettext_lazy("Unit: hours, working_days, days or months."),
                required=True,
            ),
            Column("same_day", "bool", gettext_lazy("Same day: TRUE or FALSE."), required=True),
            Column(
                "cutoff",
                "time",
                gettext_lazy("Cut-off hour for same-day requests (HH:MM); may be empty."),
            ),
        ),
        gettext_lazy("Processing times: one row per case."),
    ),
    Sheet(
        "Fees",
        "fees",
        (
            _LOCAL_CODE,
            _POSITION,
            Column("name", "text", gettext_lazy("Name of the fee or charge."), required=True),
            Column("amount", "int", gettext_lazy("Amount in VND (0 allowed)."), required=True),
            Column(
                "unit",
                "text",
                gettext_lazy("Unit: dossier (per dossier), copy (per copy) or page (per page)."),
                required=True,
            ),
            Column("cap", "int", gettext_lazy("Cap in VND; may be empty.")),
            Column("conditions", "text", gettext_lazy("Conditions and exemptions.")),
        ),
        gettext_lazy("Fees and charges: one row per fee."),
    ),
    Sheet(
        "Components",
        "components",
        (
            _LOCAL_CODE,
            _POSITION,
            Column("name", "text", gettext_lazy("Name of the document."), required=True),
            Column(
                "paper_form",
                "text",
                gettext_lazy(
                    "Form: original, certified_copy, copy or original_or_certified "
                    "(original or certified copy)."
                ),
                required=True,
            ),
            Column("count", "int", gettext_lazy("Number of copies (1-99)."), required=True),
            Column("mandatory", "bool", gettext_lazy("Mandatory: TRUE or FALSE."), required=True),
            Column(
                "template",
                "text",
                gettext_lazy("Path of the form template in the bundle; empty if none."),
            ),
            Column(
                "template_sha256",
                "text",
                gettext_lazy("SHA-256 of the template file; do not edit."),
            ),
            Column("note", "text", gettext_lazy("Note.")),
        ),
        gettext_lazy("Dossier components: one row per document."),
    ),
    Sheet(
        "Steps",
        "steps",
        (
            _LOCAL_CODE,
            _POSITION,
            Column(
                "description",
                "text",
                gettext_lazy("The step as the applicant reads it."),
                required=True,
            ),
        ),
        gettext_lazy("Steps: one row per step."),
    ),
    Sheet(
        "Process",
        "process",
        (
            _LOCAL_CODE,
            _POSITION,
            Column("name", "text", gettext_lazy("Name of the process step."), required=True),
            Column(
                "agency",
                "text",
                gettext_lazy("Code of the agency; empty: the agency that received the dossier."),
            ),
            Column(
                "role",
                "text",
                gettext_lazy("Who acts: one_stop_officer, specialist or leader."),
                required=True,
            ),
            Column("duration", "int", gettext_lazy("Time budget (from 1)."), required=True),
            Column(
                "unit",
                "text",
                gettext_lazy("Unit: hours, working_days, days or months."),
                required=True,
            ),
            Column(
                "may_return",
                "bool",
                gettext_lazy("May send the dossier back a step: TRUE or FALSE."),
                required=True,
            ),
        ),
        gettext_lazy("Electronic process: one row per step, in order."),
    ),
)
XLSX_SHEETS = (PROCEDURES_SHEET, *PART_SHEETS)
README_SHEET = "README"


def procedure_row(item: dict[str, Any]) -> dict[str, Any]:
    """An item's single values as a Procedures row (lists joined with "; ")."""
    version = item["version"]
    decision = version["announcing_decision"]
    return {
        "local_code": item["local_code"],
        "national_code": item["national_code"],
        "dvc_code": item["dvc_code"],
        "name": version["name"],
        "sector_code": version["sector"]["code"],
        "sector_name": version["sector"]["name"],
        "field_code": version["field"]["code"],
        "field_name": version["field"]["name"],
        "levels": LIST_SEPARATOR.join(version["levels"]),
        "subjects": LIST_SEPARATOR.join(version["subjects"]),
        "competent_agency": version["competent_agency"],
        "receiving_agencies": LIST_SEPARATOR.join(version["receiving_agencies"]),
        "online_level": version["online_level"],
        "channels": LIST_SEPARATOR.join(version["channels"]),
        "conditions": version["conditions"],
        "legal_basis": version["legal_basis"],
        "result_document": version["result_document"],
        "fee_note": version["fee_note"],
        "announcing_decision_number": decision["number"],
        "announcing_decision_date": decision["date"],
        "retention_years": version["retention_years"],
        "unverified": LIST_SEPARATOR.join(version["unverified"]),
        "sources": version["sources"],
        # Compact: a cell holds at most 32,767 characters.
        "form": (
            json.dumps(version["form"], ensure_ascii=False, sort_keys=True, separators=(",", ":"))
            if version.get("form")
            else ""
        ),
    }


def part_rows(item: dict[str, Any], sheet: Sheet) -> list[dict[str, Any]]:
    rows = []
    for position, part in enumerate(item["version"].get(sheet.part, []), start=1):
        values = {"description": part} if sheet.part == "steps" else dict(part)
        rows.append({"local_code": item["local_code"], "position": position, **values})
    return rows


def procedures_export_xlsx(source=None) -> bytes:
    """A workbook with a README sheet and one sheet per part of the exchange format."""
    items = procedures_items(source)
    workbook = Workbook()
    readme = workbook.active
    readme.title = README_SHEET
    _write_readme(readme)
    for sheet in XLSX_SHEETS:
        worksheet = workbook.create_sheet(sheet.name)
        worksheet.append(list(sheet.keys))
        for cell in worksheet[1]:
            cell.font = Font(bold=True)
        worksheet.freeze_panes = "A2"
        for item in items:
            rows = [procedure_row(item)] if sheet.part is None else part_rows(item, sheet)
            for row in rows:
                _append_row(worksheet, [row[key] for key in sheet.keys])
    # Fixed properties and zip timestamps: the workbook's bytes depend on the content only.
    workbook.properties.creator = "dichvucong"
    workbook.properties.created = WORKBOOK_EPOCH
    workbook.properties.modified = WORKBOOK_EPOCH
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        ExcelWriter(workbook, archive).write_data()
    with zipfile.ZipFile(io.BytesIO(buffer.getvalue())) as written:
        # [Content_Types].xml first, as Office writes it; then openpyxl's fixed order.
        names = sorted(written.namelist(), key=lambda name: name != "[Content_Types].xml")
        entries = {name: written.read(name) for name in names}
    return deterministic_zip(entries, sort=False)


# OOXML writes characters XML cannot carry (a carriage return would become a line feed when
# read; other control characters are not allowed) as _xHHHH_, and a literal "_xHHHH_" as
# "_x005F_xHHHH_"; Excel reads them back so, and catalog.importing undoes it.
_OOXML_LITERAL = re.compile(r"_(x[0-9A-Fa-f]{4}_)")
_OOXML_UNSAFE = re.compile(r"[\x00-\x08\x0b-\x1f]")
_OOXML_ESCAPED = re.compile(r"_x([0-9A-Fa-f]{4})_")


def ooxml_escape(text: str) -> str:
    text = _OOXML_LITERAL.sub(r"_x005F_\1", text)
    return _OOXML_UNSAFE.sub(lambda match: f"_x{ord(match[0]):04X}_", text)


def ooxml_unescape(text: str) -> str:
    if "_x" not in text:
        return text
    return _OOXML_ESCAPED.sub(lambda match: chr(int(match[1], 16)), text)


def _append_row(worksheet, values: list[Any]) -> None:
    worksheet.append(
        [
            None if value == "" else ooxml_escape(value) if isinstance(value, str) else value
            for value in values
        ]
    )
    for cell in worksheet[worksheet.max_row]:
        if isinstance(cell.value, str):
            # Text as text: "=..." is not a formula, "1.001193" not a number.
            cell.data_type = "s"
            if "\n" in cell.value:
                cell.alignment = Alignment(wrap_text=True, vertical="top")


def _write_readme(worksheet) -> None:
    # The README speaks Vietnamese whatever the exporting user's language: the file is shared.
    with translation.override("vi"):
        worksheet.append([_("Procedure catalogue: import and export")])
        worksheet["A1"].font = Font(bold=True, size=14)
        worksheet.append([_("Format: %(format)s") % {"format": FORMAT}])
        for line in (
            _(
                "Each sheet starts with a row of column names; do not rename, remove or "
                "reorder the sheets or columns."
            ),
            _(
                "The sheets are tied together by the local code (local_code) and ordered by "
                "position; lists are separated by “; ”."
            ),
            _(
                "Importing publishes a new version of a procedure only when its content "
                "changed; a file with any error imports nothing."
            ),
            _(
                "Form templates travel in the zip bundle (procedures.json and the templates "
                "folder); a workbook can refer only to templates already stored."
            ),
        ):
            worksheet.append([line])
        worksheet.append([])
        worksheet.append([_("Sheet"), _("Column"), _("Meaning")])
        for cell in worksheet[worksheet.max_row]:
            cell.font = Font(bold=True)
        for sheet in XLSX_SHEETS:
            worksheet.append([sheet.name, "", str(sheet.help)])
            for column in sheet.columns:
                meaning = str(column.help)
                if column.required:
                    meaning = _("%(meaning)s Required.") % {"meaning": meaning}
                worksheet.append([sheet.name, column.key, meaning])
    worksheet.column_dimensions["A"].width = 16
    worksheet.column_dimensions["B"].width = 28
    worksheet.column_dimensions["C"].width = 100
