from django.urls import path

from . import views

app_name = "catalog"

urlpatterns = [
    path("", views.catalogue, name="list"),
    path("<str:local_code>/", views.procedure_detail, name="detail"),
]
