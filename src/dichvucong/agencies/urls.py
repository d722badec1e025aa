from django.urls import path

from . import views

app_name = "agencies"

urlpatterns = [
    path("", views.directory, name="directory"),
    path("don-vi-hanh-chinh/con/", views.unit_children, name="unit-children"),
    path("<str:code>/", views.detail, name="detail"),
]
