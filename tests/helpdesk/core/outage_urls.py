"""The site's URLs plus two views that find the database gone, for tests/helpdesk/core/test_outages.py."""

from django.db import OperationalError
from django.urls import path

from helpdesk.urls import urlpatterns as site_urlpatterns


def database_gone(request):
    raise OperationalError("connection to server at 127.0.0.1, port 5432 failed: Connection refused")


urlpatterns = [path("api/v1/_down/", database_gone), path("en/_down/", database_gone), *site_urlpatterns]
handler500 = "helpdesk.core.views.server_error"
