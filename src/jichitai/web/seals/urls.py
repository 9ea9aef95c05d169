"""/seals/: 印鑑登録 screens. No path parameters: the card number travels in the query or form."""

from django.urls import path

from . import views

app_name = "seals"
urlpatterns = [
    path("", views.index_view, name="index"),
    path("register/", views.register_view, name="register"),
    path("abolish/", views.abolish_view, name="abolish"),
    path("lost/", views.lost_view, name="lost"),
    path("change/", views.change_view, name="change"),
]
