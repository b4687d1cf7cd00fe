"""Portal pages owned by core: the home page."""

from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.utils import timezone


@login_required
def home(request):
    """The signed-in user's start page."""
    return render(request, "core/home.html", {"now": timezone.now()})
