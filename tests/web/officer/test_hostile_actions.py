"""Hostile values posted to the officers' actions and the desk's receipt: a form error in
Vietnamese and nothing changed, never a server error (issue 11: each was a 500)."""

import pytest
from django.urls import reverse

from dichvucong.core.errors import ServiceError
from dichvucong.core.models import AuditEntry
from dichvucong.dossiers.constants import FEE_MAX_VND, DossierStatus
from dichvucong.workflow import processing
from dichvucong.workflow.intake import dossier_receive
from dichvucong.workflow.steps import open_step
from tests.clock import after_the_data
from tests.dossiers.factories import DossierFactory

from .conftest import action_url, at_specialist

# The world's dossiers are of March 2026; the officers act now, after them.
pytestmark = after_the_data

HUGE = "99999999999999999999"
FEE_LIMIT_VI = "Phí, lệ phí tối đa là 999.999.999.999 đồng."


def _state(dossier):
    dossier.refresh_from_db()
    step = open_step(dossier)
    return (
        dossier.status,
        dossier.fee_due_amount,
        dossier.history.count(),
        step and (step.pk, step.assignee_id),
        AuditEntry.objects.count(),
    )


@pytest.mark.django_db
@pytest.mark.parametrize("step", ["999999", HUGE, "-1", "0"])
@pytest.mark.parametrize("action", ["take", "forward", "fee", "send_back", "supplement"])
def test_a_step_id_that_is_not_the_open_step_is_a_form_error(client, w, vietnamese, action, step):
    dossier = at_specialist(w)
    client.force_login(w.specialist)
    before = _state(dossier)

    response = client.post(action_url(dossier, action), {"step": step, "amount": "50000"})

    assert response.status_code == 400
    assert "Bước này đã được chuyển đi" in response.content.decode()
    assert _state(dossier) == before


@pytest.mark.django_db
def test_the_step_of_another_dossier_is_refused_on_this_dossiers_page(client, w, vietnamese):
    """The specialist holds the role on both: the id of the other's step still may not act
    through this dossier's page (it was applied to the other dossier before)."""
    dossier, other = at_specialist(w), at_specialist(w)
    client.force_login(w.specialist)
    before, other_before = _state(dossier), _state(other)

    response = client.post(action_url(dossier, "take"), {"step": open_step(other).pk})

    assert response.status_code == 400
    assert (_state(dossier), _state(other)) == (before, other_before)


@pytest.mark.django_db
def test_the_services_refuse_a_step_that_does_not_exist(w):
    with pytest.raises(ServiceError) as refused:
        processing.step_take(step=10**6, actor=w.specialist)
    assert refused.value.code == "stale_step"


@pytest.mark.django_db
@pytest.mark.parametrize("amount", [HUGE, str(FEE_MAX_VND + 1)])
def test_an_out_of_range_fee_is_refused_by_the_officers_form(client, w, vietnamese, amount):
    dossier = at_specialist(w)
    client.force_login(w.specialist)
    before = _state(dossier)

    response = client.post(
        action_url(dossier, "fee"), {"step": open_step(dossier).pk, "amount": amount}
    )

    assert response.status_code == 400
    assert response.context["forms"]["fee"].errors["amount"] == [FEE_LIMIT_VI]
    assert amount in response.content.decode()  # what was typed stays on the page
    assert _state(dossier) == before


@pytest.mark.django_db
def test_the_largest_fee_is_accepted(client, w):
    dossier = at_specialist(w)
    client.force_login(w.specialist)
    audited = AuditEntry.objects.count()

    response = client.post(
        action_url(dossier, "fee"), {"step": open_step(dossier).pk, "amount": str(FEE_MAX_VND)}
    )

    assert response.status_code == 302
    dossier.refresh_from_db()
    assert (dossier.status, dossier.fee_due_amount) == (DossierStatus.AWAITING_PAYMENT, FEE_MAX_VND)
    assert dossier.history.latest("id").transition == "require_fee"
    assert AuditEntry.objects.count() > audited


@pytest.mark.django_db
def test_an_out_of_range_fee_due_on_the_proposed_result_is_a_form_error(client, w, vietnamese):
    dossier = at_specialist(w)
    client.force_login(w.specialist)
    before = _state(dossier)

    response = client.post(
        action_url(dossier, "propose"),
        {"step": open_step(dossier).pk, "kind": "grant", "fee_due": HUGE},
    )

    assert response.status_code == 400
    assert response.context["forms"]["propose"].errors["fee_due"] == [FEE_LIMIT_VI]
    assert _state(dossier) == before


@pytest.mark.django_db
def test_an_out_of_range_fee_is_refused_by_the_services(w):
    dossier = at_specialist(w)
    before = _state(dossier)
    with pytest.raises(ServiceError) as refused:
        processing.step_require_fee(step=open_step(dossier), actor=w.specialist, amount=HUGE)
    assert (refused.value.code, refused.value.field) == ("too_large", "amount")
    assert _state(dossier) == before

    submitted = DossierFactory(version=w.version, receiving_agency=w.desk, submitted=True)
    with pytest.raises(ServiceError) as refused:
        dossier_receive(
            dossier=submitted,
            actor=w.desk_officer,
            time_option=w.version.time_options.first(),
            fee_amount=HUGE,
            fee_receipt_number="BL-1",
        )
    assert (refused.value.code, refused.value.field) == ("too_large", "fee_amount")
    submitted.refresh_from_db()
    assert submitted.status == DossierStatus.SUBMITTED


@pytest.mark.django_db
def test_an_out_of_range_fee_at_receipt_is_refused_by_the_desks_form(client, w, vietnamese):
    dossier = DossierFactory(version=w.version, receiving_agency=w.desk, submitted=True)
    client.force_login(w.desk_officer)

    response = client.post(
        reverse("web:desk-receive", args=[dossier.pk]),
        {
            "time_option": w.version.time_options.first().pk,
            "fee_amount": HUGE,
            "fee_receipt_number": "BL-01",
        },
    )

    assert response.status_code == 400
    assert FEE_LIMIT_VI in response.content.decode()
    dossier.refresh_from_db()
    assert (dossier.status, dossier.code, dossier.fee_amount) == (
        DossierStatus.SUBMITTED,
        None,
        None,
    )


@pytest.mark.django_db
@pytest.mark.parametrize("component", [HUGE, "-1", "abc"])
def test_a_hostile_component_id_in_a_supplement_request_is_a_form_error(
    client, w, vietnamese, component
):
    dossier = at_specialist(w)
    client.force_login(w.specialist)
    before = _state(dossier)

    response = client.post(
        action_url(dossier, "supplement"),
        {"step": open_step(dossier).pk, "components": [component], "reason": "Thiếu bản vẽ."},
    )

    assert response.status_code == 400
    assert response.context["forms"]["supplement"].errors["components"]
    assert _state(dossier) == before
