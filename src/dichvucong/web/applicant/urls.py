"""The applicant's pages under /ho-so/ (names in the web namespace: web:dossier-list, ...)."""

from django.urls import path

from . import views

urlpatterns = [
    path("", views.dossier_list, name="dossier-list"),
    path("nop/<str:local_code>/", views.dossier_start, name="dossier-start"),
    path("<int:pk>/", views.dossier_detail, name="dossier-detail"),
    path("<int:pk>/to-khai/", views.dossier_form, name="dossier-form"),
    path("<int:pk>/giay-to/", views.dossier_files, name="dossier-files"),
    path(
        "<int:pk>/giay-to/<int:attachment_pk>/xoa/",
        views.dossier_file_remove,
        name="dossier-file-remove",
    ),
    path("<int:pk>/nhan-ket-qua/", views.dossier_delivery, name="dossier-delivery"),
    path("<int:pk>/xem-lai/", views.dossier_review, name="dossier-review"),
    path("<int:pk>/da-nop/", views.dossier_submitted, name="dossier-submitted"),
    path("<int:pk>/xoa/", views.dossier_delete, name="dossier-delete"),
    path("<int:pk>/nop-bo-sung/", views.dossier_resubmit_view, name="dossier-resubmit"),
    path("<int:pk>/rut/", views.dossier_withdraw, name="dossier-withdraw"),
    path("tep/<int:pk>/", views.attachment_download, name="attachment"),
    path("ket-qua/<int:pk>/", views.result_download, name="result-file"),
]
