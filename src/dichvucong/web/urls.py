from django.urls import include, path

from . import views

app_name = "web"

urlpatterns = [
    path("", views.home, name="home"),
    path("healthz", views.healthz, name="healthz"),
    path("ho-so/", include("dichvucong.web.applicant.urls")),
    path("mot-cua/", include("dichvucong.web.desk.urls")),
    path("can-bo/", include("dichvucong.web.officer.urls")),
]
