from django.urls import path

from . import views

app_name = "accounts"

# Included before allauth.urls under the same prefix (/tai-khoan/): a path here wins over
# allauth's path of the same name.
urlpatterns = [
    path("ho-so-ca-nhan/", views.profile, name="profile"),
    # allauth's e-mail management page is closed (see views.email_management_closed).
    path("email/", views.email_management_closed, name="email_closed"),
]
