from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "dichvucong.core"
    label = "core"
    verbose_name = _("Core: audit and rule sets")

    def ready(self) -> None:
        from django.db.backends.signals import connection_created

        from .text import connection_setup

        # SQLite gets `dvc_fold`, the SQL twin of core.text.fold (Fold in queries).
        connection_created.connect(connection_setup, dispatch_uid="core.text_setup")
