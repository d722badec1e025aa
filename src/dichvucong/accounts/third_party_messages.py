"""Other packages' user-visible messages, listed so that this app's catalogue translates them.

django-allauth ships no Vietnamese catalogue, and Django 5.2's lacks or words poorly a few
messages an applicant meets at registration. Django merges the catalogues of all apps and the
app listed first in INSTALLED_APPS wins, so accounts/locale/vi translates allauth's msgids.
`makemessages` only reads this project's files: these gettext_noop calls put the exact msgids
(copied from the installed allauth) into the catalogue and keep them there. Only the ones a
user of this portal can meet are listed (e-mail log-in, no username, no phone, no codes).
"""

from django.utils.translation import gettext_noop, ngettext_lazy

ADAPTER_ERRORS = (
    gettext_noop("This account is currently inactive."),
    gettext_noop("The email address and/or password you specified are not correct."),
    gettext_noop("A user is already registered with this email address."),
    gettext_noop("Please type your current password."),
    gettext_noop("Incorrect password."),
    gettext_noop("Invalid or expired key."),
    gettext_noop("Invalid login."),
    gettext_noop("The password reset token was invalid."),
    gettext_noop("Too many failed login attempts. Try again later."),
    gettext_noop("The email address is not assigned to any user account."),
    gettext_noop("Your primary email address must be verified."),
    gettext_noop("The new value must be different from the current one."),
    gettext_noop("Be patient, you are sending too many requests."),
)

FORM_LABELS = (
    gettext_noop("Email"),
    gettext_noop("Email address"),
    gettext_noop("Forgot your password?"),
    gettext_noop("You must type the same password each time."),
    gettext_noop("Password"),
    gettext_noop("Password (again)"),
    gettext_noop("Remember Me"),
    gettext_noop("Current Password"),
    gettext_noop("New Password"),
    gettext_noop("New Password (again)"),
)

# templates/account/messages/*.txt (shown with Django's messages framework).
FLASH_MESSAGES = (
    gettext_noop("Confirmation email sent to %(email)s."),
    gettext_noop("You have confirmed %(email)s."),
    gettext_noop(
        "Unable to confirm %(email)s because it is already confirmed by a different account."
    ),
    gettext_noop("Successfully signed in as %(name)s."),
    gettext_noop("You have signed out."),
    gettext_noop("Password successfully changed."),
    gettext_noop("Password successfully set."),
)

# allauth.account.models, shown in the Django admin.
MODEL_NAMES = (
    gettext_noop("email address"),
    gettext_noop("email addresses"),
    gettext_noop("verified"),
    gettext_noop("primary"),
    gettext_noop("created"),
    gettext_noop("sent"),
    gettext_noop("key"),
    gettext_noop("email confirmation"),
    gettext_noop("email confirmations"),
    gettext_noop("Accounts"),
)

# Django's own messages that its Vietnamese catalogue leaves untranslated (the msgid changed in
# Django 5.2) or translates unclearly ("Nhập địa chỉ email." does not say what is wrong).
DJANGO_MESSAGES = (
    ngettext_lazy(
        "This password is too short. It must contain at least %d character.",
        "This password is too short. It must contain at least %d characters.",
        10,
    ),
    gettext_noop("Enter a valid email address."),
)
