from django.urls import path

from . import help as help_pages
from . import screen_print, views

app_name = "web"
urlpatterns = [
    path("", views.home, name="home"),
    path("help/<slug:topic>/", help_pages.help_view, name="help"),
    path("screen-print/", screen_print.screen_print, name="screen_print"),
]
