from django.urls import path

from orgadmin import export, factor_views, imports, logbook, views

app_name = "orgadmin"
urlpatterns = [
    path("", views.start, name="start"),
    path("gebruikers/", views.user_list, name="user_list"),
    path("gebruikers/nieuw/", views.user_add, name="user_add"),
    path("gebruikers/importeren/", imports.import_upload, name="import_upload"),
    path("gebruikers/importeren/<int:import_id>/", imports.import_detail, name="import_detail"),
    path("gebruikers/importeren/<int:import_id>/bevestigen/", imports.import_confirm, name="import_confirm"),
    path("gebruikers/importeren/<int:import_id>/rapport.csv", imports.import_report_csv, name="import_report_csv"),
    path("gebruikers/exporteren/", export.user_export, name="user_export"),
    path("logboek/", logbook.logbook, name="logbook"),
    path("gebruiker/<str:username>/", views.user_detail, name="user_detail"),
    path("gebruiker/<str:username>/aangemaakt/", views.user_added, name="user_added"),
    path("gebruiker/<str:username>/verwijderen/", views.user_delete, name="user_delete"),
    path("gebruiker/<str:username>/verwijderd/", views.user_deleted, name="user_deleted"),
    path(
        "gebruiker/<str:username>/inlogmethoden-herstellen/",
        factor_views.user_factors_reset,
        name="user_factors_reset",
    ),
    path("organisatie/", views.organisation, name="organisation"),
]
