from django.shortcuts import render


def directory(request):
    # Replaced by the agencies work: the public directory of one-stop desks.
    return render(request, "web/home.html")
