"""The public agency directory: one-stop desks' addresses, phones, e-mails, opening hours
(seed S20, S25)."""

import re
from itertools import groupby

from django.http import Http404
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET

from . import selectors
from .forms import DirectoryFilterForm
from .models import AdministrativeUnit, Agency, Level

GROUP_HEADINGS = {
    Level.PROVINCE.value: _("Provincial agencies"),
    Level.DISTRICT.value: _("District level"),
    Level.COMMUNE.value: _("Commune level"),
}


@require_GET
def directory(request):
    form = DirectoryFilterForm(request.GET or None)
    query = level = None
    if form.is_valid():
        query = form.cleaned_data["q"] or None
        level = form.cleaned_data["level"] or None
    agencies = selectors.agency_list_directory(query=query, level=level)
    groups = [
        {"level": key, "heading": GROUP_HEADINGS[key], "agencies": list(rows)}
        for key, rows in groupby(agencies, key=lambda agency: agency.level)
    ]
    return render(
        request,
        "agencies/directory.html",
        {
            "form": form,
            "groups": groups,
            "count": len(agencies),
            "filtered": bool(query or level),
        },
    )


@require_GET
def detail(request, code: str):
    try:
        agency = selectors.agency_get_by_code(code=code)
    except Agency.DoesNotExist:
        raise Http404(_("No agency has this code.")) from None
    today = timezone.localdate()
    current = None
    if not agency.is_active_on(today):
        current = selectors.agency_resolve_current(code=agency.code, at=today)
    return render(
        request,
        "agencies/detail.html",
        {"agency": agency, "is_active": agency.is_active_on(today), "current": current},
    )


_SELECT_ID = re.compile(r"id_[A-Za-z0-9_-]{1,100}")


@require_GET
def unit_children(request):
    """<option>s of the units under a unit, in force today (the address pickers' htmx source).

    The parent's code comes as `parent`, or in the parameter `from` names (htmx sends the
    changed select under its own name)."""
    code = request.GET.get("parent")
    if code is None and request.GET.get("from"):
        code = request.GET.get(request.GET["from"], "")
    code = (code or "").strip()
    units = []
    if code:
        parent = AdministrativeUnit.objects.active().filter(code=code).first()
        if parent is not None:
            units = selectors.unit_children(unit=parent)
    # The id of a dependent select to empty as well (htmx swaps it out of band).
    reset = request.GET.get("reset", "")
    if not _SELECT_ID.fullmatch(reset):
        reset = ""
    return render(request, "agencies/unit_options.html", {"units": units, "reset": reset})
