"""Feed real .eml files through `manage.py ingest_email`, the way a mail server's pipe does."""

import io
import sys
from pathlib import Path
from string import Template

import pytest
from django.core.management import CommandError, call_command

EMAILS = Path(__file__).parent / "emails"
SUPPORT = "support@helpdesk.test"


@pytest.fixture(autouse=True)
def _support_address(settings):
    settings.HELPDESK_EMAIL_REPLY_ADDRESS = SUPPORT
    settings.DEFAULT_FROM_EMAIL = f"Helpdesk <{SUPPORT}>"


def eml(name: str, **values) -> bytes:
    """A fixture's bytes; `.tmpl` fixtures get $NAME placeholders filled in (reply addresses, ids)."""
    path = EMAILS / name
    if path.suffix == ".tmpl":
        return Template(path.read_text()).substitute(values).encode()
    return path.read_bytes()


@pytest.fixture
def ingest(monkeypatch, django_capture_on_commit_callbacks):
    """Run the command on raw bytes; returns (exit code, printed line). Emails it causes are sent."""

    def run(raw: bytes, *args: str) -> tuple[int, str]:
        monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(raw)))
        out = io.StringIO()
        with django_capture_on_commit_callbacks(execute=True):
            try:
                call_command("ingest_email", *args, stdout=out)
            except CommandError as error:  # from a shell, the command exits with this code
                return error.returncode, str(error)
        return 0, out.getvalue().strip()

    return run
