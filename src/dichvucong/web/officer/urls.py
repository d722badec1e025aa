"""The officers' pages under /can-bo/ (names in the web namespace: web:officer-inbox, ...)."""

from django.urls import path

from . import views

urlpatterns = [
    path("", views.inbox_view, name="officer-inbox"),
    path("ho-so/<int:pk>/", views.dossier_detail, name="officer-dossier"),
    path("ho-so/<int:pk>/xu-ly/<slug:action>/", views.dossier_action, name="officer-action"),
    path(
        "ho-so/<int:pk>/giay-to/<int:attachment_pk>/",
        views.attachment_download,
        name="officer-attachment",
    ),
    path("ho-so/<int:pk>/ket-qua/<int:file_pk>/", views.result_download, name="officer-result"),
    path("vi-pham/", views.violations_view, name="officer-violations"),
]
