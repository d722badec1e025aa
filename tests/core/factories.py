import datetime as dt

import factory
from factory.django import DjangoModelFactory

from dichvucong.core.constants import AgencyCodeOrder, FormPurpose, PaperSize
from dichvucong.core.models import OfficialForm, RuleSet

# The seeded 2018 and 2025 rule sets cover 2019-01-06 onwards: test rule sets live in the
# 1900s, one year each, so they never overlap the seeds or each other.
REQUIRED_FORMS = [
    (FormPurpose.RECEIPT, "01", "Giấy tiếp nhận hồ sơ và hẹn trả kết quả", PaperSize.A5),
    (FormPurpose.SUPPLEMENT_REQUEST, "02", "Phiếu yêu cầu bổ sung, hoàn thiện hồ sơ", PaperSize.A5),
    (FormPurpose.REFUSAL, "03", "Phiếu từ chối tiếp nhận giải quyết hồ sơ", PaperSize.A5),
    (FormPurpose.APOLOGY, "04", "Phiếu xin lỗi và hẹn lại ngày trả kết quả", PaperSize.A5),
    (FormPurpose.CONTROL_SLIP, "05", "Phiếu kiểm soát quá trình giải quyết hồ sơ", PaperSize.A5),
    (FormPurpose.REGISTER, "06", "Sổ theo dõi hồ sơ", PaperSize.A4),
]


class RuleSetFactory(DjangoModelFactory):
    class Meta:
        model = RuleSet
        skip_postgeneration_save = True

    code = factory.Sequence(lambda n: f"T{n}")
    name = factory.Sequence(lambda n: f"Khung pháp lý thử {n}")
    legal_basis = "Quyết định thử nghiệm"
    effective_from = factory.Sequence(lambda n: dt.date(1900 + n % 90, 1, 1))
    effective_to = factory.LazyAttribute(lambda o: dt.date(o.effective_from.year, 12, 31))
    dossier_code_agency_order = AgencyCodeOrder.QCVN102

    class Params:
        qd20 = factory.Trait(dossier_code_agency_order=AgencyCodeOrder.QD20)

    @factory.post_generation
    def with_forms(self, create, extracted, **kwargs):
        """RuleSetFactory(with_forms=True): the six forms every framework must have."""
        if create and extracted:
            OfficialForm.objects.bulk_create(
                OfficialForm(rule_set=self, purpose=p, number=n, title=t, paper_size=s)
                for p, n, t, s in REQUIRED_FORMS
            )


class OfficialFormFactory(DjangoModelFactory):
    class Meta:
        model = OfficialForm

    rule_set = factory.SubFactory(RuleSetFactory)
    purpose = FormPurpose.STOP_NOTICE
    number = "07"
    title = "Thông báo dừng giải quyết hồ sơ"
    paper_size = PaperSize.A5
