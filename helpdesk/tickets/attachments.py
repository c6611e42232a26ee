"""Which files may be attached, judged by their bytes, never by the name or the browser's claim."""

import os
import unicodedata
from dataclasses import dataclass

from django.conf import settings
from django.core.files.uploadedfile import UploadedFile

from .errors import TicketError, TicketErrorCode

MAX_FILES = 5
TEXT_EXTENSIONS = {".txt", ".csv", ".log"}
SNIFF_BYTES = 4096


@dataclass(frozen=True)
class CheckedFile:
    upload: UploadedFile
    filename: str
    content_type: str
    size: int


def _sniff(head: bytes, extension: str) -> str | None:
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return "image/png"
    if head.startswith(b"\xff\xd8\xff"):
        return "image/jpeg"
    if head.startswith((b"GIF87a", b"GIF89a")):
        return "image/gif"
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return "image/webp"
    if head.startswith(b"%PDF-"):
        return "application/pdf"
    if extension in TEXT_EXTENSIONS and b"\x00" not in head:
        try:
            head.decode("utf-8")
        except UnicodeDecodeError as error:
            if error.start < len(head) - 4:  # not just a character cut at the sniff boundary
                return None
        return "text/plain"
    return None


def safe_filename(name: str) -> str:
    """Keep the visible name, minus paths, control characters and quotes."""
    base = os.path.basename((name or "").replace("\\", "/"))
    cleaned = "".join(ch for ch in base if unicodedata.category(ch)[0] != "C" and ch not in '"<>')
    return cleaned.strip()[:150] or "attachment"


def attachments_check(files: list[UploadedFile]) -> list[CheckedFile]:
    """Return the files with their real type, or raise TicketError naming the first problem."""
    if len(files) > MAX_FILES:
        raise TicketError(TicketErrorCode.TOO_MANY_ATTACHMENTS, max=MAX_FILES)
    limit = settings.HELPDESK_ATTACHMENT_MAX_BYTES
    checked = []
    for upload in files:
        if upload.size > limit:
            raise TicketError(TicketErrorCode.ATTACHMENT_TOO_LARGE, max=limit // (1024 * 1024))
        filename = safe_filename(upload.name)
        upload.seek(0)
        head = upload.read(SNIFF_BYTES)
        upload.seek(0)
        content_type = _sniff(head, os.path.splitext(filename)[1].lower())
        if content_type is None:
            raise TicketError(TicketErrorCode.ATTACHMENT_TYPE)
        checked.append(CheckedFile(upload, filename, content_type, upload.size))
    return checked
