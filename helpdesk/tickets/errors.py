"""Why a ticket operation was refused: a code for machines, a translated message for people."""

from enum import StrEnum

from django.utils.translation import gettext_lazy as _

from helpdesk.core.errors import CodedError


class TicketErrorCode(StrEnum):
    EMPTY_SUBJECT = "empty_subject"
    EMPTY_BODY = "empty_body"
    BODY_TOO_LONG = "body_too_long"
    INVALID_TEXT = "invalid_text"
    TICKET_CLOSED = "ticket_closed"
    TICKET_MERGED = "ticket_merged"
    ORDER_NOT_CUSTOMERS = "order_not_customers"
    MERGE_INTO_ITSELF = "merge_into_itself"
    MERGE_OTHER_CUSTOMER = "merge_other_customer"
    NOT_STAFF = "not_staff"
    TOO_MANY_ATTACHMENTS = "too_many_attachments"
    ATTACHMENT_TOO_LARGE = "attachment_too_large"
    ATTACHMENT_TYPE = "attachment_type"
    INVALID_STATUS = "invalid_status"
    MACRO_INACTIVE = "macro_inactive"
    LINK_INVALID = "link_invalid"
    LINK_USED = "link_used"
    LINK_EXPIRED = "link_expired"


MESSAGES = {
    TicketErrorCode.EMPTY_SUBJECT: _("Please write a subject."),
    TicketErrorCode.EMPTY_BODY: _("Please write a message."),
    TicketErrorCode.BODY_TOO_LONG: _("This message is too long. Please shorten it or attach a file."),
    TicketErrorCode.INVALID_TEXT: _("The text contains characters that cannot be stored."),
    TicketErrorCode.TICKET_CLOSED: _("This ticket is closed. Please open a new one."),
    TicketErrorCode.TICKET_MERGED: _("This ticket was merged into another one."),
    TicketErrorCode.ORDER_NOT_CUSTOMERS: _("That order does not belong to this customer."),
    TicketErrorCode.MERGE_INTO_ITSELF: _("A ticket cannot be merged into itself."),
    TicketErrorCode.MERGE_OTHER_CUSTOMER: _("Only tickets from the same customer can be merged."),
    TicketErrorCode.NOT_STAFF: _("Only staff can do this."),
    TicketErrorCode.TOO_MANY_ATTACHMENTS: _("Too many files. Attach at most %(max)s."),
    TicketErrorCode.ATTACHMENT_TOO_LARGE: _("A file is too large. The limit is %(max)s MB."),
    TicketErrorCode.ATTACHMENT_TYPE: _("This kind of file cannot be attached. Use images, PDF or text files."),
    TicketErrorCode.INVALID_STATUS: _("That status cannot be set here."),
    TicketErrorCode.MACRO_INACTIVE: _("This macro is switched off. Pick another one."),
    TicketErrorCode.LINK_INVALID: _("This link is not valid."),
    TicketErrorCode.LINK_USED: _("This link was already used: your ticket exists. Sign in to see it."),
    TicketErrorCode.LINK_EXPIRED: _("This link has expired. Please send your request again."),
}


class TicketError(CodedError):
    """A refused ticket operation; `error.message` is for people."""

    messages = MESSAGES
