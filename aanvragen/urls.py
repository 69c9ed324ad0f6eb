from django.urls import path

from aanvragen import views

app_name = "aanvragen"
urlpatterns = [
    path("", views.home, name="home"),
]
