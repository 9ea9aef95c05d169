"""HTTP API (django-ninja, OpenAPI): a thin entry point over domain functions."""

from django.urls import path

from .v1 import api

urlpatterns = [path("v1/", api.urls)]
