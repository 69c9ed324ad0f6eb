from django.urls import path

from orgadmin import export, logbook, views

app_name = "orgadmin"
urlpatterns = [
    path("", views.start, name="start"),
    path("gebruikers/", views.user_list, name="user_list"),
    path("gebruikers/nieuw/", views.user_add, name="user_add"),
    path("gebruikers/exporteren/", export.user_export, name="user_export"),
    path("logboek/", logbook.logbook, name="logbook"),
    path("gebruiker/<str:username>/", views.user_detail, name="user_detail"),
    path("gebruiker/<str:username>/aangemaakt/", views.user_added, name="user_added"),
    path("gebruiker/<str:username>/verwijderen/", views.user_delete, name="user_delete"),
    path("gebruiker/<str:username>/verwijderd/", views.user_deleted, name="user_deleted"),
    path("organisatie/", views.organisation, name="organisation"),
]
