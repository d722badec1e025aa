"""The one-stop desk's pages under /mot-cua/ (names in the web namespace: web:desk-queue, ...)."""

from django.urls import path

from . import views

urlpatterns = [
    path("", views.queue, name="desk-queue"),
    path("ho-so/<int:pk>/", views.dossier_detail, name="desk-dossier"),
    path("ho-so/<int:pk>/tiep-nhan/", views.dossier_receive_view, name="desk-receive"),
    path("ho-so/<int:pk>/yeu-cau-bo-sung/", views.dossier_supplement_view, name="desk-supplement"),
    path("ho-so/<int:pk>/tu-choi/", views.dossier_refuse_view, name="desk-refuse"),
    path("ho-so/<int:pk>/dung-xu-ly/", views.dossier_stop_view, name="desk-stop"),
    path("ho-so/<int:pk>/da-tiep-nhan/", views.dossier_received, name="desk-received"),
    path("ho-so-giay/", views.paper_start, name="desk-paper-start"),
    path("ho-so-giay/<int:agency_pk>/<int:version_pk>/", views.paper_file, name="desk-paper-file"),
]
