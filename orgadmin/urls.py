from django.urls import path

from orgadmin import views

app_name = "orgadmin"
urlpatterns = [
    path("", views.start, name="start"),
]
