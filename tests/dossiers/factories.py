"""Factories for dossiers, attachments and history rows, with named states (traits).

DossierFactory()                         a draft (the default) of a published, complete version
                                         received at a desk; owner and submitter are one
                                         applicant account, their data copied from the profile
DossierFactory(submitted=True)           submitted online (submitted_at set)
DossierFactory(received=True)            received: code, received_at, due_at, the rule set in
                                         force (seeded 2018/2025), processing agency, time option
DossierFactory(refused=True)             refused at intake, with a reason
DossierFactory(supplement_requested=True)  a supplement asked for at intake
AttachmentFactory(dossier=d, component=c)  a small PDF, its SHA-256 computed
DossierHistoryFactory(dossier=d)         one history row

Factories set `status` directly: they make test data, they are not code paths (the code changes
a status only through workflow.engine.transition_apply). Files go to settings.MEDIA_ROOT: point
it at tmp_path in tests that create attachments (the `media_root` fixture of
tests/dossiers/conftest.py does).
"""

import datetime
import hashlib
import uuid

import factory
from django.core.files.base import ContentFile
from django.utils import timezone
from factory.django import DjangoModelFactory

from dichvucong.core.selectors import ruleset_in_force
from dichvucong.dossiers.constants import Channel, DossierStatus, ResultDelivery
from dichvucong.dossiers.models import Attachment, Dossier, DossierHistory, ResultFile
from tests.accounts.factories import UserFactory
from tests.catalog.factories import ProcedureVersionFactory

# A minimal but real PDF: `filetype` recognises it by its %PDF magic.
PDF_BYTES = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
# The smallest PNG header `filetype` recognises.
PNG_BYTES = b"\x89PNG\r\n\x1a\n" + b"\x00\x00\x00\rIHDR" + b"\x00" * 17


def _received_at(dossier) -> datetime.datetime:
    return (dossier.submitted_at or timezone.now()) + datetime.timedelta(hours=1)


def _code(dossier, n: int) -> str:
    local = timezone.localtime(dossier.received_at)
    return f"{dossier.receiving_agency.code}-{local:%y%m%d}-{n + 1:04d}"


class DossierFactory(DjangoModelFactory):
    class Meta:
        model = Dossier
        exclude = ("applicant",)
        skip_postgeneration_save = True

    version = factory.SubFactory(ProcedureVersionFactory, published=True)
    # The version's first receiving desk (the complete version's competent agency, with a desk).
    receiving_agency = factory.LazyAttribute(lambda o: o.version.receiving_agencies.first())
    status = DossierStatus.DRAFT
    channel = Channel.ONLINE

    applicant = factory.SubFactory(UserFactory, applicant=True)
    owner_account = factory.SelfAttribute("applicant")
    owner_name = factory.LazyAttribute(lambda o: o.applicant.full_name)
    owner_id_number = factory.LazyAttribute(lambda o: o.applicant.id_number)
    owner_phone = factory.LazyAttribute(lambda o: o.applicant.phone)
    owner_email = factory.LazyAttribute(lambda o: o.applicant.email)
    owner_address = factory.LazyAttribute(lambda o: o.applicant.address)
    submitter_account = factory.SelfAttribute("applicant")
    submitter_name = factory.SelfAttribute("owner_name")
    submitter_id_number = factory.SelfAttribute("owner_id_number")
    submitter_phone = factory.SelfAttribute("owner_phone")
    submitter_email = factory.SelfAttribute("owner_email")
    submitter_address = factory.SelfAttribute("owner_address")
    summary = factory.LazyAttribute(lambda o: f"Đề nghị giải quyết thủ tục {o.version.name}")
    result_delivery = ResultDelivery.DESK

    class Params:
        submitted = factory.Trait(
            status=DossierStatus.SUBMITTED,
            submitted_at=factory.LazyFunction(lambda: timezone.now() - datetime.timedelta(hours=2)),
        )
        received = factory.Trait(
            submitted=True,
            status=DossierStatus.RECEIVED,
            received_at=factory.LazyAttribute(_received_at),
            code=factory.LazyAttributeSequence(_code),
            rule_set=factory.LazyAttribute(lambda o: ruleset_in_force(at=o.received_at)),
            processing_agency=factory.SelfAttribute("version.competent_agency"),
            time_option=factory.LazyAttribute(lambda o: o.version.time_options.first()),
            due_at=factory.LazyAttribute(lambda o: o.received_at + datetime.timedelta(days=7)),
            register_book=factory.LazyAttribute(
                lambda o: f"{timezone.localtime(o.received_at):%Y}"
            ),
            register_line=factory.Sequence(lambda n: n + 1),
        )
        refused = factory.Trait(
            submitted=True,
            status=DossierStatus.REFUSED,
            refusal_reason="Hồ sơ không thuộc thẩm quyền giải quyết của cơ quan.",
        )
        supplement_requested = factory.Trait(
            submitted=True,
            status=DossierStatus.SUPPLEMENT_REQUESTED,
            intake_supplement_count=1,
        )


class AttachmentFactory(DjangoModelFactory):
    class Meta:
        model = Attachment
        exclude = ("data",)

    dossier = factory.SubFactory(DossierFactory)
    component = factory.LazyAttribute(lambda o: o.dossier.version.components.first())
    data = PDF_BYTES
    stored_name = factory.LazyFunction(lambda: f"{uuid.uuid4().hex}.pdf")
    file = factory.LazyAttribute(lambda o: ContentFile(o.data, name=o.stored_name))
    original_name = "ban-scan.pdf"
    content_type = "application/pdf"
    size = factory.LazyAttribute(lambda o: len(o.data))
    sha256 = factory.LazyAttribute(lambda o: hashlib.sha256(o.data).hexdigest())
    uploaded_by = factory.SelfAttribute("dossier.submitter_account")


class ResultFileFactory(DjangoModelFactory):
    """A result document as the specialist's proposal stores it (no transition: for pages
    that serve one)."""

    class Meta:
        model = ResultFile
        exclude = ("data",)

    dossier = factory.SubFactory(DossierFactory)
    title = "Giấy chứng nhận"
    data = PDF_BYTES
    stored_name = factory.LazyFunction(lambda: f"{uuid.uuid4().hex}.pdf")
    file = factory.LazyAttribute(lambda o: ContentFile(o.data, name=o.stored_name))
    original_name = "ket-qua.pdf"
    content_type = "application/pdf"
    size = factory.LazyAttribute(lambda o: len(o.data))
    sha256 = factory.LazyAttribute(lambda o: hashlib.sha256(o.data).hexdigest())
    uploaded_at = factory.LazyFunction(timezone.now)


class DossierHistoryFactory(DjangoModelFactory):
    class Meta:
        model = DossierHistory

    dossier = factory.SubFactory(DossierFactory, submitted=True)
    at = factory.LazyFunction(timezone.now)
    transition = "submit"
    from_status = DossierStatus.DRAFT
    to_status = DossierStatus.SUBMITTED
    actor = factory.SelfAttribute("dossier.submitter_account")
    actor_label = factory.LazyAttribute(lambda o: o.actor.email if o.actor else "system")
    agency = factory.SelfAttribute("dossier.receiving_agency")
