"""Import of procedures from JSON, Excel (XLSX) or a bundle (zip of procedures.json + templates).

    procedures_import(*, data, filename, actor) -> ImportReport

All or nothing, in two phases:

1. Read and check everything without writing: the document's format, every item against the
   exchange format (catalog.content.item_normalize), codes used twice, sectors and fields
   against those stored, the agencies of every item that would be written (unknown, closed —
   naming the successor — or not yet in force), the form templates (in a bundle, every file
   present with its SHA-256; otherwise already stored), and the actor's right to publish.
   Each problem is reported with where it is (the item's index and line in a JSON file, the
   sheet and row in a workbook) and why, in the user's language.
2. If nothing is wrong, write in one transaction, through catalog.services so the audit trail
   and derived columns stay right: for each item whose content hash differs from the
   published version's (or that is new), fill a draft (`version_apply_content`) and publish
   it. An unchanged item writes nothing at all. Any refusal rolls the whole file back.

Importing the same file twice therefore changes nothing the second time, and export → import
→ export gives the same bytes.
"""

from __future__ import annotations

import contextlib
import datetime
import hashlib
import io
import json
import re
import zipfile
from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from dichvucong.accounts.permissions import can
from dichvucong.agencies.models import Agency
from dichvucong.agencies.selectors import agency_resolve_current
from dichvucong.core.context import Actor, acting_as, current_actor
from dichvucong.core.errors import ServiceError

from . import services
from .content import (
    BUNDLE_DOCUMENT,
    FORMAT,
    NormalizedItem,
    Path,
    TemplateRef,
    content_hash,
    item_normalize,
    procedure_item,
)
from .exporting import (
    PART_SHEETS,
    PROCEDURES_SHEET,
    XLSX_SHEETS,
    Column,
    Sheet,
    ooxml_unescape,
)
from .models import Component, Field, Procedure, ProcedureVersion, Sector, VersionStatus

# A bundle is read into memory; these keep a hostile zip from filling it.
MAX_BUNDLE_BYTES_DEFAULT = 200 * 1024 * 1024
MAX_BUNDLE_ENTRIES = 10_000


# --- The report ----------------------------------------------------------------------------


@dataclass
class ImportReport:
    """What an import did: local codes created, updated and unchanged, or the errors.

    `errors` is a list of (where, why): where names the item and its line (or the sheet and
    row), why says what is wrong. With any error nothing was written.
    """

    created: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    errors: list[tuple[str, str]] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors

    @property
    def summary(self) -> str:
        if self.errors:
            return _("The file has %(count)s error(s); nothing was imported.") % {
                "count": len(self.errors)
            }
        return _(
            "Import finished: %(created)s new, %(updated)s updated (a new version published), "
            "%(unchanged)s unchanged."
        ) % {
            "created": len(self.created),
            "updated": len(self.updated),
            "unchanged": len(self.unchanged),
        }

    def lines(self) -> list[str]:
        """The summary and one line per error, for a terminal or a message list."""
        return [self.summary, *(f"{where}: {why}" for where, why in self.errors)]


# --- Reading the file ----------------------------------------------------------------------

# locate(item_index, path) -> (where, what): the item's place in the file and the name of the
# offending value there (a JSON path or a column), for the error line.
Locator = Callable[[int, Path], tuple[str, str]]


@dataclass
class Source:
    items: list[Any] = field(default_factory=list)  # raw items, in file order
    locate: Locator | None = None
    files: dict[str, bytes] | None = None  # a bundle's entries; None outside a bundle
    errors: list[tuple[str, str]] = field(default_factory=list)


def _file_label() -> str:
    return _("File")


def _read_source(data: bytes, filename: str) -> Source:
    extension = filename.rsplit(".", 1)[-1].lower() if "." in filename else ""
    if extension == "json":
        return _read_json(data)
    if extension == "xlsx":
        return _read_xlsx(data)
    if extension == "zip":
        return _read_bundle(data)
    return Source(
        errors=[(_file_label(), _("Unsupported file type: use a .json, .xlsx or .zip file."))]
    )


# JSON


def _read_json(data: bytes, *, name: str | None = None) -> Source:
    label = name or _file_label()
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return Source(errors=[(label, _("The file is not UTF-8 text."))])
    try:
        document = json.loads(text)
    except json.JSONDecodeError as error:
        return Source(
            errors=[
                (
                    _("%(file)s, line %(line)s") % {"file": label, "line": error.lineno},
                    _("The file is not valid JSON: %(error)s.") % {"error": error.msg},
                )
            ]
        )
    if not isinstance(document, dict) or "procedures" not in document:
        return Source(
            errors=[(label, _("The file must be an object with “format” and “procedures” keys."))]
        )
    source = Source()
    unknown = sorted(set(document) - {"format", "procedures"})
    if unknown:
        source.errors.append(
            (label, _("Unknown keys in the file: %(keys)s.") % {"keys": ", ".join(unknown)})
        )
    if document.get("format") != FORMAT:
        source.errors.append(
            (
                label,
                _("The format is “%(given)s”; this portal reads “%(expected)s”.")
                % {"given": document.get("format"), "expected": FORMAT},
            )
        )
    if not isinstance(document["procedures"], list):
        source.errors.append((label, _("“procedures” must be a list.")))
        return source
    source.items = document["procedures"]
    item_lines = _json_item_lines(text)
    if len(item_lines) != len(source.items):
        item_lines = []

    def locate(index: int, path: Path) -> tuple[str, str]:
        if item_lines:
            where = _("item %(index)s (line %(line)s)") % {
                "index": index,
                "line": item_lines[index - 1],
            }
        else:
            where = _("item %(index)s") % {"index": index}
        if name:
            where = f"{name}, {where}"
        return where, _json_path(path)

    source.locate = locate
    return source


def _json_path(path: Path) -> str:
    text = ""
    for key in path:
        text += f"[{key}]" if isinstance(key, int) else (f".{key}" if text else key)
    return text


_WHITESPACE = re.compile(r"[ \t\n\r]*")


def _json_item_lines(text: str) -> list[int]:
    """The line on which each item of "procedures" starts, for error messages.

    Walks the top-level object with the standard decoder (the file has already been parsed,
    so it is valid JSON); returns [] if anything is unexpected.
    """
    decoder = json.JSONDecoder()

    def skip(position: int) -> int:
        return _WHITESPACE.match(text, position).end()

    lines: list[int] = []
    try:
        position = skip(0)
        if text[position] == "\ufeff":
            position = skip(position + 1)
        if text[position] != "{":
            return []
        position = skip(position + 1)
        while text[position] != "}":
            key, position = decoder.raw_decode(text, position)
            position = skip(skip(position) + 1)  # the colon
            if key == "procedures" and text[position] == "[":
                lines = []
                line, counted = 1, 0
                position = skip(position + 1)
                while text[position] != "]":
                    line += text.count("\n", counted, position)
                    counted = position
                    lines.append(line)
                    _, position = decoder.raw_decode(text, position)
                    position = skip(position)
                    if text[position] == ",":
                        position = skip(position + 1)
                position += 1
            else:
                _, position = decoder.raw_decode(text, position)
            position = skip(position)
            if text[position] == ",":
                position = skip(position + 1)
    except (ValueError, IndexError):
        return []
    return lines


# Bundle


def _read_bundle(data: bytes) -> Source:
    label = _file_label()
    limit = getattr(settings, "DVC_IMPORT_MAX_BUNDLE_BYTES", MAX_BUNDLE_BYTES_DEFAULT)
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        infos = [info for info in archive.infolist() if not info.is_dir()]
    except (zipfile.BadZipFile, OSError):
        return Source(errors=[(label, _("The zip file cannot be read."))])
    if len(infos) > MAX_BUNDLE_ENTRIES or sum(info.file_size for info in infos) > limit:
        return Source(
            errors=[
                (
                    label,
                    _("The bundle is too large: at most %(entries)s files and %(size)s MB.")
                    % {"entries": MAX_BUNDLE_ENTRIES, "size": limit // (1024 * 1024)},
                )
            ]
        )
    files: dict[str, bytes] = {}
    try:
        for info in infos:
            # Read with a cap: the sizes in a zip's directory are claims, not facts.
            with archive.open(info) as entry:
                content = entry.read(info.file_size + 1)
            if len(content) != info.file_size:
                raise zipfile.BadZipFile(info.filename)
            files[info.filename] = content
    except (zipfile.BadZipFile, OSError, RuntimeError, NotImplementedError):
        return Source(errors=[(label, _("The zip file cannot be read."))])
    if BUNDLE_DOCUMENT not in files:
        return Source(
            errors=[
                (
                    label,
                    _("The bundle has no %(name)s file at its top.") % {"name": BUNDLE_DOCUMENT},
                )
            ]
        )
    source = _read_json(files.pop(BUNDLE_DOCUMENT), name=BUNDLE_DOCUMENT)
    source.files = files
    return source


# XLSX


class _CellError(Exception):
    pass


def _read_xlsx(data: bytes) -> Source:
    from openpyxl import load_workbook

    label = _file_label()
    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception:  # openpyxl raises many kinds (zip, XML, key errors) for a bad file
        return Source(errors=[(label, _("The workbook cannot be read as an .xlsx file."))])
    source = Source()
    try:
        tables = {sheet.name: _read_sheet(workbook, sheet, source.errors) for sheet in XLSX_SHEETS}
    finally:
        workbook.close()
    if source.errors:
        return source

    def where(sheet: Sheet, row: int) -> str:
        return _("sheet %(sheet)s, row %(row)s") % {"sheet": sheet.name, "row": row}

    items: list[dict[str, Any]] = []
    item_rows: list[int] = []
    part_rows: list[dict[tuple[str, int], int]] = []
    by_code: dict[str, int] = {}
    for row_number, values in tables[PROCEDURES_SHEET.name]:
        item = _procedure_from_row(values)
        items.append(item)
        item_rows.append(row_number)
        part_rows.append({})
        if isinstance(item["local_code"], str):
            by_code.setdefault(item["local_code"], len(items) - 1)
    for sheet in PART_SHEETS:
        grouped: dict[int, list[tuple[int, int, dict[str, Any]]]] = defaultdict(list)
        for row_number, values in tables[sheet.name]:
            code, position = values.pop("local_code", None), values.pop("position", None)
            if code not in by_code:
                source.errors.append(
                    (
                        where(sheet, row_number),
                        _("the procedure “%(code)s” is not in the %(sheet)s sheet.")
                        % {"code": code, "sheet": PROCEDURES_SHEET.name},
                    )
                )
                continue
            if not isinstance(position, int) or position < 1:
                source.errors.append(
                    (where(sheet, row_number), _("position: must be a whole number from 1."))
                )
                continue
            grouped[by_code[code]].append((position, row_number, values))
        for index, rows in grouped.items():
            rows.sort(key=lambda row: row[0])
            for (position, row_number, _values), previous in zip(rows[1:], rows[:-1], strict=False):
                if position == previous[0]:
                    source.errors.append(
                        (
                            where(sheet, row_number),
                            _("position %(position)s is used twice for this procedure.")
                            % {"position": position},
                        )
                    )
            parts = []
            for number, (_position, row_number, values) in enumerate(rows, start=1):
                parts.append(values["description"] if sheet.part == "steps" else values)
                part_rows[index][(sheet.part, number)] = row_number
            items[index]["version"][sheet.part] = parts
    for item in items:
        for sheet in PART_SHEETS:
            item["version"].setdefault(sheet.part, [])
    source.items = items

    def locate(index: int, path: Path) -> tuple[str, str]:
        if not path:
            return where(PROCEDURES_SHEET, item_rows[index - 1]), ""
        parts = part_rows[index - 1]
        if len(path) >= 3 and path[0] == "version" and (path[1], path[2]) in parts:
            sheet = next(sheet for sheet in PART_SHEETS if sheet.part == path[1])
            column = str(path[3]) if len(path) > 3 else "description"
            return where(sheet, parts[(path[1], path[2])]), _column_label(column)
        return where(PROCEDURES_SHEET, item_rows[index - 1]), _column_label(_column_of(path))

    source.locate = locate
    return source


def _column_label(column: str) -> str:
    return _("column %(column)s") % {"column": column}


def _column_of(path: Path) -> str:
    if len(path) >= 3 and path[0] == "version" and path[1] in ("sector", "field"):
        return f"{path[1]}_{path[2]}"
    if len(path) >= 3 and path[:2] == ("version", "announcing_decision"):
        return f"announcing_decision_{path[2]}"
    if len(path) >= 2 and path[0] == "version":
        return str(path[1])
    return str(path[0]) if path else "local_code"


def _read_sheet(workbook, sheet: Sheet, errors: list) -> list[tuple[int, dict[str, Any]]]:
    if sheet.name not in workbook.sheetnames:
        if sheet.part == "process":
            return []  # workbooks from before the electronic process: no process
        errors.append((_file_label(), _("The sheet %(sheet)s is missing.") % {"sheet": sheet.name}))
        return []
    rows = workbook[sheet.name].iter_rows(values_only=True)
    header = next(rows, ())
    names = [str(value).strip() if value is not None else "" for value in header]
    while names and not names[-1]:
        names.pop()
    where_header = _("sheet %(sheet)s, row %(row)s") % {"sheet": sheet.name, "row": 1}
    missing = [key for key in sheet.keys if key not in names]
    unknown = [name for name in names if name not in sheet.keys]
    twice = sorted({name for name in names if name and names.count(name) > 1})
    if missing or unknown or twice:
        if missing:
            errors.append(
                (where_header, _("missing columns: %(columns)s.") % {"columns": ", ".join(missing)})
            )
        if unknown:
            errors.append(
                (
                    where_header,
                    _("unknown columns: %(columns)s.")
                    % {"columns": ", ".join(name or _("(empty)") for name in unknown)},
                )
            )
        if twice:
            errors.append(
                (
                    where_header,
                    _("columns used twice: %(columns)s.") % {"columns": ", ".join(twice)},
                )
            )
        return []
    columns = {column.key: column for column in sheet.columns}
    table = []
    for row_number, row in enumerate(rows, start=2):
        cells = dict(zip(names, row, strict=False))
        if all(value is None or value == "" for value in cells.values()):
            continue
        values: dict[str, Any] = {}
        for key, column in columns.items():
            try:
                values[key] = _cell_value(cells.get(key), column)
            except _CellError as error:
                errors.append(
                    (
                        _("sheet %(sheet)s, row %(row)s")
                        % {"sheet": sheet.name, "row": row_number},
                        f"{_column_label(key)}: {error}",
                    )
                )
        table.append((row_number, values))
    return table


_MISSING = object()  # a required cell left empty: the key is left out, the check says so
_TRUE = frozenset({"true", "có", "co", "x", "1", "yes", "đúng"})
_FALSE = frozenset({"false", "không", "khong", "0", "no", "sai"})
_DMY = re.compile(r"\A([0-9]{1,2})/([0-9]{1,2})/([0-9]{4})\Z")


def _cell_value(value: Any, column: Column) -> Any:
    """A cell as the value the JSON format would have, or _MISSING for an empty required cell."""
    kind = column.kind
    if isinstance(value, str):
        value = ooxml_unescape(value)
    if isinstance(value, str) and kind != "text":
        value = value.strip() or None
    if value is None:
        if column.required and kind in ("int", "bool"):
            return _MISSING
        return {"text": "", "list": [], "json": {}}.get(kind)
    if kind == "text":
        if isinstance(value, str):
            return value
        if isinstance(value, int) and not isinstance(value, bool):
            return str(value)
        if isinstance(value, float) and value.is_integer():
            return str(int(value))
        raise _CellError(_("must be text (format the cell as Text)."))
    if kind == "int":
        if isinstance(value, bool):
            raise _CellError(_("must be a whole number."))
        if isinstance(value, int):
            return value
        if isinstance(value, float) and value.is_integer():
            return int(value)
        if isinstance(value, str) and re.fullmatch(r"-?[0-9]+", value):
            return int(value)
        raise _CellError(_("must be a whole number."))
    if kind == "bool":
        if isinstance(value, bool):
            return value
        if isinstance(value, int | float) and value in (0, 1):
            return bool(value)
        if isinstance(value, str) and value.lower() in _TRUE | _FALSE:
            return value.lower() in _TRUE
        raise _CellError(_("must be TRUE or FALSE."))
    if kind == "list":
        if not isinstance(value, str):
            value = str(value)
        return [entry.strip() for entry in value.split(";") if entry.strip()]
    if kind == "date":
        if isinstance(value, datetime.datetime):
            return value.date().isoformat()
        if isinstance(value, datetime.date):
            return value.isoformat()
        if isinstance(value, str) and (match := _DMY.match(value)):
            try:
                return datetime.date(int(match[3]), int(match[2]), int(match[1])).isoformat()
            except ValueError as error:
                raise _CellError(_("must be a date (DD/MM/YYYY or YYYY-MM-DD).")) from error
        return value if isinstance(value, str) else str(value)
    if kind == "json":
        try:
            return json.loads(value) if isinstance(value, str) else value
        except ValueError as error:
            raise _CellError(_("must be JSON text.")) from error
    if kind == "time":
        if isinstance(value, datetime.datetime):
            value = value.time()
        if isinstance(value, datetime.time):
            return value.strftime("%H:%M:%S" if value.second else "%H:%M")
        return value if isinstance(value, str) else str(value)
    raise AssertionError(kind)


def _procedure_from_row(values: dict[str, Any]) -> dict[str, Any]:
    version = {
        "name": values["name"],
        "sector": {"code": values["sector_code"], "name": values["sector_name"]},
        "field": {"code": values["field_code"], "name": values["field_name"]},
        "announcing_decision": {
            "number": values["announcing_decision_number"],
            "date": values["announcing_decision_date"],
        },
    }
    skip = {"local_code", "national_code", "dvc_code", "name"}
    skip |= {"sector_code", "sector_name", "field_code", "field_name"}
    skip |= {"announcing_decision_number", "announcing_decision_date"}
    for key, value in values.items():
        if key not in skip and value is not _MISSING:
            version[key] = value
    return {
        "local_code": values["local_code"],
        "national_code": values["national_code"],
        "dvc_code": values["dvc_code"],
        "version": version,
    }


def _strip_missing(value: Any) -> Any:
    """Leave out the keys of empty required cells, so the format check reports them."""
    if isinstance(value, dict):
        return {k: _strip_missing(v) for k, v in value.items() if v is not _MISSING}
    if isinstance(value, list):
        return [_strip_missing(v) for v in value]
    return value


# --- Checking against the database ---------------------------------------------------------


@dataclass
class _Planned:
    index: int  # 1-based, in file order
    normalized: NormalizedItem
    hash: str
    procedure: Procedure | None
    published_hash: str | None

    @property
    def writes(self) -> bool:
        return self.hash != self.published_hash


@dataclass
class _Checker:
    source: Source
    errors: list[tuple[str, str]] = field(default_factory=list)

    def error(self, index: int, path: Path, message: str) -> None:
        where, what = self.source.locate(index, path)
        self.errors.append((where, f"{what}: {message}" if what else message))


def _check_classification(checker: _Checker, planned: list[_Planned]) -> None:
    """Sectors and fields: a code means one name (and a field one sector) in the file and in
    the database. A new code is created from the names given."""
    codes = {kind: set() for kind in ("sector", "field")}
    for plan in planned:
        version = plan.normalized.item["version"]
        codes["sector"].add(version["sector"]["code"])
        codes["field"].add(version["field"]["code"])
    stored_sectors = {s.code: s for s in Sector.objects.filter(code__in=codes["sector"])}
    stored_fields = {
        f.code: f for f in Field.objects.select_related("sector").filter(code__in=codes["field"])
    }
    seen: dict[tuple[str, str], tuple[str, str, int]] = {}
    for plan in planned:
        version = plan.normalized.item["version"]
        sector, field_ = version["sector"], version["field"]
        for kind, entry, parent in (("sector", sector, ""), ("field", field_, sector["code"])):
            stored = stored_sectors.get(entry["code"]) if kind == "sector" else None
            if kind == "field":
                stored = stored_fields.get(entry["code"])
            path = ("version", kind)
            if stored is not None and stored.name != entry["name"]:
                checker.error(
                    plan.index,
                    (*path, "name"),
                    _("the code %(code)s is named “%(stored)s” in the portal, not “%(given)s”.")
                    % {"code": entry["code"], "stored": stored.name, "given": entry["name"]},
                )
            if kind == "field" and stored is not None and stored.sector.code != parent:
                checker.error(
                    plan.index,
                    (*path, "code"),
                    _("the field %(code)s belongs to the sector %(stored)s, not %(given)s.")
                    % {"code": entry["code"], "stored": stored.sector.code, "given": parent},
                )
            first = seen.setdefault((kind, entry["code"]), (entry["name"], parent, plan.index))
            if first[:2] != (entry["name"], parent):
                checker.error(
                    plan.index,
                    (*path, "code"),
                    _("the code %(code)s is given differently in item %(other)s.")
                    % {"code": entry["code"], "other": first[2]},
                )


def _check_agencies(checker: _Checker, planned: list[_Planned]) -> None:
    """The agencies of the items to be written: known, and in force today (a closed one is
    refused, naming its successor, so the file is corrected rather than silently redirected)."""
    wanted = {
        code
        for plan in planned
        if plan.writes
        for code in (
            plan.normalized.item["version"]["competent_agency"],
            *plan.normalized.item["version"]["receiving_agencies"],
            *(
                step["agency"]
                for step in plan.normalized.item["version"].get("process", [])
                if step["agency"] is not None
            ),
        )
    }
    agencies = {a.code: a for a in Agency.objects.filter(code__in=wanted)}
    today = timezone.localdate()
    for plan in planned:
        if not plan.writes:
            continue
        version = plan.normalized.item["version"]
        places: list[tuple[Path, str]] = [
            (("version", "competent_agency"), version["competent_agency"])
        ]
        # No index: the list was sorted, so it may not be the file's; the code says which.
        places += [
            (("version", "receiving_agencies"), code) for code in version["receiving_agencies"]
        ]
        places += [
            (("version", "process", index, "agency"), step["agency"])
            for index, step in enumerate(version.get("process", []), start=1)
            if step["agency"] is not None
        ]
        for path, code in places:
            agency = agencies.get(code)
            if agency is None:
                checker.error(
                    plan.index, path, _("no agency has the code %(code)s.") % {"code": code}
                )
            elif agency.valid_from > today:
                checker.error(
                    plan.index,
                    path,
                    _("the agency %(code)s (%(name)s) is in force only from %(date)s.")
                    % {
                        "code": code,
                        "name": agency.name,
                        "date": agency.valid_from.strftime("%d/%m/%Y"),
                    },
                )
            elif not agency.is_active_on(today):
                successor = agency_resolve_current(code=code, at=today)
                params = {
                    "code": code,
                    "name": agency.name,
                    "date": agency.valid_to.strftime("%d/%m/%Y"),
                }
                if successor is not None:
                    message = _(
                        "the agency %(code)s (%(name)s) closed on %(date)s; use its successor "
                        "%(successor_code)s (%(successor_name)s)."
                    ) % {
                        **params,
                        "successor_code": successor.code,
                        "successor_name": successor.name,
                    }
                else:
                    message = (
                        _(
                            "the agency %(code)s (%(name)s) closed on %(date)s and has no "
                            "successor in force."
                        )
                        % params
                    )
                checker.error(plan.index, path, message)


def _sha256(content: bytes) -> str:
    return hashlib.sha256(content).hexdigest()


class _Templates:
    """Finds the bytes or the stored file of each template the items name."""

    def __init__(self, source: Source, planned: list[_Planned]) -> None:
        self.bundle = source.files
        self._stored: dict[str, list[tuple[str, str]]] = {}  # local code -> [(name, sha256)]
        codes = [
            plan.normalized.local_code
            for plan in planned
            if plan.writes and any(plan.normalized.templates)
        ]
        names = (
            Component.objects.filter(version__procedure__local_code__in=codes)
            .exclude(template="")
            .values_list("version__procedure__local_code", "template")
            .distinct()
        )
        digests: dict[str, str | None] = {}
        for code, name in names.order_by("template"):
            if name not in digests:
                digests[name] = _stored_sha256(name)
            if digests[name]:
                self._stored.setdefault(code, []).append((name, digests[name]))

    def stored_match(self, local_code: str, ref: TemplateRef) -> str | None:
        """An already stored file of this procedure with the same content and name."""
        for name, digest in self._stored.get(local_code, []):
            if digest == ref.sha256 and name.rsplit("/", 1)[-1] == ref.filename:
                return name
        if _stored_sha256(ref.storage_name) == ref.sha256:
            return ref.storage_name
        return None

    def content(self, local_code: str, ref: TemplateRef) -> bytes | None:
        if self.bundle is not None and ref.declared_path in self.bundle:
            return self.bundle[ref.declared_path]
        for name, digest in self._stored.get(local_code, []):
            if digest == ref.sha256:
                return _read_stored(name)
        return None


def _stored_sha256(name: str) -> str | None:
    content = _read_stored(name)
    return _sha256(content) if content is not None else None


def _read_stored(name: str) -> bytes | None:
    try:
        with default_storage.open(name, "rb") as handle:
            return handle.read()
    except (OSError, ValueError):
        return None


def _check_templates(checker: _Checker, planned: list[_Planned], templates: _Templates) -> None:
    for plan in planned:
        code = plan.normalized.local_code
        for number, ref in enumerate(plan.normalized.templates, start=1):
            if ref is None:
                continue
            path = ("version", "components", number, "template")
            if templates.bundle is not None:
                content = templates.bundle.get(ref.declared_path)
                if content is None:
                    checker.error(
                        plan.index,
                        path,
                        _("the file %(path)s is missing from the bundle.")
                        % {"path": ref.declared_path},
                    )
                    continue
                if _sha256(content) != ref.sha256:
                    checker.error(
                        plan.index,
                        (*path[:-1], "template_sha256"),
                        _("the file %(path)s in the bundle does not match its SHA-256.")
                        % {"path": ref.declared_path},
                    )
                    continue
            if not plan.writes or templates.stored_match(code, ref):
                continue
            content = templates.content(code, ref)
            if content is None:
                checker.error(
                    plan.index,
                    path,
                    _(
                        "no stored form template has this content; import a bundle (.zip) "
                        "that contains %(path)s."
                    )
                    % {"path": ref.declared_path},
                )
                continue
            try:
                services.component_template_check(ContentFile(content, name=ref.filename))
            except ServiceError as error:
                checker.error(plan.index, path, str(error.message))


# --- Writing -------------------------------------------------------------------------------


def _store_template(ref: TemplateRef, content: bytes, created: list[str]) -> str:
    """Store a template under its content-addressed name (once), and return the name."""
    if _stored_sha256(ref.storage_name) == ref.sha256:
        return ref.storage_name
    name = default_storage.save(ref.storage_name, ContentFile(content))
    created.append(name)
    return name


def _field_for(content: Mapping[str, Any], actor: Any) -> Field:
    sector_data, field_data = content["sector"], content["field"]
    field_ = Field.objects.select_related("sector").filter(code=field_data["code"]).first()
    if field_ is not None:
        return field_
    sector = Sector.objects.filter(code=sector_data["code"]).first()
    if sector is None:
        sector = services.sector_create(
            code=sector_data["code"], name=sector_data["name"], actor=actor
        )
    return services.field_create(
        code=field_data["code"], name=field_data["name"], sector=sector, actor=actor
    )


def version_apply_content(
    *,
    version: ProcedureVersion,
    content: Mapping[str, Any],
    actor: Any,
    templates: Mapping[str, str] | None = None,
) -> ProcedureVersion:
    """Make a draft hold `content` (an item's "version" value, normalized), through the services.

    `templates` maps each component's `template` path to the name of the file already in
    storage. A missing sector or field is created from the names given. Raises what the
    services raise (ServiceError, ValidationError) and changes nothing then.
    """
    templates = templates or {}
    with transaction.atomic():
        process = content.get("process", [])
        codes = [
            content["competent_agency"],
            *content["receiving_agencies"],
            *(step["agency"] for step in process if step["agency"] is not None),
        ]
        agencies = {a.code: a for a in Agency.objects.filter(code__in=codes)}
        unknown = [code for code in codes if code not in agencies]
        if unknown:
            raise ServiceError(
                _("No agency has the code %(code)s.") % {"code": unknown[0]},
                field="competent_agency",
            )
        decision = content["announcing_decision"]
        levels, subjects, channels = content["levels"], content["subjects"], content["channels"]
        version = services.version_update(
            version=version,
            actor=actor,
            name=content["name"],
            field=_field_for(content, actor),
            at_province="tinh" in levels,
            at_district="huyen" in levels,
            at_commune="xa" in levels,
            for_citizens="citizens" in subjects,
            for_organisations="organisations" in subjects,
            competent_agency=agencies[content["competent_agency"]],
            receiving_agencies=[agencies[code] for code in content["receiving_agencies"]],
            online_level=content["online_level"],
            channel_counter="counter" in channels,
            channel_post="post" in channels,
            channel_online="online" in channels,
            conditions=content["conditions"],
            legal_basis=content["legal_basis"],
            result_document=content["result_document"],
            fee_note=content["fee_note"],
            announcing_decision_number=decision["number"],
            announcing_decision_date=(
                datetime.date.fromisoformat(decision["date"]) if decision["date"] else None
            ),
            retention_years=content["retention_years"],
            unverified=list(content["unverified"]),
            sources=content["sources"],
            form=content.get("form", {}),
        )
        components = []
        for component in content["components"]:
            row = {key: component[key] for key in ("name", "paper_form", "count", "mandatory")}
            row["note"] = component["note"]
            row["template"] = templates[component["template"]] if component["template"] else ""
            components.append(row)
        return services.version_parts_replace(
            version=version,
            actor=actor,
            time_options=[
                {
                    **option,
                    "cutoff": (
                        datetime.time.fromisoformat(option["cutoff"]) if option["cutoff"] else None
                    ),
                }
                for option in content["time_options"]
            ],
            fees=[dict(fee) for fee in content["fees"]],
            components=components,
            steps=[{"description": step} for step in content["steps"]],
            process_steps=[
                {
                    **step,
                    "at_receiving_agency": step["agency"] is None,
                    "agency": None if step["agency"] is None else agencies[step["agency"]],
                }
                for step in process
            ],
        )


def _write_item(plan: _Planned, actor: Any, templates: _Templates, stored: list[str]) -> str:
    """Publish the item's content as a new version; returns "created" or "updated"."""
    item = plan.normalized.item
    content = item["version"]
    procedure = plan.procedure
    if procedure is None:
        procedure = services.procedure_create(
            local_code=item["local_code"],
            national_code=item["national_code"],
            dvc_code=item["dvc_code"],
            actor=actor,
        )
        outcome = "created"
    else:
        procedure = services.procedure_update(
            procedure=procedure,
            actor=actor,
            national_code=item["national_code"],
            dvc_code=item["dvc_code"],
        )
        outcome = "updated"
    names: dict[str, str] = {}
    for ref in plan.normalized.templates:
        if ref is None:
            continue
        name = templates.stored_match(item["local_code"], ref)
        if name is None:
            name = _store_template(ref, templates.content(item["local_code"], ref), stored)
        names[ref.path] = name
    draft = procedure.versions.filter(status=VersionStatus.DRAFT).first()
    if draft is None:
        draft = services.version_create_draft(
            procedure=procedure,
            actor=actor,
            initial={
                "name": content["name"],
                "field": _field_for(content, actor),
                "competent_agency": Agency.objects.get(code=content["competent_agency"]),
            },
        )
    draft = version_apply_content(version=draft, content=content, actor=actor, templates=names)
    published = services.version_publish(version=draft, actor=actor)
    # The stored content must read back as the file's: otherwise importing the same file again
    # would publish again. Say which keys differ rather than leave a silent loop.
    if published.content_hash != plan.hash:
        stored_item = procedure_item(ProcedureVersion.objects.get(pk=published.pk))
        keys = sorted(
            key
            for key in {*stored_item["version"], *content}
            if stored_item["version"].get(key) != content.get(key)
        )
        keys += [key for key in ("national_code", "dvc_code") if stored_item[key] != item[key]]
        raise ServiceError(
            _("The stored content differs from the file in: %(keys)s.")
            % {"keys": ", ".join(keys) or "?"}
        )
    return outcome


# --- The entry point -----------------------------------------------------------------------


def procedures_import(*, data: bytes, filename: str, actor: Any) -> ImportReport:
    """Import a .json, .xlsx or .zip (bundle) file of procedures; all or nothing.

    `actor` must be allowed to publish (a province administrator or a superuser); None is the
    system (an operator's command), as in catalog.services.
    """
    report = ImportReport()
    if actor is not None and not can(actor, "procedure.publish", None):
        report.errors.append(
            (
                _file_label(),
                _("Only a province administrator may import procedures (importing publishes)."),
            )
        )
        return report
    source = _read_source(data, filename)
    report.errors.extend(source.errors)
    if source.locate is None:
        return report
    checker = _Checker(source)
    normalized: list[tuple[int, NormalizedItem]] = []
    first_index: dict[str, int] = {}
    for index, raw in enumerate(source.items, start=1):
        item, errors = item_normalize(_strip_missing(raw))
        for path, message in errors:
            checker.error(index, path, message)
        if item is None:
            continue
        first = first_index.setdefault(item.local_code, index)
        if first != index:
            checker.error(
                index,
                ("local_code",),
                _("the procedure %(code)s is already in item %(other)s.")
                % {"code": item.local_code, "other": first},
            )
            continue
        normalized.append((index, item))
    procedures = {
        p.local_code: p for p in Procedure.objects.filter(local_code__in=list(first_index))
    }
    published = dict(
        ProcedureVersion.objects.filter(
            status=VersionStatus.PUBLISHED, procedure__local_code__in=list(first_index)
        ).values_list("procedure__local_code", "content_hash")
    )
    planned = [
        _Planned(
            index=index,
            normalized=item,
            hash=content_hash(item.item),
            procedure=procedures.get(item.local_code),
            published_hash=published.get(item.local_code),
        )
        for index, item in normalized
    ]
    _check_classification(checker, planned)
    _check_agencies(checker, planned)
    templates = _Templates(source, planned)
    _check_templates(checker, planned, templates)
    report.errors.extend(checker.errors)
    if report.errors:
        return report
    if not any(plan.writes for plan in planned):
        report.unchanged = [plan.normalized.local_code for plan in planned]
        return report

    # The audit trail names the importing user even where no request or command has said so.
    context = (
        acting_as(Actor(user=actor, via="system"))
        if actor is not None and current_actor().user is None
        else contextlib.nullcontext()
    )
    stored: list[str] = []
    try:
        with context:
            _write_all(report, checker, planned, actor, templates, stored)
    finally:
        if report.errors:
            # Templates stored for a file that imported nothing are nobody's.
            for name in stored:
                default_storage.delete(name)
    return report


def _write_all(
    report: ImportReport,
    checker: _Checker,
    planned: list[_Planned],
    actor: Any,
    templates: _Templates,
    stored: list[str],
) -> None:
    outcome: dict[str, list[str]] = {"created": [], "updated": [], "unchanged": []}
    with transaction.atomic():
        for plan in planned:
            if not plan.writes:
                outcome["unchanged"].append(plan.normalized.local_code)
                continue
            try:
                with transaction.atomic():
                    result = _write_item(plan, actor, templates, stored)
            except ServiceError as error:
                checker.error(plan.index, (), str(error.message))
                continue
            except ValidationError as error:
                for message in _validation_messages(error):
                    checker.error(plan.index, (), message)
                continue
            outcome[result].append(plan.normalized.local_code)
        if checker.errors:
            report.errors.extend(checker.errors)
            transaction.set_rollback(True)
            return
    report.created = outcome["created"]
    report.updated = outcome["updated"]
    report.unchanged = outcome["unchanged"]


def _validation_messages(error: ValidationError) -> Iterable[str]:
    if hasattr(error, "error_dict"):
        for name, errors in error.message_dict.items():
            for message in errors:
                yield f"{name}: {message}"
    else:
        yield from error.messages
