"""How many new conversations one address may open: a per-socket frame limit alone lets a script
open a fresh socket, and a fresh conversation, again and again."""

from django.core.cache import cache

NEW_CONVERSATIONS_PER_ADDRESS = 30
WINDOW_SECONDS = 600


def new_conversation_allowed(address: str) -> bool:
    """Count one new conversation for `address`; False once it is over the limit in the window."""
    if not address:
        return True
    key = f"chat:new-conversations:{address}"
    if cache.add(key, 1, timeout=WINDOW_SECONDS):
        return True
    try:
        return cache.incr(key) <= NEW_CONVERSATIONS_PER_ADDRESS
    except ValueError:  # expired between add and incr
        cache.add(key, 1, timeout=WINDOW_SECONDS)
        return True
