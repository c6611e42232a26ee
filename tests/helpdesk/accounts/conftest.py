import pytest

from tests.helpdesk.permissions import FAST_PASSWORD_HASHERS


@pytest.fixture(autouse=True)
def _fast_passwords(settings):
    """The cast signs in for real here; a cheap hasher keeps that from dominating the run."""
    settings.PASSWORD_HASHERS = FAST_PASSWORD_HASHERS
