"""A version's content as plain data: the exchange format and the basis of the content hash.

The same dictionary is what export writes, what import reads, and what `content_hash` hashes,
so "the content changed" means exactly "the exported JSON of this version changed".

Format (`FORMAT`), one item per procedure:

    {
      "local_code": "1.001193.000.00.00.H30", "national_code": "1.001193", "dvc_code": "",
      "version": {
        "name": "Đăng ký khai sinh",
        "sector": {"code": "TP", "name": "Tư pháp"},
        "field": {"code": "HT", "name": "Hộ tịch"},
        "levels": ["xa"],                              # agencies.Level values
        "subjects": ["citizens"],                      # "citizens", "organisations"
        "competent_agency": "000.03.21.H30",           # agency identifier codes
        "receiving_agencies": ["000.03.21.H30"],
        "online_level": 3,
        "channels": ["counter", "online"],             # "counter", "post", "online"
        "conditions": "", "legal_basis": "Luật Hộ tịch 2014\n...", "result_document": "...",
        "fee_note": "",
        "announcing_decision": {"number": "...", "date": "2019-07-01"},   # date may be null
        "retention_years": null,
        "time_options": [{"label": "", "duration": 0, "unit": "working_days",
                          "same_day": true, "cutoff": "15:00"}],          # cutoff may be null
        "fees": [{"name": "...", "amount": 0, "unit": "dossier", "cap": null, "conditions": ""}],
        "components": [{"name": "...", "paper_form": "original", "count": 1, "mandatory": true,
                        "template": "templates/<local_code>/1-to-khai.docx",   # "" if none
                        "template_sha256": "...", "note": ""}],
        "steps": ["Bước 1: ...", "Bước 2: ..."],
        "process": [{"name": "Tiếp nhận hồ sơ", "agency": null,    # null: the receiving agency
                     "role": "one_stop_officer", "duration": 4, "unit": "hours",
                     "may_return": false}],        # left out if the version has no process
        "unverified": ["fees"],                         # names of keys above not verified
        "sources": "...",
        "form": {"title": "...", "sections": [...]}     # catalog.formdefs; left out if none
      }
    }

Lists keep the version's order (position); keys are written sorted. A file holds
`procedures_document(items)`: {"format": FORMAT, "procedures": [items by local code]}.

Reading back: `item_normalize(raw)` checks an item from a file against this format (keys,
types, allowed values) and returns it in the exact form `procedure_item` writes, so that its
`content_hash` equals the stored version's exactly when importing it would change nothing.
"""

from __future__ import annotations

import datetime
import hashlib
import json
import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import SuspiciousFileOperation, ValidationError
from django.utils.text import get_valid_filename
from django.utils.translation import gettext as _

from dichvucong.agencies.models import Level
from dichvucong.agencies.worktime import DurationUnit

from .models import (
    LOCAL_CODE_PATTERN,
    NATIONAL_CODE_PATTERN,
    Component,
    Fee,
    Procedure,
    ProcedureVersion,
    ProcessRole,
)

_LOCAL_CODE_RE = re.compile(LOCAL_CODE_PATTERN)
_NATIONAL_CODE_RE = re.compile(NATIONAL_CODE_PATTERN)

FORMAT = "dichvucong.procedures/1"
# The name of the JSON document inside a bundle (a zip with the form templates beside it).
BUNDLE_DOCUMENT = "procedures.json"

# The allowed values of the list keys, in the order an item writes them.
LEVELS = tuple(level.value for level in Level)  # tinh, huyen, xa
SUBJECTS = ("citizens", "organisations")
CHANNELS = ("counter", "post", "online")


def template_bundle_path(*, procedure: Procedure, position: int, component: Component) -> str:
    """Where a component's template travels in a bundle: stable, readable, no user paths."""
    if not component.template:
        return ""
    base = component.template.name.rsplit("/", 1)[-1]
    return f"templates/{procedure.local_code}/{position}-{base}"


def _file_sha256(field_file) -> str:
    digest = hashlib.sha256()
    field_file.open("rb")
    try:
        for chunk in field_file.chunks():
            digest.update(chunk)
    finally:
        field_file.close()
    return digest.hexdigest()


def version_content(version: ProcedureVersion) -> dict[str, Any]:
    """The version's content in the exchange format (the item's "version" value).

    Reads the version's parts; prefetch `time_options`, `fees`, `components`, `steps` and
    `receiving_agencies` (and select `field__sector`, `competent_agency`, `procedure`) when
    calling it for many versions.
    """
    procedure = version.procedure
    decision_date = version.announcing_decision_date
    components = []
    for position, component in enumerate(version.components.all(), start=1):
        components.append(
            {
                "name": component.name,
                "paper_form": component.paper_form,
                "count": component.count,
                "mandatory": component.mandatory,
                "template": template_bundle_path(
                    procedure=procedure, position=position, component=component
                ),
                "template_sha256": _file_sha256(component.template) if component.template else "",
                "note": component.note,
            }
        )
    process = [
        {
            "name": step.name,
            "agency": None if step.at_receiving_agency else step.agency.code,
            "role": step.role,
            "duration": step.duration,
            "unit": step.unit,
            "may_return": step.may_return,
        }
        for step in version.process_steps.all()
    ]
    return {
        "name": version.name,
        "sector": {"code": version.field.sector.code, "name": version.field.sector.name},
        "field": {"code": version.field.code, "name": version.field.name},
        "levels": [str(level) for level in version.levels()],
        "subjects": [
            subject
            for on, subject in (
                (version.for_citizens, "citizens"),
                (version.for_organisations, "organisations"),
            )
            if on
        ],
        "competent_agency": version.competent_agency.code,
        "receiving_agencies": sorted(agency.code for agency in version.receiving_agencies.all()),
        "online_level": version.online_level,
        "channels": [
            channel
            for on, channel in (
                (version.channel_counter, "counter"),
                (version.channel_post, "post"),
                (version.channel_online, "online"),
            )
            if on
        ],
        "conditions": version.conditions,
        "legal_basis": version.legal_basis,
        "result_document": version.result_document,
        "fee_note": version.fee_note,
        "announcing_decision": {
            "number": version.announcing_decision_number,
            "date": decision_date.isoformat() if decision_date else None,
        },
        "retention_years": version.retention_years,
        "time_options": [
            {
                "label": option.label,
                "duration": option.duration,
                "unit": option.unit,
                "same_day": option.same_day,
                "cutoff": option.cutoff.strftime("%H:%M") if option.cutoff else None,
            }
            for option in version.time_options.all()
        ],
        "fees": [
            {
                "name": fee.name,
                "amount": fee.amount,
                "unit": fee.unit,
                "cap": fee.cap,
                "conditions": fee.conditions,
            }
            for fee in version.fees.all()
        ],
        "components": components,
        "steps": [step.description for step in version.steps.all()],
        # Left out when empty, so versions without a process keep their hash.
        **({"process": process} if process else {}),
        "unverified": sorted(version.unverified or []),
        "sources": version.sources,
        # Left out when empty (the generic application), so versions without one keep their hash.
        **({"form": version.form} if version.form else {}),
    }


def procedure_item(version: ProcedureVersion) -> dict[str, Any]:
    procedure = version.procedure
    return {
        "local_code": procedure.local_code,
        "national_code": procedure.national_code,
        "dvc_code": procedure.dvc_code,
        "version": version_content(version),
    }


def procedures_document(items: Iterable[dict[str, Any]]) -> dict[str, Any]:
    """The exchange document: the format's name and the items, by local code."""
    return {"format": FORMAT, "procedures": sorted(items, key=lambda item: item["local_code"])}


def canonical_json(data: Any) -> bytes:
    """Deterministic JSON: sorted keys, two-space indent, UTF-8 (Vietnamese stays readable),
    a final newline. Export → import → export gives the same bytes."""
    text = json.dumps(data, ensure_ascii=False, sort_keys=True, indent=2)
    return (text + "\n").encode("utf-8")


def content_hash(item: dict[str, Any]) -> str:
    """SHA-256 of a procedure item (codes + version content) in canonical JSON."""
    return hashlib.sha256(canonical_json(item)).hexdigest()


# --- Reading an item back ------------------------------------------------------------------
#
# `item_normalize` checks one item as read from a file (any JSON-like data) against the format
# and returns it in the exact form `procedure_item` writes: lists of levels, subjects and
# channels in their fixed order, agencies and unverified names sorted, the template path as an
# export would write it. So `content_hash(normalized)` equals the stored version's hash exactly
# when importing it would change nothing. Checks that need the database (agencies, sectors,
# template files) are catalog.importing's.

Path = tuple[str | int, ...]

_HEX64 = re.compile(r"\A[0-9a-f]{64}\Z")
_DATE = re.compile(r"\A[0-9]{4}-[0-9]{2}-[0-9]{2}\Z")
_TIME = re.compile(r"\A([0-9]{1,2}):([0-9]{2})(?::00)?\Z")
_INT_MAX = 2_147_483_647  # PositiveIntegerField on every backend
_BIGINT_MAX = 9_223_372_036_854_775_807
_SMALLINT_MAX = 32_767
# Template names stay short: the stored path (catalog/templates/imported/<hash>/<name>) must
# fit the file field's 255 characters.
TEMPLATE_NAME_MAX = 120
IMPORTED_TEMPLATE_DIR = "catalog/templates/imported"

ITEM_KEYS = ("local_code", "national_code", "dvc_code", "version")
VERSION_KEYS = (
    "name",
    "sector",
    "field",
    "levels",
    "subjects",
    "competent_agency",
    "receiving_agencies",
    "online_level",
    "channels",
    "conditions",
    "legal_basis",
    "result_document",
    "fee_note",
    "announcing_decision",
    "retention_years",
    "time_options",
    "fees",
    "components",
    "steps",
    "process",
    "unverified",
    "sources",
    "form",
)
# Keys an item may leave out, with the value they then take.
_VERSION_DEFAULTS: dict[str, Any] = {
    "receiving_agencies": [],
    "conditions": "",
    "legal_basis": "",
    "result_document": "",
    "fee_note": "",
    "announcing_decision": {"number": "", "date": None},
    "retention_years": None,
    "fees": [],
    "unverified": [],
    "sources": "",
    "form": {},
    "process": [],
}


@dataclass(frozen=True)
class TemplateRef:
    """A component's template as an item names it: where the file is and what it holds."""

    declared_path: str  # the path in the file read (a bundle entry)
    path: str  # the path an export of the stored version writes
    filename: str  # the stored file's name
    sha256: str

    @property
    def storage_name(self) -> str:
        # Content-addressed: the same file imported twice is stored once, under the same name.
        return f"{IMPORTED_TEMPLATE_DIR}/{self.sha256[:16]}/{self.filename}"


@dataclass
class NormalizedItem:
    item: dict[str, Any]
    templates: list[TemplateRef | None]  # one per component, in order

    @property
    def local_code(self) -> str:
        return self.item["local_code"]


class _Reader:
    """Walks one raw item, collecting (path, message) errors and building the normal form."""

    def __init__(self) -> None:
        self.errors: list[tuple[Path, str]] = []

    def error(self, path: Path, message: str) -> None:
        self.errors.append((path, message))

    def obj(self, value: Any, path: Path, keys: Iterable[str], required: Iterable[str]) -> bool:
        if not isinstance(value, dict):
            self.error(path, _("must be an object {…}."))
            return False
        allowed = tuple(keys)
        ok = True
        for key in sorted(set(value) - set(allowed), key=str):
            self.error(
                (*path, str(key)),
                _("unknown key; the allowed keys are: %(keys)s.") % {"keys": ", ".join(allowed)},
            )
            ok = False
        for key in required:
            if key not in value:
                self.error((*path, key), _("is required."))
                ok = False
        return ok

    def text(
        self, value: Any, path: Path, *, max_length: int | None = None, blank: bool = True
    ) -> str:
        if not isinstance(value, str):
            self.error(path, _("must be text."))
            return ""
        if not blank and not value.strip():
            self.error(path, _("must not be empty."))
        if max_length is not None and len(value) > max_length:
            self.error(path, _("is longer than %(max)s characters.") % {"max": max_length})
        if "\x00" in value:
            self.error(path, _("contains a NUL character."))
        return value

    def integer(
        self, value: Any, path: Path, *, minimum: int, maximum: int, nullable: bool = False
    ) -> int | None:
        if value is None and nullable:
            return None
        # bool is an int in Python, never in the format.
        if not isinstance(value, int) or isinstance(value, bool):
            self.error(path, _("must be a whole number."))
            return None
        if not minimum <= value <= maximum:
            self.error(
                path,
                _("must be between %(min)s and %(max)s.") % {"min": minimum, "max": maximum},
            )
        return value

    def boolean(self, value: Any, path: Path) -> bool:
        if not isinstance(value, bool):
            self.error(path, _("must be true or false."))
            return False
        return value

    def choices(self, value: Any, path: Path, allowed: tuple[str, ...]) -> list[str]:
        """A list of distinct values from `allowed`, returned in `allowed`'s order."""
        if not isinstance(value, list):
            self.error(path, _("must be a list […]."))
            return []
        seen: set[str] = set()
        for index, entry in enumerate(value, start=1):
            if entry not in allowed:
                self.error((*path, index), _not_one_of(entry, allowed))
            elif entry in seen:
                self.error((*path, index), _("“%(value)s” appears twice.") % {"value": entry})
            else:
                seen.add(entry)
        return [entry for entry in allowed if entry in seen]

    def choice(self, value: Any, path: Path, allowed: tuple[str, ...]) -> str:
        if value not in allowed or not isinstance(value, str):
            self.error(path, _not_one_of(value, allowed))
            return ""
        return value

    def text_list(self, value: Any, path: Path, *, max_length: int | None = None) -> list[str]:
        if not isinstance(value, list):
            self.error(path, _("must be a list […]."))
            return []
        return [
            self.text(entry, (*path, index), max_length=max_length, blank=False)
            for index, entry in enumerate(value, start=1)
        ]

    def items(self, value: Any, path: Path) -> list[tuple[int, Any]]:
        if not isinstance(value, list):
            self.error(path, _("must be a list […]."))
            return []
        return list(enumerate(value, start=1))


def _not_one_of(value: Any, allowed: tuple[str, ...]) -> str:
    return _("“%(value)s” is not one of: %(allowed)s.") % {
        "value": value,
        "allowed": ", ".join(allowed),
    }


def item_normalize(raw: Any) -> tuple[NormalizedItem | None, list[tuple[Path, str]]]:
    """Check a raw item against the format; return it normalized, or None and the errors.

    Each error is (path, message): the path names the offending value (("version", "fees",
    2, "amount"): the second fee's amount, counted from 1), the message says what is wrong,
    in the active language.
    """
    reader = _Reader()
    if not reader.obj(raw, (), ITEM_KEYS, ("local_code", "version")):
        return None, reader.errors
    local_code = reader.text(raw["local_code"], ("local_code",), blank=False)
    if local_code and not _LOCAL_CODE_RE.match(local_code):
        reader.error(
            ("local_code",),
            _("may contain only letters, digits, dots and hyphens, at most 80 characters."),
        )
    national_code = reader.text(raw.get("national_code", ""), ("national_code",))
    if national_code and not _NATIONAL_CODE_RE.match(national_code):
        reader.error(
            ("national_code",),
            _(
                "“%(value)s” is not a national procedure code (1.001193: a digit, a dot, six digits)."
            )
            % {"value": national_code},
        )
    dvc_code = reader.text(raw.get("dvc_code", ""), ("dvc_code",), max_length=80)

    version, templates = _version_normalize(reader, raw["version"], local_code)
    if reader.errors:
        return None, reader.errors
    item = {
        "local_code": local_code,
        "national_code": national_code,
        "dvc_code": dvc_code,
        "version": version,
    }
    return NormalizedItem(item=item, templates=templates), []


def _version_normalize(
    reader: _Reader, raw: Any, local_code: str
) -> tuple[dict[str, Any], list[TemplateRef | None]]:
    path: Path = ("version",)
    required = [key for key in VERSION_KEYS if key not in _VERSION_DEFAULTS]
    if not reader.obj(raw, path, VERSION_KEYS, required):
        return {}, []
    raw = {**_VERSION_DEFAULTS, **raw}

    def at(*keys: str | int) -> Path:
        return (*path, *keys)

    def code_and_name(key: str) -> dict[str, str]:
        value = raw[key]
        if not reader.obj(value, at(key), ("code", "name"), ("code", "name")):
            return {"code": "", "name": ""}
        return {
            "code": reader.text(value["code"], at(key, "code"), max_length=30, blank=False),
            "name": reader.text(value["name"], at(key, "name"), max_length=255, blank=False),
        }

    decision = {"number": "", "date": None}
    raw_decision = raw["announcing_decision"]
    if reader.obj(raw_decision, at("announcing_decision"), ("number", "date"), ()):
        decision["number"] = reader.text(
            raw_decision.get("number", ""), at("announcing_decision", "number"), max_length=100
        )
        decision["date"] = _date(
            reader, raw_decision.get("date"), at("announcing_decision", "date")
        )

    competent = reader.text(raw["competent_agency"], at("competent_agency"), blank=False)
    receiving = reader.text_list(raw["receiving_agencies"], at("receiving_agencies"))
    for index, code in enumerate(receiving, start=1):
        if receiving.index(code) != index - 1:
            reader.error(
                at("receiving_agencies", index), _("“%(value)s” appears twice.") % {"value": code}
            )
    unverified = reader.text_list(raw["unverified"], at("unverified"), max_length=100)
    for index, name in enumerate(unverified, start=1):
        if name != name.strip() or ";" in name:
            reader.error(
                at("unverified", index),
                _("a name without surrounding spaces or “;”, such as “fees”."),
            )

    components, templates = _components(reader, raw["components"], at("components"), local_code)
    version = {
        "name": reader.text(raw["name"], at("name"), max_length=500, blank=False),
        "sector": code_and_name("sector"),
        "field": code_and_name("field"),
        "levels": reader.choices(raw["levels"], at("levels"), LEVELS),
        "subjects": reader.choices(raw["subjects"], at("subjects"), SUBJECTS),
        "competent_agency": competent,
        "receiving_agencies": sorted(set(receiving)),
        "online_level": reader.integer(
            raw["online_level"], at("online_level"), minimum=1, maximum=4
        ),
        "channels": reader.choices(raw["channels"], at("channels"), CHANNELS),
        "conditions": reader.text(raw["conditions"], at("conditions")),
        "legal_basis": reader.text(raw["legal_basis"], at("legal_basis")),
        "result_document": reader.text(raw["result_document"], at("result_document")),
        "fee_note": reader.text(raw["fee_note"], at("fee_note")),
        "announcing_decision": decision,
        "retention_years": reader.integer(
            raw["retention_years"],
            at("retention_years"),
            minimum=0,
            maximum=_SMALLINT_MAX,
            nullable=True,
        ),
        "time_options": _time_options(reader, raw["time_options"], at("time_options")),
        "fees": _fees(reader, raw["fees"], at("fees")),
        "components": components,
        "steps": reader.text_list(raw["steps"], at("steps")),
        "unverified": sorted(set(unverified)),
        "sources": reader.text(raw["sources"], at("sources")),
    }
    process = _process(reader, raw["process"], at("process"))
    if process:
        version["process"] = process
    form = _form(reader, raw["form"], at("form"), components)
    if form:
        version["form"] = form
    return version, templates


def _form(reader: _Reader, value: Any, path: Path, components: list[dict[str, Any]]) -> dict:
    """The form definition as given, if catalog.formdefs accepts it for these components."""
    from .formdefs import validate_definition  # formdefs builds on this module's models only

    try:
        validate_definition(value, components=[(c["name"], c["mandatory"]) for c in components])
    except ValidationError as error:
        for message in error.messages:
            reader.error(path, message)
        return {}
    return json.loads(json.dumps(value)) if value else {}


def _date(reader: _Reader, value: Any, path: Path) -> str | None:
    if value is None:
        return None
    if isinstance(value, str) and _DATE.match(value):
        try:
            return datetime.date.fromisoformat(value).isoformat()
        except ValueError:
            pass
    reader.error(path, _("must be a date in the form YYYY-MM-DD, or null."))
    return None


def _time(reader: _Reader, value: Any, path: Path) -> str | None:
    if value is None:
        return None
    match = _TIME.match(value) if isinstance(value, str) else None
    if match and int(match[1]) < 24 and int(match[2]) < 60:
        return f"{int(match[1]):02d}:{match[2]}"
    reader.error(path, _("must be a time in the form HH:MM, or null."))
    return None


def _time_options(reader: _Reader, value: Any, path: Path) -> list[dict[str, Any]]:
    keys = ("label", "duration", "unit", "same_day", "cutoff")
    units = tuple(unit.value for unit in DurationUnit)
    options = []
    for index, raw in reader.items(value, path):
        at = (*path, index)
        if not reader.obj(raw, at, keys, ("duration", "unit", "same_day")):
            continue
        option = {
            "label": reader.text(raw.get("label", ""), (*at, "label"), max_length=300),
            "duration": reader.integer(
                raw["duration"], (*at, "duration"), minimum=0, maximum=_INT_MAX
            ),
            "unit": reader.choice(raw["unit"], (*at, "unit"), units),
            "same_day": reader.boolean(raw["same_day"], (*at, "same_day")),
            "cutoff": _time(reader, raw.get("cutoff"), (*at, "cutoff")),
        }
        if option["duration"] == 0 and not option["same_day"]:
            reader.error(
                (*at, "duration"), _("a processing time is either same-day or longer than zero.")
            )
        options.append(option)
    return options


def _process(reader: _Reader, value: Any, path: Path) -> list[dict[str, Any]]:
    keys = ("name", "agency", "role", "duration", "unit", "may_return")
    units = tuple(unit.value for unit in DurationUnit)
    steps = []
    for index, raw in reader.items(value, path):
        at = (*path, index)
        if not reader.obj(raw, at, keys, ("name", "role", "duration", "unit")):
            continue
        agency = raw.get("agency")
        steps.append(
            {
                "name": reader.text(raw["name"], (*at, "name"), max_length=300, blank=False),
                # null (or empty, as a spreadsheet cell reads): the receiving agency; else an
                # agency's code, which importing checks.
                "agency": None if agency in (None, "") else reader.text(agency, (*at, "agency")),
                "role": reader.choice(raw["role"], (*at, "role"), tuple(ProcessRole.values)),
                "duration": reader.integer(
                    raw["duration"], (*at, "duration"), minimum=1, maximum=_INT_MAX
                ),
                "unit": reader.choice(raw["unit"], (*at, "unit"), units),
                "may_return": reader.boolean(raw.get("may_return", False), (*at, "may_return")),
            }
        )
    return steps


def _fees(reader: _Reader, value: Any, path: Path) -> list[dict[str, Any]]:
    keys = ("name", "amount", "unit", "cap", "conditions")
    units = tuple(Fee.Unit.values)
    fees = []
    for index, raw in reader.items(value, path):
        at = (*path, index)
        if not reader.obj(raw, at, keys, ("name", "amount", "unit")):
            continue
        fees.append(
            {
                "name": reader.text(raw["name"], (*at, "name"), max_length=300, blank=False),
                "amount": reader.integer(
                    raw["amount"], (*at, "amount"), minimum=0, maximum=_BIGINT_MAX
                ),
                "unit": reader.choice(raw["unit"], (*at, "unit"), units),
                "cap": reader.integer(
                    raw.get("cap"), (*at, "cap"), minimum=0, maximum=_BIGINT_MAX, nullable=True
                ),
                "conditions": reader.text(raw.get("conditions", ""), (*at, "conditions")),
            }
        )
    return fees


def _components(
    reader: _Reader, value: Any, path: Path, local_code: str
) -> tuple[list[dict[str, Any]], list[TemplateRef | None]]:
    keys = ("name", "paper_form", "count", "mandatory", "template", "template_sha256", "note")
    forms = tuple(Component.PaperForm.values)
    components, templates = [], []
    for index, raw in reader.items(value, path):
        at = (*path, index)
        if not reader.obj(raw, at, keys, ("name", "paper_form", "count", "mandatory")):
            continue
        template = _template(
            reader,
            raw.get("template", ""),
            raw.get("template_sha256", ""),
            at,
            local_code=local_code,
            position=index,
        )
        components.append(
            {
                "name": reader.text(raw["name"], (*at, "name"), blank=False),
                "paper_form": reader.choice(raw["paper_form"], (*at, "paper_form"), forms),
                "count": reader.integer(raw["count"], (*at, "count"), minimum=1, maximum=99),
                "mandatory": reader.boolean(raw["mandatory"], (*at, "mandatory")),
                "template": template.path if template else "",
                "template_sha256": template.sha256 if template else "",
                "note": reader.text(raw.get("note", ""), (*at, "note")),
            }
        )
        templates.append(template)
    return components, templates


def _template(
    reader: _Reader, declared: Any, sha256: Any, at: Path, *, local_code: str, position: int
) -> TemplateRef | None:
    declared = reader.text(declared, (*at, "template"), max_length=255)
    sha256 = reader.text(sha256, (*at, "template_sha256"))
    if not declared and not sha256:
        return None
    if not declared or not _HEX64.match(sha256):
        reader.error(
            (*at, "template_sha256"),
            _(
                "a template needs its SHA-256 (64 lower-case hexadecimal digits), and a "
                "SHA-256 needs a template."
            ),
        )
        return None
    parts = declared.split("/")
    if "\\" in declared or declared.startswith("/") or any(p in ("", ".", "..") for p in parts):
        reader.error(
            (*at, "template"),
            _(
                "must be a relative path inside the bundle, such as templates/1.001193/1-to-khai.docx."
            ),
        )
        return None
    directory, base = "/".join(parts[:-1]), parts[-1]
    # An exported path carries the position as a prefix; drop it so it is not added twice.
    prefix = f"{position}-"
    if directory == f"templates/{local_code}" and base.startswith(prefix) and base != prefix:
        base = base[len(prefix) :]
    try:
        filename = get_valid_filename(base)
    except SuspiciousFileOperation:
        filename = ""
    if not filename or len(filename) > TEMPLATE_NAME_MAX:
        reader.error(
            (*at, "template"),
            _("the file name must have 1 to %(max)s characters.") % {"max": TEMPLATE_NAME_MAX},
        )
        return None
    return TemplateRef(
        declared_path=declared,
        path=f"templates/{local_code}/{position}-{filename}",
        filename=filename,
        sha256=sha256,
    )
