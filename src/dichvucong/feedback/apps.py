from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class FeedbackConfig(AppConfig):
    name = "dichvucong.feedback"
    verbose_name = _("Feedback and ratings")
    default_auto_field = "django.db.models.BigAutoField"
