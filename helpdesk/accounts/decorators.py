from django.contrib.auth.decorators import login_required, permission_required


def staff_permission_required(permission: str):
    """Send anonymous visitors to the staff sign-in; answer 403 to staff without the permission."""

    def decorate(view):
        return login_required(permission_required(permission, raise_exception=True)(view))

    return decorate
