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
        "unverified": ["fees"],                         # names of keys above not verified
        "sources": "..."
      }
    }

Lists keep the version's order (position); keys are written sorted.
"""

from __future__ import annotations

import hashlib
import json
from typing import Any

from .models import Component, Procedure, ProcedureVersion

FORMAT = "dichvucong.procedures/1"


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
        "unverified": sorted(version.unverified or []),
        "sources": version.sources,
    }


def procedure_item(version: ProcedureVersion) -> dict[str, Any]:
    procedure = version.procedure
    return {
        "local_code": procedure.local_code,
        "national_code": procedure.national_code,
        "dvc_code": procedure.dvc_code,
        "version": version_content(version),
    }


def canonical_json(data: Any) -> bytes:
    """Deterministic JSON: sorted keys, two-space indent, UTF-8 (Vietnamese stays readable),
    a final newline. Export → import → export gives the same bytes."""
    text = json.dumps(data, ensure_ascii=False, sort_keys=True, indent=2)
    return (text + "\n").encode("utf-8")


def content_hash(item: dict[str, Any]) -> str:
    """SHA-256 of a procedure item (codes + version content) in canonical JSON."""
    return hashlib.sha256(canonical_json(item)).hexdigest()
