"""Agent inbox and ticket pages."""

from django.urls import path

from .staff import actions, inbox, ticket

app_name = "inbox"

urlpatterns = [
    path("", inbox.inbox_list, name="list"),
    path("bulk/", inbox.inbox_bulk, name="bulk"),
    path("<int:pk>/", ticket.ticket_detail, name="detail"),
    path("<int:pk>/reply/", actions.reply, name="reply"),
    path("<int:pk>/note/", actions.note, name="note"),
    path("<int:pk>/assign/", actions.assign, name="assign"),
    path("<int:pk>/status/", actions.status, name="status"),
    path("<int:pk>/priority/", actions.priority, name="priority"),
    path("<int:pk>/tags/", actions.tags, name="tags"),
    path("<int:pk>/team/", actions.team, name="team"),
    path("<int:pk>/order/", actions.order, name="order"),
    path("<int:pk>/merge/", actions.merge, name="merge"),
    path("<int:pk>/macro/", actions.macro, name="macro"),
    path("attachments/<uuid:public_id>/", ticket.attachment_download, name="attachment"),
    path("macros/<int:pk>/preview/", ticket.macro_preview, name="macro_preview"),
]
