"""Every request runs with Dutch activated, and leaves no language behind."""

from django.conf import settings
from django.http import HttpResponse
from django.test import RequestFactory
from django.utils import translation
from django.utils.translation import trans_real

from portero.language import LanguageMiddleware


def test_a_request_runs_with_dutch_active_and_leaves_nothing_active():
    seen = {}

    def view(request):
        seen["active"] = getattr(trans_real._active, "value", None)
        seen["text"] = translation.gettext("Uitloggen")
        return HttpResponse()

    translation.deactivate()  # as a worker is between two requests (another test may have left one active)
    LanguageMiddleware(view)(RequestFactory().get("/"))
    assert seen["active"] is not None and seen["active"].language() == "nl"
    assert getattr(trans_real._active, "value", None) is None


def test_a_failing_view_leaves_nothing_active():
    def view(request):
        raise ValueError

    translation.deactivate()
    try:
        LanguageMiddleware(view)(RequestFactory().get("/"))
    except ValueError:
        pass
    assert getattr(trans_real._active, "value", None) is None


def test_the_language_is_active_before_any_layer_that_renders():
    middleware = settings.MIDDLEWARE
    assert middleware.index("portero.language.LanguageMiddleware") < middleware.index(
        "django.contrib.sessions.middleware.SessionMiddleware"
    )
