"""The chat bot as pure functions: greeting, answers from the help centre, and the way to a person."""

import json

import pytest
from django.utils import translation
from hypothesis import given, settings
from hypothesis import strategies as st

from chat import bot
from chat.bot import Action, ArticleLink, BotConfig, BotState, Button, bot_button, bot_greet, bot_reply, wants_human
from chat.bot_phrases import DEFAULT_HANDOFF_KEYWORDS
from chat.kb_answers import kb_search_links
from tests.kb.search_support import exchange_record, import_articles, search_index  # noqa: F401

CONFIG = BotConfig(greeting={}, handoff_keywords=DEFAULT_HANDOFF_KEYWORDS)
LINKS = [
    ArticleLink(title=f"Article {n}", snippet=f"About thing {n}.", url=f"https://help.example.com/en/help/a{n}/")
    for n in range(1, 5)
]


FRESH = BotState()


class FakeSearch:
    """Finds `LINKS` for any question unless told to find nothing; remembers what it was asked."""

    def __init__(self, links=LINKS):
        self.links = list(links)
        self.asked: list[tuple[str, str]] = []

    def __call__(self, text: str, locale: str) -> list[ArticleLink]:
        self.asked.append((text, locale))
        return self.links


def said(message, locale: str) -> str:
    with translation.override(locale):
        return str(message)


def ask(text, *, state=FRESH, locale="en", search=None, config=CONFIG, humans=True, known=False):
    return bot_reply(
        text=text,
        locale=locale,
        state=state,
        config=config,
        search=search if search is not None else FakeSearch(),
        humans_available=humans,
        visitor_known=known,
    )


def press(button, *, state, locale="en", config=CONFIG, humans=True, known=False):
    return bot_button(
        button=button, locale=locale, state=state, config=config, humans_available=humans, visitor_known=known
    )


# Greeting


@pytest.mark.parametrize("locale", ["en", "ar", "fa"])
def test_the_bot_greets_in_the_visitors_language_and_offers_a_person(locale):
    reply = bot_greet(locale=locale, config=CONFIG)

    assert reply.text == said(bot.GREETING, locale)
    assert reply.buttons == ("human",)
    assert reply.action == Action.GREET


def test_a_managers_greeting_replaces_the_built_in_one_in_its_language_only():
    config = BotConfig(greeting={"fa": "  سلام! چطور کمکتان کنیم؟ ", "ar": ""}, handoff_keywords=())

    assert bot_greet(locale="fa-IR", config=config).text == "سلام! چطور کمکتان کنیم؟"
    assert bot_greet(locale="ar", config=config).text == said(bot.GREETING, "ar")
    assert bot_greet(locale="en", config=config).text == said(bot.GREETING, "en")


# Answers


@pytest.mark.parametrize("locale", ["en", "fa"])
def test_a_question_is_answered_with_the_best_three_articles_and_a_feedback_question(locale):
    search = FakeSearch()

    reply, state = ask("Where is my parcel?", locale=locale, search=search)

    assert search.asked == [("Where is my parcel?", locale)]
    assert reply.action == Action.ANSWER
    assert reply.text == said(bot.FOUND, locale)
    assert reply.articles == tuple(LINKS[:3])
    assert reply.buttons == ("helpful", "not_helpful", "human")
    assert state.awaiting_feedback


def test_a_helpful_answer_is_acknowledged_and_the_bot_keeps_answering():
    _, state = ask("Where is my parcel?")

    reply, state = press("helpful", state=state)

    assert (reply.action, reply.text) == (Action.RESOLVED, said(bot.RESOLVED, "en"))
    assert state == BotState()


def test_one_unhelpful_answer_asks_to_rephrase_and_offers_a_person():
    _, state = ask("Where is my parcel?")

    reply, state = press("not_helpful", state=state)

    assert (reply.action, reply.text, reply.buttons) == (Action.REPHRASE, said(bot.REPHRASE, "en"), ("human",))
    assert state.unhelpful == 1
    assert not state.handed_off


def test_two_unhelpful_answers_hand_the_chat_to_a_person():
    _, state = ask("Where is my parcel?")
    _, state = press("not_helpful", state=state)
    _, state = ask("My parcel is late", state=state)

    reply, state = press("not_helpful", state=state, locale="ar")

    assert (reply.action, reply.text) == (Action.HANDOFF, said(bot.CONNECTING, "ar"))
    assert state.handed_off


def test_the_number_of_unhelpful_answers_before_a_person_is_the_managers_choice():
    _, state = ask("Where is my parcel?")

    reply, _ = press("not_helpful", state=state, config=BotConfig(max_unhelpful=1))

    assert reply.action == Action.HANDOFF


def test_no_article_found_says_so_and_offers_a_person_then_hands_off_the_second_time():
    nothing = FakeSearch(links=[])

    first, state = ask("Do you sell saffron?", search=nothing)
    second, state = ask("saffron tea", state=state, search=nothing)

    assert (first.action, first.text, first.buttons) == (Action.NO_ANSWER, said(bot.NOT_FOUND, "en"), ("human",))
    assert first.articles == ()
    assert second.action == Action.HANDOFF


def test_an_empty_message_asks_for_a_question_without_searching():
    search = FakeSearch()

    reply, state = ask("   \n", search=search)

    assert reply.text == said(bot.ASK_QUESTION, "en")
    assert search.asked == []
    assert state == BotState()


def test_a_broken_search_offers_a_person_instead_of_failing():
    def broken(text, locale):
        raise OSError("index gone")

    reply, _ = ask("Where is my parcel?", search=broken)

    assert reply.action == Action.NO_ANSWER
    assert "human" in reply.buttons


# Asking for a person


@pytest.mark.parametrize(
    ("text", "locale"),
    [
        ("Can I talk to a human please?", "en"),
        ("I want a REAL PERSON", "en"),
        ("agent", "en"),
        ("Give me an operator!", "en"),
        ("می‌خواهم با اپراتور صحبت کنم", "fa"),
        ("صحبت با کارشناس", "fa"),
        ("لطفا با یک آدم حرف بزنم", "fa"),
        ("پشتیبان انسانی می‌خواهم", "fa"),
        # Persian typed on an Arabic keyboard: ي and ك, no ZWNJ.
        ("ميخواهم با كارشناس صحبت كنم", "fa"),
        ("پشتيبان انساني", "fa"),
        ("أريد التحدث مع موظف", "ar"),
        ("هل يمكنني التحدث مع شخص حقيقي؟", "ar"),
        ("خدمة العملاء من فضلك", "ar"),
        ("أريد التحدث إلى مُوَظَّف", "ar"),
        ("الموظف", "ar"),
        # The phrases work whatever language the widget is in.
        ("اپراتور", "en"),
        ("talk to a human", "fa"),
    ],
)
def test_asking_for_a_person_in_any_language_hands_off_without_searching(text, locale):
    search = FakeSearch()

    reply, state = ask(text, locale=locale, search=search)

    assert reply.action == Action.HANDOFF
    assert reply.text == said(bot.CONNECTING, locale)
    assert state.handed_off
    assert search.asked == []


@pytest.mark.parametrize(
    ("text", "locale"),
    [
        ("Where is my parcel?", "en"),
        ("The operation failed at checkout", "en"),
        ("مرسوله من کجاست؟", "fa"),
        ("أين طلبي؟", "ar"),
        ("", "en"),
    ],
)
def test_ordinary_questions_are_not_requests_for_a_person(text, locale):
    assert not wants_human(text, locale, DEFAULT_HANDOFF_KEYWORDS)


def test_the_human_button_hands_off():
    _, state = ask("Where is my parcel?")

    reply, state = press("human", state=state, locale="fa")

    assert (reply.action, reply.text) == (Action.HANDOFF, said(bot.CONNECTING, "fa"))
    assert state.handed_off


@pytest.mark.parametrize(
    ("text", "locale"),
    [
        ("I want a refund for my order", "en"),
        ("Refunds?", "en"),
        ("شکایتم را ثبت کنید", "fa"),
        ("درخواست بازگشت وجه دارم", "fa"),
        ("لدي شكوى", "ar"),
    ],
)
def test_a_managers_keyword_hands_off(text, locale):
    reply, state = ask(text, locale=locale)

    assert reply.action == Action.HANDOFF
    assert state.handed_off


def test_a_keyword_hands_off_only_once_the_manager_configured_it():
    without = BotConfig(handoff_keywords=())
    with_keyword = BotConfig(handoff_keywords=("voucher",))

    assert ask("My voucher does not work", config=without)[0].action == Action.ANSWER
    assert ask("My vouchers do not work", config=with_keyword)[0].action == Action.HANDOFF


def test_after_the_handoff_the_bot_stays_quiet_so_the_person_talks():
    search = FakeSearch()
    _, state = ask("talk to a human")

    reply, after = ask("Hello? Where is my parcel?", state=state, search=search)
    pressed, _ = press("not_helpful", state=state)

    assert reply.silent and reply.text == "" and reply.action == Action.NONE
    assert after == state
    assert search.asked == []
    assert pressed.silent


# Nobody available: leaving a message


def test_an_anonymous_visitor_leaves_a_message_with_an_email_address_and_a_ticket_is_opened():
    reply, state = ask("I need an operator", humans=False)
    assert (reply.action, reply.text, reply.buttons) == (Action.OFFLINE, said(bot.OFFLINE, "en"), ("leave_message",))
    assert not state.handed_off

    reply, state = press("leave_message", state=state, humans=False)
    assert (reply.action, reply.text) == (Action.ASK_EMAIL, said(bot.ASK_EMAIL, "en"))

    reply, state = ask("reza at example dot com", state=state, humans=False)
    assert (reply.action, reply.text) == (Action.ASK_EMAIL, said(bot.EMAIL_INVALID, "en"))

    reply, state = ask("reza@example.com", state=state, humans=False)
    assert (reply.action, reply.text) == (Action.LEAVE_MESSAGE, said(bot.ASK_MESSAGE, "en"))

    reply, state = ask("  My parcel never arrived.  ", state=state, humans=False)
    assert (reply.action, reply.text) == (Action.OPEN_TICKET, said(bot.TICKET_OPENED, "en"))
    assert (reply.email, reply.message) == ("reza@example.com", "My parcel never arrived.")
    assert state == BotState()


def test_the_offline_path_speaks_the_visitors_language():
    reply, state = press("human", state=BotState(), locale="fa", humans=False)
    asked, _ = press("leave_message", state=state, locale="fa", humans=False)

    assert reply.text == said(bot.OFFLINE, "fa")
    assert asked.text == said(bot.ASK_EMAIL, "fa")


def test_two_unhelpful_answers_out_of_hours_offer_to_leave_a_message():
    _, state = ask("Where is my parcel?", humans=False)
    _, state = press("not_helpful", state=state, humans=False)
    _, state = ask("My parcel is late", state=state, humans=False)

    reply, _ = press("not_helpful", state=state, humans=False)

    assert reply.action == Action.OFFLINE


def test_an_email_address_inside_a_sentence_is_found():
    _, state = press("leave_message", state=BotState(), humans=False)

    reply, state = ask("my email is Reza.M@example.com.", state=state, humans=False)

    assert reply.action == Action.LEAVE_MESSAGE
    assert state.email == "Reza.M@example.com"


def test_an_address_that_mentions_a_person_is_an_address_not_a_request():
    _, state = press("leave_message", state=BotState(), humans=False)

    reply, state = ask("agent@example.com", state=state, humans=False)

    assert reply.action == Action.LEAVE_MESSAGE
    assert state.email == "agent@example.com"


def test_an_empty_message_is_asked_for_again():
    _, state = press("leave_message", state=BotState(), humans=False, known=True)

    reply, state = ask("  ", state=state, humans=False, known=True)

    assert reply.action == Action.LEAVE_MESSAGE
    assert state.offline_message


def test_a_known_visitor_skips_the_email_step():
    _, state = press("human", state=BotState(), humans=False, known=True)

    reply, state = press("leave_message", state=state, humans=False, known=True)
    assert (reply.action, reply.text) == (Action.LEAVE_MESSAGE, said(bot.ASK_MESSAGE, "en"))

    reply, state = ask("Please call me about order ORD-REZA-1", state=state, humans=False, known=True)
    assert reply.action == Action.OPEN_TICKET
    assert (reply.email, reply.message) == ("", "Please call me about order ORD-REZA-1")


@pytest.mark.parametrize("button", ["helpful", "not_helpful", "no-such-button", ""])
def test_stale_or_unknown_buttons_get_no_reply(button):
    reply, state = press(button, state=BotState())

    assert reply.silent
    assert state == BotState()


def test_button_labels_are_in_the_visitors_language():
    assert bot.button_label("human", locale="fa") == said(bot.BUTTON_LABELS[Button.HUMAN], "fa")
    assert bot.button_label("nope", locale="en") == ""


# State and replies as JSON


def test_the_state_round_trips_through_json():
    state = BotState(unhelpful=1, awaiting_email=True, email="emma@example.com")

    stored = json.loads(json.dumps(state.to_dict()))

    assert BotState.from_dict(stored) == state


@pytest.mark.parametrize(
    "stored",
    [None, "x", [], {}, {"unhelpful": "2", "handed_off": 1, "email": None, "later": True}, {"unhelpful": -3}],
)
def test_a_missing_or_damaged_state_starts_afresh(stored):
    assert BotState.from_dict(stored) == BotState()


def test_a_reply_is_json_safe():
    reply, _ = ask("Where is my parcel?")

    data = json.loads(json.dumps(reply.to_dict()))

    assert data["action"] == "answer"
    assert data["buttons"] == ["helpful", "not_helpful", "human"]
    assert data["articles"][0] == {"title": "Article 1", "snippet": "About thing 1.", "url": LINKS[0].url}


STATES = st.builds(
    BotState,
    unhelpful=st.integers(min_value=0, max_value=5),
    awaiting_feedback=st.booleans(),
    awaiting_email=st.booleans(),
    handed_off=st.booleans(),
    offline_message=st.booleans(),
    email=st.sampled_from(["", "emma@example.com"]),
)


@settings(max_examples=300, deadline=None)
@given(
    text=st.text(),
    state=STATES,
    locale=st.sampled_from(["en", "ar", "fa", "fa-IR", "de", ""]),
    found=st.booleans(),
    humans=st.booleans(),
    known=st.booleans(),
)
def test_the_bot_answers_any_text_in_any_state_without_failing(text, state, locale, found, humans, known):
    reply, after = ask(
        text, state=state, locale=locale, search=FakeSearch(LINKS if found else []), humans=humans, known=known
    )

    assert isinstance(reply.text, str)
    assert isinstance(reply.action, Action)
    assert BotState.from_dict(json.loads(json.dumps(after.to_dict()))) == after


JSON_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(), lambda inner: st.dictionaries(st.text(), inner)
)


@given(JSON_VALUES)
def test_any_stored_json_gives_a_state(stored):
    assert isinstance(BotState.from_dict(stored), BotState)


# The knowledge base behind the bot


@pytest.mark.django_db
def test_kb_search_links_finds_published_articles_in_the_visitors_language(
    search_index,  # noqa: F811
    django_capture_on_commit_callbacks,
    settings,
):
    settings.SITE_URL = "https://help.example.com"
    with django_capture_on_commit_callbacks(execute=True):
        import_articles(
            exchange_record(
                "tracking.en",
                "Where is my parcel?",
                "The courier scans the parcel at every depot. Parcels can wait at customs for a few days.",
                summary="Follow your order with the tracking link we email you.",
            ),
            exchange_record(
                "tracking.fa", "مرسوله‌ام کجاست؟", "مرسوله‌ها در گمرک ممکن است چند روز بمانند.", key="tracking"
            ),
            exchange_record("gift-wrap.en", "Gift wrapping", "Gift wrap costs a small fee per item."),
        )

    english = kb_search_links("parcel customs", "en")
    persian = kb_search_links("مرسوله", "fa")

    assert [link.title for link in english] == ["Where is my parcel?"]
    assert english[0].url.startswith("https://help.example.com/en/help/")
    assert "customs" in english[0].snippet and "<" not in english[0].snippet
    assert [link.title for link in persian] == ["مرسوله‌ام کجاست؟"]
    assert persian[0].url.startswith("https://help.example.com/fa/")
    assert kb_search_links("nothing like this", "en") == []
