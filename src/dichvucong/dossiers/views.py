"""The public status lookup page (/tra-cuu/): a form with one field, the answer below it.

An interface: the page's per-client limit (429), the code's format (400, before any query),
the selector (404 when no dossier has the code), the whitelisted answer. The receipt's QR code
points to /tra-cuu/?ma=<code>.
"""

from __future__ import annotations

import math

from django import forms
from django.shortcuts import render
from django.utils.cache import patch_cache_control
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET

from .api.throttling import LookupRateThrottle
from .selectors.public import CODE_EXAMPLE, MalformedCode, dossier_public_status


class LookupForm(forms.Form):
    ma = forms.CharField(
        label=_("Dossier code"),
        max_length=60,
        help_text=_("Printed on your receipt, e.g. %(example)s.") % {"example": CODE_EXAMPLE},
        widget=forms.TextInput(
            attrs={"autocomplete": "off", "spellcheck": "false", "autocapitalize": "characters"}
        ),
    )


@require_GET
def lookup(request):
    code = request.GET.get("ma")
    if code is None:
        return render(request, "dossiers/lookup.html", {"form": LookupForm()})

    context = {"form": LookupForm(initial={"ma": code[:60]}), "code": code}
    throttle = LookupRateThrottle()
    if not throttle.allow_request(request, None):
        seconds = max(1, math.ceil(throttle.wait() or 1))
        context["retry_after"] = seconds
        response = render(request, "dossiers/lookup.html", context, status=429)
        response["Retry-After"] = str(seconds)
        return response
    try:
        found = dossier_public_status(code=code)
    except MalformedCode as exc:
        context["error"] = exc.message
        return render(request, "dossiers/lookup.html", context, status=400)
    if found is None:
        context["not_found"] = True
        return render(request, "dossiers/lookup.html", context, status=404)
    context["result"] = found
    response = render(request, "dossiers/lookup.html", context)
    # The status changes as the dossier moves: no shared cache keeps an old answer.
    patch_cache_control(response, no_cache=True, private=True)
    return response
