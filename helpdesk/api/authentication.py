from django.utils.translation import gettext_lazy as _
from rest_framework import authentication, exceptions
from simple_history.models import HistoricalRecords

from .keys import api_key_check


class ShopPrincipal:
    """The request's user when a shop key (not tied to a staff member) authenticates."""

    is_authenticated = True
    is_active = True
    is_staff = False
    is_superuser = False
    pk = None

    def __init__(self, key):
        self.key = key

    def __str__(self):
        return f"shop:{self.key.name}"

    def has_perm(self, perm, obj=None):
        return False


class ApiKeyAuthentication(authentication.BaseAuthentication):
    """`Authorization: Bearer hd_<prefix>_<secret>`."""

    keyword = "Bearer"

    def authenticate(self, request):
        header = authentication.get_authorization_header(request).decode("latin-1")
        if not header:
            return None
        scheme, _sep, raw = header.partition(" ")
        if scheme.lower() != self.keyword.lower():
            return None
        key = api_key_check(raw.strip())
        if key is None:
            raise exceptions.AuthenticationFailed(_("The API key is not valid, has expired or was revoked."))
        if key.user is not None:
            return key.user, key
        _record_history_without_user()
        return ShopPrincipal(key), key

    def authenticate_header(self, request):
        return self.keyword


def _record_history_without_user():
    """Keep the shop principal out of django-simple-history, whose user column takes staff users only.

    DRF also sets the principal on the Django request, where the history middleware would read it.
    """
    HistoricalRecords.context.request = None
