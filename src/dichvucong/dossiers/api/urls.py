from django.urls import path

from . import views

urlpatterns = [
    path("<str:code>/status/", views.DossierPublicStatusView.as_view(), name="dossier-status"),
]
