"""Django REST framework's own messages that the API can return, for the Vietnamese catalogue.

DRF ships a Vietnamese catalogue with a handful of entries. Listing the English originals here
lets `makemessages` put them in this app's catalogue, which Django consults before DRF's (this
app comes first in INSTALLED_APPS), so a client sees Vietnamese messages. The strings must stay
exactly as DRF writes them.
"""

from django.utils.translation import gettext_noop

DRF_MESSAGES = [
    gettext_noop("A server error occurred."),
    gettext_noop("Invalid input."),
    gettext_noop("Malformed request."),
    gettext_noop("Incorrect authentication credentials."),
    gettext_noop("Authentication credentials were not provided."),
    gettext_noop("You do not have permission to perform this action."),
    gettext_noop("Not found."),
    gettext_noop('Method "{method}" not allowed.'),
    gettext_noop("Could not satisfy the request Accept header."),
    gettext_noop('Unsupported media type "{media_type}" in request.'),
    gettext_noop("This field may not be null."),
    gettext_noop("This field may not be blank."),
    gettext_noop("Ensure this field has no more than {max_length} characters."),
    gettext_noop("Null characters are not allowed."),
    gettext_noop("Surrogate characters are not allowed: U+{code_point:X}."),
    gettext_noop("A valid integer is required."),
    gettext_noop('"{input}" is not a valid choice.'),
]
