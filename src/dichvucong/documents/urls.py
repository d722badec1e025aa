from django.urls import path

from . import views

app_name = "documents"

urlpatterns = [
    path("so-theo-doi/", views.register, name="register"),
    # Before the generic form path, whose <slug:kind> would match it too.
    path("ho-so/<int:pk>/phieu-kiem-soat.pdf", views.control_slip, name="control-slip"),
    # Before receipt a dossier has no code yet (a refusal, a supplement request): by its id.
    path("ho-so/<int:pk>/<slug:kind>.pdf", views.dossier_document, name="dossier-document-by-id"),
    path("<str:code>/<slug:kind>.pdf", views.dossier_document, name="dossier-document"),
]
