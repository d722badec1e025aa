from django.contrib.auth.decorators import login_required
from django.shortcuts import render


@login_required
def profile(request):
    # Replaced by the accounts work: the profile page.
    return render(request, "web/home.html")
