"""Attachments live under the data dir, outside MEDIA_ROOT, so only the download view can serve them."""

import uuid
from functools import cache
from pathlib import Path

from django.conf import settings
from django.core.files.storage import FileSystemStorage
from django.utils import timezone


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
