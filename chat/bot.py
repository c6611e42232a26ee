"""The chat bot as pure functions: text in, reply out, over a knowledge-base search.

Nothing here touches the database, the channel layer or the clock. The caller (the chat
consumer) keeps `BotState` on the conversation, decides whether a person can take the chat
now (`humans_available`: business hours and an agent online), and carries out the reply's
`action`: queue the chat for a person, open a ticket, or stay quiet.
"""

import logging
from collections.abc import Callable, Mapping
from dataclasses import asdict, dataclass, field, fields, replace
from enum import StrEnum
from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.utils import translation
from django.utils.translation import gettext_lazy as _

from .bot_phrases import HUMAN_PHRASES, mentions_any, supported_locale

logger = logging.getLogger(__name__)

MAX_ARTICLES = 3


@dataclass(frozen=True)
class BotConfig:
    """What managers edit: the greeting per locale ("" = built-in), the handoff keywords, the patience."""

    greeting: Mapping[str, str] = field(default_factory=dict)
    handoff_keywords: tuple[str, ...] = ()
    max_unhelpful: int = 2


@dataclass(frozen=True)
class ArticleLink:
    title: str
    snippet: str
    url: str


@dataclass(frozen=True)
class BotState:
    """Where the conversation stands; stored by the caller as JSON between messages."""

    unhelpful: int = 0  # answers the visitor found unhelpful since the last helpful one
    awaiting_feedback: bool = False  # articles shown, "did this answer your question?" open
    awaiting_email: bool = False  # leaving a message: the next text should be an email address
    handed_off: bool = False  # a person has the chat; the bot stays quiet
    offline_message: bool = False  # leaving a message: the next text is the message
    email: str = ""  # the address an anonymous visitor gave for the reply

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: Any) -> "BotState":
        """Rebuild a state from stored JSON, ignoring unknown keys and mistyped values."""
        if not isinstance(data, Mapping):
            return cls()
        values = {
            spec.name: data[spec.name]
            for spec in fields(cls)
            if type(data.get(spec.name)) is spec.type  # bool is an int subclass: exact types only
        }
        if "unhelpful" in values:
            values["unhelpful"] = max(0, values["unhelpful"])
        return cls(**values)


class Action(StrEnum):
    """What the caller must do with a reply (only HANDOFF, OPEN_TICKET and NONE ask for work)."""

    GREET = "greet"
    ANSWER = "answer"  # articles shown, feedback asked
    NO_ANSWER = "no_answer"  # nothing found, a person offered
    RESOLVED = "resolved"  # the visitor said the answer helped
    REPHRASE = "rephrase"  # the answer did not help: try other words or a person
    HANDOFF = "handoff"  # queue the chat for a person
    OFFLINE = "offline"  # no person now: leaving a message offered
    ASK_EMAIL = "ask_email"
    LEAVE_MESSAGE = "leave_message"  # asking for the message to leave
    OPEN_TICKET = "open_ticket"  # open a ticket with the transcript, `email` and `message`
    NONE = "none"  # say nothing: a person has the chat, or a stale button was pressed


class Button(StrEnum):
    HELPFUL = "helpful"
    NOT_HELPFUL = "not_helpful"
    HUMAN = "human"
    LEAVE_MESSAGE = "leave_message"


FEEDBACK_BUTTONS = (Button.HELPFUL, Button.NOT_HELPFUL, Button.HUMAN)

BUTTON_LABELS = {
    Button.HELPFUL: _("Yes, thanks"),
    Button.NOT_HELPFUL: _("No, it didn't"),
    Button.HUMAN: _("Talk to a person"),
    Button.LEAVE_MESSAGE: _("Leave a message"),
}


@dataclass(frozen=True)
class BotReply:
    text: str  # in the visitor's language; "" when the bot stays quiet
    articles: tuple[ArticleLink, ...] = ()
    buttons: tuple[str, ...] = ()  # Button ids the widget renders as buttons
    action: Action | None = None
    email: str = ""  # OPEN_TICKET: the address an anonymous visitor gave ("" for a known visitor)
    message: str = ""  # OPEN_TICKET: the message the visitor left

    @property
    def silent(self) -> bool:
        return self.action == Action.NONE

    def to_dict(self) -> dict[str, Any]:
        return asdict(self) | {
            "buttons": [str(button) for button in self.buttons],
            "action": str(self.action) if self.action else None,
        }


GREETING = _(
    "Hello! I'm the help bot. Ask me a question and I'll look in our help centre, or ask for a person at any time."
)
FOUND = _("Here's what I found in our help centre. Did this answer your question?")
NOT_FOUND = _("I couldn't find an article about that. Try asking in other words, or talk to a person.")
ASK_QUESTION = _("Type your question and I'll look for an answer.")
RESOLVED = _("Glad that helped! Ask me anything else, or close the chat when you're done.")
REPHRASE = _("Sorry that didn't help. Try asking in other words, or talk to a person.")
CONNECTING = _("Connecting you with a person… They'll see this conversation, so you don't need to repeat anything.")
OFFLINE = _("Our team is offline right now. Leave a message and we'll reply by email as soon as we're back.")
ASK_EMAIL = _("Which email address should we reply to?")
EMAIL_INVALID = _("That doesn't look like an email address. Please type it like name@example.com.")
ASK_MESSAGE = _("Please write your message. Our team will get it together with this conversation.")
TICKET_OPENED = _(
    "Thank you! Your message is with our team and we'll reply by email. You can keep asking me questions meanwhile."
)

SearchFunction = Callable[[str, str], list[ArticleLink]]

_QUIET = BotReply(text="", action=Action.NONE)
_EMAIL_PUNCTUATION = "<>()[]{}\"'.,;:!?«»،؛"


def _say(text_id, locale: str, action: Action, **extra) -> BotReply:
    with translation.override(locale):
        text = str(text_id)
    return BotReply(text=text, action=action, **extra)


def button_label(button: str, *, locale: str) -> str:
    """Return the button's label in the visitor's language ("" for an unknown id)."""
    label = BUTTON_LABELS.get(button)
    if label is None:
        return ""
    with translation.override(supported_locale(locale)):
        return str(label)


def wants_human(text: str, locale: str, keywords: tuple[str, ...]) -> bool:
    """Tell whether the visitor asks for a person, in any language, or uses a manager's keyword."""
    return mentions_any(text, locale, HUMAN_PHRASES + tuple(keywords))


def bot_greet(*, locale: str, config: BotConfig) -> BotReply:
    """Greet the visitor in their language, with the manager's greeting when there is one."""
    locale = supported_locale(locale)
    custom = str(config.greeting.get(locale) or "").strip()
    if custom:
        return BotReply(text=custom, buttons=(Button.HUMAN,), action=Action.GREET)
    return _say(GREETING, locale, Action.GREET, buttons=(Button.HUMAN,))


def _hand_off(*, locale: str, state: BotState, humans_available: bool) -> tuple[BotReply, BotState]:
    fresh = replace(state, unhelpful=0, awaiting_feedback=False, awaiting_email=False, offline_message=False, email="")
    if humans_available:
        return _say(CONNECTING, locale, Action.HANDOFF), replace(fresh, handed_off=True)
    return _say(OFFLINE, locale, Action.OFFLINE, buttons=(Button.LEAVE_MESSAGE,)), fresh


def _find_articles(search: SearchFunction, text: str, locale: str) -> tuple[ArticleLink, ...]:
    try:
        return tuple(search(text, locale))[:MAX_ARTICLES]
    except Exception:
        # A broken index must not end the chat: the visitor is offered a person instead.
        logger.exception("The bot's knowledge-base search failed")
        return ()


def _answer(
    *, text: str, locale: str, state: BotState, config: BotConfig, search: SearchFunction, humans_available: bool
) -> tuple[BotReply, BotState]:
    if not text.strip():
        return _say(ASK_QUESTION, locale, Action.NO_ANSWER, buttons=(Button.HUMAN,)), state
    articles = _find_articles(search, text, locale)
    if articles:
        reply = _say(FOUND, locale, Action.ANSWER, articles=articles, buttons=FEEDBACK_BUTTONS)
        return reply, replace(state, awaiting_feedback=True)
    # Finding nothing is an unhelpful answer too: twice in a row and a person is better.
    state = replace(state, unhelpful=state.unhelpful + 1, awaiting_feedback=False)
    if state.unhelpful >= config.max_unhelpful:
        return _hand_off(locale=locale, state=state, humans_available=humans_available)
    return _say(NOT_FOUND, locale, Action.NO_ANSWER, buttons=(Button.HUMAN,)), state


def _email_in(text: str) -> str:
    """Return the email address the visitor typed ("my email is a@b.com." counts), or ""."""
    candidates = [text.strip()] + [word.strip(_EMAIL_PUNCTUATION) for word in text.split() if "@" in word]
    for candidate in candidates:
        try:
            validate_email(candidate)
        except ValidationError:
            continue
        return candidate
    return ""


def _take_email(*, text: str, locale: str, state: BotState) -> tuple[BotReply, BotState]:
    email = _email_in(text)
    if not email:
        return _say(EMAIL_INVALID, locale, Action.ASK_EMAIL), state
    return _say(ASK_MESSAGE, locale, Action.LEAVE_MESSAGE), replace(
        state, awaiting_email=False, offline_message=True, email=email
    )


def _take_message(*, text: str, locale: str, state: BotState) -> tuple[BotReply, BotState]:
    message = text.strip()
    if not message:
        return _say(ASK_MESSAGE, locale, Action.LEAVE_MESSAGE), state
    reply = _say(TICKET_OPENED, locale, Action.OPEN_TICKET, email=state.email, message=message)
    return reply, BotState()


def bot_reply(
    *,
    text: str,
    locale: str,
    state: BotState,
    config: BotConfig,
    search: SearchFunction,
    humans_available: bool,
    visitor_known: bool,
) -> tuple[BotReply, BotState]:
    """Answer what the visitor typed, and return the reply with the conversation's next state."""
    locale, text = supported_locale(locale), str(text or "")
    if state.handed_off:
        return _QUIET, state
    # While leaving a message the text is data: "agent@example.com" is an address, not a request.
    if state.awaiting_email:
        return _take_email(text=text, locale=locale, state=state)
    if state.offline_message:
        return _take_message(text=text, locale=locale, state=state)
    if wants_human(text, locale, config.handoff_keywords):
        return _hand_off(locale=locale, state=state, humans_available=humans_available)
    state = replace(state, awaiting_feedback=False)
    return _answer(
        text=text, locale=locale, state=state, config=config, search=search, humans_available=humans_available
    )


def _feedback(
    *, helpful: bool, locale: str, state: BotState, config: BotConfig, humans_available: bool
) -> tuple[BotReply, BotState]:
    if not state.awaiting_feedback:
        return _QUIET, state
    if helpful:
        return _say(RESOLVED, locale, Action.RESOLVED), replace(state, unhelpful=0, awaiting_feedback=False)
    state = replace(state, unhelpful=state.unhelpful + 1, awaiting_feedback=False)
    if state.unhelpful >= config.max_unhelpful:
        return _hand_off(locale=locale, state=state, humans_available=humans_available)
    return _say(REPHRASE, locale, Action.REPHRASE, buttons=(Button.HUMAN,)), state


def _leave_message(*, locale: str, state: BotState, visitor_known: bool) -> tuple[BotReply, BotState]:
    state = replace(state, awaiting_feedback=False, email="")
    if visitor_known:
        return _say(ASK_MESSAGE, locale, Action.LEAVE_MESSAGE), replace(
            state, awaiting_email=False, offline_message=True
        )
    return _say(ASK_EMAIL, locale, Action.ASK_EMAIL), replace(state, awaiting_email=True, offline_message=False)


def bot_button(
    *,
    button: str,
    locale: str,
    state: BotState,
    config: BotConfig,
    humans_available: bool,
    visitor_known: bool,
) -> tuple[BotReply, BotState]:
    """Act on a button the visitor pressed; unknown or stale buttons get a quiet reply."""
    locale = supported_locale(locale)
    if state.handed_off:
        return _QUIET, state
    if button in (Button.HELPFUL, Button.NOT_HELPFUL):
        return _feedback(
            helpful=button == Button.HELPFUL,
            locale=locale,
            state=state,
            config=config,
            humans_available=humans_available,
        )
    if button == Button.HUMAN:
        return _hand_off(locale=locale, state=state, humans_available=humans_available)
    if button == Button.LEAVE_MESSAGE:
        return _leave_message(locale=locale, state=state, visitor_known=visitor_known)
    return _QUIET, state
