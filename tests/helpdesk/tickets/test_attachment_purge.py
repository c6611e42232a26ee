"""Files a rolled-back upload left behind are deleted a day later; files with a row never are."""

import os
import time

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.db import transaction

from helpdesk.tickets import services
from helpdesk.tickets.models import Attachment
from helpdesk.tickets.storage import attachment_orphans_purge, attachment_storage

pytestmark = pytest.mark.django_db(transaction=True)


def _note(ticket, agent, name: str):
    upload = SimpleUploadedFile(name, b"order list", content_type="text/plain")
    return services.ticket_add_note(ticket=ticket, body="see file", by=agent, attachments=[upload])


def _age(path: str, days: float) -> None:
    then = time.time() - days * 86400
    os.utime(path, (then, then))


@pytest.fixture
def ticket(customer_reza):
    return services.ticket_create(customer=customer_reza, subject="Lost parcel", body="Where is it?")


def test_a_rolled_back_upload_leaves_a_file_that_is_purged_once_old(ticket, agent_sara, capsys):
    with pytest.raises(RuntimeError), transaction.atomic():
        _note(ticket, agent_sara, "lost.txt")
        orphan = attachment_storage().path(Attachment.objects.get().file.name)
        raise RuntimeError("the database went away")
    kept = _note(ticket, agent_sara, "kept.txt").attachments.get()
    kept_path = attachment_storage().path(kept.file.name)
    assert Attachment.objects.count() == 1 and os.path.exists(orphan)

    assert attachment_orphans_purge() == 0  # a fresh file may belong to an upload still in progress
    _age(orphan, 2)
    _age(kept_path, 2)
    call_command("purge_orphan_attachments")

    assert "Deleted 1 orphaned attachment files." in capsys.readouterr().out
    assert not os.path.exists(orphan)
    assert os.path.exists(kept_path)
