import time
from datetime import timedelta

import pytest
from django.utils import timezone


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
