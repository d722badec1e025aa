from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DocumentsConfig(AppConfig):
    name = "dichvucong.documents"
    verbose_name = _("Generated documents")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        # Registers the transitions' side effects (workflow may not import this app).
        from . import effects  # noqa: F401
