from django.http import JsonResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from .health import health_answer, health_details_allowed, health_report


@require_GET
def home(request):
    return render(request, "web/home.html")


@never_cache
@require_GET
def healthz(request):
    report = health_report()
    answer = health_answer(report, details=health_details_allowed(request))
    return JsonResponse(answer, status=200 if report["ok"] else 503)


def _error(request, status: int, template: str):
    return render(request, f"web/errors/{template}.html", status=status)


def bad_request(request, exception=None):
    return _error(request, 400, "400")


def permission_denied(request, exception=None):
    return _error(request, 403, "403")


def page_not_found(request, exception=None):
    return _error(request, 404, "404")


def server_error(request):
    return _error(request, 500, "500")
