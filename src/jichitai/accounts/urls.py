"""/accounts/: the login flow (password → second factor → municipality) and enrollment."""

from django.urls import path

from . import views

app_name = "accounts"
urlpatterns = [
    path("login/", views.login_view, name="login"),
    path("second-factor/", views.second_factor_view, name="second_factor"),
    path("choose-municipality/", views.choose_municipality_view, name="choose_municipality"),
    path("logout/", views.logout_view, name="logout"),
    path("password/", views.password_change_view, name="password_change"),
    path("devices/", views.devices_view, name="devices"),
    path("devices/totp/add/", views.totp_add_view, name="totp_add"),
    path("devices/security-key/add/", views.security_key_add_view, name="security_key_add"),
    path(
        "devices/<str:kind>/<int:pk>/remove/", views.device_remove_view, name="device_remove"
    ),
]
