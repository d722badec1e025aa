"""Mounted by the api app at /api/v1/procedures/."""

from django.urls import path

from . import views

urlpatterns = [
    path("", views.ProcedureListView.as_view(), name="procedure-list"),
    path("<str:code>/", views.ProcedureDetailView.as_view(), name="procedure-detail"),
]
