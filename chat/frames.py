"""The JSON frames of the chat protocol (docs/chat-protocol.md), built in one place."""

PROTOCOL_VERSION = 1


def message_frame(message) -> dict:
    author = message.author_user
    return {
        "type": "message",
        "conversation": str(message.conversation.public_id),
        "seq": message.seq,
        "author": message.author_kind,
        "name": (author.first_name or author.get_full_name()) if author else "",
        "body": message.body,
        "payload": message.payload,
        "client_id": message.client_id,
        "created_at": message.created_at.isoformat(),
    }
