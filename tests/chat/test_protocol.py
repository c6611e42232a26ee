"""Chat protocol v1: every frame is checked against its type's schema, capped in size, and rate-limited."""

import json

import pytest

from chat.protocol import (
    AGENT_SCHEMAS,
    MAX_FRAME_BYTES,
    VISITOR_SCHEMAS,
    FrameError,
    TokenBucket,
    Verdict,
    echo_fields,
    parse_frame,
    validate_frame,
)

CONVERSATION = "7f9c2b1e-4a4d-4b8e-9a63-2d4c1f0e8a11"


def refused(content, schemas=VISITOR_SCHEMAS) -> tuple[str, str]:
    with pytest.raises(FrameError) as error:
        validate_frame(content, schemas)
    return error.value.code, error.value.field


def test_a_first_hello_gets_its_defaults():
    kind, frame = validate_frame({"type": "hello", "v": 1}, VISITOR_SCHEMAS)

    assert kind == "hello"
    assert frame == {
        "v": 1,
        "visitor_key": None,
        "conversation": None,
        "last_seq": 0,
        "locale": "",
        "identity": "",
        "origin": "",
        "kb_session": "",
    }


def test_unknown_keys_are_dropped_and_uuids_normalised():
    frame = {"type": "join", "conversation": CONVERSATION.upper(), "last_seq": 4, "admin": True}

    assert validate_frame(frame, AGENT_SCHEMAS) == ("join", {"conversation": CONVERSATION, "last_seq": 4})


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        ({"type": "message", "client_id": "c1"}, ("invalid_frame", "body")),
        ({"type": "message", "client_id": "c1", "body": 42}, ("invalid_frame", "body")),
        ({"type": "message", "client_id": "c1", "body": "x" * 4001}, ("message_too_long", "body")),
        ({"type": "message", "client_id": "c" * 65, "body": "hi"}, ("invalid_frame", "client_id")),
        ({"type": "message", "client_id": "", "body": "hi"}, ("invalid_frame", "client_id")),
        ({"type": "sync", "last_seq": -1}, ("invalid_frame", "last_seq")),
        ({"type": "sync", "last_seq": True}, ("invalid_frame", "last_seq")),
        ({"type": "sync", "last_seq": 1.5}, ("invalid_frame", "last_seq")),
        ({"type": "sync", "last_seq": 2**40}, ("invalid_frame", "last_seq")),
        ({"type": "typing", "on": "yes"}, ("invalid_frame", "on")),
        ({"type": "button", "button": "launch"}, ("invalid_frame", "button")),
        ({"type": "hello", "v": 1, "conversation": "not-a-uuid"}, ("invalid_frame", "conversation")),
        ({"type": "hello", "v": 1, "visitor_key": "short"}, ("invalid_frame", "visitor_key")),
        ({"type": "hello", "v": 1, "visitor_key": "<script>alert(1)</script>xx"}, ("invalid_frame", "visitor_key")),
        ({"type": "hello"}, ("invalid_frame", "v")),
        ({"type": "launch_rockets"}, ("unknown_type", "")),
        ({"type": ["message"]}, ("unknown_type", "")),
        ({}, ("unknown_type", "")),
    ],
)
def test_invalid_visitor_frames_are_refused_naming_the_key(content, expected):
    assert refused(content) == expected


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        ({"type": "accept"}, ("invalid_frame", "conversation")),
        ({"type": "transfer", "conversation": CONVERSATION, "to": 0}, ("invalid_frame", "to")),
        ({"type": "transfer", "conversation": CONVERSATION, "to": "7"}, ("invalid_frame", "to")),
        ({"type": "heartbeat", "status": "asleep"}, ("invalid_frame", "status")),
        ({"type": "hello", "v": 1}, ("unknown_type", "")),
    ],
)
def test_invalid_agent_frames_are_refused(content, expected):
    assert refused(content, AGENT_SCHEMAS) == expected


def test_a_visitor_frame_type_is_not_an_agent_one():
    assert refused({"type": "heartbeat", "status": "online"}) == ("unknown_type", "")


@pytest.mark.parametrize("text", ["not json", "[1, 2]", '"hello"', "null", "[" * 5000 + "]" * 5000])
def test_what_is_not_a_json_object_is_an_invalid_frame(text):
    with pytest.raises(FrameError) as error:
        parse_frame(text)
    assert error.value.code == "invalid_frame"


def test_binary_frames_are_invalid():
    with pytest.raises(FrameError) as error:
        parse_frame(None, b'{"type": "ping"}')
    assert error.value.code == "invalid_frame"


def test_a_frame_over_the_size_cap_is_refused_before_it_is_parsed():
    # Persian letters take two bytes each: the cap counts bytes, not characters.
    body = "س" * (MAX_FRAME_BYTES // 2)

    with pytest.raises(FrameError) as error:
        parse_frame(json.dumps({"type": "message", "client_id": "c", "body": body}, ensure_ascii=False))

    assert error.value.code == "frame_too_large"


def test_echo_repeats_only_well_formed_ids():
    assert echo_fields({"client_id": "c-1", "conversation": CONVERSATION}) == {
        "client_id": "c-1",
        "conversation": CONVERSATION,
    }
    assert echo_fields({"client_id": "x" * 500, "conversation": "<b>"}) == {}


class Clock:
    def __init__(self):
        self.now = 1000.0

    def __call__(self):
        return self.now


def test_the_bucket_allows_a_burst_then_refuses_until_it_refills():
    clock = Clock()
    bucket = TokenBucket(capacity=20, window=10, max_refusals=10, clock=clock)

    burst = [bucket.take() for _ in range(21)]
    clock.now += 1  # two frames' worth
    later = [bucket.take() for _ in range(3)]

    assert burst == [Verdict.ALLOW] * 20 + [Verdict.REFUSE]
    assert later == [Verdict.ALLOW, Verdict.ALLOW, Verdict.REFUSE]


def test_the_bucket_closes_after_many_refusals_in_a_row_and_forgives_a_calm_client():
    clock = Clock()
    bucket = TokenBucket(capacity=2, window=2, max_refusals=3, clock=clock)
    [bucket.take() for _ in range(2)]

    assert [bucket.take() for _ in range(2)] == [Verdict.REFUSE, Verdict.REFUSE]
    clock.now += 1
    assert bucket.take() == Verdict.ALLOW
    assert [bucket.take() for _ in range(3)] == [Verdict.REFUSE, Verdict.REFUSE, Verdict.CLOSE]


def test_the_bucket_never_holds_more_than_its_capacity():
    clock = Clock()
    bucket = TokenBucket(capacity=3, window=3, clock=clock)
    clock.now += 3600

    assert [bucket.take() for _ in range(4)] == [Verdict.ALLOW] * 3 + [Verdict.REFUSE]
