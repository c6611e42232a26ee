"""Why a credit operation was refused: a code for machines, a translated message for people."""

from enum import StrEnum

from django.utils.translation import gettext_lazy as _

from helpdesk.core.errors import CodedError


class CreditErrorCode(StrEnum):
    INVALID_AMOUNT = "invalid_amount"
    UNKNOWN_CURRENCY = "unknown_currency"
    CURRENCY_MISMATCH = "currency_mismatch"
    INSUFFICIENT_CREDIT = "insufficient_credit"
    IDEMPOTENCY_MISMATCH = "idempotency_mismatch"
    BUSY = "busy"
    NOT_STAFF = "not_staff"
    NOT_MANAGER = "not_manager"
    SELF_GRANT = "self_grant"
    OWN_REQUEST = "own_request"
    REASON_INACTIVE = "reason_inactive"
    EXPIRY_IN_PAST = "expiry_in_past"
    REQUEST_DECIDED = "request_decided"
    NOTE_REQUIRED = "note_required"
    TEXT_TOO_LONG = "text_too_long"
    NOT_FOUND = "not_found"
    ALREADY_REVERSED = "already_reversed"


MESSAGES = {
    CreditErrorCode.INVALID_AMOUNT: _("Give a positive amount with at most two decimal places, such as 25.00."),
    CreditErrorCode.UNKNOWN_CURRENCY: _("“%(currency)s” is not an ISO 4217 currency code."),
    CreditErrorCode.CURRENCY_MISMATCH: _("This customer has no credit in %(currency)s, only in %(held)s."),
    CreditErrorCode.INSUFFICIENT_CREDIT: _("Not enough credit: the balance is %(balance)s %(currency)s."),
    CreditErrorCode.IDEMPOTENCY_MISMATCH: _("This Idempotency-Key was already used for a different request."),
    CreditErrorCode.BUSY: _("The balance is being changed by another request. Try again with the same key."),
    CreditErrorCode.NOT_STAFF: _("Only agents and managers can grant credit."),
    CreditErrorCode.NOT_MANAGER: _("Only managers can approve or reject credit requests."),
    CreditErrorCode.SELF_GRANT: _("Nobody can grant credit to themselves."),
    CreditErrorCode.OWN_REQUEST: _("Another manager has to decide on your own request."),
    CreditErrorCode.REASON_INACTIVE: _("This reason is no longer offered. Pick another one."),
    CreditErrorCode.EXPIRY_IN_PAST: _("The expiry date must be in the future."),
    CreditErrorCode.REQUEST_DECIDED: _("This request was already decided."),
    CreditErrorCode.NOTE_REQUIRED: _("Say why, in a note."),
    CreditErrorCode.TEXT_TOO_LONG: _("Please keep notes and messages under %(max)s characters."),
    CreditErrorCode.NOT_FOUND: _("There is no such redemption for this customer."),
    CreditErrorCode.ALREADY_REVERSED: _("This redemption was already reversed."),
}


class CreditError(CodedError):
    """A refused credit operation; `error.message` is for people."""

    messages = MESSAGES
