"""Attachments live under the data dir, outside MEDIA_ROOT, so only the download view can serve them."""

import uuid
from datetime import datetime, timedelta
from functools import cache
from pathlib import Path

from django.conf import settings
from django.core.files.storage import FileSystemStorage
from django.utils import timezone

ORPHAN_AGE = timedelta(hours=24)


class AttachmentStorage(FileSystemStorage):
    def __init__(self):
        super().__init__(location=str(Path(settings.DATA_DIR) / "attachments"), base_url=None)

    def url(self, name):
        raise NotImplementedError("Attachments are served by the download view, never by URL.")


@cache
def attachment_storage() -> AttachmentStorage:
    return AttachmentStorage()


def attachment_upload_to(instance, filename: str) -> str:
    """Store under a random name: the original name is kept on the row, never trusted on disk."""
    return f"{timezone.now():%Y/%m}/{uuid.uuid4().hex}"


def attachment_orphans_purge(*, older_than: timedelta = ORPHAN_AGE, now: datetime | None = None) -> int:
    """Delete stored files that no attachment names, once older than `older_than`; return how many.

    A file is written before its row; when the transaction then rolls back (a later check failed,
    the database went away), the file stays behind with no row. Waiting a day before deleting
    keeps an upload whose transaction is still open safe.
    """
    storage = attachment_storage()
    root = Path(storage.location)
    cutoff = (now or timezone.now()).timestamp() - older_than.total_seconds()
    removed = 0
    for folder in sorted(path for path in root.glob("*/*") if path.is_dir()):
        prefix = folder.relative_to(root).as_posix() + "/"
        known = set(_attachment_model().objects.filter(file__startswith=prefix).values_list("file", flat=True))
        for path in folder.iterdir():
            if path.is_file() and prefix + path.name not in known and path.stat().st_mtime < cutoff:
                path.unlink(missing_ok=True)
                removed += 1
    return removed


def _attachment_model():
    from .models import Attachment  # the model module imports this one for its storage

    return Attachment
