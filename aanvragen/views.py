from django.shortcuts import render


def home(request):
    """Start page of the aanvraag site for every logged-in, verified user."""
    return render(request, "aanvragen/home.html")
