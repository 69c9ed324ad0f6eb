"""Small request helpers shared by the views of every site and the CIZ admin."""

from django.http import HttpRequest


def posted(request: HttpRequest, *, files: bool = False):
    """Form data for a POST (even an empty one, which must show 'required' errors), None for a GET."""
    if request.method != "POST":
        return (None, None) if files else None
    return (request.POST, request.FILES) if files else request.POST
