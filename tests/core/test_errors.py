import pytest
from django.utils import translation
from django.utils.translation import gettext_lazy as _

from dichvucong.core.errors import NoRuleSetInForce, ServiceError, TooLong, text_within_limit
from dichvucong.core.models import AuditEntry


def test_service_error_carries_message_field_and_code():
    error = ServiceError(
        _("The end date cannot be before the start date."), field="effective_to", code="period"
    )
    assert (error.field, error.code) == ("effective_to", "period")
    with translation.override("en"):
        assert str(error) == "The end date cannot be before the start date."
    assert error.as_validation_error().message_dict == {"effective_to": [str(error.message)]}


def test_service_error_defaults_and_a_subclass_code():
    error = ServiceError("Sai dữ liệu.")
    assert (error.field, error.code) == (None, "invalid")
    assert error.as_validation_error().messages == ["Sai dữ liệu."]
    assert NoRuleSetInForce("x").code == "no_rule_set_in_force"


def test_a_text_within_its_column_passes_unchanged_and_a_longer_one_is_refused(vietnamese):
    limit = AuditEntry._meta.get_field("object_repr").max_length
    assert text_within_limit("x" * limit, model=AuditEntry, field="object_repr") == "x" * limit

    with pytest.raises(TooLong) as refusal:
        text_within_limit("x" * (limit + 1), model=AuditEntry, field="object_repr", input_name="o")

    assert (refusal.value.code, refusal.value.field) == ("too_long", "o")
    assert f"tối đa {limit} ký tự, có {limit + 1}" in str(refusal.value)
