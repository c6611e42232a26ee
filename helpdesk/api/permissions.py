from django.utils.translation import gettext_lazy as _
from rest_framework.permissions import BasePermission

from .models import ApiKey


class IsShopKey(BasePermission):
    message = _("This endpoint needs a shop API key.")

    def has_permission(self, request, view):
        return isinstance(request.auth, ApiKey) and request.auth.is_shop_key


class IsStaffKey(BasePermission):
    message = _("This endpoint needs a staff member's API key.")

    def has_permission(self, request, view):
        return isinstance(request.auth, ApiKey) and not request.auth.is_shop_key
