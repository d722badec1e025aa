"""AuditedModelAdmin records every admin write; the trail's own admin is read-only."""

import pytest
from django.contrib import admin
from django.urls import reverse

from dichvucong.core.admin import AuditedModelAdmin
from dichvucong.core.audit import audit_chain_verify
from dichvucong.core.models import AccessLogEntry, AuditEntry, OfficialForm, RuleSet

from .factories import REQUIRED_FORMS, OfficialFormFactory, RuleSetFactory

pytestmark = pytest.mark.django_db

RULESET_FIELDS = {
    "code": "T-ADMIN",
    "name": "Khung thử qua trang quản trị",
    "legal_basis": "Thông tư thử",
    "effective_from": "1991-01-01",
    "effective_to": "1991-12-31",
    "dossier_code_agency_order": "qcvn102",
    "dossier_code_sequence_width": "4",
    "same_day_cutoff": "15:00",
    "intake_supplement_limit": "1",
    "processing_supplement_limit": "1",
    "apology_lead_working_days": "1",
}


def inline_data(rows, initial=0):
    """The inline formset's POST data; rows are dicts of form fields."""
    data = {
        "forms-TOTAL_FORMS": str(len(rows)),
        "forms-INITIAL_FORMS": str(initial),
        "forms-MIN_NUM_FORMS": "0",
        "forms-MAX_NUM_FORMS": "1000",
    }
    for i, row in enumerate(rows):
        data.update({f"forms-{i}-{key}": value for key, value in row.items()})
    return data


def new_form_rows():
    return [
        {"purpose": p, "number": n, "title": t, "paper_size": s} for p, n, t, s in REQUIRED_FORMS
    ]


def existing_form_rows(rule_set):
    return [
        {
            "id": str(f.pk),
            "rule_set": str(rule_set.pk),
            "purpose": f.purpose,
            "number": f.number,
            "title": f.title,
            "paper_size": f.paper_size,
        }
        for f in rule_set.forms.order_by("number")
    ]


def actions():
    # The rule sets' chain, without the register's record of its opening.
    entries = AuditEntry.objects.filter(scope="province").order_by("seq")
    return list(entries.values_list("action", flat=True))


def test_create_in_the_admin_records_the_rule_set_and_each_form(admin_client, admin_user):
    response = admin_client.post(
        reverse("admin:core_ruleset_add"), RULESET_FIELDS | inline_data(new_form_rows())
    )
    assert response.status_code == 302, (
        response.context["adminform"].form.errors if response.context else ""
    )
    rule_set = RuleSet.objects.get(code="T-ADMIN")
    assert rule_set.forms.count() == 6
    assert actions() == ["core.ruleset.create"] + ["core.officialform.create"] * 6
    entry = AuditEntry.objects.get(action="core.ruleset.create")
    assert entry.before is None and entry.after["code"] == "T-ADMIN"
    assert (entry.actor_user_id, entry.actor_label, entry.via) == (
        admin_user.pk,
        admin_user.email,
        "admin",
    )
    assert entry.ip == "127.0.0.1"
    assert audit_chain_verify(scope="province").ok


def test_change_in_the_admin_records_before_and_after_of_each_changed_row(admin_client):
    rule_set = RuleSetFactory(with_forms=True, name="Tên cũ")
    stop = OfficialFormFactory(rule_set=rule_set)
    rows = existing_form_rows(rule_set)
    rows[0]["title"] = "Giấy tiếp nhận (sửa)"
    rows[-1]["DELETE"] = "on"  # the stop notice, optional
    data = RULESET_FIELDS | {"code": rule_set.code, "name": "Tên mới"}
    data |= {
        "effective_from": f"{rule_set.effective_from:%Y-%m-%d}",
        "effective_to": f"{rule_set.effective_to:%Y-%m-%d}",
    }
    response = admin_client.post(
        reverse("admin:core_ruleset_change", args=[rule_set.pk]),
        data | inline_data(rows, initial=len(rows)),
    )
    assert response.status_code == 302
    assert actions() == [
        "core.ruleset.change",
        "core.officialform.delete",
        "core.officialform.change",
    ]
    change = AuditEntry.objects.get(action="core.ruleset.change")
    assert (change.before["name"], change.after["name"]) == ("Tên cũ", "Tên mới")
    form_change = AuditEntry.objects.get(action="core.officialform.change")
    assert form_change.before["title"] == "Giấy tiếp nhận hồ sơ và hẹn trả kết quả"
    assert form_change.after["title"] == "Giấy tiếp nhận (sửa)"
    deletion = AuditEntry.objects.get(action="core.officialform.delete")
    assert (deletion.object_pk, deletion.after) == (str(stop.pk), None)
    assert not OfficialForm.objects.filter(pk=stop.pk).exists()


def test_delete_in_the_admin_records_the_rule_set_and_its_cascaded_forms(admin_client):
    rule_set = RuleSetFactory(with_forms=True)
    response = admin_client.post(
        reverse("admin:core_ruleset_delete", args=[rule_set.pk]), {"post": "yes"}
    )
    assert response.status_code == 302
    assert not RuleSet.objects.filter(pk=rule_set.pk).exists()
    assert sorted(actions()) == ["core.officialform.delete"] * 6 + ["core.ruleset.delete"]
    deletion = AuditEntry.objects.get(action="core.ruleset.delete")
    assert (deletion.object_pk, deletion.before["code"], deletion.after) == (
        str(rule_set.pk),
        rule_set.code,
        None,
    )


def test_bulk_delete_action_records_each_rule_set(admin_client):
    first, second = RuleSetFactory(), RuleSetFactory()
    response = admin_client.post(
        reverse("admin:core_ruleset_changelist"),
        {"action": "delete_selected", "_selected_action": [first.pk, second.pk], "post": "yes"},
    )
    assert response.status_code == 302
    assert not RuleSet.objects.filter(pk__in=[first.pk, second.pk]).exists()
    deleted = AuditEntry.objects.filter(action="core.ruleset.delete").values_list(
        "object_pk", flat=True
    )
    assert sorted(deleted) == sorted([str(first.pk), str(second.pk)])


def test_an_overlapping_period_is_refused_in_the_admin_and_nothing_is_written(admin_client):
    data = RULESET_FIELDS | {"effective_from": "2025-01-01", "effective_to": ""}
    response = admin_client.post(
        reverse("admin:core_ruleset_add"), data | inline_data(new_form_rows())
    )
    assert response.status_code == 200
    assert "effective_from" in response.context["adminform"].form.errors
    assert not RuleSet.objects.filter(code="T-ADMIN").exists()
    assert not AuditEntry.objects.exists()


def test_a_rule_set_missing_a_required_form_is_refused_in_the_admin(admin_client):
    rows = new_form_rows()[1:]  # no receipt form
    response = admin_client.post(
        reverse("admin:core_ruleset_add"), RULESET_FIELDS | inline_data(rows)
    )
    assert response.status_code == 200
    assert response.context["inline_admin_formsets"][0].formset.non_form_errors()
    assert not RuleSet.objects.filter(code="T-ADMIN").exists()
    assert not AuditEntry.objects.exists()


def test_audit_scope_defaults_to_the_province():
    assert AuditedModelAdmin(RuleSet, admin.site).audit_scope(RuleSet()) == "province"


@pytest.mark.parametrize("model", [AuditEntry, AccessLogEntry])
def test_the_trail_is_read_only_even_for_superusers(model, admin_client, admin_user, rf, chain):
    chain(1)
    model_admin = admin.site._registry[model]
    request = rf.get("/")
    request.user = admin_user
    assert model_admin.has_view_permission(request)
    assert not model_admin.has_add_permission(request)
    assert not model_admin.has_change_permission(request)
    assert not model_admin.has_delete_permission(request)
    name = model._meta.model_name
    assert admin_client.get(reverse(f"admin:core_{name}_changelist")).status_code == 200
    assert admin_client.get(reverse(f"admin:core_{name}_add")).status_code == 403


def test_an_audit_entry_can_be_viewed_but_not_changed_or_deleted(admin_client, chain):
    entry = chain(1)[0]
    page = admin_client.get(reverse("admin:core_auditentry_change", args=[entry.pk]))
    assert page.status_code == 200
    assert b'name="_save"' not in page.content
    response = admin_client.post(
        reverse("admin:core_auditentry_change", args=[entry.pk]), {"action": "forged"}
    )
    assert response.status_code == 403
    response = admin_client.post(
        reverse("admin:core_auditentry_delete", args=[entry.pk]), {"post": "yes"}
    )
    assert response.status_code == 403
    entry_after = AuditEntry.objects.get(pk=entry.pk)
    assert (entry_after.action, entry_after.hash) == (entry.action, entry.hash)


def test_admin_pages_of_core_render(admin_client, chain):
    chain(2, scope="000.00.00.H30")
    rule_set = RuleSet.objects.get(code="2025")
    assert admin_client.get(reverse("admin:core_ruleset_changelist")).status_code == 200
    page = admin_client.get(reverse("admin:core_ruleset_change", args=[rule_set.pk]))
    assert page.status_code == 200
    assert "Thông báo dừng giải quyết hồ sơ" in page.content.decode()
    listing = admin_client.get(
        reverse("admin:core_auditentry_changelist"), {"scope": "000.00.00.H30"}
    )
    assert listing.status_code == 200
    assert len(listing.context["cl"].result_list) == 2


def test_saving_an_unchanged_rule_set_records_nothing(admin_client):
    rule_set = RuleSetFactory(with_forms=True)
    data = RULESET_FIELDS | {
        "code": rule_set.code,
        "name": rule_set.name,
        "legal_basis": rule_set.legal_basis,
    }
    data |= {
        "effective_from": f"{rule_set.effective_from:%Y-%m-%d}",
        "effective_to": f"{rule_set.effective_to:%Y-%m-%d}",
    }
    rows = existing_form_rows(rule_set)
    response = admin_client.post(
        reverse("admin:core_ruleset_change", args=[rule_set.pk]),
        data | inline_data(rows, initial=len(rows)),
    )
    assert response.status_code == 302
    assert not AuditEntry.objects.exists()
