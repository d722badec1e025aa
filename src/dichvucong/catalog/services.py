"""Writes of the procedure catalogue: sectors, fields, procedures, versions and their parts.

Every service is keyword-only, runs in one transaction, records the change in the audit trail
and refuses — changing nothing — with a `ServiceError` (a rule of the catalogue), a Django
`ValidationError` (a field's own rules, from `full_clean`) or `ActionNotAllowed` (the actor's
rights). Versions and their parts are audited in the chain of the competent agency (its code);
sectors, fields and procedures, which no single agency owns, in the province's.

Only a draft version is edited; publishing freezes it. Every write of a version, of its parts,
of its procedure's codes or of its field and sector keeps the derived columns in step
(`version_refresh_derived`: the folded search columns and the content hash).

`actor` is the user acting (rights checked with `accounts.permissions.can`: agency admins draft
for their agencies, province admins draft anything and publish), or None for the system — an
operator's management command run on the server, which already holds the database.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.core.files.base import File
from django.db import transaction
from django.db.models import Max, Model
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from dichvucong.accounts.permissions import can
from dichvucong.agencies.models import Agency
from dichvucong.agencies.worktime import WORKING_DAY_HOURS, DurationUnit
from dichvucong.core.audit import audit_change, audited_create, audited_update, snapshot
from dichvucong.core.constants import PROVINCE_SCOPE
from dichvucong.core.errors import ServiceError
from dichvucong.core.text import fold

from .cache import catalogue_changed
from .content import content_hash as compute_content_hash
from .content import procedure_item
from .labels import VERSION_LABELS
from .models import (
    Component,
    Fee,
    Field,
    OnlineLevel,
    Procedure,
    ProcedureVersion,
    ProcessStep,
    Sector,
    Step,
    TimeOption,
    VersionStatus,
)


class ActionNotAllowed(ServiceError, PermissionDenied):
    """The actor may not do this (a 403 where it is not caught, a message where it is)."""

    default_code = "permission_denied"


# What version_update may change; the rest is bookkeeping (status, number, published_*) or
# derived (search_*, content_hash).
VERSION_EDITABLE = frozenset(
    {
        "name",
        "field",
        "at_province",
        "at_district",
        "at_commune",
        "for_citizens",
        "for_organisations",
        "competent_agency",
        "receiving_agencies",
        "online_level",
        "channel_counter",
        "channel_post",
        "channel_online",
        "conditions",
        "legal_basis",
        "result_document",
        "fee_note",
        "announcing_decision_number",
        "announcing_decision_date",
        "retention_years",
        "unverified",
        "sources",
        "form",
    }
)
# Copied into a new draft from the version it starts from.
_VERSION_COPIED = VERSION_EDITABLE - {"receiving_agencies"}

PART_EDITABLE: dict[type[Model], frozenset[str]] = {
    TimeOption: frozenset({"position", "label", "duration", "unit", "same_day", "cutoff"}),
    Fee: frozenset({"position", "name", "amount", "unit", "cap", "conditions"}),
    Component: frozenset(
        {"position", "name", "paper_form", "count", "mandatory", "template", "note"}
    ),
    Step: frozenset({"position", "description"}),
    ProcessStep: frozenset(
        {"position", "name", "at_receiving_agency", "agency", "role", "duration", "unit"}
        | {"may_return"}
    ),
}
# The related names of the parts on a version, in the order they are shown and recorded.
PART_RELATIONS: dict[str, type[Model]] = {
    "time_options": TimeOption,
    "fees": Fee,
    "components": Component,
    "steps": Step,
    "process_steps": ProcessStep,
}
_PART_ACTION = {
    TimeOption: "time_option",
    Fee: "fee",
    Component: "component",
    Step: "step",
    ProcessStep: "process_step",
}

# Form templates people download: office documents and PDFs only, checked by their first
# bytes as well as their name, and not larger than this (settings.DVC_TEMPLATE_MAX_BYTES).
TEMPLATE_MAX_BYTES_DEFAULT = 10 * 1024 * 1024
_ZIP, _OLE, _PDF = b"PK\x03\x04", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", b"%PDF-"
TEMPLATE_SIGNATURES = {
    "pdf": (_PDF,),
    "doc": (_OLE,),
    "xls": (_OLE,),
    "docx": (_ZIP,),
    "xlsx": (_ZIP,),
    "odt": (_ZIP,),
    "ods": (_ZIP,),
}

CLASSIFICATION_PROVINCE_ONLY = _("Only a province administrator may change sectors and fields.")
NOT_A_DRAFT = _("A published version cannot be edited; create a new draft.")


def _check_fields(data: Mapping[str, Any], allowed: frozenset[str]) -> None:
    unknown = sorted(set(data) - allowed)
    if unknown:
        # A programming error, not user input: interfaces pass only the fields they show.
        raise ValueError(f"Fields that cannot be changed here: {', '.join(unknown)}")


def _require(actor: Any, action: str, agency: Agency | None, message: Any = None) -> None:
    if actor is None:  # the system: see the module's docstring
        return
    if can(actor, action, agency):
        return
    if message is None:
        if action == "procedure.publish":
            message = _("Only a province administrator may publish a procedure.")
        elif agency is None:
            message = _("You may not draft procedures.")
        else:
            message = _("You may not draft the procedures of %(agency)s.") % {"agency": agency.name}
    raise ActionNotAllowed(message)


def _user(actor: Any):
    return actor if actor is not None and getattr(actor, "pk", None) else None


def _scope(version: ProcedureVersion) -> str:
    return version.competent_agency.code


def _lock_version(version: ProcedureVersion) -> ProcedureVersion:
    return ProcedureVersion.objects.select_for_update().get(pk=version.pk)


def _lock_draft(version: ProcedureVersion) -> ProcedureVersion:
    locked = _lock_version(version)
    if locked.status != VersionStatus.DRAFT:
        raise ServiceError(NOT_A_DRAFT, code="not_draft")
    return locked


def _version_fields() -> list[str]:
    return [f.name for f in ProcedureVersion._meta.concrete_fields] + ["receiving_agencies"]


def _version_snapshot(version: ProcedureVersion) -> dict[str, Any]:
    return snapshot(version, _version_fields())


def _version_record(version: ProcedureVersion) -> dict[str, Any]:
    """The version with all its parts: what a draft was created with, or what a discard lost."""
    record = _version_snapshot(version)
    for relation in PART_RELATIONS:
        record[relation] = [snapshot(part) for part in getattr(version, relation).all()]
    return record


# --- Derived columns -----------------------------------------------------------------------


def version_search_columns(version: ProcedureVersion) -> dict[str, str]:
    """search_name = fold(name); search_text = fold(name, field, sector, national and local
    codes), as catalog.selectors searches them."""
    field = version.field
    procedure = version.procedure
    text = " ".join(
        [
            version.name,
            field.name,
            field.sector.name,
            procedure.national_code,
            procedure.local_code,
        ]
    )
    return {"search_name": fold(version.name), "search_text": fold(text)}


def version_refresh_derived(version: ProcedureVersion) -> ProcedureVersion:
    """Recompute the folded search columns and the content hash, and save them if they moved.

    Called by every write of a version or of its parts, inside that write's transaction.
    """
    derived = {
        **version_search_columns(version),
        "content_hash": compute_content_hash(procedure_item(version)),
    }
    changed = [name for name, value in derived.items() if getattr(version, name) != value]
    for name in changed:
        setattr(version, name, derived[name])
    if changed:
        version.save(update_fields=changed)
        if version.status != VersionStatus.DRAFT:
            catalogue_changed()  # what the public search finds has moved
    return version


def _refresh_versions(versions: Iterable[ProcedureVersion]) -> None:
    for version in versions:
        version_refresh_derived(version)


def _versions_for_refresh(**filters):
    return (
        ProcedureVersion.objects.filter(**filters)
        .select_related("procedure", "field__sector", "competent_agency")
        .prefetch_related(*PART_RELATIONS, "receiving_agencies")
        .order_by("pk")
    )


# --- Sectors and fields --------------------------------------------------------------------


def sector_create(*, code: str, name: str, actor: Any) -> Sector:
    _require(actor, "procedure.publish", None, CLASSIFICATION_PROVINCE_ONLY)
    sector = Sector(code=code, name=name)
    return audited_create(sector, action="catalog.sector.create", actor=actor)


def sector_update(*, sector: Sector, actor: Any, **fields: Any) -> Sector:
    _check_fields(fields, frozenset({"code", "name"}))
    _require(actor, "procedure.publish", None, CLASSIFICATION_PROVINCE_ONLY)
    with transaction.atomic():
        locked, changed = audited_update(
            sector, data=fields, action="catalog.sector.update", actor=actor
        )
        if changed:
            # The sector's name and code are part of every version's content and search text.
            _refresh_versions(_versions_for_refresh(field__sector=locked))
    return locked


def field_create(*, code: str, name: str, sector: Sector, actor: Any) -> Field:
    _require(actor, "procedure.publish", None, CLASSIFICATION_PROVINCE_ONLY)
    field = Field(code=code, name=name, sector=sector)
    return audited_create(field, action="catalog.field.create", actor=actor)


def field_update(*, field: Field, actor: Any, **fields: Any) -> Field:
    _check_fields(fields, frozenset({"code", "name", "sector"}))
    _require(actor, "procedure.publish", None, CLASSIFICATION_PROVINCE_ONLY)
    with transaction.atomic():
        locked, changed = audited_update(
            field, data=fields, action="catalog.field.update", actor=actor
        )
        if changed:
            _refresh_versions(_versions_for_refresh(field=locked))
    return locked


# --- Procedures ----------------------------------------------------------------------------


def procedure_create(
    *, local_code: str, national_code: str = "", dvc_code: str = "", actor: Any
) -> Procedure:
    """A new procedure without versions; `version_create_draft(initial=...)` gives it its first."""
    _require(actor, "procedure.draft", None)
    procedure = Procedure(local_code=local_code, national_code=national_code, dvc_code=dvc_code)
    return audited_create(
        procedure, action="catalog.procedure.create", scope=PROVINCE_SCOPE, actor=actor
    )


def procedure_agency(procedure: Procedure) -> Agency | None:
    """The agency that answers for a procedure: the competent agency of its newest version."""
    latest = procedure.versions.select_related("competent_agency").order_by("-number").first()
    return latest.competent_agency if latest else None


def procedure_update(
    *,
    procedure: Procedure,
    actor: Any,
    national_code: str | None = None,
    dvc_code: str | None = None,
) -> Procedure:
    """Change the national or DVC code (the local code is the URL key and never changes).

    The codes are part of every version's content and search text, so those are recomputed.
    """
    data = {
        name: value
        for name, value in (("national_code", national_code), ("dvc_code", dvc_code))
        if value is not None
    }
    with transaction.atomic():
        locked = Procedure.objects.select_for_update().get(pk=procedure.pk)
        _require(actor, "procedure.draft", procedure_agency(locked))
        before = snapshot(locked)
        changed = [name for name, value in data.items() if getattr(locked, name) != value]
        if not changed:
            return locked
        for name in changed:
            setattr(locked, name, data[name])
        locked.full_clean()
        locked.save(update_fields=changed)
        audit_change(
            action="catalog.procedure.update",
            instance=locked,
            before=before,
            after=snapshot(locked),
            scope=PROVINCE_SCOPE,
            actor=actor,
        )
        _refresh_versions(_versions_for_refresh(procedure=locked))
    return locked


# --- Versions ------------------------------------------------------------------------------


def version_create_draft(
    *,
    procedure: Procedure,
    actor: Any,
    from_version: ProcedureVersion | None = None,
    initial: Mapping[str, Any] | None = None,
) -> ProcedureVersion:
    """A new draft numbered after the highest, copying every part of `from_version` (default:
    the published version). With nothing to copy, `initial` must give at least `name`,
    `field` and `competent_agency`; otherwise `initial` overrides the copied values.

    Refuses while the procedure has a draft: one draft at a time.
    """
    initial = dict(initial or {})
    _check_fields(initial, VERSION_EDITABLE)
    with transaction.atomic():
        # The procedure's row serialises drafting and publishing of its versions.
        procedure = Procedure.objects.select_for_update().get(pk=procedure.pk)
        draft = procedure.versions.filter(status=VersionStatus.DRAFT).first()
        if draft is not None:
            raise ServiceError(
                _(
                    "This procedure already has a draft (version %(number)s): edit it, or "
                    "discard it before creating another."
                )
                % {"number": draft.number},
                code="draft_exists",
            )
        source = from_version
        if source is None:
            source = procedure.versions.filter(status=VersionStatus.PUBLISHED).first()
        elif source.procedure_id != procedure.pk:
            raise ValueError("from_version belongs to another procedure.")
        if source is not None:
            source = (
                ProcedureVersion.objects.select_related("competent_agency")
                .prefetch_related(*PART_RELATIONS, "receiving_agencies")
                .get(pk=source.pk)
            )
            _require(actor, "procedure.draft", source.competent_agency)

        number = (procedure.versions.aggregate(highest=Max("number"))["highest"] or 0) + 1
        draft = ProcedureVersion(procedure=procedure, number=number, status=VersionStatus.DRAFT)
        if source is not None:
            for name in _VERSION_COPIED:
                setattr(draft, name, getattr(source, name))
            draft.unverified = list(source.unverified or [])
        receiving = initial.pop("receiving_agencies", None)
        if receiving is None and source is not None:
            receiving = list(source.receiving_agencies.all())
        for name, value in initial.items():
            setattr(draft, name, value)
        if draft.competent_agency_id is None:
            raise ServiceError(
                _("Choose the competent agency of the procedure."), field="competent_agency"
            )
        _require(actor, "procedure.draft", draft.competent_agency)
        draft.full_clean()
        draft.save(force_insert=True)
        if receiving:
            draft.receiving_agencies.set(receiving)
        if source is not None:
            _copy_parts(source=source, draft=draft)
        version_refresh_derived(draft)
        after = _version_record(draft)
        after["copied_from"] = source.number if source is not None else None
        audit_change(
            action="catalog.version.create_draft",
            instance=draft,
            before=None,
            after=after,
            scope=_scope(draft),
            actor=actor,
        )
    return draft


def _copy_parts(*, source: ProcedureVersion, draft: ProcedureVersion) -> None:
    for relation, model in PART_RELATIONS.items():
        names = sorted(PART_EDITABLE[model])
        copies = []
        for part in getattr(source, relation).all():
            copy = model(version=draft, **{name: getattr(part, name) for name in names})
            if model is Component:
                # The same stored file: a template is never rewritten, only replaced.
                copy.template = part.template.name
            copies.append(copy)
        model.objects.bulk_create(copies)


def version_update(*, version: ProcedureVersion, actor: Any, **fields: Any) -> ProcedureVersion:
    """Change a draft's own fields (`VERSION_EDITABLE`; `receiving_agencies` a list of agencies)."""
    _check_fields(fields, VERSION_EDITABLE)
    with transaction.atomic():
        locked = _lock_draft(version)
        _require(actor, "procedure.draft", locked.competent_agency)
        before = _version_snapshot(locked)
        receiving = fields.pop("receiving_agencies", None)
        changed = [name for name, value in fields.items() if getattr(locked, name) != value]
        for name in changed:
            setattr(locked, name, fields[name])
        if "competent_agency" in changed:
            _require(actor, "procedure.draft", locked.competent_agency)
        if changed:
            locked.full_clean()
            locked.save(update_fields=[*changed, "updated_at"])
        if "name" in changed:
            VERSION_LABELS.forget([locked.pk])
        if receiving is not None:
            locked.receiving_agencies.set(receiving)
        after = _version_snapshot(locked)
        if after == before:
            return locked
        version_refresh_derived(locked)
        audit_change(
            action="catalog.version.update",
            instance=locked,
            before=before,
            after=_version_snapshot(locked),
            scope=_scope(locked),
            actor=actor,
        )
    return locked


def version_missing_parts(version: ProcedureVersion) -> list[str]:
    """What keeps the version from being published, in words (empty: complete).

    The seven parts domain.md R22 (Decision 766, indicator 1.3) requires — name, steps,
    channels, dossier components with their number of copies, processing time, subjects,
    competent agency (one in force) — and, the portal's own judgement: at least one
    administrative level, at least one receiving agency (every channel needs a desk to file
    at), and the online channel for online levels 3 and 4 (they are online filing). Fees may
    be zero and forms and legal basis are shown when given; they do not block publishing.
    """
    missing: list[str] = []
    if not version.name.strip():
        missing.append(gettext("the name"))
    if not any(step.description.strip() for step in version.steps.all()):
        missing.append(gettext("the steps"))
    if not (version.channel_counter or version.channel_post or version.channel_online):
        missing.append(gettext("the channels (at the desk, by post or online)"))
    components = list(version.components.all())
    if not components or any(component.count < 1 for component in components):
        missing.append(gettext("the dossier components with their number of copies"))
    if not version.time_options.exists():
        missing.append(gettext("a processing time"))
    if not (version.for_citizens or version.for_organisations):
        missing.append(gettext("the subjects (citizens or organisations)"))
    if not version.competent_agency.is_active_on(timezone.localdate()):
        missing.append(gettext("a competent agency in operation"))
    if not version.levels():
        missing.append(gettext("the administrative level"))
    if not version.receiving_agencies.exists():
        missing.append(gettext("a receiving agency (one-stop desk)"))
    if version.online_level >= OnlineLevel.PARTIAL and not version.channel_online:
        missing.append(
            gettext("the online channel, which online level %(level)s requires")
            % {"level": version.online_level}
        )
    return missing


# Process budgets (issue 5): a working day is agencies.worktime.WORKING_DAY_HOURS;
# for the warning on calendar-time procedures a month counts as 30 days, and a working day or
# 8 working hours as at least one calendar day.
_DAYS_PER_MONTH = 30
_WORKING_UNITS = frozenset({DurationUnit.HOURS.value, DurationUnit.WORKING_DAYS.value})


def _process_reference(version: ProcedureVersion) -> TimeOption | None:
    # The first time option is the procedure's normal case; later ones are longer cases (for
    # example "if verification is needed"), which a process fitting the first also fits.
    return version.time_options.order_by("position", "id").first()


def version_process_problems(version: ProcedureVersion) -> tuple[list[str], list[str]]:
    """(errors, warnings) about the process steps' time budgets against the procedure's time.

    Checked against the first time option. In working hours or working days the budgets'
    sum may not exceed it (errors: publishing refuses); in calendar days or months it can only
    be estimated, so an excess is a warning. No process steps: nothing to check.
    """
    steps = list(version.process_steps.all())
    option = _process_reference(version)
    if not steps or option is None:
        return [], []
    if option.unit in _WORKING_UNITS:
        if option.same_day:
            limit = WORKING_DAY_HOURS
        elif option.unit == DurationUnit.WORKING_DAYS.value:
            limit = option.duration * WORKING_DAY_HOURS
        else:
            limit = option.duration
        if any(step.unit not in _WORKING_UNITS for step in steps):
            return [
                gettext(
                    "The procedure's time is counted in working time, so every process step's "
                    "budget must be in working hours or working days."
                )
            ], []
        total = sum(
            step.duration * (WORKING_DAY_HOURS if step.unit != DurationUnit.HOURS else 1)
            for step in steps
        )
        if total > limit:
            return [
                gettext(
                    "The process steps take %(total)s working hours in all, more than the "
                    "procedure's time of %(limit)s working hours."
                )
                % {"total": total, "limit": limit}
            ], []
        return [], []
    limit = option.duration * (_DAYS_PER_MONTH if option.unit == DurationUnit.MONTHS else 1)
    total = 0.0
    for step in steps:
        if step.unit == DurationUnit.MONTHS:
            total += step.duration * _DAYS_PER_MONTH
        elif step.unit == DurationUnit.HOURS:
            total += step.duration / WORKING_DAY_HOURS
        else:
            total += step.duration
    if total > limit:
        return [], [
            gettext(
                "The process steps take at least %(total)s days in all, more than the "
                "procedure's time of %(limit)s days; check the budgets."
            )
            % {"total": f"{total:g}", "limit": limit}
        ]
    return [], []


def version_publish_warnings(version: ProcedureVersion) -> list[str]:
    """What publishing does not refuse but the publisher should read (calendar-time budgets)."""
    return version_process_problems(version)[1]


def version_publish(*, version: ProcedureVersion, actor: Any) -> ProcedureVersion:
    """Publish a complete draft; the version published before it becomes superseded."""
    with transaction.atomic():
        # Locking the procedure first: two publishes (or a publish and a new draft) of the
        # same procedure run one after the other.
        procedure = Procedure.objects.select_for_update().get(pk=version.procedure_id)
        locked = _lock_version(version)
        _require(actor, "procedure.publish", locked.competent_agency)
        if locked.status != VersionStatus.DRAFT:
            raise ServiceError(
                _("Only a draft can be published; this version is already %(status)s.")
                % {"status": locked.get_status_display().lower()},
                code="not_draft",
            )
        missing = version_missing_parts(locked)
        if missing:
            raise ServiceError(
                _("This version cannot be published yet. Missing: %(parts)s.")
                % {"parts": "; ".join(missing)},
                code="incomplete",
            )
        errors, _warnings = version_process_problems(locked)
        if errors:
            raise ServiceError(
                _("This version cannot be published: %(problems)s")
                % {"problems": " ".join(errors)},
                code="process_budget",
            )
        now = timezone.now()
        previous = (
            procedure.versions.select_for_update().filter(status=VersionStatus.PUBLISHED).first()
        )
        if previous is not None:
            before = _version_snapshot(previous)
            previous.status = VersionStatus.SUPERSEDED
            previous.save(update_fields=["status", "updated_at"])
            audit_change(
                action="catalog.version.supersede",
                instance=previous,
                before=before,
                after=_version_snapshot(previous),
                scope=previous.competent_agency.code,
                actor=actor,
            )
        version_refresh_derived(locked)
        before = _version_snapshot(locked)
        locked.status = VersionStatus.PUBLISHED
        locked.published_at = now
        locked.published_by = _user(actor)
        locked.save(update_fields=["status", "published_at", "published_by", "updated_at"])
        catalogue_changed()
        audit_change(
            action="catalog.version.publish",
            instance=locked,
            before=before,
            after=_version_snapshot(locked),
            scope=_scope(locked),
            actor=actor,
        )
    return locked


def version_discard_draft(*, version: ProcedureVersion, actor: Any) -> None:
    """Delete a draft and its parts (recorded in full in the audit entry)."""
    with transaction.atomic():
        locked = _lock_version(version)
        if locked.status != VersionStatus.DRAFT:
            raise ServiceError(
                _("Only a draft can be discarded; published versions are kept for the record."),
                code="not_draft",
            )
        _require(actor, "procedure.draft", locked.competent_agency)
        before = _version_record(locked)
        scope = _scope(locked)
        locked.delete()
        audit_change(
            action="catalog.version.discard",
            instance=locked,
            before=before,
            after=None,
            scope=scope,
            actor=actor,
        )


# --- Parts of a draft ----------------------------------------------------------------------


def component_template_check(upload: File) -> None:
    """Refuse a form template that is not an office document or PDF, by name and content."""
    name = (getattr(upload, "name", "") or "").rsplit("/", 1)[-1]
    extension = name.rsplit(".", 1)[-1].lower() if "." in name else ""
    allowed = ", ".join(f".{ext}" for ext in TEMPLATE_SIGNATURES)
    if extension not in TEMPLATE_SIGNATURES:
        raise ServiceError(
            _("A form template must be one of these files: %(allowed)s.") % {"allowed": allowed},
            field="template",
            code="template_type",
        )
    limit = getattr(settings, "DVC_TEMPLATE_MAX_BYTES", TEMPLATE_MAX_BYTES_DEFAULT)
    if upload.size is not None and upload.size > limit:
        raise ServiceError(
            _("A form template may not be larger than %(size)s MB.")
            % {"size": limit // (1024 * 1024)},
            field="template",
            code="template_size",
        )
    upload.seek(0)
    head = upload.read(8)
    upload.seek(0)
    if not any(head.startswith(signature) for signature in TEMPLATE_SIGNATURES[extension]):
        raise ServiceError(
            _("The file's content is not a .%(extension)s document.") % {"extension": extension},
            field="template",
            code="template_content",
        )


def _clean_part_values(model: type[Model], fields: dict[str, Any]) -> dict[str, Any]:
    if model is Component and "template" in fields:
        template = fields["template"]
        if template in (None, False):  # cleared in a form
            fields["template"] = ""
        elif isinstance(template, File) and not getattr(template, "_committed", False):
            component_template_check(template)
    return fields


def _part_values(part: Model) -> dict[str, Any]:
    return snapshot(part, sorted(PART_EDITABLE[type(part)]))


def _part_action(model: type[Model], verb: str) -> str:
    return f"catalog.version.{_PART_ACTION[model]}.{verb}"


def _part_add(model: type[Model], *, version: ProcedureVersion, actor: Any, fields) -> Model:
    _check_fields(fields, PART_EDITABLE[model])
    fields = _clean_part_values(model, dict(fields))
    with transaction.atomic():
        locked = _lock_draft(version)
        _require(actor, "procedure.draft", locked.competent_agency)
        if "position" not in fields:
            highest = model.objects.filter(version=locked).aggregate(p=Max("position"))["p"]
            fields["position"] = (highest or 0) + 1
        part = model(version=locked, **fields)
        part.full_clean()
        part.save(force_insert=True)
        audit_change(
            action=_part_action(model, "add"),
            instance=part,
            before=None,
            after=snapshot(part),
            scope=_scope(locked),
            actor=actor,
        )
        version_refresh_derived(locked)
    return part


def _part_update(part: Model, *, actor: Any, fields) -> Model:
    model = type(part)
    _check_fields(fields, PART_EDITABLE[model])
    fields = _clean_part_values(model, dict(fields))
    with transaction.atomic():
        locked_version = _lock_draft(part.version)
        _require(actor, "procedure.draft", locked_version.competent_agency)
        locked = model.objects.select_for_update().get(pk=part.pk)
        before = snapshot(locked)
        changed = [name for name, value in fields.items() if getattr(locked, name) != value]
        if not changed:
            return locked
        for name in changed:
            setattr(locked, name, fields[name])
        locked.full_clean()
        locked.save(update_fields=changed)
        audit_change(
            action=_part_action(model, "update"),
            instance=locked,
            before=before,
            after=snapshot(locked),
            scope=_scope(locked_version),
            actor=actor,
        )
        version_refresh_derived(locked_version)
    return locked


def _part_delete(part: Model, *, actor: Any) -> None:
    model = type(part)
    with transaction.atomic():
        locked_version = _lock_draft(part.version)
        _require(actor, "procedure.draft", locked_version.competent_agency)
        locked = model.objects.select_for_update().get(pk=part.pk)
        before = snapshot(locked)
        locked.delete()
        audit_change(
            action=_part_action(model, "delete"),
            instance=locked,
            before=before,
            after=None,
            scope=_scope(locked_version),
            actor=actor,
        )
        version_refresh_derived(locked_version)


def time_option_add(*, version: ProcedureVersion, actor: Any, **fields: Any) -> TimeOption:
    return _part_add(TimeOption, version=version, actor=actor, fields=fields)


def time_option_update(*, time_option: TimeOption, actor: Any, **fields: Any) -> TimeOption:
    return _part_update(time_option, actor=actor, fields=fields)


def time_option_delete(*, time_option: TimeOption, actor: Any) -> None:
    _part_delete(time_option, actor=actor)


def fee_add(*, version: ProcedureVersion, actor: Any, **fields: Any) -> Fee:
    return _part_add(Fee, version=version, actor=actor, fields=fields)


def fee_update(*, fee: Fee, actor: Any, **fields: Any) -> Fee:
    return _part_update(fee, actor=actor, fields=fields)


def fee_delete(*, fee: Fee, actor: Any) -> None:
    _part_delete(fee, actor=actor)


def component_add(*, version: ProcedureVersion, actor: Any, **fields: Any) -> Component:
    return _part_add(Component, version=version, actor=actor, fields=fields)


def component_update(*, component: Component, actor: Any, **fields: Any) -> Component:
    return _part_update(component, actor=actor, fields=fields)


def component_delete(*, component: Component, actor: Any) -> None:
    _part_delete(component, actor=actor)


def step_add(*, version: ProcedureVersion, actor: Any, **fields: Any) -> Step:
    return _part_add(Step, version=version, actor=actor, fields=fields)


def step_update(*, step: Step, actor: Any, **fields: Any) -> Step:
    return _part_update(step, actor=actor, fields=fields)


def step_delete(*, step: Step, actor: Any) -> None:
    _part_delete(step, actor=actor)


def process_step_add(*, version: ProcedureVersion, actor: Any, **fields: Any) -> ProcessStep:
    return _part_add(ProcessStep, version=version, actor=actor, fields=fields)


def process_step_update(*, process_step: ProcessStep, actor: Any, **fields: Any) -> ProcessStep:
    return _part_update(process_step, actor=actor, fields=fields)


def process_step_delete(*, process_step: ProcessStep, actor: Any) -> None:
    _part_delete(process_step, actor=actor)


def version_parts_replace(
    *,
    version: ProcedureVersion,
    actor: Any,
    time_options: Iterable[Mapping[str, Any]] | None = None,
    fees: Iterable[Mapping[str, Any]] | None = None,
    components: Iterable[Mapping[str, Any]] | None = None,
    steps: Iterable[Mapping[str, Any]] | None = None,
    process_steps: Iterable[Mapping[str, Any]] | None = None,
) -> ProcedureVersion:
    """Replace whole lists of a draft's parts (None: leave that list alone), in the order given.

    Each row is a mapping of `PART_EDITABLE` fields; positions follow the list when not given.
    One audit entry records every list before and after.
    """
    given = {
        "time_options": time_options,
        "fees": fees,
        "components": components,
        "steps": steps,
        "process_steps": process_steps,
    }
    given = {relation: list(rows) for relation, rows in given.items() if rows is not None}
    with transaction.atomic():
        locked = _lock_draft(version)
        _require(actor, "procedure.draft", locked.competent_agency)
        before, after = {}, {}
        for relation, rows in given.items():
            model = PART_RELATIONS[relation]
            existing = list(model.objects.filter(version=locked))
            new_parts = []
            for position, row in enumerate(rows, start=1):
                _check_fields(row, PART_EDITABLE[model])
                values = _clean_part_values(model, {"position": position, **row})
                part = model(version=locked, **values)
                part.full_clean(exclude=["version"])
                new_parts.append(part)
            old_rows = [_part_values(part) for part in existing]
            if old_rows == [_part_values(part) for part in new_parts]:
                continue  # the same list: keep the rows (and their ids) as they are
            model.objects.filter(pk__in=[part.pk for part in existing]).delete()
            for part in new_parts:
                part.save(force_insert=True)  # one by one: a file field saves its upload
            before[relation] = [snapshot(part) for part in existing]
            after[relation] = [snapshot(part) for part in new_parts]
        if not after:
            return locked
        audit_change(
            action="catalog.version.parts_replace",
            instance=locked,
            before=before,
            after=after,
            scope=_scope(locked),
            actor=actor,
        )
        version_refresh_derived(locked)
    return locked
