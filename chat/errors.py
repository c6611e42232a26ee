"""Why a chat operation was refused: a code for the socket frame, a translated message for people."""

from enum import StrEnum

from django.utils.translation import gettext_lazy as _

from helpdesk.core.errors import CodedError


class ChatErrorCode(StrEnum):
    EMPTY_MESSAGE = "empty_message"
    MESSAGE_TOO_LONG = "message_too_long"
    CONVERSATION_ENDED = "conversation_ended"
    NOT_YOUR_CHAT = "not_your_chat"
    ALREADY_TAKEN = "already_taken"
    NOT_STAFF = "not_staff"
    NOT_IDENTIFIED = "not_identified"
    NOT_ENDED = "not_ended"
    ALREADY_RATED = "already_rated"
    NOT_ON_SCALE = "not_on_scale"


MESSAGES = {
    ChatErrorCode.EMPTY_MESSAGE: _("Please write a message."),
    ChatErrorCode.MESSAGE_TOO_LONG: _("This message is too long. Please split it up."),
    ChatErrorCode.CONVERSATION_ENDED: _("This chat has ended. Start a new one any time."),
    ChatErrorCode.NOT_YOUR_CHAT: _("Another agent is handling this chat."),
    ChatErrorCode.ALREADY_TAKEN: _("Another agent took this chat first."),
    ChatErrorCode.NOT_STAFF: _("Only staff can do this."),
    ChatErrorCode.NOT_IDENTIFIED: _("We don't know who is writing in this chat yet."),
    ChatErrorCode.NOT_ENDED: _("You can rate this chat once it has ended."),
    ChatErrorCode.ALREADY_RATED: _("You have already rated this chat. Thank you!"),
    ChatErrorCode.NOT_ON_SCALE: _("Please pick one of the ratings offered."),
}


class ChatError(CodedError):
    """A refused chat operation; `error.message` is for people."""

    messages = MESSAGES
