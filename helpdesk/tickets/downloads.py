"""Serve an attachment so a browser can never render it as a page."""

from django.http import FileResponse, Http404

from .models import Attachment

INLINE_SAFE = {"image/png", "image/jpeg", "image/gif", "image/webp", "application/pdf", "text/plain"}


def attachment_response(attachment: Attachment | None) -> FileResponse:
    """A download with the sniffed type, `nosniff` and a sandbox CSP; 404 when missing."""
    if attachment is None:
        raise Http404
    try:
        handle = attachment.file.open("rb")
    except FileNotFoundError:
        raise Http404 from None
    content_type = attachment.content_type if attachment.content_type in INLINE_SAFE else "application/octet-stream"
    if content_type == "text/plain":
        content_type = "text/plain; charset=utf-8"
    response = FileResponse(handle, as_attachment=True, filename=attachment.filename, content_type=content_type)
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    response["Cache-Control"] = "private, no-store"
    return response
