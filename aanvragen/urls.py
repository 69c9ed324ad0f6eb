from django.urls import path

from aanvragen import views

app_name = "aanvragen"
urlpatterns = [
    path("", views.home, name="home"),
    path("clienten/zoeken/", views.client_search, name="client_search"),
    path("clienten/gegevens/", views.client_detail, name="client_detail"),
    path("clienten/toestemming/<slug:kind>/", views.consent_create, name="consent_create"),
    path("aanvragen/", views.aanvraag_list, name="list"),
    path("aanvragen/nieuw/", views.aanvraag_new, name="new"),
    path("aanvragen/<int:pk>/", views.aanvraag_detail, name="detail"),
    path("aanvragen/<int:pk>/stap/<slug:step>/", views.aanvraag_step, name="step"),
    path("aanvragen/<int:pk>/bijlagen/", views.aanvraag_bijlagen, name="bijlagen"),
    path("aanvragen/<int:pk>/bijlagen/<int:bijlage_pk>/", views.bijlage_download, name="bijlage_download"),
    path("aanvragen/<int:pk>/bijlagen/<int:bijlage_pk>/verwijderen/", views.bijlage_delete, name="bijlage_delete"),
    path("aanvragen/<int:pk>/controleren/", views.aanvraag_review, name="review"),
    path("aanvragen/<int:pk>/ontvangen/", views.aanvraag_receipt, name="receipt"),
    path("besluiten/artikel-21/", views.wzd_besluiten, name="besluiten"),
]
