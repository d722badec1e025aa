"""The profile page. Log-in, registration, passwords and e-mail confirmation are allauth's
views (mounted at /tai-khoan/), rendered with this app's templates in templates/account/."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from dichvucong.core.errors import ServiceError

from . import permissions, selectors, services
from .forms import APPLICANT_FIELDS, ProfileForm


@login_required
@require_http_methods(["GET", "POST"])
def profile(request):
    user = request.user
    if not permissions.can(user, "profile.edit", user):
        raise PermissionDenied
    if request.method == "POST":
        form = ProfileForm(request.POST, user=user)
        if form.is_valid():
            try:
                services.user_profile_update(
                    user=user, **{name: form.cleaned_data[name] for name in APPLICANT_FIELDS}
                )
            except ServiceError as error:
                form.add_service_error(error)
            else:
                messages.success(request, _("Your details have been saved."))
                return redirect("accounts:profile")
    else:
        form = ProfileForm(user=user)
    return render(
        request,
        "accounts/profile.html",
        {"form": form, "memberships": selectors.membership_active_for(user=user)},
    )


@login_required
def email_management_closed(request):
    # The e-mail address is the login and the identity's contact: changing it goes through
    # the support desk, so that every change has one audited write path.
    messages.info(
        request,
        _("To change your e-mail address, contact the portal's technical support."),
    )
    return redirect("accounts:profile")
