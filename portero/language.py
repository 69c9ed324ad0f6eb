"""The language of every request. Portero is Dutch only (settings.LANGUAGES): nothing is negotiated."""

from django.conf import settings
from django.utils import translation


class LanguageMiddleware:
    """Activates settings.LANGUAGE_CODE for the request and deactivates it afterwards.

    Without an active language Django still translates into LANGUAGE_CODE, but every look-up of the current language
    (each {% translate %}, each date or number shown) then fails an attribute look-up on asgiref's Local first, an
    exception each time: about 2 µs a look-up, some 60 of them on a page like the aanvraag home. No Accept-Language
    is read and no Vary header added, as Django's LocaleMiddleware would: there is one language to choose.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        translation.activate(settings.LANGUAGE_CODE)
        try:
            return self.get_response(request)
        finally:
            translation.deactivate()
