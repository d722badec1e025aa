"""A small world for processing tests: a procedure with the usual four-step process (desk →
specialist → leader → desk), its agencies, one officer per role, and a dossier received by
the desk. Other test packages (web, documents, feedback) use it too."""

from __future__ import annotations

import datetime as dt
import itertools
from dataclasses import dataclass
from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile

from dichvucong.agencies.worktime import DurationUnit
from dichvucong.catalog.models import ProcessRole
from dichvucong.core.constants import LEGAL_TIMEZONE
from dichvucong.dossiers.models import Dossier
from dichvucong.workflow.intake import dossier_receive
from tests.accounts.factories import MembershipFactory
from tests.agencies.factories import AgencyFactory
from tests.catalog.factories import ProcedureVersionFactory, ProcessStepFactory
from tests.dossiers.factories import PDF_BYTES, DossierFactory


def local(*args) -> dt.datetime:
    return dt.datetime(*args, tzinfo=LEGAL_TIMEZONE)


def pdf(name: str = "ket-qua.pdf") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, PDF_BYTES, content_type="application/pdf")


@dataclass
class World:
    desk: Any
    processing: Any
    partner: Any | None
    version: Any
    desk_officer: Any
    specialist: Any
    leader: Any
    partner_specialist: Any | None

    def dossier(self, *, at: dt.datetime | None = None, **kwargs) -> Dossier:
        """A dossier submitted online and received by the desk at `at` (Mon 2/3/2026 08:00)."""
        at = at or local(2026, 3, 2, 8, 0)
        kwargs.setdefault("submitted_at", at - dt.timedelta(hours=1))
        dossier = DossierFactory(
            version=self.version, receiving_agency=self.desk, submitted=True, **kwargs
        )
        return dossier_receive(
            dossier=dossier,
            actor=self.desk_officer,
            time_option=self.version.time_options.first(),
            at=at,
        )


_worlds = itertools.count(1)


def _code(level2: int, level3: int) -> str:
    # Real QCVN 102 identifiers (both rule sets can print them as dossier codes); T99 never
    # collides with the demo's H30 agencies.
    return f"000.{level3:02d}.{level2:02d}.T99"


def world(*, inter_agency: bool = False, may_return: bool = True) -> World:
    """Build the world (needs the database). With `inter_agency`, a specialist step of a second
    agency (the partner, e.g. Sở TN&MT) comes between the specialist and the leader."""
    n = next(_worlds) % 90 + 10
    desk = AgencyFactory(with_desk=True, commune=True, code=_code(n, 3))
    processing = AgencyFactory(with_desk=True, code=_code(n, 0))
    version = ProcedureVersionFactory(
        published=True, competent_agency=processing, receiving_agencies=[desk]
    )
    # The demo's shape: 4 working hours at the desk, then the specialist and the leader.
    version.time_options.update(duration=5, unit=DurationUnit.WORKING_DAYS.value)
    position = 0

    def step(**kwargs):
        nonlocal position
        made = ProcessStepFactory(version=version, position=position, **kwargs)
        position += 1
        return made

    partner = None
    step(at_desk=True, name="Tiếp nhận, chuyển hồ sơ")
    step(name="Thẩm định hồ sơ", duration=2, may_return=may_return)
    if inter_agency:
        partner = AgencyFactory(with_desk=True, code=_code(n, 7))
        step(name="Xác nhận của cơ quan phối hợp", agency=partner, duration=1, may_return=True)
    step(
        name="Phê duyệt kết quả",
        role=ProcessRole.LEADER,
        duration=1,
        unit=DurationUnit.WORKING_DAYS.value,
        may_return=True,
    )
    step(at_desk=True, name="Trả kết quả", duration=4)
    return World(
        desk=desk,
        processing=processing,
        partner=partner,
        version=version,
        desk_officer=MembershipFactory(one_stop_officer=True, agency=desk).user,
        specialist=MembershipFactory(specialist=True, agency=processing).user,
        leader=MembershipFactory(leader=True, agency=processing).user,
        partner_specialist=(
            MembershipFactory(specialist=True, agency=partner).user if partner else None
        ),
    )
