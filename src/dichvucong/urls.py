from django.contrib import admin
from django.urls import include, path

from dichvucong.web import views as web_views

urlpatterns = [
    path("", include("dichvucong.web.urls")),
    path("thu-tuc/", include("dichvucong.catalog.urls")),
    path("co-quan/", include("dichvucong.agencies.urls")),
    path("giay-to/", include("dichvucong.documents.urls")),
    path("tra-cuu/", include("dichvucong.dossiers.urls")),
    path("danh-gia/", include("dichvucong.feedback.urls")),
    path("api/v1/", include("dichvucong.api.urls")),
    path("tai-khoan/", include("dichvucong.accounts.urls")),
    path("tai-khoan/", include("allauth.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
]

handler400 = web_views.bad_request
handler403 = web_views.permission_denied
handler404 = web_views.page_not_found
handler500 = web_views.server_error
