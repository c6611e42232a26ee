from django.conf import settings
from django.utils.translation import get_language, get_language_bidi

from helpdesk.accounts.roles import is_agent, is_manager


def shell(request):
    """What the base template needs on every page: direction, languages and the viewer's role."""
    user = getattr(request, "user", None)
    return {
        "site_name": settings.WAGTAIL_SITE_NAME,
        "text_direction": "rtl" if get_language_bidi() else "ltr",
        "current_language": get_language(),
        "viewer_is_agent": bool(user) and is_agent(user),
        "viewer_is_manager": bool(user) and is_manager(user),
        "viewer_customer": getattr(request, "customer", None) or None,
    }
