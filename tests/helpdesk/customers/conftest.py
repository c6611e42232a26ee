import time
from datetime import timedelta

import pytest
from django.utils import timezone

from tests.helpdesk.permissions import FAST_PASSWORD_HASHERS


@pytest.fixture(autouse=True)
def _fast_passwords(settings):
    """The cast signs in for real here; a cheap hasher keeps that from dominating the run."""
    settings.PASSWORD_HASHERS = FAST_PASSWORD_HASHERS


class Clock:
    """Moves Django's clock and the signer's together, so links age without waiting."""

    def __init__(self, monkeypatch):
        self.offset = timedelta()
        real_now, real_time = timezone.now, time.time
        monkeypatch.setattr(timezone, "now", lambda: real_now() + self.offset)
        monkeypatch.setattr(time, "time", lambda: real_time() + self.offset.total_seconds())

    def advance(self, **kwargs) -> None:
        self.offset += timedelta(**kwargs)


@pytest.fixture
def clock(monkeypatch):
    return Clock(monkeypatch)
