from django.urls import path

from . import views

app_name = "catalog"

urlpatterns = [
    path("", views.catalogue, name="list"),
    path("mau/<int:component_id>/", views.component_template, name="template"),
    # The same URL under the name the API's serializers reverse.
    path("mau/<int:component_id>/", views.component_template, name="component-template"),
    path("<str:local_code>/", views.procedure_detail, name="detail"),
]
