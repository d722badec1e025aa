from django.apps import AppConfig
from django.db.models.signals import post_migrate
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
        post_migrate.connect(_grant_app_role, sender=self, dispatch_uid="core_grant_app_role")


def _grant_app_role(sender, using, **kwargs):
    """After every migrate as the owner, the application role gets its rights on the new tables
    too (decision 0011). Nothing to do without DVC_DB_APP_ROLE or on SQLite."""
    from django.conf import settings
    from django.db import connections

    from .dbroles import app_role_grant

    role = getattr(settings, "DVC_DB_APP_ROLE", "")
    connection = connections[using]
    if not role or connection.vendor != "postgresql":
        return
    with connection.cursor() as cursor:
        cursor.execute("SELECT current_user")
        if cursor.fetchone()[0] == role:
            return  # migrated as the application role itself: nothing it could grant
    app_role_grant(role=role, using=using)
