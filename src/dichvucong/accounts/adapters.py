from allauth.account.adapter import DefaultAccountAdapter
from django.conf import settings


class AccountAdapter(DefaultAccountAdapter):
    def is_open_for_signup(self, request) -> bool:
        # Local applicant registration can be turned off once national sign-in exists (S11).
        return settings.DVC_LOCAL_SIGNUP
