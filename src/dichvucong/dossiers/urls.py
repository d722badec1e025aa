from django.urls import path

from . import views

app_name = "dossiers"

urlpatterns = [
    path("", views.lookup, name="lookup"),
]
