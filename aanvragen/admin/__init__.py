"""The CIZ admin of aanvragen, one module per domain: the client register (`clients`), the applications
(`aanvraag`), the spot checks and sanctions (`steekproeven`), and the work queue as the admin's start page
(`werkvoorraad`)."""

from django.contrib import admin

from aanvragen.admin import aanvraag, clients, steekproeven, werkvoorraad

__all__ = ["aanvraag", "clients", "steekproeven", "werkvoorraad"]

werkvoorraad.install(admin.site)
