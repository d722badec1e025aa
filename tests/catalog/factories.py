"""Factories for the procedure catalogue, with named states (traits).

ProcedureVersionFactory()                    a bare draft (name, field, competent agency)
ProcedureVersionFactory(complete=True)       a draft with every mandatory part (R22): steps,
                                             channels, components with counts, a time option,
                                             subjects, a level, the competent agency as the
                                             receiving desk, a fee
ProcedureVersionFactory(published=True)      complete and published
ProcedureVersionFactory(superseded=True)     complete and superseded
ProcedureVersionFactory(announced=True)      with an announcing decision (number, date)

Derived columns (search_name, search_text, content_hash) are computed after the parts, as the
services do. Codes use the T99 prefix, like the agencies' factories, never the demo's.
"""

import datetime

import factory
from django.db.models import Max
from django.utils import timezone
from factory.django import DjangoModelFactory

from dichvucong.agencies.worktime import DurationUnit
from dichvucong.catalog.models import (
    Component,
    Fee,
    Field,
    OnlineLevel,
    Procedure,
    ProcedureVersion,
    ProcessRole,
    ProcessStep,
    Sector,
    Step,
    TimeOption,
    VersionStatus,
)
from dichvucong.catalog.services import version_refresh_derived
from tests.agencies.factories import AgencyFactory


class SectorFactory(DjangoModelFactory):
    class Meta:
        model = Sector
        django_get_or_create = ("code",)

    code = factory.Sequence(lambda n: f"T99-N{n}")
    name = factory.Sequence(lambda n: f"Ngành thử {n}")


class FieldFactory(DjangoModelFactory):
    class Meta:
        model = Field
        django_get_or_create = ("code",)

    code = factory.Sequence(lambda n: f"T99-LV{n}")
    name = factory.Sequence(lambda n: f"Lĩnh vực thử {n}")
    sector = factory.SubFactory(SectorFactory)


class ProcedureFactory(DjangoModelFactory):
    class Meta:
        model = Procedure

    local_code = factory.Sequence(lambda n: f"T99.{n:06d}")
    national_code = ""
    dvc_code = ""

    class Params:
        # A made-up code in the national format, for tests only (the demo never invents one).
        with_national_code = factory.Trait(national_code=factory.Sequence(lambda n: f"9.{n:06d}"))


def _version_parts(obj, create, extracted, **kwargs):
    """The parts of a complete version; received at its own agency's desk unless told."""
    if not create:
        return
    if not obj.receiving_agencies.exists():
        obj.receiving_agencies.add(obj.competent_agency)
    TimeOptionFactory(version=obj)
    FeeFactory(version=obj)
    ComponentFactory(version=obj, position=1)
    ComponentFactory(version=obj, position=2, paper_form=Component.PaperForm.COPY, count=2)
    StepFactory(version=obj, position=1, description="Bước 1: Nộp hồ sơ tại Bộ phận Một cửa.")
    StepFactory(version=obj, position=2, description="Bước 2: Nhận kết quả.")


def _next_number(version) -> int:
    procedure = version.procedure
    if procedure.pk is None:
        return 1
    highest = procedure.versions.aggregate(highest=Max("number"))["highest"]
    return (highest or 0) + 1


class ProcedureVersionFactory(DjangoModelFactory):
    class Meta:
        model = ProcedureVersion
        skip_postgeneration_save = True

    procedure = factory.SubFactory(ProcedureFactory)
    number = factory.LazyAttribute(_next_number)
    status = VersionStatus.DRAFT
    name = factory.Sequence(lambda n: f"Thủ tục thử nghiệm số {n}")
    field = factory.SubFactory(FieldFactory)
    competent_agency = factory.SubFactory(AgencyFactory, with_desk=True)
    online_level = OnlineLevel.FORMS

    class Params:
        complete = factory.Trait(
            at_province=True,
            for_citizens=True,
            channel_counter=True,
            channel_online=True,
            online_level=OnlineLevel.PARTIAL,
            legal_basis="Luật thử nghiệm số 1/2019/QH14",
            result_document="Giấy chứng nhận thử nghiệm",
            with_parts=True,
        )
        published = factory.Trait(
            complete=True,
            status=VersionStatus.PUBLISHED,
            published_at=factory.LazyFunction(timezone.now),
        )
        superseded = factory.Trait(
            complete=True,
            status=VersionStatus.SUPERSEDED,
            published_at=factory.LazyFunction(lambda: timezone.now() - datetime.timedelta(days=90)),
        )
        announced = factory.Trait(
            announcing_decision_number=factory.Sequence(lambda n: f"{n}/QĐ-UBND"),
            announcing_decision_date=datetime.date(2025, 3, 1),
        )
        with_parts = False

    @factory.post_generation
    def receiving_agencies(obj, create, extracted, **kwargs):
        if create and extracted is not None:
            obj.receiving_agencies.set(extracted)

    parts = factory.Maybe("with_parts", factory.PostGeneration(_version_parts))

    @factory.post_generation
    def derived(obj, create, extracted, **kwargs):
        # Last: the hash covers the parts made above.
        if create:
            version_refresh_derived(obj)


class TimeOptionFactory(DjangoModelFactory):
    class Meta:
        model = TimeOption

    version = factory.SubFactory(ProcedureVersionFactory)
    position = 0
    label = ""
    duration = 5
    unit = DurationUnit.WORKING_DAYS.value

    class Params:
        same_day_case = factory.Trait(
            same_day=True, duration=0, cutoff=datetime.time(15, 0), label="Trong ngày"
        )


class FeeFactory(DjangoModelFactory):
    class Meta:
        model = Fee

    version = factory.SubFactory(ProcedureVersionFactory)
    position = 0
    name = "Lệ phí"
    amount = 50_000
    unit = Fee.Unit.PER_DOSSIER

    class Params:
        free = factory.Trait(name="Miễn lệ phí", amount=0)


class ComponentFactory(DjangoModelFactory):
    class Meta:
        model = Component

    version = factory.SubFactory(ProcedureVersionFactory)
    position = 0
    name = factory.Sequence(lambda n: f"Tờ khai thử nghiệm {n}")
    paper_form = Component.PaperForm.ORIGINAL
    count = 1
    mandatory = True

    class Params:
        with_template = factory.Trait(
            template=factory.django.FileField(
                filename="to-khai.docx", data=b"PK\x03\x04 mau to khai"
            )
        )


class StepFactory(DjangoModelFactory):
    class Meta:
        model = Step

    version = factory.SubFactory(ProcedureVersionFactory)
    position = 0
    description = factory.Sequence(lambda n: f"Bước {n}: thực hiện thử nghiệm.")


class ProcessStepFactory(DjangoModelFactory):
    """A step of the electronic process; by default the specialist of the competent agency."""

    class Meta:
        model = ProcessStep

    version = factory.SubFactory(ProcedureVersionFactory)
    position = 0
    name = "Thẩm định hồ sơ"
    at_receiving_agency = False
    agency = factory.LazyAttribute(lambda step: step.version.competent_agency)
    role = ProcessRole.SPECIALIST
    duration = 1
    unit = DurationUnit.WORKING_DAYS.value
    may_return = True

    class Params:
        at_desk = factory.Trait(
            at_receiving_agency=True,
            agency=None,
            role=ProcessRole.ONE_STOP_OFFICER,
            name="Tiếp nhận hồ sơ",
            duration=4,
            unit=DurationUnit.HOURS.value,
            may_return=False,
        )
        leader = factory.Trait(role=ProcessRole.LEADER, name="Ký duyệt kết quả")
