from django.conf import settings


def service(request):
    return {"service_name": settings.SITE_NAME}
