"""Keys and rates for the sign-in forms' rate limits (django-ratelimit)."""

SIGN_IN_RATE_PER_IP = "20/m"
SIGN_IN_RATE_PER_ACCOUNT = "5/m"


def posted_email(field: str):
    """Return a rate-limit key: the posted address, so 'Sara@x' and ' sara@x' share one counter."""

    def key(group, request) -> str:
        return request.POST.get(field, "").strip().lower()

    return key
