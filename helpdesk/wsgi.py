"""WSGI entry point, for serving plain HTTP through a WSGI server (WebSockets need Daphne)."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "helpdesk.settings")

application = get_wsgi_application()

from helpdesk.core.heap import settle  # noqa: E402 (needs the apps loaded)

settle()
