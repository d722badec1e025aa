"""Application forms: a version's form definition as data, its validation, and the Django form
the applicant fills.

A definition (`ProcedureVersion.form`) is JSON:

    {"title": "Tờ khai đăng ký khai sinh",
     "sections": [{"title": "Người yêu cầu",
                   "fields": [{"name": "ho_ten", "type": "text", "label": "Họ, chữ đệm và tên",
                               "required": true, "help": "", "max_length": 100,
                               "prefill": "full_name"}, ...]}],
     "allow_template_upload": true}

Field keys: name, type, label, required, help, min_length, max_length, pattern (text types),
min, max (number, money), choices ([[value, label], ...]; choice types), prefill (a profile
field), component (file slots: the component's position in the version, from 1). An empty
definition means the generic application (`generic_definition`). File slots are not part of
the Django form: the applicant flow uploads per component (`file_slots`).
"""

from __future__ import annotations

import datetime
import decimal
import re
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from dichvucong.accounts.models import (
    normalize_phone,
    validate_id_number,
    validate_phone,
    validate_tax_code,
)
from dichvucong.agencies.models import AdministrativeUnit, Level
from dichvucong.core.money import vnd

from .models import Component, ProcedureVersion

FIELD_TYPES = (
    "text",
    "textarea",
    "number",
    "money",
    "date",
    "choice",
    "multichoice",
    "yesno",
    "email",
    "phone",
    "id_number",
    "tax_code",
    "address",
    "file",
)
PREFILLS = ("full_name", "id_number", "phone", "email", "address", "tax_code")
DEFINITION_KEYS = ("title", "sections", "allow_template_upload")
SECTION_KEYS = ("title", "fields")
FIELD_KEYS = (
    "name",
    "type",
    "label",
    "required",
    "help",
    "min_length",
    "max_length",
    "pattern",
    "min",
    "max",
    "choices",
    "prefill",
    "component",
)
_TEXT_TYPES = ("text", "textarea")
_NUMBER_TYPES = ("number", "money")
_CHOICE_TYPES = ("choice", "multichoice")
_NAME_RE = re.compile(r"\A[a-z][a-z0-9_]{0,49}\Z")
# Keys that make sense only for some types.
_KEY_TYPES = {
    "min_length": _TEXT_TYPES,
    "max_length": _TEXT_TYPES,
    "pattern": _TEXT_TYPES,
    "min": _NUMBER_TYPES,
    "max": _NUMBER_TYPES,
    "choices": _CHOICE_TYPES,
    "component": ("file",),
}
_TEXT_MAX = 5000


# --- Validation of a definition -------------------------------------------------------------


def validate_definition(
    definition: Any,
    version: ProcedureVersion | None = None,
    *,
    components: list[tuple[str, bool]] | None = None,
) -> None:
    """Refuse a definition that is not well formed, with every problem in one ValidationError
    (Vietnamese messages naming the section and field). With `version`, file slots must name
    its components and every mandatory component must have one; `components` ((name,
    mandatory) in order) does the same for a version not yet stored. {} (no form) is valid."""
    errors: list[str] = []
    if definition in ({}, None):
        return
    if not isinstance(definition, dict):
        raise ValidationError(_("The form definition must be a JSON object {…}."))
    for key in sorted(set(definition) - set(DEFINITION_KEYS), key=str):
        errors.append(_("Unknown key “%(key)s” in the form definition.") % {"key": key})
    title = definition.get("title", "")
    if not isinstance(title, str):
        errors.append(_("The form title must be text."))
    if not isinstance(definition.get("allow_template_upload", False), bool):
        errors.append(_("“allow_template_upload” must be true or false."))
    sections = definition.get("sections")
    if not isinstance(sections, list) or not sections:
        errors.append(_("The form needs a list of sections, each with its fields."))
        raise ValidationError(errors)
    names: set[str] = set()
    slots: dict[int, str] = {}
    for number, section in enumerate(sections, start=1):
        if not isinstance(section, dict):
            errors.append(_("Section %(number)s must be an object {…}.") % {"number": number})
            continue
        for key in sorted(set(section) - set(SECTION_KEYS), key=str):
            errors.append(
                _("Unknown key “%(key)s” in section %(number)s.") % {"key": key, "number": number}
            )
        if not isinstance(section.get("title", ""), str):
            errors.append(_("The title of section %(number)s must be text.") % {"number": number})
        fields = section.get("fields")
        if not isinstance(fields, list) or not fields:
            errors.append(_("Section %(number)s has no fields.") % {"number": number})
            continue
        for index, field in enumerate(fields, start=1):
            errors.extend(_field_errors(field, number, index, names, slots))
    if components is None and version is not None and version.pk:
        components = [(c.name, c.mandatory) for c in version.components.all()]
    if components is not None:
        errors.extend(_component_errors(slots, components))
    if errors:
        raise ValidationError(errors)


def _field_errors(
    field: Any, section: int, index: int, names: set[str], components: dict[int, str]
) -> list[str]:
    where = {"section": section, "index": index}
    if not isinstance(field, dict):
        return [_("Field %(index)s of section %(section)s must be an object {…}.") % where]
    name = field.get("name")
    if isinstance(name, str) and name:
        where = {**where, "name": name}
        prefix = _("Field “%(name)s” (section %(section)s):") % where
    else:
        prefix = _("Field %(index)s of section %(section)s:") % where
    errors: list[str] = []

    def error(message: str) -> None:
        errors.append(f"{prefix} {message}")

    for key in sorted(set(field) - set(FIELD_KEYS), key=str):
        error(_("unknown key “%(key)s”.") % {"key": key})
    if not isinstance(name, str) or not _NAME_RE.match(name):
        error(
            _(
                "the name must be 1 to 50 lower-case letters, digits or underscores, "
                "starting with a letter (e.g. ho_ten)."
            )
        )
    elif name in names:
        error(_("the name is used twice."))
    else:
        names.add(name)
    kind = field.get("type")
    if kind not in FIELD_TYPES:
        error(
            _("unknown type “%(type)s”; the types are: %(types)s.")
            % {"type": kind, "types": ", ".join(FIELD_TYPES)}
        )
        return errors
    label = field.get("label")
    if not isinstance(label, str) or not label.strip():
        error(_("the label is missing."))
    if not isinstance(field.get("required", False), bool):
        error(_("“required” must be true or false."))
    if not isinstance(field.get("help", ""), str):
        error(_("the help text must be text."))
    for key, types in _KEY_TYPES.items():
        if key in field and kind not in types:
            error(
                _("“%(key)s” does not apply to a field of type “%(type)s”.")
                % {"key": key, "type": kind}
            )
    if "prefill" in field and field["prefill"] not in PREFILLS:
        error(
            _("unknown prefill “%(value)s”; the choices are: %(choices)s.")
            % {"value": field["prefill"], "choices": ", ".join(PREFILLS)}
        )
    if kind in _TEXT_TYPES:
        errors.extend(_bounds(field, "min_length", "max_length", prefix, minimum=0, integer=True))
        if "pattern" in field:
            pattern = field["pattern"]
            try:
                if not isinstance(pattern, str) or not pattern:
                    raise re.error("empty")
                re.compile(pattern)
            except re.error:
                error(_("the pattern is not a valid regular expression."))
    if kind in _NUMBER_TYPES:
        errors.extend(
            _bounds(
                field,
                "min",
                "max",
                prefix,
                minimum=0 if kind == "money" else None,
                integer=kind == "money",
            )
        )
    if kind in _CHOICE_TYPES:
        errors.extend(_choice_errors(field.get("choices"), prefix))
    if kind == "file":
        component = field.get("component")
        if not isinstance(component, int) or isinstance(component, bool) or component < 1:
            error(_("a file slot needs “component”: the component's position, from 1."))
        elif component in components:
            error(_("component %(number)s already has a file slot.") % {"number": component})
        else:
            components[component] = name if isinstance(name, str) else ""
    return errors


def _bounds(
    field: dict, low_key: str, high_key: str, prefix: str, *, minimum: int | None, integer: bool
) -> list[str]:
    errors = []
    values = {}
    for key in (low_key, high_key):
        if key not in field:
            continue
        value = field[key]
        number_ok = isinstance(value, int) or (not integer and isinstance(value, float))
        if isinstance(value, bool) or not number_ok or (minimum is not None and value < minimum):
            errors.append(
                f"{prefix} "
                + _("“%(key)s” must be a number not below %(min)s.")
                % {"key": key, "min": minimum if minimum is not None else "-∞"}
            )
        else:
            values[key] = value
    if len(values) == 2 and values[low_key] > values[high_key]:
        errors.append(
            f"{prefix} "
            + _("“%(low)s” is greater than “%(high)s”.") % {"low": low_key, "high": high_key}
        )
    return errors


def _choice_errors(choices: Any, prefix: str) -> list[str]:
    if not isinstance(choices, list) or not choices:
        return [f"{prefix} " + _("a choice field needs “choices”: [[value, label], …].")]
    seen = set()
    for entry in choices:
        if (
            not isinstance(entry, list)
            or len(entry) != 2
            or not all(isinstance(part, str) and part.strip() for part in entry)
        ):
            return [f"{prefix} " + _("each choice is a pair [value, label] of non-empty texts.")]
        if entry[0] in seen:
            return [f"{prefix} " + _("the choice “%(value)s” appears twice.") % {"value": entry[0]}]
        seen.add(entry[0])
    return []


def _component_errors(slots: dict[int, str], components: list[tuple[str, bool]]) -> list[str]:
    errors = []
    for number in sorted(slots):
        if number > len(components):
            errors.append(
                _("File slot “%(name)s” names component %(number)s; the version has %(count)s.")
                % {"name": slots[number], "number": number, "count": len(components)}
            )
    for number, (name, mandatory) in enumerate(components, start=1):
        if mandatory and number not in slots:
            errors.append(
                _("The mandatory component %(number)s (%(name)s) has no file slot.")
                % {"number": number, "name": name}
            )
    return errors


# --- The definition in force for a version ---------------------------------------------------


def generic_definition(version: ProcedureVersion) -> dict[str, Any]:
    """The generic application (đơn đề nghị) with one file slot per component."""
    return {
        "title": _("Application"),
        "allow_template_upload": False,
        "sections": [
            {
                "title": _("Applicant"),
                "fields": [
                    {
                        "name": "nguoi_de_nghi",
                        "type": "text",
                        "label": _("Applicant's full name"),
                        "required": True,
                        "max_length": 200,
                        "prefill": "full_name",
                    },
                    {
                        "name": "so_dinh_danh",
                        "type": "id_number",
                        "label": _("Personal ID number"),
                        "required": True,
                        "prefill": "id_number",
                    },
                    {
                        "name": "dia_chi",
                        "type": "text",
                        "label": _("Address"),
                        "required": True,
                        "max_length": 300,
                        "prefill": "address",
                    },
                    {
                        "name": "dien_thoai",
                        "type": "phone",
                        "label": _("Phone"),
                        "required": True,
                        "prefill": "phone",
                    },
                    {
                        "name": "email",
                        "type": "email",
                        "label": _("E-mail"),
                        "required": False,
                        "prefill": "email",
                    },
                ],
            },
            {
                "title": _("Request"),
                "fields": [
                    {
                        "name": "noi_dung",
                        "type": "textarea",
                        "label": _("What you request"),
                        "required": True,
                        "max_length": _TEXT_MAX,
                    },
                ],
            },
            {
                "title": _("Dossier components"),
                "fields": [
                    {
                        "name": f"thanh_phan_{number}",
                        "type": "file",
                        "label": component.name,
                        "required": component.mandatory,
                        "component": number,
                    }
                    for number, component in enumerate(version.components.all(), start=1)
                ],
            },
        ],
    }


def definition_for(version: ProcedureVersion) -> dict[str, Any]:
    """The version's own definition, or the generic application when it has none."""
    return version.form if version.form else generic_definition(version)


def allows_template_upload(version: ProcedureVersion) -> bool:
    """Whether the applicant may attach the filled template instead of the online form (S13)."""
    return bool(definition_for(version).get("allow_template_upload", False))


def _fields(definition: dict[str, Any]):
    for section in definition.get("sections", []):
        for field in section.get("fields", []):
            yield section, field


def file_slots(version: ProcedureVersion) -> list[tuple[Component, str, bool]]:
    """(component, label, required) for each file slot of the version's form, in form order.
    A slot is required when the field says so or the component is mandatory."""
    components = list(version.components.all())
    slots = []
    for _section, field in _fields(definition_for(version)):
        if field.get("type") != "file":
            continue
        number = field.get("component", 0)
        if 1 <= number <= len(components):
            component = components[number - 1]
            slots.append(
                (
                    component,
                    field.get("label") or component.name,
                    bool(field.get("required")) or component.mandatory,
                )
            )
    return slots


# --- The Django form -------------------------------------------------------------------------


class MoneyField(forms.IntegerField):
    """A sum in đồng: whole, not negative; accepts 1.500.000 or 1 500 000."""

    default_error_messages = {
        "invalid": gettext_lazy(
            "Enter a sum in đồng as a whole number, such as 1500000 or 1.500.000."
        )
    }

    def to_python(self, value):
        if isinstance(value, str):
            value = re.sub(r"\s*(đồng|đ|VNĐ|VND)\s*\Z", "", value.strip(), flags=re.IGNORECASE)
            # Only whole groups of three are thousands: "1,5" or "1.50" stay wrong, not 15.
            if _THOUSANDS.match(value):
                value = re.sub(r"[.\s]", "", value)
        return super().to_python(value)


# A sum without a stated maximum is still bounded: 15 digits (under a million billion đồng)
# stay exact as a JSON number anywhere the answers go, and refuse a mistyped run of digits.
MONEY_MAX = 999_999_999_999_999

_THOUSANDS = re.compile(r"\A[0-9]{1,3}([.\s][0-9]{3})+\Z")


class NumberField(forms.DecimalField):
    """A number, with the decimal comma Vietnamese write (12,5) or a point (12.5)."""

    def to_python(self, value):
        if isinstance(value, str) and "," in value and "." not in value:
            value = value.replace(",", ".")
        return super().to_python(value)


class PhoneField(forms.CharField):
    def to_python(self, value):
        return normalize_phone(super().to_python(value))


class AddressWidget(forms.MultiWidget):
    def __init__(self, attrs=None):
        # A list, not a dict: the parts post as <name>_0 … <name>_3.
        widgets = [
            forms.Select(attrs={"aria-label": _("Province")}),
            forms.Select(attrs={"aria-label": _("District")}),
            forms.Select(attrs={"aria-label": _("Commune")}),
            forms.TextInput(attrs={"aria-label": _("Street line")}),
        ]
        super().__init__(widgets, attrs)

    def decompress(self, value):
        if not value or not isinstance(value, dict):
            return ["", "", "", ""]
        chain = _unit_chain(value.get("unit", ""))
        codes = [unit.code for unit in chain] + ["", "", ""]
        return [*codes[:3], value.get("street", "")]


def _unit_chain(code: str) -> list[AdministrativeUnit]:
    """The unit and its ancestors, top first (province, district, commune)."""
    unit = AdministrativeUnit.objects.select_related("parent__parent").filter(code=code).first()
    chain = []
    while unit is not None:
        chain.insert(0, unit)
        unit = unit.parent
    return chain


def _unit_options(units) -> list[tuple[str, str]]:
    return [("", _("— choose —"))] + [(unit.code, str(unit)) for unit in units]


class AddressField(forms.MultiValueField):
    """Province → district → commune over the administrative units in force, and a street line.
    The value is {"unit": the lowest unit chosen, "street": "..."}."""

    widget = AddressWidget

    def __init__(self, **kwargs):
        fields = (
            forms.CharField(max_length=10),
            forms.CharField(max_length=10, required=False),
            # Communes may hang directly under the province (then chosen in the second select).
            forms.CharField(max_length=10, required=False),
            forms.CharField(max_length=300),
        )
        super().__init__(fields, require_all_fields=False, **kwargs)

    def compress(self, data_list):
        if not data_list or not any(data_list):
            return None
        province, district, commune, street = [*data_list, "", "", "", ""][:4]
        if not province or not (district or commune) or not street:
            raise ValidationError(
                _("Choose the province, the district and the commune, and write the street line."),
                code="incomplete",
            )
        chosen = [code for code in (province, district, commune) if code]
        today = timezone.localdate()
        chain = [unit for unit in _unit_chain(chosen[-1]) if unit.is_active_on(today)]
        # Since 2025 communes may hang directly under the province: then no district.
        if not chain or chain[-1].level != Level.COMMUNE or [u.code for u in chain] != chosen:
            raise ValidationError(
                _("The chosen commune is not in the chosen district and province."),
                code="unit",
            )
        commune = chosen[-1]
        return {"unit": commune, "street": street.strip()}


def _build_field(spec: dict[str, Any]) -> forms.Field:
    kind = spec["type"]
    common = {
        "label": spec["label"],
        "required": bool(spec.get("required")),
        "help_text": spec.get("help", ""),
    }
    if kind in _TEXT_TYPES:
        validators = []
        if spec.get("pattern"):
            validators.append(
                RegexValidator(
                    spec["pattern"], gettext_lazy("The value does not have the required form.")
                )
            )
        return forms.CharField(
            min_length=spec.get("min_length"),
            max_length=spec.get("max_length", 500 if kind == "text" else _TEXT_MAX),
            validators=validators,
            widget=forms.Textarea(attrs={"rows": 4}) if kind == "textarea" else None,
            **common,
        )
    if kind == "number":
        return NumberField(
            min_value=spec.get("min"),
            max_value=spec.get("max"),
            max_digits=18,
            decimal_places=4,
            **common,
        )
    if kind == "money":
        return MoneyField(
            min_value=spec.get("min", 0),
            max_value=spec.get("max", MONEY_MAX),
            widget=forms.TextInput(attrs={"inputmode": "numeric"}),
            **common,
        )
    if kind == "date":
        return forms.DateField(
            input_formats=["%d/%m/%Y", "%Y-%m-%d"],
            widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            **common,
        )
    if kind == "choice":
        return forms.ChoiceField(
            choices=[("", _("— choose —"))] + [tuple(pair) for pair in spec["choices"]], **common
        )
    if kind == "multichoice":
        return forms.MultipleChoiceField(
            choices=[tuple(pair) for pair in spec["choices"]],
            widget=forms.CheckboxSelectMultiple,
            **common,
        )
    if kind == "yesno":
        return YesNoField(
            choices=[("yes", _("Yes")), ("no", _("No"))],
            coerce=lambda value: value == "yes",
            widget=forms.RadioSelect,
            empty_value=None,
            **common,
        )
    if kind == "email":
        return forms.EmailField(max_length=254, **common)
    if kind == "phone":
        return PhoneField(max_length=20, validators=[validate_phone], **common)
    if kind == "id_number":
        return forms.CharField(max_length=12, validators=[validate_id_number], strip=True, **common)
    if kind == "tax_code":
        return forms.CharField(max_length=14, validators=[validate_tax_code], **common)
    if kind == "address":
        return AddressField(**common)
    raise ValueError(kind)  # validate_definition refused it already


class YesNoField(forms.TypedChoiceField):
    """A yes/no question as two radio buttons; the answer is stored as true/false."""

    def prepare_value(self, value):
        # A stored answer (a draft resumed, a review) shows as the radio button it came from.
        if value is True:
            return "yes"
        if value is False:
            return "no"
        return value


class ApplicationForm(forms.Form):
    """The applicant's form; its fields come from the version's definition."""

    def __init__(self, *args, definition: dict[str, Any], **kwargs):
        super().__init__(*args, **kwargs)
        self.definition = definition
        self.sections: list[tuple[str, list[str]]] = []
        for section in definition.get("sections", []):
            names = []
            for spec in section.get("fields", []):
                if spec.get("type") == "file":
                    continue
                self.fields[spec["name"]] = _build_field(spec)
                if spec["type"] == "address":
                    self._address_options(spec["name"])
                names.append(spec["name"])
            if names:
                self.sections.append((section.get("title", ""), names))

    def grouped(self) -> list[tuple[str, list[forms.BoundField]]]:
        """(section title, bound fields) in the definition's order, for templates."""
        return [(title, [self[name] for name in names]) for title, names in self.sections]

    def _address_options(self, name: str) -> None:
        """Fill the three selects from what is chosen (bound data or initial value); the next
        level is refreshed by htmx from agencies:unit-children when one changes."""
        field = self.fields[name]
        widget = field.widget
        if self.is_bound:
            chosen = [self.data.get(f"{name}_{key}", "") for key in ("0", "1", "2")]
        else:
            chosen = widget.decompress(self.initial.get(name))[:3]
        provinces = AdministrativeUnit.objects.active().filter(level=Level.PROVINCE)
        children = {}
        for code in chosen[:2]:
            children[code] = (
                AdministrativeUnit.objects.active().filter(parent__code=code) if code else []
            )
        districts = [u for u in children.get(chosen[0], []) if u.level == Level.DISTRICT]
        # Since 2025 communes may hang directly under the province (no district level).
        communes = [u for u in children.get(chosen[0], []) if u.level == Level.COMMUNE]
        if chosen[1]:
            communes = list(children.get(chosen[1], []))
        url = reverse("agencies:unit-children")
        for index, units in enumerate((provinces, districts, communes)):
            sub = widget.widgets[index]
            sub.choices = _unit_options(units)
            if index < 2:
                target = f"#id_{self.add_prefix(name)}_{index + 1}"
                query = f"?from={self.add_prefix(name)}_{index}"
                if index == 0:
                    # A new province empties the commune list too, not only the districts.
                    query += f"&reset=id_{self.add_prefix(name)}_2"
                sub.attrs.update(
                    {"hx-get": f"{url}{query}", "hx-target": target, "hx-trigger": "change"}
                )
        widget.widgets[3].attrs["placeholder"] = _("House number, street, hamlet")


def form_for_version(
    version: ProcedureVersion,
    *,
    data=None,
    files=None,
    initial: dict[str, Any] | None = None,
) -> ApplicationForm:
    """The Django form of the version's definition (stored or generic), without file slots."""
    return ApplicationForm(data, files, initial=initial, definition=definition_for(version))


def _json_value(value: Any) -> Any:
    if isinstance(value, datetime.date):
        return value.isoformat()
    if isinstance(value, decimal.Decimal):
        value = value.normalize()
        return int(value) if value == value.to_integral_value() else str(value)
    if isinstance(value, (list, tuple)):
        return [_json_value(item) for item in value]
    return value


def answers_to_json(form: ApplicationForm) -> dict[str, Any]:
    """A valid form's answers as JSON-safe data: dates ISO, decimals as int or text."""
    return {name: _json_value(value) for name, value in form.cleaned_data.items()}


def _stored_as_input(field: forms.Field, value: Any) -> Any:
    # A stored answer in the shape the field's clean() takes: an address as its parts, a
    # yes/no as the radio button's value; JSON text, numbers, ISO dates and lists as they are.
    if isinstance(field, forms.MultiValueField):
        return field.widget.decompress(value)
    return field.prepare_value(value) if isinstance(field, YesNoField) else value


def answers_errors(version: ProcedureVersion, answers: dict[str, Any]) -> dict[str, list[str]]:
    """The stored (JSON) answers checked field by field, by the very fields of the form:
    {field name: messages}, empty when the answers are complete and valid."""
    errors: dict[str, list[str]] = {}
    for _section, spec in _fields(definition_for(version)):
        if spec.get("type") == "file":
            continue
        field = _build_field(spec)
        try:
            field.clean(_stored_as_input(field, (answers or {}).get(spec["name"])))
        except ValidationError as error:
            errors[spec["name"]] = error.messages
    return errors


def _display(spec: dict[str, Any], value: Any) -> str:
    kind = spec.get("type")
    if value in (None, "", []):
        return ""
    if kind == "date":
        try:
            return datetime.date.fromisoformat(value).strftime("%d/%m/%Y")
        except (TypeError, ValueError):
            return str(value)
    if kind == "money":
        return vnd(int(value))
    if kind == "yesno":
        return _("Yes") if value else _("No")
    if kind in _CHOICE_TYPES:
        labels = dict(tuple(pair) for pair in spec.get("choices", []))
        values = value if isinstance(value, list) else [value]
        return ", ".join(labels.get(item, str(item)) for item in values)
    if kind == "address" and isinstance(value, dict):
        names = [unit.name for unit in reversed(_unit_chain(value.get("unit", "")))]
        return ", ".join([value.get("street", ""), *names]).strip(", ")
    return str(value)


def answers_display(
    version: ProcedureVersion, answers: dict[str, Any]
) -> list[tuple[str, list[tuple[str, str]]]]:
    """(section title, [(label, value as shown)]) for the review page and the PDFs."""
    shown = []
    for section in definition_for(version).get("sections", []):
        rows = [
            (spec["label"], _display(spec, answers.get(spec["name"])))
            for spec in section.get("fields", [])
            if spec.get("type") != "file"
        ]
        if rows:
            shown.append((section.get("title", ""), rows))
    return shown


def prefill_from_user(version: ProcedureVersion, user: Any) -> dict[str, Any]:
    """Initial values from the applicant's profile for the fields that ask for it."""
    initial = {}
    for _section, spec in _fields(definition_for(version)):
        source = spec.get("prefill")
        if not source or spec.get("type") == "file":
            continue
        value = getattr(user, source, "") or ""
        if value:
            # The profile's address is one line: it goes to the street, the units are chosen.
            address = spec.get("type") == "address"
            initial[spec["name"]] = {"unit": "", "street": value} if address else value
    return initial
