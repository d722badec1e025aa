from allauth.account.adapter import DefaultAccountAdapter
from allauth.account.internal import flows
from django.conf import settings
from django.core.exceptions import PermissionDenied

from dichvucong.core.middleware import client_ip


class AccountAdapter(DefaultAccountAdapter):
    def is_open_for_signup(self, request) -> bool:
        # Local applicant registration can be turned off once national sign-in exists (S11).
        return settings.DVC_LOCAL_SIGNUP

    def get_client_ip(self, request) -> str:
        # allauth's login, sign-up and reset limits count the address the rest of the portal
        # sees (its own reading trusts X-Forwarded-For from any peer).
        address = client_ip(request)
        if not address:
            raise PermissionDenied("Unable to determine client IP address")
        return address

    def send_identifier_already_registered_mail(self, user) -> None:
        """Tells an account's owner that someone tried to register with their ID number or
        tax code (the sign-up page does not say it: decision 0013)."""
        request = self.request
        context = {
            "user": user,
            "organisation": bool(user.tax_code),
            "password_reset_url": flows.password_reset.get_reset_password_url(request),
        }
        self.send_mail("account/email/identifier_already_registered", user.email, context)
