from django.urls import path

from .views import verify_view

app_name = "verify"
urlpatterns = [path("<str:code>", verify_view, name="certificate")]
