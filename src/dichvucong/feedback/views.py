"""The rating page /danh-gia/<code>/: the dossier's applicant (signed in) or whoever holds the
paper with its QR code (the signed token `?t=`) rates the service once.

An unknown code, a malformed one and a wrong token all answer 404: the page never tells whether
a dossier exists to someone who may not rate it. Only the procedure and the code are shown.
"""

from __future__ import annotations

from urllib.parse import urlencode

from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from dichvucong.core.errors import ServiceError
from dichvucong.dossiers import access
from dichvucong.dossiers.api.throttling import LookupRateThrottle
from dichvucong.dossiers.models import Dossier
from dichvucong.dossiers.selectors.public import MalformedCode, dossier_code_check

from .constants import RatingVia
from .forms import RatingForm
from .selectors import dossier_for_rating, rating_for_dossier
from .services import rating_submit


def _dossier(code: str) -> Dossier:
    try:
        code = dossier_code_check(code=code)
    except MalformedCode:
        raise Http404 from None
    dossier = dossier_for_rating(code=code)
    if dossier is None:
        raise Http404
    return dossier


def _throttled(request) -> HttpResponse | None:
    # The paper's holder shares the public lookup's per-address budget: the page answers by
    # a code, like the lookup.
    throttle = LookupRateThrottle()
    if throttle.allow_request(request, None):
        return None
    response = HttpResponse(_("Too many requests. Try again in a minute."), status=429)
    response["Retry-After"] = str(max(1, int(throttle.wait() or 1)))
    return response


@require_http_methods(["GET", "POST"])
def rate(request, code: str):
    token = request.GET.get("t", "")
    user = request.user
    if not (user.is_authenticated and token == ""):
        refused = _throttled(request)
        if refused is not None:
            return refused
    dossier = _dossier(code)
    if not access.dossier_may_rate(user=user, dossier=dossier, token=token):
        raise Http404
    # Signed in as its applicant (not merely holding the paper): the comment is shown back.
    is_applicant = access.dossier_is_applicant(user=user, dossier=dossier)
    here = reverse("feedback:rate", kwargs={"code": dossier.code})
    if token:
        here = f"{here}?{urlencode({'t': token})}"

    rating = rating_for_dossier(dossier=dossier)
    form = None
    if rating is not None and request.method == "POST":
        messages.error(request, _("This dossier has already been rated. Thank you."))
        return redirect(here)
    if rating is None:
        form = RatingForm(request.POST or None)
        if request.method == "POST" and form.is_valid():
            try:
                rating_submit(
                    dossier=dossier,
                    via=RatingVia.WEB if is_applicant else RatingVia.QR,
                    actor=user if is_applicant else None,
                    **form.cleaned_data,
                )
            except ServiceError as error:
                messages.error(request, error.message)
            else:
                messages.success(request, _("Thank you for your rating."))
            return redirect(here)
    return render(
        request,
        "feedback/rate.html",
        {
            "dossier": dossier,
            "rating": rating,
            "form": form,
            "action": here,
            # The comment is the applicant's own words: shown back only to their account.
            "show_comment": is_applicant,
        },
        status=400 if form is not None and form.is_bound else 200,
    )
