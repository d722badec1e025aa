from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CatalogConfig(AppConfig):
    name = "dichvucong.catalog"
    label = "catalog"
    verbose_name = _("Procedure catalogue")

    def ready(self) -> None:
        from django.db.backends.signals import connection_created

        from .trigram import connection_setup

        # SQLite gets the Python `similarity()` the search query calls; PostgreSQL gets the
        # similarity threshold of pg_trgm's `%` operator (catalog/trigram.py).
        connection_created.connect(connection_setup, dispatch_uid="catalog.trigram_setup")
