"""The public catalogue: search and filter the published procedures, read one, download its forms.

Interfaces only: parse the query string, call the selectors, shape the page.
"""

from __future__ import annotations

import datetime
import logging

from django import forms
from django.core.paginator import Paginator
from django.http import FileResponse, Http404
from django.shortcuts import render
from django.utils import timezone
from django.utils.cache import patch_vary_headers
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET

from dichvucong.agencies.models import Level
from dichvucong.agencies.worktime import SAME_DAY_CUTOFF
from dichvucong.core.errors import NoRuleSetInForce
from dichvucong.core.filenames import clean_file_name
from dichvucong.core.selectors import ruleset_in_force

from . import selectors
from .models import OnlineLevel

logger = logging.getLogger(__name__)

PAGE_SIZE = 20

LEVEL_CHOICES = [
    ("", _("All levels")),
    (Level.PROVINCE.value, _("Province level")),
    (Level.DISTRICT.value, _("District level")),
    (Level.COMMUNE.value, _("Commune level")),
]
ONLINE_LEVEL_CHOICES = [
    ("", _("All online levels")),
    (OnlineLevel.FULL.value, _("Level 4: full online")),
    (OnlineLevel.PARTIAL.value, _("Level 3: partly online")),
    (OnlineLevel.FORMS.value, _("Level 2: forms to download")),
    (OnlineLevel.INFORMATION.value, _("Level 1: information")),
]
SUBJECT_CHOICES = [
    ("", _("Citizens and organisations")),
    ("citizens", _("Citizens")),
    ("organisations", _("Organisations")),
]


class CatalogueFilterForm(forms.Form):
    """The catalogue's GET form; the choices of sector, field and agency come from the facets."""

    q = forms.CharField(
        label=_("Keywords"),
        required=False,
        max_length=selectors.MAX_QUERY_LENGTH,
        help_text=_("With or without diacritics, e.g. “dang ky khai sinh”."),
        widget=forms.SearchInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
    )
    sector = forms.ChoiceField(label=_("Sector"), required=False)
    field = forms.ChoiceField(label=_("Field"), required=False)
    agency = forms.ChoiceField(label=_("Agency"), required=False)
    level = forms.ChoiceField(
        label=_("Administrative level"), required=False, choices=LEVEL_CHOICES
    )
    online_level = forms.TypedChoiceField(
        label=_("Online service level"),
        required=False,
        choices=ONLINE_LEVEL_CHOICES,
        coerce=int,
        empty_value=None,
    )
    subject = forms.ChoiceField(label=_("For"), required=False, choices=SUBJECT_CHOICES)

    FILTERS = ("sector", "field", "agency", "level", "online_level", "subject")

    def __init__(self, *args, facets: selectors.CatalogueFacets, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["sector"].choices = [("", _("All sectors"))] + [
            (sector.code, f"{sector.name} ({sector.count})") for sector in facets.sectors
        ]
        self.fields["field"].choices = [("", _("All fields"))] + [
            (
                sector.name,
                [(field.code, f"{field.name} ({field.count})") for field in sector.fields],
            )
            for sector in facets.sectors
        ]
        self.fields["agency"].choices = [("", _("All agencies"))] + [
            (agency.code, agency.name) for agency in facets.agencies
        ]

    def search_arguments(self) -> dict:
        """procedure_search's keywords from the valid values; an invalid one is left out (and
        reported next to its field) rather than emptying the page."""
        self.is_valid()
        data = self.cleaned_data
        arguments = {"query": data.get("q") or ""}
        for name in self.FILTERS:
            value = data.get(name)
            arguments[name] = value if value not in ("", None) else None
        return arguments


@require_GET
def catalogue(request):
    facets = selectors.catalogue_facets()
    form = CatalogueFilterForm(request.GET, facets=facets)
    arguments = form.search_arguments()
    versions = selectors.procedure_search(**arguments)
    page = Paginator(versions, PAGE_SIZE).get_page(request.GET.get("page"))
    others = request.GET.copy()
    others.pop("page", None)
    context = {
        "form": form,
        "facets": facets,
        "page": page,
        "query": arguments["query"].strip(),
        "filtered": any(arguments[name] is not None for name in CatalogueFilterForm.FILTERS),
        "page_query": others.urlencode(),
    }
    # htmx refreshes only the results when a filter changes or the visitor types.
    template = "catalog/_results.html" if request.htmx else "catalog/list.html"
    response = render(request, template, context)
    patch_vary_headers(response, ("HX-Request",))
    return response


def _default_same_day_cutoff() -> datetime.time:
    try:
        return ruleset_in_force(at=timezone.now()).same_day_cutoff
    except NoRuleSetInForce:
        return SAME_DAY_CUTOFF


@require_GET
def procedure_detail(request, local_code: str):
    version = selectors.procedure_get_public(local_code=local_code)
    if version is None:
        raise Http404(_("No published procedure has this code."))
    default_cutoff = None
    # A same-day option without its own cut-off follows the rule set in force (one query, and
    # only then).
    if any(option.same_day and option.cutoff is None for option in version.time_options.all()):
        default_cutoff = _default_same_day_cutoff()
    return render(
        request,
        "catalog/detail.html",
        {
            "version": version,
            "procedure": version.procedure,
            "default_cutoff": default_cutoff,
            "has_unverified": bool(version.unverified),
        },
    )


@require_GET
def component_template(request, component_id: int):
    """Stream a form template of a published version from storage (there is no public media URL)."""
    component = selectors.component_get_public_template(component_id=component_id)
    if component is None:
        raise Http404(_("This form is not published."))
    name = component.template.name
    try:
        handle = component.template.storage.open(name, "rb")
    except FileNotFoundError:
        logger.error("Form template %s of component %s is missing from storage", name, component.pk)
        raise Http404(_("This form is not available.")) from None
    # The stored name passed Django's get_valid_filename and the template check (extension
    # and content agree); cleaned once more for what a screen would show.
    return FileResponse(handle, as_attachment=True, filename=clean_file_name(name))
