# Replaced by the catalogue pages work.
from django.http import Http404
from django.shortcuts import render


def catalogue(request):
    return render(request, "web/home.html")


def procedure_detail(request, local_code: str):
    raise Http404
