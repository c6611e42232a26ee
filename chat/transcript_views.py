"""Staff pages about past chats: the transcript, linked from the customer record."""

from django.http import Http404
from django.shortcuts import render
from django.views.decorators.http import require_safe

from helpdesk.accounts.decorators import staff_permission_required

from .selectors import conversation_for_staff, transcript_messages
from .transcript import transcript_lines


@require_safe
@staff_permission_required("chat.view_conversation")
def transcript_detail(request, public_id):
    chat = conversation_for_staff(public_id)
    if chat is None:
        raise Http404
    lines = transcript_lines(transcript_messages(chat))
    return render(request, "chat/transcript.html", {"chat": chat, "lines": lines})
