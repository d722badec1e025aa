from django.conf import settings


def portal(request):
    return {
        "portal_name": settings.DVC_PORTAL_NAME,
        "portal_short_name": settings.DVC_PORTAL_SHORT_NAME,
        "portal_emblem": settings.DVC_PORTAL_EMBLEM,
        "it_contact": settings.DVC_IT_CONTACT,
        "local_signup": settings.DVC_LOCAL_SIGNUP,
    }
