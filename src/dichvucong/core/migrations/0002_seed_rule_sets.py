"""The two legal frameworks the portal ships (domain.md §0, §1.2, R5, R20).

2018: ND 61/2018 (amended by ND 107/2021) and TT 01/2018, from TT 01/2018's entry into force
(06/01/2019) to the day before TT 03/2025. 2025: ND 118/2025 (amended by ND 367/2025) and
TT 03/2025, from 15/9/2025. The 2025 agency-identifier order (QĐ 20/2020) is unverified
(domain.md §1.1): a province administrator can change it in the admin.
"""

import datetime

from django.db import migrations

RULE_SETS = [
    {
        "code": "2018",
        "name": "Khung pháp lý 2018 (Nghị định 61/2018/NĐ-CP, Thông tư 01/2018/TT-VPCP)",
        "legal_basis": (
            "Nghị định 61/2018/NĐ-CP, sửa đổi bởi Nghị định 107/2021/NĐ-CP; "
            "Thông tư 01/2018/TT-VPCP"
        ),
        "effective_from": datetime.date(2019, 1, 6),
        "effective_to": datetime.date(2025, 9, 14),
        "dossier_code_agency_order": "qcvn102",
        "forms": [
            ("receipt", "01", "Giấy tiếp nhận hồ sơ và hẹn trả kết quả", "A5"),
            ("supplement_request", "02", "Phiếu yêu cầu bổ sung, hoàn thiện hồ sơ", "A5"),
            ("refusal", "03", "Phiếu từ chối tiếp nhận giải quyết hồ sơ", "A5"),
            ("apology", "04", "Phiếu xin lỗi và hẹn lại ngày trả kết quả", "A5"),
            ("control_slip", "05", "Phiếu kiểm soát quá trình giải quyết hồ sơ", "A5"),
            ("register", "06", "Sổ theo dõi hồ sơ", "A4"),
        ],
    },
    {
        "code": "2025",
        "name": "Khung pháp lý 2025 (Nghị định 118/2025/NĐ-CP, Thông tư 03/2025/TT-VPCP)",
        "legal_basis": (
            "Nghị định 118/2025/NĐ-CP, sửa đổi bởi Nghị định 367/2025/NĐ-CP; "
            "Thông tư 03/2025/TT-VPCP"
        ),
        "effective_from": datetime.date(2025, 9, 15),
        "effective_to": None,
        "dossier_code_agency_order": "qd20",
        "forms": [
            ("receipt", "01", "Giấy tiếp nhận hồ sơ và hẹn trả kết quả", "A5"),
            ("supplement_request", "02", "Phiếu yêu cầu bổ sung, hoàn thiện hồ sơ", "A5"),
            ("refusal", "03", "Phiếu từ chối tiếp nhận giải quyết hồ sơ", "A5"),
            ("apology", "04", "Văn bản xin lỗi và đề nghị gia hạn thời gian giải quyết", "A5"),
            ("stop_notice", "05", "Thông báo dừng giải quyết hồ sơ", "A5"),
            ("control_slip", "06", "Phiếu kiểm soát quá trình giải quyết hồ sơ", "A5"),
            ("register", "07", "Sổ theo dõi hồ sơ", "A4"),
        ],
    },
]


def seed(apps, schema_editor):
    RuleSet = apps.get_model("core", "RuleSet")
    OfficialForm = apps.get_model("core", "OfficialForm")
    db = schema_editor.connection.alias
    for spec in RULE_SETS:
        fields = {k: v for k, v in spec.items() if k != "forms"}
        rule_set = RuleSet.objects.using(db).create(
            **fields,
            dossier_code_sequence_width=4,
            same_day_cutoff=datetime.time(15, 0),
            intake_supplement_limit=1,
            processing_supplement_limit=1,
            apology_lead_working_days=1,
        )
        OfficialForm.objects.using(db).bulk_create(
            OfficialForm(rule_set=rule_set, purpose=purpose, number=number, title=title, paper_size=size)
            for purpose, number, title, size in spec["forms"]
        )


def unseed(apps, schema_editor):
    RuleSet = apps.get_model("core", "RuleSet")
    RuleSet.objects.using(schema_editor.connection.alias).filter(
        code__in=[spec["code"] for spec in RULE_SETS]
    ).delete()


class Migration(migrations.Migration):
    dependencies = [("core", "0001_initial")]

    operations = [migrations.RunPython(seed, unseed)]
