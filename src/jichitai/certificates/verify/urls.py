from django.urls import path

from .views import index_view, verify_view

app_name = "verify"
urlpatterns = [
    path("", index_view, name="index"),
    path("<str:code>", verify_view, name="certificate"),
]
